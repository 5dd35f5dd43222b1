"""Import des exports KoboToolbox : lecture, rangement dans les tables, fusion, refus sans écriture."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import RELATIONS, creer_cluster, texte_csv

import clusterlib
from clusterlib import cli
from clusterlib.collecte import kobo, xlsform

EXPORTS = Path(__file__).resolve().parent / "kobo"
UUID_OP1 = "0b7c1f0e-5d2a-4c1b-9a51-6f3d2e1c0a01"


def _fabrique():
    spec = importlib.util.spec_from_file_location("fabriquer_exports", EXPORTS / "fabriquer_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def formulaires(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    chemins = xlsform.ecrire_formulaires(tmp_path_factory.mktemp("formulaires"))
    return {xlsform.lire_formulaire(c).nature: c for c in chemins}


def _empreinte(dossier: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(dossier.iterdir()) if f.is_file()}


def _jeu_a_la_main(dossier: Path) -> Path:
    """Un petit cluster saisi à la main (CSV point-virgule, comme un Excel français)."""
    fiche = {"id": "riz-glazoue", "nom": "Cluster riz étuvé de Glazoué", "filiere": "riz", "campagne": "2025-2026",
             "agregateur": "T01"}
    return creer_cluster(
        dossier, fiche,
        acteurs=texte_csv([["id", "nom", "maillon", "forme", "commune", "effectif", "femmes"],
                           ["T01", "Union des étuveuses de riz de Glazoué", "transformateur", "union", "Glazoué", "412",
                            ""],
                           ["P01", "Coopérative de Lèma", "producteur", "cooperative", "Dassa-Zoumè", "58", "20"],
                           ["P02", "Coopérative d'Assanté", "producteur", "cooperative", "Glazoué", "64", "22"]],
                          sep=";"),
        relations=texte_csv([RELATIONS[0], ["P01", "T01", "produit", "ecrit", "92", "81", "tonne", "205 000", "2018"]],
                            sep=";"),
        scores=texte_csv([["campagne", "indicateur", "score", "justification", "evaluateur"],
                          ["2025-2026", "1.1", "2", "Saisie à la main", "Coach externe"]], sep=";"))


def _lignes_csv(chemin: Path) -> list[str]:
    return chemin.read_text(encoding="utf-8").splitlines()


# --- Les fichiers de test sont ceux que fabriquent les formulaires actuels --------------------------


def test_exports_de_test_a_jour(tmp_path: Path) -> None:
    for chemin in _fabrique().fabriquer(tmp_path):
        if chemin.suffix == ".csv":
            assert chemin.read_text(encoding="utf-8") == (EXPORTS / chemin.name).read_text(encoding="utf-8")
            continue
        neuf, range_ = openpyxl.load_workbook(chemin), openpyxl.load_workbook(EXPORTS / chemin.name)
        assert neuf.sheetnames == range_.sheetnames, chemin.name
        for nom in neuf.sheetnames:
            assert list(neuf[nom].values) == list(range_[nom].values), (
                f"{chemin.name} n'est plus à jour : lancez python tests/kobo/fabriquer_exports.py")


def test_lecture_export_hxl_et_repetition() -> None:
    problemes: list = []
    feuilles = kobo.lire_export(EXPORTS / "export_fiche_op.xlsx", problemes)
    assert not problemes
    assert [f.nom for f in feuilles][1:] == ["partenaires"]
    principale = feuilles[0]
    assert [numero for numero, _ in principale.lignes] == [3, 4, 5]  # ligne 2 : étiquettes HXL
    assert "_uuid" in principale.entetes and "acteur/nom_acteur" in principale.entetes
    csv = kobo.lire_export(EXPORTS / "export_fiche_op.csv", problemes)
    assert len(csv) == 1 and [n for n, _ in csv[0].lignes] == [3, 4, 5]


# --- Import dans un jeu nouveau ---------------------------------------------------------------------


def test_import_fiches_op_cree_un_jeu(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = tmp_path / "mon-cluster"
    bilan = kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu)
    assert not bilan.erreurs and bilan.ecrit and bilan.nouveau_jeu
    assert bilan.soumissions == 3
    # 3 acteurs enquêtés + 3 partenaires (l'Union, le fournisseur d'engrais, la caisse de crédit)
    assert bilan.ajoutes["acteurs"] == 6 and bilan.ajoutes["relations"] == 4 and not bilan.rejets
    cluster = clusterlib.load(jeu)
    assert cluster.id == "cluster-riz-etuve-de-glazoue" and cluster.campagne == "2025-2026"
    a = cluster.acteurs.set_index("id")
    assert a.loc["P01", "nom"] == "Coopérative des riziculteurs de Kpakpaza"
    assert (a.loc["P01", "effectif"], a.loc["P01", "femmes"]) == (120, 45)
    assert (a.loc["P01", "latitude"], a.loc["P01", "longitude"]) == (7.9812, 2.2391)
    assert a.loc["T01", "maillon"] == "transformateur" and pd.isna(a.loc["T01", "effectif"])
    assert a.loc["FI01", "maillon"] == "fournisseur_intrants_production"
    assert a.loc["P03", "forme"] == "individu"
    assert not a["nom"].str.startswith("#").any()  # la ligne HXL n'est pas une soumission
    r = cluster.relations
    vente = r[(r["source"] == "P01") & (r["cible"] == "T01")].iloc[0]
    assert (vente["volume"], vente["prix_unitaire"], vente["respect"], vente["depuis"]) == (118.5, 205000, 90, 2019)
    engrais = r[r["type"] == "intrants"].iloc[0]
    assert (engrais["source"], engrais["cible"], engrais["contrat"]) == ("FI01", "P01", "verbal")
    sans_contrat = r[r["source"] == "P02"].iloc[0]
    assert sans_contrat["contrat"] == "aucun" and pd.isna(sans_contrat["respect"])
    reponses = pd.read_csv(jeu / "reponses_collecte.csv", dtype=str, keep_default_na=False)
    services = reponses[(reponses["acteur"] == "P01") & (reponses["question"] == "services_membres")]
    assert services["reponse"].tolist() == ["Approvisionnement en intrants; Vente groupée; Conseil technique"]
    assert services["annexe"].tolist() == ["OP 1.5"]
    contrat = reponses[(reponses["partenaire"] == "T01") & (reponses["question"] == "contenu_contrat")]
    assert contrat["acteur"].tolist() == ["P01"]
    assert set(reponses["soumission"]) == {UUID_OP1, UUID_OP1[:-1] + "2", UUID_OP1[:-1] + "3"}


def test_reimport_meme_export_sans_doublon(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = tmp_path / "jeu"
    kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu)
    avant = _empreinte(jeu)
    bilan = kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu)
    assert bilan.ajoutes["acteurs"] == bilan.ajoutes["relations"] == 0
    assert bilan.inchanges["acteurs"] == 3 and bilan.inchanges["relations"] == 4
    assert _empreinte(jeu) == avant


def test_soumission_corrigee_met_a_jour_ses_lignes(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = tmp_path / "jeu"
    kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu)
    classeur = openpyxl.load_workbook(EXPORTS / "export_fiche_op.xlsx")
    principale, partenaires = classeur.worksheets
    entetes = [c.value for c in principale[1]]
    principale.cell(3, entetes.index("acteur/effectif") + 1, "125")
    entetes_p = [c.value for c in partenaires[1]]
    partenaires.cell(3, entetes_p.index("activites/partenaires/volume") + 1, "130")
    partenaires.delete_rows(5)  # la caisse de crédit n'est plus déclarée
    corrige = tmp_path / "corrige.xlsx"
    classeur.save(corrige)
    bilan = kobo.importer_kobo(corrige, formulaires["organisation_producteurs"], jeu)
    assert bilan.mis_a_jour["acteurs"] == 1 and bilan.mis_a_jour["relations"] == 1
    assert bilan.retires["relations"] == 1 and bilan.ajoutes["acteurs"] == 0
    cluster = clusterlib.load(jeu)
    assert cluster.acteurs.set_index("id").loc["P01", "effectif"] == 125
    assert cluster.relations["volume"].tolist()[0] == 130
    assert len(cluster.relations) == 3 and "SF01" in set(cluster.acteurs["id"])


# --- Fusion dans un jeu existant ------------------------------------------------------------------


def test_fusion_sans_toucher_aux_lignes_saisies(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = _jeu_a_la_main(tmp_path / "jeu")
    acteurs_avant = _lignes_csv(jeu / "acteurs.csv")
    bilan = kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu)
    assert not bilan.erreurs and not bilan.nouveau_jeu
    assert bilan.conserves["acteurs"] == 1  # l'Union, retrouvée par son nom, n'est pas modifiée
    assert (jeu / "cluster.yml").read_text(encoding="utf-8").startswith("id: riz-glazoue")
    cluster = clusterlib.load(jeu)
    a = cluster.acteurs
    assert a["id"].tolist()[:3] == ["T01", "P01", "P02"]
    assert a["id"].tolist()[3:] == ["P03", "FI01", "SF01", "P04", "P05"]
    apres = pd.read_csv(jeu / "acteurs.csv", dtype=str, keep_default_na=False)
    for i, ligne in enumerate(acteurs_avant[1:4]):
        valeurs = ligne.split(";")
        assert apres.iloc[i][["id", "nom", "maillon", "forme", "commune", "effectif", "femmes"]].tolist() == valeurs
        assert apres.iloc[i]["soumission"] == ""
    r = cluster.relations
    assert r.iloc[0][["source", "cible", "volume", "prix_unitaire"]].tolist() == ["P01", "T01", 81, 205000]
    assert ((r["source"] == "P03") & (r["cible"] == "T01")).any()
    assert cluster.scores["justification"].tolist() == ["Saisie à la main"]


def test_relation_declaree_des_deux_cotes_gardee_une_fois(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = tmp_path / "jeu"
    kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu)
    bilan = kobo.importer_kobo(EXPORTS / "export_fiche_tc.xlsx", formulaires["transformateurs_commercants"], jeu)
    assert not bilan.erreurs
    assert len(bilan.rejets) == 1
    rejet = bilan.rejets[0]
    assert rejet.fichier == "export_fiche_tc.xlsx, feuille « partenaires »" and rejet.ligne == 3
    assert "P01 → T01 (produit) déjà présente" in rejet.message
    # L'Union avait été créée comme partenaire : sa fiche complète les cellules vides.
    assert bilan.mis_a_jour["acteurs"] == 1 and bilan.ajoutes["acteurs"] == 1
    cluster = clusterlib.load(jeu)
    t01 = cluster.acteurs.set_index("id").loc["T01"]
    assert (t01["effectif"], t01["femmes"]) == (412, 398)
    assert len(cluster.relations) == 5
    assert cluster.relations.iloc[-1][["source", "cible"]].tolist() == ["T01", "M01"]


def test_import_grille(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = _jeu_a_la_main(tmp_path / "jeu")
    (jeu / "scores.csv").unlink()
    bilan = kobo.importer_kobo(EXPORTS / "export_grille.xlsx", formulaires["grille"], jeu)
    assert not bilan.erreurs and bilan.ajoutes["scores"] == 8 and not bilan.rejets
    s = clusterlib.load(jeu).scores
    externe = s[s["evaluateur"] == "Coach externe"]
    assert externe["indicateur"].tolist() == ["1.1", "1.2", "3.1", "3.2", "5.3"]
    assert externe["score"].tolist() == [2, 3, 4, 3, 1]
    assert s.iloc[0]["justification"] == "Constat de l'atelier pour 1.1."
    assert s[s["evaluateur"] == "Représentant des producteurs"]["score"].tolist() == [3, 3, 3]
    bis = kobo.importer_kobo(EXPORTS / "export_grille.xlsx", formulaires["grille"], jeu)
    assert bis.ajoutes["scores"] == 0 and bis.inchanges["scores"] == 8
    assert len(clusterlib.load(jeu).scores) == 8


def test_grille_note_deja_saisie_rejetee(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = _jeu_a_la_main(tmp_path / "jeu")
    (jeu / "scores.csv").write_text("campagne;indicateur;score;justification;evaluateur\n"
                                    "2025-2026;3.1;2;Saisie à la main;Coach externe\n", encoding="utf-8")
    bilan = kobo.importer_kobo(EXPORTS / "export_grille.xlsx", formulaires["grille"], jeu)
    assert bilan.ecrit and bilan.ajoutes["scores"] == 7
    assert len(bilan.rejets) == 1 and bilan.rejets[0].ligne == 3
    assert "indicateur 3.1 rejetée" in bilan.rejets[0].message
    assert "rejets    : 1" in bilan.resume()


def test_grille_sans_jeu_refusee(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    bilan = kobo.importer_kobo(EXPORTS / "export_grille.xlsx", formulaires["grille"], tmp_path / "rien")
    assert "importez d'abord les fiches des acteurs" in bilan.erreurs[0].message
    assert not (tmp_path / "rien").exists()


def test_export_csv_sans_groupe_repete(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = tmp_path / "jeu"
    bilan = kobo.importer_kobo(EXPORTS / "export_fiche_op.csv", formulaires["organisation_producteurs"], jeu)
    assert bilan.ecrit and bilan.ajoutes["acteurs"] == 3 and bilan.ajoutes["relations"] == 0
    assert any("exportez en XLSX" in p.message for p in bilan.avertissements)
    cluster = clusterlib.load(jeu)
    assert cluster.acteurs.set_index("id").loc["P02", "femmes"] == 20
    assert cluster.relations.empty


# --- Exports qui ne correspondent pas au formulaire : rien n'est écrit --------------------------------


def test_colonnes_absentes(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = _jeu_a_la_main(tmp_path / "jeu")
    avant = _empreinte(jeu)
    bilan = kobo.importer_kobo(EXPORTS / "export_colonnes_absentes.xlsx", formulaires["organisation_producteurs"],
                               jeu)
    assert not bilan.ecrit and _empreinte(jeu) == avant
    messages = [str(p) for p in bilan.erreurs]
    assert len(messages) == 2
    assert messages[0].startswith("export_colonnes_absentes.xlsx, feuille « Fiche de caractérisation  organ », "
                                  "ligne 1 : colonne « acteur/maillon » absente")
    assert messages[1].startswith("export_colonnes_absentes.xlsx, feuille « partenaires », ligne 1 : colonne "
                                  "« activites/partenaires/contrat » absente")
    assert "Import refusé : 2 problème(s) ; rien n'a été écrit" in bilan.resume()


def test_codes_inconnus(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    bilan = kobo.importer_kobo(EXPORTS / "export_codes_inconnus.xlsx", formulaires["organisation_producteurs"],
                               tmp_path / "jeu")
    assert not (tmp_path / "jeu").exists()
    lieux = [(p.fichier.split("« ")[1].rstrip(" »"), p.ligne, p.colonne) for p in bilan.erreurs]
    assert lieux == [("Fiche de caractérisation  organ", 3, "maillon"), ("Fiche de caractérisation  organ", 4,
                                                                        "contrat_vente"),
                     ("partenaires", 4, "contrat"), ("partenaires", 5, "volume")]
    assert "choix « riziculteur » inconnu de la liste « maillons »" in bilan.erreurs[0].message
    assert "valeur « beaucoup » non numérique" in bilan.erreurs[3].message


def test_mauvais_formulaire_un_seul_message(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    bilan = kobo.importer_kobo(EXPORTS / "export_grille.xlsx", formulaires["organisation_producteurs"],
                               tmp_path / "jeu")
    assert len(bilan.erreurs) == 1
    assert "l'export ne correspond pas au formulaire fiche_organisation_producteurs.xlsx" in bilan.erreurs[0].message


def test_export_avec_libelles(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    form = xlsform.lire_formulaire(formulaires["organisation_producteurs"])
    libelles = {q.nom: q.libelle for q in form.questions}
    classeur = openpyxl.load_workbook(EXPORTS / "export_fiche_op.xlsx")
    for cellule in classeur.worksheets[0][1]:
        nom = str(cellule.value).rsplit("/", 1)[-1]
        if nom in libelles:
            cellule.value = libelles[nom]
    classeur.save(tmp_path / "libelles.xlsx")
    bilan = kobo.importer_kobo(tmp_path / "libelles.xlsx", formulaires["organisation_producteurs"], tmp_path / "jeu")
    assert "« valeurs et en-têtes XML »" in bilan.erreurs[0].message


def test_formulaire_etranger(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    feuilles = xlsform.feuilles_fiche("acteurs_appui")
    feuilles["settings"][0]["form_id"] = "enquete_maison"
    autre = xlsform.ecrire_xlsform(feuilles, tmp_path / "autre.xlsx")
    with pytest.raises(xlsform.ErreurFormulaire, match="formulaire « enquete_maison » inconnu"):
        kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", autre, tmp_path / "jeu")


# --- Ligne de commande -------------------------------------------------------------------------------


def test_ligne_de_commande(tmp_path: Path, formulaires: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    jeu = tmp_path / "jeu"
    op = str(formulaires["organisation_producteurs"])
    assert cli.main(["import-kobo", str(EXPORTS / "export_fiche_op.xlsx"), "--form", op, "--out", str(jeu)]) == 0
    sortie = capsys.readouterr().out
    assert "acteurs   : 6 ajouté(s)" in sortie and "Jeu créé" in sortie
    assert cli.main(["import-kobo", str(EXPORTS / "export_codes_inconnus.xlsx"), "--form", op,
                     "--out", str(jeu)]) == 1
    assert "Import refusé : 4 problème(s)" in capsys.readouterr().out
    assert cli.main(["import-kobo", str(EXPORTS / "export_fiche_op.xlsx"), "--form", op,
                     "--out", str(tmp_path / "jeu.xlsx")]) == 2
    assert "n'est pas un dossier" in capsys.readouterr().err
    assert cli.main(["import-kobo", str(EXPORTS / "export_fiche_op.xlsx"), "--form",
                     str(EXPORTS / "export_grille.xlsx"), "--out", str(jeu)]) == 2
    assert cli.main(["import-kobo", str(EXPORTS / "export_fiche_op.xlsx")]) == 2
    assert "arguments obligatoires manquants" in capsys.readouterr().err


def test_jeu_importe_donne_un_resume_de_rapport(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    rapports = pytest.importorskip("clusterlib.sorties.rapports")
    jeu = tmp_path / "jeu"
    kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu)
    kobo.importer_kobo(EXPORTS / "export_grille.xlsx", formulaires["grille"], jeu)
    resume = rapports.resume_cluster(clusterlib.load(jeu))
    assert resume


def test_jeu_existant_invalide_refuse(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = _jeu_a_la_main(tmp_path / "jeu")
    (jeu / "relations.csv").write_text("source;cible;type;contrat;respect;volume;unite;prix_unitaire;depuis\n"
                                       "P09;T01;produit;ecrit;92;81;tonne;205000;2018\n", encoding="utf-8")
    avant = _empreinte(jeu)
    bilan = kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu)
    assert "le jeu existant a 1 erreur(s)" in bilan.erreurs[0].message
    assert _empreinte(jeu) == avant
    shutil.rmtree(jeu)


def test_simulation_sans_ecriture(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    jeu = _jeu_a_la_main(tmp_path / "jeu")
    avant = _empreinte(jeu)
    bilan = kobo.importer_kobo(EXPORTS / "export_fiche_op.xlsx", formulaires["organisation_producteurs"], jeu,
                               ecrire=False)
    assert not bilan.ecrit and bilan.ajoutes["acteurs"] == 5
    assert "Rien n'a été écrit (simulation)." in bilan.resume()
    assert _empreinte(jeu) == avant
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jeu"]  # aucun dossier d'essai laissé


def test_csv_a_la_maniere_d_odk_central(tmp_path: Path, formulaires: dict[str, Path]) -> None:
    """En-têtes séparés par « - », identifiant dans KEY (« uuid:… »), virgules, pas de ligne HXL."""
    lignes = list(openpyxl.load_workbook(EXPORTS / "export_fiche_op.xlsx").worksheets[0].values)
    entetes = ["KEY" if e == "_uuid" else e.replace("/", "-") for e in lignes[0]]
    i = lignes[0].index("_uuid")
    texte = ",".join(entetes) + "\n"
    for ligne in lignes[2:]:
        cellules = ["" if v is None else str(v) for v in ligne]
        cellules[i] = "uuid:" + cellules[i]
        texte += ",".join(f'"{c}"' for c in cellules) + "\n"
    (tmp_path / "central.csv").write_text(texte, encoding="utf-8")
    bilan = kobo.importer_kobo(tmp_path / "central.csv", formulaires["organisation_producteurs"], tmp_path / "jeu")
    assert bilan.ecrit and bilan.ajoutes["acteurs"] == 3
    reponses = pd.read_csv(tmp_path / "jeu" / "reponses_collecte.csv", dtype=str, keep_default_na=False)
    assert set(reponses["soumission"]) == {UUID_OP1, UUID_OP1[:-1] + "2", UUID_OP1[:-1] + "3"}
    services = reponses[(reponses["acteur"] == "P01") & (reponses["question"] == "services_membres")]
    assert services["reponse"].tolist() == ["Approvisionnement en intrants; Vente groupée; Conseil technique"]
