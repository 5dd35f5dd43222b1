"""Formulaires XLSForm (grille et fiches de l'annexe 2) : contenu, conversion pyxform, relecture."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from clusterlib import referentiel
from clusterlib.collecte import xlsform

LABEL = "label::Français (fr)"
NATURES = [xlsform.GRILLE, *xlsform.fiches()]


@pytest.fixture(scope="module")
def formulaires(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    dossier = tmp_path_factory.mktemp("formulaires")
    chemins = xlsform.ecrire_formulaires(dossier)
    return {xlsform.lire_formulaire(c).nature: c for c in chemins}


def _feuilles(nature: str) -> dict[str, list[dict[str, str]]]:
    return xlsform.feuilles_grille() if nature == xlsform.GRILLE else xlsform.feuilles_fiche(nature)


def test_cinq_formulaires_ecrits(formulaires: dict[str, Path]) -> None:
    assert set(formulaires) == set(NATURES)
    assert len(xlsform.fiches()) == 4
    assert formulaires["grille"].name == "grille_fonctionnement.xlsx"
    assert formulaires["organisation_producteurs"].name == "fiche_organisation_producteurs.xlsx"


@pytest.mark.parametrize("nature", NATURES)
def test_conversion_pyxform(formulaires: dict[str, Path], nature: str) -> None:
    xml = xlsform.convertir(formulaires[nature], valider=False)
    assert xml.startswith("<?xml")
    assert f'id="{xlsform.form_id(nature)}"' in xml
    assert 'lang="Français (fr)"' in xml


@pytest.mark.skipif(shutil.which("java") is None, reason="Java absent : ODK Validate ne peut pas tourner")
def test_validation_odk(formulaires: dict[str, Path]) -> None:
    # ODK Validate lance une machine Java par formulaire : les cinq tournent en parallèle.
    with ThreadPoolExecutor(max_workers=len(NATURES)) as executeur:
        resultats = dict(zip(NATURES, executeur.map(
            lambda nature: xlsform.convertir(formulaires[nature], valider=True), NATURES), strict=True))
    assert all("<h:html" in xml for xml in resultats.values())


@pytest.mark.parametrize("nature", NATURES)
def test_noms_ascii_uniques_et_libelles_francais(nature: str) -> None:
    feuilles = _feuilles(nature)
    noms = [ligne["name"] for ligne in feuilles["survey"] if ligne.get("name")]
    assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", n) for n in noms), noms
    assert len(noms) == len(set(noms))
    for ligne in feuilles["survey"]:
        if ligne["type"] not in ("end_group", "end_repeat", "start", "end", "today"):
            assert ligne.get(LABEL), ligne
    assert all(ligne.get(LABEL) for ligne in feuilles["choices"])
    assert feuilles["settings"][0]["default_language"] == "Français (fr)"


def test_grille_une_question_par_indicateur_avec_descripteurs() -> None:
    feuilles = xlsform.feuilles_grille()
    grille = referentiel.grille()
    notes = [ligne for ligne in feuilles["survey"] if ligne.get("name", "").startswith("note_")]
    assert len(notes) == 24
    choix: dict[str, list[dict[str, str]]] = {}
    for ligne in feuilles["choices"]:
        choix.setdefault(ligne["list_name"], []).append(ligne)
    premier = grille["axes"][0]["indicateurs"][0]
    note = notes[0]
    assert note["name"] == "note_1_1" and note["type"] == "select_one niveaux_1_1"
    assert note[LABEL].startswith("1.1 ") and premier["nom"] in note[LABEL]
    niveaux = choix["niveaux_1_1"]
    assert [c["name"] for c in niveaux] == ["1", "2", "3", "4"]
    for c in niveaux:
        descripteur = " ".join(str((premier.get("niveaux") or {}).get(int(c["name"]), "")).split())
        assert c[LABEL].startswith(c["name"])
        assert descripteur in c[LABEL]
    justif = next(ligne for ligne in feuilles["survey"] if ligne.get("name") == "justif_1_1")
    assert justif["relevant"] == "${note_1_1} != ''"
    entete = {ligne.get("name") for ligne in feuilles["survey"]}
    assert {"campagne", "evaluateur"} <= entete


def test_fiches_tracables_vers_l_annexe_2() -> None:
    ref = xlsform.fiches_collecte()
    sigles = {"prestataires_services": "PS", "organisation_producteurs": "OP",
              "transformateurs_commercants": "TC", "acteurs_appui": "AA"}
    for nature, fiche in ref["fiches"].items():
        assert fiche["sigle"] == sigles[nature]
        questions = [q for s in fiche["sections"] for q in s["questions"]]
        assert any("partenaires" in q for q in questions), nature
        for q in questions:
            annexe = q.get("annexe") or q.get("partenaires")
            assert re.fullmatch(rf"{fiche['sigle']} \d+\.\d+(, \d+\.\d+)*", annexe), (nature, q)


def test_fiche_op_groupe_repete_et_conditions() -> None:
    survey = xlsform.feuilles_fiche("organisation_producteurs")["survey"]
    types = [ligne["type"] for ligne in survey]
    assert types.count("begin_repeat") == 1
    debut = types.index("begin_repeat")
    repetees = [ligne["name"] for ligne in survey[debut + 1: types.index("end_repeat")]]
    for nom in ("nom_partenaire", "maillon_partenaire", "produit", "volume", "prix_unitaire", "contrat"):
        assert nom in repetees
    par_nom = {ligne.get("name"): ligne for ligne in survey}
    assert "selected(${contrat}, 'ecrit')" in par_nom["respect"]["relevant"]
    assert "selected(${contrat}, 'ecrit')" in par_nom["contenu_contrat"]["relevant"]
    assert par_nom["respect"]["constraint"] == ". >= 0 and . <= 100"
    assert "${effectif}" in par_nom["femmes"]["constraint"]
    assert par_nom["contrat_vente_bilan"]["relevant"] == "selected(${contrat_vente}, 'oui')"
    assert par_nom["maillon"]["type"] == "select_one maillons"


def test_listes_du_format_reprises() -> None:
    choix = xlsform.feuilles_fiche("acteurs_appui")["choices"]
    maillons = [c["name"] for c in choix if c["list_name"] == "maillons"]
    assert maillons == list(referentiel.codes("maillons"))
    contrats = {c["name"]: c[LABEL] for c in choix if c["list_name"] == "contrats"}
    assert contrats["ecrit"] == referentiel.libelle("contrats", "ecrit")


def test_version_stable() -> None:
    assert xlsform.feuilles_grille()["settings"] == xlsform.feuilles_grille()["settings"]
    assert xlsform.feuilles_fiche("acteurs_appui")["settings"][0]["version"] != \
        xlsform.feuilles_fiche("prestataires_services")["settings"][0]["version"]


def test_relecture(formulaires: dict[str, Path]) -> None:
    form = xlsform.lire_formulaire(formulaires["transformateurs_commercants"])
    assert form.nature == "transformateurs_commercants"
    assert form.repetitions == ["partenaires"]
    q = form.question("volume")
    assert q is not None and q.type == "decimal" and q.repetition == "partenaires"
    assert q.groupes == ("experience", "partenaires")
    assert form.question("outils_gestion").type == "select_multiple"
    assert form.choix["oui_non"] == {"oui": "Oui", "non": "Non"}
    assert form.question("start") is not None and form.question("start").type == "start"


def test_relecture_fichier_qui_n_est_pas_un_formulaire(tmp_path: Path) -> None:
    faux = tmp_path / "faux.xlsx"
    faux.write_text("pas un classeur", encoding="utf-8")
    with pytest.raises(xlsform.ErreurFormulaire, match="pas un formulaire XLSForm lisible"):
        xlsform.lire_formulaire(faux)
    classeur = openpyxl.Workbook()
    classeur.active.title = "acteurs"
    classeur.save(tmp_path / "sans_survey.xlsx")
    with pytest.raises(xlsform.ErreurFormulaire, match="feuille « survey » absente"):
        xlsform.lire_formulaire(tmp_path / "sans_survey.xlsx")
    with pytest.raises(xlsform.ErreurFormulaire, match="introuvable"):
        xlsform.lire_formulaire(tmp_path / "absent.xlsx")


def test_conversion_refusee_message_francais(tmp_path: Path) -> None:
    feuilles = xlsform.feuilles_fiche("acteurs_appui")
    feuilles["survey"].append({"type": "text", "name": "cassee", LABEL: "Question cassée",
                               "relevant": "${question_inexistante} = 'oui'"})
    chemin = xlsform.ecrire_xlsform(feuilles, tmp_path / "casse.xlsx")
    with pytest.raises(xlsform.ErreurFormulaire, match=r"casse\.xlsx : formulaire refusé"):
        xlsform.convertir(chemin)
