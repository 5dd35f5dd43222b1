"""Moteur de lot des rapports : les cellules s'exécutent dans le processus, sans noyau.

Deux pièces :

- :class:`MoteurEnProcessus`, un **moteur papermill** (comme celui de ploomber-engine) : papermill
  injecte toujours les paramètres, tient les métadonnées et produit le notebook exécuté ; seule
  l'exécution des cellules change. Elles tournent dans un shell IPython
  (``InteractiveShell``) du processus courant, dont les sorties sont recueillies sous la forme
  exacte que produit un noyau ipykernel (flux, affichages, résultats, erreurs). Le moteur est
  enregistré sous le nom ``clusterlib`` (point d'entrée ``papermill.engine`` et
  :func:`papermill.engines.papermill_engines.register`).
- :class:`Atelier`, une réserve de **processus de travail** (``python -m clusterlib.sorties.moteur_lot``)
  qui importent une fois pandas, matplotlib, networkx, clusterlib, papermill et nbconvert, puis
  produisent chaque rapport dans un **enfant forké** : chaque rapport part du même état propre,
  sans payer ni démarrage de Python, ni imports, ni noyau.

Ce que promet ``clusterlib report`` tient comme avec le moteur papermill : délai par cellule
(alarme dans l'enfant, et arrêt forcé par le processus de travail si l'alarme ne suffit pas),
plantage d'un enfant (``os._exit``, signal) signalé avec son journal, Ctrl-C qui tue l'enfant
en cours avant que le dossier temporaire soit supprimé.
"""

from __future__ import annotations

import io
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from papermill.engines import Engine, papermill_engines

__all__ = ["NOM_MOTEUR", "Atelier", "DelaiDepasse", "MoteurEnProcessus"]

NOM_MOTEUR = "clusterlib"
# Délai laissé à l'alarme d'une cellule avant que le processus de travail ne tue l'enfant.
MARGE_ARRET_FORCE = 15.0
# Écart minimal entre deux écritures intermédiaires du notebook exécuté (secondes).
INTERVALLE_SAUVEGARDE = 2.0

# Descripteur par lequel l'enfant signale au processus de travail le début de chaque cellule.
_fd_battement: int | None = None


class DelaiDepasse(BaseException):
    """Une cellule a dépassé son délai (hérite de BaseException : un ``except Exception`` ne l'avale pas)."""


# --- Le shell IPython qui recueille les sorties comme un noyau ----------------------------------


def _json(contenu: Any) -> Any:
    """Le contenu tel qu'il sortirait d'un message du noyau (aller-retour JSON de jupyter_client)."""
    from jupyter_client.jsonutil import json_default

    return json.loads(json.dumps(contenu, default=json_default, ensure_ascii=False))


class _Flux(io.TextIOBase):
    """``sys.stdout`` ou ``sys.stderr`` d'une cellule : le texte va aux sorties du notebook."""

    def __init__(self, nom: str, recueil: _Recueil) -> None:
        super().__init__()
        self.nom = nom
        self._recueil = recueil
        self._tampon: list[str] = []

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, texte: str) -> int:
        if not isinstance(texte, str):
            raise TypeError(f"write() argument must be str, not {type(texte).__name__}")
        self._tampon.append(texte)
        return len(texte)

    def flush(self) -> None:
        if self._tampon:
            texte = "".join(self._tampon)
            self._tampon.clear()
            self._recueil.ajouter({"output_type": "stream", "name": self.nom, "text": texte})


class _Recueil:
    """Les sorties de la cellule en cours, dans l'ordre où un noyau les enverrait."""

    def __init__(self) -> None:
        self.sorties: list[dict[str, Any]] = []
        self._effacer_au_prochain = False
        self.stdout = _Flux("stdout", self)
        self.stderr = _Flux("stderr", self)

    def vider_flux(self) -> None:
        self.stdout.flush()
        self.stderr.flush()

    def ajouter(self, sortie: dict[str, Any]) -> None:
        if self._effacer_au_prochain:
            self.sorties.clear()
            self._effacer_au_prochain = False
        self.sorties.append(sortie)

    def effacer(self, attendre: bool) -> None:
        if attendre:
            self._effacer_au_prochain = True
        else:
            self.sorties.clear()


def _creer_shell() -> Any:
    """Le shell IPython du moteur (classes créées à la demande : IPython ne s'importe qu'au besoin)."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class Publication(DisplayPublisher):
        recueil: _Recueil | None = None

        def publish(self, data: dict, metadata: dict | None = None, source: Any = None, *,
                    transient: dict | None = None, update: bool = False, **_kw: Any) -> None:
            if self.recueil is None:
                return
            self.recueil.vider_flux()  # comme ipykernel : l'ordre des print et des affichages est gardé
            sortie = _json({"output_type": "display_data", "data": data, "metadata": metadata or {}})
            if update:  # mise à jour d'un affichage : le noyau l'envoie à part ; rien ne s'ajoute au notebook
                return
            self.recueil.ajouter(sortie)

        def clear_output(self, wait: bool = False) -> None:
            if self.recueil is not None:
                self.recueil.vider_flux()
                self.recueil.effacer(wait)

    class Resultat(DisplayHook):
        recueil: _Recueil | None = None
        _donnees: dict | None = None

        def start_displayhook(self) -> None:
            self._donnees = {"data": {}, "metadata": {}}

        def write_output_prompt(self) -> None:
            pass

        def write_format_data(self, format_dict: dict, md_dict: dict | None = None) -> None:
            if self._donnees is not None:
                self._donnees["data"] = format_dict
                self._donnees["metadata"] = md_dict or {}

        def finish_displayhook(self) -> None:
            if self.recueil is None or self._donnees is None:
                return
            self.recueil.vider_flux()
            self.recueil.ajouter(_json({"output_type": "execute_result", "execution_count": self.prompt_count,
                                        **self._donnees}))
            self._donnees = None

    class ShellDuMoteur(InteractiveShell):
        recueil: _Recueil | None = None

        def _showtraceback(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
            if self.recueil is None:
                return
            self.recueil.vider_flux()
            self.recueil.ajouter(_json({"output_type": "error", "ename": str(etype.__name__),
                                        "evalue": str(evalue), "traceback": stb}))

        display_pub_class = Type(Publication)
        displayhook_class = Type(Resultat)

        def enable_gui(self, gui: str | None = None) -> None:
            pass

    config = Config()
    # Comme le noyau des rapports (clusterlib.sorties._execution.ARGUMENTS_NOYAU) : historique en mémoire,
    # pas de fil d'enregistrement (le processus de travail peut alors forker sans risque).
    config.HistoryManager.hist_file = ":memory:"
    config.InteractiveShell.colors = "nocolor"
    if InteractiveShell.initialized():
        raise RuntimeError("le moteur clusterlib s'exécute dans un processus sans autre shell IPython "
                           "(par exemple pas dans un noyau Jupyter) ; utilisez-y le moteur papermill")
    return ShellDuMoteur.instance(config=config)


_SHELL: Any = None


def preparer_shell() -> Any:
    """Le shell du processus, prêt pour un notebook (créé une fois, remis à neuf s'il a servi)."""
    global _SHELL
    if _SHELL is None:
        _SHELL = _creer_shell()
    elif _SHELL.execution_count != 1:
        _SHELL.reset(new_session=True)
        _SHELL.execution_count = 1
    return _SHELL


@contextmanager
def _sorties_vers(shell: Any, recueil: _Recueil) -> Iterator[None]:
    anciens = sys.stdout, sys.stderr
    shell.recueil = shell.display_pub.recueil = shell.displayhook.recueil = recueil
    sys.stdout, sys.stderr = recueil.stdout, recueil.stderr
    try:
        yield
    finally:
        recueil.vider_flux()
        sys.stdout, sys.stderr = anciens
        shell.recueil = shell.display_pub.recueil = shell.displayhook.recueil = None


@contextmanager
def _delai(secondes: float | None, numero: int) -> Iterator[None]:
    """Alarme qui interrompt la cellule au bout de ``secondes`` (fil principal seulement)."""
    if not secondes or threading.current_thread() is not threading.main_thread():
        yield
        return

    def sonner(_signum: int, _frame: Any) -> None:
        raise DelaiDepasse(f"délai dépassé : la cellule In [{numero}] tournait encore après {secondes:g} s")

    ancien = signal.signal(signal.SIGALRM, sonner)
    signal.setitimer(signal.ITIMER_REAL, float(secondes))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, ancien)


def _battement(etat: bytes) -> None:
    """Signale au processus de travail qu'une cellule commence (``b"d"``) ou finit (``b"f"``).

    Il ne surveille le délai que pendant une cellule, comme nbclient.
    """
    if _fd_battement is not None:
        with suppress(OSError):
            os.write(_fd_battement, etat)


class MoteurEnProcessus(Engine):
    """Moteur papermill ``clusterlib`` : chaque cellule de code s'exécute dans un shell IPython du processus.

    S'utilise comme tout moteur papermill :
    ``papermill.execute_notebook(entree, sortie, parameters=..., engine_name="clusterlib")``.
    ``execution_timeout`` est le délai par cellule, en secondes.
    """

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 execution_timeout: float | None = None, **kwargs: Any) -> Any:
        from clusterlib.sorties._execution import LANGUAGE_INFO

        shell = preparer_shell()
        nb = nb_man.nb
        # papermill réécrit le notebook à chaque début et fin de cellule (une soixantaine
        # d'écritures par rapport) : on n'en garde qu'une par INTERVALLE_SAUVEGARDE secondes ;
        # papermill écrit de toute façon le notebook complet à la fin (ou à l'erreur).
        sauver = nb_man.save
        derniere = [time.monotonic()]

        def sauver_espace(**options: Any) -> None:
            if time.monotonic() - derniere[0] >= INTERVALLE_SAUVEGARDE:
                sauver(**options)
                derniere[0] = time.monotonic()

        nb_man.save = sauver_espace
        try:
            cls._executer_cellules(nb_man, shell, execution_timeout)
        finally:
            nb_man.save = sauver
        nb.metadata["language_info"] = dict(LANGUAGE_INFO)
        return nb

    @staticmethod
    def _executer_cellules(nb_man: Any, shell: Any, execution_timeout: float | None) -> None:
        from nbformat import from_dict

        nb = nb_man.nb
        for index, cellule in enumerate(nb.cells):
            try:
                nb_man.cell_start(cellule, index)
                if cellule.cell_type != "code" or not cellule.source.strip():
                    continue
                recueil = _Recueil()
                cellule.execution_count = shell.execution_count
                _battement(b"d")
                try:
                    with _sorties_vers(shell, recueil), _delai(execution_timeout, cellule.execution_count):
                        resultat = shell.run_cell(cellule.source, store_history=True)
                finally:
                    _battement(b"f")
                cellule.outputs = [from_dict(s) for s in recueil.sorties]
                if not resultat.success:
                    nb_man.cell_exception(nb.cells[index], cell_index=index, exception=resultat.error_in_exec)
                    break
            finally:
                nb_man.cell_complete(nb.cells[index], cell_index=index)


papermill_engines.register(NOM_MOTEUR, MoteurEnProcessus)


# --- Le processus de travail : imports une fois, un enfant forké par rapport -----------------------


# Ce que le notebook du rapport importe (et ce qu'importe son exécution par papermill et nbconvert).
MODULES_PRECHARGES = (
    "datetime", "json", "pandas", "pandas.io.formats.style", "numpy", "networkx", "matplotlib.pyplot",
    "matplotlib_inline.backend_inline", "IPython.display", "IPython.core.interactiveshell", "papermill",
    "nbformat", "nbconvert", "clusterlib", "clusterlib.fichiers", "clusterlib.referentiel",
    "clusterlib.donnees.echantillons", "clusterlib.donnees.modele",
    "clusterlib.analyses.comptes", "clusterlib.analyses.notation", "clusterlib.analyses.planification",
    "clusterlib.analyses.qqrp", "clusterlib.analyses.reseau",
    "clusterlib.presentation.format_fr", "clusterlib.presentation.affichage", "clusterlib.presentation.comptes",
    "clusterlib.presentation.qqrp", "clusterlib.presentation.reseau", "clusterlib.sorties.rapports",
    "clusterlib.sorties.pdf", "clusterlib.graphiques", "clusterlib.graphiques.carte", "clusterlib.graphiques.comptes",
    "clusterlib.graphiques.notation", "clusterlib.graphiques.plan", "clusterlib.graphiques.qqrp",
)


def prechauffer() -> None:
    """Tout ce qu'un rapport importe, et les caches qui ne changent aucun résultat (gabarits, polices)."""
    from clusterlib.sorties._execution import _ecarter_rfc3987_syntax, exporteur_html

    _ecarter_rfc3987_syntax()
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    for module in MODULES_PRECHARGES:
        importlib.import_module(module)
    import nbformat
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Gabarits de nbconvert compilés une fois : l'exportateur est repris tel quel par chaque enfant.
    exporteur_html().from_notebook_node(nbformat.v4.new_notebook())
    # Police chargée une fois (lecture du fichier de police par FreeType).
    figure = Figure(figsize=(1, 1))
    figure.text(0.5, 0.5, "Éé 0,5 %", fontsize=9)
    FigureCanvasAgg(figure).draw()
    preparer_shell()


def _enfant(demande: dict[str, Any], battement: int) -> None:
    """Dans l'enfant forké : le rapport, sorties vers le journal ; ne revient jamais."""
    global _fd_battement
    code = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        journal = os.open(demande["journal"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(journal, 1)
        os.dup2(journal, 2)
        os.close(journal)
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", line_buffering=True)
        sys.__stdout__, sys.__stderr__ = sys.stdout, sys.stderr
        _fd_battement = battement
        from clusterlib.sorties._execution import executer

        parametres = json.loads(Path(demande["parametres"]).read_text(encoding="utf-8"))
        executer(parametres, moteur=NOM_MOTEUR)
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _attendre_enfant(pid: int, battement: int, delai: float, marge: float, journal: str, entree: int) -> int:
    """Attend l'enfant ; le tue s'il bloque une cellule au-delà du délai ou si le lot disparaît."""
    pidfd = os.pidfd_open(pid)
    sans_limite = float("inf")
    limite = sans_limite  # hors des cellules (chargement, export HTML), pas de délai
    try:
        while True:
            reste = limite - time.monotonic()
            if reste <= 0:
                os.kill(pid, signal.SIGKILL)
                with open(journal, "a", encoding="utf-8") as flux:
                    flux.write(f"\nTimeout : délai dépassé, la cellule tournait encore {delai + marge:g} s après "
                               "son début ; processus du rapport arrêté.\n")
                limite = sans_limite
                continue
            surveilles = [pidfd, entree] + ([battement] if battement != -1 else [])
            prets, _, _ = select.select(surveilles, [], [], min(reste, 3600))
            if battement != -1 and battement in prets:
                recu = os.read(battement, 4096)
                if recu:
                    limite = time.monotonic() + delai + marge if recu.endswith(b"d") else sans_limite
                else:  # l'enfant a fermé son bout : il se termine
                    os.close(battement)
                    battement = -1
            if entree in prets:  # le lot n'envoie rien pendant un rapport : c'est la fin du tube, il a disparu
                os.kill(pid, signal.SIGKILL)
                _, statut = os.waitpid(pid, 0)
                return os.waitstatus_to_exitcode(statut)
            if pidfd in prets:
                _, statut = os.waitpid(pid, 0)
                return os.waitstatus_to_exitcode(statut)
    finally:
        os.close(pidfd)
        if battement != -1:
            os.close(battement)


def travailler() -> None:
    """Boucle du processus de travail : une demande JSON par ligne sur l'entrée, une réponse par ligne."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C : c'est le lot qui décide et tue l'enfant
    canal = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # un print égaré n'abîme pas le protocole
    sys.stdout = sys.stderr
    prechauffer()
    canal.write(json.dumps({"pret": os.getpid()}) + "\n")
    entree = sys.stdin.fileno()
    lecteur = os.fdopen(os.dup(entree), "r", encoding="utf-8")
    for ligne in lecteur:
        if not ligne.strip():
            continue
        demande = json.loads(ligne)
        lecture, ecriture = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(lecture)
            canal.close()
            _enfant(demande, ecriture)
        os.close(ecriture)
        canal.write(json.dumps({"pid": pid}) + "\n")
        code = _attendre_enfant(pid, lecture, float(demande["delai"]), float(demande["marge"]), demande["journal"],
                                entree)
        canal.write(json.dumps({"fin": code}) + "\n")


# --- Côté lot : la réserve de processus de travail --------------------------------------------------


class _Travailleur:
    """Un processus de travail et le rapport qu'il produit en ce moment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.processus = subprocess.Popen(
            [sys.executable, "-m", "clusterlib.sorties.moteur_lot"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=env, text=True, encoding="utf-8", bufsize=1)
        self.pret = False
        self.enfant: int | None = None
        self.arrete = False
        self._verrou = threading.Lock()

    def _lire(self) -> dict[str, Any]:
        assert self.processus.stdout is not None
        ligne = self.processus.stdout.readline()
        if not ligne:
            raise OSError("le processus de travail s'est arrêté")
        return json.loads(ligne)

    def attendre_pret(self) -> None:
        if not self.pret:
            message = self._lire()
            if "pret" not in message:
                raise OSError("réponse inattendue du processus de travail")
            self.pret = True

    def executer(self, parametres: Path, journal: Path, delai: float) -> int:
        """Produit un rapport ; renvoie le code de sortie de l'enfant (négatif : tué par ce signal)."""
        assert self.processus.stdin is not None
        self.attendre_pret()
        self.processus.stdin.write(json.dumps({"parametres": str(parametres), "journal": str(journal),
                                               "delai": delai, "marge": MARGE_ARRET_FORCE}) + "\n")
        self.processus.stdin.flush()
        with self._verrou:
            self.enfant = self._lire()["pid"]
            if self.arrete:
                self._tuer_enfant()
        try:
            return int(self._lire()["fin"])
        finally:
            with self._verrou:
                self.enfant = None

    def _tuer_enfant(self) -> None:
        if self.enfant is not None:
            with suppress(ProcessLookupError):
                os.kill(self.enfant, signal.SIGKILL)

    def terminate(self) -> None:
        """Ctrl-C : l'enfant en cours est tué ; le processus de travail le ramasse et répond."""
        with self._verrou:
            self.arrete = True
            self._tuer_enfant()

    def fermer(self) -> None:
        if self.processus.stdin:
            with suppress(OSError):
                self.processus.stdin.close()
        try:
            self.processus.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.processus.kill()
            self.processus.wait()
        if self.processus.stdout:
            self.processus.stdout.close()


class Atelier:
    """Réserve de ``travaux`` processus de travail, démarrés dès la création (leurs imports se font
    pendant que le lot valide les premiers clusters).

    ``with Atelier(2) as atelier: atelier.executer(parametres, journal, delai)`` depuis plusieurs fils.
    """

    def __init__(self, travaux: int, env: dict[str, str] | None = None) -> None:
        import queue

        self._env = {**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1", **(env or {})}
        self._libres: queue.SimpleQueue[_Travailleur] = queue.SimpleQueue()
        self._tous: list[_Travailleur] = []
        for _ in range(max(1, travaux)):
            travailleur = _Travailleur(self._env)
            self._tous.append(travailleur)
            self._libres.put(travailleur)

    def __enter__(self) -> Atelier:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.fermer()

    @contextmanager
    def travailleur(self) -> Iterator[_Travailleur]:
        """Un processus de travail libre (remplacé s'il est mort pendant le rapport précédent)."""
        travailleur = self._libres.get()
        try:
            if travailleur.processus.poll() is not None:
                travailleur.fermer()
                remplacant = _Travailleur(self._env)
                self._tous[self._tous.index(travailleur)] = remplacant
                travailleur = remplacant
            yield travailleur
        finally:
            self._libres.put(travailleur)

    def memoire_par_travailleur(self) -> list[int]:
        """Mémoire résidente (octets) de chaque processus de travail prêt."""
        import psutil

        tailles = []
        for travailleur in self._tous:
            travailleur.attendre_pret()
            tailles.append(psutil.Process(travailleur.processus.pid).memory_info().rss)
        return tailles

    def fermer(self) -> None:
        for travailleur in self._tous:
            travailleur.terminate()
        for travailleur in self._tous:
            travailleur.fermer()


if __name__ == "__main__":
    # Le module lui-même (et non cette copie « __main__ ») : un seul moteur et un seul shell.
    from clusterlib.sorties import moteur_lot

    moteur_lot.travailler()
