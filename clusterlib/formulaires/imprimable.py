"""La version imprimable d'un formulaire ipywidgets, quand aucun noyau n'est là pour le faire vivre.

Dans le livre publié (hors ligne, sur téléphone, sur papier), un formulaire interactif n'a pas
de noyau Python : il s'affiche alors comme une **fiche à remplir à la main** — chaque question
avec ses cases à cocher (☐, ou ☒ pour une réponse déjà choisie), chaque zone de texte avec
des lignes à écrire, les boutons en moins. Rien n'est chargé d'un autre site.

:func:`fiche_notation_grille` donne, sans formulaire ni noyau, la fiche de notation de la
grille des 24 indicateurs à imprimer pour un atelier sans ordinateur : les mêmes textes que le
formulaire de notation (``grille.yml`` et ``fiches_collecte.yml``), une case par note et des
lignes pour la justification.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from clusterlib import referentiel
from clusterlib.presentation.echappement import echapper_html
from clusterlib.presentation.format_fr import typographie_html
from clusterlib.presentation.papier import cases, lignes_ecrire, page_papier

__all__ = ["CSS_FICHE", "CSS_NOTATION", "fiche_html", "fiche_notation_grille", "mimebundle"]

CSS_FICHE = (
    "<style>.fiche-papier{font-size:.95em;max-width:100%;overflow-wrap:break-word}"
    ".fiche-papier .bloc{border:1px solid #bbb;padding:.4em .6em;margin:.3em 0;break-inside:avoid}"
    ".fiche-papier .cases{display:flex;flex-wrap:wrap;gap:.2em 1.2em;margin:.2em 0}"
    ".fiche-papier .ligne-ecrire{border-bottom:1px dotted #777;min-height:1.6em;margin:.2em 0}"
    ".fiche-papier .etiquette{font-weight:600}</style>"
)


def _libelle(widget: Any) -> str:
    description = getattr(widget, "description", "") or ""
    return f'<span class="etiquette">{html.escape(description)}</span> ' if description else ""


def _cases(widget: Any) -> str:
    options = list(getattr(widget, "_options_labels", ()) or ())
    choisie = getattr(widget, "index", None)
    return f"<div>{_libelle(widget)}{cases(options, choisie)}</div>"


def _rendre(widget: Any) -> str:
    if isinstance(widget, (widgets.Button, widgets.FileUpload)):
        return ""
    if isinstance(widget, (widgets.HTML, widgets.HTMLMath)):
        return str(widget.value or "")
    if isinstance(widget, widgets.Label):
        return f"<p>{html.escape(str(widget.value or ''))}</p>"
    if isinstance(widget, (widgets.RadioButtons, widgets.ToggleButtons, widgets.Dropdown, widgets.Select,
                           widgets.SelectionSlider)):
        return _cases(widget)
    if isinstance(widget, widgets.Checkbox):
        return f"<div>{'☒' if widget.value else '☐'} {html.escape(widget.description or '')}</div>"
    if isinstance(widget, widgets.Textarea):
        valeur = html.escape(str(widget.value or ""))
        lignes = valeur or '<div class="ligne-ecrire"></div><div class="ligne-ecrire"></div>'
        return f"<div>{_libelle(widget)}{lignes}</div>"
    if isinstance(widget, (widgets.Text, widgets.Combobox)):
        valeur = html.escape(str(widget.value or ""))
        return f'<div>{_libelle(widget)}<span class="ligne-ecrire" style="display:inline-block;min-width:12em">' \
               f"{valeur}</span></div>"
    if isinstance(widget, (widgets.FloatSlider, widgets.IntSlider, widgets.FloatText, widgets.IntText,
                           widgets.BoundedFloatText, widgets.BoundedIntText)):
        return f"<div>{_libelle(widget)}{html.escape(str(widget.value))}</div>"
    if isinstance(widget, widgets.Output):
        morceaux = []
        for sortie in widget.outputs:
            donnees = sortie.get("data", {})
            if "image/png" in donnees:
                morceaux.append(f'<img alt="{html.escape(str(donnees.get("text/plain", "Figure")))}" '
                                f'src="data:image/png;base64,{str(donnees["image/png"]).strip()}">')
            elif "text/html" in donnees:
                morceaux.append(str(donnees["text/html"]))
            elif "text/plain" in donnees or sortie.get("text"):
                morceaux.append(f"<pre>{html.escape(str(donnees.get('text/plain') or sortie.get('text')))}</pre>")
        return "".join(morceaux)
    if isinstance(widget, widgets.Box):
        enfants = "".join(_rendre(e) for e in widget.children)
        bordure = widget.layout is not None and bool(getattr(widget.layout, "border", None))
        return f'<div class="bloc">{enfants}</div>' if bordure else f"<div>{enfants}</div>"
    return ""


def fiche_html(widget: Any) -> str:
    """Le formulaire ``widget`` en fiche HTML à imprimer et à remplir à la main (typographie française)."""
    return typographie_html(f'{CSS_FICHE}<div class="fiche-papier">{_rendre(widget)}</div>')


def mimebundle(widget: Any, **kwargs: Any) -> Any:
    """La représentation d'un formulaire : le widget vivant (avec un noyau) et sa fiche imprimable (sans)."""
    bundle = widget._repr_mimebundle_(**kwargs)
    donnees, meta = (bundle if isinstance(bundle, tuple) else (bundle, {}))
    donnees = dict(donnees or {})
    donnees["text/html"] = fiche_html(widget)
    return (donnees, meta) if isinstance(bundle, tuple) else donnees


CSS_NOTATION = (
    "<style>"
    ".fiche-notation .entete-fiche{display:grid;grid-template-columns:repeat(auto-fit,minmax(14em,1fr));gap:0 1.2em}"
    ".fiche-notation table.papier-tableau{table-layout:fixed}"
    ".fiche-notation table.papier-tableau td{padding:.15em .35em}"
    ".fiche-notation .col-id{width:2.6em;white-space:nowrap}"
    ".fiche-notation .col-note{width:10em}"
    ".fiche-notation .col-note .cases{gap:0 .55em;flex-wrap:nowrap}"
    ".fiche-notation .col-justification{width:34%}"
    ".fiche-notation .nom-indicateur{font-size:.92em}"
    ".fiche-notation .echelle{display:flex;flex-wrap:wrap;gap:.1em 1.2em;margin:.2em 0 .4em}"
    "@media print{.fiche-notation{font-size:8.5pt}.fiche-notation h3{margin:0 0 .2em}"
    ".fiche-notation .entete-fiche{grid-template-columns:1fr 1fr}"
    ".fiche-notation .champ{margin:.15em 0}"
    ".fiche-notation .papier-note{margin:.1em 0 .3em}"
    # Le thème du livre interdit de couper un tableau à l'impression : la fiche partirait
    # entière à la page suivante ; ici le tableau se coupe entre deux indicateurs.
    ".fiche-notation table.papier-tableau{break-inside:auto !important;margin:0}"
    ".fiche-notation .ligne-ecrire{min-height:5mm;margin:0}"
    ".fiche-notation .papier-tableau tr{break-inside:avoid}"
    ".fiche-notation .papier-tableau tr.intertitre{break-after:avoid}}"
    "</style>"
)
"""Mise en page serrée de la fiche de notation (une feuille A4 recto verso à l'impression)."""


def fiche_notation_grille(lignes_justification: int = 2) -> str:
    """La fiche de notation de la grille de fonctionnement, à imprimer (HTML).

    En tête : les champs de l'évaluation (cluster, campagne, évaluateur, date) et la consigne du
    formulaire de notation (``fiches_collecte.yml``), puis l'échelle des notes (``grille.yml``).
    Ensuite, axe par axe, une ligne par indicateur : son numéro, son nom officiel, une case par
    note de l'échelle et ``lignes_justification`` lignes pour écrire la justification.
    """
    textes = referentiel.lire("fiches_collecte.yml")["grille"]
    grille = referentiel.grille()
    echelle = grille["echelle"]
    notes = list(range(int(echelle["minimum"]), int(echelle["maximum"]) + 1))
    libelles = {int(k): str(v) for k, v in echelle["libelles"].items()}
    champs = "".join(
        f'<div class="champ"><span class="etiquette">{echapper_html(q["libelle"])}</span>{lignes_ecrire(1)}</div>'
        for q in textes["entete"]["questions"]
    )
    echelle_html = "".join(f"<span><strong>{n}</strong> = {echapper_html(libelles.get(n, ''))}</span>"
                           for n in notes)
    consigne = textes["note"]["aide"]
    corps = []
    for axe in grille["axes"]:
        corps.append(f'<tr class="intertitre"><td colspan="4">Axe {axe["numero"]} : '
                     f'{echapper_html(axe["nom"])}</td></tr>')
        for ind in axe["indicateurs"]:
            corps.append(
                f'<tr data-indicateur="{echapper_html(ind["id"])}"><td class="col-id">{echapper_html(ind["id"])}</td>'
                f'<td class="nom-indicateur">{echapper_html(ind["nom"])}</td>'
                f'<td class="col-note">{cases(notes)}</td>'
                f"<td>{lignes_ecrire(lignes_justification)}</td></tr>")
    entete = ('<thead><tr><th scope="col" class="col-id">N°</th><th scope="col">Indicateur</th>'
              '<th scope="col" class="col-note">Note (cocher)</th>'
              '<th scope="col" class="col-justification">Justification : faits observés, preuves</th>'
              "</tr></thead>")
    contenu = (
        f'<div class="fiche-notation"><h3>{echapper_html(textes["titre"])}</h3>'
        f'<div class="entete-fiche">{champs}</div>'
        f'<p><span class="etiquette">Échelle des notes :</span></p><div class="echelle">{echelle_html}</div>'
        f'<p class="papier-note">{echapper_html(consigne)}</p>'
        f'<table class="papier-tableau">{entete}<tbody>{"".join(corps)}</tbody></table></div>'
    )
    return page_papier(CSS_NOTATION, contenu)
