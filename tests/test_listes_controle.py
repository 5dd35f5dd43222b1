"""Tests des listes de contrôle du coach : référentiels, notation, classement, phases, formulaires."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import creer_cluster, exemple, phrases, textes_saisis

import clusterlib
from clusterlib import referentiel
from clusterlib.analyses import listes_controle as lc
from clusterlib.formulaires import listes_controle as fl
from clusterlib.presentation import listes_controle as tl

LISTES = ["prealables", "facteurs_reussite", "facteurs_echec", "cluster_fonctionnel", "coach_externe",
          "coach_interne", "autonomie"]
SOURCES = {"prealables": "4.1", "facteurs_reussite": "3.6", "facteurs_echec": "3.6", "cluster_fonctionnel": "annexe 1",
           "coach_externe": "5.2", "coach_interne": "5.2", "autonomie": "tableau 16"}


# --- Référentiels ------------------------------------------------------------------------------------


def test_toutes_les_listes_sont_au_referentiel() -> None:
    assert lc.noms_listes() == LISTES


@pytest.mark.parametrize("nom", LISTES)
def test_referentiel_de_chaque_liste(nom: str) -> None:
    d = lc.definition(nom)
    assert SOURCES[nom] in d["source"]  # chaque liste renvoie à sa section du guide
    it = lc.items(nom)
    assert it["id"].is_unique and len(it) >= 5
    assert (it["libelle"].str.len() > 0).all() and (it["question"].str.len() > 10).all()
    assert (it["libelle"].str.len() <= 45).all()  # étiquette courte, lue par les lecteurs d'écran
    assert (it["poids"] > 0).all()
    seuils = [v["min"] for v in d["verdicts"]]
    assert seuils == sorted(seuils, reverse=True) and seuils[-1] == 0


def test_nombre_d_elements_du_guide() -> None:
    assert len(lc.items("prealables")) == 5          # les 4 conditions et la connaissance de la filière
    assert len(lc.items("facteurs_reussite")) == 21
    assert len(lc.items("facteurs_echec")) == 9
    assert len(lc.items("cluster_fonctionnel")) == 8
    assert len(lc.items("autonomie")) == 9
    assert lc.phases()["phase"].drop_duplicates().tolist() == [
        "initialisation", "cristallisation", "developpement", "veille_anticipation"]


# --- Notation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("nom", LISTES)
def test_tout_oui_tout_non(nom: str) -> None:
    ech = lc.echelle(nom)
    ids = list(lc.items(nom)["id"])
    haut = lc.noter(nom, dict.fromkeys(ids, ech["code"].iloc[-1]))
    bas = lc.noter(nom, dict.fromkeys(ids, ech["code"].iloc[0]))
    assert haut.score == 100 and bas.score == 0
    verdicts = lc.definition(nom)["verdicts"]
    assert haut.verdict == verdicts[0]["code"] and bas.verdict == verdicts[-1]["code"]
    assert haut.complet and not haut.non_renseignes


def test_score_pondere_calcule_a_la_main() -> None:
    # P0 (poids 1) oui = 2/2, P1 (3) oui = 6/6, P2 (1) non = 0/2, P3 (3) en partie = 3/6, P4 (2) oui = 4/4
    r = lc.noter("prealables", {"P0": "oui", "P1": "Oui", "P2": False, "P3": "en partie", "P4": 2})
    assert r.score == pytest.approx(100 * 15 / 20)
    assert r.verdict == "partiels"
    assert list(r.details["points"]) == [2, 6, 0, 3, 4]
    assert list(tl.tableau_liste(r)["Points"]) == ["2 / 2", "6 / 6", "0 / 2", "3 / 6", "4 / 4"]


def test_prealable_essentiel_absent() -> None:
    r = lc.noter("prealables", {"P0": "oui", "P1": "non", "P2": "oui", "P3": "oui", "P4": "oui"})
    assert r.score == pytest.approx(100 * 14 / 20)
    assert r.verdict == "non_reunis"
    assert r.essentiels_absents == ("P1",)
    assert tl.message_liste(r) == (lc.definition("prealables")["regle_essentiel"]
                                   + " (« Marché pour les produits finis »)")
    # le leader n'est pas essentiel : son absence ne bloque pas
    r2 = lc.noter("prealables", {"P0": "oui", "P1": "oui", "P2": "non", "P3": "oui", "P4": "oui"})
    assert r2.score == 90 and r2.verdict == "reunis" and not r2.essentiels_absents


def test_liste_incomplete() -> None:
    r = lc.noter("prealables", {"P1": "oui", "P3": "oui", "P4": "oui"})
    assert r.verdict == "incomplet" and r.essentiels_vides == ("P0",)
    assert tl.message_liste(r) == ("Réponses insuffisantes pour conclure : renseignez d'abord "
                                   "P0 (Filière bien connue).")
    r = lc.noter("cluster_fonctionnel", {"F1": "oui", "F2": "oui", "F3": "non"})
    assert r.verdict == "incomplet" and r.score == pytest.approx(100 * 4 / 6)
    vide = lc.noter("autonomie", {})
    assert math.isnan(vide.score) and vide.verdict == "incomplet"


def test_facteurs_d_echec_score_de_risque() -> None:
    r = lc.noter("facteurs_echec", {f"E{i}": ("oui" if i <= 3 else "non") for i in range(1, 10)})
    assert r.sens == "defavorable"
    assert r.score == pytest.approx(100 * 3 / 9)
    assert r.verdict == "modere"
    bilan = lc.bilan_facteurs({"R01": "non", "R02": "en_partie", "R03": "oui"}, {"E4": "en_partie", "E7": "oui"})
    assert list(bilan["id"]) == ["E7", "E4", "R01", "R02"]


@pytest.mark.parametrize(("reponses", "extrait"), [
    ({"P9": "oui"}, "élément(s) P9 inconnu(s) dans la liste « prealables »"),
    ({"P1": "peut-être"}, "réponse « peut-être » inconnue pour l'élément P1"),
    ({"P1": 7}, "réponse « 7 » inconnue"),
])
def test_reponses_invalides(reponses: dict, extrait: str) -> None:
    with pytest.raises(lc.ErreurListe, match=re.escape(extrait)):
        lc.noter("prealables", reponses)


def test_liste_inconnue() -> None:
    with pytest.raises(lc.ErreurListe, match="liste de contrôle « profil » inconnue"):
        lc.noter("profil", {})


# --- Recrutement ---------------------------------------------------------------------------------------


def test_classement_des_candidats_calcule_a_la_main() -> None:
    notes = pd.DataFrame([
        # Awa : CE01 (poids 2) bon = 2, CE02 (2) moyenne de 3 et 1 = 2, CE05 (1) très bon = 3
        ("Awa", "j1", "CE01", "bon"), ("Awa", "j1", "CE02", "tres_bon"), ("Awa", "j2", "CE02", "faible"),
        ("Awa", "j1", "CE05", 3),
        # Koffi : diplôme insuffisant (éliminatoire)
        ("Koffi", "j1", "CE01", "insuffisant"), ("Koffi", "j1", "CE02", "tres_bon"),
        # Zoé et Paul : même score (ex aequo)
        ("Zoé", "j1", "CE01", "tres_bon"), ("Zoé", "j1", "CE02", "bon"),
        ("Paul", "j1", "CE01", "bon"), ("Paul", "j1", "CE02", "tres_bon"),
    ], columns=["candidat", "evaluateur", "critere", "note"])
    brut = lc.classer_candidats(notes, "coach_externe")
    c = tl.table_candidats(brut, "coach_externe").set_index("candidat")
    assert c.loc["Awa", "score"] == pytest.approx(100 * (2 * 2 + 2 * 2 + 1 * 3) / (3 * 5))
    assert c.loc["Zoé", "score"] == c.loc["Paul", "score"] == pytest.approx(100 * 10 / 12)
    assert c.loc["Zoé", "rang"] == c.loc["Paul", "rang"] == 1
    assert c.loc["Awa", "rang"] == 3
    assert bool(c.loc["Koffi", "ecarte"]) and pd.isna(c.loc["Koffi", "rang"])
    assert "CE01 Diplôme bac + 3 au moins" in c.loc["Koffi", "motif"]
    assert c.loc["Koffi", "verdict"] == "Écarté" and brut.set_index("candidat").loc["Koffi", "verdict"] == "ecarte"
    assert brut.set_index("candidat").loc["Koffi", "eliminatoires_sous_seuil"] == {"CE01": 0.0}
    assert c.loc["Awa", "desaccords"] == "CE02"  # 3 et 1 : deux points d'écart
    assert c.loc["Awa", "evaluateurs"] == 2 and c.loc["Awa", "criteres_notes"] == "3/14"
    assert "critère(s) éliminatoire(s) non noté(s) : CE03" in c.loc["Zoé", "motif"]
    assert list(lc.classer_candidats(notes, "coach_externe")["candidat"])[-1] == "Koffi"


def test_classement_depuis_un_dictionnaire() -> None:
    c = lc.classer_candidats({"A": {"CI02": "bon", "CI03": "bon"}, "B": {"CI02": "faible", "CI03": "insuffisant"}},
                             "coach_interne")
    assert list(c["candidat"]) == ["A", "B"] and list(c["ecarte"]) == [False, True]


def test_classement_erreurs() -> None:
    with pytest.raises(lc.ErreurListe, match="critère\\(s\\) CI99 inconnu\\(s\\)"):
        lc.classer_candidats({"A": {"CI99": "bon"}}, "coach_interne")
    with pytest.raises(lc.ErreurListe, match="profil « coach » inconnu"):
        lc.classer_candidats({}, "coach")
    with pytest.raises(lc.ErreurListe, match="colonne\\(s\\) note absente"):
        lc.classer_candidats(pd.DataFrame({"candidat": ["A"], "critere": ["CI02"]}), "coach_interne")


# --- Phases de l'ONUDI -------------------------------------------------------------------------------


def test_placement_dans_les_phases() -> None:
    p = lc.placer_phase({"I1": "oui", "I2": "oui", "C1": "oui", "C2": "en_partie", "D3": "oui"},
                        {"D3": "Essais variétaux avec l'INRAB"})
    scores = p.scores.set_index("phase")["score"]
    assert scores.to_dict() == pytest.approx({"initialisation": 100, "cristallisation": 75,
                                              "developpement": 100 / 3, "veille_anticipation": 0})
    assert p.phase == "developpement"  # les deux premières phases sont acquises (≥ 75 %)
    assert tl.message_phase(p) == ("Le cluster se situe dans la phase « Développement » (1 indice(s) sur 3), "
                                   "après les phases acquises : initialisation, cristallisation.")
    assert p.preuves.set_index("id").loc["D3", "justification"] == "Essais variétaux avec l'INRAB"
    assert "aide à discuter" in p.avertissement and "pas un verdict" in p.avertissement


def test_phase_non_acquise_et_ecarts() -> None:
    p = lc.placer_phase({"I1": "oui", "I2": "non", "C1": "oui", "D2": "oui"})
    assert p.phase == "initialisation"
    assert p.ecarts == (("cristallisation", "initialisation"), ("developpement", "initialisation"))
    assert tl.ecarts_phase(p)[0] == ("des indices de la phase « Cristallisation » sont présents alors que la phase "
                                     "« Initialisation » n'est pas acquise : à discuter")
    rien = lc.placer_phase({})
    assert rien.phase == "initialisation" and tl.message_phase(rien).startswith("Aucun indice observé")
    tout = lc.placer_phase(dict.fromkeys(lc.phases()["id"], "oui"))
    assert tout.phase == "veille_anticipation" and not tout.ecarts


def test_indices_tires_des_donnees(tmp_path: Path) -> None:
    plan = [["id", "action", "changement_vise", "objet", "moyens", "responsable", "structures_appui", "debut", "fin",
             "budget", "statut", "indicateur", "cible", "realise"],
            ["A1", "Magasin", "", "transformateur", "", "Union", "", "2025-01", "2025-12", "15000000", "en_cours",
             "", "", ""],
            ["A2", "Contrats", "", "producteur", "", "Union", "", "2025-01", "2025-03", "100000", "realisee", "", "",
             ""]]
    cluster = clusterlib.load(creer_cluster(tmp_path / "c", plan_actions=plan))
    brut = lc.indices_phase(cluster)
    seuil = float(referentiel.lire("listes_controle.yml")["phases"]["regles"]["actions_envergure"]["budget_min"])
    assert brut.set_index("id").loc["D1", "faits"] == {"seuil": seuil, "actions": ("A1",)}
    ind = tl.table_indices(brut).set_index("id")
    assert ind.loc["I1", "suggestion"] == "non"          # pas d'analyse FFOM
    assert ind.loc["I2", "suggestion"] == "en_partie"    # agrégateur, mais 3 relations commerciales (< 5)
    assert ind.loc["C1", "suggestion"] == "non"          # aucun coach déclaré
    assert ind.loc["C2", "suggestion"] == "en_partie"    # 1 action réalisée (< 3)
    assert ind.loc["D1", "suggestion"] == "oui" and "A1" in ind.loc["D1", "constat"]
    assert ind.loc["V1", "suggestion"] == "" and "Ne se lit pas" in ind.loc["V1", "constat"]
    assert ind.loc["C2", "constat"] == "1 action(s) réalisée(s) sur 2 au plan."
    assert lc.reponses_suggerees(brut)["V1"] is None


def test_prealables_donnees_et_coach_cote_a_cote() -> None:
    diagnostic = pd.DataFrame({
        "prealable": ["marche", "leader", "relations", "territoire"],
        "verdict": ["oui", "partiellement", None, "non"],
        "libelle_verdict": ["Oui", "En partie", "Non calculable", "Non"],
        "preuve": ["3 débouchés", "pas d'agrégateur", "", "acteurs dispersés"],
    })
    reponses = lc.reponses_depuis_donnees(diagnostic)
    assert reponses == {"P1": "oui", "P2": "en_partie", "P3": None, "P4": "non"}
    r = lc.noter("prealables", {**reponses, "P0": "oui", "P3": "oui", "P4": "oui"})
    c = lc.comparer_prealables(diagnostic, r).set_index("id")
    assert bool(c.loc["P1", "accord"]) and not bool(c.loc["P4", "accord"])
    assert pd.isna(c.loc["P3", "accord"]) and pd.isna(c.loc["P0", "accord"])
    assert pd.isna(c.loc["P0", "donnees"])
    assert tl.table_comparaison_prealables(c).loc["P0", "donnees"] == "(ne se lit pas dans les données)"


def test_enregistrer_et_relire(tmp_path: Path) -> None:
    chemin = lc.enregistrer_reponses(tmp_path / "r" / "prealables.csv", "prealables", {"P1": "oui", "P2": None},
                                     {"P1": "Contrats avec deux supermarchés"}, evaluateur="Coach")
    reponses, justifs = lc.lire_reponses(chemin)
    assert reponses == {"P1": "oui", "P2": None} and justifs == {"P1": "Contrats avec deux supermarchés"}
    assert list(tmp_path.joinpath("r").iterdir()) == [chemin]  # pas de fichier temporaire laissé
    with pytest.raises(lc.ErreurListe, match="fichier de réponses introuvable"):
        lc.lire_reponses(tmp_path / "absent.csv")


# --- Formulaires ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nom", [n for n in LISTES if not n.startswith("coach")])
def test_formulaire_de_chaque_liste(nom: str, tmp_path: Path) -> None:
    f = fl.formulaire_liste(nom, chemin=tmp_path / f"{nom}.csv")
    assert set(f.boutons) == set(lc.items(nom)["id"])
    premier = next(iter(f.boutons.values()))
    assert premier.description == lc.items(nom)["libelle"].iloc[0]  # étiquette lue par les lecteurs d'écran
    assert [o[1] for o in premier.options] == list(lc.echelle(nom)["code"])
    for b in f.boutons.values():
        b.value = "oui"
    assert f.resultat().score == 100
    assert "100 %" in f.resultat_html.value
    assert f.enregistrer() == tmp_path / f"{nom}.csv"
    assert lc.lire_reponses(tmp_path / f"{nom}.csv")[0] == dict.fromkeys(f.boutons, "oui")


@pytest.mark.parametrize("profil", ["coach_externe", "coach_interne"])
def test_formulaire_du_jury(profil: str, tmp_path: Path) -> None:
    f = fl.formulaire_candidats(profil, chemin=tmp_path / "jury.csv")
    premier, second = list(f.boutons)[:2]
    assert not f.ajouter()  # pas de nom : rien n'est ajouté
    f.candidat.value, f.evaluateur.value = "Awa", "Jury 1"
    f.boutons[premier].value, f.boutons[second].value = "tres_bon", "bon"
    assert f.ajouter()
    f.candidat.value = "Koffi"
    f.boutons[premier].value = "faible"
    assert f.ajouter()
    c = f.classement()
    assert list(c["candidat"]) == ["Awa", "Koffi"]
    assert "Classement" in f.classement_html.value and "Awa" in f.classement_html.value
    assert (tmp_path / "jury.csv").exists()
    assert f.boutons[premier].value is None  # grille remise à zéro pour le candidat suivant


def test_formulaire_des_phases(tmp_path: Path) -> None:
    cluster = clusterlib.load(creer_cluster(tmp_path / "c"))
    f = fl.formulaire_phase(cluster)
    assert f.boutons["I2"].value == "en_partie"  # agrégateur, mais 3 relations commerciales seulement
    for i in ("I1", "I2", "C1", "C2"):
        f.boutons[i].value = "oui"
    f.justifications["C2"].value = "Plan 2025 réalisé aux deux tiers"
    p = f.placement()
    assert p.phase == "cristallisation"
    assert "Plan 2025 réalisé" in p.preuves.set_index("id").loc["C2", "justification"]
    assert "pas un verdict" in f.resultat_html.value


# --- Des nombres et des codes ; les phrases dans presentation.listes_controle -------------------


def test_analyses_des_listes_sans_phrase() -> None:
    """Les résultats ne portent que des codes, des nombres, des libellés du référentiel et des textes saisis."""
    cluster = exemple("riz-glazoue")
    saisis = textes_saisis(cluster)
    notes = {"A": {"CE01": "insuffisant", "CE02": "bon"}, "B": {"CE02": "bon"}, "C": dict.fromkeys(
        lc.items("coach_externe")["id"], "tres_bon")}
    indices = lc.indices_phase(cluster)
    resultats = [
        lc.noter("prealables", {"P0": "oui", "P1": "non"}), lc.noter("prealables", {"P1": "oui"}),
        lc.noter("facteurs_echec", {f"E{i}": "oui" for i in range(1, 8)}),
        lc.classer_candidats(notes, "coach_externe"),
        lc.placer_phase({"I1": "oui", "C1": "oui", "D2": "oui"}), lc.placer_phase({}),
        lc.placer_phase(lc.reponses_suggerees(indices)),
        lc.bilan_facteurs({"R01": "non"}, {"E4": "oui"}),
    ]
    for resultat in resultats:
        assert phrases(resultat) == [], resultat
    assert phrases(indices, saisis) == []
    assert set(indices["cas"]) <= {"non_lisible", "ffom_absente", "ffom_presente", "reseau_sans_agregateur",
                                   "reseau_avec_agregateur", "coachs_absents", "coachs_presents", "plan_absent",
                                   "plan_realisees", "envergure_absente", "envergure_presente", "marches_absents",
                                   "marches_presents", "recherche_absente", "recherche_liee"}


def test_presentation_des_listes_redige_comme_avant() -> None:
    """Les phrases rédigées à partir des codes sont celles que rendait l'analyse avant le partage."""
    r = lc.noter("facteurs_echec", {f"E{i}": "oui" for i in range(1, 8)})
    assert tl.message_liste(r) == ("Risque d'échec élevé : traiter en priorité les facteurs présents. "
                                   "(2 élément(s) sans réponse, exclus du score.)")
    assert tl.message_liste(lc.noter("autonomie", {})).startswith("Réponses insuffisantes pour conclure")
    p = lc.placer_phase({"I1": "oui", "I2": "oui", "C1": "oui", "C2": "oui"})
    assert tl.message_phase(p) == ("Le cluster se situe dans la phase « Cristallisation » (2 indice(s) sur 2), "
                                   "après les phases acquises : initialisation. Cette phase est bien avancée : "
                                   "la suivante est « Développement ».")
    indices = lc.indices_phase(exemple("riz-glazoue"))
    constats = tl.table_indices(indices).set_index("id")["constat"]
    assert constats["V1"] == "Ne se lit pas dans les données : à apprécier en réunion."
    c = tl.table_candidats(lc.classer_candidats({"A": {"CE01": "insuffisant", "CE02": "bon"}, "B": {"CE02": "bon"}},
                                                "coach_externe"), "coach_externe").set_index("candidat")
    assert c.loc["A", "motif"] == "CE01 Diplôme bac + 3 au moins (note 0,0)"
    assert c.loc["B", "motif"].startswith("critère(s) éliminatoire(s) non noté(s) : CE01")
    assert c.loc["B", "verdict"] == "Profil adapté." and c.loc["B", "criteres_notes"] == "1/14"
