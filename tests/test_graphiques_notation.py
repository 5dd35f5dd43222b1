"""Tests des graphiques de la grille : ce qui est dessiné correspond aux notes calculées."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest
from conftest import exemple
from matplotlib.patches import Rectangle

from clusterlib.analyses import notation
from clusterlib.graphiques import NIVEAUX_COULEURS, enregistrer
from clusterlib.graphiques import notation as g


def _notes(lignes):
    cadre = pd.DataFrame(lignes, columns=["campagne", "indicateur", "score", "evaluateur"])
    return cadre.assign(justification="")


@pytest.fixture
def notes() -> pd.DataFrame:
    # 2024-2025 : 1.1 = (1 + 3) / 2 = 2 (désaccord), 3.1 = 4, 5.4 = 1 ; 2025-2026 : 1.1 = 3, 3.1 = 4, 6.4 = 2
    return _notes([
        ("2024-2025", "1.1", 1, "A"), ("2024-2025", "1.1", 3, "B"), ("2024-2025", "3.1", 4, "A"),
        ("2024-2025", "5.4", 1, "A"),
        ("2025-2026", "1.1", 3, "A"), ("2025-2026", "3.1", 4, "A"), ("2025-2026", "6.4", 2, "A"),
    ])


def _textes(figure) -> list[str]:
    return [t.get_text() for ax in figure.axes for t in ax.texts] + [
        t.get_text() for ax in figure.axes for t in ax.get_xticklabels() + ax.get_yticklabels()]


def test_barres_une_barre_par_indicateur_note(notes):
    ind = notation.scores_indicateurs(notes, "2024-2025")
    figure = g.barres_indicateurs(ind)
    ax = figure.axes[0]
    barres = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() > 0 and p.get_height() < 1]
    assert sorted(round(b.get_width(), 6) for b in barres) == [1.0, 2.0, 4.0]
    # Couleur et motif du niveau : 1.1 = 2 → niveau 2 ; 5.4 = 1 → niveau 1.
    par_largeur = {round(b.get_width(), 6): b for b in barres}
    assert matplotlib.colors.to_hex(par_largeur[2.0].get_facecolor()) == NIVEAUX_COULEURS[2].lower()
    assert par_largeur[1.0].get_hatch() == g.HACHURES[1] and par_largeur[4.0].get_hatch() == g.HACHURES[4]
    textes = _textes(figure)
    assert textes.count("non évalué") == 21
    assert "2   écart 2" in textes  # désaccord signalé
    assert "3.1  Contrats avec les producteurs" in textes
    assert "Axe 1 · Gouvernance" in textes


def test_radar_avec_campagne_precedente(notes):
    axes = notation.scores_axes(notes, "2025-2026")
    avant = notation.scores_axes(notes, "2024-2025")
    figure = g.radar_axes(axes, avant, "2025-2026", "2024-2025")
    ax = figure.axes[0]
    assert len(ax.lines) == 2
    courante = ax.lines[1].get_ydata()
    np.testing.assert_allclose(courante[:6], [3, np.nan, 4, np.nan, np.nan, 2])
    etiquettes = [t.get_text() for t in ax.get_xticklabels()]
    assert etiquettes[0] == "1. Gouvernance\n3 (avant : 2)"
    assert "non évalué" in etiquettes[1]
    legende = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legende == ["2024-2025", "2025-2026"]


def test_radar_sans_note():
    axes = notation.scores_axes(_notes([("2025-2026", "1.1", 2, "A")]))
    axes = axes.assign(score=np.nan)
    assert "Aucun axe évalué" in _textes(g.radar_axes(axes))[0]


def test_evolution_sept_courbes(notes):
    histo = notation.scores_campagnes(notes)
    figure = g.evolution_campagnes(histo)
    ax = figure.axes[0]
    courbes = [ligne for ligne in ax.lines if ligne.get_label() and not ligne.get_label().startswith("_")]
    noms = [c.get_label() for c in courbes]
    # Axes notés au moins une fois : 1, 3, 5, 6 ; plus la note globale.
    assert noms == ["1. Gouvernance", "3. Contractualisation", "5. Quantité et qualité",
                    "6. Valeur ajoutée et emploi", "Note globale"]
    globale = courbes[-1].get_ydata()
    np.testing.assert_allclose(globale, [(2 + 4 + 1) / 3, (3 + 4 + 2) / 3])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024-2025\nnote globale : 2,33",
                                                             "2025-2026\nnote globale : 3"]
    styles = {(str(c.get_linestyle()), c.get_marker(), c.get_linewidth()) for c in courbes}
    assert len(styles) == len(courbes)  # chaque courbe reconnaissable sans la couleur


def test_carte_de_chaleur(notes):
    autre = _notes([("2025-2026", "1.1", 1, "X"), ("2025-2026", "2.2", 4, "X")])
    comp = notation.comparer_clusters({"alpha": notes, "beta": autre}, "2025-2026")
    figure = g.carte_chaleur(comp, noms={"alpha": "Cluster Alpha"})
    textes = [t.get_text() for t in figure.axes[0].texts]
    assert len(textes) == 48
    assert textes[:3] == ["3", "–", "–"] and textes[24] == "1"
    assert textes.count("–") == 48 - 5
    lignes = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    assert lignes == ["Cluster Alpha", "beta"]
    motifs = {p.get_hatch() for p in figure.axes[0].patches}
    assert motifs == {g.HACHURES[1], g.HACHURES[2], g.HACHURES[3], g.HACHURES[4]} - {None}
    axes = g.carte_chaleur(comp, colonnes="axes")
    valeurs = [t.get_text() for t in axes.axes[0].texts]
    assert valeurs[:7] == ["3", "–", "4", "–", "–", "2", "3"]


def test_niveaux_distincts_en_gris():
    # Les niveaux 1 et 4 ont presque la même clarté : le motif les distingue.
    assert len(set(g.HACHURES.values())) == 4
    assert g.HACHURES[1] != g.HACHURES[4]


def test_carte_chaleur_html():
    tableau = pd.DataFrame({
        "cluster": ["a", "b"], "nom": ["Riz <Glazoué>", "Piment"], "score_global": [3.333, None],
        **{f"axe_{k}": [3.25, None] for k in range(1, 7)},
    })
    page = g.carte_chaleur_html(tableau)
    assert "Riz &lt;Glazoué&gt;" in page
    assert "3,25" in page and "3,33" in page and "—" in page
    assert f"background:{NIVEAUX_COULEURS[4]}" in page and 'title="Fort"' in page
    assert "1. Gouvernance" in page and "Note globale" in page


NOMS = ["riz-glazoue", "ananas-allada", "soja-djidja", "piment-dynamique-emergente"]


@pytest.mark.parametrize("nom", NOMS)
def test_graphiques_de_chaque_exemple_et_campagne(nom, tmp_path):
    cluster = exemple(nom)
    assert cluster.scores is not None, "l'exemple doit avoir des notes"
    campagnes = sorted(cluster.scores["campagne"].unique())
    histo = notation.scores_campagnes(cluster)
    assert enregistrer(g.evolution_campagnes(histo), tmp_path / "evolution.png", dpi=60).stat().st_size > 0
    precedente = None
    for campagne in campagnes:
        ind = notation.scores_indicateurs(cluster, campagne)
        axes = notation.scores_axes(cluster, campagne)
        radar = g.radar_axes(axes, precedente, campagne)
        barres = g.barres_indicateurs(ind)
        ax = barres.axes[0]
        barres_dessinees = [p for p in ax.patches if isinstance(p, Rectangle) and 0 < p.get_height() < 1]
        assert len(barres_dessinees) == ind["score"].notna().sum()
        np.testing.assert_allclose(sorted(b.get_width() for b in barres_dessinees),
                                   sorted(ind["score"].dropna()))
        np.testing.assert_allclose(radar.axes[0].lines[-1].get_ydata()[:6], axes["score"].to_numpy(dtype=float))
        if campagne == campagnes[-1]:  # une image de chaque sorte suffit à vérifier l'enregistrement
            enregistrer(radar, tmp_path / f"radar-{campagne}.png", dpi=60)
            enregistrer(barres, tmp_path / f"barres-{campagne}.png", dpi=60)
        precedente = axes
