"""Modèle Excel d'un cluster : feuilles, protections, listes déroulantes, relecture par clusterlib.load."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import clusterlib
from clusterlib import referentiel
from clusterlib.cli import main
from clusterlib.collecte import modeles_excel
from clusterlib.donnees import echantillons
from clusterlib.donnees.problemes import ErreurDonnees, lettre_colonne

TABLES = list(referentiel.tables())


@pytest.fixture(scope="module")
def modele(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return modeles_excel.ecrire_modele(tmp_path_factory.mktemp("modele"))


def _validations(feuille) -> dict[str, object]:
    """Validation de chaque colonne, par lettre (la plage commence à la ligne 2)."""
    resultat = {}
    for dv in feuille.data_validations.dataValidation:
        for plage in str(dv.sqref).split():
            resultat[plage.split(":")[0].rstrip("0123456789")] = dv
    return resultat


def _remplir(chemin: Path, fiche: dict[str, str], tables: dict[str, list[list[object]]]) -> Path:
    """Remplit le modèle comme le ferait un coach : valeurs de la fiche, lignes sous l'en-tête."""
    classeur = openpyxl.load_workbook(chemin)
    feuille = classeur["cluster"]
    for ligne in range(2, feuille.max_row + 1):
        cle = feuille.cell(ligne, 1).value
        if cle in fiche:
            feuille.cell(ligne, 2, fiche[cle])
    for table, lignes in tables.items():
        feuille = classeur[table]
        for ligne in lignes:
            feuille.append(ligne)
    sortie = chemin.with_name("rempli.xlsx")
    classeur.save(sortie)
    return sortie


def test_feuilles_et_ordre(modele: Path) -> None:
    classeur = openpyxl.load_workbook(modele)
    assert modele.name == "modele_cluster.xlsx"
    assert classeur.sheetnames == ["À lire", "cluster", *TABLES, "listes"]
    assert classeur["listes"].sheet_state == "hidden"
    assert classeur.active.title == "À lire"


@pytest.mark.parametrize("table", TABLES)
def test_entete_fige_verrouille_saisie_libre(modele: Path, table: str) -> None:
    feuille = openpyxl.load_workbook(modele)[table]
    noms = [c.nom for c in referentiel.colonnes(table)]
    assert [c.value for c in feuille[1]] == noms
    assert feuille.freeze_panes == "A2"
    assert feuille.protection.sheet
    assert all(c.protection.locked for c in feuille[1])
    for j in range(len(noms)):
        assert feuille.column_dimensions[lettre_colonne(j)].protection.locked is False


@pytest.mark.parametrize("table", TABLES)
def test_listes_deroulantes_et_nombres(modele: Path, table: str) -> None:
    classeur = openpyxl.load_workbook(modele)
    validations = _validations(classeur[table])
    for j, colonne in enumerate(referentiel.colonnes(table)):
        lettre = lettre_colonne(j)
        if colonne.valeurs or colonne.type == "indicateur" or colonne.reference:
            dv = validations[lettre]
            assert dv.type == "list" and dv.showErrorMessage, (table, colonne.nom)
            assert dv.error and "Choisissez" in dv.error
            nom = dv.formula1.lstrip("=")
            cible = classeur.defined_names[nom].attr_text
            if colonne.valeurs:
                feuille, plage = cible.split("!")
                assert feuille == "listes"
                cellules = classeur["listes"][plage.replace("$", "")]
                assert [c[0].value for c in cellules] == list(referentiel.codes(colonne.valeurs))
        elif colonne.type in ("nombre", "entier", "annee"):
            dv = validations[lettre]
            assert dv.showErrorMessage and dv.type in ("decimal", "whole", "list"), (table, colonne.nom)
            if colonne.type != "entier" or dv.type != "list":
                assert float(dv.formula1) == (colonne.min if colonne.min is not None else 1900)
            if colonne.max == 100:
                assert dv.operator == "between" and float(dv.formula2) == 100


def test_colonnes_enumerees_citees_par_le_ticket(modele: Path) -> None:
    classeur = openpyxl.load_workbook(modele)
    attendues = {("acteurs", "maillon"), ("acteurs", "forme"), ("relations", "type"), ("relations", "contrat"),
                 ("comptes", "categorie"), ("plan_actions", "statut"), ("scores", "indicateur"),
                 ("scores", "score"), ("ffom", "niveau"), ("ffom", "type")}
    for table, colonne in attendues:
        j = [c.nom for c in referentiel.colonnes(table)].index(colonne)
        assert _validations(classeur[table])[lettre_colonne(j)].type == "list", (table, colonne)
    score = _validations(classeur["scores"])["C"]
    plage = classeur.defined_names[score.formula1.lstrip("=")].attr_text.split("!")[1].replace("$", "")
    assert [c[0].value for c in classeur["listes"][plage]] == [1, 2, 3, 4]


def test_feuille_a_lire_explique_chaque_colonne(modele: Path) -> None:
    feuille = openpyxl.load_workbook(modele)["À lire"]
    textes = [[c.value for c in ligne] for ligne in feuille.iter_rows()]
    cellules = {str(v) for ligne in textes for v in ligne if v is not None}
    for table in TABLES:
        assert any(f"Feuille « {table} »" in t for t in cellules)
        for colonne in referentiel.colonnes(table):
            assert any(ligne[0] == colonne.nom and ligne[2] == colonne.description and ligne[4] == colonne.exemple
                       for ligne in textes), (table, colonne.nom)
    assert any("transformateur = Transformateur" in t for t in cellules)
    assert any(str(t).startswith("6.4") for t in cellules)
    assert feuille.protection.sheet


def test_modele_vide_refuse_avec_messages_francais(modele: Path) -> None:
    with pytest.raises(ErreurDonnees) as erreur:
        clusterlib.load(modele)
    message = str(erreur.value)
    assert "feuille « cluster »" in message and "clé « id » absente ou vide" in message
    assert "aucun acteur" in message


def test_modele_rempli_se_charge(modele: Path) -> None:
    fiche = {"id": "riz-test", "nom": "Cluster riz de test", "filiere": "riz", "campagne": "2025-2026",
             "agregateur": "T01", "coachs": "Awa Dossou (externe)", "donnees_fictives": "oui"}
    rempli = _remplir(modele, fiche, {
        "acteurs": [["P01", "Groupement Akpé", "producteur", "groupement", "Glazoué", 25, 10],
                    ["T01", "Union des étuveuses", "transformateur", "union", "Glazoué", 350, 290, 7.97, 2.24]],
        "relations": [["P01", "T01", "produit", "ecrit", 85, 120.5, "tonne", 185000, 2019]],
        "scores": [["2025-2026", "3.1", 3, "Contrats signés", "Coach externe"]],
        "plan_actions": [["A1", "Former les étuveuses", "", "transformateur", "", "", "", "2025-10", "2026-03",
                          2500000, "en_cours", "", 120, 75]],
    })
    cluster = clusterlib.load(rempli)
    assert cluster.id == "riz-test" and cluster.fiche.agregateur == "T01"
    assert cluster.fiche.coachs[0].nom == "Awa Dossou" and cluster.fiche.donnees_fictives
    assert cluster.acteurs["id"].tolist() == ["P01", "T01"]
    assert cluster.acteurs["effectif"].tolist() == [25, 350]
    assert cluster.relations["volume"].tolist() == [120.5]
    assert cluster.scores["score"].tolist() == [3] and cluster.scores["indicateur"].tolist() == ["3.1"]
    assert cluster.plan_actions["budget"].tolist() == [2500000.0]
    assert cluster.comptes is not None and cluster.comptes.empty


def test_modele_casse_message_du_chargeur(modele: Path, tmp_path: Path) -> None:
    classeur = openpyxl.load_workbook(modele)
    del classeur["relations"]
    classeur.save(tmp_path / "sans_relations.xlsx")
    with pytest.raises(ErreurDonnees, match="feuille « relations » absente"):
        clusterlib.load(tmp_path / "sans_relations.xlsx")
    classeur = openpyxl.load_workbook(modele)
    classeur["acteurs"]["C1"] = "rôle"
    classeur.save(tmp_path / "entete_renomme.xlsx")
    with pytest.raises(ErreurDonnees, match="colonne « maillon » absente"):
        clusterlib.load(tmp_path / "entete_renomme.xlsx")


def test_jeu_ecrit_en_classeur_identique_a_la_source(tmp_path: Path) -> None:
    source = echantillons.chemin("riz-glazoue")
    chemin = modeles_excel.ecrire_modele(tmp_path / "riz.xlsx", modeles_excel.lire_jeu_texte(source))
    a, b = clusterlib.load(source), clusterlib.load(chemin)
    assert a.fiche == b.fiche
    for table in TABLES:
        x, y = getattr(a, table), getattr(b, table)
        if x is not None:
            pd.testing.assert_frame_equal(y[x.columns], x)


def test_jeu_ecrit_en_dossier(tmp_path: Path) -> None:
    jeu = modeles_excel.JeuTexte(
        fiche={"id": "t", "nom": "Test", "filiere": "riz", "campagne": "2025-2026",
               "coachs": [{"nom": "Awa Dossou", "type": "externe"}], "donnees_fictives": "true"},
        tables={"acteurs": pd.DataFrame({"id": ["A1", "007"], "nom": ["Un, deux", "Trois"],
                                         "maillon": ["producteur"] * 2, "forme": ["individu"] * 2,
                                         "commune": ["", ""], "effectif": ["1", "1"], "femmes": ["0", "1"]},
                                        dtype="str"),
                "relations": pd.DataFrame(columns=[c.nom for c in referentiel.colonnes("relations")], dtype="str")})
    dossier = modeles_excel.ecrire_jeu(jeu, tmp_path / "jeu")
    assert (dossier / "acteurs.csv").read_text(encoding="utf-8").splitlines()[1] == 'A1,"Un, deux",producteur,' \
        'individu,,1,0'
    cluster = clusterlib.load(dossier)
    assert cluster.acteurs["id"].tolist() == ["A1", "007"]
    assert cluster.fiche.coachs[0].nom == "Awa Dossou"


def test_commande_templates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates", "--out", str(tmp_path / "modeles")]) == 0
    assert (tmp_path / "modeles" / "modele_cluster.xlsx").is_file()
    assert len(list((tmp_path / "modeles" / "kobo").glob("*.xlsx"))) == 5
    assert "Formulaires KoboToolbox" in capsys.readouterr().out
    (tmp_path / "fichier").write_text("x", encoding="utf-8")
    assert main(["templates", "--out", str(tmp_path / "fichier")]) == 2
    assert "est un fichier" in capsys.readouterr().err


def test_templates_relance_dans_le_meme_dossier(tmp_path: Path) -> None:
    """Relancer « clusterlib templates » remplace un modèle vierge resté intact, jamais un modèle rempli."""
    import openpyxl

    from clusterlib.collecte import modeles_excel

    ecrits = modeles_excel.ecrire_modeles(tmp_path / "modeles")
    assert modeles_excel.modele_vierge_intact(ecrits.modele)
    modeles_excel.ecrire_modeles(tmp_path / "modeles")  # deuxième passage : accepté
    classeur = openpyxl.load_workbook(ecrits.modele)
    classeur["acteurs"]["A2"] = "op-1"
    classeur.save(ecrits.modele)
    avant = ecrits.modele.read_bytes()
    assert not modeles_excel.modele_vierge_intact(ecrits.modele)
    with pytest.raises(modeles_excel.ErreurSortie, match="jeu de données d'un cluster"):
        modeles_excel.ecrire_modeles(tmp_path / "modeles")
    assert ecrits.modele.read_bytes() == avant
    (tmp_path / "abime.xlsx").write_bytes(b"pas un classeur")
    assert not modeles_excel.modele_vierge_intact(tmp_path / "abime.xlsx")
