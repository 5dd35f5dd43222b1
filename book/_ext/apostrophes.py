"""Apostrophes françaises devant un élément mis en forme.

Les guillemets typographiques de docutils (*smartquotes*) prennent l'apostrophe de
« l'**évaluation** » ou de « l'{term}`agrégateur` » pour un guillemet ouvrant, parce qu'elle
est suivie d'un élément en ligne et non d'une lettre : on obtient « l” » au lieu de « l’ ».
Cette transformation, appliquée juste après les guillemets typographiques, remet une
apostrophe (’) à la fin de tout texte qui se termine par une lettre suivie d'un guillemet
ouvrant. Le français du livre utilise « » pour les citations : rien d'autre n'est touché.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from docutils.transforms import Transform
from sphinx.application import Sphinx

_FAUX_GUILLEMET = re.compile(r"(?<=[^\W\d_])[“”‘]$")


class ApostrophesFrancaises(Transform):
    """Remplace « l“ », « l” » ou « l‘ » en fin de texte par « l’ »."""

    default_priority = 755  # juste après SmartQuotes (750)

    def apply(self, **kwargs: Any) -> None:
        for texte in list(self.document.findall(nodes.Text)):
            if isinstance(texte.parent, (nodes.literal, nodes.literal_block, nodes.raw)):
                continue
            corrige = _FAUX_GUILLEMET.sub("’", str(texte))
            if corrige != str(texte):
                texte.parent.replace(texte, nodes.Text(corrige))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_transform(ApostrophesFrancaises)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
