"""Le moteur de rendu rapide des figures du rapport donne les pixels de matplotlib, à l'identique."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

import clusterlib
from clusterlib.analyses import reseau
from clusterlib.donnees import echantillons
from clusterlib.graphiques import _rendu_agg, rendu_recadre
from clusterlib.graphiques.carte import dessiner_carte

pytestmark = pytest.mark.skipif(not _rendu_agg.RENDU_RAPIDE,
                                reason="matplotlib dont le rendu du texte diffère de celui que RenduAgg reprend")


def _figure_de_textes() -> Figure:
    """Tout ce que le texte de matplotlib sait faire : tailles, graisses, angles, formules, lissage, lignes."""
    figure = Figure(figsize=(5, 4), layout="constrained")
    axe = figure.add_subplot()
    axe.plot([0, 1, 2], [3, 1, 2], marker="o")
    axe.set_title("Valeur ajoutée (millions de FCFA)", fontweight="bold", fontsize=13)
    axe.set_xlabel("campagne 2025-2026 — Glazoué", style="italic")
    axe.set_ylabel("part (%)", rotation=90)
    axe.text(0.2, 2.5, "étiquette tournée de 33°", rotation=33, fontsize=8)
    axe.text(1.0, 2.8, r"formule $\frac{a}{b} + \sqrt{x}$", fontsize=11)
    axe.text(1.2, 1.5, "sans lissage\net deux lignes", antialiased=False, family="monospace")
    axe.text(0.5, 1.2, "étirée", fontstretch="condensed", fontsize=15, color="#D55E00", alpha=0.6)
    axe.annotate("flèche", xy=(1, 1), xytext=(1.5, 2.2), arrowprops={"arrowstyle": "->"})
    axe.legend(["série"], loc="lower right")
    figure.suptitle("Titre général de la figure")
    return figure


def _rendus(fabrique, monkeypatch: pytest.MonkeyPatch) -> tuple[np.ndarray, np.ndarray]:
    monkeypatch.setattr(_rendu_agg, "RENDU_RAPIDE", False)
    matplotlib_seul = rendu_recadre(fabrique(), 120, fond="white")
    monkeypatch.setattr(_rendu_agg, "RENDU_RAPIDE", True)
    rapide = rendu_recadre(fabrique(), 120, fond="white")
    assert matplotlib_seul is not None and rapide is not None
    return matplotlib_seul, rapide


def test_textes_de_toutes_sortes_memes_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    matplotlib_seul, rapide = _rendus(_figure_de_textes, monkeypatch)
    assert matplotlib_seul.shape == rapide.shape
    assert np.array_equal(matplotlib_seul, rapide)
    assert (matplotlib_seul[..., :3] < 128).any()  # du texte a bien été dessiné


def test_carte_memes_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    """La carte du rapport (soixante acteurs étiquetés) : la figure où le texte coûte le plus."""
    carte = reseau.reseau_carte(clusterlib.load(echantillons.chemin("riz-glazoue")))
    matplotlib_seul, rapide = _rendus(lambda: dessiner_carte(carte, style="valuelinks"), monkeypatch)
    assert np.array_equal(matplotlib_seul, rapide)


def test_le_rendu_rapide_sert_vraiment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Le rendu des figures du rapport passe par RenduAgg, et ses mesures de police sont reprises."""
    appels: list[int] = []
    mesurer = _rendu_agg.RenduAgg._get_font_height_metrics

    def compter(self: _rendu_agg.RenduAgg, prop: object) -> object:
        appels.append(len(self._hauteurs_polices))
        return mesurer(self, prop)

    monkeypatch.setattr(_rendu_agg.RenduAgg, "_get_font_height_metrics", compter)
    rendu_recadre(_figure_de_textes(), 100)
    assert len(appels) > 20
    assert max(appels) < 10  # une poignée de polices, chacune mesurée une fois


def test_autre_resolution_moteur_de_matplotlib() -> None:
    """Un canevas redessiné à une autre résolution reprend le moteur de matplotlib, sans reste du rendu rapide."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    figure = _figure_de_textes()
    canevas = FigureCanvasAgg(figure)
    _rendu_agg.preparer_canevas(canevas)
    assert isinstance(canevas.get_renderer(), _rendu_agg.RenduAgg)
    figure.dpi = 2 * mpl.rcParams["figure.dpi"]
    assert type(canevas.get_renderer()) is RendererAgg


def _carte() -> Figure:
    carte = reseau.reseau_carte(clusterlib.load(echantillons.chemin("riz-glazoue")))
    return dessiner_carte(carte, style="valuelinks")


def test_memoire_des_textes_memes_pixels(monkeypatch: pytest.MonkeyPatch) -> None:
    """Textes mis en forme une fois (mémoire vide, pleine, puis transmise par pickle) : les pixels de matplotlib."""
    import pickle

    memoire = _rendu_agg.MemoireTextes()
    monkeypatch.setattr(_rendu_agg, "MEMOIRE_TEXTES", memoire)
    monkeypatch.setattr(_rendu_agg, "RENDU_RAPIDE", False)
    reference = [rendu_recadre(f(), 120, fond="white") for f in (_figure_de_textes, _carte)]
    monkeypatch.setattr(_rendu_agg, "RENDU_RAPIDE", True)
    vide = [rendu_recadre(f(), 120, fond="white") for f in (_figure_de_textes, _carte)]
    assert memoire.calcules > 100 and len(memoire) > 100
    memoire.marquer()
    pleine = [rendu_recadre(f(), 120, fond="white") for f in (_figure_de_textes, _carte)]
    assert memoire.calcules == 0 and memoire.trouves > 100  # tout vient de la mémoire
    # Ce qu'un enfant transmet à son processus de travail, repris dans une mémoire neuve.
    memoire.marquer()
    appris = pickle.loads(pickle.dumps(_memoire_apprise(monkeypatch)))
    neuve = _rendu_agg.MemoireTextes()
    neuve.reprendre(appris)
    assert len(neuve) == sum(len(table) for table in appris.values()) > 100 and neuve.images
    monkeypatch.setattr(_rendu_agg, "MEMOIRE_TEXTES", neuve)
    transmise = [rendu_recadre(f(), 120, fond="white") for f in (_figure_de_textes, _carte)]
    assert neuve.calcules == 0
    for images in (vide, pleine, transmise):
        for attendu, obtenu in zip(reference, images, strict=True):
            assert attendu is not None and obtenu is not None
            assert attendu.shape == obtenu.shape and np.array_equal(attendu, obtenu)


def _memoire_apprise(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Ce qu'une mémoire vide apprend en dessinant les deux figures (comme un enfant du moteur de lot)."""
    memoire = _rendu_agg.MemoireTextes()
    monkeypatch.setattr(_rendu_agg, "MEMOIRE_TEXTES", memoire)
    for fabrique in (_figure_de_textes, _carte):
        rendu_recadre(fabrique(), 120, fond="white")
    return memoire.ajouts()


def test_memoire_des_textes_distingue_taille_graisse_et_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    monkeypatch.setattr(_rendu_agg, "MEMOIRE_TEXTES", _rendu_agg.MemoireTextes())
    mesures = {}
    for dpi in (100, 150):
        rendu = _rendu_agg.RenduAgg(200, 100, dpi)
        for taille in (9, 12):
            for graisse in ("normal", "bold"):
                prop = FontProperties(size=taille, weight=graisse)
                mesures[dpi, taille, graisse] = rendu.get_text_width_height_descent("Valeur ajoutée", prop, False)
                # La même mesure que le moteur de matplotlib.
                assert mesures[dpi, taille, graisse] == RendererAgg(200, 100, dpi).get_text_width_height_descent(
                    "Valeur ajoutée", prop, False)
    assert len(set(mesures.values())) == len(mesures)


def test_texte_d_une_police_de_repli_dessine_comme_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    """Un glyphe absent de la police (idéogramme, symbole) : texte non gardé en mémoire, pixels de matplotlib."""
    import warnings

    def figure() -> Figure:
        f = Figure(figsize=(3, 1))
        f.text(0.05, 0.4, "Coopérative 漢字 ✓ → ok", fontsize=10)
        return f

    memoire = _rendu_agg.MemoireTextes()
    monkeypatch.setattr(_rendu_agg, "MEMOIRE_TEXTES", memoire)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # « Glyph … missing from font(s) »
        monkeypatch.setattr(_rendu_agg, "RENDU_RAPIDE", False)
        reference = rendu_recadre(figure(), 120, fond="white")
        monkeypatch.setattr(_rendu_agg, "RENDU_RAPIDE", True)
        rapides = [rendu_recadre(figure(), 120, fond="white") for _ in range(2)]
    for rapide in rapides:
        assert reference is not None and rapide is not None and np.array_equal(reference, rapide)


def test_memoire_des_textes_bornee(monkeypatch: pytest.MonkeyPatch) -> None:
    memoire = _rendu_agg.MemoireTextes()
    monkeypatch.setattr(memoire, "TAILLE_MAX", 5)
    for i in range(10):
        memoire.garder("mesures", (str(i),), (1.0, 1.0, 0.0))
    assert len(memoire) == 5 and len(memoire.ajouts()["mesures"]) == 5
    memoire.reprendre({"mesures": {("autre",): (2.0, 2.0, 0.0)}})
    assert len(memoire) == 5


def test_image_d_un_glyphe_decalee_d_un_nombre_entier_de_pixels() -> None:
    """Ce sur quoi repose la mémoire des images de glyphes : FreeType rend le même glyphe, décalé d'autant,
    quand sa position change d'un nombre entier de pixels (tailles, graisses, angles, avec et sans lissage)."""
    import random

    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.font_manager import FontProperties, fontManager, get_font
    from matplotlib.ft2font import RenderMode

    tirage = random.Random(3)
    for graisse in ("normal", "bold"):
        police = get_font(fontManager._find_fonts_by_props(FontProperties(weight=graisse)))
        for taille in (6.5, 9, 14):
            police.set_size(taille, 150)
            for angle in (0, 90, 33):
                cos, sin = np.cos(np.radians(angle)), np.sin(np.radians(angle))
                matrice = (0x10000 * np.array([[cos, -sin], [sin, cos]])).round().astype(int)
                for _ in range(40):
                    glyphe = police.get_char_index(ord(tirage.choice("aéèbgFHJKMpqwxyz0123456789%,(«’-")))
                    fx, fy = tirage.randrange(64), tirage.randrange(64)
                    ix, iy = tirage.randrange(-50, 3000), tirage.randrange(-50, 3000)
                    for mode in (RenderMode.NORMAL, RenderMode.MONO):
                        police._set_transform(matrice, [fx, fy])
                        image = police._render_glyph(glyphe, get_hinting_flag(), mode)
                        attendu = image.buffer.copy(), image.left + ix, image.top + iy
                        police._set_transform(matrice, [64 * ix + fx, 64 * iy + fy])
                        image = police._render_glyph(glyphe, get_hinting_flag(), mode)
                        assert np.array_equal(image.buffer, attendu[0])
                        assert (image.left, image.top) == attendu[1:]
