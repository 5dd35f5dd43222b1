"""Outils communs des cartes : constantes, nœuds et mise en page, tailles des étiquettes."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from clusterlib.analyses.reseau import referentiel_cartographie

POLICE = 6.0            # taille des étiquettes (points)
HAUTEUR_MAX = 10.0      # hauteur maximale de la figure (pouces) : zone utile d'une page A4 portrait
SOUS_TITRES = {
    "valuelinks": "Modèle ValueLinks : les fonctions de la chaîne de gauche à droite, les acteurs d'appui en bas",
    "case": "Modèle CASE : l'agrégateur au centre, les marchés en haut, les autres acteurs directs sur l'anneau "
            "intérieur, l'appui sur l'anneau extérieur",
}
MARGE = 0.06            # marge entre étiquettes (pouces)


def largeur_caractere(police: float) -> float:
    """Largeur moyenne d'un caractère en pouces (DejaVu Sans)."""
    return 0.56 * police / 72


def hauteur_ligne(police: float) -> float:
    return 1.22 * police / 72


def envelopper(texte: str, largeur: int, lignes_max: int = 3) -> str:
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


def diametre_points(effectif: Any) -> float:
    """Diamètre d'un nœud en points : croît avec le logarithme de l'effectif."""
    if effectif is None or pd.isna(effectif) or effectif <= 0:
        return 6.0
    return 6.0 + 3.6 * math.log10(1 + float(effectif))


@dataclass
class Noeud:
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
class Mise:
    """Une mise en page : positions (pouces), taille de la zone de carte, décors."""

    largeur: float
    hauteur: float
    noeuds: dict[str, Noeud]
    decors: list[Any] = field(default_factory=list)      # (fonction de dessin, arguments)
    courbure: float = 0.12


def familles_cartographie() -> tuple[dict[str, str], dict[str, str], list[dict[str, Any]]]:
    familles = referentiel_cartographie()["familles"]
    couleur = {m: f["couleur"] for f in familles for m in f["maillons"]}
    famille = {m: f["code"] for f in familles for m in f["maillons"]}
    return couleur, famille, familles


def ordre_barycentre(ids: list[str], voisins: dict[str, list[str]], rang: dict[str, float]) -> list[str]:
    """Trie des nœuds selon la position moyenne de leurs voisins déjà placés (moins de croisements)."""
    def cle(i: int) -> tuple[float, int]:
        rangs = [rang[v] for v in voisins.get(ids[i], ()) if v in rang]
        return (sum(rangs) / len(rangs) if rangs else rang.get(ids[i], i), i)
    return [ids[i] for i in sorted(range(len(ids)), key=cle)]
