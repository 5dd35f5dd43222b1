"""L'environnement des noyaux Jupyter qui exécutent les pages du livre.

Deux réglages, faits dans le processus de construction avant le lancement des noyaux (qui
héritent de son environnement) :

- **figures** : le Makefile exporte ``MPLBACKEND=Agg`` (utile aux tests et à la ligne de
  commande) ; dans un noyau, matplotlib utiliserait alors Agg au lieu du moteur « inline »
  de Jupyter et un ``display(figure)`` n'afficherait que « <Figure size …> ». On retire la
  variable ;
- **tableaux** : les noyaux démarrent avec un dossier IPython propre au livre
  (``_build/.ipython``) dont le script de démarrage donne aux ``Styler`` pandas une
  représentation Markdown, pour que leurs tableaux s'impriment dans le PDF
  (voir ``noyau_livre_demarrage/``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

DEMARRAGE = Path(__file__).resolve().parent / "noyau_livre_demarrage"


def _preparer(app: Sphinx) -> None:
    os.environ.pop("MPLBACKEND", None)
    dossier = Path(app.doctreedir).parent / ".ipython"
    startup = dossier / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    for script in DEMARRAGE.glob("*.py"):
        shutil.copyfile(script, startup / script.name)
    os.environ["IPYTHONDIR"] = str(dossier)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", _preparer, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
