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

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, FancyArrowPatch, FancyBboxPatch, Rectangle

from clusterlib import referentiel
from clusterlib.analyses.reseau import CarteReseau, referentiel_cartographie
from clusterlib.graphiques import largeur_a4, textes_litteraux
from clusterlib.presentation.reseau import nom_court, notes_carte

__all__ = ["STYLES", "chevauchements", "dessiner_carte"]

STYLES = ("valuelinks", "case")

_POLICE = 6.0            # taille des étiquettes (points)
_HAUTEUR_MAX = 10.0      # hauteur maximale de la figure (pouces) : zone utile d'une page A4 portrait
_SOUS_TITRES = {
    "valuelinks": "Modèle ValueLinks : les fonctions de la chaîne de gauche à droite, les acteurs d'appui en bas",
    "case": "Modèle CASE : l'agrégateur au centre, les marchés en haut, les autres acteurs directs sur l'anneau "
            "intérieur, l'appui sur l'anneau extérieur",
}
_MARGE = 0.06            # marge entre étiquettes (pouces)


# --- Petits outils -----------------------------------------------------------------------


def _largeur_caractere(police: float) -> float:
    """Largeur moyenne d'un caractère en pouces (DejaVu Sans)."""
    return 0.56 * police / 72


def _hauteur_ligne(police: float) -> float:
    return 1.22 * police / 72


def _envelopper(texte: str, largeur: int, lignes_max: int = 3) -> str:
    """Coupe un nom en lignes ; trop long, il perd son milieu (« Coopérative … de Togoudo »)."""
    largeur = max(largeur, 6)
    lignes = textwrap.wrap(texte, width=largeur, break_long_words=True) or [""]
    if len(lignes) <= lignes_max:
        return "\n".join(lignes)
    mots = texte.split()
    for debut in (2, 1):
        for fin in range(len(mots) - debut - 1, 0, -1):
            essai = textwrap.wrap(" ".join([*mots[:debut], "…", *mots[-fin:]]), width=largeur)
            if len(essai) <= lignes_max:
                return "\n".join(essai)
    lignes = lignes[:lignes_max]
    lignes[-1] = lignes[-1][: largeur - 1].rstrip() + "…"
    return "\n".join(lignes)


def _diametre_points(effectif: Any) -> float:
    """Diamètre d'un nœud en points : croît avec le logarithme de l'effectif."""
    if effectif is None or pd.isna(effectif) or effectif <= 0:
        return 6.0
    return 6.0 + 3.6 * math.log10(1 + float(effectif))


@dataclass
class _Noeud:
    id: str
    x: float = 0.0
    y: float = 0.0
    texte: str = ""
    dx: float = 0.0
    dy: float = 0.0
    ha: str = "center"
    va: str = "top"
    diametre: float = 6.0            # points
    fil: bool = False                # étiquette éloignée : un fil la relie au nœud


@dataclass
class _Mise:
    """Une mise en page : positions (pouces), taille de la zone de carte, décors."""

    largeur: float
    hauteur: float
    noeuds: dict[str, _Noeud]
    decors: list[Any] = field(default_factory=list)      # (fonction de dessin, arguments)
    courbure: float = 0.12


def _familles() -> tuple[dict[str, str], dict[str, str], list[dict[str, Any]]]:
    familles = referentiel_cartographie()["familles"]
    couleur = {m: f["couleur"] for f in familles for m in f["maillons"]}
    famille = {m: f["code"] for f in familles for m in f["maillons"]}
    return couleur, famille, familles


def _ordre_barycentre(ids: list[str], voisins: dict[str, list[str]], rang: dict[str, float]) -> list[str]:
    """Trie des nœuds selon la position moyenne de leurs voisins déjà placés (moins de croisements)."""
    def cle(i: int) -> tuple[float, int]:
        rangs = [rang[v] for v in voisins.get(ids[i], ()) if v in rang]
        return (sum(rangs) / len(rangs) if rangs else rang.get(ids[i], i), i)
    return [ids[i] for i in sorted(range(len(ids)), key=cle)]


# --- Mise en page ValueLinks ---------------------------------------------------------------


def _mise_valuelinks(carte: CarteReseau, largeur: float, police: float, hauteur_max: float) -> _Mise:
    ref = referentiel_cartographie()
    vl = ref["valuelinks"]
    colonnes = vl["colonnes"]
    colonne_de = {m: k for k, c in enumerate(colonnes) for m in c["maillons"]}
    groupes_appui = vl["groupes_appui"]
    noeuds_df = carte.noeuds
    lh = _hauteur_ligne(police)
    cw = largeur / len(colonnes)
    noeuds: dict[str, _Noeud] = {}
    for ligne in noeuds_df.itertuples(index=False):
        noeuds[ligne.id] = _Noeud(id=ligne.id, diametre=_diametre_points(ligne.effectif))
    voisins: dict[str, list[str]] = {}
    for s, c in zip(carte.liens["source"], carte.liens["cible"], strict=True):
        voisins.setdefault(s, []).append(c)
        voisins.setdefault(c, []).append(s)
    maillon = dict(zip(noeuds_df["id"], noeuds_df["maillon"], strict=True))
    regroupe = dict(zip(noeuds_df["id"], noeuds_df["regroupe"], strict=True))
    noms = dict(zip(noeuds_df["id"], noeuds_df["nom"], strict=True))
    ordre_maillons = {m: i for i, m in enumerate(referentiel.codes("maillons"))}

    # Colonnes de la chaîne : blocs par maillon, ordre initial par identifiant.
    par_colonne: list[list[str]] = [[] for _ in colonnes]
    appui: dict[str, list[str]] = {g: [] for g in groupes_appui}
    autres: list[str] = []
    for ident in sorted(noeuds, key=lambda i: (ordre_maillons.get(maillon[i], 99), regroupe[i], i)):
        m = maillon[ident]
        if m in colonne_de:
            par_colonne[colonne_de[m]].append(ident)
        elif m in appui:
            appui[m].append(ident)
        else:
            autres.append(ident)
    if autres:
        appui.setdefault("autre", []).extend(autres)

    # Réduction des croisements : quelques balayages, à l'intérieur de chaque bloc de maillon.
    def rangs() -> dict[str, float]:
        r: dict[str, float] = {}
        for col in par_colonne:
            for k, ident in enumerate(col):
                r[ident] = k / max(len(col) - 1, 1)
        return r

    for _ in range(4):
        for sens in (range(len(colonnes)), reversed(range(len(colonnes)))):
            for k in sens:
                r = rangs()
                col = par_colonne[k]
                blocs: dict[str, list[str]] = {}
                for ident in col:
                    blocs.setdefault(maillon[ident], []).append(ident)
                par_colonne[k] = [i for b in blocs.values() for i in _ordre_barycentre(b, voisins, r)]

    # Hauteurs : zone de carte bornée pour tenir sur une page A4.
    car_titre = int((cw - 0.06) / _largeur_caractere(police + 1))
    titres = [_envelopper(c["libelle"], car_titre, 2) for c in colonnes]
    haut_entete = 0.14 + max(t.count("\n") + 1 for t in titres) * _hauteur_ligne(police + 1)
    def hauteur_noeud(ident: str, car: int) -> float:
        texte = _envelopper(nom_court(noms[ident], regroupe[ident]), car, 4)
        noeuds[ident].texte = texte
        return noeuds[ident].diametre / 72 + 0.03 + (texte.count("\n") + 1) * lh + 0.08

    # Bande d'appui : cases de la largeur d'une colonne, rangées en lignes (les grands groupes
    # d'abord, dans la première ligne où ils tiennent), puis dans l'ordre du référentiel.
    cases_par_ligne = len(colonnes)
    car_case = int((cw - 0.1) / _largeur_caractere(police))
    ordre_groupes = {g: k for k, g in enumerate(appui)}
    morceaux = [(g, membres[d:d + cases_par_ligne]) for g, membres in appui.items()
                for d in range(0, len(membres), cases_par_ligne)]
    morceaux.sort(key=lambda gm: -len(gm[1]))
    lignes_bande: list[list[tuple[str, list[str]]]] = []
    for g, membres in morceaux:
        for lb in lignes_bande:
            if sum(len(m) for _, m in lb) + len(membres) <= cases_par_ligne:
                lb.append((g, membres))
                break
        else:
            lignes_bande.append([(g, membres)])
    for lb in lignes_bande:
        lb.sort(key=lambda gm: ordre_groupes[gm[0]])
    lignes_bande = [lb for lb in lignes_bande if lb]
    haut_titre_groupe = 0.16
    hauteurs_bande = [
        haut_titre_groupe + max(hauteur_noeud(i, car_case) for _, m in lb for i in m) + 0.04 for lb in lignes_bande
    ]
    haut_bande = (0.26 + sum(hauteurs_bande) + 0.06 * len(hauteurs_bande)) if lignes_bande else 0.0

    # Colonnes : étiquette sous le nœud ; colonne trop haute : étiquette à droite du nœud
    # (mode compact), puis, en dernier recours, deux ou trois sous-colonnes compactes.
    dispo = hauteur_max - haut_entete - haut_bande - 0.12

    def hauteur_compacte(ident: str, largeur_sc: float) -> float:
        n = noeuds[ident]
        car = int((largeur_sc - n.diametre / 72 - 0.1) / _largeur_caractere(police))
        n.texte = _envelopper(nom_court(noms[ident], regroupe[ident]), car, 2)
        return max(n.diametre / 72, (n.texte.count("\n") + 1) * lh) + 0.06

    dispositions = []      # par colonne : (mode, nombre de sous-colonnes, hauteurs)
    for col in par_colonne:
        car = int((cw - 0.08) / _largeur_caractere(police))
        hauteurs = [hauteur_noeud(i, car) for i in col]
        mode, k = "dessous", 1
        if sum(hauteurs) > dispo:
            mode = "droite"
            while True:
                hauteurs = [hauteur_compacte(i, cw / k) for i in col]
                if max((sum(hauteurs[j::k]) for j in range(k)), default=0.0) <= dispo or k >= 3:
                    break
                k += 1
        dispositions.append((mode, k, hauteurs))
    haut_chaine = max(
        [max((sum(h[j::k]) for j in range(k)), default=0.0) for _, k, h in dispositions] + [0.6]
    )
    hauteur = haut_entete + haut_chaine + 0.12 + haut_bande
    mise = _Mise(largeur=largeur, hauteur=hauteur, noeuds=noeuds, courbure=0.1)

    # Placement de la chaîne.
    haut_zone = hauteur - haut_entete
    for k_col, (col, (mode, k, hauteurs)) in enumerate(zip(par_colonne, dispositions, strict=True)):
        x0 = k_col * cw
        mise.decors.append(("bande_colonne", (x0, hauteur - haut_entete - haut_chaine - 0.06, cw,
                                              haut_chaine + 0.06, k_col % 2 == 0)))
        mise.decors.append(("titre_colonne", (x0 + cw / 2, hauteur - 0.04, titres[k_col])))
        if not col:
            mise.decors.append(("vide", (x0 + cw / 2, haut_zone - 0.1, "aucun acteur")))
            continue
        for j in range(k):
            membres = col[j::k]
            hs = hauteurs[j::k]
            y = haut_zone - (haut_chaine - sum(hs)) / 2
            for ident, h in zip(membres, hs, strict=True):
                n = noeuds[ident]
                r = n.diametre / 144
                if mode == "dessous":
                    n.x, n.y = x0 + cw / 2, y - r - 0.02
                    n.dx, n.dy, n.ha, n.va = 0.0, -(r + 0.02), "center", "top"
                else:
                    n.x, n.y = x0 + j * cw / k + 0.05 + r, y - h / 2
                    n.dx, n.dy, n.ha, n.va = r + 0.03, 0.0, "left", "center"
                y -= h

    # Placement de la bande d'appui.
    if lignes_bande:
        y = haut_bande - 0.04
        mise.decors.append(("titre_bande", (0.02, y, vl["bande_appui"])))
        mise.decors.append(("trait_bande", (haut_bande + 0.04,)))
        y -= 0.22
        for lb, h in zip(lignes_bande, hauteurs_bande, strict=True):
            case = 0
            for g, membres in lb:
                x0 = case * cw
                mise.decors.append(("boite_groupe", (x0 + 0.03, y - h, len(membres) * cw - 0.06, h,
                                                     referentiel.libelle("maillons", g) if g != "autre"
                                                     else "Autres acteurs")))
                for ident in membres:
                    n = noeuds[ident]
                    r = n.diametre / 144
                    n.x, n.y = case * cw + cw / 2, y - haut_titre_groupe - r - 0.02
                    n.dx, n.dy, n.ha, n.va = 0.0, -(r + 0.02), "center", "top"
                    case += 1
            y -= h + 0.06
    return mise


# --- Mise en page CASE -------------------------------------------------------------------


def _taille_etiquette(texte: str, police: float) -> tuple[float, float]:
    """Largeur et hauteur estimées d'une étiquette, en pouces."""
    lignes = texte.split("\n")
    return (max(len(x) for x in lignes) * _largeur_caractere(police) + 0.06,
            len(lignes) * _hauteur_ligne(police) + 0.04)


def _table_ellipse(rx: float, ry: float, tours: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Paramètre t et longueur d'arc s le long d'une ellipse (sur ``tours`` tours)."""
    t = np.linspace(0, 2 * math.pi * tours, 1500 * tours + 1)
    ds = np.hypot(rx * np.sin(t), ry * np.cos(t))
    s = np.concatenate([[0.0], np.cumsum((ds[1:] + ds[:-1]) / 2 * np.diff(t))])
    return t, s


def _normale(t: float, rx: float, ry: float) -> float:
    """Angle (degrés) de la normale extérieure à l'ellipse au paramètre t."""
    return math.degrees(math.atan2(math.sin(t) / ry, math.cos(t) / rx))


def _en_quinconce(t: float, k: int, quinconce: bool) -> bool:
    return quinconce and k % 2 == 1 and abs(math.sin(t)) > 0.55


def _demandes(noeuds: list[_Noeud], ts: np.ndarray, rx: float, ry: float, police: float,
              quinconce: bool) -> np.ndarray:
    """Place qu'il faut à chaque nœud le long de l'anneau, selon son étiquette et sa position."""
    d = []
    for n, t in zip(noeuds, ts, strict=True):
        w, h = _taille_etiquette(n.texte, police)
        tx, ty = abs(rx * math.sin(t)), abs(ry * math.cos(t))
        norme = math.hypot(tx, ty) or 1.0
        tx, ty = tx / norme, ty / norme
        if quinconce and abs(math.sin(t)) > 0.55:
            w /= 2
        d.append(max(n.diametre / 72 + 0.05, tx * w + ty * h + 0.04))
    return np.array(d)


def _repartir(noeuds: list[_Noeud], cibles: list[float], rx: float, ry: float, police: float,
              arc: tuple[float, float] | None = None, quinconce: bool = False) -> tuple[np.ndarray, float]:
    """Paramètres t des nœuds le long d'une ellipse, espacés selon la place de leurs étiquettes.

    ``arc`` : (début, étendue) en degrés pour un arc ; sinon l'anneau entier, tourné pour que
    chaque nœud soit au plus près de son angle souhaité (``cibles``). Renvoie aussi le rapport
    place demandée / place disponible (au-dessus de 1, les étiquettes risquent de se toucher).
    """
    n = len(noeuds)
    if n == 0:
        return np.array([]), 0.0
    table_t, table_s = _table_ellipse(rx, ry)
    perimetre = table_s[1500]
    if arc is None:
        ts = np.radians(np.array(_angles_anneau(cibles)))
    else:
        debut, etendue = map(math.radians, arc)
        ts = debut + (np.arange(n) + 0.5) * etendue / n
    rapport = 0.0
    for _ in range(4):
        d = _demandes(noeuds, ts % (2 * math.pi), rx, ry, police, quinconce)
        if arc is None:
            ecarts = (d + np.roll(d, -1)) / 2
            rapport = float(ecarts.sum() / perimetre)
            relatifs = np.concatenate([[0.0], np.cumsum(ecarts[:-1])]) / ecarts.sum() * perimetre
            departs = np.linspace(0, perimetre, 180, endpoint=False)
            essais = np.interp(departs[:, None] + relatifs[None, :], table_s, table_t)
            diff = np.angle(np.exp(1j * (essais - np.radians(cibles)[None, :])))
            meilleur = departs[int(np.argmin((diff**2).sum(axis=1)))]
            ts = np.interp(meilleur + relatifs, table_s, table_t)
        else:
            s_debut = np.interp(math.radians(arc[0]), table_t, table_s)
            s_fin = np.interp(math.radians(arc[0] + arc[1]), table_t, table_s)
            ecarts = np.concatenate([[d[0] / 2], (d[:-1] + d[1:]) / 2, [d[-1] / 2]])
            rapport = float(ecarts.sum() / (s_fin - s_debut))
            positions = s_debut + np.cumsum(ecarts[:-1]) / ecarts.sum() * (s_fin - s_debut)
            ts = np.interp(positions, table_s, table_t)
    return ts % (2 * math.pi), rapport


def _angles_anneau(cibles: list[float]) -> list[float]:
    """Angles régulièrement espacés, dans l'ordre des angles souhaités, au plus près de ceux-ci."""
    n = len(cibles)
    if n == 0:
        return []
    pas = 360.0 / n
    ecarts = [math.radians(c - i * pas) for i, c in enumerate(cibles)]
    depart = math.degrees(math.atan2(sum(math.sin(e) for e in ecarts), sum(math.cos(e) for e in ecarts)))
    return [depart + i * pas for i in range(n)]


def _etiquette_radiale(n: _Noeud, angle: float, ecart: float) -> None:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    r = n.diametre / 144 + 0.03 + ecart
    n.dx, n.dy = c * r, s * r
    n.ha = "left" if c > 0.35 else ("right" if c < -0.35 else "center")
    n.va = "bottom" if s > 0.35 else ("top" if s < -0.35 else "center")


def _placer_anneau(ids: list[str], noeuds: dict[str, _Noeud], cibles: list[float], cx: float, cy: float,
                   rx: float, ry: float, police: float, arc: tuple[float, float] | None = None) -> None:
    """Place les nœuds sur l'anneau ; en quinconce en haut et en bas seulement s'ils manquent de place."""
    liste = [noeuds[i] for i in ids]
    ts, rapport = _repartir(liste, cibles, rx, ry, police, arc)
    quinconce = rapport > 1.0
    if quinconce:
        ts, _ = _repartir(liste, cibles, rx, ry, police, arc, quinconce=True)
    lh = _hauteur_ligne(police)
    for k, (i, t) in enumerate(zip(ids, ts, strict=True)):
        n = noeuds[i]
        n.x, n.y = cx + rx * math.cos(t), cy + ry * math.sin(t)
        decale = _en_quinconce(t, k, quinconce)
        ecart = (n.texte.count("\n") + 1) * lh + 0.06 if decale else 0.0
        n.fil = decale
        _etiquette_radiale(n, _normale(t, rx, ry), ecart)


def _mise_case(carte: CarteReseau, largeur: float, police: float, hauteur_max: float) -> _Mise:
    ref = referentiel_cartographie()
    case = ref["case"]
    noeuds_df = carte.noeuds
    noms = dict(zip(noeuds_df["id"], noeuds_df["nom"], strict=True))
    regroupe = dict(zip(noeuds_df["id"], noeuds_df["regroupe"], strict=True))
    maillon = dict(zip(noeuds_df["id"], noeuds_df["maillon"], strict=True))
    groupes = referentiel.enumeration("maillons").set_index("code")["groupe"].to_dict()
    noeuds = {
        ligne.id: _Noeud(id=ligne.id, diametre=_diametre_points(ligne.effectif))
        for ligne in noeuds_df.itertuples(index=False)
    }
    centre = next((a for a in (carte.agregateur, carte.central) if a and a in noeuds), None)
    marches = sorted(i for i in noeuds if maillon[i] == "marche" and i != centre)
    interieur = [i for i in noeuds if i not in marches and i != centre and groupes.get(maillon[i]) == "direct"]
    exterieur = [i for i in noeuds if i not in marches and i != centre and i not in interieur]
    ang_int, ang_ext = case["angles_interieur"], case["angles_exterieur"]
    interieur.sort(key=lambda i: (ang_int.get(maillon[i], 0) % 360, regroupe[i], i))
    libre_bas, libre_haut = case["secteur_libre"]

    def cible_ext(i: str) -> float:
        a = ang_ext.get(maillon[i], 200) % 360
        return a + 360 if a < libre_haut else a

    exterieur.sort(key=lambda i: (cible_ext(i), regroupe[i], i))
    car = int(0.74 / _largeur_caractere(police))
    lh = _hauteur_ligne(police)
    for i in noeuds:
        noeuds[i].texte = _envelopper(nom_court(noms[i], regroupe[i]), car)

    # Anneaux : largeur fixée par la page ; hauteur augmentée tant que les étiquettes manquent de
    # place, sans dépasser ce qu'une page A4 permet.
    haut_marches = (0.45 + 3 * lh) if marches else 0.0
    ry_ext_max = (hauteur_max - haut_marches - 1.0) / 2
    rx_ext = largeur / 2 - 1.0
    rx_int = rx_ext - 1.05
    ry_int, ry_ext = 1.35, 2.35
    cibles_int = [ang_int.get(maillon[i], 0) % 360 for i in interieur]
    cibles_ext = [cible_ext(i) for i in exterieur]
    arc_ext = (libre_haut, 360 - (libre_haut - libre_bas))
    for _ in range(10):
        _, r_int = _repartir([noeuds[i] for i in interieur], cibles_int, rx_int, ry_int, police)
        if r_int <= 1.0 or ry_int >= ry_ext_max - 1.0:
            break
        ry_int = min(ry_int * min(r_int, 1.1), ry_ext_max - 1.0)
    ry_ext = max(ry_ext, ry_int + 1.0)
    for _ in range(10):
        _, r_ext = _repartir([noeuds[i] for i in exterieur], cibles_ext, rx_ext, ry_ext, police, arc_ext)
        if r_ext <= 1.0 or ry_ext >= ry_ext_max:
            break
        ry_ext = min(ry_ext * min(r_ext, 1.1), ry_ext_max)

    marge_bas = 0.5
    hauteur = marge_bas + 2 * ry_ext + 0.5 + haut_marches
    cx, cy = largeur / 2, marge_bas + ry_ext
    mise = _Mise(largeur=largeur, hauteur=hauteur, noeuds=noeuds, courbure=0.14)
    mise.decors.append(("anneau", (cx, cy, 2 * rx_ext, 2 * ry_ext, case["anneau_exterieur"])))
    mise.decors.append(("anneau", (cx, cy, 2 * rx_int, 2 * ry_int, case["anneau_interieur"])))
    if centre:
        n = noeuds[centre]
        n.texte = _envelopper(nom_court(noms[centre], regroupe[centre]), int(1.25 / _largeur_caractere(police)))
        n.x, n.y = cx, cy
        n.dx, n.dy, n.ha, n.va = 0.0, -(n.diametre / 144 + 0.03), "center", "top"
    _placer_anneau(interieur, noeuds, cibles_int, cx, cy, rx_int, ry_int, police)
    _placer_anneau(exterieur, noeuds, cibles_ext, cx, cy, rx_ext, ry_ext, police, arc_ext)
    # Marchés : une rangée en haut (deux rangées décalées s'ils sont nombreux), étiquettes au-dessus.
    if marches:
        pas = largeur / len(marches)
        deux_rangs = pas < 0.9
        car_m = int((min(pas * (2 if deux_rangs else 1), 1.6) - 0.1) / _largeur_caractere(police))
        y = hauteur - 0.12 - 3 * lh - 0.1
        mise.decors.append(("titre_marches", (0.04, hauteur - 0.02, "Marchés")))
        for k, i in enumerate(marches):
            n = noeuds[i]
            n.texte = _envelopper(nom_court(noms[i], regroupe[i]), car_m, 2 if deux_rangs else 3)
            decalage = (2 * lh + 0.12) if deux_rangs and k % 2 else 0.0
            n.x, n.y = pas * (k + 0.5), y - n.diametre / 144 - decalage
            n.dx, n.dy, n.ha, n.va = 0.0, n.diametre / 144 + 0.03, "center", "bottom"
    return mise


# --- Dessin ------------------------------------------------------------------------------


def _dessiner_decors(ax: Any, mise: _Mise, police: float) -> None:
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


def _dessiner_liens(ax: Any, carte: CarteReseau, mise: _Mise, liens_appui: bool) -> None:
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


def _dessiner_noeuds(ax: Any, carte: CarteReseau, mise: _Mise) -> None:
    """Les nœuds en deux nuages de points (les piles des groupes, puis les acteurs), dans l'ordre des lignes."""
    couleur, _, _ = _familles()
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


def _dessiner_etiquettes(ax: Any, mise: _Mise, police: float) -> list[Any]:
    textes = []
    for n in mise.noeuds.values():
        t = ax.text(n.x + n.dx, n.y + n.dy, n.texte, ha=n.ha, va=n.va, fontsize=police, color="#1A1A1A",
                    linespacing=1.0, zorder=4,
                    bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        t.set_gid(f"etiquette:{n.id}")
        textes.append(t)
    return textes


def _ecarter_etiquettes(fig: Figure, ax: Any, textes: list[Any], mise: _Mise) -> None:
    """Écarte les étiquettes qui se recouvrent (ou couvrent un nœud), puis trace un fil vers le nœud."""
    if not textes:
        return
    rendu = fig.canvas.get_renderer()
    inverse = ax.transData.inverted()
    boites = []
    for t in textes:
        e = t.get_window_extent(rendu)
        (x0, y0), (x1, y1) = inverse.transform([(e.x0, e.y0), (e.x1, e.y1)])
        boites.append((x0, y0, x1, y1))
    b = np.array(boites)
    centres = np.column_stack([(b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2])
    demi = np.column_stack([(b[:, 2] - b[:, 0]) / 2 + _MARGE / 2, (b[:, 3] - b[:, 1]) / 2 + _MARGE / 2])
    depart = centres.copy()
    ids = [t.get_gid().split(":", 1)[1] for t in textes]
    proprietaire = {i: k for k, i in enumerate(ids)}
    pos_noeuds = np.array([(mise.noeuds[i].x, mise.noeuds[i].y) for i in ids])
    rayons = np.array([mise.noeuds[i].diametre / 144 for i in ids]) - _MARGE / 2 + 0.01
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
    _, famille, familles = _familles()
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
        Line2D([], [], ls="none", marker="o", markersize=_diametre_points(e), markerfacecolor="white",
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
    police = _POLICE

    notes = notes_carte(carte) if notes is None else list(notes)
    notes = [textwrap.fill(n, 150) for n in notes]
    nb_lignes_notes = sum(n.count("\n") + 1 for n in notes)

    sous_titre = _SOUS_TITRES[style] + (" (données fictives)" if carte.donnees_fictives else "")
    sous_titre = textwrap.fill(sous_titre, 125)
    haut_titre = 0.42 + 0.13 * (sous_titre.count("\n") + 1)
    blocs = _blocs_legende(carte)
    haut_legende = 0.3 + 0.135 * max(len(p) for _, p in blocs)
    haut_notes = 0.05 + 0.13 * nb_lignes_notes
    hauteur_max = _HAUTEUR_MAX - haut_titre - haut_legende - haut_notes
    mise = (_mise_valuelinks if style == "valuelinks" else _mise_case)(carte, largeur, police, hauteur_max)
    hauteur_fig = haut_titre + mise.hauteur + haut_legende + haut_notes
    fig = plt.figure(figsize=(largeur, hauteur_fig), dpi=150)
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
    rendu = figure.canvas.get_renderer()
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
