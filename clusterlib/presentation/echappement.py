"""Ce qu'une personne a saisi reste du texte : jamais du balisage, un lien actif ni une formule.

Un nom d'acteur, une commune, un marché ou une description FFOM arrive d'un tableur ou d'un
téléphone (Kobo) ; il peut contenir ``<script>``, ``[lien](javascript:…)`` ou ``=1+1``. Ce
module rassemble les protections que tous les modules de présentation et d'écriture appellent :

- :func:`echapper_html` : le texte à mettre dans une page HTML ;
- :func:`echapper_markdown` : le texte à mettre dans du Markdown (ni HTML, ni lien, ni mise en forme) ;
- :func:`styler_echappe` : un tableau mis en page (pandas ``Styler``) dont cellules, en-têtes et
  titre sont échappés ;
- :func:`html_rapport` : l'export HTML d'un rapport, sans script et avec une politique de
  sécurité du contenu (CSP) qui interdit tout script.

Le texte envoyé à matplotlib est protégé à part, par
:func:`clusterlib.graphiques.textes_litteraux` ; les cellules des CSV et des classeurs, qu'un
tableur ne doit jamais lire comme une formule, par :mod:`clusterlib.fichiers`
(:func:`~clusterlib.fichiers.neutraliser_cellule`, :func:`~clusterlib.fichiers.proteger_classeur`),
que les couches basses (lecture des données, analyses) appellent aussi.
"""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = [
    "CSP_RAPPORT",
    "echapper_html",
    "echapper_markdown",
    "html_rapport",
    "styler_echappe",
]


# --- HTML et Markdown ------------------------------------------------------------------------


def echapper_html(valeur: Any) -> str:
    """Le texte d'une valeur, prêt à être placé dans du HTML (contenu ou attribut entre guillemets).

    ``<``, ``>``, ``&``, ``"`` et ``'`` deviennent des entités : ``<script>`` s'affiche tel quel
    et ne s'exécute pas. ``None`` donne une chaîne vide.
    """
    return "" if valeur is None else html.escape(str(valeur), quote=True)


# Toute la ponctuation ASCII qui a un sens en Markdown (CommonMark permet d'échapper chacune
# par une barre oblique inverse) ; « . » n'est échappé qu'après un nombre en début de ligne.
_PONCTUATION_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-!|~$&:\"'=^])")
_LISTE_NUMEROTEE = re.compile(r"^(\s*\d+)\.", flags=re.MULTILINE)


def echapper_markdown(valeur: Any) -> str:
    """Le texte d'une valeur, prêt à être placé dans du Markdown : il s'affiche tel qu'il a été saisi.

    Chaque caractère qui a un sens en Markdown (``* _ [ ] ( ) < > # $ …``) est précédé d'une
    barre oblique inverse : ni HTML brut, ni lien (``[lien](javascript:…)``), ni mise en forme,
    ni formule mathématique (``$…$``). ``None`` donne une chaîne vide.
    """
    if valeur is None:
        return ""
    texte = _PONCTUATION_MARKDOWN.sub(r"\\\1", str(valeur))
    return _LISTE_NUMEROTEE.sub(r"\1\\.", texte)


def styler_echappe(style: Styler) -> Styler:
    """Le même tableau mis en page, dont les cellules, les en-têtes et le titre sont échappés.

    À appeler en dernier : un ``format`` appelé ensuite remplacerait l'échappement des cellules.
    Les valeurs gardent leur écriture par défaut (les tableaux de :mod:`clusterlib` sont déjà
    écrits en texte à la française).
    """
    style = style.format(escape="html").format_index(escape="html", axis=0).format_index(escape="html", axis=1)
    if style.caption is not None:
        style = style.set_caption(echapper_html(style.caption))
    return style


# --- Export HTML d'un rapport -----------------------------------------------------------------

CSP_RAPPORT = (
    "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "img-src data:; font-src data:; style-src 'unsafe-inline'"
)
"""Politique de sécurité du contenu des rapports : aucun script (ni en ligne ni chargé), aucune
ressource extérieure ; seules les images et les styles inclus dans la page."""

_MODELE_RAPPORT = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
<meta http-equiv="Content-Security-Policy" content="{{ resources.csp_rapport }}">
{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_javascript -%}{%- endblock data_javascript -%}
{%- block data_widget_view -%}{%- endblock data_widget_view -%}
"""


@functools.cache
def _exporteur_rapport() -> Any:
    """L'exportateur HTML des rapports, un par processus : ses gabarits ne se compilent qu'une fois."""
    from jinja2 import DictLoader, pass_context
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class ExporteurRapport(HTMLExporter):
        _analyseurs: dict[bool, Any] = {}  # noqa: RUF012 (un par sorte de cellule, sans pièce jointe)

        @pass_context
        def markdown2html(self, context: Any, source: str) -> str:
            cell = context.get("cell", {})
            echapper = cell.get("cell_type") != "markdown"  # sortie de code : texte venu des données
            pieces = cell.get("attachments", {})
            analyseur = None if pieces else self._analyseurs.get(echapper)
            if analyseur is None:  # construire l'analyseur compile ses expressions : 6 ms
                renderer = IPythonRenderer(
                    escape=echapper,
                    allow_harmful_protocols=False,
                    attachments=pieces,
                    anchor_link_text=self.anchor_link_text,
                    exclude_anchor_links=self.exclude_anchor_links,
                )
                analyseur = MarkdownWithMath(renderer=renderer)
                if not pieces:
                    self._analyseurs[echapper] = analyseur
            return analyseur.render(source)

    return ExporteurRapport(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True, language_code="fr",
        extra_loaders=[DictLoader({"rapport_clusterlib.html.j2": _MODELE_RAPPORT})],
        template_file="rapport_clusterlib.html.j2",
    )


def html_rapport(notebook: Any, titre: str) -> str:
    """Le HTML d'un notebook de rapport exécuté, sans code, lisible sans connexion et sans script.

    - une balise ``meta`` Content-Security-Policy (:data:`CSP_RAPPORT`) interdit tout script,
      en ligne ou chargé : même un balisage oublié ne s'exécuterait pas ;
    - le modèle « lab » de nbconvert sans ses scripts (require.js, MathJax, Mermaid, widgets :
      le rapport n'en a pas besoin, et ils viennent d'Internet) ;
    - le Markdown produit par les cellules de code est rendu avec le HTML brut échappé et sans
      lien ``javascript:`` : le texte saisi qu'il contient s'affiche comme du texte.
    """
    notebook.metadata["title"] = titre
    corps, _ = _exporteur_rapport().from_notebook_node(
        notebook, resources={"metadata": {"name": titre}, "csp_rapport": CSP_RAPPORT})
    return corps
