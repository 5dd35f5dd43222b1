"""Dessin d'une mise en page : décors, liens, nœuds, étiquettes écartées, légende."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch, Rectangle

from clusterlib import referentiel
from clusterlib.analyses.reseau import CarteReseau, referentiel_cartographie
from clusterlib.graphiques._rendu_agg import rendu_de
from clusterlib.graphiques.carte._commun import MARGE, Mise, diametre_points, familles_cartographie


def _dessiner_decors(ax: Any, mise: Mise, police: float) -> None:
    for nature, args in mise.decors:
        if nature == "bande_colonne":
            x, y, w, h, pair = args
            ax.add_artist(Rectangle((x, y), w, h, facecolor="#F3F3F3" if pair else "#FAFAFA",
                                   edgecolor="none", zorder=0))
        elif nature == "titre_colonne":
            x, y, texte = args
            ax.text(x, y, texte, ha="center", va="top", fontsize=police + 1, fontweight="bold", color="#333333",
                    linespacing=1.0)
        elif nature == "vide":
            x, y, texte = args
            ax.text(x, y, texte, ha="center", va="top", fontsize=police, fontstyle="italic", color="#7A7A7A",
                    zorder=4, bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "#BBBBBB",
                                    "lw": 0.4})
        elif nature == "titre_bande":
            x, y, texte = args
            ax.text(x, y, texte, ha="left", va="top", fontsize=police + 1, fontweight="bold", color="#333333")
        elif nature == "trait_bande":
            (y,) = args
            ax.plot([0, mise.largeur], [y, y], color="#9A9A9A", lw=0.6, zorder=0)
        elif nature == "boite_groupe":
            x, y, w, h, titre = args
            ax.add_artist(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.05",
                                        facecolor="#F6F6F6", edgecolor="#BDBDBD", lw=0.5, zorder=0))
            ax.text(x + 0.05, y + h - 0.03, titre, ha="left", va="top", fontsize=police - 0.5,
                    fontstyle="italic", color="#555555")
        elif nature == "anneau":
            x, y, w, h, _ = args
            ax.add_artist(Ellipse((x, y), w, h, facecolor="none", edgecolor="#C8C8C8", lw=0.6, ls=(0, (4, 3)),
                                 zorder=0))
        elif nature == "titre_marches":
            x, y, texte = args
            ax.text(x, y, texte, ha="left", va="top", fontsize=police + 1, fontweight="bold", color="#333333")


def _largeurs_liens(liens: pd.DataFrame) -> np.ndarray:
    """Épaisseur de chaque lien : racine du volume rapporté au plus grand volume de même type et unité.

    Un lien sans volume est fin ; un lien seul de son type et de son unité a une épaisseur moyenne.
    """
    largeurs = np.full(len(liens), 0.7)
    if liens.empty:
        return largeurs
    volume = pd.to_numeric(liens["volume"], errors="coerce")
    cle = liens["type"].astype(str) + "|" + liens["unite"].fillna("").astype(str)
    maximum = volume.groupby(cle).transform("max")
    comparables = volume.notna().groupby(cle).transform("sum") >= 2
    rapport = (volume / maximum).where((maximum > 0) & comparables)
    connus = rapport.notna().to_numpy()
    largeurs[connus] = 0.5 + 2.6 * np.sqrt(rapport.to_numpy()[connus])
    # Volume connu mais seul de son type et de son unité : épaisseur moyenne, sans comparaison.
    seuls = (volume.notna() & ~comparables).to_numpy()
    largeurs[seuls] = 1.2
    return largeurs


def _dessiner_liens(ax: Any, carte: CarteReseau, mise: Mise, liens_appui: bool) -> None:
    ref = referentiel_cartographie()
    couleurs = {t: s["couleur"] for t, s in ref["styles_relations"].items()}
    traits = {c: s["trait"] for c, s in ref["styles_contrats"].items()}
    types_appui = set(ref["appui"]["types"]) - {"credit"}
    liens = carte.liens.reset_index(drop=True)
    largeurs = _largeurs_liens(liens)
    paires: dict[frozenset[str], int] = {}
    for k, lien in enumerate(liens.itertuples(index=False)):
        if not liens_appui and lien.type in types_appui:
            continue
        a, b = mise.noeuds.get(lien.source), mise.noeuds.get(lien.cible)
        if a is None or b is None:
            continue
        cle = frozenset((lien.source, lien.cible))
        rang = paires.get(cle, 0)
        paires[cle] = rang + 1
        # Liens multiples entre deux nœuds : courbures croissantes, alternées de part et d'autre.
        courbure = mise.courbure * (1 + rang // 2) * (1 if rang % 2 == 0 else -1)
        if lien.source > lien.cible:
            # La courbure se lit dans le sens du lien : on la rapporte à un sens commun à la paire.
            courbure = -courbure
        appui = lien.type in types_appui
        ax.add_artist(FancyArrowPatch(
            (a.x, a.y), (b.x, b.y), arrowstyle="-|>", mutation_scale=5.5 + largeurs[k],
            connectionstyle=f"arc3,rad={courbure:.3f}",
            shrinkA=a.diametre / 2 + 0.5, shrinkB=b.diametre / 2 + 1.0,
            color=couleurs.get(lien.type, "#444444"), linestyle=traits.get(lien.contrat, "solid"),
            lw=largeurs[k] * (0.8 if appui else 1.0), alpha=0.55 if appui else 0.8, zorder=1,
        ))


def _dessiner_noeuds(ax: Any, carte: CarteReseau, mise: Mise) -> None:
    """Les nœuds en deux nuages de points (les piles des groupes, puis les acteurs), dans l'ordre des lignes."""
    couleur, _, _ = familles_cartographie()
    piles: list[tuple[float, float, float, str]] = []
    acteurs: list[tuple[float, float, float, str, str, float]] = []
    for ligne in carte.noeuds.itertuples(index=False):
        n = mise.noeuds[ligne.id]
        teinte = couleur.get(ligne.maillon, "#DDDDDD")
        if ligne.regroupe:  # un groupe : un second cercle décalé, comme une pile
            piles.append((n.x + 0.025, n.y + 0.025, n.diametre**2, teinte))
        bord, epaisseur = "#444444", 0.6
        if ligne.agregateur_declare:
            bord, epaisseur = "#000000", 2.0
        elif ligne.agregateur_central:
            bord, epaisseur = "#B22222", 1.8
        acteurs.append((n.x, n.y, n.diametre**2, teinte, bord, epaisseur))
    if piles:
        x, y, s, c = zip(*piles, strict=True)
        ax.scatter(x, y, s=s, c=list(c), edgecolors="#555555", linewidths=0.6, zorder=2)
    if acteurs:
        x, y, s, c, bords, epaisseurs = zip(*acteurs, strict=True)
        ax.scatter(x, y, s=s, c=list(c), edgecolors=list(bords), linewidths=list(epaisseurs), zorder=2.5)


def _dessiner_etiquettes(ax: Any, mise: Mise, police: float) -> list[Any]:
    textes = []
    for n in mise.noeuds.values():
        t = ax.text(n.x + n.dx, n.y + n.dy, n.texte, ha=n.ha, va=n.va, fontsize=police, color="#1A1A1A",
                    linespacing=1.0, zorder=4,
                    bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        t.set_gid(f"etiquette:{n.id}")
        textes.append(t)
    return textes


def _ecarter_etiquettes(fig: Figure, ax: Any, textes: list[Any], mise: Mise) -> None:
    """Écarte les étiquettes qui se recouvrent (ou couvrent un nœud), puis trace un fil vers le nœud."""
    if not textes:
        return
    rendu = rendu_de(fig)
    inverse = ax.transData.inverted()
    boites = []
    for t in textes:
        e = t.get_window_extent(rendu)
        (x0, y0), (x1, y1) = inverse.transform([(e.x0, e.y0), (e.x1, e.y1)])
        boites.append((x0, y0, x1, y1))
    b = np.array(boites)
    centres = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
    demi = np.column_stack([(b[:, 2] - b[:, 0]) / 2 + MARGE / 2, (b[:, 3] - b[:, 1]) / 2 + MARGE / 2])
    depart = centres.copy()
    ids = [t.get_gid().split(":", 1)[1] for t in textes]
    proprietaire = {i: k for k, i in enumerate(ids)}
    pos_noeuds = np.array([(mise.noeuds[i].x, mise.noeuds[i].y) for i in ids])
    rayons = np.array([mise.noeuds[i].diametre / 144 for i in ids]) - MARGE / 2 + 0.01
    n = len(textes)
    rng = np.random.default_rng(0)
    for _ in range(400):
        dx = np.abs(centres[:, None, 0] - centres[None, :, 0])
        dy = np.abs(centres[:, None, 1] - centres[None, :, 1])
        ox = demi[:, None, 0] + demi[None, :, 0] - dx
        oy = demi[:, None, 1] + demi[None, :, 1] - dy
        recouvre = (ox > 0) & (oy > 0)
        np.fill_diagonal(recouvre, False)
        # Étiquette sur un nœud (autre que le sien).
        nx_ = np.abs(centres[:, None, 0] - pos_noeuds[None, :, 0])
        ny_ = np.abs(centres[:, None, 1] - pos_noeuds[None, :, 1])
        onx = demi[:, None, 0] + rayons[None, :] - nx_
        ony = demi[:, None, 1] + rayons[None, :] - ny_
        sur_noeud = (onx > 0) & (ony > 0)
        for k in range(n):
            sur_noeud[k, proprietaire[ids[k]]] = False
        if not recouvre.any() and not sur_noeud.any():
            break
        deplacement = np.zeros_like(centres)
        for i, j in zip(*np.nonzero(np.triu(recouvre)), strict=True):
            if oy[i, j] <= ox[i, j] * 1.5:
                signe = np.sign(centres[i, 1] - centres[j, 1]) or rng.choice([-1.0, 1.0])
                pas = oy[i, j] / 2 + 0.005
                deplacement[i, 1] += signe * pas
                deplacement[j, 1] -= signe * pas
            else:
                signe = np.sign(centres[i, 0] - centres[j, 0]) or rng.choice([-1.0, 1.0])
                pas = ox[i, j] / 2 + 0.005
                deplacement[i, 0] += signe * pas
                deplacement[j, 0] -= signe * pas
        for i, k in zip(*np.nonzero(sur_noeud), strict=True):
            if ony[i, k] <= onx[i, k] * 1.5:
                signe = np.sign(centres[i, 1] - pos_noeuds[k, 1]) or 1.0
                deplacement[i, 1] += signe * (ony[i, k] + 0.005)
            else:
                signe = np.sign(centres[i, 0] - pos_noeuds[k, 0]) or 1.0
                deplacement[i, 0] += signe * (onx[i, k] + 0.005)
        centres += np.clip(deplacement, -0.25, 0.25)
        # Rester dans la zone de carte.
        centres[:, 0] = np.clip(centres[:, 0], demi[:, 0], mise.largeur - demi[:, 0])
        centres[:, 1] = np.clip(centres[:, 1], demi[:, 1], mise.hauteur - demi[:, 1])
    decalage = centres - depart
    for k, t in enumerate(textes):
        if np.any(np.abs(decalage[k]) > 1e-6):
            x, y = t.get_position()
            t.set_position((x + decalage[k, 0], y + decalage[k, 1]))
        if np.hypot(*decalage[k]) > 0.1 or mise.noeuds[ids[k]].fil:
            noeud = mise.noeuds[ids[k]]
            # Fil du nœud vers le point le plus proche de l'étiquette.
            px = np.clip(noeud.x, centres[k, 0] - demi[k, 0], centres[k, 0] + demi[k, 0])
            py = np.clip(noeud.y, centres[k, 1] - demi[k, 1], centres[k, 1] + demi[k, 1])
            ax.plot([noeud.x, px], [noeud.y, py], color="#6A6A6A", lw=0.5, zorder=2.2)


def _blocs_legende(carte: CarteReseau) -> list[tuple[str, list[Line2D]]]:
    ref = referentiel_cartographie()
    _, famille, familles = familles_cartographie()
    types_presents = set(carte.liens["type"]) if not carte.liens.empty else set()
    contrats_presents = set(carte.liens["contrat"]) if not carte.liens.empty else set()
    relations = [
        Line2D([], [], color=s["couleur"], lw=2, label=referentiel.libelle("types_relation", t))
        for t, s in ref["styles_relations"].items() if t in types_presents
    ]
    contrats = [
        Line2D([], [], color="#333333", lw=1.3, ls=s["trait"], label=referentiel.libelle("contrats", c))
        for c, s in ref["styles_contrats"].items() if c in contrats_presents
    ]
    familles_presentes = {famille.get(m) for m in carte.noeuds["maillon"]}
    acteurs = [
        Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor=f["couleur"], markeredgecolor="#444444",
               markeredgewidth=0.6, label=f["libelle"])
        for f in familles if f["code"] in familles_presentes
    ]
    if carte.noeuds["agregateur_declare"].any():
        acteurs.append(Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="white",
                              markeredgecolor="black", markeredgewidth=2, label="Agrégateur déclaré"))
    if carte.noeuds["agregateur_central"].any() and not (
            carte.noeuds["agregateur_central"] & carte.noeuds["agregateur_declare"]).any():
        acteurs.append(Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="white",
                              markeredgecolor="#B22222", markeredgewidth=1.8, label="Acteur le plus relié"))
    if carte.noeuds["regroupe"].any():
        acteurs.append(Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="#EEEEEE",
                              markeredgecolor="#555555", markeredgewidth=0.6, label="Groupe d'acteurs"))
    tailles = [
        Line2D([], [], ls="none", marker="o", markersize=diametre_points(e), markerfacecolor="white",
               markeredgecolor="#444444", markeredgewidth=0.6, label=lib)
        for e, lib in ((1, "1 personne"), (10, "10"), (100, "100"), (1000, "1 000 et plus"))
    ]
    return [("Relations (couleur)", relations), ("Contrat (trait)", contrats), ("Acteurs", acteurs),
            ("Effectif (taille)", tailles)]


def _legende(fig: Figure, blocs: list[tuple[str, list[Line2D]]], hauteur_fig: float, y_haut: float,
             police: float) -> None:
    positions = [0.0, 0.25, 0.47, 0.8]
    for (titre, poignees), x in zip(blocs, positions, strict=True):
        if not poignees:
            continue
        leg = fig.legend(handles=poignees, loc="upper left", bbox_to_anchor=(x, y_haut / hauteur_fig),
                         title=titre, fontsize=police + 0.5, title_fontsize=police + 1, frameon=False,
                         alignment="left", handlelength=2.6, borderaxespad=0.2, labelspacing=0.35)
        leg.get_title().set_fontweight("bold")
