"""Typographie française de tout le texte du livre, à la construction.

Les sources gardent des espaces ordinaires (plus simples à écrire et à relire) ; cette
transformation, appliquée après les guillemets typographiques et les apostrophes, passe
chaque texte par :func:`clusterlib.presentation.format_fr.typographie` — la même fonction que les
rapports, leurs PDF et les documents Excel ou Word : espace fine insécable devant ; ! ?,
espace insécable devant : et dans « », apostrophes typographiques. Une ponctuation ne passe
donc jamais seule en début de ligne, sur un téléphone comme sur papier.

Le code (littéraux, blocs de code, formules) n'est jamais touché ; le HTML brut (tableaux
produits par les cellules de code) passe par :func:`clusterlib.presentation.format_fr.typographie_html`,
qui saute ``<code>``, ``<pre>`` et ``<script>``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.transforms import Transform
from sphinx.application import Sphinx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # clusterlib du dépôt

from clusterlib.presentation.format_fr import typographie, typographie_html

_SANS_TYPOGRAPHIE = (nodes.literal, nodes.literal_block, nodes.math, nodes.math_block, nodes.comment,
                     nodes.doctest_block, nodes.substitution_definition, nodes.target, nodes.option_string)


def _a_proteger(noeud: nodes.Node) -> bool:
    parent = noeud.parent
    while parent is not None:
        if isinstance(parent, _SANS_TYPOGRAPHIE):
            return True
        if isinstance(parent, nodes.reference) and parent.get("refuri") == parent.astext():
            return True  # une adresse écrite en clair
        parent = parent.parent
    return False


class TypographieFrancaise(Transform):
    """Espaces insécables et apostrophes typographiques dans tout le texte courant."""

    default_priority = 760  # après SmartQuotes (750) et les apostrophes (755)

    def apply(self, **kwargs: Any) -> None:
        for brut in list(self.document.findall(nodes.raw)):
            if "html" in brut.get("format", "").split():
                source = brut.astext()
                corrige = typographie_html(source)
                if corrige != source:
                    brut.children = [nodes.Text(corrige)]
        for texte in list(self.document.findall(nodes.Text)):
            if texte.parent is None or isinstance(texte.parent, nodes.raw) or _a_proteger(texte):
                continue
            corrige = typographie(str(texte))
            if corrige != str(texte):
                texte.parent.replace(texte, nodes.Text(corrige))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(TypographieFrancaise)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
