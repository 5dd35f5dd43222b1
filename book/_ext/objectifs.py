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

from sphinx.application import Sphinx
from sphinx.config import Config

CLASSE = "objectifs"
TITRE = "Objectifs d'apprentissage"


def _ajouter_statique(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(Path(__file__).parent / "objectifs_static"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _ajouter_statique)
    app.add_css_file("objectifs.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
