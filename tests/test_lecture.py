"""Lecture des fichiers d'un cluster : chaque variante admise donne les mêmes valeurs typées."""

from __future__ import annotations

import codecs
import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import (
    ACTEURS,
    FICHE,
    RELATIONS,
    creer_classeur,
    creer_cluster,
    ecrire,
    feuilles_cluster,
    modifier,
    texte_csv,
    texte_fiche,
)

import clusterlib
from clusterlib import referentiel
from clusterlib.donnees.lecture import lire_jeu
from clusterlib.donnees.validation import lire_booleen, lire_nombre

COMMUNES = ["Glazoué", "Dassa-Zoumè", "Glazoué", "Cotonou"]
NOMS = ["Groupement Akpé", "Coopérative Ayédjo", "Union des Sœurs étuveuses", "Supermarché de Cotonou"]
MARCHES = (clusterlib.Marche("Marché de Glazoué", "local"), clusterlib.Marche("Supermarchés de Cotonou", "national"))
COACHS = (clusterlib.Coach("Awa Dossou", "externe"), clusterlib.Coach("Koffi Agbo", "interne"))

PLAN: list[list[str]] = [
    ["id", "action", "changement_vise", "objet", "moyens", "responsable", "structures_appui", "debut",
     "fin", "budget", "statut", "indicateur", "cible", "realise"],
    ["A1", "Former les étuveuses", "Riz conforme", "transformateur", "Formateur", "Union", "ATDA",
     "2025-10", "2026-03", "2 500 000", "En cours", "Étuveuses formées", "120", "75"],
]


def charger(dossier: Path, **variantes: object) -> clusterlib.Cluster:
    """Écrit le cluster minimal avec des variantes et le charge."""
    return clusterlib.load(creer_cluster(dossier, **variantes))  # type: ignore[arg-type]


def ligne_relation(cluster: clusterlib.Cluster, i: int = 0) -> dict[str, object]:
    return cluster.relations.iloc[i].to_dict()


def verifier_fiche_complete(fiche: clusterlib.Fiche) -> None:
    """Marchés, coachs, territoire et caractère fictif écrits de la même façon dans tous les formats."""
    assert fiche.marches == MARCHES
    assert fiche.coachs == COACHS
    assert fiche.departements == ("Collines",)
    assert fiche.communes == ("Glazoué", "Dassa-Zoumè")
    assert fiche.donnees_fictives is True


# --- Encodages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encodage", "sep", "debut"),
    [
        pytest.param("utf-8-sig", ",", codecs.BOM_UTF8, id="utf8-bom"),
        pytest.param("utf-8", ",", b"id,", id="utf8-sans-bom"),
        pytest.param("cp1252", ";", b"id;", id="windows-1252"),
        pytest.param("utf-16", "\t", codecs.BOM_UTF16, id="utf16-bom-tabulation"),
    ],
)
def test_encodages_acteurs(tmp_path: Path, encodage: str, sep: str, debut: bytes) -> None:
    contenu = texte_csv(ACTEURS, sep, "\r\n").encode(encodage)
    assert contenu.startswith(debut)
    cluster = charger(tmp_path, acteurs=contenu)
    assert cluster.acteurs["commune"].tolist() == COMMUNES
    assert cluster.acteurs["nom"].tolist() == NOMS
    assert cluster.acteurs["effectif"].tolist() == [25, 40, 350, 1]
    assert cluster.avertissements == ()


def test_windows_1252_fichier_court(tmp_path: Path) -> None:
    """Deux lignes seulement : aucun devin d'encodage ne doit transformer « Zoumè » en « ZoumÃ¨ »."""
    acteurs = [ACTEURS[0], ["T01", "Dassa-Zoumè", "transformateur", "union", "Glazoué", "3", "2"]]
    relations = [RELATIONS[0]]
    contenu = texte_csv(acteurs, ";").encode("cp1252")
    assert b"Zoum\xe8" in contenu
    cluster = charger(tmp_path, acteurs=contenu, relations=relations)
    assert cluster.acteurs[["nom", "commune"]].values.tolist() == [["Dassa-Zoumè", "Glazoué"]]
    assert cluster.relations.empty


def test_fiche_en_windows_1252(tmp_path: Path) -> None:
    """« œ » n'existe qu'en Windows-1252 (pas en Latin-1) : il doit revenir intact."""
    fiche = texte_fiche(FICHE) + "devise: Cœur du Zou\nterritoire:\n  communes: [Glazoué, Dassa-Zoumè]\n"
    creer_cluster(tmp_path)
    ecrire(tmp_path / "cluster.yml", fiche, "cp1252")
    cluster = clusterlib.load(tmp_path)
    assert cluster.fiche.communes == ("Glazoué", "Dassa-Zoumè")
    assert cluster.fiche.autres == {"devise": "Cœur du Zou"}


# --- Séparateurs et nombres ---------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t"], ids=["virgule", "point-virgule", "tabulation"])
def test_separateurs(tmp_path: Path, sep: str) -> None:
    cluster = charger(tmp_path, relations=texte_csv(RELATIONS, sep), acteurs=texte_csv(ACTEURS, sep))
    assert cluster.relations["volume"].tolist() == [120.0, 60.0, 40.0]
    assert cluster.relations["contrat"].tolist() == ["ecrit", "verbal", "aucun"]
    assert cluster.acteurs["id"].tolist() == ["P01", "P02", "T01", "M01"]


@pytest.mark.parametrize("espace", [" ", "\u00a0", "\u202f"], ids=["espace", "insecable", "fine-insecable"])
def test_nombres_a_la_francaise(tmp_path: Path, espace: str) -> None:
    relations = modifier(RELATIONS, 1, "volume", f"1{espace}234{espace}567,5")
    relations = modifier(relations, 1, "prix_unitaire", "1.234.567,5")
    relations = modifier(relations, 1, "respect", "85 %")
    relations = modifier(relations, 2, "respect", "70,5%")
    cluster = charger(tmp_path, relations=texte_csv(relations, ";"))
    ligne = ligne_relation(cluster)
    assert ligne["volume"] == 1234567.5
    assert ligne["prix_unitaire"] == 1234567.5
    assert ligne["respect"] == 85.0
    assert cluster.relations["respect"][1] == 70.5


def test_nombre_entre_guillemets_avec_virgule(tmp_path: Path) -> None:
    texte = texte_csv(RELATIONS).replace(",185000,", ',"185 000,50",')
    assert ligne_relation(charger(tmp_path, relations=texte))["prix_unitaire"] == 185000.5


# --- Lignes et colonnes laissées par les tableurs -------------------------------------------------


def test_lignes_et_colonnes_vides_d_excel(tmp_path: Path) -> None:
    """Excel en CSV (point-virgule) : « ;;;; » en fin de ligne et lignes vides en bas du fichier."""
    largeur = len(ACTEURS[0]) + 4
    lignes = [ligne + [""] * 4 for ligne in ACTEURS] + [[""] * largeur] * 3
    cluster = charger(tmp_path, acteurs=texte_csv(lignes, ";", "\r\n"))
    assert texte_csv(lignes, ";").splitlines()[0].endswith("femmes;;;;")
    assert cluster.acteurs["id"].tolist() == ["P01", "P02", "T01", "M01"]
    assert list(cluster.acteurs.columns) == [c.nom for c in referentiel.colonnes("acteurs")]
    assert cluster.avertissements == ()


def test_lignes_vides_au_debut_gardent_les_numeros_du_tableur(tmp_path: Path) -> None:
    creer_cluster(tmp_path, acteurs="\n\r\n" + texte_csv(ACTEURS))
    table = lire_jeu(tmp_path).tables["acteurs"]
    assert table.ligne_entete == 3
    assert [numero for numero, _ in table.lignes] == [4, 5, 6, 7]
    assert clusterlib.load(tmp_path).acteurs["commune"].tolist() == COMMUNES


def test_cellule_hors_des_colonnes_nommees_donne_un_avertissement(tmp_path: Path) -> None:
    acteurs = [[*ligne, ""] for ligne in ACTEURS]
    acteurs[2][-1] = "note"
    cluster = charger(tmp_path, acteurs=acteurs)
    assert [str(p) for p in cluster.avertissements] == [
        "acteurs.csv, ligne 1, colonne « (vide) » (H) : attention : colonne sans en-tête mais avec "
        "des valeurs ; elle est ignorée"
    ]
    assert "note" not in cluster.acteurs.to_numpy()


# --- En-têtes et valeurs normalisés ------------------------------------------------------------


def test_entetes_accentues_et_majuscules(tmp_path: Path) -> None:
    entetes = ["Source", "CIBLE", "Type", "Contrat", "Respect (%)", "Volume", "Unité", "Prix unitaire",
               " Depuis "]
    comptes = [
        ["Campagne", "Maillon", "Poste", "Catégorie", "Montant", "Quantité", "Prix unitaire"],
        ["2025-2026", "producteur", "Engrais NPK", "Consommation intermédiaire", "", "5", "17 500"],
    ]
    cluster = charger(tmp_path, relations=[entetes, *RELATIONS[1:]], comptes=comptes)
    assert list(cluster.relations.columns)[:9] == [c.nom for c in referentiel.colonnes("relations")][:9]
    comptes_lus = cluster.table("comptes").iloc[0]
    assert comptes_lus["categorie"] == "consommation_intermediaire"
    assert comptes_lus["quantite"] == 5.0
    assert comptes_lus["prix_unitaire"] == 17500.0


def test_cle_normalisee_des_entetes() -> None:
    """« Respect (%) » devient « respect » : parenthèses et signes ne sont que des séparateurs."""
    assert referentiel.cle_normalisee("Respect (%)") == "respect"
    assert referentiel.cle_normalisee("Prix unitaire") == "prix_unitaire"
    assert referentiel.cle_normalisee("Catégorie") == "categorie"


def test_valeurs_d_enumeration_normalisees(tmp_path: Path) -> None:
    acteurs = modifier(ACTEURS, 1, "maillon", "Producteur")
    acteurs = modifier(acteurs, 2, "forme", "Coopérative")
    acteurs = modifier(acteurs, 4, "forme", "STRUCTURE PUBLIQUE")
    relations = modifier(RELATIONS, 1, "contrat", "Écrit")
    relations = modifier(relations, 2, "type", "Équipement")
    fiche = texte_fiche(FICHE) + "modele: esop\nmarches: Lagos (Sous régional); Cotonou (NATIONAL)\n"
    cluster = charger(tmp_path, fiche=fiche, acteurs=acteurs, relations=relations)
    assert cluster.acteurs["maillon"].tolist() == ["producteur", "producteur", "transformateur", "marche"]
    assert cluster.acteurs["forme"].tolist() == ["groupement", "cooperative", "union", "structure_publique"]
    assert cluster.relations["contrat"][0] == "ecrit"
    assert cluster.relations["type"][1] == "equipement"
    assert cluster.fiche.modele == "ESOP"
    assert cluster.fiche.marches == (
        clusterlib.Marche("Lagos", "sous-regional"), clusterlib.Marche("Cotonou", "national"))


# --- Fiche du cluster -------------------------------------------------------------------------


def test_identifiant_007_reste_un_texte(tmp_path: Path) -> None:
    cluster = charger(tmp_path, fiche=texte_fiche(FICHE | {"id": "007"}))
    assert cluster.id == "007"
    assert isinstance(cluster.id, str)


def test_fiche_yaml_complete(tmp_path: Path) -> None:
    fiche = texte_fiche(FICHE | {"donnees_fictives": "oui"}) + (
        "produits_finis: [riz étuvé blanchi, riz étuvé complet]\n"
        "territoire:\n  departements: Collines\n  communes: [Glazoué, Dassa-Zoumè]\n"
        "marches:\n  - Marché de Glazoué (local)\n  - {nom: Supermarchés de Cotonou, type: national}\n"
        "coachs: Awa Dossou (externe); Koffi Agbo (interne)\n"
        "structure_promotion: ATDA pôle 4\n"
        "contact: 0197000000\n"
    )
    f = charger(tmp_path, fiche=fiche).fiche
    assert (f.id, f.nom, f.filiere, f.campagne, f.agregateur) == (
        "riz-test", "Cluster riz étuvé de test", "riz", "2025-2026", "T01")
    assert f.produits_finis == ("riz étuvé blanchi", "riz étuvé complet")
    verifier_fiche_complete(f)
    assert f.structure_promotion == "ATDA pôle 4"
    assert f.autres == {"contact": "0197000000"}


def test_cluster_sans_agregateur(tmp_path: Path) -> None:
    fiche = {k: v for k, v in FICHE.items() if k not in ("agregateur", "donnees_fictives")}
    cluster = charger(tmp_path, fiche=fiche)
    assert cluster.fiche.agregateur is None
    assert cluster.fiche.donnees_fictives is False
    assert cluster.resume()["agregateur"] is None


# --- Classeur Excel ---------------------------------------------------------------------------


def test_classeur_complet(tmp_path: Path) -> None:
    fiche = dict(FICHE) | {
        "marches": "Marché de Glazoué (local); Supermarchés de Cotonou (national)",
        "coachs": "Awa Dossou (externe); Koffi Agbo (Interne)",
        "departements": "Collines",
        "communes": "Glazoué; Dassa-Zoumè",
        "donnees_fictives": True,
    }
    acteurs = [ACTEURS[0] + ["latitude"]] + [
        [*ligne[:5], int(ligne[5]), float(ligne[6]), 7.97] for ligne in ACTEURS[1:]]
    relations = [RELATIONS[0]] + [
        [*ligne[:4], float(ligne[4]) if ligne[4] else None, float(ligne[5]) + 0.5, "tonne",
         int(ligne[7]), int(ligne[8])] for ligne in RELATIONS[1:]]
    plan = [PLAN[0], [*PLAN[1][:7], dt.datetime(2025, 10, 1), dt.date(2026, 3, 1), 2500000, *PLAN[1][10:]]]
    chemin = creer_classeur(tmp_path / "riz.xlsx", feuilles_cluster(
        fiche, acteurs=acteurs, relations=relations, plan_actions=plan))
    cluster = clusterlib.load(chemin)
    verifier_fiche_complete(cluster.fiche)
    assert cluster.acteurs["effectif"].tolist() == [25, 40, 350, 1]
    assert cluster.acteurs["femmes"].tolist() == [10, 22, 290, 0]
    assert cluster.acteurs["latitude"].tolist() == [7.97] * 4
    assert cluster.relations["volume"].tolist() == [120.5, 60.5, 40.5]
    assert cluster.relations["respect"][:2].tolist() == [85.0, 70.0]
    assert pd.isna(cluster.relations["respect"][2])
    assert cluster.relations["depuis"].tolist() == [2019, 2021, 2022]
    action = cluster.table("plan_actions").iloc[0]
    assert (action["debut"], action["fin"], action["budget"], action["statut"]) == (
        "2025-10", "2026-03", 2500000.0, "en_cours")
    assert cluster.source == chemin


def test_classeur_minimal_et_dossier_identiques(cluster_minimal: Path, classeur_minimal: Path) -> None:
    dossier, classeur = clusterlib.load(cluster_minimal), clusterlib.load(classeur_minimal)
    assert dossier.fiche == classeur.fiche
    pd.testing.assert_frame_equal(dossier.acteurs, classeur.acteurs)
    pd.testing.assert_frame_equal(dossier.relations, classeur.relations)


# --- Colonnes en plus, tables facultatives, types -------------------------------------------------


def test_colonnes_supplementaires_gardees_en_texte(tmp_path: Path) -> None:
    acteurs = [ACTEURS[0] + ["Téléphone", "Remarque"]] + [
        [*ligne, "0197000000", ""] for ligne in ACTEURS[1:]]
    acteurs[1][-1] = "très actif"
    cluster = charger(tmp_path, acteurs=acteurs)
    assert cluster.acteurs["telephone"].tolist() == ["0197000000"] * 4
    assert cluster.acteurs["telephone"].dtype == "str"
    assert cluster.acteurs["remarque"].dtype == "str"
    assert cluster.acteurs["remarque"][0] == "très actif"
    assert cluster.acteurs["remarque"][1:].isna().all()
    assert cluster.avertissements == ()


@pytest.mark.parametrize("nom", ["comptes", "performances", "scores", "ffom", "plan_actions"])
def test_table_facultative_absente(cluster_minimal: Path, nom: str) -> None:
    cluster = clusterlib.load(cluster_minimal)
    assert getattr(cluster, nom) is None
    with pytest.raises(clusterlib.TableAbsente, match=f"n'a pas de table {nom} : ajoutez {nom}.csv"):
        cluster.table(nom)
    assert nom not in cluster.resume()["tables"]


def test_table_inconnue(cluster_minimal: Path) -> None:
    with pytest.raises(KeyError, match="table « stocks » inconnue"):
        clusterlib.load(cluster_minimal).table("stocks")


def dtype_attendu(type_colonne: str) -> str:
    return {"entier": "Int64", "annee": "Int64", "nombre": "float64"}.get(type_colonne, "str")


@pytest.mark.parametrize("table", ["acteurs", "relations", "comptes", "performances", "scores", "ffom",
                                   "plan_actions"])
def test_types_pandas_des_colonnes(tmp_path: Path, table: str) -> None:
    """Le type de chaque colonne, sur une ligne faite des exemples du référentiel."""
    colonnes = referentiel.colonnes(table)
    exemples = [c.exemple for c in colonnes]
    assert None not in exemples
    tables: dict[str, object] = {table: texte_csv([[c.nom for c in colonnes], exemples], "\t")}
    if table == "acteurs":
        tables["relations"] = [RELATIONS[0]]
    if table == "relations":
        tables["acteurs"] = [ACTEURS[0], ["P01", *ACTEURS[1][1:]], ["T01", *ACTEURS[3][1:]]]
    cadre = charger(tmp_path, fiche={k: v for k, v in FICHE.items() if k != "agregateur"}, **tables).table(table)
    assert {c: str(t) for c, t in cadre.dtypes.items()} == {c.nom: dtype_attendu(c.type) for c in colonnes}
    assert len(cadre) == 1


def test_types_du_cluster_minimal(cluster_minimal: Path) -> None:
    cluster = clusterlib.load(cluster_minimal)
    assert isinstance(cluster.acteurs["id"].dtype, pd.StringDtype)
    assert cluster.acteurs["effectif"].dtype == "Int64"
    assert cluster.acteurs["latitude"].dtype == "float64"
    assert cluster.acteurs["latitude"].isna().all()
    assert cluster.relations["prix_unitaire"].dtype == "float64"
    assert cluster.relations["depuis"].dtype == "Int64"


# --- Campagnes et résumé ------------------------------------------------------------------------


def test_campagnes_et_resume(tmp_path: Path) -> None:
    scores = [["campagne", "indicateur", "score", "justification"],
              ["2023 - 2024", "3.1", "2", ""], ["2024/2025", "3,1", "3", "Contrats signés"]]
    comptes = [["campagne", "maillon", "poste", "categorie", "montant"],
               ["2024-2025", "producteur", "Vente de paddy", "produit", "1 250 000"]]
    cluster = charger(tmp_path, scores=texte_csv(scores, ";"), comptes=comptes)
    assert cluster.table("scores")["campagne"].tolist() == ["2023-2024", "2024-2025"]
    assert cluster.table("scores")["indicateur"].tolist() == ["3.1", "3.1"]
    assert cluster.campagne == "2025-2026"
    assert cluster.campagnes() == ["2023-2024", "2024-2025", "2025-2026"]
    assert cluster.resume() == {
        "id": "riz-test",
        "nom": "Cluster riz étuvé de test",
        "filiere": "riz",
        "campagne": "2025-2026",
        "donnees_fictives": True,
        "nb_acteurs": 4,
        "nb_relations": 3,
        "effectif_total": 416,
        "femmes": 322,
        "agregateur": "T01",
        "tables": ["acteurs", "relations", "comptes", "scores"],
        "campagnes": ["2023-2024", "2024-2025", "2025-2026"],
    }


def test_objet_ffom_normalise(tmp_path: Path) -> None:
    ffom = [["campagne", "niveau", "objet", "type", "description"],
            ["2025-2026", "Relation", "Producteur / Transformateur", "Faiblesse", "Paddy livré en retard"],
            ["2025-2026", "maillon", "Commerçant", "Opportunité", "Demande urbaine"]]
    cadre = charger(tmp_path, ffom=ffom).table("ffom")
    assert cadre["objet"].tolist() == ["producteur/transformateur", "commercant"]
    assert cadre["type"].tolist() == ["faiblesse", "opportunite"]


# --- Nombres et booléens -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texte", "valeur"),
    [
        ("0", 0.0),
        ("42", 42.0),
        (" 42 ", 42.0),
        ("-5", -5.0),
        ("+5", 5.0),
        ("1,5", 1.5),
        ("1.5", 1.5),
        (",5", 0.5),
        ("5.", 5.0),
        ("1 234 567,5", 1234567.5),
        ("1\u00a0234\u00a0567,5", 1234567.5),
        ("1\u202f234\u202f567,5", 1234567.5),
        ("1.234.567,5", 1234567.5),
        ("1,234,567.5", 1234567.5),
        ("1.234.567", 1234567.0),
        ("12.345,678", 12345.678),
        ("-1.234,5", -1234.5),
        ("1'234", 1234.0),
        ("85 %", 85.0),
        ("85%", 85.0),
        ("1 234,5 %", 1234.5),
        ("1.5E+06", 1500000.0),
        ("2e-3", 0.002),
    ],
)
def test_lire_nombre(texte: str, valeur: float) -> None:
    assert lire_nombre(texte) == valeur


@pytest.mark.parametrize(
    "texte",
    ["", "   ", "%", "-", "abc", "12 FCFA", "FCFA 12", "12,34,56", "1.2.3", "1,,2", "1..2", "--5", "+-5",
     "1.23,5", "1,234.567,8", "1,5E+06", "inf", "-inf", "nan", "0x10", "1/2", "2025-10", "5-"],
)
def test_lire_nombre_refuse(texte: str) -> None:
    with pytest.raises(ValueError):
        lire_nombre(texte)


def test_lire_nombre_toujours_fini_et_flottant() -> None:
    for texte in ("1", "1e308", "0,000001"):
        valeur = lire_nombre(texte)
        assert isinstance(valeur, float)
        assert math.isfinite(valeur)


@pytest.mark.parametrize(("texte", "valeur"), [("oui", True), ("Vrai", True), ("TRUE", True), ("1", True),
                                               ("x", True), ("non", False), ("Faux", False), ("0", False)])
def test_lire_booleen(texte: str, valeur: bool) -> None:
    assert lire_booleen(texte) is valeur


def test_lire_booleen_refuse() -> None:
    with pytest.raises(ValueError):
        lire_booleen("peut-être")
