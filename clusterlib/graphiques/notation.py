"""Graphiques de la grille de fonctionnement : radar des axes, barres des indicateurs,
évolution d'une campagne à l'autre et carte de chaleur de plusieurs clusters.

Ces fonctions dessinent les résultats de :mod:`clusterlib.analyses.notation` sans rien recalculer.
Lisibles en noir et blanc : chaque niveau a sa couleur **et** son motif de hachures, les
courbes ont chacune leur marqueur et leur type de trait, les notes sont écrites en chiffres.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib import rc_context
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from clusterlib import referentiel
from clusterlib.graphiques import NIVEAUX_COULEURS, PALETTE, largeur_a4, textes_litteraux
from clusterlib.presentation.echappement import echapper_html
from clusterlib.presentation.format_fr import nombre
from clusterlib.referentiel import regles

__all__ = [
    "HACHURES",
    "barres_indicateurs",
    "carte_chaleur",
    "carte_chaleur_html",
    "evolution_campagnes",
    "radar_axes",
]

HACHURES = {1: "xxx", 2: "///", 3: "...", 4: ""}
"""Motif de chaque niveau, pour distinguer en niveaux de gris les niveaux 1 et 4 (tous deux foncés)."""

_MARQUEURS = ["o", "s", "^", "D", "v", "P", "X"]
_STYLES = ["-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1))]
_GRIS = "#555555"


def _niveaux() -> pd.DataFrame:
    return referentiel.niveaux_notes()


def _bornes() -> list[float]:
    n = _niveaux()
    return [*n["min"].tolist(), float(n["max"].iloc[-1]) + 1e-9]


def _legende_niveaux() -> list[Patch]:
    return [
        Patch(facecolor=NIVEAUX_COULEURS[int(r.niveau)], edgecolor="black", hatch=HACHURES[int(r.niveau)],
              label=f"{int(r.niveau)} – {r.libelle}")
        for r in _niveaux().itertuples()
    ]


def _texte_sur(couleur: str) -> str:
    """Noir ou blanc, selon la clarté du fond."""
    r, g, b = to_rgb(couleur)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def _note(v: float) -> str:
    return nombre(v, 2).rstrip("0").rstrip(",") if not pd.isna(v) else "–"


def _vide(titre: str, message: str, hauteur: float = 3.0) -> Figure:
    figure = Figure(figsize=(largeur_a4(), hauteur), layout="constrained")
    axe = figure.add_subplot()
    axe.set_axis_off()
    axe.text(0.5, 0.5, message, ha="center", va="center", fontsize=10)
    axe.set_title(titre, loc="left", fontsize=11)
    return figure


def _couper(texte: str, largeur: int) -> str:
    return texte if len(texte) <= largeur else texte[: largeur - 1].rstrip(" ,;(/") + "…"


# --- Radar des six axes ------------------------------------------------------------------------


@textes_litteraux
def radar_axes(axes: pd.DataFrame, reference: pd.DataFrame | None = None, campagne: str | None = None,
               campagne_reference: str | None = None, titre: str | None = None) -> Figure:
    """Radar des six axes (notes de 1 à 4), avec la campagne précédente en pointillés.

    ``axes`` et ``reference`` : résultats de :func:`clusterlib.analyses.notation.scores_axes`. Un axe
    non évalué reste sans point et son nom porte la mention « non évalué ».
    """
    titre = titre or "Notes des six axes de la grille"
    if axes["score"].isna().all():
        return _vide(titre, "Aucun axe évalué pour cette campagne.")
    nb = len(axes)
    angles = np.linspace(0, 2 * np.pi, nb, endpoint=False)
    figure = Figure(figsize=(largeur_a4(0.85), largeur_a4(0.85)), layout="constrained")
    ax = figure.add_subplot(projection="polar")
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, 4)
    ax.set_yticks(regles.echelle_notes().niveaux)
    ax.set_yticklabels(["1", "2", "3", "4"], fontsize=8, color=_GRIS)
    ax.set_rlabel_position(180 / nb)
    ax.grid(color="#BBBBBB", linewidth=0.7)

    def tracer(cadre: pd.DataFrame, couleur: str, style: str | tuple, marqueur: str, libelle: str,
               remplir: bool) -> None:
        valeurs = cadre["score"].to_numpy(dtype="float64", na_value=np.nan)
        ferme_a, ferme_v = np.append(angles, angles[0]), np.append(valeurs, valeurs[0])
        ax.plot(ferme_a, ferme_v, linestyle=style, color=couleur, linewidth=2, marker=marqueur,
                markersize=6, label=libelle, zorder=3)
        if remplir and not np.isnan(valeurs).any():
            ax.fill(ferme_a, ferme_v, color=couleur, alpha=0.12, zorder=2)

    if reference is not None and reference["score"].notna().any():
        tracer(reference, PALETTE[1], (0, (4, 2)), "s", campagne_reference or "Campagne précédente", False)
    tracer(axes, PALETTE[0], "-", "o", campagne or "Campagne évaluée", True)
    avant = reference["score"].tolist() if reference is not None else [np.nan] * nb
    etiquettes = []
    for a, n, s, r in zip(axes["axe"], axes["nom_court"], axes["score"], avant, strict=True):
        nom = f"{a}. {n}"
        nom = nom.replace(" et ", "\net ", 1) if len(nom) > 18 else nom
        note = "non évalué" if pd.isna(s) else _note(s)
        if not pd.isna(r):
            note += f" (avant : {_note(r)})"
        etiquettes.append(f"{nom}\n{note}")
    ax.set_xticks(angles)
    ax.set_xticklabels(etiquettes, fontsize=8.3)
    ax.tick_params(axis="x", pad=20)
    ax.set_title(titre, fontsize=11, pad=18)
    figure.legend(loc="outside lower center", ncol=2, fontsize=8.5, frameon=False)
    return figure


# --- Barres des 24 indicateurs ---------------------------------------------------------------


@textes_litteraux
def barres_indicateurs(indicateurs: pd.DataFrame, titre: str | None = None) -> Figure:
    """Une barre par indicateur, colorée (et hachurée) selon son niveau, groupées par axe.

    ``indicateurs`` : résultat de :func:`clusterlib.analyses.notation.scores_indicateurs`. Le trait fin
    va de la note la plus basse à la plus haute des évaluateurs ; « écart N » signale un
    désaccord. Un indicateur non évalué n'a pas de barre et porte la mention « non évalué ».
    """
    titre = titre or "Notes des 24 indicateurs de la grille"
    axes = referentiel.axes().set_index("axe")
    lignes: list[tuple[str, pd.Series | None, int]] = []
    for axe, groupe in indicateurs.groupby("axe", sort=False):
        lignes.append((f"Axe {axe} · {axes.loc[axe, 'nom_court']}", None, int(axe)))
        for _, ind in groupe.iterrows():
            nom = ind["nom_court"] if "nom_court" in ind and not pd.isna(ind["nom_court"]) else ind["nom"]
            lignes.append((f"{ind['indicateur']}  {_couper(str(nom), 48)}", ind, int(axe)))
    n = len(lignes)
    figure = Figure(figsize=(largeur_a4(), 0.24 * n + 1.3), layout="constrained")
    ax = figure.add_subplot()
    y = np.arange(n)[::-1]
    for pos, (_, ind, _) in zip(y, lignes, strict=True):
        if ind is None:
            ax.axhspan(pos - 0.5, pos + 0.5, color="#EEEEEE", zorder=0)
            continue
        score = ind["score"]
        if pd.isna(score):
            ax.text(0.05, pos, "non évalué", va="center", fontsize=7.5, style="italic", color=_GRIS)
            continue
        niv = int(ind["niveau"])
        ax.barh(pos, score, height=0.68, color=NIVEAUX_COULEURS[niv], hatch=HACHURES[niv],
                edgecolor="black", linewidth=0.5, zorder=2)
        if ind["nb_evaluateurs"] > 1 and ind["ecart"] > 0:
            ax.plot([ind["minimum"], ind["maximum"]], [pos, pos], color="black", linewidth=1.2, zorder=3,
                    marker="|", markersize=7)
        texte = _note(score)
        if ind["desaccord"]:
            texte += f"   écart {_note(ind['ecart'])}"
        ax.text(max(score, ind["maximum"]) + 0.06, pos, texte, va="center", fontsize=7.5,
                fontweight="bold" if ind["desaccord"] else "normal")
    ax.set_yticks(y)
    ax.set_yticklabels([e for e, _, _ in lignes], fontsize=7.3)
    for etiquette, (_, ind, _) in zip(ax.get_yticklabels(), lignes, strict=True):
        if ind is None:
            etiquette.set_fontweight("bold")
    ax.set_ylim(-0.6, n - 0.4)
    ax.set_xlim(0, 4.9)
    ax.set_xticks([0, 1, 2, 3, 4])
    ax.set_xlabel("Note moyenne des évaluateurs (1 à 4)", fontsize=8.5)
    ax.grid(axis="x", color="#CCCCCC", linewidth=0.6, zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    poignees = [*_legende_niveaux(),
                Line2D([], [], color="black", marker="|", markersize=7, label="écart entre évaluateurs")]
    ax.legend(handles=poignees, loc="upper center", bbox_to_anchor=(0.35, -0.04 - 1.2 / (0.24 * n + 1.3) / 3),
              ncol=3, fontsize=7.5, frameon=False)
    ax.set_title(titre, loc="left", fontsize=11)
    return figure


# --- Évolution au fil des campagnes ----------------------------------------------------------


@textes_litteraux
def evolution_campagnes(historique: pd.DataFrame, titre: str | None = None) -> Figure:
    """Les notes des six axes et la note globale, campagne après campagne.

    ``historique`` : résultat de :func:`clusterlib.analyses.notation.scores_campagnes` (index
    ``campagne``, colonnes ``axe_1`` … ``axe_6`` et ``global``). Les traits pointillés
    horizontaux marquent les bornes des niveaux.
    """
    titre = titre or "Évolution des notes de la grille"
    if historique.empty:
        return _vide(titre, "Aucune campagne notée.")
    campagnes = [str(c) for c in historique.index]
    x = np.arange(len(campagnes))
    noms = referentiel.axes().set_index("axe")["nom_court"]
    figure = Figure(figsize=(largeur_a4(), 4.4), layout="constrained")
    ax = figure.add_subplot()
    for i, (axe, nom) in enumerate(noms.items()):
        colonne = f"axe_{axe}"
        if colonne not in historique or historique[colonne].isna().all():
            continue
        ax.plot(x, historique[colonne], color=PALETTE[i % len(PALETTE)], linestyle=_STYLES[i % len(_STYLES)],
                marker=_MARQUEURS[i % len(_MARQUEURS)], markersize=5, linewidth=1.4, label=f"{axe}. {nom}")
    ax.plot(x, historique["global"], color="black", linewidth=3, marker="o", markersize=7,
            label="Note globale", zorder=5)
    niveaux = _niveaux()
    for r in niveaux.itertuples():
        if r.min > 1:
            ax.axhline(r.min, color=_GRIS, linestyle=":", linewidth=0.8, zorder=0)
    for r in niveaux.itertuples():
        ax.text(1.01, (r.min + r.max) / 2, r.libelle, transform=ax.get_yaxis_transform(), fontsize=7.5,
                color=_GRIS, va="center")
    ax.set_xticks(x)
    ax.set_xticklabels([f"{c}\nnote globale : {_note(v)}" for c, v in zip(campagnes, historique["global"],
                                                                          strict=True)], fontsize=8.5)
    ax.set_xlim(-0.3, len(x) - 0.7)
    ax.set_ylim(0.9, 4.1)
    ax.set_yticks(regles.echelle_notes().niveaux)
    ax.set_ylabel("Note (1 à 4)", fontsize=8.5)
    ax.set_xlabel("Campagne", fontsize=8.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=7.8, frameon=False)
    ax.set_title(titre, loc="left", fontsize=11)
    return figure


# --- Carte de chaleur de plusieurs clusters ----------------------------------------------------


@textes_litteraux
def carte_chaleur(comparaison: pd.DataFrame, colonnes: str = "indicateurs", noms: Mapping[str, str] | None = None,
                  titre: str | None = None) -> Figure:
    """Carte de chaleur clusters × indicateurs (ou × axes), chaque case écrite en chiffres.

    ``comparaison`` : résultat de :func:`clusterlib.analyses.notation.comparer_clusters` (ou de
    :func:`~clusterlib.analyses.notation.scores_banque` avec ``indicateurs=True``). ``colonnes`` :
    ``"indicateurs"`` (24 colonnes, notes à une décimale) ou ``"axes"`` (6 colonnes et la note
    globale). ``noms`` :
    libellé à afficher pour chaque identifiant de cluster. Une case vide (« – ») n'est pas
    évaluée.
    """
    if colonnes == "axes":
        titre = titre or "Comparaison des clusters, axe par axe"
        axes = referentiel.axes()
        cles = [f"axe_{a}" for a in axes["axe"]] + ["global"]
        entetes = [f"{a}. {n}" for a, n in zip(axes["axe"], axes["nom_court"], strict=True)] + ["Note globale"]
    else:
        titre = titre or "Comparaison des clusters, indicateur par indicateur"
        cles = referentiel.indicateurs()["indicateur"].tolist()
        entetes = cles
    if comparaison.empty:
        return _vide(titre, "Aucun cluster à comparer.")
    valeurs = comparaison.reindex(columns=cles).to_numpy(dtype="float64", na_value=np.nan)
    etiquettes = [str(i) if not isinstance(i, tuple) else " · ".join(map(str, i)) for i in comparaison.index]
    if noms:
        etiquettes = [noms.get(e, e) for e in etiquettes]
    etiquettes = [textwrap.fill(e, 24) for e in etiquettes]
    nb_lignes, nb_colonnes = valeurs.shape
    hauteur = max(2.4, 0.42 * nb_lignes + 1.9)
    figure = Figure(figsize=(largeur_a4(), hauteur), layout="constrained")
    ax = figure.add_subplot()
    bornes = _bornes()[1:-1]
    taille = 6.8 if colonnes != "axes" else 8
    with rc_context({"hatch.linewidth": 0.7}):
        for i in range(nb_lignes):
            for j in range(nb_colonnes):
                v = valeurs[i, j]
                if np.isnan(v):
                    ax.text(j, i, "–", ha="center", va="center", fontsize=taille, color=_GRIS)
                    continue
                niv = int(np.searchsorted(bornes, round(v, 9), side="right")) + 1
                fond = NIVEAUX_COULEURS[niv]
                # Le motif (tracé en blanc, couleur du bord) distingue les niveaux en niveaux de gris.
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=fond, edgecolor="white",
                                       hatch=HACHURES[niv], linewidth=1.2))
                texte = _note(v) if colonnes == "axes" else nombre(v, 1).removesuffix(",0")
                ax.text(j, i, texte, ha="center", va="center", fontsize=taille, color=_texte_sur(fond),
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": fond, "edgecolor": "none"})
    ax.set_xlim(-0.5, nb_colonnes - 0.5)
    ax.set_ylim(nb_lignes - 0.5, -0.5)
    ax.set_xticks(np.arange(nb_colonnes))
    ax.set_yticks(np.arange(nb_lignes))
    ax.set_yticklabels(etiquettes, fontsize=8)
    ax.tick_params(length=0)
    for cote in ax.spines.values():
        cote.set_visible(False)
    if colonnes == "axes":
        ax.set_xticklabels(entetes, fontsize=7.5, rotation=30, ha="right")
    else:  # numéros en haut, trait noir entre les axes (tous les quatre indicateurs)
        for k in range(4, nb_colonnes, 4):
            ax.axvline(k - 0.5, color="black", linewidth=1.2)
        ax.xaxis.set_ticks_position("top")
        ax.set_xticklabels(entetes, fontsize=7, rotation=90, ha="center")
    figure.legend(handles=_legende_niveaux(), loc="outside lower center", ncol=4, fontsize=7.5, frameon=False)
    ax.set_title(titre, loc="left", fontsize=11)
    return figure


def carte_chaleur_html(tableau: pd.DataFrame) -> str:
    """La même comparaison en tableau HTML coloré, pour les pages de synthèse des rapports.

    ``tableau`` : une ligne par cluster, avec les colonnes ``axe_1`` … ``axe_6`` et ``global``
    (ou ``score_global``), et si possible ``nom`` ou ``cluster`` pour nommer la ligne (sinon
    l'index). Chaque case porte la note en chiffres et le libellé du niveau en infobulle ;
    une note absente s'écrit « — ».
    """
    axes = referentiel.axes()
    cle_globale = "score_global" if "score_global" in tableau.columns else "global"
    colonnes = [(f"axe_{a}", f"{a}. {echapper_html(n)}") for a, n in zip(axes["axe"], axes["nom_court"], strict=True)]
    colonnes.append((cle_globale, "Note globale"))
    if "nom" in tableau.columns:
        etiquettes = tableau["nom"].astype("str").tolist()
    elif "cluster" in tableau.columns:
        etiquettes = tableau["cluster"].astype("str").tolist()
    else:
        etiquettes = [str(i) for i in tableau.index]
    niveaux = _niveaux()
    bornes = niveaux["min"].to_numpy()[1:]

    def cellule(v: object) -> str:
        if v is None or pd.isna(v):
            return '<td style="text-align:center;color:#555">—</td>'
        v = float(v)
        k = int(np.searchsorted(bornes, round(v, 9), side="right"))
        fond = NIVEAUX_COULEURS[k + 1]
        libelle = echapper_html(niveaux["libelle"].iloc[k])
        return (f'<td style="background:{fond};color:{_texte_sur(fond)};text-align:center" '
                f'title="{libelle}">{_note(v)}<span style="position:absolute;left:-9999px"> '
                f'({libelle})</span></td>')

    entete = "".join(f"<th>{t}</th>" for _, t in colonnes)
    lignes = []
    for etiquette, (_, ligne) in zip(etiquettes, tableau.iterrows(), strict=True):
        cases = "".join(cellule(ligne.get(c)) for c, _ in colonnes)
        lignes.append(f"<tr><th>{echapper_html(etiquette)}</th>{cases}</tr>")
    fonds = {int(r.niveau): NIVEAUX_COULEURS[int(r.niveau)] for r in niveaux.itertuples()}
    legende = " ; ".join(
        f'<span style="background:{fonds[int(r.niveau)]};color:{_texte_sur(fonds[int(r.niveau)])};'
        f'padding:0 .4em">{int(r.niveau)}</span> {echapper_html(r.libelle)} (de {_note(r.min)} à {_note(r.max)})'
        for r in niveaux.itertuples()
    )
    return (
        '<section class="carte-chaleur-notes"><h2>Notes de la grille de fonctionnement par axe</h2>'
        '<table style="position:relative"><thead><tr><th>Cluster</th>' + entete + "</tr></thead><tbody>"
        + "".join(lignes) + "</tbody></table>"
        f"<p>Notes de 1 à 4 ; niveaux : {legende}. « — » : non évalué.</p></section>"
    )
