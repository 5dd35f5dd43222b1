"""Côté lot du moteur ``clusterlib`` : la réserve de processus de travail.

:class:`Atelier` démarre ``travaux`` processus ``python -m clusterlib.sorties.travailleur``
(:mod:`clusterlib.sorties.travailleur`) et leur confie les rapports un à un, depuis plusieurs
fils. Ce module n'importe ni papermill ni IPython : la ligne de commande qui l'emploie reste
légère, les imports lourds se font dans les processus de travail.

Ce que promet ``clusterlib report`` tient comme avec le moteur papermill : délai par cellule
(alarme dans l'enfant, et arrêt forcé par le processus de travail si l'alarme ne suffit pas),
plantage d'un enfant signalé avec son journal, Ctrl-C qui tue l'enfant en cours.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

__all__ = ["MARGE_ARRET_FORCE", "PREFIXE_DOSSIER", "Atelier", "nettoyer_dossiers_orphelins"]

# Préfixe du dossier privé de chaque processus de travail (dans le dossier temporaire du système).
PREFIXE_DOSSIER = "clusterlib-travailleur-"
# Délai laissé à l'alarme d'une cellule avant que le processus de travail ne tue l'enfant.
MARGE_ARRET_FORCE = 15.0


class _Travailleur:
    """Un processus de travail et le rapport qu'il produit en ce moment."""

    def __init__(self, env: dict[str, str]) -> None:
        # Dossier privé du processus de travail (voir clusterlib.sorties.travailleur.travailler) : créé et
        # effacé ici, pour qu'il disparaisse même si le processus de travail est tué.
        self.dossier = tempfile.mkdtemp(prefix=f"{PREFIXE_DOSSIER}{os.getpid()}-")
        self.processus = subprocess.Popen(
            [sys.executable, "-m", "clusterlib.sorties.travailleur", self.dossier], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, encoding="utf-8", bufsize=1)
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
        shutil.rmtree(self.dossier, ignore_errors=True)


def _vivant(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # processus d'un autre utilisateur
        return True
    return True


def nettoyer_dossiers_orphelins(racine: str | None = None) -> list[Path]:
    """Efface les dossiers privés laissés par une réserve tuée (``kill -9``) ; renvoie ceux effacés.

    Le nom d'un dossier porte le numéro du processus qui l'a créé : seuls ceux de cet utilisateur
    dont le processus n'existe plus sont effacés (un numéro repris par un autre processus ne fait
    que garder le dossier jusqu'au prochain passage).
    """
    effaces = []
    for dossier in Path(racine or tempfile.gettempdir()).glob(f"{PREFIXE_DOSSIER}*-*"):
        numero = dossier.name[len(PREFIXE_DOSSIER):].split("-", 1)[0]
        try:
            a_nous = dossier.is_dir() and not dossier.is_symlink() and dossier.stat().st_uid == os.getuid()
        except OSError:
            continue
        if a_nous and numero.isdigit() and not _vivant(int(numero)):
            shutil.rmtree(dossier, ignore_errors=True)
            effaces.append(dossier)
    return effaces


class Atelier:
    """Réserve de ``travaux`` processus de travail, démarrés dès la création (leurs imports se font
    pendant que le lot valide les premiers clusters).

    ``with Atelier(2) as atelier: atelier.executer(parametres, journal, delai)`` depuis plusieurs fils.
    """

    def __init__(self, travaux: int, env: dict[str, str] | None = None) -> None:
        import queue

        self._env = {**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1", **(env or {})}
        nettoyer_dossiers_orphelins()
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
