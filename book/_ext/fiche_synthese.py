"""Directive ``fiche-synthese`` : les fiches synthèse des étapes du guide, toutes sur le même modèle.

Chaque étape de l'accompagnement d'un cluster se résume dans le guide par une « fiche synthèse » :
quoi faire, pourquoi, qui, quand, comment, avec qui, résultats attendus, points d'attention. Au lieu
d'écrire douze tableaux à la main, chaque fiche est un petit fichier YAML (dossier ``book/fiches/``)
et la page l'affiche avec la directive :

.. code-block:: markdown

    ```{fiche-synthese} ../fiches/etape-1-selection.yml
    :name: fiche-selection
    ```

Le chemin est relatif à la page (ou, s'il commence par ``/``, à la racine du livre). Clés du fichier :
``titre`` (obligatoire), ``tableau_guide`` (facultatif : numéro du tableau correspondant dans le guide,
ajouté au titre sous la forme « (tableau 2 du guide) »), puis ``quoi``, ``pourquoi``, ``qui``, ``quand``,
``comment``, ``avec_qui``, ``resultats``, ``points_attention``. Chaque valeur est un texte ou une liste
de textes écrits en MyST (gras, liens, rôles ``{term}`` vers le glossaire, etc.). Les rubriques
absentes ne sont pas affichées ; une clé inconnue provoque un avertissement (donc un échec de la
construction avec ``-W``).

Le rendu est un tableau à deux colonnes (classe CSS ``fiche-synthese``) qui passe aussi bien en HTML
qu'en LaTeX/PDF (tableau ``longtable`` à largeurs fixées, qui peut se couper entre deux pages).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from outils_livre import lire_yaml, servir_statique
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

#: Rubriques d'une fiche, dans l'ordre d'affichage : clé YAML -> intitulé affiché.
RUBRIQUES: dict[str, str] = {
    "quoi": "Quoi faire ?",
    "pourquoi": "Pourquoi le faire ?",
    "qui": "Qui le fait ?",
    "quand": "Quand le faire ?",
    "comment": "Comment le faire ?",
    "avec_qui": "Avec qui ?",
    "resultats": "Résultats attendus",
    "points_attention": "Points d'attention",
}

CLES_AUTORISEES = {"titre", "tableau_guide", *RUBRIQUES}

class ErreurFiche(Exception):
    """Fichier de fiche illisible ou mal formé (message en français)."""


def lire_fiche(chemin: Path) -> dict[str, str | list[str]]:
    """Lit et vérifie un fichier YAML de fiche synthèse ; renvoie ses rubriques (texte ou liste de textes)."""
    donnees = lire_yaml(chemin, ErreurFiche, "fiche")
    if not isinstance(donnees, dict):
        raise ErreurFiche(f"{chemin.name} : attendu un dictionnaire de rubriques (titre, quoi, pourquoi…)")
    if not isinstance(donnees.get("titre"), str) or not donnees["titre"].strip():
        raise ErreurFiche(f"{chemin.name} : la clé « titre » (texte) est obligatoire")
    numero = donnees.get("tableau_guide")
    if numero is not None and (isinstance(numero, bool) or not isinstance(numero, (int, str))):
        raise ErreurFiche(f"{chemin.name} : « tableau_guide » doit être un numéro de tableau (par exemple 2)")
    for cle, valeur in donnees.items():
        if cle not in CLES_AUTORISEES or cle == "tableau_guide":
            continue
        est_liste = isinstance(valeur, list) and all(isinstance(v, str) for v in valeur)
        if not (isinstance(valeur, str) or est_liste):
            raise ErreurFiche(f"{chemin.name} : la rubrique « {cle} » doit être un texte ou une liste de textes")
    return donnees


def _markdown(valeur: str | list[str]) -> list[str]:
    """Lignes MyST d'une rubrique : le texte tel quel, ou une liste à puces."""
    if isinstance(valeur, str):
        return valeur.strip().splitlines()
    lignes: list[str] = []
    for element in valeur:
        premiere, *suite = element.strip().splitlines() or [""]
        lignes.append(f"- {premiere}")
        lignes.extend(f"  {ligne}" for ligne in suite)
    return lignes


class FicheSynthese(SphinxDirective):
    """Affiche une fiche synthèse décrite par un fichier YAML."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False
    option_spec: dict[str, Any] = {  # noqa: RUF012
        "name": directives.unchanged,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        relatif, absolu = self.env.relfn2path(self.arguments[0].strip(), self.env.docname)
        self.env.note_dependency(relatif)
        try:
            fiche = lire_fiche(Path(absolu))
        except ErreurFiche as exc:
            raise self.error(f"fiche-synthese : {exc}") from None
        for cle in fiche:
            if cle not in CLES_AUTORISEES:
                logger.warning(
                    "fiche-synthese : clé « %s » inconnue dans %s (clés permises : %s)",
                    cle,
                    relatif,
                    ", ".join(["titre", *RUBRIQUES]),
                    location=(self.env.docname, self.lineno),
                    type="fiche_synthese",
                )

        table = nodes.table(classes=["fiche-synthese", "longtable", "colwidths-given", *self.options.get("class", [])])
        titre = fiche["titre"].strip()
        if fiche.get("tableau_guide") is not None:
            titre += f" (tableau {fiche['tableau_guide']} du guide)"
        titre_noeuds, messages = self.state.inline_text(titre, self.lineno)
        table += nodes.title(titre, "", *titre_noeuds)
        tgroup = nodes.tgroup(cols=2)
        table += tgroup
        tgroup += nodes.colspec(colwidth=24)
        tgroup += nodes.colspec(colwidth=76)
        tbody = nodes.tbody()
        tgroup += tbody
        for cle, intitule in RUBRIQUES.items():
            if cle not in fiche:
                continue
            ligne = nodes.row()
            ligne += nodes.entry("", nodes.paragraph("", "", nodes.strong(intitule, intitule)))
            contenu = nodes.entry()
            self.state.nested_parse(StringList(_markdown(fiche[cle]), source=absolu), self.content_offset, contenu)
            ligne += contenu
            tbody += ligne
        self.add_name(table)
        return [table, *messages]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("fiche-synthese", FicheSynthese)
    servir_statique(app, Path(__file__).parent / "fiche_synthese_static", "fiche-synthese.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
