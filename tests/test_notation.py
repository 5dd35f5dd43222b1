"""Tests du moteur de notation de la grille (clusterlib.analyses.notation), avec des valeurs calculées à la main."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import NOMS_EXEMPLES, exemple, phrases, table

from clusterlib import referentiel
from clusterlib.analyses import notation
from clusterlib.analyses.notation import mesures
from clusterlib.donnees.modele import Cluster, Fiche
from clusterlib.presentation.notation import table_suggestions

# --- Données faites à la main ------------------------------------------------------------------
#
# Campagne 2024-2025
#   1.1 : A=1, B=3 → 2 (écart 2 : désaccord) ; 1.2 : A=2 → 2 ; 1.3 : A=4, B=4, C=3 → 11/3 ; 1.4 non noté
#   axe 1 = (2 + 2 + 11/3) / 3 = 23/9 ; 2.1 : A=1 → axe 2 = 1 ; 3.1..3.4 = 4, 4, 3, 3 → axe 3 = 3,5
#   axes 4, 5, 6 non évalués → note globale = (23/9 + 1 + 3,5) / 3 = 63,5/27 ; couverture 8/24
# Campagne 2025-2026
#   1.1 : A=3, B=3 ; 1.2 : 2 ; 1.3 : 4 ; 1.4 : 1 → axe 1 = 2,5 ; 2.1 : 1 → axe 2 = 1
#   3.1..3.4 = 4, 3, 3, 2 → axe 3 = 3 ; 4.1 : 2 → axe 4 = 2 ; globale = (2,5 + 1 + 3 + 2) / 4 = 2,125


def suggestions_redigees(cluster: Cluster, campagne: str | None = None) -> pd.DataFrame:
    """Les suggestions avec la raison que rédige ``presentation.notation``."""
    return table_suggestions(notation.suggestions(cluster, campagne))


def _notes(lignes: list[tuple[str, str, int, str]]) -> pd.DataFrame:
    return table("scores", [(*ligne, "fait observé") for ligne in lignes],
                 ["campagne", "indicateur", "score", "evaluateur", "justification"])


@pytest.fixture
def notes() -> pd.DataFrame:
    return _notes([
        ("2024-2025", "1.1", 1, "A"), ("2024-2025", "1.1", 3, "B"),
        ("2024-2025", "1.2", 2, "A"),
        ("2024-2025", "1.3", 4, "A"), ("2024-2025", "1.3", 4, "B"), ("2024-2025", "1.3", 3, "C"),
        ("2024-2025", "2.1", 1, "A"),
        ("2024-2025", "3.1", 4, "A"), ("2024-2025", "3.2", 4, "A"),
        ("2024-2025", "3.3", 3, "A"), ("2024-2025", "3.4", 3, "A"),
        ("2025-2026", "1.1", 3, "A"), ("2025-2026", "1.1", 3, "B"),
        ("2025-2026", "1.2", 2, "A"), ("2025-2026", "1.3", 4, "A"), ("2025-2026", "1.4", 1, "A"),
        ("2025-2026", "2.1", 1, "A"),
        ("2025-2026", "3.1", 4, "A"), ("2025-2026", "3.2", 3, "A"),
        ("2025-2026", "3.3", 3, "A"), ("2025-2026", "3.4", 2, "A"),
        ("2025-2026", "4.1", 2, "A"),
    ])


# --- Indicateurs, axes, note globale -------------------------------------------------------


def test_indicateurs_moyenne_ecart_et_desaccord(notes):
    ind = notation.scores_indicateurs(notes, "2024-2025").set_index("indicateur")
    assert len(ind) == 24
    assert ind.loc["1.1", "score"] == 2.0
    assert ind.loc["1.1", "ecart"] == 2.0 and bool(ind.loc["1.1", "desaccord"])
    assert ind.loc["1.1", "nb_evaluateurs"] == 2
    assert ind.loc["1.3", "score"] == pytest.approx(11 / 3)
    assert ind.loc["1.3", "ecart"] == 1.0 and not bool(ind.loc["1.3", "desaccord"])
    assert ind.loc["1.3", "niveau"] == 4 and ind.loc["1.3", "libelle"] == "Fort"
    # Un indicateur non noté reste vide : jamais zéro.
    assert pd.isna(ind.loc["1.4", "score"]) and ind.loc["1.4", "nb_evaluateurs"] == 0
    assert pd.isna(ind.loc["1.4", "niveau"]) and pd.isna(ind.loc["1.4", "libelle"])
    assert not bool(ind.loc["1.4", "desaccord"])
    assert ind.loc["1.1", "pourcentage"] == pytest.approx(100 / 3)
    assert ind.loc["3.1", "nom_court"] == "Contrats avec les producteurs"


def test_axes_et_note_globale(notes):
    axes = notation.scores_axes(notes, "2024-2025").set_index("axe")
    assert axes.loc[1, "score"] == pytest.approx(23 / 9)
    assert axes.loc[1, "nb_indicateurs"] == 3 and axes.loc[1, "couverture"] == 0.75
    assert axes.loc[2, "score"] == 1.0 and axes.loc[2, "couverture"] == 0.25
    assert axes.loc[3, "score"] == 3.5
    assert axes.loc[[4, 5, 6], "score"].isna().all()
    assert (axes.loc[[4, 5, 6], "nb_indicateurs"] == 0).all()
    assert axes.loc[1, "libelle"] == "Satisfaisant" and axes.loc[2, "libelle"] == "Très faible"
    assert notation.score_global(notes, "2024-2025") == pytest.approx(63.5 / 27)
    assert notation.score_global(notes, "2025-2026") == pytest.approx(2.125)


def test_campagne_par_defaut_est_la_derniere(notes):
    assert notation.score_global(notes) == pytest.approx(2.125)


def test_couverture_et_manquants(notes):
    c = notation.couverture(notes, "2024-2025")
    assert c["nb_notes"] == 8 and c["nb_indicateurs"] == 24
    assert c["taux"] == pytest.approx(8 / 24)
    attendus = ["1.4", "2.2", "2.3", "2.4"] + [f"{a}.{i}" for a in (4, 5, 6) for i in (1, 2, 3, 4)]
    assert c["manquants"] == attendus


def test_notes_par_evaluateur(notes):
    large = notation.notes_par_evaluateur(notes, "2024-2025").set_index("indicateur")
    assert list(large.columns) == ["A", "B", "C", "ecart"]
    assert large.loc["1.1", "A"] == 1 and large.loc["1.1", "B"] == 3 and large.loc["1.1", "ecart"] == 2
    assert pd.isna(large.loc["1.2", "B"])


def test_evaluateur_absent_compte_comme_une_note():
    notes = _notes([("2025-2026", "1.1", 2, None), ("2025-2026", "1.1", 4, "A")])
    ind = notation.scores_indicateurs(notes).set_index("indicateur")
    assert ind.loc["1.1", "score"] == 3.0 and ind.loc["1.1", "nb_evaluateurs"] == 2


def test_niveaux_et_bornes():
    valeurs = pd.Series([1.0, 1.74, 1.75, 2.49, 2.5, 3.2499, 3.25, 4.0, np.nan])
    assert notation.niveaux(valeurs).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, pd.NA]
    # Une moyenne de trois notes qui tombe juste sur une borne garde son niveau malgré l'arrondi.
    assert notation.niveau((2 + 3 + 2.5) / 3) == 3
    assert notation.niveau(None) is None and notation.libelle_niveau(float("nan")) is None
    assert [notation.libelle_niveau(v) for v in (1, 2, 3, 4)] == ["Très faible", "Faible", "Satisfaisant", "Fort"]
    assert notation.pourcentage_score(1) == 0 and notation.pourcentage_score(4) == 100
    assert notation.pourcentage_score(2.5) == 50 and notation.pourcentage_score(None) is None


def test_niveaux_lus_dans_le_referentiel():
    niveaux = referentiel.niveaux_notes()
    assert niveaux["min"].tolist() == [1.0, 1.75, 2.5, 3.25]
    assert niveaux["max"].tolist() == [1.75, 2.5, 3.25, 4.0]
    assert niveaux["pourcentage_min"].tolist() == [0, 25, 50, 75]


def test_les_entrees_ne_sont_pas_modifiees(notes):
    copie = notes.copy()
    notation.scores_indicateurs(notes, "2024-2025")
    notation.evolution(notes)
    notation.scores_banque(notes.assign(cluster="x"))
    pd.testing.assert_frame_equal(notes, copie)


# --- Synthèse pour les rapports ---------------------------------------------------------------


def test_synthese_scores(notes):
    s = notation.synthese_scores(notes, "2024-2025")
    assert set(s) == {"global", "couverture", "axes", "indicateurs", "niveau"}
    assert s["global"] == pytest.approx(63.5 / 27)
    assert s["couverture"] == pytest.approx(1 / 3)
    assert list(s["axes"]) == ["1", "2", "3", "4", "5", "6"]
    assert s["axes"]["1"] == pytest.approx(23 / 9) and s["axes"]["4"] is None
    assert len(s["indicateurs"]) == 24 and s["indicateurs"]["1.4"] is None
    assert s["indicateurs"]["1.1"] == 2.0 and isinstance(s["indicateurs"]["1.1"], float)
    assert s["niveau"] == "Faible"


def _cluster(scores: pd.DataFrame | None, campagne: str = "2025-2026", **tables) -> Cluster:
    acteurs = tables.pop("acteurs", pd.DataFrame({"id": ["P1"], "nom": ["P"], "maillon": ["producteur"]}))
    relations = tables.pop("relations", pd.DataFrame(columns=[
        "source", "cible", "type", "contrat", "respect", "volume", "unite", "prix_unitaire", "depuis"]))
    agregateur = tables.pop("agregateur", None)
    fiche = Fiche(id="essai", nom="Cluster d'essai", filiere="riz", campagne=campagne, agregateur=agregateur)
    return Cluster(fiche=fiche, acteurs=acteurs, relations=relations, scores=scores, **tables)


def test_synthese_cluster_sans_notes_ne_invente_rien(notes):
    vide = notation.synthese_scores(_cluster(None))
    assert vide["global"] is None and vide["niveau"] is None and vide["couverture"] == 0.0
    assert all(v is None for v in vide["axes"].values())
    assert all(v is None for v in vide["indicateurs"].values())
    # Campagne connue du cluster (sa campagne en cours) mais pas encore notée : résumé vide aussi.
    cluster = _cluster(notes[notes["campagne"] == "2024-2025"])
    assert notation.synthese_scores(cluster)["global"] is None
    assert notation.synthese_scores(cluster, "2024-2025")["global"] == pytest.approx(63.5 / 27)
    with pytest.raises(notation.CampagneAbsente, match="2019-2020"):
        notation.synthese_scores(cluster, "2019-2020")


# --- Évolution, priorités --------------------------------------------------------------------


def test_evolution_par_indicateur(notes):
    evo = notation.evolution(notes, "2025-2026").set_index("indicateur")
    assert evo.attrs["reference"] == "2024-2025"
    assert evo.loc["1.1", "delta"] == 1.0 and evo.loc["1.1", "tendance"] == "hausse"
    assert evo.loc["1.2", "tendance"] == "stable"
    assert evo.loc["1.3", "delta"] == pytest.approx(1 / 3) and evo.loc["1.3", "tendance"] == "hausse"
    assert evo.loc["3.2", "tendance"] == "baisse"
    assert pd.isna(evo.loc["1.4", "delta"]) and evo.loc["1.4", "tendance"] == "non comparable"
    assert set(evo["tendance"]) <= set(notation.TENDANCES)


def test_evolution_par_axe_et_globale(notes):
    evo = notation.evolution(notes, par="axe").set_index("axe")
    assert evo.loc[1, "delta"] == pytest.approx(2.5 - 23 / 9) and evo.loc[1, "tendance"] == "stable"
    assert evo.loc[3, "tendance"] == "baisse" and evo.loc[2, "tendance"] == "stable"
    assert evo.loc[4, "tendance"] == "non comparable" and evo.loc[5, "tendance"] == "non comparable"
    globale = notation.evolution(notes, par="global").iloc[0]
    assert globale["delta"] == pytest.approx(2.125 - 63.5 / 27)
    assert globale["tendance"] == "stable"


def test_evolution_sans_campagne_precedente(notes):
    with pytest.raises(notation.CampagneAbsente, match="aucune campagne notée avant 2024-2025"):
        notation.evolution(notes, "2024-2025")


def test_priorites(notes):
    prio = notation.priorites(notes, "2025-2026")
    assert prio["indicateur"].tolist() == ["2.1", "1.4", "4.1", "1.2", "3.4"]
    assert prio["rang"].tolist() == [1, 2, 3, 4, 5]
    assert prio["sous_seuil"].all()
    axes = notation.priorites(notes, "2025-2026", par="axe")
    assert axes["axe"].tolist() == [2, 4]
    assert notation.priorites(notes, "2025-2026", n=2)["indicateur"].tolist() == ["2.1", "1.4"]


# --- Plusieurs campagnes, plusieurs clusters --------------------------------------------------


def test_scores_campagnes(notes):
    histo = notation.scores_campagnes(notes)
    assert histo.index.tolist() == ["2024-2025", "2025-2026"]
    assert histo.loc["2024-2025", "global"] == pytest.approx(63.5 / 27)
    assert histo.loc["2025-2026", "axe_4"] == 2.0 and pd.isna(histo.loc["2024-2025", "axe_4"])
    assert histo.loc["2024-2025", "couverture"] == pytest.approx(8 / 24)
    assert histo.loc["2025-2026", "libelle"] == "Faible"
    assert histo.loc["2024-2025", "1.3"] == pytest.approx(11 / 3)


def test_banque_vectorisee_egale_les_calculs_un_par_un(notes):
    autre = _notes([("2025-2026", "5.1", 4, "X"), ("2025-2026", "5.2", 2, "X"), ("2025-2026", "6.1", 3, "Y")])
    banque = pd.concat([notes.assign(cluster="alpha"), autre.assign(cluster="beta")], ignore_index=True)
    resultat = notation.scores_banque(banque)
    assert resultat.index.tolist() == [("alpha", "2024-2025"), ("alpha", "2025-2026"), ("beta", "2025-2026")]
    assert resultat.loc[("alpha", "2024-2025"), "global"] == pytest.approx(63.5 / 27)
    assert resultat.loc[("beta", "2025-2026"), "axe_5"] == 3.0
    assert resultat.loc[("beta", "2025-2026"), "global"] == 3.0  # (3 + 3) / 2
    assert resultat.loc[("beta", "2025-2026"), "couverture"] == pytest.approx(3 / 24)
    assert resultat.loc[("beta", "2025-2026"), "niveau"] == 3


def test_comparer_clusters(notes):
    autre = _notes([("2025-2026", "1.1", 4, "X"), ("2024-2025", "1.1", 1, "X")])
    vide = _notes([("2024-2025", "2.2", 3, "X")])
    comp = notation.comparer_clusters({"alpha": notes, "beta": autre, "gamma": vide}, "2025-2026")
    assert comp.index.tolist() == ["alpha", "beta", "gamma"]
    assert comp.loc["alpha", "global"] == pytest.approx(2.125)
    assert comp.loc["beta", "global"] == 4.0 and comp.loc["beta", "1.1"] == 4.0
    assert pd.isna(comp.loc["gamma", "global"]) and comp.loc["gamma", "couverture"] == 0.0
    assert comp.loc["alpha", "campagne"] == "2025-2026"
    # Sans campagne : chacun sa dernière campagne notée.
    chacun = notation.comparer_clusters({"beta": autre, "gamma": vide})
    assert chacun.loc["gamma", "campagne"] == "2024-2025" and chacun.loc["gamma", "2.2"] == 3.0
    with pytest.raises(notation.CampagneAbsente, match="2030-2031"):
        notation.comparer_clusters({"alpha": notes}, "2030-2031")


# --- Mauvaises entrées --------------------------------------------------------------------------


def test_campagne_absente_message_en_francais(notes):
    with pytest.raises(notation.CampagneAbsente) as info:
        notation.scores_indicateurs(notes, "2030-2031")
    assert isinstance(info.value, ValueError)
    assert "campagne « 2030-2031 » absente" in str(info.value)
    assert "campagnes disponibles : 2024-2025, 2025-2026" in str(info.value)
    with pytest.raises(notation.CampagneAbsente, match="aucune campagne"):
        notation.scores_indicateurs(_notes([]))


def test_table_construite_a_la_main_invalide(notes):
    with pytest.raises(notation.ScoresInvalides, match="hors de l'échelle"):
        notation.scores_axes(_notes([("2025-2026", "1.1", 5, "A")]))
    with pytest.raises(notation.ScoresInvalides, match="inconnu"):
        notation.scores_axes(_notes([("2025-2026", "7.1", 2, "A")]))
    with pytest.raises(notation.ScoresInvalides, match="colonne"):
        notation.scores_axes(notes.drop(columns="score"))
    with pytest.raises(ValueError, match="par = « maillon » inconnu"):
        notation.evolution(notes, par="maillon")


# --- Suggestions tirées des données ------------------------------------------------------------


@pytest.fixture
def cluster_donnees() -> Cluster:
    acteurs = pd.DataFrame({
        "id": ["P1", "P2", "P3", "T1", "F1", "S1"],
        "nom": ["OP 1", "OP 2", "OP 3", "Union", "Fournisseur", "Caisse"],
        "maillon": ["producteur", "producteur", "producteur", "transformateur",
                    "fournisseur_intrants_transformation", "services_financiers"],
    })
    relations = pd.DataFrame({
        "source": ["P1", "P2", "P3", "F1", "S1"],
        "cible": ["T1", "T1", "T1", "T1", "T1"],
        "type": ["produit", "produit", "produit", "intrants", "credit"],
        "contrat": ["ecrit", "verbal", "aucun", "ecrit", "verbal"],
        "respect": [90.0, 60.0, np.nan, 80.0, 100.0],
        "volume": [60.0, 30.0, 10.0, 5.0, 1.0],
        "unite": ["tonne", "tonne", "tonne", "sac", "prêt"],
    })
    performances = pd.DataFrame({
        "campagne": ["2023-2024", "2024-2025", "2025-2026", "2025-2026"],
        "marche": ["M1", "M1", "M1", "M2"],
        "volume": [100.0, 90.0, 80.0, 40.0],
        "unite": ["tonne"] * 4,
        "taux_conformite": [80.0, 85.0, 70.0, 100.0],
        "pertes": [12.0, 10.0, 4.0, 10.0],
    })
    scores = _notes([("2025-2026", "3.1", 2, "A"), ("2025-2026", "3.1", 3, "B"), ("2025-2026", "5.4", 4, "A")])
    return _cluster(scores, acteurs=acteurs, relations=relations, performances=performances, agregateur="T1")


def test_suggestions_valeurs_calculees_a_la_main(cluster_donnees):
    s = suggestions_redigees(cluster_donnees).set_index("indicateur")
    assert s.index.tolist() == ["3.1", "3.2", "3.3", "3.4", "5.1", "5.2", "5.4", "6.2", "6.3"]
    # 3.1 : 60 t sous contrat écrit sur 100 t livrées → 60 % → niveau 3 (50 à moins de 80 %)
    assert s.loc["3.1", "valeur"] == pytest.approx(60) and s.loc["3.1", "score_suggere"] == 3
    # 3.2 : respect pondéré (90 × 60 + 60 × 30) / 90 = 80 % → niveau 3
    assert s.loc["3.2", "valeur"] == pytest.approx(80) and s.loc["3.2", "score_suggere"] == 3
    # 3.3 : 1 contrat écrit sur 2 fournitures à l'agrégateur → 50 % → niveau 3 ; 3.4 : (80 + 100) / 2 = 90 → 4
    assert s.loc["3.3", "valeur"] == pytest.approx(50) and s.loc["3.3", "score_suggere"] == 3
    assert s.loc["3.4", "valeur"] == pytest.approx(90) and s.loc["3.4", "score_suggere"] == 4
    # 5.1 : 100 t → 120 t = +20 % → niveau 3
    assert s.loc["5.1", "valeur"] == pytest.approx(20) and s.loc["5.1", "score_suggere"] == 3
    # 5.2 : (70 × 80 + 100 × 40) / 120 = 80 % → 3 ; 80 % en 2023-2024, pas de baisse
    assert s.loc["5.2", "valeur"] == pytest.approx(80) and s.loc["5.2", "score_suggere"] == 3
    # 5.4 : (4 × 80 + 10 × 40) / 120 = 6 % → niveau 3 (plus de 5 et jusqu'à 10 %)
    assert s.loc["5.4", "valeur"] == pytest.approx(6) and s.loc["5.4", "score_suggere"] == 3
    # La note des évaluateurs est montrée à côté, jamais remplacée.
    assert s.loc["3.1", "score_evaluateurs"] == 2.5 and s.loc["3.1", "ecart"] == 0.5
    assert s.loc["5.4", "score_evaluateurs"] == 4 and s.loc["5.4", "ecart"] == -1
    assert pd.isna(s.loc["3.2", "score_evaluateurs"])
    assert notation.scores_indicateurs(cluster_donnees).set_index("indicateur").loc["5.4", "score"] == 4
    # Sans table comptes : pas de suggestion pour 6.2 et 6.3, et on dit pourquoi.
    assert pd.isna(s.loc["6.2", "score_suggere"]) and "pas de table comptes" in s.loc["6.2", "raison"]
    assert "60,0" in s.loc["3.1", "raison"] and "contrat écrit" in s.loc["3.1", "raison"]
    assert s["regle"].str.len().gt(50).all()


def test_suggestion_volumes_plafonnee_si_recul(cluster_donnees):
    perf = cluster_donnees.performances.copy()
    perf.loc[3, "volume"] = 50.0  # 2025-2026 : 130 t, +30 % mais recul en 2024-2025
    cluster = _cluster(cluster_donnees.scores, acteurs=cluster_donnees.acteurs, relations=cluster_donnees.relations,
                       performances=perf, agregateur="T1")
    s = suggestions_redigees(cluster).set_index("indicateur")
    assert s.loc["5.1", "valeur"] == pytest.approx(30) and s.loc["5.1", "score_suggere"] == 3
    assert "recul" in s.loc["5.1", "raison"]


def test_suggestion_qualite_en_baisse_perd_un_niveau(cluster_donnees):
    perf = cluster_donnees.performances.copy()
    perf.loc[0, "taux_conformite"] = 86.0  # 86 % → 80 % : 6 points de baisse
    cluster = _cluster(None, acteurs=cluster_donnees.acteurs, relations=cluster_donnees.relations,
                       performances=perf, agregateur="T1")
    s = suggestions_redigees(cluster).set_index("indicateur")
    assert s.loc["5.2", "score_suggere"] == 2 and "baisse" in s.loc["5.2", "raison"]


def test_suggestions_autre_campagne_et_campagne_inconnue(cluster_donnees):
    s = suggestions_redigees(cluster_donnees, "2024-2025").set_index("indicateur")
    assert pd.isna(s.loc["3.1", "score_suggere"]) and "campagne en cours" in s.loc["3.1", "raison"]
    # 5.1 pour 2024-2025 : 100 t → 90 t = −10 % → niveau 2 (de −10 % à moins de +10 %)
    assert s.loc["5.1", "valeur"] == pytest.approx(-10) and s.loc["5.1", "score_suggere"] == 2
    with pytest.raises(notation.CampagneAbsente, match="campagnes disponibles"):
        suggestions_redigees(cluster_donnees, "2030-2031")


def test_suggestions_sans_agregateur_ni_performances():
    acteurs = pd.DataFrame({"id": ["P1", "C1"], "nom": ["OP", "Commerçante"], "maillon": ["producteur", "commercant"]})
    relations = pd.DataFrame({"source": ["P1"], "cible": ["C1"], "type": ["produit"], "contrat": ["verbal"],
                              "respect": [70.0], "volume": [np.nan], "unite": ["tonne"]})
    s = suggestions_redigees(_cluster(None, acteurs=acteurs, relations=relations)).set_index("indicateur")
    # 3.1 sans agrégateur : toutes les livraisons des producteurs ; aucune sous contrat écrit → 0 % → 1
    assert s.loc["3.1", "valeur"] == 0 and s.loc["3.1", "score_suggere"] == 1
    assert s.loc["3.2", "valeur"] == 70 and s.loc["3.2", "score_suggere"] == 2
    assert pd.isna(s.loc["3.3", "score_suggere"]) and "agrégateur" in s.loc["3.3", "raison"]
    assert pd.isna(s.loc["5.1", "score_suggere"]) and "performances" in s.loc["5.1", "raison"]


def test_suggestions_valeur_ajoutee_par_le_crochet(cluster_donnees, monkeypatch):
    va = pd.DataFrame({
        "campagne": ["2023-2024", "2023-2024", "2025-2026", "2025-2026"],
        "maillon": ["producteur", "transformateur"] * 2,
        "valeur_ajoutee": [100.0, 100.0, 150.0, 100.0],
    })
    monkeypatch.setattr(mesures, "_comptes_par_maillon", lambda cluster: va)
    cluster = _cluster(None, acteurs=cluster_donnees.acteurs, relations=cluster_donnees.relations,
                       comptes=pd.DataFrame({"campagne": ["2025-2026"]}), agregateur="T1")
    s = suggestions_redigees(cluster).set_index("indicateur")
    # 6.2 : 200 → 250 = +25 % → 4 ; 6.3 : le producteur capte 150 / 250 = 60 % → 3
    assert s.loc["6.2", "valeur"] == pytest.approx(25) and s.loc["6.2", "score_suggere"] == 4
    assert s.loc["6.3", "valeur"] == pytest.approx(60) and s.loc["6.3", "score_suggere"] == 3
    va_negative = va.assign(valeur_ajoutee=[100.0, 100.0, -10.0, 100.0])
    monkeypatch.setattr(mesures, "_comptes_par_maillon", lambda cluster: va_negative)
    s = suggestions_redigees(cluster).set_index("indicateur")
    assert s.loc["6.3", "score_suggere"] == 1 and "négative" in s.loc["6.3", "raison"]


def test_niveau_seuils():
    assert [notation.niveau_seuils(v, [20, 50, 80]) for v in (0, 19.9, 20, 50, 79.9, 80, 100)] == [1, 1, 2, 3, 3, 4, 4]
    assert [notation.niveau_seuils(v, [20, 10, 5], "decroissant") for v in (30, 20, 10.1, 10, 5, 0)] == [
        1, 2, 2, 3, 4, 4]


# --- Référentiel de la grille ------------------------------------------------------------------


def test_referentiel_complet():
    grille = referentiel.grille()
    tables = set(referentiel.tables())
    indicateurs = [i for a in grille["axes"] for i in a["indicateurs"]]
    assert len(grille["axes"]) == 6 and len(indicateurs) == 24
    for i in indicateurs:
        assert set(i["niveaux"]) == {1, 2, 3, 4}, i["id"]
        assert all(len(str(t).split()) >= 5 for t in i["niveaux"].values()), i["id"]
        assert len(i["mesure"].split()) >= 8 and i["preuves"] and i["nom_court"], i["id"]
        assert set(i["tables"]) <= tables, i["id"]
        if "suggestion" in i:
            r = i["suggestion"]
            assert r["mesure"] in mesures._MESURES and len(r["seuils"]) == 3 and r["regle"], i["id"]
            assert r.get("sens", "croissant") in ("croissant", "decroissant")
    assert {i["id"] for i in indicateurs if "suggestion" in i} >= {"3.1", "3.2", "5.1", "5.2", "5.4", "6.2", "6.3"}
    assert len(referentiel.descripteurs()) == 96
    assert set(grille["echelle"]["libelles"]) == {1, 2, 3, 4}


# --- Clusters d'exemple : le moteur rejoint un calcul direct, sans pandas ----------------------


def _calcul_direct(scores: pd.DataFrame, campagne: str) -> dict:
    """Recalcul en Python pur des règles de la grille, pour contrôler le moteur vectorisé."""
    par_indicateur: dict[str, list[float]] = {}
    for c, i, s in zip(scores["campagne"], scores["indicateur"], scores["score"], strict=True):
        if c == campagne:
            par_indicateur.setdefault(i, []).append(float(s))
    moyennes = {i: sum(v) / len(v) for i, v in par_indicateur.items()}
    axes = {}
    for a in range(1, 7):
        notees = [m for i, m in moyennes.items() if i.startswith(f"{a}.")]
        axes[str(a)] = sum(notees) / len(notees) if notees else None
    notees = [v for v in axes.values() if v is not None]
    return {"global": sum(notees) / len(notees) if notees else None, "axes": axes,
            "couverture": len(moyennes) / 24, "indicateurs": moyennes}


@pytest.mark.parametrize("nom", ["riz-glazoue", "ananas-allada", "soja-djidja", "piment-dynamique-emergente"])
def test_clusters_d_exemple(nom):
    cluster = exemple(nom)
    assert cluster.scores is not None, "l'exemple doit avoir des notes"
    for campagne in sorted(cluster.scores["campagne"].unique()):
        attendu = _calcul_direct(cluster.scores, campagne)
        obtenu = notation.synthese_scores(cluster, campagne)
        assert obtenu["global"] == pytest.approx(attendu["global"])
        assert obtenu["couverture"] == pytest.approx(attendu["couverture"])
        for a, v in attendu["axes"].items():
            assert (obtenu["axes"][a] is None) if v is None else obtenu["axes"][a] == pytest.approx(v)
        for i, v in obtenu["indicateurs"].items():
            assert (v is None) if i not in attendu["indicateurs"] else v == pytest.approx(attendu["indicateurs"][i])
        assert obtenu["niveau"] == notation.libelle_niveau(attendu["global"])
    s = suggestions_redigees(cluster)
    assert s["score_suggere"].dropna().between(1, 4).all()
    assert not s["raison"].isna().any()


def test_riz_glazoue_2023_2024_a_la_main():
    """Quelques valeurs lues dans data/samples/riz-glazoue/scores.csv et calculées à la main."""
    cluster = exemple("riz-glazoue")
    s = notation.synthese_scores(cluster, "2023-2024")
    # 5.3 et 6.3 ne sont pas notés en 2023-2024 : 22 indicateurs sur 24.
    assert s["indicateurs"]["5.3"] is None and s["indicateurs"]["6.3"] is None
    assert s["couverture"] == pytest.approx(22 / 24)
    # Axe 6 : 6.1 = 1, 6.2 = 2, 6.4 = 2 → 5/3 ; 3.2 : coach externe 2, coach interne 3 → 2,5
    assert s["axes"]["6"] == pytest.approx(5 / 3)
    assert s["indicateurs"]["3.2"] == 2.5
    assert not math.isnan(s["global"])


# --- Des nombres et des codes ; la raison dans presentation.notation -------------------------


@pytest.mark.parametrize("nom", NOMS_EXEMPLES)
def test_suggestions_sans_phrase(nom):
    """Chaque suggestion porte une valeur, un code et ses faits ; seule la règle (référentiel) est un texte."""
    cluster = exemple(nom)
    for campagne in cluster.campagnes():
        s = notation.suggestions(cluster, campagne)
        assert "raison" not in s.columns
        saisis = {u for f in s["faits"] for u in (f.get("unite"),) if u}
        assert phrases(s, saisis) == []


def test_raisons_redigees_comme_avant(cluster_donnees):
    s = notation.suggestions(cluster_donnees).set_index("indicateur")
    assert s.loc["3.1", "cas"] == "part_contrat_ecrit"
    assert s.loc["3.1", "faits"] == {"volume": 100.0, "unite": "tonne", "perimetre": "producteurs_agregateur",
                                     "agregateur": "T1"}
    r = table_suggestions(s.reset_index()).set_index("indicateur")["raison"]
    assert r["3.1"] == ("60,0\u202f% du volume livré (100,0 tonne) sous contrat écrit ; livraisons des producteurs "
                        "à l'agrégateur (T1)")
    assert r["6.2"] == "pas de table comptes"
    assert list(table_suggestions(s.reset_index()).columns) == [
        "indicateur", "nom", "score_evaluateurs", "score_suggere", "ecart", "valeur", "raison", "regle"]
