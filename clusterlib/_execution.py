"""Le processus enfant d'un rapport : notebook exécuté par papermill, export HTML.

:mod:`clusterlib.rapports` lance ``python -m clusterlib._execution parametres.json`` pour
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


def executer(parametres: dict[str, Any]) -> None:
    """Exécute le notebook du rapport dans ``parametres["temporaire"]`` et exporte le HTML."""
    _arret_sur_sigterm()
    _ecarter_rfc3987_syntax()
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    temporaire = Path(parametres["temporaire"])
    noyau = AsyncKernelManager(kernel_name="python3")
    run_sync(noyau.start_kernel)(cwd=str(temporaire), extra_arguments=ARGUMENTS_NOYAU)
    try:
        # Pendant que le noyau démarre :
        import nbconvert  # noqa: F401  (importé pendant que le noyau démarre)
        import papermill

        formats = parametres["formats"]
        sortie_ipynb = temporaire / "rapport.ipynb"
        notebook = papermill.execute_notebook(
            parametres["notebook"],
            str(sortie_ipynb),
            request_save_on_cell_execute=False,  # écrit une seule fois, à la fin
            parameters={
                "chemin_donnees": parametres["chemin_donnees"],
                "campagne": parametres["campagne"],
                "dossier_sortie": str(temporaire),
                "disposition": parametres["disposition"],
            },
            kernel_name="python3",
            km=noyau,
            cwd=str(temporaire),
            execution_timeout=parametres["delai"],
            progress_bar=False,
            log_output=False,
            report_mode=False,
        )
    finally:
        run_sync(noyau.shutdown_kernel)(now=True)
    fichier_resume = temporaire / "resume.json"
    if not fichier_resume.exists():  # un notebook de rapport qui n'écrit pas le résumé
        from .modele import load
        from .rapports import resume_cluster

        resume = resume_cluster(load(parametres["chemin_donnees"]), parametres["campagne"])
        fichier_resume.write_text(json.dumps(resume, ensure_ascii=False, indent=2), encoding="utf-8")
    if "ipynb" not in formats:
        sortie_ipynb.unlink()
    if "html" in formats:
        resume = json.loads(fichier_resume.read_text(encoding="utf-8"))
        from .echappement import html_rapport  # sans script, avec CSP, Markdown des données échappé

        corps = html_rapport(notebook, f"Rapport de diagnostic — {resume['nom']}")
        (temporaire / "rapport.html").write_text(corps, encoding="utf-8")


if __name__ == "__main__":
    executer(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
