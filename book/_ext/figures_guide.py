"""Directive ``{figure-guide}`` : une figure de ``clusterlib/referentiel/figures_guide.yml``.

Pendant la construction, la directive appelle :mod:`clusterlib.graphiques.guide`, écrit le PNG
(dans ``_build/figures_guide/`` du dossier source, ignoré par git et par Sphinx) et insère une
figure numérotée avec sa légende (celle du référentiel, ou le contenu de la directive) et son
texte alternatif (tiré des mêmes données). Aucun noyau Jupyter n'est nécessaire. ::

    ```{figure-guide} phases_autonomie
    ```

Le nom (``:name:``) de la figure est son ``etiquette`` du référentiel : ``{numref}`` la cite,
et ``numeros_guide`` lui donne son numéro (« G.n » pour un schéma du guide, préfixe de la
page sinon). Une figure placée dans une autre page que celle du référentiel est signalée.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # clusterlib du dépôt

journal = logging.getLogger(__name__)

DOSSIER = Path("_build") / "figures_guide"
"""Dossier des PNG, relatif au dossier source du livre."""
DPI = 200
LARGEUR_PX = 420
"""Largeur d'affichage en HTML ; le thème la réduit à la largeur d'un téléphone."""


class FigureGuide(SphinxDirective):
    """Dessine une figure du référentiel et l'insère, numérotée, avec légende et alt."""

    required_arguments = 1
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = {"width": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        import matplotlib

        matplotlib.use("Agg")
        from clusterlib import referentiel
        from clusterlib.fichiers import ecriture_atomique
        from clusterlib.graphiques import guide
        from clusterlib.sorties.pdf import png_leger

        cle = self.arguments[0]
        try:
            fiche = referentiel.figure_guide(cle)
        except (KeyError, ValueError) as erreur:
            raise self.error(f"figure-guide « {cle} » : {erreur}") from None
        page = self.env.docname
        if fiche["page"] != page:
            journal.warning("figure %s : le référentiel la place dans %s, pas dans %s (voir "
                            "clusterlib/referentiel/figures_guide.yml)", cle, fiche["page"], page,
                            location=self.get_location(), type="figures_guide")
        dossier = Path(self.env.srcdir) / DOSSIER
        dossier.mkdir(parents=True, exist_ok=True)
        figure_mpl = guide.dessiner(cle)
        try:
            # PNG à palette : trois fois plus léger sur un téléphone, sans perte visible.
            with ecriture_atomique(dossier / f"{cle}.png") as temporaire:
                Path(temporaire).write_bytes(png_leger(figure_mpl, DPI))
        finally:
            figure_mpl.clear()
        self.env.note_dependency(str(Path(referentiel.__file__).with_name("figures_guide.yml")))
        self.env.note_dependency(guide.__file__)

        image = nodes.image(uri="/" + (DOSSIER / f"{cle}.png").as_posix(), alt=guide.texte_alternatif(cle),
                            width=self.options.get("width", f"{LARGEUR_PX}px"))
        figure = nodes.figure("", image, classes=["figure-guide"], align="center")
        legende = "\n".join(self.content).strip() or fiche["legende"]
        texte, messages = self.state.inline_text(legende, self.lineno)
        figure += nodes.caption(legende, "", *texte)
        figure["names"].append(fiche["etiquette"])
        self.state.document.note_explicit_target(figure)
        self.set_source_info(figure)
        return [figure, *messages]


def setup(app: Sphinx) -> dict[str, Any]:
    """Déclare la directive ``figure-guide``."""
    app.add_directive("figure-guide", FigureGuide)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
