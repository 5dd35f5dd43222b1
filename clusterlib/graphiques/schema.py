"""Schémas de principe d'un cluster (chapitre 3 du livre) : qui peut en être membre, et ses contours.

Ces figures ne lisent aucune donnée : elles redessinent les schémas du guide, dont les images
ont été perdues. Les intitulés des maillons viennent du référentiel (``maillons``) quand ils
existent, pour que le schéma parle la même langue que les données.
"""

from __future__ import annotations

from itertools import pairwise

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from clusterlib import referentiel
from clusterlib.graphiques import PALETTE, largeur_a4, textes_litteraux

__all__ = ["schema_contours", "schema_membres"]

_BLEU, _ORANGE, _VERT, _ROUGE = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3]
_GRIS = "#555555"


def _boite(ax, x: float, y: float, largeur: float, h: float, texte: str, *, couleur: str, plein: bool = True,
           taille: float = 8.5, gras: bool = False, hachures: str | None = None) -> None:
    """Une boîte à coins arrondis centrée en (x, y), avec son texte."""
    ax.add_patch(FancyBboxPatch(
        (x - largeur / 2, y - h / 2), largeur, h, boxstyle="round,pad=0.012,rounding_size=0.02",
        facecolor=couleur if plein else "white", edgecolor=couleur, linewidth=1.4,
        alpha=0.95, hatch=hachures, zorder=2,
    ))
    ax.text(x, y, texte, ha="center", va="center", fontsize=taille, zorder=3,
            color="white" if plein else "black", fontweight="bold" if gras else "normal", wrap=True)


def _fleche(ax, depart: tuple[float, float], arrivee: tuple[float, float], *, pointillee: bool = False,
            sans_tete: bool = False, couleur: str = "black") -> None:
    ax.add_patch(FancyArrowPatch(
        depart, arrivee, arrowstyle="-" if sans_tete else "-|>", mutation_scale=11,
        linestyle=(0, (3, 2)) if pointillee else "solid", color=couleur, linewidth=1.1, zorder=1,
        shrinkA=2, shrinkB=2,
    ))


def _nouvelle_figure(hauteur: float) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=(largeur_a4(), hauteur))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    return fig, ax


@textes_litteraux
def schema_membres() -> Figure:
    """Schéma des membres possibles d'un cluster : la chaîne des acteurs directs et leurs appuis.

    Au centre, les acteurs directs, des fournisseurs d'intrants jusqu'aux distributeurs, avec
    l'agrégateur (transformateur ou commerçant) en position centrale ; le produit va vers les
    marchés, hors du cadre. Au-dessus et au-dessous, les acteurs d'appui. Le cadre en pointillés
    figure le territoire du cluster.
    """
    lib = lambda code: referentiel.libelle("maillons", code)  # noqa: E731
    fig, ax = _nouvelle_figure(4.3)
    # Territoire du cluster
    ax.add_patch(FancyBboxPatch((0.015, 0.04), 0.80, 0.90, boxstyle="round,pad=0,rounding_size=0.04",
                                facecolor="#F4F8FB", edgecolor=_GRIS, linestyle=(0, (5, 3)), linewidth=1.2))
    ax.text(0.03, 0.905, "Territoire du cluster", fontsize=8.5, style="italic", color=_GRIS, va="center")

    # Chaîne des acteurs directs (ligne du milieu)
    y = 0.50
    chaine = [
        (0.105, "Fournisseurs\nd'intrants et\nd'équipements"),
        (0.305, lib("producteur") + "s\n(et éleveurs)"),
        (0.505, "Agrégateur :\ntransformateur\nou commerçant"),
        (0.705, lib("distributeur") + "s"),
    ]
    demi = 0.068
    for i, (x, texte) in enumerate(chaine):
        central = i == 2
        _boite(ax, x, y, 2 * demi, 0.20, texte, couleur=_ORANGE if central else _BLEU, gras=central, taille=7.6)
    for (x1, _), (x2, _) in pairwise(chaine):
        _fleche(ax, (x1 + demi + 0.012, y), (x2 - demi - 0.012, y))
    _boite(ax, 0.915, y, 0.14, 0.26, "Marchés\n(acheteurs\nfinaux)", couleur=_ROUGE, gras=True, taille=8.3)
    _fleche(ax, (0.705 + demi + 0.012, y), (0.915 - 0.082, y))
    ax.text(0.915, y - 0.17, "→ flux du produit", fontsize=7.5, color=_GRIS, ha="center", style="italic")

    # Acteurs d'appui (en haut et en bas), reliés à la chaîne en pointillés
    appuis_haut = [
        (0.16, "Services financiers\n(SFD, banques)"),
        (0.415, "Conseil agricole\n(public ou privé)"),
        (0.67, "Recherche et\nformation"),
    ]
    appuis_bas = [
        (0.16, "Prestataires de services\n(technique, transport,\nmaintenance)"),
        (0.415, "Services publics\nd'appui"),
        (0.67, "Organisations\nprofessionnelles, etc."),
    ]
    for x, texte in appuis_haut:
        _boite(ax, x, 0.80, 0.21, 0.13, texte, couleur=_VERT, plein=False, taille=7.8)
        _fleche(ax, (x, 0.80 - 0.068), (x + (0.5 - x) * 0.25, y + 0.105), pointillee=True, couleur=_VERT)
    for x, texte in appuis_bas:
        _boite(ax, x, 0.175, 0.21, 0.15, texte, couleur=_VERT, plein=False, taille=7.8)
        _fleche(ax, (x, 0.175 + 0.078), (x + (0.5 - x) * 0.25, y - 0.105), pointillee=True, couleur=_VERT)

    ax.legend(
        handles=[
            FancyBboxPatch((0, 0), 1, 1, facecolor=_BLEU, edgecolor=_BLEU, label="Acteur direct"),
            FancyBboxPatch((0, 0), 1, 1, facecolor=_ORANGE, edgecolor=_ORANGE, label="Agrégateur"),
            FancyBboxPatch((0, 0), 1, 1, facecolor="white", edgecolor=_VERT, label="Acteur d'appui"),
        ],
        loc="upper right", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False,
    )
    fig.tight_layout(pad=0.2)
    return fig


@textes_litteraux
def schema_contours() -> Figure:
    """Schéma des contours d'un cluster selon l'ONUDI : le marché, les trois étages d'unités, les appuis.

    De bas en haut : les fournisseurs, les unités en amont, les unités principales (agrégateurs),
    les unités en aval, puis le marché. De part et d'autre, les acteurs d'appui. Le tout baigne
    dans un tissu de relations d'intérêts mutuels (fond pointillé).
    """
    fig, ax = _nouvelle_figure(4.6)
    ax.add_patch(FancyBboxPatch((0.01, 0.02), 0.98, 0.80, boxstyle="round,pad=0,rounding_size=0.04",
                                facecolor="#F4F8FB", edgecolor=_GRIS, linestyle=(0, (5, 3)), linewidth=1.2))
    ax.text(0.5, 0.045, "Tissu de relations d'intérêts mutuels", fontsize=8.5, style="italic",
            color=_GRIS, ha="center")

    _boite(ax, 0.5, 0.91, 0.40, 0.10, "MARCHÉ", couleur=_ROUGE, gras=True, taille=10)
    etages = [
        (0.72, "Unités en aval\n(distributeurs)", _BLEU),
        (0.53, "Unités principales (agrégateurs :\ntransformateurs, commerçants)", _ORANGE),
        (0.34, "Unités en amont\n(producteurs)", _BLEU),
        (0.15, "Fournisseurs\n(intrants, équipements)", _BLEU),
    ]
    for y, texte, couleur in etages:
        _boite(ax, 0.5, y, 0.42, 0.12, texte, couleur=couleur, gras=couleur == _ORANGE, taille=8)
    for (y_haut, _, _), (y_bas, _, _) in pairwise(etages):
        _fleche(ax, (0.5, y_bas + 0.062), (0.5, y_haut - 0.062))
    _fleche(ax, (0.5, 0.72 + 0.062), (0.5, 0.91 - 0.052))

    gauche = ["Organisations\nprofessionnelles", "Institutions\nfinancières", "Services d'appui\nprivés",
              "Entreprises\nde soutien"]
    droite = ["Autorités", "Services publics", "Recherche,\ninnovation", "Formation\nprofessionnelle"]
    for i, (g, d) in enumerate(zip(gauche, droite, strict=True)):
        y = 0.70 - i * 0.165
        _boite(ax, 0.13, y, 0.20, 0.11, g, couleur=_VERT, plein=False, taille=7.8)
        _boite(ax, 0.87, y, 0.20, 0.11, d, couleur=_VERT, plein=False, taille=7.8)
        _fleche(ax, (0.24, y), (0.28, y), pointillee=True, sans_tete=True, couleur=_VERT)
        _fleche(ax, (0.76, y), (0.72, y), pointillee=True, sans_tete=True, couleur=_VERT)
    ax.text(0.13, 0.79, "Acteurs d'appui", ha="center", fontsize=8, color=_VERT, fontweight="bold")
    ax.text(0.87, 0.79, "Acteurs d'appui", ha="center", fontsize=8, color=_VERT, fontweight="bold")
    fig.tight_layout(pad=0.2)
    return fig
