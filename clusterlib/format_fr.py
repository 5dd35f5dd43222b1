"""Écriture des nombres à la française : espaces fines, virgule décimale, FCFA, pourcentages.

Les milliers sont séparés par une espace fine insécable (U+202F), la partie décimale par une
virgule, et une espace fine insécable précède l'unité (« FCFA », « % ») pour qu'elle ne passe
jamais seule à la ligne :

>>> fcfa(1234567)
'1\u202f234\u202f567\u202fFCFA'
>>> pourcentage(12.345)
'12,3\u202f%'
>>> millions_fcfa(158_217_600_000)
'158\u202f217,6\u202fM\u202fFCFA'

Les valeurs manquantes (``None``, ``NaN``) s'écrivent « — ». Le signe moins est le trait
d'union ordinaire, pour que les chiffres collés dans un tableur restent des nombres.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from numbers import Real
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from .echappement import styler_echappe

__all__ = [
    "ESPACE_FINE",
    "MANQUANT",
    "fcfa",
    "fcfa_auto",
    "millions_fcfa",
    "nombre",
    "pourcentage",
    "tableau_fr",
]

ESPACE_FINE = "\u202f"
"""Espace fine insécable (U+202F), séparateur des milliers et devant les unités."""

MANQUANT = "—"
"""Ce qu'on écrit à la place d'une valeur absente."""

SEUIL_MILLIONS = 10_000_000
"""À partir de ce montant (en valeur absolue), :func:`fcfa_auto` écrit en millions."""


def _manquant(valeur: Any) -> bool:
    if valeur is None or valeur is pd.NA or valeur is pd.NaT:
        return True
    try:
        return bool(pd.isna(valeur))
    except (TypeError, ValueError):
        return False


def nombre(valeur: Real | None, decimales: int = 0) -> str:
    """Un nombre écrit à la française : ``1234567.891`` → « 1 234 567,89 » (``decimales=2``).

    Les milliers sont séparés par une espace fine insécable, la décimale par une virgule ;
    l'arrondi est celui de Python (au plus proche). ``None`` ou ``NaN`` donnent « — ».
    """
    if _manquant(valeur):
        return MANQUANT
    x = float(valeur)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    texte = f"{x:,.{decimales}f}"
    if texte.lstrip("-").strip("0.,") == "":  # « -0 » ou « -0,0 » : pas de signe
        texte = texte.lstrip("-")
    return texte.replace(",", ESPACE_FINE).replace(".", ",")


def fcfa(valeur: Real | None, decimales: int = 0) -> str:
    """Un montant en francs CFA : ``1234567`` → « 1 234 567 FCFA » (espaces fines insécables)."""
    texte = nombre(valeur, decimales)
    return texte if texte == MANQUANT else f"{texte}{ESPACE_FINE}FCFA"


def millions_fcfa(valeur: Real | None, decimales: int = 1) -> str:
    """Un montant en millions de FCFA : ``158217600000`` → « 158 217,6 M FCFA »."""
    if _manquant(valeur):
        return MANQUANT
    return f"{nombre(float(valeur) / 1e6, decimales)}{ESPACE_FINE}M{ESPACE_FINE}FCFA"


def fcfa_auto(valeur: Real | None, seuil: float = SEUIL_MILLIONS) -> str:
    """Un montant en FCFA, écrit en millions (une décimale) à partir de ``seuil`` (10 millions).

    ``850000`` → « 850 000 FCFA » ; ``258350000`` → « 258,4 M FCFA ».
    """
    if _manquant(valeur):
        return MANQUANT
    return millions_fcfa(valeur) if abs(float(valeur)) >= seuil else fcfa(valeur)


def pourcentage(valeur: Real | None, decimales: int = 1, fraction: bool = False, signe: bool = False) -> str:
    """Un pourcentage à la française : ``12.345`` → « 12,3 % ».

    La valeur est lue en pour cent (``12.3`` pour 12,3 %), comme les colonnes du format de
    données ; avec ``fraction=True`` elle est lue comme une part de 1 (``0.123``). Avec
    ``signe=True``, une hausse porte un « + » (« +12,3 % »), pour écrire des variations.
    """
    if _manquant(valeur):
        return MANQUANT
    x = float(valeur) * (100 if fraction else 1)
    texte = nombre(x, decimales)
    if signe and x > 0 and texte.strip("0,") != "":
        texte = "+" + texte
    return f"{texte}{ESPACE_FINE}%"


def tableau_fr(
    tableau: pd.DataFrame,
    formats: dict[str, Callable[[Any], str]] | None = None,
    *,
    fcfa_colonnes: Iterable[str] = (),
    millions: bool = False,
    pourcent_colonnes: Iterable[str] = (),
    libelles: dict[str, str] | None = None,
    aligner: bool = False,
) -> pd.DataFrame | Styler:
    """Copie d'un tableau dont les nombres sont devenus des textes à la française.

    - ``fcfa_colonnes`` : montants, écrits « 1 234 567 FCFA » (en millions si ``millions``) ;
    - ``pourcent_colonnes`` : pourcentages (en pour cent), écrits « 12,3 % » ;
    - ``formats`` : pour d'autres colonnes, une fonction qui écrit une valeur ;
    - ``libelles`` : renomme les colonnes pour l'affichage ;
    - ``aligner`` : renvoie un tableau mis en page pour l'affichage (:class:`pandas.io.formats.style.Styler`),
      nombres alignés à droite et numéros de ligne masqués ; cellules et en-têtes y sont échappés
      (:func:`clusterlib.echappement.styler_echappe`).

    Le tableau d'origine n'est pas modifié ; les colonnes non citées restent telles quelles.
    """
    sortie = tableau.copy()
    ecrire_montant = millions_fcfa if millions else fcfa
    regles: dict[str, Callable[[Any], str]] = {}
    for colonne in fcfa_colonnes:
        regles[colonne] = ecrire_montant
    for colonne in pourcent_colonnes:
        regles[colonne] = pourcentage
    regles.update(formats or {})
    for colonne, regle in regles.items():
        if colonne in sortie.columns:
            sortie[colonne] = pd.Series([regle(v) for v in sortie[colonne]], index=sortie.index, dtype="str")
    if libelles:
        sortie = sortie.rename(columns=libelles)
    if not aligner:
        return sortie
    a_droite = [(libelles or {}).get(c, c) for c in regles if c in tableau.columns]
    style = sortie.style
    if isinstance(sortie.index, pd.RangeIndex):
        style = style.hide(axis="index")
    if a_droite:
        style = style.set_properties(subset=a_droite, **{"text-align": "right", "white-space": "nowrap"})
    style = style.set_table_styles([{"selector": "th.col_heading", "props": [("text-align", "center")]}])
    return styler_echappe(style)  # le texte saisi (noms, constats) reste du texte dans le HTML
