"""Renvois numérotés vers les exercices dans le PDF.

sphinx-exercise ne convertit, pour LaTeX, que les renvois internes à une même page : un
``{numref}`` vers un exercice d'un autre chapitre (la page « Former des coachs » en contient
beaucoup) s'imprime « Exercice ?? ». Cette transformation, propre au constructeur LaTeX,
remplace ces renvois par le texte déjà numéroté (« Exercice 12 ») relié à l'étiquette que
sphinx-exercise pose sur chaque exercice.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


class RenvoisExercicesLatex(SphinxPostTransform):
    """Convertit les ``number_reference`` vers un exercice en renvois LaTeX résolus."""

    default_priority = 23  # après les transformations de sphinx-exercise (22)
    formats = ("latex",)

    def run(self, **kwargs: Any) -> None:
        registre = getattr(self.env, "sphinx_exercise_registry", None)
        if not registre:
            return
        from sphinx_exercise.nodes import exercise_latex_number_reference

        for noeud in list(self.document.findall(addnodes.number_reference)):
            if isinstance(noeud, exercise_latex_number_reference):
                continue
            cible = noeud.get("refid") or noeud.get("refuri", "").rpartition("#")[2]
            if cible not in registre:
                continue
            nouveau = exercise_latex_number_reference()
            nouveau.attributes = dict(noeud.attributes, refid=cible)
            nouveau += nodes.Text(noeud.astext())
            noeud.replace_self(nouveau)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(RenvoisExercicesLatex)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
