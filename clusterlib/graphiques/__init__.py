"""Graphiques de clusterlib (matplotlib) : ils dessinent, ils ne calculent rien.

Chaque sous-module dessine les résultats d'un module d'analyse. Règles communes :
libellés en français, lisibles à l'impression et en niveaux de gris (motifs ou
marqueurs en plus des couleurs), format A4, enregistrement atomique.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from ..fichiers import ecriture_atomique

__all__ = ["NIVEAUX_COULEURS", "PALETTE", "enregistrer", "largeur_a4"]

# Palette sûre pour les daltoniens (Okabe-Ito) ; contrastes suffisants en niveaux de gris
# quand on l'associe à des motifs.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Du niveau 1 (rouge foncé) au niveau 4 (vert foncé), de luminosités nettement différentes.
NIVEAUX_COULEURS = {1: "#8B1A1A", 2: "#E08A2E", 3: "#8CC084", 4: "#1B5E20"}


def largeur_a4(fraction: float = 1.0) -> float:
    """Largeur en pouces d'une figure qui tient dans la zone utile d'une page A4 portrait."""
    return 6.7 * fraction


def enregistrer(figure: Figure, chemin: str | Path, dpi: int = 200) -> Path:
    """Enregistre une figure (PNG, SVG ou PDF selon l'extension) sans fichier à moitié écrit."""
    chemin = Path(chemin)
    with ecriture_atomique(chemin) as temporaire:
        figure.savefig(temporaire, dpi=dpi, bbox_inches="tight", format=chemin.suffix.lstrip(".") or "png")
    return chemin
