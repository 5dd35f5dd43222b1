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
