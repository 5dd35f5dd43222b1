"""Le processus enfant d'un rapport (moteur papermill) : notebook exécuté par papermill, export HTML.

:func:`executer` et :func:`finir` servent aussi au moteur en processus (:mod:`clusterlib.sorties.moteur_lot`),
dont les enfants forkés produisent le rapport de la même façon.

:mod:`clusterlib.sorties.rapports` lance ``python -m clusterlib.sorties._execution parametres.json`` pour
chaque cluster, après l'avoir validé. Ce module n'importe d'abord que la bibliothèque
standard et ``jupyter_client`` : le noyau démarre aussitôt, et papermill et nbconvert
s'importent pendant qu'il démarre (les deux se font en parallèle, sur deux cœurs).
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

# Le noyau tient son historique en mémoire, comme papermill le fait par défaut : plusieurs
# noyaux en parallèle ne se disputent pas le fichier SQLite de l'historique d'IPython.
ARGUMENTS_NOYAU = ["--HistoryManager.hist_file=:memory:"]

# Étiquette des cellules propres au livre dans un notebook modèle de rapport (présentation,
# prérequis, exercices, « Et ensuite ? ») : le livre les montre, les rapports ne les ont jamais.
ETIQUETTE_LIVRE = "livre-seulement"


def cellules_du_rapport(chemin: str | Path) -> Any:
    """Le notebook modèle lu dans ``chemin``, sans ses cellules marquées :data:`ETIQUETTE_LIVRE`.

    Elles ne sont ni exécutées ni exportées : un rapport ne contient ni exercice ni squelette
    de cours, et ses sorties ne dépendent que des cellules du rapport.
    """
    import nbformat

    notebook = nbformat.read(str(chemin), as_version=4)
    notebook.cells = [c for c in notebook.cells if ETIQUETTE_LIVRE not in c.get("metadata", {}).get("tags", [])]
    return notebook


def _ecarter_rfc3987_syntax() -> None:
    """Évite 1,3 s d'import inutile dans ce processus.

    nbformat valide les notebooks avec jsonschema, qui charge ``rfc3987_syntax`` quand il
    est installé ; ce module compile des grammaires Lark dès son import. Il ne sert qu'au
    format « iri », que les schémas de nbformat n'emploient pas : jsonschema s'en passe
    sans rien perdre ici.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _arret_sur_sigterm() -> None:
    """SIGTERM (Ctrl-C dans le processus parent) : sortir proprement pour arrêter le noyau."""

    def arreter(_signum: int, _frame: Any) -> None:
        raise SystemExit(143)

    signal.signal(signal.SIGTERM, arreter)


# Ce que le noyau ipykernel annonce de son langage (``kernel_info``) : le moteur en processus
# met la même chose dans les métadonnées du notebook exécuté.
LANGUAGE_INFO: dict[str, Any] = {
    "name": "python",
    "version": sys.version.split()[0],
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
    "pygments_lexer": "ipython3",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}


def fusionner_flux(notebook: Any) -> None:
    """Réunit les sorties de flux consécutives d'une cellule (même flux) en une seule.

    Un noyau découpe un même ``print`` en un ou plusieurs messages selon le moment où il vide
    son tampon ; réunies, les sorties ne dépendent plus de ce hasard ni du moteur.
    """
    for cellule in notebook.cells:
        if cellule.get("cell_type") != "code":
            continue
        sorties = []
        for sortie in cellule.outputs:
            precedente = sorties[-1] if sorties else None
            if (sortie.get("output_type") == "stream" and precedente is not None
                    and precedente.get("output_type") == "stream" and precedente.get("name") == sortie.get("name")):
                precedente["text"] = "".join(precedente["text"]) + "".join(sortie["text"])
            else:
                sorties.append(sortie)
        cellule.outputs = sorties


def _parametres_papermill(parametres: dict[str, Any], temporaire: Path) -> dict[str, Any]:
    if parametres.get("parametres_notebook"):  # autre notebook que celui d'un cluster (rapport de hub)
        return parametres["parametres_notebook"]
    return {
        "chemin_donnees": parametres["chemin_donnees"],
        "campagne": parametres["campagne"],
        "dossier_sortie": str(temporaire),
        "disposition": parametres["disposition"],
    }


def executer(parametres: dict[str, Any], moteur: str = "papermill") -> None:
    """Exécute le notebook du rapport dans ``parametres["temporaire"]`` et exporte le HTML.

    ``moteur`` : ``"papermill"`` (un noyau neuf, démarré ici) ou ``"clusterlib"`` (cellules
    exécutées dans ce processus, voir :mod:`clusterlib.sorties.moteur_lot`). Tout le reste (paramètres,
    notebook écrit, résumé, HTML) est commun aux deux.
    """
    _ecarter_rfc3987_syntax()
    temporaire = Path(parametres["temporaire"])
    options = {
        "request_save_on_cell_execute": False,
        "cwd": str(temporaire),
        "execution_timeout": parametres["delai"],
        "progress_bar": False,
        "log_output": False,
        "report_mode": False,
        "kernel_name": "python3",
    }
    if moteur == "papermill":
        _arret_sur_sigterm()
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        noyau = AsyncKernelManager(kernel_name="python3")
        run_sync(noyau.start_kernel)(cwd=str(temporaire), extra_arguments=ARGUMENTS_NOYAU)
        try:
            import papermill  # pendant que le noyau démarre

            notebook = papermill.execute_notebook(cellules_du_rapport(parametres["notebook"]), None,
                                                  parameters=_parametres_papermill(parametres, temporaire),
                                                  km=noyau, **options)
        finally:
            run_sync(noyau.shutdown_kernel)(now=True)
    else:
        import papermill

        from clusterlib.sorties import moteur_lot

        notebook = papermill.execute_notebook(cellules_du_rapport(parametres["notebook"]), None,
                                              parameters=_parametres_papermill(parametres, temporaire),
                                              engine_name=moteur_lot.NOM_MOTEUR, **options)
    # Le notebook est passé déjà lu : papermill n'a pas vu son chemin, on le lui rend.
    notebook.metadata.setdefault("papermill", {})["input_path"] = str(parametres["notebook"])
    finir(notebook, parametres)


def finir(notebook: Any, parametres: dict[str, Any]) -> None:
    """Après l'exécution : ``resume.json`` (si le notebook ne l'a pas écrit), notebook, HTML."""
    import nbformat

    temporaire = Path(parametres["temporaire"])
    formats = parametres["formats"]
    fusionner_flux(notebook)
    for cellule in notebook.cells:
        # papermill donne à la cellule qu'il injecte un identifiant tiré au hasard, repris dans le HTML.
        if "injected-parameters" in cellule.get("metadata", {}).get("tags", []) and "id" in cellule:
            cellule["id"] = "injected-parameters"
    fichier_resume = temporaire / "resume.json"
    if "titre" in parametres:  # autre notebook que le rapport d'un cluster (rapport de hub)
        fichier_resume = None
    elif not fichier_resume.exists():  # un notebook de rapport qui n'écrit pas le résumé
        from clusterlib.donnees.modele import load
        from clusterlib.sorties.rapports import resume_cluster

        resume = resume_cluster(load(parametres["chemin_donnees"]), parametres["campagne"])
        fichier_resume.write_text(json.dumps(resume, ensure_ascii=False, indent=2), encoding="utf-8")
    if "ipynb" in formats:
        nbformat.write(notebook, str(temporaire / "rapport.ipynb"))
    if "html" in formats:
        if fichier_resume is None:
            titre = parametres["titre"]
        else:
            resume = json.loads(fichier_resume.read_text(encoding="utf-8"))
            titre = f"Rapport de diagnostic — {resume['nom']}"
        from clusterlib.presentation.echappement import (
            html_rapport,  # sans script, avec CSP, Markdown des données échappé
        )

        corps = html_rapport(notebook, titre)
        (temporaire / "rapport.html").write_text(corps, encoding="utf-8")


if __name__ == "__main__":
    executer(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")), moteur="papermill")
