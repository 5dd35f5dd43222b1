"""Graphiques du suivi du plan d'actions : diagramme de Gantt, indicateurs, budget, états.

Ils dessinent les tableaux de :mod:`clusterlib.analyses.planification` (:func:`avancement`,
:func:`budget_plan`, :func:`resume_avancement`) sans rien recalculer. Chaque état d'action a
une couleur et un motif, pour rester lisible en niveaux de gris.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from clusterlib.analyses.planification import ETATS, libelle_etat, lire_date
from clusterlib.graphiques import PALETTE, largeur_a4, textes_litteraux
from clusterlib.presentation.dates import mois_court

__all__ = ["STYLE_ETATS", "budget", "etats", "gantt", "indicateurs"]

STYLE_ETATS: dict[str, dict[str, Any]] = {
    "realisee": {"couleur": PALETTE[2], "motif": ""},
    "en_cours": {"couleur": PALETTE[0], "motif": "///"},
    "en_retard": {"couleur": PALETTE[3], "motif": "xxx"},
    "prevue": {"couleur": PALETTE[5], "motif": "..."},
    "abandonnee": {"couleur": "#9A9A9A", "motif": "---"},
}
"""Couleur et motif de chaque état d'action (couleurs Okabe-Ito)."""



def _mois_fr(x: float, _pos: Any = None) -> str:
    d = mdates.num2date(x)
    return mois_court(d.month, d.year, separateur="\n")


def _couper(texte: str, largeur: int) -> str:
    return textwrap.shorten(texte, width=largeur, placeholder="…")


def _poignees(presents: list[str], extra: list[Any] | None = None) -> list[Any]:
    poignees = [Patch(facecolor=STYLE_ETATS[e]["couleur"], edgecolor="black", hatch=STYLE_ETATS[e]["motif"],
                      label=libelle_etat(e)) for e in ETATS if e in presents]
    return poignees + (extra or [])


def _legende_bas(fig: Figure, hauteur: float, poignees: list[Any], ncol: int, lignes: int) -> None:
    """Légende sous le graphique, dans une bande réservée en bas de la figure."""
    bande = (0.22 + 0.17 * lignes) / hauteur
    fig.legend(handles=poignees, fontsize=7.5, frameon=False, loc="lower center", ncol=ncol,
               bbox_to_anchor=(0.5, 0.0))
    # Mise en page calculée au dessin, avec la résolution du fichier : un seul rendu suffit.
    fig.set_layout_engine("tight", rect=(0, bande, 1, 1))


def _vide(titre: str, texte: str) -> Figure:
    fig, ax = plt.subplots(figsize=(largeur_a4(), 1.6))
    ax.axis("off")
    ax.set_title(titre, fontsize=10, loc="left")
    ax.text(0.5, 0.45, texte, ha="center", va="center", fontsize=9, color="#444444")
    return fig


@textes_litteraux
def gantt(avancement_plan: pd.DataFrame, date_reference: Any = None, titre: str | None = None) -> Figure:
    """Diagramme de Gantt du plan d'actions, regroupé par responsable.

    Une barre par action, du premier jour du mois de début au dernier jour du mois de fin,
    couleur et motif selon l'état ; un trait noir dans la barre montre la part de la cible
    atteinte (jusqu'à 100 %) et le pourcentage est écrit à droite. La date de référence est
    marquée d'un trait vertical. Les actions sans dates sont listées sous le graphique.
    """
    titre = titre or "Plan d'actions : calendrier et avancement"
    av = avancement_plan.copy()
    datees = av[(av["debut"] != "") & (av["fin"] != "")]
    if datees.empty:
        return _vide(titre, "Aucune action datée à représenter.")
    datees = datees.assign(
        _t0=[pd.Period(d, freq="M").start_time for d in datees["debut"]],
        _t1=[(pd.Period(f, freq="M") + 1).start_time for f in datees["fin"]],
    ).sort_values(["responsable", "_t0", "id"], kind="stable")
    lignes: list[tuple[str, Any]] = []  # ("groupe", nom) ou ("action", ligne)
    for responsable, g in datees.groupby("responsable", sort=False):
        lignes.append(("groupe", responsable))
        lignes.extend(("action", lg) for _, lg in g.iterrows())
    hauteur = 1.3 + 0.27 * len(lignes)
    fig, ax = plt.subplots(figsize=(largeur_a4(), hauteur))
    etiquettes = []
    for y, (genre, contenu) in enumerate(lignes):
        if genre == "groupe":
            etiquettes.append(_couper(str(contenu), 42))
            ax.axhspan(y - 0.5, y + 0.5, color="#EEF2F6", zorder=0, linewidth=0)
            continue
        lg = contenu
        style = STYLE_ETATS.get(lg["etat"], STYLE_ETATS["prevue"])
        t0, t1 = mdates.date2num(lg["_t0"]), mdates.date2num(lg["_t1"])
        ax.barh(y, t1 - t0, left=t0, height=0.62, color=style["couleur"], hatch=style["motif"],
                edgecolor="black", linewidth=0.6, alpha=0.9, zorder=2)
        taux = lg["taux_realisation"]
        if pd.notna(taux):
            part = max(0.0, min(float(taux), 100.0)) / 100
            if part > 0:
                ax.plot([t0, t0 + part * (t1 - t0)], [y, y], color="black", linewidth=2.2, zorder=3,
                        solid_capstyle="butt")
            ax.text(t1 + 4, y, f"{float(taux):.0f} %", va="center", fontsize=7, zorder=4)
        etiquettes.append("   " + _couper(f"{lg['id']} · {lg['action']}", 50))
    ax.set_yticks(range(len(lignes)))
    ax.set_yticklabels(etiquettes, fontsize=7.5)
    for tick, (genre, _) in zip(ax.get_yticklabels(), lignes, strict=True):
        if genre == "groupe":
            tick.set_fontweight("bold")
    ax.set_ylim(len(lignes) - 0.5, -0.5)
    debut = mdates.date2num(datees["_t0"].min())
    fin = mdates.date2num(datees["_t1"].max())
    ref = None if date_reference is None else lire_date(date_reference)
    extra = []
    if ref is not None:
        xr = mdates.date2num(dt.datetime.combine(ref, dt.time()))
        debut, fin = min(debut, xr), max(fin, xr)
        ax.axvline(xr, color="black", linestyle=(0, (4, 2)), linewidth=1.1, zorder=5)
        extra.append(plt.Line2D([], [], color="black", linestyle=(0, (4, 2)),
                                label=f"Date de référence ({ref.day:02d}/{ref.month:02d}/{ref.year})"))
    extra.append(plt.Line2D([], [], color="black", linewidth=2.2, label="Part de la cible atteinte"))
    marge = (fin - debut) * 0.09
    ax.set_xlim(debut - 5, fin + marge)
    mois = (fin - debut) / 30.4
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=1 if mois <= 12 else (2 if mois <= 24 else 3)))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(_mois_fr))
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(titre, fontsize=10, loc="left")
    poignees = _poignees(list(datees["etat"].unique()), extra)
    _legende_bas(fig, hauteur, poignees, ncol=3, lignes=(len(poignees) + 2) // 3)
    sans_dates = av[(av["debut"] == "") | (av["fin"] == "")]
    if len(sans_dates):
        fig.text(0.01, 0.0, "Sans dates : " + ", ".join(sans_dates["id"]), fontsize=7, va="top")
    return fig


@textes_litteraux
def indicateurs(avancement_plan: pd.DataFrame, titre: str | None = None) -> Figure:
    """Part de la cible atteinte par action (réalisé / cible, en %), avec le repère des 100 %.

    Les barres suivent la couleur et le motif de l'état de l'action ; au bout de chaque barre,
    « réalisé / cible ». Les actions sans cible sont omises.
    """
    titre = titre or "Indicateurs : part de la cible atteinte"
    av = avancement_plan[avancement_plan["taux_realisation"].notna()].copy()
    if av.empty:
        return _vide(titre, "Aucune action n'a à la fois une cible et une valeur réalisée.")
    av = av.iloc[::-1]
    hauteur = 1.2 + 0.3 * len(av)
    fig, ax = plt.subplots(figsize=(largeur_a4(), hauteur))
    plafond = max(110.0, min(200.0, float(av["taux_realisation"].max()) + 25))
    for y, (_, lg) in enumerate(av.iterrows()):
        style = STYLE_ETATS.get(lg["etat"], STYLE_ETATS["prevue"])
        valeur = min(float(lg["taux_realisation"]), plafond)
        ax.barh(y, valeur, height=0.6, color=style["couleur"], hatch=style["motif"], edgecolor="black",
                linewidth=0.6, zorder=2)
        texte = f"{lg['realise']:g} / {lg['cible']:g}".replace(".", ",")
        ax.text(valeur + plafond * 0.01, y, texte, va="center", fontsize=7)
    ax.axvline(100, color="black", linewidth=1, zorder=3)
    ax.set_yticks(range(len(av)))
    ax.set_yticklabels([_couper(f"{lg['id']} · {lg['indicateur']}", 48) for _, lg in av.iterrows()], fontsize=7.5)
    ax.set_xlim(0, plafond * 1.12)
    ax.set_xlabel("Part de la cible atteinte (%)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(titre, fontsize=10, loc="left")
    poignees = _poignees(list(av["etat"].unique()))
    _legende_bas(fig, hauteur, poignees, ncol=3, lignes=(len(poignees) + 2) // 3)
    return fig


@textes_litteraux
def budget(budget_plan: pd.DataFrame, titre: str | None = None) -> Figure:
    """Budget prévu et dépense par action, en millions de FCFA.

    Deux barres par action : le prévu (plein) et le dépensé (hachuré), quand il est connu.
    Sans aucune dépense renseignée, seul le prévu est dessiné et le titre le dit.
    """
    titre = titre or "Budget prévu et dépensé par action"
    b = budget_plan[budget_plan["budget"].notna()].copy()
    if b.empty:
        return _vide(titre, "Aucun budget renseigné dans le plan d'actions.")
    connues = b["depense"].notna().any()
    if not connues:
        titre += " (dépenses non renseignées)"
    b = b.iloc[::-1]
    hauteur = 1.2 + 0.34 * len(b)
    fig, ax = plt.subplots(figsize=(largeur_a4(), hauteur))
    ys = range(len(b))
    epaisseur = 0.38 if connues else 0.6
    decalage = epaisseur / 2 if connues else 0
    ax.barh([y + decalage for y in ys], b["budget"] / 1e6, height=epaisseur, color=PALETTE[0], edgecolor="black",
            linewidth=0.5, label="Prévu", zorder=2)
    if connues:
        ax.barh([y - decalage for y in ys], b["depense"].fillna(0) / 1e6, height=epaisseur, color=PALETTE[1],
                hatch="///", edgecolor="black", linewidth=0.5, label="Dépensé", zorder=2)
        for y, (_, lg) in zip(ys, b.iterrows(), strict=True):
            if pd.isna(lg["depense"]):
                ax.text(0.02, y - decalage, "dépense non connue", va="center", fontsize=6.5, color="#444444")
    ax.set_yticks(list(ys))
    ax.set_yticklabels([_couper(f"{lg['id']} · {lg['action']}", 46) for _, lg in b.iterrows()], fontsize=7.5)
    ax.set_xlabel("Millions de FCFA", fontsize=8)
    ax.tick_params(axis="x", labelsize=7.5)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:g}".replace(".", ",")))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(titre, fontsize=10, loc="left")
    ax.legend(fontsize=7.5, frameon=False, loc="lower right")
    fig.set_layout_engine("tight")
    return fig


@textes_litteraux
def etats(resume: pd.DataFrame, titre: str | None = None) -> Figure:
    """Une barre empilée : combien d'actions dans chaque état (d'après :func:`resume_avancement`)."""
    titre = titre or "Avancement du plan d'actions"
    r = resume[(resume["etat"] != "total") & (resume["nb_actions"] > 0)]
    fig, ax = plt.subplots(figsize=(largeur_a4(), 1.9))
    if r.empty:
        ax.axis("off")
        ax.set_title(titre, fontsize=10, loc="left")
        ax.text(0.5, 0.4, "Aucune action au plan.", ha="center", fontsize=9)
        return fig
    gauche = 0
    for _, lg in r.iterrows():
        style = STYLE_ETATS[lg["etat"]]
        ax.barh(0, lg["nb_actions"], left=gauche, color=style["couleur"], hatch=style["motif"], edgecolor="black",
                linewidth=0.6, height=0.6)
        ax.text(gauche + lg["nb_actions"] / 2, 0, str(int(lg["nb_actions"])), ha="center", va="center", fontsize=9,
                fontweight="bold", bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.2, "alpha": 0.85})
        gauche += lg["nb_actions"]
    ax.set_xlim(0, gauche)
    ax.set_yticks([])
    ax.set_xticks([])
    ax.spines[:].set_visible(False)
    ax.set_title(f"{titre} : {int(gauche)} action(s)", fontsize=10, loc="left")
    poignees = _poignees(list(r["etat"]))
    _legende_bas(fig, 1.9, poignees, ncol=3, lignes=(len(poignees) + 2) // 3)
    return fig
