"""Graphiques d'un hub de clusters : carte du réseau des clusters, trajectoires, niveaux.

Ces fonctions dessinent les résultats de :mod:`clusterlib.banque.analyses` sans rien
recalculer. Comme les autres graphiques du paquet : palette sûre pour les daltoniens,
niveaux repérés par leur couleur **et** leur motif, traits pleins ou en tirets selon la
nature du lien, textes saisis jamais interprétés (pas de mathtext).
"""

from __future__ import annotations

import math
import textwrap

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from clusterlib import referentiel
from clusterlib.graphiques import NIVEAUX_COULEURS, PALETTE, largeur_a4
from clusterlib.graphiques.notation import HACHURES
from clusterlib.presentation.format_fr import millions_fcfa

__all__ = ["carte_clusters", "repartition_niveaux", "trajectoires"]

_GRIS = "#777777"
_MARQUEURS = ["o", "s", "^", "D", "v", "P", "X", "*", "h"]
_STYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]


def _numero_niveau(libelle: object) -> int | None:
    niveaux = referentiel.niveaux_notes()
    trouve = niveaux.loc[niveaux["libelle"] == libelle, "niveau"]
    return int(trouve.iloc[0]) if len(trouve) else None


def _vide(titre: str, message: str) -> Figure:
    figure = Figure(figsize=(largeur_a4(), 2.5), layout="constrained")
    axe = figure.add_subplot()
    axe.set_axis_off()
    axe.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, parse_math=False)
    axe.set_title(titre, loc="left", fontsize=11)
    return figure


def carte_clusters(noeuds: pd.DataFrame, liens: pd.DataFrame, titre: str | None = None) -> Figure:
    """Le réseau des clusters d'un hub : un disque par cluster, un trait par paire d'acteurs communs.

    La disposition part de la position moyenne des acteurs de chaque cluster (nord en haut)
    quand elle est connue, puis écarte les clusters voisins pour qu'ils restent lisibles :
    c'est un schéma, pas une carte à l'échelle. La surface du disque suit
    la valeur ajoutée, sa couleur et son motif le niveau de fonctionnement ; l'épaisseur
    d'un trait suit le nombre d'acteurs communs, trait plein s'il y en a au moins un sûr
    (même ``id_national``), tirets s'ils ne sont que probables.
    """
    titre = titre or "Réseau des clusters du hub"
    if noeuds.empty:
        return _vide(titre, "Aucun cluster dans ce périmètre.")
    graphe = nx.Graph()
    graphe.add_nodes_from(noeuds["cluster"])
    for lien in liens.itertuples():
        graphe.add_edge(lien.cluster_a, lien.cluster_b, poids=lien.nb_communs)
    geographique = bool(noeuds[["latitude", "longitude"]].notna().all(axis=1).all())
    depart = None
    if geographique:
        # Départ : la géographie (nord en haut), puis des ressorts qui écartent les clusters voisins.
        lat, lon = noeuds["latitude"].astype("float64"), noeuds["longitude"].astype("float64")
        etendue_lat = max(float(lat.max() - lat.min()), 1e-6)
        etendue_lon = max(float(lon.max() - lon.min()), 1e-6)
        depart = {r.cluster: np.array([(r.longitude - lon.min()) / etendue_lon * 0.6,
                                       (r.latitude - lat.min()) / etendue_lat])
                  for r in noeuds.itertuples()}
    positions = nx.spring_layout(graphe, pos=depart, seed=7, weight=None, k=0.9 / math.sqrt(max(len(graphe), 1)),
                                 iterations=40 if depart else 50)
    hauteur = 6.5
    figure = Figure(figsize=(largeur_a4(), hauteur), layout="constrained")
    axe = figure.add_subplot()
    maximum = max(1, int(liens["nb_communs"].max()) if not liens.empty else 1)
    for lien in liens.itertuples():
        (xa, ya), (xb, yb) = positions[lien.cluster_a], positions[lien.cluster_b]
        axe.plot([xa, xb], [ya, yb], color="#444444", zorder=1, alpha=0.8,
                 linewidth=0.8 + 3.2 * lien.nb_communs / maximum,
                 linestyle="-" if lien.nb_exacts > 0 else (0, (4, 2)))
    va = noeuds["valeur_ajoutee_totale"].astype("float64")
    va_max = float(va.max()) if va.notna().any() and va.max() > 0 else 1.0
    for r in noeuds.itertuples():
        x, y = positions[r.cluster]
        niveau = _numero_niveau(r.niveau)
        valeur = float(r.valeur_ajoutee_totale) if pd.notna(r.valeur_ajoutee_totale) else 0.0
        taille = 150 + 1100 * max(valeur, 0) / va_max
        axe.scatter([x], [y], s=taille, zorder=3, edgecolors="black", linewidths=1.0,
                    c=NIVEAUX_COULEURS.get(niveau, "white") if niveau else "white",
                    hatch=HACHURES.get(niveau, "") if niveau else "")
        etiquette = "\n".join(textwrap.wrap(str(r.nom), 24)[:2])
        if pd.notna(r.valeur_ajoutee_totale):
            etiquette += f"\nVA {millions_fcfa(r.valeur_ajoutee_totale)}"
        axe.annotate(etiquette, (x, y), xytext=(0, -(math.sqrt(taille) / 2 + 4)), textcoords="offset points",
                     ha="center", va="top", fontsize=7, zorder=4, parse_math=False,
                     bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
    axe.set_axis_off()
    axe.margins(0.18)
    axe.set_title(titre, loc="left", fontsize=11)
    legende = [Patch(facecolor=NIVEAUX_COULEURS[int(n.niveau)], edgecolor="black", hatch=HACHURES[int(n.niveau)],
                     label=n.libelle) for n in referentiel.niveaux_notes().itertuples()]
    legende += [Patch(facecolor="white", edgecolor="black", label="non noté"),
                Line2D([], [], color="#444444", linewidth=2, label="acteurs communs sûrs (id_national)"),
                Line2D([], [], color="#444444", linewidth=2, linestyle=(0, (4, 2)), label="acteurs communs probables")]
    figure.legend(handles=legende, loc="outside lower center", ncols=3, fontsize=7, frameon=False)
    return figure


def trajectoires(table: pd.DataFrame, titre: str | None = None) -> Figure:
    """La note globale de chaque cluster au fil des campagnes (sortie de ``analyses.trajectoires``)."""
    titre = titre or "Trajectoires des clusters (note globale de la grille)"
    campagnes = [c for c in table.columns if len(str(c)) == 9 and str(c)[4] == "-"]
    if table.empty or not campagnes:
        return _vide(titre, "Aucune note de la grille dans ce périmètre.")
    figure = Figure(figsize=(largeur_a4(), 4.2), layout="constrained")
    axe = figure.add_subplot()
    niveaux = referentiel.niveaux_notes()
    bornes = [*niveaux["min"].tolist(), 4.0]
    for i, n in enumerate(niveaux.itertuples()):
        axe.axhspan(bornes[i], bornes[i + 1], color=NIVEAUX_COULEURS[int(n.niveau)], alpha=0.12, zorder=0)
        axe.text(len(campagnes) - 0.6, (bornes[i] + bornes[i + 1]) / 2, n.libelle, fontsize=7, va="center",
                 color="#333333", parse_math=False)
    x = np.arange(len(campagnes))
    for k in range(len(table)):
        valeurs = table.iloc[k][campagnes].to_numpy(dtype="float64", na_value=np.nan)
        axe.plot(x, valeurs, marker=_MARQUEURS[k % len(_MARQUEURS)], linestyle=_STYLES[k % len(_STYLES)],
                 color=PALETTE[k % len(PALETTE)], label=str(table.iloc[k]["nom"]))
    axe.set_xticks(x, campagnes)
    axe.set_xlim(-0.3, len(campagnes) - 0.1 + 0.6)
    axe.set_ylim(1, 4)
    axe.set_ylabel("Note globale (1 à 4)")
    axe.set_title(titre, loc="left", fontsize=11)
    figure.legend(loc="outside right center", fontsize=7, frameon=False)
    return figure


def repartition_niveaux(tableau: pd.DataFrame, titre: str | None = None) -> Figure:
    """Barres empilées : nombre de clusters par niveau de fonctionnement à chaque campagne."""
    titre = titre or "Clusters par niveau de fonctionnement"
    if tableau.empty:
        return _vide(titre, "Aucun cluster dans ce périmètre.")
    figure = Figure(figsize=(largeur_a4(0.8), 3.2), layout="constrained")
    axe = figure.add_subplot()
    bas = np.zeros(len(tableau))
    for n in [*referentiel.niveaux_notes().itertuples(), None]:
        colonne = n.libelle if n is not None else "non noté"
        valeurs = tableau[colonne].to_numpy(dtype="float64")
        axe.bar(tableau["campagne"], valeurs, bottom=bas, edgecolor="black", label=colonne,
                color=NIVEAUX_COULEURS[int(n.niveau)] if n is not None else "white",
                hatch=HACHURES[int(n.niveau)] if n is not None else "")
        for i, v in enumerate(valeurs):
            if v:
                axe.text(i, bas[i] + v / 2, str(int(v)), ha="center", va="center", fontsize=8,
                         color="white" if n is not None and int(n.niveau) in (1, 4) else "black",
                         bbox={"boxstyle": "round,pad=0.1", "facecolor": "#00000055", "edgecolor": "none"}
                         if n is not None and int(n.niveau) in (1, 4) else None)
        bas += valeurs
    axe.set_ylabel("Nombre de clusters")
    axe.yaxis.get_major_locator().set_params(integer=True)
    axe.set_title(titre, loc="left", fontsize=11)
    figure.legend(loc="outside right center", fontsize=7, frameon=False)
    return figure
