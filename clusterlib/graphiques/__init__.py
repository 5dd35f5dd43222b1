"""Graphiques de clusterlib (matplotlib) : ils dessinent, ils ne calculent rien.

Chaque sous-module dessine les résultats d'un module d'analyse. Règles communes :
libellés en français, lisibles à l'impression et en niveaux de gris (motifs ou
marqueurs en plus des couleurs), format A4, enregistrement atomique.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import ParamSpec

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from clusterlib.fichiers import ecriture_atomique
from clusterlib.graphiques._rendu_agg import preparer_canevas

__all__ = ["NIVEAUX_COULEURS", "PALETTE", "enregistrer", "largeur_a4", "rendu_recadre", "textes_litteraux"]

_P = ParamSpec("_P")

# Palette sûre pour les daltoniens (Okabe-Ito) ; contrastes suffisants en niveaux de gris
# quand on l'associe à des motifs.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Du niveau 1 (rouge foncé) au niveau 4 (vert foncé), de luminosités nettement différentes.
NIVEAUX_COULEURS = {1: "#8B1A1A", 2: "#E08A2E", 3: "#8CC084", 4: "#1B5E20"}


def largeur_a4(fraction: float = 1.0) -> float:
    """Largeur en pouces d'une figure qui tient dans la zone utile d'une page A4 portrait."""
    return 6.7 * fraction


def _png_un_rendu(figure: Figure, dpi: int) -> np.ndarray | None:
    """Les pixels de la figure recadrée sur son contenu, après **un seul** rendu.

    La figure est mise en page et dessinée une fois (la mise en page mesure les textes avec
    le même moteur de rendu que le dessin, qui réutilise ces mesures), par
    :class:`~clusterlib.graphiques._rendu_agg.RenduAgg` ; le cadre serré est
    ensuite calculé sur ce rendu, sans redessiner. ``None`` si le contenu déborde de la
    figure : il faut alors agrandir la zone dessinée, donc un second rendu.
    """
    canevas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    dpi_avant = figure.dpi
    figure.dpi = dpi
    try:
        preparer_canevas(canevas)  # mêmes pixels que le rendu de matplotlib, texte plus rapide
        canevas.draw()
        rendu = canevas.get_renderer()
        cadre = figure.get_tightbbox(rendu)  # en pouces
        pixels = np.asarray(canevas.buffer_rgba())  # vue sur le rendu : seule la partie gardée est copiée
        marge = mpl.rcParams["savefig.pad_inches"]
        hauteur, largeur = pixels.shape[:2]
        x0 = math.floor((cadre.x0 - marge) * dpi)
        x1 = math.ceil((cadre.x1 + marge) * dpi)
        haut = hauteur - math.ceil((cadre.y1 + marge) * dpi)
        bas = hauteur - math.floor((cadre.y0 - marge) * dpi)
        tolerance = math.ceil(marge * dpi)  # la marge peut sortir de la figure, pas le contenu
        if x0 < -tolerance or haut < -tolerance or x1 > largeur + tolerance or bas > hauteur + tolerance:
            return None
        recadre = pixels[max(haut, 0):min(bas, hauteur), max(x0, 0):min(x1, largeur)]
        # La marge qui sort de la figure prend la couleur du fond, comme avec bbox_inches="tight".
        gauche, dessus = max(-x0, 0), max(-haut, 0)
        if not (gauche or dessus or bas > hauteur or x1 > largeur):
            return recadre.copy()
        fond = np.asarray(mpl.colors.to_rgba_array(figure.get_facecolor())[0] * 255).round().astype(np.uint8)
        image = np.empty((bas - haut, x1 - x0, 4), dtype=np.uint8)
        image[...] = fond
        image[dessus:dessus + recadre.shape[0], gauche:gauche + recadre.shape[1]] = recadre
        return image
    finally:
        figure.dpi = dpi_avant


def rendu_recadre(figure: Figure, dpi: int, fond: str | None = None) -> np.ndarray | None:
    """Les pixels RGBA de la figure, recadrée sur son contenu, après un seul dessin.

    ``fond`` remplace le temps du dessin la couleur de fond de la figure (comme l'option
    ``facecolor`` de ``savefig``). ``None`` quand le contenu déborde de la figure : il faut
    alors un second dessin sur une zone agrandie (``bbox_inches="tight"``).
    """
    if fond is None:
        return _png_un_rendu(figure, dpi)
    avant = figure.get_facecolor()
    figure.set_facecolor(fond)
    try:
        return _png_un_rendu(figure, dpi)
    finally:
        figure.set_facecolor(avant)


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
    au bout d'une barre) n'est jamais coupée, même quand la mise en page l'ignore. En PNG, le
    cadre est calculé sur le rendu lui-même (un seul dessin) ; si le contenu déborde de la
    figure, celle-ci est redessinée sur une zone agrandie, comme ``bbox_inches="tight"``.
    """
    chemin = Path(chemin)
    format_ = chemin.suffix.lstrip(".").lower() or "png"
    if format_ == "png":
        pixels = _png_un_rendu(figure, dpi)
        if pixels is not None:
            from PIL import Image

            with ecriture_atomique(chemin) as temporaire:
                # compress_level 3 : plus rapide que le niveau 6 par défaut, à peine plus lourd.
                Image.fromarray(pixels, "RGBA").save(temporaire, format="png", compress_level=3, dpi=(dpi, dpi))
            return chemin
    options: dict = {"dpi": dpi, "format": format_, "bbox_inches": "tight"}
    if format_ == "png":
        options["pil_kwargs"] = {"compress_level": 3}
    with ecriture_atomique(chemin) as temporaire:
        figure.savefig(temporaire, **options)
    return chemin
