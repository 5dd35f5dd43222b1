"""Les objectifs d'apprentissage en tête de chaque page et de chaque notebook : une seule forme.

Chaque page s'ouvre, sous son titre, sur une admonition de classe ``objectifs`` :

    ```{admonition} Objectifs d'apprentissage
    :class: objectifs
    À la fin de cette page, vous saurez :

    - lire … ;
    - calculer … .
    ```

Cette extension lui donne son style (``objectifs.css``) : un cadre sobre, lisible sur un
téléphone de 390 px comme sur papier (noir sur blanc, sans fond coloré à l'impression, jamais
coupé entre deux pages). ``tests/test_objectifs.py`` vérifie que toute page du sommaire l'a.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outils_livre import servir_statique
from sphinx.application import Sphinx

CLASSE = "objectifs"
TITRE = "Objectifs d'apprentissage"


def setup(app: Sphinx) -> dict[str, Any]:
    servir_statique(app, Path(__file__).parent / "objectifs_static", "objectifs.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
