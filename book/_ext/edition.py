"""Deux éditions du même livre : celle des apprenants (par défaut) et celle du formateur.

- **Apprenants** : chaque note pour le formateur (admonition de classe ``note-formateur``,
  convention des pages) est retirée du document dès sa lecture (ni page, ni recherche, ni PDF) ;
  les solutions des exercices restent repliées (classe ``dropdown`` de sphinx-exercise).
- **Formateur** : les notes restent, et chaque solution est dépliée (la classe ``dropdown`` est
  retirée, pour les solutions simples comme pour ``solution-start`` / ``solution-end``).

L'édition se choisit par la valeur de configuration ``edition`` (``apprenants`` ou
``formateur``) ou, plus simplement, par la variable d'environnement ``CLUSTERS_EDITION`` que lit
``make livre-formateur``. Changer d'édition relit tous les documents (valeur de type « env »).
"""

from __future__ import annotations

import os
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform

EDITIONS = ("apprenants", "formateur")
CLASSE_NOTE = "note-formateur"
VARIABLE = "CLUSTERS_EDITION"


def est_note_formateur(noeud: nodes.Node) -> bool:
    """Vrai pour une admonition de classe ``note-formateur``."""
    return isinstance(noeud, nodes.Admonition) and CLASSE_NOTE in noeud.get("classes", [])


def appliquer_edition(document: nodes.document, edition: str) -> None:
    """Met le doctree ``document`` aux règles de l'édition (``apprenants`` ou ``formateur``)."""
    if edition not in EDITIONS:
        raise ValueError(f"édition « {edition} » inconnue ; éditions : {', '.join(EDITIONS)}")
    if edition == "apprenants":
        for note in list(document.findall(est_note_formateur)):
            note.parent.remove(note)
        return
    from sphinx_exercise.nodes import solution_node

    for solution in document.findall(solution_node):
        solution["classes"] = [c for c in solution["classes"] if c != "dropdown"]


class Edition(SphinxTransform):
    """Retire les notes pour le formateur (apprenants) ou déplie les solutions (formateur)."""

    default_priority = 500  # après la fusion des solutions en deux morceaux (sphinx-exercise, 10)

    def apply(self, **kwargs: Any) -> None:
        appliquer_edition(self.document, self.config.edition)


def _choisir_edition(app: Sphinx, config: Config) -> None:
    choisie = os.environ.get(VARIABLE, "").strip()
    if choisie:
        config.edition = choisie
    if config.edition not in EDITIONS:
        from sphinx.errors import ConfigError

        raise ConfigError(f"édition « {config.edition} » inconnue ({VARIABLE} ou edition) ; "
                          f"éditions : {', '.join(EDITIONS)}")
    if config.edition == "formateur" and getattr(config, "html_title", None):
        config.html_title = f"{config.html_title} — édition du formateur"


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition", "apprenants", "env", [str])
    app.connect("config-inited", _choisir_edition)
    app.add_transform(Edition)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
