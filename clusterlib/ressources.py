"""Données livrées avec le paquet : clusters d'exemple et notebooks des rapports.

Dans le dépôt, elles restent à leur place (``data/samples/``, ``notebooks/``) ; dans la roue
installée par ``pip``, elles sont les sous-paquets de données ``clusterlib.exemples`` et
``clusterlib.carnets`` (voir ``pyproject.toml``). Dans les deux cas, on les trouve par le
système d'import, jamais par le dossier de travail.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["dossier_carnets", "dossier_exemples", "dossier_exemples_hub"]

# Sous-paquet de données -> dossier du dépôt qui le fournit (même correspondance que pyproject.toml).
_DEPOT = {"exemples": ("data", "samples"), "exemples_hub": ("data", "hub"), "carnets": ("notebooks",)}


def _dossier(sous_paquet: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(f"clusterlib.{sous_paquet}")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.submodule_search_locations:
        for emplacement in spec.submodule_search_locations:
            if Path(emplacement).is_dir():
                return Path(emplacement)
    depot = Path(__file__).resolve().parents[1].joinpath(*_DEPOT[sous_paquet])
    return depot if depot.is_dir() else None


def dossier_exemples() -> Path | None:
    """Le dossier des clusters d'exemple livrés, ou ``None`` s'il manque."""
    return _dossier("exemples")


def dossier_carnets() -> Path | None:
    """Le dossier des notebooks de rapport livrés, ou ``None`` s'il manque."""
    return _dossier("carnets")


def dossier_exemples_hub() -> Path | None:
    """Le dossier de l'échantillon de hub livré (huit clusters de riz fictifs), ou ``None``."""
    return _dossier("exemples_hub")
