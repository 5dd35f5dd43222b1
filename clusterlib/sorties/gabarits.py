"""Les modèles HTML (jinja2) livrés avec clusterlib : ``clusterlib/sorties/modeles/*.html.j2``.

Les pages et fragments HTML des sorties ne s'assemblent pas en chaînes : ils se remplissent
depuis un modèle, avec l'échappement automatique de jinja2. Tout texte passé à un modèle
(nom de cluster, message, description) s'affiche donc tel quel ; seul un fragment déjà
produit par clusterlib (marqué par :func:`html_sur`) est inséré sans échappement.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

__all__ = ["html_sur", "rendre"]


def _lire_modele(nom: str) -> str:
    fichier = resources.files("clusterlib.sorties").joinpath("modeles", nom)
    if not fichier.is_file():
        raise jinja2.TemplateNotFound(nom)
    return fichier.read_text(encoding="utf-8")


@cache
def _environnement() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FunctionLoader(_lire_modele), autoescape=True,
                              keep_trailing_newline=True, undefined=jinja2.StrictUndefined)


def html_sur(fragment: str) -> Markup:
    """Marque un fragment HTML produit par clusterlib (jamais un texte saisi) pour l'insérer tel quel."""
    return Markup(fragment)


def rendre(nom: str, **valeurs: Any) -> str:
    """Le modèle ``nom`` (par exemple ``"image.html.j2"``) rempli avec ``valeurs``, échappées en HTML."""
    return _environnement().get_template(nom).render(**valeurs)
