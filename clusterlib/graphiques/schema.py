"""Schémas de principe d'un cluster : ses membres et ses contours (chapitre 3), les actions d'animation (chapitre 6).

Ces figures ne lisent aucun fichier de cluster : elles redessinent les schémas du guide, dont les
images ont été perdues. Les intitulés des maillons viennent du référentiel (``maillons``) quand ils
existent, pour que le schéma parle la même langue que les données ; les actions d'animation sont
reçues de la page qui les cite.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from itertools import pairwise

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from clusterlib import referentiel
from clusterlib.graphiques import PALETTE, largeur_a4, textes_litteraux

__all__ = ["description_actions_animation", "schema_actions_animation", "schema_contours", "schema_membres"]

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


_COULEURS_FAMILLES = (PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[4])
"""Une couleur par famille d'actions ; le vermillon (``PALETTE[3]``) reste aux marchés des autres schémas."""


def _case_animation(ax, x: float, y: float, largeur: float, hauteur: float, couleur: str, fond: float,
                    epaisseur: float) -> None:
    """Une case arrondie : un fond clair (opacité ``fond``) et un contour de la couleur de la famille."""
    forme = {"boxstyle": "round,pad=0,rounding_size=0.015"}
    coin = (x - largeur / 2, y - hauteur / 2)
    ax.add_patch(FancyBboxPatch(coin, largeur, hauteur, facecolor=couleur, alpha=fond, edgecolor="none",
                                zorder=1, **forme))
    ax.add_patch(FancyBboxPatch(coin, largeur, hauteur, facecolor="none", edgecolor=couleur,
                                linewidth=epaisseur, zorder=2, **forme))


def _verifier_familles(familles: Sequence[tuple[str, Sequence[str]]]) -> None:
    if not 1 <= len(familles) <= len(_COULEURS_FAMILLES):
        raise ValueError(f"le schéma des actions d'animation compte de 1 à {len(_COULEURS_FAMILLES)} familles, "
                         f"pas {len(familles)}")
    if any(not actions for _, actions in familles):
        raise ValueError("chaque famille d'actions d'animation doit compter au moins une action")


@textes_litteraux
def schema_actions_animation(familles: Sequence[tuple[str, Sequence[str]]], titre: str = "Le coach anime le cluster"
                             ) -> Figure:
    """Schéma des actions d'animation d'un cluster : le coach en haut, une colonne par famille d'actions.

    ``familles`` : la liste des familles, chacune ``(intitulé, actions)`` ; de une à quatre familles,
    chacune de sa couleur. Les actions sont numérotées à la suite, de la première famille à la
    dernière, et empilées sous l'intitulé de leur famille. Voir
    :func:`description_actions_animation` pour le texte alternatif de la figure.
    """
    _verifier_familles(familles)
    fig, ax = plt.subplots(figsize=(largeur_a4(), 5.4))
    ax.set_xlim(0, 1)
    ax.set_ylim(0.06, 1)
    ax.axis("off")

    _case_animation(ax, 0.5, 0.93, 0.46, 0.1, "black", fond=0.0, epaisseur=1.8)
    ax.text(0.5, 0.93, titre, ha="center", va="center", fontsize=11, fontweight="bold")

    largeur_colonne = 1 / len(familles)
    largeur_case, hauteur_case, ecart = largeur_colonne * 0.92, 0.19, 0.03
    y_famille = 0.76
    ax.plot([largeur_colonne / 2, 1 - largeur_colonne / 2], [0.84, 0.84], color="0.3", lw=1.1)
    ax.plot([0.5, 0.5], [0.88, 0.84], color="0.3", lw=1.1)
    numero = 1
    for j, ((famille, actions), couleur) in enumerate(zip(familles, _COULEURS_FAMILLES, strict=False)):
        x = largeur_colonne * (j + 0.5)
        ax.annotate("", xy=(x, y_famille + 0.04), xytext=(x, 0.84),
                    arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 1.1})
        _case_animation(ax, x, y_famille, largeur_case, 0.075, couleur, fond=0.45, epaisseur=1.8)
        ax.text(x, y_famille, "\n".join(textwrap.wrap(famille, 16)), ha="center", va="center",
                fontsize=8.4, fontweight="bold")
        for i, action in enumerate(actions):
            y = 0.605 - i * (hauteur_case + ecart)
            haut = y + hauteur_case / 2 + ecart if i else y_famille - 0.0375
            ax.plot([x, x], [y + hauteur_case / 2, haut], color=couleur, lw=1.3, zorder=0)
            _case_animation(ax, x, y, largeur_case, hauteur_case, couleur, fond=0.10, epaisseur=1.4)
            ax.text(x, y, f"{numero}\n" + "\n".join(textwrap.wrap(action, 21)), ha="center",
                    va="center", fontsize=7.3, linespacing=1.12, zorder=3)
            numero += 1
    return fig


def description_actions_animation(familles: Sequence[tuple[str, Sequence[str]]],
                                  titre: str = "Le coach anime le cluster") -> str:
    """Le texte alternatif de :func:`schema_actions_animation` : ce que montre le schéma, famille par famille."""
    _verifier_familles(familles)
    morceaux, numero = [], 1
    for famille, actions in familles:
        premier, dernier = numero, numero + len(actions) - 1
        if premier == dernier:
            numeros = f"action {premier}"
        else:
            numeros = f"actions {premier} {'et' if dernier == premier + 1 else 'à'} {dernier}"
        morceaux.append(f"{famille} ({numeros}) : " + " ; ".join(a.rstrip(".") for a in actions))
        numero = dernier + 1
    total = numero - 1
    return (f"Schéma en arbre : en haut, « {titre} » ; en dessous, {len(familles)} familles d'actions en "
            f"colonnes, {total} actions numérotées en tout. " + ". ".join(morceaux) + ".")
