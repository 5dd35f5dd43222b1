"""Ce qu'une personne a saisi reste du texte : jamais du balisage, un lien actif ni une formule.

Un nom d'acteur, une commune, un marché ou une description FFOM arrive d'un tableur ou d'un
téléphone (Kobo) ; il peut contenir ``<script>``, ``[lien](javascript:…)`` ou ``=1+1``. Ce
module rassemble les protections que tous les modules de présentation et d'écriture appellent :

- :func:`echapper_html` : le texte à mettre dans une page HTML ;
- :func:`echapper_markdown` : le texte à mettre dans du Markdown (ni HTML, ni lien, ni mise en forme) ;
- :func:`styler_echappe` : un tableau mis en page (pandas ``Styler``) dont cellules, en-têtes et
  titre sont échappés ;
- :func:`neutraliser_cellule` et :func:`neutraliser_tableau` : les valeurs d'un CSV qu'un tableur
  ne lira jamais comme une formule (préfixe apostrophe recommandé par l'OWASP) ;
  :func:`retirer_neutralisation` ôte ce préfixe à la relecture ;
- :func:`proteger_classeur` : juste avant l'enregistrement d'un ``.xlsx``, aucune cellule n'est
  une formule et un texte qui commence par ``=``, ``+``, ``-`` ou ``@`` est marqué comme texte ;
- :func:`html_rapport` : l'export HTML d'un rapport, sans script et avec une politique de
  sécurité du contenu (CSP) qui interdit tout script.

Le texte envoyé à matplotlib est protégé à part, par
:func:`clusterlib.graphiques.textes_litteraux`.
"""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

__all__ = [
    "CSP_RAPPORT",
    "DEBUTS_FORMULE",
    "echapper_html",
    "echapper_markdown",
    "html_rapport",
    "neutraliser_cellule",
    "neutraliser_tableau",
    "proteger_classeur",
    "retirer_neutralisation",
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


# --- Tableurs : CSV et XLSX ------------------------------------------------------------------

DEBUTS_FORMULE = ("=", "+", "-", "@", "\t", "\r")
"""Premiers caractères qu'un tableur lit comme le début d'une formule (liste de l'OWASP)."""

_NOMBRE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _a_neutraliser(texte: str) -> bool:
    return texte.startswith(DEBUTS_FORMULE) and not _NOMBRE.fullmatch(texte)


def _apres_apostrophes(texte: str) -> bool:
    """Vrai pour ``=1``, ``'=1``, ``''=1``… : un début de formule, derrière d'éventuelles apostrophes."""
    return _a_neutraliser(texte.lstrip("'"))


def neutraliser_cellule(valeur: Any) -> Any:
    """La valeur à écrire dans une cellule de CSV : jamais le début d'une formule.

    Un texte qui commence par ``=``, ``+``, ``-``, ``@``, une tabulation ou un retour chariot
    reçoit une apostrophe devant (``=1+1`` → ``'=1+1``), comme le recommande l'OWASP. Un nombre
    reste un nombre, même négatif et même écrit en texte (``-2``, ``-2.5``, ``+3``) ; les autres
    valeurs sont rendues telles quelles. Un texte déjà précédé d'apostrophes (``'=1``) en reçoit
    une de plus, pour que :func:`retirer_neutralisation`, qui fait l'inverse, le rende intact.
    """
    if isinstance(valeur, str) and _apres_apostrophes(valeur):
        return "'" + valeur
    return valeur


def retirer_neutralisation(texte: str) -> str:
    """Relit une cellule écrite par :func:`neutraliser_cellule` : ``'=1+1`` redevient ``=1+1``.

    Seule une apostrophe suivie d'un début de formule est ôtée (c'est aussi ce que fait un
    tableur : l'apostrophe y marque un texte, elle ne fait pas partie de la valeur) ; ``'abc``
    reste ``'abc``. Ainsi un jeu réécrit par ``import-kobo`` ou ``pseudonymise`` se relit avec
    exactement les valeurs d'origine.
    """
    if texte.startswith("'") and _apres_apostrophes(texte):
        return texte[1:]
    return texte


def neutraliser_tableau(cadre: pd.DataFrame) -> pd.DataFrame:
    """Copie d'un tableau prêt pour ``to_csv`` : chaque texte passe par :func:`neutraliser_cellule`.

    Les colonnes de nombres ne changent pas ; le tableau reçu n'est pas modifié.
    """
    import pandas as pd

    sortie = cadre.copy()
    for colonne in sortie.columns:
        serie = sortie[colonne]
        if pd.api.types.is_string_dtype(serie) or serie.dtype == object:
            sortie[colonne] = serie.map(neutraliser_cellule, na_action="ignore")
    return sortie


def proteger_classeur(classeur: Any) -> Any:
    """Avant l'enregistrement d'un classeur openpyxl : aucune cellule n'est une formule.

    openpyxl fait d'un texte qui commence par « = » une formule : chaque cellule formule
    redevient un texte. Un texte qui commence par ``=``, ``+``, ``-``, ``@``, une tabulation ou
    un retour chariot est marqué « texte » (``quotePrefix`` : l'apostrophe qu'Excel ajoute
    lui-même, invisible dans la cellule) ; il reste du texte si on le modifie dans Excel. Les
    nombres restent des nombres. Le classeur est modifié sur place et renvoyé.
    """
    for feuille in classeur.worksheets:
        for ligne in feuille.iter_rows():
            for cellule in ligne:
                valeur = cellule.value
                if not isinstance(valeur, str):
                    continue
                if cellule.data_type == "f":
                    cellule.data_type = "s"
                if _a_neutraliser(valeur):
                    cellule.quotePrefix = True
    return classeur


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
