"""Graphiques des comptes d'exploitation : valeur ajoutée par maillon, son partage, son évolution,
scénarios et sensibilité. Ils dessinent les résultats de :mod:`clusterlib.analyses.comptes` et
:mod:`clusterlib.analyses.scenarios` sans rien recalculer.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from clusterlib import referentiel
from clusterlib.analyses.comptes import libelle_beneficiaire, referentiel_comptes
from clusterlib.graphiques import PALETTE, largeur_a4, textes_litteraux
from clusterlib.presentation.format_fr import millions_fcfa, nombre, pourcentage

__all__ = [
    "graphique_cascade_va",
    "graphique_evolution_va",
    "graphique_partage_va",
    "graphique_scenario",
    "graphique_sensibilite",
    "graphique_va_par_maillon",
]

# Un motif par bénéficiaire, pour les impressions en niveaux de gris.
_HACHURES = ["", "//", "..", "xx", "\\\\", ""]
_COULEURS_BENEFICIAIRES = {
    "salaries": PALETTE[0],
    "preteurs": PALETTE[4],
    "etat": PALETTE[3],
    "proprietaires_terre": PALETTE[6],
    "amortissement": "#999999",
    "exploitants": PALETTE[2],
}


def _axe_millions(axe, axis: str = "y") -> None:
    formateur = FuncFormatter(lambda v, _pos: nombre(v / 1e6, 0 if abs(v) >= 1e7 or v == 0 else 1))
    (axe.yaxis if axis == "y" else axe.xaxis).set_major_formatter(formateur)


def _libelle_maillon(code: str) -> str:
    return referentiel.libelle("maillons", code) if code != "ensemble" else "Ensemble du cluster"


def _beneficiaires() -> list[str]:
    return [b["code"] for b in referentiel_comptes()["beneficiaires_va"]]


def _vide(message: str, titre: str) -> Figure:
    figure = Figure(figsize=(largeur_a4(), 2.0), layout="constrained")
    axe = figure.add_subplot()
    axe.set_axis_off()
    axe.text(0.5, 0.5, message, ha="center", va="center", fontsize=10)
    axe.set_title(titre, loc="left", fontsize=11)
    return figure


@textes_litteraux
def graphique_va_par_maillon(repartition_par_maillon: pd.DataFrame, titre: str | None = None) -> Figure:
    """Barres empilées : la valeur ajoutée de chaque maillon et ceux qui la reçoivent.

    Prend :func:`clusterlib.analyses.comptes.repartition_va_par_maillon` (une campagne). Les parts
    négatives (revenu net d'un maillon qui perd de l'argent, subventions supérieures aux
    impôts) passent sous l'axe ; un losange noir marque la valeur ajoutée du maillon.
    """
    titre = titre or "Valeur ajoutée par maillon et ceux qui la reçoivent"
    if repartition_par_maillon.empty:
        return _vide("Pas de comptes d'exploitation pour cette campagne.", titre)
    donnees = repartition_par_maillon.reset_index(drop=True)
    noms = [_libelle_maillon(m) for m in donnees["maillon"]]
    figure = Figure(figsize=(largeur_a4(), 4.8), layout="constrained")
    axe = figure.add_subplot()
    positions = range(len(donnees))
    haut = [0.0] * len(donnees)
    bas = [0.0] * len(donnees)
    for i, code in enumerate(_beneficiaires()):
        valeurs = donnees[code].astype("float64").fillna(0.0).tolist()
        depart = [haut[k] if v >= 0 else bas[k] for k, v in enumerate(valeurs)]
        axe.bar(positions, valeurs, bottom=depart, width=0.6, color=_COULEURS_BENEFICIAIRES.get(code, PALETTE[i]),
                hatch=_HACHURES[i % len(_HACHURES)], edgecolor="white", linewidth=0.6,
                label=libelle_beneficiaire(code))
        for k, v in enumerate(valeurs):
            if v >= 0:
                haut[k] += v
            else:
                bas[k] += v
    va = donnees["valeur_ajoutee"].astype("float64").tolist()
    axe.scatter(positions, va, marker="D", color="black", zorder=3, s=22, label="Valeur ajoutée du maillon")
    sommet = max(max(haut), max(va), 0.0)
    for k, v in enumerate(va):
        axe.annotate(millions_fcfa(v), (k, max(haut[k], v)), xytext=(0, 4), textcoords="offset points",
                     ha="center", va="bottom", fontsize=8.5)
    axe.set_ylim(top=sommet * 1.12 if sommet > 0 else None)
    axe.axhline(0, color="black", linewidth=0.8)
    axe.set_xticks(list(positions), noms)
    axe.set_ylabel("millions de FCFA")
    _axe_millions(axe)
    axe.spines[["top", "right"]].set_visible(False)
    axe.set_title(titre, loc="left", fontsize=11)
    poignees, libelles = axe.get_legend_handles_labels()
    figure.legend(poignees, libelles, loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    return figure


@textes_litteraux
def graphique_cascade_va(par_maillon: pd.DataFrame, titre: str | None = None) -> Figure:
    """Cascade : la valeur ajoutée du cluster se construit maillon après maillon.

    Prend :func:`clusterlib.analyses.comptes.comptes_par_maillon` pour une campagne. Chaque barre part
    du cumul des maillons précédents ; la dernière donne le total du cluster. Les étiquettes
    donnent le montant (millions de FCFA) et la part du maillon.
    """
    titre = titre or "Construction de la valeur ajoutée du cluster, maillon par maillon"
    if par_maillon.empty:
        return _vide("Pas de comptes d'exploitation pour cette campagne.", titre)
    va = par_maillon["valeur_ajoutee"].astype("float64").tolist()
    parts = par_maillon["part_va"].astype("float64").tolist()
    noms = [_libelle_maillon(m) for m in par_maillon["maillon"]] + ["Ensemble\ndu cluster"]
    figure = Figure(figsize=(largeur_a4(), 3.8), layout="constrained")
    axe = figure.add_subplot()
    cumul = 0.0
    for k, (v, part) in enumerate(zip(va, parts, strict=True)):
        couleur = PALETTE[2] if v >= 0 else PALETTE[3]
        axe.bar(k, v, bottom=cumul, width=0.6, color=couleur, hatch="" if v >= 0 else "//", edgecolor="white")
        if k > 0:
            axe.plot([k - 1.3, k - 0.3], [cumul, cumul], color="#555555", linewidth=0.8, linestyle=":")
        axe.annotate(f"{millions_fcfa(v)}\n({pourcentage(part, 0)})", (k, max(cumul, cumul + v)), xytext=(0, 3),
                     textcoords="offset points", ha="center", va="bottom", fontsize=8.5)
        cumul += v
    n = len(va)
    axe.plot([n - 1.3, n - 0.3], [cumul, cumul], color="#555555", linewidth=0.8, linestyle=":")
    axe.bar(n, cumul, width=0.6, color=PALETTE[0], edgecolor="white")
    axe.annotate(millions_fcfa(cumul), (n, max(cumul, 0)), xytext=(0, 3), textcoords="offset points",
                 ha="center", va="bottom", fontsize=8.5, fontweight="bold")
    hauteur = max(cumul, max([sum(va[: k + 1]) for k in range(n)]), 0)
    axe.set_ylim(top=hauteur * 1.18 if hauteur > 0 else None)
    axe.axhline(0, color="black", linewidth=0.8)
    axe.set_xticks(range(n + 1), noms)
    axe.set_ylabel("millions de FCFA")
    _axe_millions(axe)
    axe.spines[["top", "right"]].set_visible(False)
    axe.set_title(titre, loc="left", fontsize=11)
    return figure


@textes_litteraux
def graphique_partage_va(repartition: pd.DataFrame, titre: str | None = None) -> Figure:
    """Barres horizontales : qui reçoit la valeur ajoutée du cluster (montant et part).

    Prend :func:`clusterlib.analyses.comptes.repartition_va` pour une campagne.
    """
    titre = titre or "Qui reçoit la valeur ajoutée du cluster ?"
    if repartition.empty:
        return _vide("Pas de comptes d'exploitation pour cette campagne.", titre)
    donnees = repartition.iloc[::-1].reset_index(drop=True)
    figure = Figure(figsize=(largeur_a4(), 0.5 * len(donnees) + 1.2), layout="constrained")
    axe = figure.add_subplot()
    couleurs = [_COULEURS_BENEFICIAIRES.get(c, PALETTE[0]) for c in donnees["beneficiaire"]]
    hachures = [_HACHURES[_beneficiaires().index(c) % len(_HACHURES)] if c in _beneficiaires() else ""
                for c in donnees["beneficiaire"]]
    barres = axe.barh(range(len(donnees)), donnees["montant"], color=couleurs, edgecolor="white", height=0.65)
    for barre, h in zip(barres, hachures, strict=True):
        barre.set_hatch(h)
    maximum = float(donnees["montant"].max())
    for k, (montant, part) in enumerate(zip(donnees["montant"], donnees["part"], strict=True)):
        axe.annotate(f"{millions_fcfa(montant)} ({pourcentage(part)})", (max(montant, 0), k), xytext=(4, 0),
                     textcoords="offset points", va="center", fontsize=8.5)
    axe.set_yticks(range(len(donnees)), donnees["libelle"], fontsize=9)
    # Place pour le montant au bout de la plus longue barre, sans que la mise en page ait à y revenir.
    axe.set_xlim(min(0, float(donnees["montant"].min()) * 1.1), maximum * 1.6 if maximum > 0 else 1)
    axe.axvline(0, color="black", linewidth=0.8)
    axe.set_xlabel("millions de FCFA")
    _axe_millions(axe, "x")
    axe.spines[["top", "right"]].set_visible(False)
    axe.set_title(titre, loc="left", fontsize=11)
    return figure


@textes_litteraux
def graphique_evolution_va(evolution_par_maillon: pd.DataFrame, titre: str | None = None) -> Figure:
    """Barres empilées par campagne : la valeur ajoutée de chaque maillon et le total du cluster.

    Prend :func:`clusterlib.analyses.comptes.evolution_va_par_maillon` (campagnes en lignes, maillons
    en colonnes).
    """
    titre = titre or "Évolution de la valeur ajoutée du cluster"
    if evolution_par_maillon.empty:
        return _vide("Pas de comptes d'exploitation.", titre)
    donnees = evolution_par_maillon.fillna(0.0)
    figure = Figure(figsize=(largeur_a4(), 3.8), layout="constrained")
    axe = figure.add_subplot()
    positions = list(range(len(donnees)))
    haut = [0.0] * len(donnees)
    bas = [0.0] * len(donnees)
    for i, maillon in enumerate(donnees.columns):
        valeurs = donnees[maillon].tolist()
        depart = [haut[k] if v >= 0 else bas[k] for k, v in enumerate(valeurs)]
        axe.bar(positions, valeurs, bottom=depart, width=0.6, color=PALETTE[i % len(PALETTE)],
                hatch=_HACHURES[i % len(_HACHURES)], edgecolor="white", label=_libelle_maillon(maillon))
        for k, v in enumerate(valeurs):
            if v >= 0:
                haut[k] += v
            else:
                bas[k] += v
    totaux = donnees.sum(axis=1).tolist()
    for k, total in enumerate(totaux):
        axe.annotate(millions_fcfa(total), (k, haut[k]), xytext=(0, 3), textcoords="offset points", ha="center",
                     va="bottom", fontsize=8.5)
    axe.set_ylim(top=max(haut) * 1.12 if max(haut) > 0 else None)
    axe.axhline(0, color="black", linewidth=0.8)
    axe.set_xticks(positions, [str(c) for c in donnees.index])
    axe.set_ylabel("millions de FCFA")
    _axe_millions(axe)
    axe.spines[["top", "right"]].set_visible(False)
    axe.set_title(titre, loc="left", fontsize=11)
    axe.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return figure


@textes_litteraux
def graphique_scenario(ecarts: pd.DataFrame, titre: str | None = None) -> Figure:
    """Barres groupées : revenu net de chaque maillon avant et après un scénario.

    Prend ``ResultatScenario.ecarts`` (:func:`clusterlib.analyses.scenarios.simuler`) ; l'écart en % est
    écrit au-dessus des barres du scénario.
    """
    titre = titre or "Revenu net d'exploitation : situation actuelle et scénario"
    donnees = ecarts[ecarts["maillon"] != "ensemble"].reset_index(drop=True)
    if donnees.empty:
        return _vide("Pas de comptes pour ce scénario.", titre)
    figure = Figure(figsize=(largeur_a4(), 3.6), layout="constrained")
    axe = figure.add_subplot()
    x = list(range(len(donnees)))
    axe.bar([v - 0.2 for v in x], donnees["revenu_net_base"], width=0.38, color="#999999", label="Situation actuelle")
    axe.bar([v + 0.2 for v in x], donnees["revenu_net_scenario"], width=0.38, color=PALETTE[0], hatch="//",
            edgecolor="white", label="Scénario")
    for k, (valeur, ecart) in enumerate(zip(donnees["revenu_net_scenario"], donnees["ecart_revenu_net_pct"],
                                            strict=True)):
        texte = "=" if pd.notna(ecart) and abs(ecart) < 0.05 else pourcentage(ecart, signe=True)
        axe.annotate(texte, (k + 0.2, max(valeur, 0)), xytext=(0, 3), textcoords="offset points", ha="center",
                     va="bottom", fontsize=8.5)
    haut = float(max(donnees["revenu_net_base"].max(), donnees["revenu_net_scenario"].max(), 0))
    axe.set_ylim(top=haut * 1.15 if haut > 0 else None)
    axe.axhline(0, color="black", linewidth=0.8)
    axe.set_xticks(x, [_libelle_maillon(m) for m in donnees["maillon"]])
    axe.set_ylabel("millions de FCFA")
    _axe_millions(axe)
    axe.spines[["top", "right"]].set_visible(False)
    axe.legend(fontsize=8, frameon=False)
    axe.set_title(titre, loc="left", fontsize=11)
    return figure


_MARQUEURS = ["o", "s", "^", "D", "v", "P", "X", "*"]


@textes_litteraux
def graphique_sensibilite(sensib: pd.DataFrame, titre: str | None = None) -> Figure:
    """Un panneau par prix : écart du revenu net de chaque maillon (en %) selon la variation du prix.

    Prend :func:`clusterlib.analyses.scenarios.sensibilite`. Plus la droite d'un maillon est pentue,
    plus son revenu dépend de ce prix.
    """
    titre = titre or "Sensibilité du revenu net des maillons aux prix principaux"
    if sensib.empty:
        return _vide("Aucun prix à faire varier.", titre)
    prix = list(dict.fromkeys(sensib["prix"]))
    maillons = list(dict.fromkeys(sensib["maillon"]))
    figure = Figure(figsize=(largeur_a4(), 3.2), layout="constrained")
    axes = figure.subplots(1, len(prix), sharey=True, squeeze=False)[0]
    for axe, nom in zip(axes, prix, strict=True):
        for i, maillon in enumerate(maillons):
            d = sensib[(sensib["prix"] == nom) & (sensib["maillon"] == maillon)].sort_values("variation")
            x = [0.0, *(d["variation"] * 100)]
            y = [0.0, *d["ecart_pct"]]
            ordre = sorted(range(len(x)), key=lambda k: x[k])
            axe.plot([x[k] for k in ordre], [y[k] for k in ordre], marker=_MARQUEURS[i % len(_MARQUEURS)],
                     color=PALETTE[i % len(PALETTE)], label=_libelle_maillon(maillon), markersize=5)
        axe.axhline(0, color="black", linewidth=0.6)
        axe.axvline(0, color="black", linewidth=0.6)
        axe.set_xticks(sorted({0.0, *(sensib["variation"] * 100)}))
        axe.set_title(f"Prix : {nom}", fontsize=10)
        axe.set_xlabel("variation du prix (%)")
        axe.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: ("+" if v > 0 else "") + nombre(v, 0)))
        axe.spines[["top", "right"]].set_visible(False)
    axes[0].set_ylabel("écart du revenu net (%)")
    axes[0].yaxis.set_major_formatter(FuncFormatter(lambda v, _p: ("+" if v > 0 else "") + nombre(v, 0)))
    axes[-1].legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.suptitle(titre, x=0.01, ha="left", fontsize=11)
    return figure
