"""Le moteur papermill ``clusterlib`` : les cellules s'exécutent dans le processus, sans noyau.

:class:`MoteurEnProcessus` est un **moteur papermill** (comme celui de ploomber-engine) :
papermill injecte toujours les paramètres, tient les métadonnées et produit le notebook
exécuté ; seule l'exécution des cellules change. Elles tournent dans un shell IPython
(``InteractiveShell``) du processus courant, dont les sorties sont recueillies sous la forme
exacte que produit un noyau ipykernel (flux, affichages, résultats, erreurs). Le moteur est
enregistré sous le nom ``clusterlib`` (point d'entrée ``papermill.engine`` et
:func:`papermill.engines.papermill_engines.register`).

Le lot l'emploie dans des processus de travail (:mod:`clusterlib.sorties.travailleur`) qui
importent tout une fois et produisent chaque rapport dans un enfant forké ; le lot les pilote
depuis :mod:`clusterlib.sorties.reserve`. Chaque cellule a son délai (alarme), et signale son
début et sa fin au processus de travail, qui tue l'enfant si l'alarme ne suffit pas.
"""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

from papermill.engines import Engine, papermill_engines

__all__ = ["NOM_MOTEUR", "DelaiDepasse", "MoteurEnProcessus", "preparer_shell"]

NOM_MOTEUR = "clusterlib"
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
