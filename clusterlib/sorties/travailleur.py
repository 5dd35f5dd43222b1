"""Le processus de travail du moteur de lot (``python -m clusterlib.sorties.travailleur``).

Il importe une fois tout ce qu'un rapport emploie (:data:`MODULES_PRECHARGES`), puis lit sur
son entrée une demande JSON par ligne et produit chaque rapport dans un **enfant forké** :
chaque rapport part du même état propre, sans payer ni démarrage de Python, ni imports, ni
noyau. Les cellules s'y exécutent par le moteur papermill ``clusterlib``
(:mod:`clusterlib.sorties.moteur_lot`) ; le lot pilote ces processus depuis
:mod:`clusterlib.sorties.reserve`.

Deux choses passent d'un rapport au suivant, sans rien changer aux résultats : la mise en forme
des textes des figures (:data:`clusterlib.graphiques._rendu_agg.MEMOIRE_TEXTES` : chaque enfant
renvoie ce qu'il a appris, les enfants suivants en héritent), et les objets du processus de
travail sont « gelés » avant chaque fork (:func:`gc.freeze`) : le ramasse-miettes de l'enfant ne
les parcourt pas, et ne recopie donc pas leurs pages de mémoire.

``rfc3987_syntax`` est écarté **avant** le premier import de papermill (qui importe nbformat,
donc jsonschema) : ce module compile des grammaires dès son import, 1,4 s de démarrage
perdues pour chaque processus (voir :func:`clusterlib.sorties._execution._ecarter_rfc3987_syntax`).
"""

from __future__ import annotations

import gc
import io
import json
import os
import pickle
import select
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from clusterlib.sorties._execution import _ecarter_rfc3987_syntax

_ecarter_rfc3987_syntax()  # avant papermill, importé par moteur_lot

from clusterlib.sorties import moteur_lot  # noqa: E402

__all__ = ["MODULES_PRECHARGES", "prechauffer", "travailler"]


# Ce que le notebook du rapport importe (et ce qu'importe son exécution par papermill et nbconvert).
MODULES_PRECHARGES = (
    "datetime", "json", "pandas", "pandas.io.formats.style", "numpy", "networkx", "matplotlib.pyplot",
    "matplotlib_inline.backend_inline", "IPython.display", "IPython.core.interactiveshell", "papermill",
    "nbformat", "nbconvert", "clusterlib", "clusterlib.fichiers", "clusterlib.referentiel",
    "clusterlib.donnees.echantillons", "clusterlib.donnees.modele",
    "clusterlib.analyses.comptes", "clusterlib.analyses.notation", "clusterlib.analyses.planification",
    "clusterlib.analyses.qqrp", "clusterlib.analyses.reseau",
    "clusterlib.presentation.format_fr", "clusterlib.presentation.affichage", "clusterlib.presentation.comptes",
    "clusterlib.presentation.planification", "clusterlib.presentation.qqrp", "clusterlib.presentation.reseau",
    "clusterlib.sorties.rapports",
    "clusterlib.sorties.pdf", "clusterlib.graphiques", "clusterlib.graphiques.carte", "clusterlib.graphiques.comptes",
    "clusterlib.graphiques.notation", "clusterlib.graphiques.plan", "clusterlib.graphiques.qqrp",
)


def _notebook_d_essai() -> Any:
    """Un petit notebook exécuté qui a chaque sorte de cellule et de sortie d'un rapport."""
    import nbformat

    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
    code = nbformat.v4.new_code_cell("x", execution_count=1, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="texte\n"),
        nbformat.v4.new_output("display_data", data={"text/markdown": "- **gras** et *italique*",
                                                     "text/plain": "texte"}),
        nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>",
                                                     "text/plain": "tableau"}),
        nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "image"}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
    ])
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Titre\n\nUn *paragraphe*."),
                                               code])
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def prechauffer() -> None:
    """Tout ce qu'un rapport importe, et les caches qui ne changent aucun résultat (gabarits, polices)."""
    from clusterlib.sorties._execution import _ecarter_rfc3987_syntax

    _ecarter_rfc3987_syntax()
    import importlib

    import matplotlib

    matplotlib.use("Agg")
    for module in MODULES_PRECHARGES:
        importlib.import_module(module)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from clusterlib.presentation.echappement import html_rapport

    # Gabarits de nbconvert et expressions régulières de son rendu compilés une fois, sur un
    # notebook qui a chaque sorte de sortie : l'exportateur est repris tel quel par chaque enfant.
    html_rapport(_notebook_d_essai(), "essai")
    # Polices chargées une fois (lecture des fichiers de police par FreeType), grasse comprise.
    figure = Figure(figsize=(1, 1))
    figure.text(0.5, 0.5, "Éé 0,5 %", fontsize=9)
    figure.text(0.5, 0.2, "Éé 0,5 %", fontsize=9, fontweight="bold")
    FigureCanvasAgg(figure).draw()
    moteur_lot.preparer_shell()


def _fichier_textes(dossier: str, pid: int) -> Path:
    return Path(dossier) / f"textes-{pid}.pickle"


def _transmettre_textes(dossier: str) -> None:
    """Dans l'enfant, rapport fini : ce que ses figures ont appris des textes, pour le processus de travail."""
    from clusterlib.graphiques._rendu_agg import MEMOIRE_TEXTES

    cible = _fichier_textes(dossier, os.getpid())
    provisoire = cible.with_suffix(".partiel")
    try:
        provisoire.write_bytes(pickle.dumps(MEMOIRE_TEXTES.ajouts(), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(provisoire, cible)
    except (OSError, pickle.PicklingError):  # disque plein : le rapport est fait, seuls les suivants y perdent
        provisoire.unlink(missing_ok=True)


def _reprendre_textes(dossier: str, pid: int, code: int) -> None:
    """Dans le processus de travail : ajoute à sa mémoire des textes ce que l'enfant ``pid`` a transmis."""
    from clusterlib.graphiques._rendu_agg import MEMOIRE_TEXTES

    fichier = _fichier_textes(dossier, pid)
    try:
        if code == 0 and fichier.exists():
            MEMOIRE_TEXTES.reprendre(pickle.loads(fichier.read_bytes()))  # écrit par notre enfant, dossier 0700
    except (OSError, pickle.UnpicklingError, EOFError):
        pass
    finally:
        fichier.unlink(missing_ok=True)
        fichier.with_suffix(".partiel").unlink(missing_ok=True)


def _enfant(demande: dict[str, Any], battement: int, dossier: str) -> None:
    """Dans l'enfant forké : le rapport, sorties vers le journal ; ne revient jamais."""
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
        moteur_lot._fd_battement = battement
        from clusterlib.sorties._execution import executer

        parametres = json.loads(Path(demande["parametres"]).read_text(encoding="utf-8"))
        executer(parametres, moteur=moteur_lot.NOM_MOTEUR)
        code = 0
        _transmettre_textes(dossier)
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


def travailler(dossier: str) -> None:
    """Boucle du processus de travail : une demande JSON par ligne sur l'entrée, une réponse par ligne.

    ``dossier`` : dossier privé (0700) où les enfants déposent ce qu'ils ont appris des textes ;
    la réserve (:mod:`clusterlib.sorties.reserve`) le crée et l'efface, même si ce processus est tué.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C : c'est le lot qui décide et tue l'enfant
    canal = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # un print égaré n'abîme pas le protocole
    sys.stdout = sys.stderr
    prechauffer()
    from clusterlib.graphiques._rendu_agg import MEMOIRE_TEXTES

    gc.collect()
    canal.write(json.dumps({"pret": os.getpid()}) + "\n")
    entree = sys.stdin.fileno()
    lecteur = os.fdopen(os.dup(entree), "r", encoding="utf-8")
    for ligne in lecteur:
        if not ligne.strip():
            continue
        demande = json.loads(ligne)
        lecture, ecriture = os.pipe()
        MEMOIRE_TEXTES.marquer()
        gc.freeze()  # ce qui existe avant le fork n'est plus parcouru (ni recopié) par le ramasse-miettes
        pid = os.fork()
        if pid == 0:
            os.close(lecture)
            canal.close()
            _enfant(demande, ecriture, dossier)
        os.close(ecriture)
        canal.write(json.dumps({"pid": pid}) + "\n")
        code = _attendre_enfant(pid, lecture, float(demande["delai"]), float(demande["marge"]), demande["journal"],
                                entree)
        _reprendre_textes(dossier, pid, code)
        canal.write(json.dumps({"fin": code}) + "\n")


if __name__ == "__main__":
    travailler(sys.argv[1])
