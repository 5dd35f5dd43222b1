"""Ce que partagent les modules de la notation : exceptions, tendances et lecture de la grille."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from clusterlib import referentiel

if TYPE_CHECKING:
    pass

__all__ = [
    "CampagneAbsente",
    "ScoresInvalides",
    "regles",
]


TENDANCES = ("hausse", "stable", "baisse", "non comparable")
"""Valeurs de la colonne ``tendance`` de :func:`evolution`."""


class CampagneAbsente(ValueError):
    """La campagne demandée n'est pas dans les données ; le message liste celles qui y sont."""

    def __init__(self, campagne: str | None, disponibles: Iterable[str], quoi: str = "des notes de la grille",
                 message: str | None = None) -> None:
        self.campagne = campagne
        self.disponibles = sorted(disponibles)
        liste = ", ".join(self.disponibles) if self.disponibles else "aucune"
        if message is None:
            if campagne is None:
                message = "aucune campagne notée : la table scores est absente ou vide"
            else:
                message = f"campagne « {campagne} » absente {quoi}"
        super().__init__(f"{message} ; campagnes disponibles : {liste}")


class ScoresInvalides(ValueError):
    """Une table de notes construite à la main ne respecte pas la grille (colonne, note, indicateur)."""


# --- Référentiel -------------------------------------------------------------------------


@cache
def _grille() -> dict[str, Any]:
    return referentiel.grille()


@cache
def _ids() -> tuple[str, ...]:
    return tuple(i["id"] for a in _grille()["axes"] for i in a["indicateurs"])


@cache
def _axes() -> tuple[int, ...]:
    return tuple(a["numero"] for a in _grille()["axes"])


@cache
def _axe_de() -> dict[str, int]:
    return {i["id"]: a["numero"] for a in _grille()["axes"] for i in a["indicateurs"]}


@cache
def _niveaux() -> tuple[np.ndarray, tuple[str, ...]]:
    """Bornes basses des niveaux 2, 3, 4… et libellés des niveaux 1, 2, 3, 4."""
    niveaux = sorted(_grille()["niveaux_global"], key=lambda n: n["min"])
    return np.array([float(n["min"]) for n in niveaux[1:]]), tuple(n["libelle"] for n in niveaux)


def regles() -> dict[str, Any]:
    """Les règles de calcul du référentiel : seuil de désaccord, de stabilité, nombre de priorités."""
    return dict(_grille()["regles"])


def _grille_indicateurs() -> pd.DataFrame:
    """Les 24 indicateurs : ``indicateur``, ``axe``, ``nom``, ``nom_court``."""
    return pd.DataFrame([
        {"indicateur": i["id"], "axe": a["numero"], "nom": i["nom"], "nom_court": i.get("nom_court", i["nom"])}
        for a in _grille()["axes"] for i in a["indicateurs"]
    ])
