"""Tests du formulaire de notation (ipywidgets), pilotés sans navigateur : on règle les contrôles,
on déclenche l'enregistrement et on relit le fichier."""

from __future__ import annotations

import shutil
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import pytest

import clusterlib
from clusterlib import referentiel
from clusterlib.analyses import notation
from clusterlib.formulaires.notation import ErreurFormulaire, FormulaireNotation, enregistrer_notes

IDS = referentiel.indicateurs()["indicateur"].tolist()

SCORES_INITIAUX = (
    "campagne;indicateur;score;justification;evaluateur\n"
    "2024-2025;1.1;2;Comité peu actif, deux réunions;Coach externe\n"
    "2024-2025;1.2;3;Plan écrit;Coach externe\n"
    "2025-2026;1.1;1;Ancienne note à remplacer;Atelier\n"
    "2025-2026;1.1;4;Note d'un autre évaluateur;Coach interne\n"
)


@pytest.fixture
def dossier(tmp_path: Path) -> Path:
    """Un petit cluster valide, avec un scores.csv au séparateur point-virgule (Excel français)."""
    d = tmp_path / "cluster"
    d.mkdir()
    (d / "cluster.yml").write_text(
        "id: essai\nnom: Cluster d'essai\nfiliere: riz\ncampagne: 2025-2026\nagregateur: T1\n", encoding="utf-8")
    (d / "acteurs.csv").write_text(
        "id;nom;maillon;forme;commune;effectif;femmes\n"
        "P1;OP de Gomé;producteur;cooperative;Glazoué;120;60\n"
        "T1;Union des étuveuses;transformateur;union;Glazoué;350;340\n", encoding="utf-8")
    (d / "relations.csv").write_text(
        "source;cible;type;contrat;respect;volume;unite;prix_unitaire;depuis\n"
        "P1;T1;produit;ecrit;90;100;tonne;185000;2019\n", encoding="utf-8")
    (d / "scores.csv").write_text(SCORES_INITIAUX, encoding="utf-8")
    return d


def _remplir(formulaire: FormulaireNotation, note: int = 3, sauf: tuple[str, ...] = ()) -> None:
    for i, ligne in formulaire.lignes.items():
        if i not in sauf:
            ligne.note.value = note
            ligne.justification.value = f"Preuve vue pour {i}"


def test_controles_accessibles_et_descripteur(dossier):
    f = FormulaireNotation(dossier, campagne="2025-2026")
    assert list(f.lignes) == IDS
    ligne = f.lignes["3.1"]
    # Des boutons radio (état lu par les lecteurs d'écran), pas des ToggleButtons.
    assert isinstance(ligne.note, widgets.RadioButtons)
    assert ligne.note.value is None and "Non noté" in ligne.descripteur.value
    ligne.note.value = 4
    attendu = referentiel.descripteurs().query("indicateur == '3.1' and niveau == 4")["descripteur"].iloc[0]
    assert "Niveau 4" in ligne.descripteur.value
    assert attendu[:40].replace("'", "&#x27;") in ligne.descripteur.value
    assert [v for _, v in ligne.note.options] == [1, 2, 3, 4]


def test_aller_retour_complet(dossier):
    avant = (dossier / "scores.csv").read_bytes()
    f = FormulaireNotation(dossier, campagne="2025-2026")
    f.evaluateur.value = "Atelier"
    _remplir(f, 3)
    f.lignes["2.1"].note.value = 1
    f.bouton_enregistrer.click()
    assert "24 note(s)" in f.message.value

    # L'ancien fichier est gardé tel quel.
    assert (dossier / "scores.csv.bak").read_bytes() == avant
    texte = (dossier / "scores.csv").read_text(encoding="utf-8")
    lignes = texte.splitlines()
    # Séparateur conservé ; lignes des autres campagnes et des autres évaluateurs recopiées telles quelles.
    assert lignes[0] == "campagne;indicateur;score;justification;evaluateur"
    assert lignes[1:4] == [*SCORES_INITIAUX.splitlines()[1:3], SCORES_INITIAUX.splitlines()[4]]
    assert "Ancienne note à remplacer" not in texte

    cluster = clusterlib.load(dossier)  # le fichier écrit reste valide
    atelier = cluster.scores[cluster.scores["evaluateur"] == "Atelier"]
    assert len(atelier) == 24 and set(atelier["campagne"]) == {"2025-2026"}
    assert atelier.set_index("indicateur").loc["2.1", "score"] == 1
    assert atelier.set_index("indicateur").loc["3.1", "justification"] == "Preuve vue pour 3.1"
    # Le moteur relit la note moyenne : 1.1 = (4 de Coach interne + 3 de Atelier) / 2
    ind = notation.scores_indicateurs(cluster, "2025-2026").set_index("indicateur")
    assert ind.loc["1.1", "score"] == 3.5
    assert notation.scores_indicateurs(cluster, "2024-2025").set_index("indicateur").loc["1.2", "score"] == 3


def test_deuxieme_enregistrement_remplace_sans_doublon(dossier):
    f = FormulaireNotation(dossier, campagne="2025-2026", evaluateur="Atelier")
    _remplir(f, 2)
    assert f.enregistrer() is not None
    f.lignes["4.4"].note.value = 4
    assert f.enregistrer() is not None
    cluster = clusterlib.load(dossier)
    atelier = cluster.scores[cluster.scores["evaluateur"] == "Atelier"]
    assert len(atelier) == 24
    assert atelier.set_index("indicateur").loc["4.4", "score"] == 4
    # La sauvegarde est le fichier d'avant le deuxième enregistrement.
    sauvegarde = (dossier / "scores.csv.bak").read_text(encoding="utf-8")
    assert sauvegarde.count(";Atelier") == 24


def test_formulaire_incomplet_refuse_puis_confirme(dossier):
    avant = (dossier / "scores.csv").read_bytes()
    f = FormulaireNotation(dossier, campagne="2026-2027", evaluateur="Atelier")
    _remplir(f, 3, sauf=("5.3", "6.3"))
    f.bouton_enregistrer.click()
    assert "2 indicateur(s) sans note (5.3, 6.3)" in f.message.value
    assert "Rien n" in f.message.value
    assert (dossier / "scores.csv").read_bytes() == avant and not (dossier / "scores.csv.bak").exists()

    f.confirmer.value = True
    f.bouton_enregistrer.click()
    assert "22 note(s)" in f.message.value and "non évalué" in f.message.value
    cluster = clusterlib.load(dossier)
    couverture = notation.couverture(cluster, "2026-2027")
    assert couverture["manquants"] == ["5.3", "6.3"]  # non évalués, pas zéro
    assert "2026-2027" in cluster.campagnes()


def test_evaluateur_campagne_et_formulaire_vide(dossier):
    avant = (dossier / "scores.csv").read_bytes()
    f = FormulaireNotation(dossier, campagne="2025-2026")
    _remplir(f, 3)
    assert f.enregistrer() is None and "nom de l'évaluateur" in f.message.value
    f.evaluateur.value = "Atelier"
    f.campagne.value = "2025-2027"
    assert f.enregistrer() is None and "invalide" in f.message.value
    f.campagne.value = "2025/2026"  # forme tolérée, écrite 2025-2026
    vide = FormulaireNotation(dossier, campagne="2025-2026", evaluateur="Personne")
    assert vide.enregistrer(confirme=True) is None and "Aucun indicateur" in vide.message.value
    assert (dossier / "scores.csv").read_bytes() == avant
    assert f.enregistrer() is not None
    assert "2025-2026;3.1;3" in (dossier / "scores.csv").read_text(encoding="utf-8")


def test_reprendre_les_notes_enregistrees(dossier):
    f = FormulaireNotation(dossier, campagne="2024-2025", evaluateur="Coach externe")
    assert f.lignes["1.1"].note.value == 2 and f.lignes["1.2"].note.value == 3
    assert f.lignes["1.1"].justification.value == "Comité peu actif, deux réunions"
    assert f.lignes["1.3"].note.value is None
    f.evaluateur.value = "Inconnu"
    assert f.reprendre() == 0 and f.lignes["1.1"].note.value is None


def test_cluster_sans_scores_cree_le_fichier(dossier):
    (dossier / "scores.csv").unlink()
    f = FormulaireNotation(dossier, evaluateur="Atelier")
    _remplir(f, 4)
    chemin = f.enregistrer()
    assert chemin == dossier / "scores.csv" and not (dossier / "scores.csv.bak").exists()
    lignes = chemin.read_text(encoding="utf-8").splitlines()
    assert lignes[0] == "campagne;indicateur;score;justification;evaluateur"  # séparateur d'acteurs.csv
    assert len(lignes) == 25
    assert notation.score_global(clusterlib.load(dossier)) == 4.0


def test_classeur_demande_un_chemin_de_scores(tmp_path):
    from clusterlib.donnees import echantillons

    classeur = echantillons.chemin("soja-djidja.xlsx")
    copie = tmp_path / classeur.name
    shutil.copy(classeur, copie)
    with pytest.raises(ErreurFormulaire, match="chemin_scores"):
        FormulaireNotation(copie)
    f = FormulaireNotation(copie, chemin_scores=tmp_path / "scores.csv", evaluateur="Atelier")
    _remplir(f, 2)
    assert f.enregistrer() == tmp_path / "scores.csv"


def test_enregistrer_notes_refuse_les_mauvaises_notes(dossier):
    notes = pd.DataFrame({"indicateur": ["1.1"], "score": [5], "justification": [""]})
    with pytest.raises(ErreurFormulaire, match="hors de l'échelle"):
        enregistrer_notes(dossier / "scores.csv", "2025-2026", "Atelier", notes)
    with pytest.raises(ErreurFormulaire, match="inconnu"):
        enregistrer_notes(dossier / "scores.csv", "2025-2026", "Atelier", notes.assign(indicateur="9.9", score=2))
    assert (dossier / "scores.csv").read_text(encoding="utf-8") == SCORES_INITIAUX


def test_affichage_dans_un_notebook(dossier):
    f = FormulaireNotation(dossier)
    bundle = f._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
