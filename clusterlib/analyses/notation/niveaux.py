"""Les niveaux (1 à 4) des notes moyennes et leur pourcentage de l'échelle."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from clusterlib.analyses.notation._commun import _grille, _niveaux

if TYPE_CHECKING:
    pass

__all__ = [
    "libelle_niveau",
    "niveau",
    "niveaux",
    "pourcentage_score",
]


# --- Niveaux et pourcentages -------------------------------------------------------------


def niveaux(scores: pd.Series | Iterable[float]) -> pd.Series:
    """Le niveau (1 à 4, entier) de chaque note moyenne ; ``<NA>`` pour une note absente.

    Les bornes viennent de ``niveaux_global`` du référentiel (borne basse incluse).
    """
    serie = scores if isinstance(scores, pd.Series) else pd.Series(list(scores), dtype="float64")
    valeurs = serie.to_numpy(dtype="float64", na_value=np.nan)
    bornes, _ = _niveaux()
    # Arrondi : une moyenne de 3 notes qui vaut 2,4999999… reste au niveau de 2,5.
    indices = np.searchsorted(bornes, np.round(valeurs, 9), side="right") + 1
    resultat = pd.array(indices, dtype="Int64")
    resultat[np.isnan(valeurs)] = pd.NA
    return pd.Series(resultat, index=serie.index, name="niveau")


def _libelles(niv: pd.Series) -> pd.Series:
    _, libelles = _niveaux()
    correspondance = {k + 1: lib for k, lib in enumerate(libelles)}
    return niv.map(correspondance).astype("str").where(niv.notna())


def niveau(score: float | None) -> int | None:
    """Le niveau (1 à 4) d'une note moyenne, ou ``None`` si la note est absente."""
    if score is None or pd.isna(score):
        return None
    return int(niveaux(pd.Series([float(score)])).iloc[0])


def libelle_niveau(score: float | None) -> str | None:
    """Le libellé du niveau d'une note moyenne (« Très faible », « Faible »…), ou ``None``."""
    n = niveau(score)
    return None if n is None else _niveaux()[1][n - 1]


def pourcentage_score(score: Any) -> Any:
    """Une note de 1 à 4 en pourcentage de l'échelle : (note − 1) / 3 × 100.

    Accepte un nombre (``None`` reste ``None``) ou une série pandas.
    """
    echelle = _grille()["echelle"]
    bas, haut = echelle["minimum"], echelle["maximum"]
    if score is None:
        return None
    if isinstance(score, pd.Series):
        return (score.astype("float64") - bas) / (haut - bas) * 100
    return (float(score) - bas) / (haut - bas) * 100
