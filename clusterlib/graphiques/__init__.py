"""Graphiques de clusterlib (matplotlib) : ils dessinent, ils ne calculent rien.

Chaque sous-module dessine les résultats d'un module d'analyse. Règles communes :
libellés en français, lisibles à l'impression et en niveaux de gris (motifs ou
marqueurs en plus des couleurs), format A4, enregistrement atomique.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.text import Text

from ..fichiers import ecriture_atomique

__all__ = ["NIVEAUX_COULEURS", "PALETTE", "enregistrer", "largeur_a4", "textes_litteraux"]

_P = ParamSpec("_P")

# Palette sûre pour les daltoniens (Okabe-Ito) ; contrastes suffisants en niveaux de gris
# quand on l'associe à des motifs.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Du niveau 1 (rouge foncé) au niveau 4 (vert foncé), de luminosités nettement différentes.
NIVEAUX_COULEURS = {1: "#8B1A1A", 2: "#E08A2E", 3: "#8CC084", 4: "#1B5E20"}


def largeur_a4(fraction: float = 1.0) -> float:
    """Largeur en pouces d'une figure qui tient dans la zone utile d'une page A4 portrait."""
    return 6.7 * fraction


def textes_litteraux(dessin: Callable[_P, Figure]) -> Callable[_P, Figure]:
    """Décore une fonction de dessin : aucun texte de sa figure n'est lu comme une formule (mathtext).

    matplotlib lit ``$…$`` comme une formule : un marché nommé « Prix $\\alpha$ » s'affichait
    en lettre grecque, et un « $ » mal apparié arrêtait le dessin (et le rapport) sur une erreur
    en anglais. Tous les textes créés pendant le dessin (titres, étiquettes des axes et des
    graduations, légendes, annotations) le sont sans interprétation des « $ », puis chaque texte
    de la figure rendue est encore marqué ainsi : le texte saisi s'affiche tel quel. Aucun
    graphique de clusterlib n'emploie de formule.
    """

    @functools.wraps(dessin)
    def enveloppe(*args: _P.args, **kwargs: _P.kwargs) -> Figure:
        with mpl.rc_context({"text.parse_math": False}):
            figure = dessin(*args, **kwargs)
            for texte in figure.findobj(Text):
                texte.set_parse_math(False)
        return figure

    return enveloppe


def enregistrer(figure: Figure, chemin: str | Path, dpi: int = 200) -> Path:
    """Enregistre une figure (PNG, SVG ou PDF selon l'extension) sans fichier à moitié écrit.

    La figure est recadrée sur tout son contenu : une étiquette posée hors des axes (montant
    au bout d'une barre) n'est jamais coupée, même quand la mise en page l'ignore.
    """
    chemin = Path(chemin)
    format_ = chemin.suffix.lstrip(".").lower() or "png"
    options: dict = {"dpi": dpi, "format": format_, "bbox_inches": "tight"}
    if format_ == "png":
        options["pil_kwargs"] = {"compress_level": 3}  # plus rapide que le niveau 6 par défaut, à peine plus lourd
    with ecriture_atomique(chemin) as temporaire:
        figure.savefig(temporaire, **options)
    return chemin
