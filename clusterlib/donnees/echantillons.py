"""Accès aux clusters d'exemple (fictifs) du dossier ``data/samples`` du dépôt.

Les notebooks et le livre s'en servent quand aucun chemin de données n'est donné, sans
dépendre du dossier de travail. La variable d'environnement ``CLUSTERLIB_ECHANTILLONS``
peut désigner un autre dossier.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["chemin", "dossier", "noms"]


def dossier() -> Path:
    """Le dossier des clusters d'exemple."""
    autre = os.environ.get("CLUSTERLIB_ECHANTILLONS")
    d = Path(autre) if autre else Path(__file__).resolve().parents[2] / "data" / "samples"
    if not d.is_dir():
        raise FileNotFoundError(
            f"dossier des clusters d'exemple introuvable : {d} ; installez clusterlib depuis le "
            "dépôt (pip install -e .) ou indiquez le dossier dans CLUSTERLIB_ECHANTILLONS"
        )
    return d


def noms() -> list[str]:
    """Les noms des clusters d'exemple (dossiers et classeurs), dans l'ordre alphabétique."""
    return sorted(
        p.name for p in dossier().iterdir()
        if (p.is_dir() and (p / "cluster.yml").exists()) or p.suffix.lower() == ".xlsx"
    )


def chemin(nom: str) -> Path:
    """Le chemin d'un cluster d'exemple, par son nom (``riz-glazoue``, ``soja-djidja.xlsx``…)."""
    d = dossier()
    for candidat in (d / nom, d / f"{nom}.xlsx"):
        if candidat.exists():
            return candidat
    raise FileNotFoundError(
        f"cluster d'exemple « {nom} » introuvable dans {d} ; exemples disponibles : "
        + ", ".join(noms())
    )
