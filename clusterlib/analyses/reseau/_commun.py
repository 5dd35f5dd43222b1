"""Outils communs aux analyses du réseau : référentiel de la cartographie et petites conversions."""

from __future__ import annotations

import copy
import math
from functools import cache, partial
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.donnees.modele import Cluster

# --- Référentiel -------------------------------------------------------------------------


_ref = partial(referentiel.lire, "cartographie.yml")
"""Le référentiel de la cartographie (contenu partagé : ne pas le modifier)."""


def referentiel_cartographie() -> dict[str, Any]:
    """Le référentiel de la cartographie (étapes, seuils, styles, regroupement), copie modifiable."""
    return copy.deepcopy(_ref())


@cache
def _types_commerciaux() -> frozenset[str]:
    types = referentiel.enumeration("types_relation")
    return frozenset(types.loc[types["commerciale"].astype(bool), "code"])


@cache
def _groupes_maillons() -> dict[str, str]:
    maillons = referentiel.enumeration("maillons")
    return dict(zip(maillons["code"], maillons["groupe"], strict=True))


def _maillons_directs() -> list[str]:
    return [m for m, g in _groupes_maillons().items() if g == "direct"]


# --- Petits outils -----------------------------------------------------------------------


def _manquant(valeur: Any) -> bool:
    if valeur is None or valeur is pd.NA:
        return True
    return isinstance(valeur, float) and math.isnan(valeur)


def _natif(valeur: Any) -> Any:
    """Une valeur Python simple (int, float, str, bool) à partir d'une valeur pandas ou numpy."""
    if hasattr(valeur, "item"):
        return valeur.item()
    return valeur


def _flottant(valeur: Any) -> float | None:
    """Un float Python, ou None pour une valeur manquante."""
    if _manquant(valeur):
        return None
    return float(valeur)



def _enregistrements(cadre: pd.DataFrame) -> list[dict[str, Any]]:
    """Les lignes d'un tableau en dictionnaires de valeurs Python simples, sans les valeurs manquantes."""
    colonnes = []
    for nom in cadre.columns:
        serie = cadre[nom]
        manque = serie.isna().to_numpy()
        if pd.api.types.is_integer_dtype(serie.dtype):
            valeurs = [None if m else int(v) for v, m in zip(serie.to_numpy(dtype=object), manque, strict=True)]
        elif pd.api.types.is_float_dtype(serie.dtype):
            valeurs = [None if m else float(v) for v, m in zip(serie.to_numpy(), manque, strict=True)]
        else:
            valeurs = [None if m else v for v, m in zip(serie.to_numpy(dtype=object), manque, strict=True)]
        colonnes.append((nom, valeurs))
    lignes: list[dict[str, Any]] = [{} for _ in range(len(cadre))]
    for nom, valeurs in colonnes:
        for ligne, v in zip(lignes, valeurs, strict=True):
            if v is not None:
                ligne[nom] = v
    return lignes


def _noms(cluster: Cluster) -> dict[str, str]:
    return dict(zip(cluster.acteurs["id"].tolist(), cluster.acteurs["nom"].tolist(), strict=True))


def _maillon_de(cluster: Cluster) -> dict[str, str]:
    return dict(zip(cluster.acteurs["id"].tolist(), cluster.acteurs["maillon"].tolist(), strict=True))


def _affaires(relations: pd.DataFrame) -> pd.DataFrame:
    return relations[relations["type"].isin(_types_commerciaux())]


def _partenaires(relations: pd.DataFrame) -> pd.Series:
    """Par acteur, le nombre de partenaires distincts (relations dans les deux sens)."""
    if relations.empty:
        return pd.Series(dtype="int64")
    paires = pd.concat(
        [
            pd.DataFrame({"a": relations["source"].to_numpy(), "b": relations["cible"].to_numpy()}),
            pd.DataFrame({"a": relations["cible"].to_numpy(), "b": relations["source"].to_numpy()}),
        ],
        ignore_index=True,
    ).drop_duplicates()
    return paires.groupby("a").size()


# --- Graphe et exports -------------------------------------------------------------------
