"""Compétitivité QQRP par marché (clusterlib.analyses.qqrp) : attendus calculés à la main."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import NOMS_EXEMPLES, exemple, phrases, table, textes_saisis
from matplotlib.figure import Figure

import clusterlib
import clusterlib.donnees.echantillons
from clusterlib.analyses import qqrp as Q
from clusterlib.graphiques.qqrp import graphique_qqrp
from clusterlib.presentation import qqrp as T

COLONNES = ["campagne", "marche", "produit", "volume", "unite", "prix_moyen", "taux_conformite",
            "livraisons_prevues", "livraisons_a_temps", "pertes"]


def perf(lignes: list[tuple]) -> pd.DataFrame:
    return table("performances", lignes, COLONNES)


LIGNES = [
    ("2023-2024", "Supermarchés", "riz blanchi", 100, "tonne", 500_000, 80, 10, 8, 10),
    ("2024-2025", "Supermarchés", "riz blanchi", 90, "tonne", 550_000, 90, 12, 12, 8),
    ("2024-2025", "Supermarchés", "riz complet", 30, "tonne", 450_000, 70, 4, 2, 6),
    ("2025-2026", "Supermarchés", "riz blanchi", 121, "tonne", 560_000, 95, 12, 11, 5),
    ("2025-2026", "Cantines", "riz blanchi", 50, "tonne", 480_000, 100, 5, 5, 4),
    ("2025-2026", "Cantines", "son de riz", 2000, "kg", 100, None, None, None, None),
]


@pytest.fixture
def performances() -> pd.DataFrame:
    return perf(LIGNES)


def test_qqrp_par_marche(performances):
    q = Q.qqrp_par_marche(performances)
    assert list(q.columns) == Q.COLONNES_QQRP
    sup = q[q["marche"] == "Supermarchés"].set_index("campagne")
    assert sup["volume"].tolist() == [100, 120, 121]
    # 2024-2025 : deux produits de même unité additionnés, moyennes pondérées par les volumes.
    assert sup.loc["2024-2025", "produits"] == "riz blanchi; riz complet"
    assert sup.loc["2024-2025", "prix_moyen"] == pytest.approx((90 * 550_000 + 30 * 450_000) / 120)  # 525 000
    assert sup.loc["2024-2025", "taux_conformite"] == pytest.approx((90 * 90 + 30 * 70) / 120)  # 85
    assert sup.loc["2024-2025", "regularite"] == pytest.approx(14 / 16 * 100)  # 87,5
    assert sup.loc["2024-2025", "valeur"] == 90 * 550_000 + 30 * 450_000
    assert sup.loc["2024-2025", "evolution_volume"] == pytest.approx(20)
    assert math.isnan(sup.loc["2023-2024", "evolution_volume"])
    assert sup.loc["2023-2024", "regularite"] == 80


def test_unites_differentes_non_additionnees(performances):
    q = Q.qqrp_par_marche(performances)
    cantines = q[q["marche"] == "Cantines"].set_index("unite")
    assert cantines.loc["tonne", "volume"] == 50
    assert cantines.loc["kg", "volume"] == 2000
    assert math.isnan(cantines.loc["kg", "regularite"])  # aucune livraison prévue renseignée
    assert math.isnan(cantines.loc["kg", "taux_conformite"])


def test_ligne_ensemble(performances):
    q = Q.qqrp_par_marche(performances, ensemble=True)
    ens = q[q["ensemble"] & (q["campagne"] == "2025-2026") & (q["unite"] == "tonne")].iloc[0]
    assert ens["volume"] == 171
    assert ens["regularite"] == pytest.approx(16 / 17 * 100)
    assert bool(q["ensemble"].iloc[-1]) and q["marche"].iloc[-1] == ""


def test_resume_qqrp(performances):
    r = Q.resume_qqrp(performances)
    assert r["marche"].tolist() == ["Supermarchés", "Cantines", "Cantines", "", ""]
    assert r["ensemble"].tolist() == [False, False, False, True, True]
    sup = r.iloc[0]
    assert sup["volume"] == 121
    assert sup["evolution_volume"] == pytest.approx(121 / 120 * 100 - 100)
    assert sup["croissance_annuelle"] == pytest.approx(10)  # 100 → 121 en deux ans : +10 % par an
    assert sup["evolution_prix"] == pytest.approx(560_000 / 525_000 * 100 - 100)
    ancienne = Q.resume_qqrp(performances, "2024-2025").iloc[0]
    assert ancienne["croissance_annuelle"] == pytest.approx(20)  # calculée jusqu'à cette campagne


def test_tableau_qqrp_a_la_francaise(performances):
    t = T.tableau_qqrp(Q.resume_qqrp(performances))
    sup = t.iloc[0]
    assert sup["Marché"] == "Supermarchés"
    assert sup["Quantité livrée"] == "121\u202ftonne"
    assert sup["Croissance par an"] == "+10,0\u202f%"
    assert sup["Qualité (conformité)"] == "95,0\u202f%"
    assert sup["Régularité (à temps)"] == "91,7\u202f%"
    assert sup["Prix moyen"] == "560\u202f000\u202fFCFA/tonne"
    kg = t[t["Quantité livrée"] == "2\u202f000\u202fkg"].iloc[0]
    assert kg["Régularité (à temps)"] == "—"


def test_sans_performances():
    assert Q.qqrp_par_marche(None).empty
    assert Q.resume_qqrp(perf([])).empty
    assert T.tableau_qqrp(Q.resume_qqrp(None)).empty
    assert isinstance(graphique_qqrp(Q.qqrp_par_marche(None)), Figure)


def test_echantillon_riz_glazoue():
    cluster = clusterlib.load(clusterlib.donnees.echantillons.chemin("riz-glazoue"))
    q = Q.qqrp_par_marche(cluster)
    sup = q[(q["marche"] == "Supermarchés de Cotonou") & (q["campagne"] == "2025-2026")].iloc[0]
    assert sup["regularite"] == pytest.approx(22 / 24 * 100)
    assert sup["volume"] == 125


def test_graphique_qqrp(performances):
    figure = graphique_qqrp(Q.qqrp_par_marche(performances, ensemble=True))
    assert len(figure.axes) == 4
    titres = [a.get_title(loc="left") for a in figure.axes]
    assert titres[1].startswith("Qualité") and titres[2].startswith("Régularité")
    # La ligne « Ensemble des marchés » n'est pas tracée : une courbe par (marché, unité).
    assert len(figure.axes[0].get_lines()) == 3


# --- Des nombres ; le tableau à la française dans presentation.qqrp ---------------------------


@pytest.mark.parametrize("nom", NOMS_EXEMPLES)
def test_qqrp_sans_phrase(nom):
    """Les résultats ne portent que des nombres et les textes saisis (marchés, produits, unités)."""
    cluster = exemple(nom)
    q = Q.qqrp_par_marche(cluster, ensemble=True)
    saisis = textes_saisis(cluster) | set(q["produits"])  # produits saisis, séparés par « ; »
    assert phrases(q, saisis) == [] and phrases(Q.resume_qqrp(cluster), saisis) == []
    assert q["ensemble"].dtype == bool and q.loc[q["ensemble"], "marche"].eq("").all()


def test_tableau_qqrp_ligne_ensemble(performances):
    """La présentation nomme la ligne d'ensemble comme le faisait l'analyse."""
    t = T.tableau_qqrp(Q.resume_qqrp(performances))
    assert t["Marché"].tolist() == ["Supermarchés", "Cantines", "Cantines", "Ensemble des marchés",
                                    "Ensemble des marchés"]
    assert "171\u202ftonne" in t["Quantité livrée"].tolist()[3:]
