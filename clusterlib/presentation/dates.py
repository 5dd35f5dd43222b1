"""Dates et mois écrits à la française (noms de mois de babel, données CLDR)."""

from __future__ import annotations

from functools import cache

from babel.dates import get_month_names

__all__ = ["mois_court"]


@cache
def _noms_courts() -> dict[int, str]:
    return dict(get_month_names("abbreviated", locale="fr"))


def mois_court(mois: int, annee: int | None = None, separateur: str = " ") -> str:
    """Le mois abrégé à la française : ``mois_court(10, 2025)`` → « oct. 2025 », ``mois_court(5)`` → « mai »."""
    nom = _noms_courts()[int(mois)]
    return nom if annee is None else f"{nom}{separateur}{annee}"
