"""Un moteur de rendu Agg qui pose les glyphes plus vite, au pixel près comme celui de matplotlib.

Depuis matplotlib 3.11, le texte est dessiné glyphe par glyphe (``RendererAgg._draw_text_glyphs_and_boxes``)
et, pour **chaque glyphe**, la taille de la police est refixée et la matrice de rotation
recalculée avec numpy (un produit de matrices 2 × 2, arrondi et converti) : sur une carte de
soixante acteurs, plus de deux mille fois par figure. :class:`RenduAgg` fait les mêmes appels
à FreeType et à Agg, avec les mêmes arguments, mais calcule la matrice une fois par texte et ne
refixe la taille que quand elle change : le texte coûte un quart de moins, les pixels sont
identiques (un test le vérifie sur les neuf figures du rapport et sur des textes tournés, gras,
penchés ou mathématiques).

Avec une autre version de matplotlib, dont ce moteur interne aurait changé, rien n'est
remplacé : :func:`preparer_canevas` ne fait rien et le rendu reste celui de matplotlib.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.text import Text

__all__ = ["RENDU_RAPIDE", "RenduAgg", "preparer_canevas"]

_SIGNATURE_ATTENDUE = ["self", "gc", "x", "y", "angle", "glyphs", "boxes"]
# Où matplotlib lit la hauteur d'une police (Text._get_layout), dans cet ordre.
_TABLES_HAUTEUR = (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                   ("hhea", "lineGap", "ascent", "descent"))


def _rendu_rapide_possible() -> bool:
    """Le moteur interne de matplotlib est celui que :class:`RenduAgg` reproduit (3.11)."""
    methode = getattr(RendererAgg, "_draw_text_glyphs_and_boxes", None)
    if methode is None or not hasattr(FigureCanvasAgg, "_lastKey"):  # clé du moteur de rendu réutilisé
        return False
    try:
        from matplotlib.backends.backend_agg import get_hinting_flag  # noqa: F401
        from matplotlib.ft2font import RenderMode  # noqa: F401
    except ImportError:
        return False
    # La mise en page d'un texte demande au moteur de rendu la hauteur de sa police s'il sait la donner.
    if "_get_font_height_metrics" not in Text._get_layout.__code__.co_names:
        return False
    return list(inspect.signature(methode).parameters) == _SIGNATURE_ATTENDUE


RENDU_RAPIDE = _rendu_rapide_possible()


class RenduAgg(RendererAgg):
    """``RendererAgg`` dont le dessin des glyphes évite les calculs répétés (mêmes pixels)."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._hauteurs_polices: dict[int, tuple[float | None, float | None, float | None]] = {}

    def _get_font_height_metrics(self, prop: Any) -> tuple[float | None, float | None, float | None]:
        """Jambage haut, jambage bas et interligne de la police ``prop`` (en pixels), calculés une fois.

        matplotlib les recalcule à chaque mise en page d'un texte (plusieurs fois par texte et par
        dessin : recherche de la police, lecture de deux tables du fichier) ; le calcul est le
        sien, à l'identique, pour la résolution de ce moteur, qui est celle de la figure.
        """
        cle = hash(prop)  # l'égalité des FontProperties de matplotlib est celle de leur empreinte
        connue = self._hauteurs_polices.get(cle)
        if connue is not None:
            return connue
        from matplotlib.font_manager import fontManager, get_font

        police = get_font(fontManager._find_fonts_by_props(prop))
        mesures: tuple[float | None, float | None, float | None] = (None, None, None)
        for table_nom, cle_interligne, cle_haut, cle_bas in _TABLES_HAUTEUR:
            table = police.get_sfnt_table(table_nom)
            if table is None:
                continue
            echelle = 1 / police.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * self.dpi / 72
            mesures = (table[cle_haut] * echelle, -table[cle_bas] * echelle, table[cle_interligne] * echelle)
            break
        self._hauteurs_polices[cle] = mesures
        return mesures

    def _draw_text_glyphs_and_boxes(self, gc: Any, x: float, y: float, angle: float, glyphs: Any,
                                    boxes: Any) -> None:
        if not RENDU_RAPIDE:  # pragma: no cover - protégé par preparer_canevas
            return super()._draw_text_glyphs_and_boxes(gc, x, y, angle, glyphs, boxes)
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.ft2font import RenderMode

        cos = math.cos(math.radians(angle))
        sin = math.sin(math.radians(angle))
        drapeaux = get_hinting_flag()
        lisse = gc.get_antialiased()
        mode = RenderMode.NORMAL if lisse else RenderMode.MONO
        hauteur = self.height
        rotation = 0x10000 * np.array([[cos, -sin], [sin, cos]])
        matrices: dict[tuple[float, float], Any] = {}
        tailles: dict[int, float] = {}
        poser = self._renderer.draw_text_image
        for police, taille, indice, pente, etirement, dx, dy in glyphs:  # dy vers le haut
            if tailles.get(id(police)) != taille:
                police.set_size(taille, self.dpi)
                tailles[id(police)] = taille
            matrice = matrices.get((pente, etirement))
            if matrice is None:
                matrice = (rotation @ [[etirement, etirement * pente], [0, 1]]).round().astype(int)
                matrices[(pente, etirement)] = matrice
            # Le y de FreeType va vers le haut.
            police._set_transform(matrice, [round(0x40 * (x + dx * cos - dy * sin)),
                                            round(0x40 * (hauteur - y + dx * sin + dy * cos))])
            bitmap = police._render_glyph(indice, drapeaux, mode)
            tampon = bitmap.buffer
            if not lisse:
                tampon *= 0xFF
            poser(tampon, bitmap.left, int(hauteur) - bitmap.top + tampon.shape[0], 0, gc)
        if boxes:  # les filets (traits de fraction d'une formule) : le code de matplotlib, tel quel
            super()._draw_text_glyphs_and_boxes(gc, x, y, angle, (), boxes)


def preparer_canevas(canevas: FigureCanvasAgg) -> None:
    """Fait dessiner ``canevas`` par :class:`RenduAgg` au prochain ``draw()`` (à la taille et résolution actuelles)."""
    if not RENDU_RAPIDE:
        return
    largeur, hauteur = canevas.get_width_height(physical=True)
    cle = largeur, hauteur, canevas.figure.dpi
    if canevas._lastKey == cle and isinstance(canevas.renderer, RenduAgg):
        return
    canevas.renderer = RenduAgg(largeur, hauteur, canevas.figure.dpi)
    canevas._lastKey = cle
