"""Substitutions MyST calculées : les chiffres que le texte cite sur les clusters d'exemple.

Au démarrage de la construction, l'extension ajoute aux substitutions MyST (``myst_substitutions``)
toutes les valeurs de :func:`clusterlib.presentation.valeurs_texte.valeurs_exemples` et les heures
de la journée type de la formation (:func:`clusterlib.presentation.formation.valeurs_formation`,
lues dans ``cours.yml``). Une page écrit
``{{ riz_plan_en_retard }}`` là où elle aurait tapé un nombre : le chiffre affiché est celui que
calcule ``clusterlib`` sur les données livrées, le même que dans le rapport du cluster. Une clé
inconnue est une erreur de MyST (avertissement, donc échec de la construction stricte).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # clusterlib du dépôt


def _ajouter(app: Sphinx, config: Config) -> None:
    """Fusionne les valeurs calculées dans les substitutions déclarées par la configuration."""
    from clusterlib.presentation.formation import valeurs_formation
    from clusterlib.presentation.valeurs_texte import valeurs_exemples

    existantes = dict(getattr(config, "myst_substitutions", None) or {})
    calculees = {**valeurs_exemples(), **valeurs_formation()}
    doublons = sorted(set(existantes) & set(calculees))
    if doublons:
        raise ValueError(f"substitutions déclarées deux fois (configuration et clusterlib) : {', '.join(doublons)}")
    config.myst_substitutions = {**existantes, **calculees}


def setup(app: Sphinx) -> dict[str, Any]:
    """Branche le calcul des valeurs à la lecture de la configuration."""
    app.connect("config-inited", _ajouter, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
