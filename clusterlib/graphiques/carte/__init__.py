"""Cartes du réseau d'un cluster (annexe 4 du guide) : modèle ValueLinks et modèle CASE.

Ce module dessine ; les données de la carte (acteurs regroupés, liens agrégés) viennent de
:func:`clusterlib.analyses.reseau.reseau_carte`. Deux mises en page :

* ``valuelinks`` : une colonne par fonction de la chaîne (intrants, production,
  transformation, commerce, distribution, marchés), les acteurs d'appui dans une bande sous
  la chaîne, rangés par nature d'appui ;
* ``case`` : l'agrégateur au centre, les marchés en haut, les autres acteurs directs sur un
  anneau intérieur, les acteurs d'appui sur un anneau extérieur.

Couleur d'un lien : type de relation ; trait : contrat (plein écrit, tirets verbal,
pointillés aucun) ; épaisseur : volume (comparé entre liens de même type et de même unité) ;
taille d'un nœud : effectif. Les étiquettes sont écartées les unes des autres après le
placement, et :func:`chevauchements` vérifie qu'aucune n'en recouvre une autre.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from clusterlib.analyses.reseau import CarteReseau
from clusterlib.graphiques import largeur_a4, textes_litteraux
from clusterlib.graphiques._rendu_agg import rendu_de
from clusterlib.graphiques.carte._commun import HAUTEUR_MAX, POLICE, SOUS_TITRES
from clusterlib.graphiques.carte.case import _mise_case
from clusterlib.graphiques.carte.dessin import (
    _blocs_legende,
    _dessiner_decors,
    _dessiner_etiquettes,
    _dessiner_liens,
    _dessiner_noeuds,
    _ecarter_etiquettes,
    _legende,
)
from clusterlib.graphiques.carte.valuelinks import _mise_valuelinks
from clusterlib.presentation.reseau import notes_carte

__all__ = ["STYLES", "chevauchements", "dessiner_carte"]

STYLES = ("valuelinks", "case")


@textes_litteraux
def dessiner_carte(
    carte: CarteReseau,
    style: str = "valuelinks",
    liens_appui: bool = True,
    titre: str | None = None,
    notes: Sequence[str] | None = None,
) -> Figure:
    """Dessine la carte du réseau d'un cluster, au format d'une page A4.

    ``carte`` : les données finies de la carte (:func:`clusterlib.analyses.reseau.reseau_carte`,
    qui décide aussi du regroupement des acteurs). ``style`` : ``"valuelinks"`` (colonnes par
    fonction, appui en bas) ou ``"case"`` (agrégateur au centre, marchés en haut, appui sur
    l'anneau extérieur). ``liens_appui`` : False pour masquer les flèches de conseil et
    d'information. ``notes`` : les lignes écrites sous la carte, par défaut celles de
    :func:`clusterlib.presentation.reseau.notes_carte` (regroupement, raison d'un réseau
    vide, chaîne incomplète, acteurs isolés, agrégateur). Un cluster d'un seul acteur ou sans
    relation est dessiné quand même.
    """
    if style not in STYLES:
        raise ValueError(f"style de carte « {style} » inconnu ; styles possibles : {', '.join(STYLES)}")
    largeur = largeur_a4()
    police = POLICE

    notes = notes_carte(carte) if notes is None else list(notes)
    notes = [textwrap.fill(n, 150) for n in notes]
    nb_lignes_notes = sum(n.count("\n") + 1 for n in notes)

    sous_titre = SOUS_TITRES[style] + (" (données fictives)" if carte.donnees_fictives else "")
    sous_titre = textwrap.fill(sous_titre, 125)
    haut_titre = 0.42 + 0.13 * (sous_titre.count("\n") + 1)
    blocs = _blocs_legende(carte)
    haut_legende = 0.3 + 0.135 * max(len(p) for _, p in blocs)
    haut_notes = 0.05 + 0.13 * nb_lignes_notes
    hauteur_max = HAUTEUR_MAX - haut_titre - haut_legende - haut_notes
    mise = (_mise_valuelinks if style == "valuelinks" else _mise_case)(carte, largeur, police, hauteur_max)
    hauteur_fig = haut_titre + mise.hauteur + haut_legende + haut_notes
    fig = plt.figure(figsize=(largeur, hauteur_fig))
    ax = fig.add_axes((0, (haut_legende + haut_notes) / hauteur_fig, 1, mise.hauteur / hauteur_fig))
    ax.set_xlim(0, mise.largeur)
    ax.set_ylim(0, mise.hauteur)
    ax.set_axis_off()

    nom = titre or f"Cartographie du cluster : {carte.nom}"
    fig.text(0.01, 1 - 0.08 / hauteur_fig, nom, ha="left", va="top", fontsize=9.5, fontweight="bold")
    fig.text(0.01, 1 - 0.32 / hauteur_fig, sous_titre, ha="left", va="top", fontsize=7, color="#444444")

    _dessiner_decors(ax, mise, police)
    _dessiner_liens(ax, carte, mise, liens_appui)
    _dessiner_noeuds(ax, carte, mise)
    textes = _dessiner_etiquettes(ax, mise, police)
    _ecarter_etiquettes(fig, ax, textes, mise)
    _legende(fig, blocs, hauteur_fig, haut_legende + haut_notes - 0.05, police)
    fig.text(0.01, haut_notes - 0.02, "\n".join(notes), ha="left", va="top", fontsize=police,
             color="#333333", transform=fig.dpi_scale_trans, linespacing=1.25)
    return fig


def chevauchements(figure: Figure) -> list[tuple[str, str]]:
    """Les paires d'étiquettes d'acteurs qui se recouvrent, et celles qui sortent de la figure.

    Renvoie une liste de paires d'identifiants (``("P01", "T01")``, ou ``("P01", "cadre")``
    pour une étiquette coupée par le bord). Une carte lisible renvoie une liste vide.
    """
    rendu = rendu_de(figure)
    cadre = figure.bbox
    etiquettes = []
    for ax in figure.axes:
        for t in ax.texts:
            gid = t.get_gid() or ""
            if gid.startswith("etiquette:") and t.get_text():
                etiquettes.append((gid.split(":", 1)[1], t.get_window_extent(rendu)))
    problemes = []
    for k, (a, ea) in enumerate(etiquettes):
        if ea.x0 < cadre.x0 - 0.5 or ea.x1 > cadre.x1 + 0.5 or ea.y0 < cadre.y0 - 0.5 or ea.y1 > cadre.y1 + 0.5:
            problemes.append((a, "cadre"))
        for b, eb in etiquettes[k + 1:]:
            largeur = min(ea.x1, eb.x1) - max(ea.x0, eb.x0)
            hauteur = min(ea.y1, eb.y1) - max(ea.y0, eb.y0)
            if largeur > 0.5 and hauteur > 0.5:
                problemes.append((a, b))
    return problemes
