"""Un moteur de rendu Agg qui pose les glyphes plus vite, au pixel près comme celui de matplotlib.

Depuis matplotlib 3.11, le texte est dessiné glyphe par glyphe (``RendererAgg._draw_text_glyphs_and_boxes``)
et, pour **chaque glyphe**, la taille de la police est refixée et la matrice de rotation
recalculée avec numpy (un produit de matrices 2 × 2, arrondi et converti) : sur une carte de
soixante acteurs, plus de deux mille fois par figure. :class:`RenduAgg` fait les mêmes appels
à FreeType et à Agg, avec les mêmes arguments, mais calcule la matrice une fois par texte et ne
refixe la taille que quand elle change : le texte coûte un quart de moins, les pixels sont
identiques (un test le vérifie sur les neuf figures du rapport et sur des textes tournés, gras,
penchés ou mathématiques).

Les textes eux-mêmes sont mis en forme une fois par processus. Mesurer un texte (pour la mise
en page) et le décomposer en glyphes placés (pour le dessin) demandent chacun une mise en forme
complète par FreeType et HarfBuzz : environ 0,4 ms par texte, refaite à chaque figure pour les
mêmes graduations, légendes et noms d'indicateurs ; chaque glyphe est ensuite rasterisé.
Ces résultats ne dépendent que du texte (ou du glyphe et de sa position dans le pixel), des
fichiers de police, de la taille, de la résolution et des réglages de crénage, de hinting et
de lissage : :data:`MEMOIRE_TEXTES` les garde sous cette clé, pour toutes les figures du
processus. Les processus de travail du moteur de lot la font passer d'un rapport au suivant
(:func:`MemoireTextes.ajouts` dans l'enfant, :func:`MemoireTextes.reprendre` dans le
processus de travail). Les pixels restent ceux de matplotlib : un test compare des figures
dessinées mémoire vide, mémoire pleine et mémoire transmise.

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

__all__ = ["MEMOIRE_TEXTES", "RENDU_RAPIDE", "MemoireTextes", "RenduAgg", "preparer_canevas", "rendu_de"]

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


class MemoireTextes:
    """Mesures, glyphes placés et images de glyphes déjà calculés dans ce processus.

    - ``mesures`` : clé texte, fichiers de police (dans l'ordre de repli), taille, résolution,
      hinting, crénage et police de dernier recours ; valeur ``(largeur, hauteur, descente)`` en pixels ;
    - ``glyphes`` : même clé, plus variantes typographiques et langue ; valeur ``((glyphe, x, y), ...)``,
      tous de la première police (un texte qui emprunte une police de repli n'est pas gardé) ;
    - ``images`` : clé police, taille, résolution, glyphe, matrice, position du glyphe **dans son
      pixel** (en 1/64 de pixel), hinting et lissage ; valeur ``(pixels, gauche, haut)`` du glyphe
      posé à cette fraction de pixel. FreeType donne la même image, décalée d'autant, pour un
      décalage d'un nombre entier de pixels (vérifié par un test sur des milliers de glyphes).

    Au-delà de :attr:`TAILLE_MAX` entrées, plus rien n'est ajouté.
    """

    TAILLE_MAX = 100_000  # environ 45 Mio au plus, surtout des images de glyphes
    TABLES = ("mesures", "glyphes", "images")

    def __init__(self) -> None:
        self.mesures: dict[tuple, tuple[float, float, float]] = {}
        self.glyphes: dict[tuple, tuple[tuple[int, float, float], ...]] = {}
        self.images: dict[tuple, tuple[np.ndarray, int, int]] = {}
        self._ajouts: list[tuple[str, tuple]] = []  # (table, clé) ajoutés depuis :meth:`marquer`
        self.trouves = 0
        self.calcules = 0

    def __len__(self) -> int:
        return sum(len(getattr(self, nom)) for nom in self.TABLES)

    def garder(self, nom: str, cle: tuple, valeur: Any) -> None:
        if len(self) < self.TAILLE_MAX:
            getattr(self, nom)[cle] = valeur
            self._ajouts.append((nom, cle))

    def marquer(self) -> None:
        """Point de départ de :meth:`ajouts` (le processus de travail l'appelle avant chaque enfant)."""
        self._ajouts.clear()
        self.trouves = self.calcules = 0

    def ajouts(self) -> dict[str, dict]:
        """Ce qui a été appris depuis :meth:`marquer`, en types simples (à transmettre par ``pickle``)."""
        ajouts: dict[str, dict] = {nom: {} for nom in self.TABLES}
        for nom, cle in self._ajouts:
            table = getattr(self, nom)
            if cle in table:
                ajouts[nom][cle] = table[cle]
        return ajouts

    def reprendre(self, ajouts: dict[str, dict]) -> None:
        """Ajoute ce qu'un autre processus (un enfant) a appris, sans le compter comme appris ici."""
        for nom in self.TABLES:
            table = getattr(self, nom)
            for cle, valeur in ajouts.get(nom, {}).items():
                if len(self) >= self.TAILLE_MAX:
                    return
                table.setdefault(cle, valeur)

    def vider(self) -> None:
        for nom in self.TABLES:
            getattr(self, nom).clear()
        self.marquer()


MEMOIRE_TEXTES = MemoireTextes()


def _cle_police(prop: Any, dpi: float) -> tuple[list, tuple]:
    """Les fichiers de police de ``prop`` et la clé qui décrit sa mise en forme à cette résolution."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.font_manager import fontManager

    chemins = fontManager._find_fonts_by_props(prop)
    fichiers = tuple((str(chemin), getattr(chemin, "face_index", 0)) for chemin in chemins)
    return chemins, (fichiers, prop.get_size_in_points(), dpi, get_hinting_flag().value,
                     mpl.rcParams["text.kerning_factor"], mpl.rcParams["font.enable_last_resort"])


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

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        """La mesure de matplotlib, reprise de :data:`MEMOIRE_TEXTES` quand le texte y est déjà."""
        if ismath is not False:  # formule ou TeX : le calcul de matplotlib, tel quel
            return super().get_text_width_height_descent(s, prop, ismath)
        _chemins, police = _cle_police(prop, self.dpi)
        cle = (s, police)
        mesure = MEMOIRE_TEXTES.mesures.get(cle)
        if mesure is None:
            MEMOIRE_TEXTES.calcules += 1
            mesure = super().get_text_width_height_descent(s, prop, ismath)
            MEMOIRE_TEXTES.garder("mesures", cle, mesure)
        else:
            MEMOIRE_TEXTES.trouves += 1
        return mesure

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
                  mtext: Any = None) -> None:
        """Le dessin de matplotlib ; les glyphes placés du texte viennent de :data:`MEMOIRE_TEXTES` s'il y est."""
        if ismath or not RENDU_RAPIDE:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.font_manager import get_font

        chemins, police = _cle_police(prop, self.dpi)
        variantes = mtext.get_fontfeatures() if mtext is not None else None
        langue = mtext.get_language() if mtext is not None else None
        cle = (s, police, tuple(variantes) if variantes is not None else None, langue)
        premiere = get_font(chemins)
        places = MEMOIRE_TEXTES.glyphes.get(cle)
        if places is None:
            MEMOIRE_TEXTES.calcules += 1
            premiere.clear()
            premiere.set_size(prop.get_size_in_points(), self.dpi)
            elements = premiere._layout(s, flags=get_hinting_flag(), features=variantes, language=langue)
            if any(element.ft_object is not premiere for element in elements):  # police de repli : rare
                return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            places = tuple((e.glyph_index, e.x, e.y) for e in elements)
            MEMOIRE_TEXTES.garder("glyphes", cle, places)
        else:
            MEMOIRE_TEXTES.trouves += 1
        taille = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(gc, x, y, angle,
                                         [(premiere, taille, indice, 0, 1, gx, gy) for indice, gx, gy in places], [])
        return None

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
        matrices: dict[tuple[float, float], tuple[Any, tuple[int, ...]]] = {}
        tailles: dict[int, float] = {}
        poser = self._renderer.draw_text_image
        images = MEMOIRE_TEXTES.images
        reglage = drapeaux.value, lisse, self.dpi
        for police, taille, indice, pente, etirement, dx, dy in glyphs:  # dy vers le haut
            connue = matrices.get((pente, etirement))
            if connue is None:
                matrice = (rotation @ [[etirement, etirement * pente], [0, 1]]).round().astype(int)
                connue = matrices[(pente, etirement)] = matrice, tuple(matrice.ravel().tolist())
            matrice, cle_matrice = connue
            # Position du glyphe en 1/64 de pixel (le y de FreeType va vers le haut) : pixel entier et fraction.
            px, fx = divmod(round(0x40 * (x + dx * cos - dy * sin)), 0x40)
            py, fy = divmod(round(0x40 * (hauteur - y + dx * sin + dy * cos)), 0x40)
            cle = (police.fname, police.postscript_name, taille, indice, cle_matrice, fx, fy, reglage)
            image = images.get(cle)
            if image is None:
                if tailles.get(id(police)) != taille:
                    police.set_size(taille, self.dpi)
                    tailles[id(police)] = taille
                police._set_transform(matrice, [fx, fy])
                bitmap = police._render_glyph(indice, drapeaux, mode)
                tampon = bitmap.buffer
                if not lisse:
                    tampon *= 0xFF
                image = tampon.copy(), bitmap.left, bitmap.top
                MEMOIRE_TEXTES.garder("images", cle, image)
            tampon, gauche, haut = image
            poser(tampon, gauche + px, int(hauteur) - (haut + py) + tampon.shape[0], 0, gc)
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


def rendu_de(figure: Any) -> RendererAgg:
    """Le moteur de rendu qui mesure les textes de ``figure`` avant son dessin (un :class:`RenduAgg` si possible).

    Les mesures sont celles de matplotlib, au pixel près ; elles viennent de :data:`MEMOIRE_TEXTES`
    quand le texte y est déjà.
    """
    canevas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    preparer_canevas(canevas)
    return canevas.get_renderer()
