"""La version imprimable d'un formulaire ipywidgets, quand aucun noyau n'est là pour le faire vivre.

Dans le livre publié (hors ligne, sur téléphone, sur papier), un formulaire interactif n'a pas
de noyau Python : il s'affiche alors comme une **fiche à remplir à la main** — chaque question
avec ses cases à cocher (☐, ou ☒ pour une réponse déjà choisie), chaque zone de texte avec
des lignes à écrire, les boutons en moins. Rien n'est chargé d'un autre site.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as widgets

from clusterlib.presentation.format_fr import typographie_html

__all__ = ["CSS_FICHE", "fiche_html", "mimebundle"]

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
    cases = "".join(f"<span>{'☒' if i == choisie else '☐'} {html.escape(str(o))}</span>"
                    for i, o in enumerate(options))
    return f'<div>{_libelle(widget)}<div class="cases">{cases}</div></div>'


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
