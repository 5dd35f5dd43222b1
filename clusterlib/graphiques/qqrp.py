"""Graphique QQRP : quantité, qualité, régularité et prix de chaque marché, campagne après campagne.

Il dessine le résultat de :func:`clusterlib.analyses.qqrp.qqrp_par_marche` sans rien recalculer.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from clusterlib.graphiques import PALETTE, largeur_a4, textes_litteraux
from clusterlib.presentation.format_fr import nombre

__all__ = ["graphique_qqrp"]

_MARQUEURS = ["o", "s", "^", "D", "v", "P", "X", "*"]
_STYLES = ["-", "--", "-.", ":"]


@textes_litteraux
def graphique_qqrp(qqrp: pd.DataFrame, titre: str | None = None) -> Figure:
    """Quatre panneaux (quantité, qualité, régularité, prix), une courbe par marché.

    Prend :func:`clusterlib.analyses.qqrp.qqrp_par_marche` ; les lignes d'ensemble des marchés ne sont
    pas tracées. Quand les marchés sont livrés dans des unités différentes (tonnes et litres), les
    quantités et les prix sont tracés en indice (100 à la première campagne de chaque
    marché). Chaque marché a sa couleur, son marqueur et son type de trait, lisibles aussi en
    noir et blanc.
    """
    titre = titre or "Compétitivité QQRP par marché"
    donnees = qqrp[~qqrp["ensemble"].astype(bool)]
    figure = Figure(figsize=(largeur_a4(), 5.6), layout="constrained")
    if donnees.empty:
        axe = figure.add_subplot()
        axe.set_axis_off()
        axe.text(0.5, 0.5, "Pas de données de performances.", ha="center", va="center")
        axe.set_title(titre, loc="left", fontsize=11)
        return figure
    campagnes = sorted(donnees["campagne"].unique())
    position = {c: i for i, c in enumerate(campagnes)}
    axes = figure.subplots(2, 2, sharex=True).ravel()
    panneaux = [
        ("volume", "Quantité livrée", None),
        ("taux_conformite", "Qualité : livraisons conformes (%)", (0, 105)),
        ("regularite", "Régularité : livraisons à temps (%)", (0, 105)),
        ("prix_moyen", "Prix moyen (FCFA par unité)", None),
    ]
    series = list(donnees.groupby(["marche", "unite"], sort=False))
    unites = sorted({u for (_, u), _ in series if u})
    # Plusieurs unités (tonnes, litres…) : quantités et prix en indice, base 100 à la première
    # campagne de chaque marché, pour que les courbes restent comparables.
    en_indice = len(unites) > 1
    for axe, (colonne, nom, limites) in zip(axes, panneaux, strict=True):
        for i, ((marche, unite), groupe) in enumerate(series):
            g = groupe.sort_values("campagne")
            valeurs = g[colonne].astype("float64")
            if en_indice and colonne in ("volume", "prix_moyen"):
                base = valeurs[valeurs > 0]
                valeurs = valeurs / base.iloc[0] * 100 if len(base) else valeurs * float("nan")
            libelle = marche if len(unites) <= 1 else f"{marche} ({unite})"
            axe.plot([position[c] for c in g["campagne"]], valeurs, marker=_MARQUEURS[i % len(_MARQUEURS)],
                     linestyle=_STYLES[i % len(_STYLES)], color=PALETTE[i % len(PALETTE)], label=libelle,
                     markersize=5)
        if colonne in ("volume", "prix_moyen") and en_indice:
            nom = ("Quantité livrée" if colonne == "volume" else "Prix moyen") + " (indice, 1re campagne = 100)"
        elif len(unites) == 1 and colonne == "volume":
            nom = f"Quantité livrée ({unites[0]})"
        elif len(unites) == 1 and colonne == "prix_moyen":
            nom = f"Prix moyen (FCFA par {unites[0]})"
        axe.set_title(nom, fontsize=9.5, loc="left")
        if limites:
            axe.set_ylim(*limites)
        else:
            axe.set_ylim(bottom=0)
            haut = axe.get_ylim()[1]
            axe.set_ylim(0, haut * 1.05)
        axe.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: nombre(v, 0)))
        axe.set_xticks(range(len(campagnes)), campagnes, fontsize=8)
        axe.tick_params(axis="y", labelsize=8)
        axe.grid(axis="y", color="#dddddd", linewidth=0.6)
        axe.spines[["top", "right"]].set_visible(False)
    poignees, libelles = axes[0].get_legend_handles_labels()
    figure.legend(poignees, libelles, loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    figure.suptitle(titre, x=0.01, ha="left", fontsize=11)
    return figure
