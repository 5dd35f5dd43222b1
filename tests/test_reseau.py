"""Tests du réseau d'un cluster : graphe, exports et diagnostics, sur de petits clusters comptés à la main."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest
import yaml
from conftest import exemple

import clusterlib
from clusterlib.analyses import reseau
from clusterlib.presentation import reseau as textes

# --- Petits clusters écrits dans tmp_path -------------------------------------------------

COLONNES_ACTEURS = ["id", "nom", "maillon", "forme", "commune", "effectif", "femmes"]
COLONNES_RELATIONS = ["source", "cible", "type", "contrat", "respect", "volume", "unite", "prix_unitaire", "depuis"]

# Le cluster « mini » : un fournisseur, trois producteurs, un transformateur agrégateur, un
# commerçant, un marché, trois acteurs d'appui dont un isolé.
ACTEURS_MINI = [
    ["FI1", "Boutique d'intrants Agbo", "fournisseur_intrants_production", "entreprise", "Glazoué", 4, 1],
    ["P1", "Coopérative Ayédjo", "producteur", "cooperative", "Glazoué", 30, 12],
    ["P2", "Awa Dossou, productrice", "producteur", "individu", "Glazoué", 1, 1],
    ["P3", "Koffi Agbo, producteur", "producteur", "individu", "Savè", 1, 0],
    ["T1", "Union des étuveuses", "transformateur", "union", "Glazoué", 100, 90],
    ["C1", "Irène Alabi, commerçante", "commercant", "individu", "Dassa-Zoumè", 1, 1],
    ["M1", "Supermarché de Cotonou", "marche", "entreprise", "Cotonou", "", ""],
    ["SF1", "Caisse mutuelle", "services_financiers", "sfd", "Glazoué", 10, 4],
    ["SP1", "ATDA Glazoué", "services_publics", "structure_publique", "Glazoué", 5, 2],
    ["X1", "ONG isolée", "services_non_financiers", "ong", "Cotonou", 3, 1],
]
RELATIONS_MINI = [
    ["FI1", "P1", "intrants", "ecrit", 90, 10, "tonne", 300000, 2020],      # 0
    ["FI1", "P2", "intrants", "aucun", "", 2, "tonne", 300000, 2021],       # 1
    ["P1", "T1", "produit", "ecrit", 80, 60, "tonne", 200000, 2019],        # 2
    ["P2", "T1", "produit", "verbal", 70, 20, "tonne", 200000, 2020],       # 3
    ["P3", "T1", "produit", "aucun", "", 20, "tonne", 190000, 2021],        # 4
    ["P3", "C1", "produit", "verbal", 60, 5, "tonne", 195000, 2022],        # 5
    ["T1", "M1", "produit", "ecrit", 100, 50, "tonne", 650000, 2021],       # 6
    ["T1", "C1", "produit", "verbal", 90, 30, "tonne", 600000, 2020],       # 7
    ["C1", "M1", "produit", "aucun", "", 35, "tonne", 640000, 2019],        # 8
    ["SF1", "T1", "credit", "ecrit", 95, 1000000, "FCFA", "", 2018],        # 9
    ["SP1", "P1", "conseil", "verbal", 50, "", "", "", 2017],               # 10
    ["SP1", "P2", "information", "aucun", "", "", "", "", 2016],            # 11
]
FICHE_MINI: dict[str, Any] = {
    "id": "mini",
    "nom": "Cluster de test",
    "filiere": "riz",
    "campagne": "2025-2026",
    "agregateur": "T1",
    "marches": [{"nom": "Supermarchés de Cotonou", "type": "national"}],
    "territoire": {"communes": ["Glazoué", "Savè"]},
    "donnees_fictives": True,
}


def _csv(colonnes: list[str], lignes: list[list[Any]]) -> str:
    def cellule(v: Any) -> str:
        texte = "" if v is None else str(v)
        return f'"{texte}"' if "," in texte else texte
    return "\n".join([",".join(colonnes)] + [",".join(cellule(v) for v in ligne) for ligne in lignes]) + "\n"


def ecrire_cluster(dossier: Path, acteurs: list[list[Any]] | None = None,
                   relations: list[list[Any]] | None = None, **fiche: Any) -> clusterlib.Cluster:
    """Écrit un cluster (fiche, acteurs, relations) dans ``dossier`` et le charge."""
    dossier.mkdir(parents=True, exist_ok=True)
    donnees = {**FICHE_MINI, **fiche}
    donnees = {k: v for k, v in donnees.items() if v is not None}
    (dossier / "cluster.yml").write_text(yaml.safe_dump(donnees, allow_unicode=True), encoding="utf-8")
    (dossier / "acteurs.csv").write_text(_csv(COLONNES_ACTEURS, ACTEURS_MINI if acteurs is None else acteurs),
                                         encoding="utf-8")
    (dossier / "relations.csv").write_text(
        _csv(COLONNES_RELATIONS, RELATIONS_MINI if relations is None else relations), encoding="utf-8")
    return clusterlib.load(dossier)


@pytest.fixture
def mini(tmp_path: Path) -> clusterlib.Cluster:
    return ecrire_cluster(tmp_path / "mini")


# --- Graphe et exports -----------------------------------------------------------------------


def test_graphe_garde_tous_les_attributs(mini):
    g = reseau.graphe(mini)
    assert isinstance(g, nx.MultiDiGraph)
    assert g.number_of_nodes() == 10 and g.number_of_edges() == 12
    assert g.nodes["T1"] == {"nom": "Union des étuveuses", "maillon": "transformateur", "forme": "union",
                             "commune": "Glazoué", "effectif": 100, "femmes": 90, "groupe": "direct"}
    assert "effectif" not in g.nodes["M1"]          # valeur manquante : pas d'attribut
    arete = g.edges["P1", "T1", 2]
    assert arete == {"type": "produit", "contrat": "ecrit", "respect": 80.0, "volume": 60.0, "unite": "tonne",
                     "prix_unitaire": 200000.0, "depuis": 2019, "commerciale": True}
    assert g.edges["SP1", "P1", 10]["commerciale"] is False
    assert g.graph["agregateur"] == "T1"
    assert type(g.nodes["T1"]["effectif"]) is int


def test_graphe_ne_modifie_pas_le_cluster(mini):
    avant = (mini.acteurs.copy(), mini.relations.copy())
    reseau.graphe(mini)
    reseau.diagnostic_reseau(mini)
    pd.testing.assert_frame_equal(mini.acteurs, avant[0])
    pd.testing.assert_frame_equal(mini.relations, avant[1])


def test_exports_relus_par_networkx(mini, tmp_path):
    graphml = reseau.exporter_graphml(mini, tmp_path / "sortie" / "reseau.graphml")
    gexf = reseau.exporter_gexf(mini, tmp_path / "sortie" / "reseau.gexf")
    relu = nx.read_graphml(graphml, force_multigraph=True)
    assert relu.number_of_nodes() == 10 and relu.number_of_edges() == 12
    assert relu.is_directed()
    assert relu.nodes["T1"]["effectif"] == 100 and relu.nodes["T1"]["nom"] == "Union des étuveuses"
    relu_gexf = nx.read_gexf(gexf)
    assert relu_gexf.number_of_nodes() == 10 and relu_gexf.number_of_edges() == 12
    types = sorted(d["type_relation"] for _, _, d in relu_gexf.edges(data=True))
    assert types.count("produit") == 7
    assert relu_gexf.nodes["T1"]["label"] == "Union des étuveuses"
    # Aucun fichier temporaire laissé à côté.
    assert sorted(p.name for p in (tmp_path / "sortie").iterdir()) == ["reseau.gexf", "reseau.graphml"]


def test_table_relations_et_export_csv(mini, tmp_path):
    table = reseau.table_relations(mini)
    assert len(table) == 12
    assert table.loc[2, ["nom_source", "maillon_source", "maillon_cible"]].tolist() == [
        "Coopérative Ayédjo", "producteur", "transformateur"]
    assert table.loc[2, "valeur"] == 60 * 200000
    assert table["commerciale"].sum() == 10
    chemin = reseau.exporter_table_relations(mini, tmp_path / "relations_enrichies.csv")
    relue = pd.read_csv(chemin)
    assert len(relue) == 12 and "maillon_cible" in relue.columns


@pytest.mark.parametrize("nom", ["riz-glazoue", "ananas-allada", "soja-djidja.xlsx", "piment-dynamique-emergente"])
def test_exports_des_echantillons(nom, tmp_path):
    cluster = exemple(nom)
    relu = nx.read_graphml(reseau.exporter_graphml(cluster, tmp_path / "r.graphml"), force_multigraph=True)
    assert (relu.number_of_nodes(), relu.number_of_edges()) == (len(cluster.acteurs), len(cluster.relations))
    relu = nx.read_gexf(reseau.exporter_gexf(cluster, tmp_path / "r.gexf"))
    assert (relu.number_of_nodes(), relu.number_of_edges()) == (len(cluster.acteurs), len(cluster.relations))


# --- Contractualisation ----------------------------------------------------------------------


def test_contractualisation_comptee_a_la_main(mini):
    c = reseau.contractualisation(mini)
    # 10 relations d'affaires (intrants, produit, crédit), dont 4 sous contrat écrit (0, 2, 6, 9).
    assert c["nb_relations_affaires"] == 10
    assert (c["nb_ecrit"], c["nb_verbal"], c["nb_aucun"]) == (4, 3, 3)
    assert c["taux_contractualisation"] == pytest.approx(0.4)
    # Respect : relations sous contrat écrit ou verbal qui le donnent, conseil compris.
    assert c["nb_respect"] == 8
    assert c["taux_respect"] == pytest.approx((90 + 80 + 70 + 60 + 100 + 90 + 95 + 50) / 8 / 100)
    paires = c["par_paire"].set_index(["maillon_source", "maillon_cible"])
    pt = paires.loc[("producteur", "transformateur")]
    assert (pt["nb_relations"], pt["nb_affaires"], pt["nb_ecrit"]) == (3, 3, 1)
    assert pt["taux_contractualisation"] == pytest.approx(1 / 3)
    assert pt["taux_respect"] == pytest.approx(0.75)
    appui = paires.loc[("services_publics", "producteur")]
    assert appui["nb_affaires"] == 0 and math.isnan(appui["taux_contractualisation"])
    assert appui["taux_respect"] == pytest.approx(0.5)


# --- Agrégateur et dépendance ----------------------------------------------------------------


def test_agregateur_declare_et_central(mini):
    a = reseau.agregateur(mini)
    assert a["declare"] == "T1" and a["central"] == "T1"
    # T1 : P1, P2, P3, M1, C1, SF1 (le conseil ne compte pas).
    assert a["partenaires_declare"] == 6 and a["concordance"] is True and a["cas"] == "concordance"
    assert textes.avertissement_agregateur(a) is None
    assert textes.constat_agregateur(a) == ("L'agrégateur déclaré, Union des étuveuses (T1), est aussi l'acteur "
                                            "direct le plus relié : 6 partenaires d'affaires.")
    assert a["classement"]["id"].tolist()[:2] == ["T1", "C1"]
    # Le marché n'est jamais candidat, même très relié.
    assert "M1" not in a["classement"]["id"].tolist()


def test_agregateur_different_avertit_et_egalite_par_id(tmp_path):
    cluster = ecrire_cluster(tmp_path / "c", agregateur="C1")
    a = reseau.agregateur(cluster)
    assert a["central"] == "T1" and a["concordance"] is False
    assert a["cas"] == "divergence"
    avertissement = textes.avertissement_agregateur(a)
    assert "Union des étuveuses" in avertissement and "Irène Alabi" in avertissement
    assert textes.constat_agregateur(a) == avertissement
    # Égalité : deux transformateurs de 3 partenaires chacun (les producteurs en ont 2),
    # le plus petit id l'emporte.
    acteurs = [[f"P{k}", f"Producteur {k}", "producteur", "individu", "Glazoué", 1, 0] for k in (1, 2, 3)] + [
        ["TB", "B", "transformateur", "entreprise", "Glazoué", 3, 1],
        ["TA", "A", "transformateur", "entreprise", "Glazoué", 3, 1]]
    relations = [[f"P{k}", t, "produit", "aucun", "", 1, "tonne", "", ""] for k in (1, 2, 3) for t in ("TB", "TA")]
    egalite = ecrire_cluster(tmp_path / "e", acteurs, relations, agregateur=None)
    assert reseau.agregateur(egalite)["central"] == "TA"


def test_dependance_comptee_a_la_main(mini):
    d = reseau.dependance(mini)
    assert d["agregateur"] == "T1" and d["origine"] == "declare"
    # Approvisionnement de T1 : P1 60, P2 20, P3 20 tonnes.
    assert d["volume_approvisionnement"] == 100 and d["unite_approvisionnement"] == "tonne"
    assert d["principal_fournisseur"] == "P1"
    assert d["part_principal_fournisseur"] == pytest.approx(0.6)
    assert d["hhi_fournisseurs"] == pytest.approx(0.36 + 0.04 + 0.04)
    assert d["niveau_fournisseurs"] == "forte"
    # Ventes : M1 50, C1 30.
    assert d["principal_acheteur"] == "M1"
    assert d["part_principal_acheteur"] == pytest.approx(50 / 80)
    assert d["hhi_acheteurs"] == pytest.approx((50 / 80) ** 2 + (30 / 80) ** 2)
    parts = d["parts"]
    assert parts[parts["sens"] == "approvisionnement"]["part"].sum() == pytest.approx(1)
    constat = textes.constat_dependance(d)
    assert constat.startswith("Union des étuveuses s'approvisionne auprès de 3 fournisseur(s) ; le premier, ")
    assert "60\u202f% du volume (concentration forte, indice 0,44)" in constat


def test_dependance_unites_melangees_et_volumes_manquants(tmp_path):
    relations = [r for r in RELATIONS_MINI if r[1] != "T1" or r[2] != "produit"] + [
        ["P1", "T1", "produit", "ecrit", 80, 60, "tonne", "", ""],
        ["P2", "T1", "produit", "ecrit", 80, 40, "tonne", "", ""],
        ["P3", "T1", "produit", "ecrit", 80, 900, "kg", "", ""],
        ["P3", "T1", "produit", "ecrit", 80, "", "tonne", "", ""],
    ]
    d = reseau.dependance(ecrire_cluster(tmp_path / "u", relations=relations))
    assert d["unite_approvisionnement"] == "tonne" and d["nb_fournisseurs"] == 2
    assert d["part_principal_fournisseur"] == pytest.approx(0.6)
    assert d["relations_ignorees"] == 2


# --- Étapes de la chaîne -----------------------------------------------------------------------


def test_maillons_manquants_chaine_complete(mini):
    etapes = reseau.maillons_manquants(mini).set_index("etape")
    assert etapes["statut"].tolist() == ["present"] * 4
    assert etapes.loc["intrants", "nb_liens_suivante"] == 2
    assert etapes.loc["production", "nb_liens_suivante"] == 4
    assert etapes.loc["agregation", "nb_liens_suivante"] == 2
    assert etapes.loc["agregation", "nb_acteurs"] == 2
    assert pd.isna(etapes.loc["marche", "nb_liens_suivante"])


def test_maillons_manquants_absent_et_non_relie(tmp_path):
    # Sans fournisseur d'intrants : étape absente.
    acteurs = [a for a in ACTEURS_MINI if a[0] != "FI1"]
    relations = [r for r in RELATIONS_MINI if r[0] != "FI1"]
    c = ecrire_cluster(tmp_path / "a", acteurs, relations)
    assert reseau.synthese_reseau(c)["maillons_manquants"] == ["intrants"]
    # Le fournisseur ne vend que de l'équipement : étape présente mais non reliée.
    relations = [r for r in RELATIONS_MINI if r[0] != "FI1"] + [
        ["FI1", "P1", "equipement", "ecrit", 90, 1, "motoculteur", "", ""]]
    c = ecrire_cluster(tmp_path / "b", relations=relations)
    etapes = reseau.maillons_manquants(c).set_index("etape")
    assert etapes.loc["intrants", "statut"] == "non_relie"
    # Les producteurs vendent au marché en direct : pas d'agrégation.
    acteurs = [a for a in ACTEURS_MINI if a[0] not in ("T1", "C1")]
    relations = [["P1", "M1", "produit", "aucun", "", 5, "tonne", "", ""],
                 ["FI1", "P1", "intrants", "aucun", "", 1, "tonne", "", ""]]
    c = ecrire_cluster(tmp_path / "c", acteurs, relations, agregateur=None)
    etapes = reseau.maillons_manquants(c).set_index("etape")
    assert etapes.loc["production", "statut"] == "non_relie"
    assert etapes.loc["agregation", "statut"] == "absent"


# --- Isolés, appui, femmes -----------------------------------------------------------------------


def test_acteurs_isoles(mini):
    assert reseau.acteurs_isoles(mini)["id"].tolist() == ["X1"]


def test_couverture_appui(mini):
    t = reseau.couverture_appui(mini).set_index("maillon")
    assert t.index.tolist() == ["fournisseur_intrants_production", "producteur", "transformateur", "commercant"]
    assert t.loc["producteur", ["conseil", "credit", "information", "acteurs_appuyes"]].tolist() == [1, 0, 1, 2]
    assert t.loc["producteur", "part_acteurs_appuyes"] == pytest.approx(2 / 3)
    assert t.loc["transformateur", "credit"] == 1 and bool(t.loc["transformateur", "couvert"])
    assert not t.loc["commercant", "couvert"] and not t.loc["fournisseur_intrants_production", "couvert"]


def test_part_femmes(mini):
    t = reseau.part_femmes(mini).set_index("maillon")
    assert t.loc["producteur", ["effectif", "femmes"]].tolist() == [32, 13]
    assert t.loc["producteur", "part_femmes"] == pytest.approx(13 / 32)
    assert t.loc["marche", "acteurs_sans_effectif"] == 1 and math.isnan(t.loc["marche", "part_femmes"])
    assert "autorite" not in t.index


# --- Préalables ----------------------------------------------------------------------------------


def test_prealables_comptes_a_la_main(mini):
    p = reseau.prealables(mini).set_index("prealable")
    assert p.index.tolist() == ["marche", "leader", "relations", "territoire"]
    assert p.loc["marche", "verdict"] == "oui" and p.loc["marche", "valeur"] == 2   # T1→M1, C1→M1
    assert p.loc["leader", "verdict"] == "oui" and p.loc["leader", "valeur"] == 3   # P1, P2, P3 vendent à T1
    assert not p.loc["leader", "obligatoire"]
    assert p.loc["relations", "verdict"] == "oui" and p.loc["relations", "valeur"] == pytest.approx(0.9)
    # Territoire Glazoué + Savè : 7 des 9 acteurs hors marché (C1 à Dassa-Zoumè, X1 à Cotonou).
    assert p.loc["territoire", "valeur"] == pytest.approx(7 / 9)
    assert p.loc["territoire", "verdict"] == "partiellement"
    p = textes.table_prealables(reseau.prealables(mini)).set_index("prealable")
    assert "Dassa-Zoumè (1)" in p.loc["territoire", "preuve"]
    assert reseau.synthese_prealables(mini) == {"marche": "oui", "leader": "oui", "relations": "oui",
                                                "territoire": "partiellement"}


def test_prealables_sans_agregateur_ni_communes(tmp_path):
    c = ecrire_cluster(tmp_path / "a", agregateur=None, territoire=None)
    p = textes.table_prealables(reseau.prealables(c)).set_index("prealable")
    assert p.loc["leader", "verdict"] == "partiellement" and "Union des étuveuses" in p.loc["leader", "preuve"]
    assert p.loc["territoire", "verdict"] is None and p.loc["territoire", "libelle_verdict"] == "Non calculable"
    assert reseau.synthese_prealables(c)["territoire"] is None
    # Seulement deux producteurs vendent : pas d'agrégateur possible.
    relations = [r for r in RELATIONS_MINI if r[0] != "P3"]
    c = ecrire_cluster(tmp_path / "b", relations=relations, agregateur=None)
    assert reseau.synthese_prealables(c)["leader"] == "non"


def test_prealable_marche_et_relations(tmp_path):
    # Débouchés déclarés mais aucun flux vers un marché : en partie.
    relations = [r for r in RELATIONS_MINI if r[1] != "M1"]
    c = ecrire_cluster(tmp_path / "a", relations=relations)
    assert reseau.synthese_prealables(c)["marche"] == "partiellement"
    # Ni débouché déclaré ni acteur de marché : non.
    acteurs = [a for a in ACTEURS_MINI if a[0] != "M1"]
    c = ecrire_cluster(tmp_path / "b", acteurs, relations, marches=None)
    assert reseau.synthese_prealables(c)["marche"] == "non"
    # Moitié des acteurs reliés : 5 sur 10 → en partie ; 4 sur 10 → non.
    relations = [r for r in RELATIONS_MINI if r[0] in ("P1", "P2", "P3") and r[1] in ("T1", "C1")]
    c = ecrire_cluster(tmp_path / "c", relations=relations)
    p = reseau.prealables(c).set_index("prealable")
    assert p.loc["relations", "valeur"] == pytest.approx(0.5) and p.loc["relations", "verdict"] == "partiellement"
    c = ecrire_cluster(tmp_path / "d", relations=relations[:2])
    assert reseau.synthese_prealables(c)["relations"] == "non"


def test_regles_prealables_affichent_les_seuils():
    regles = textes.regles_prealables().set_index("prealable")
    assert "80\u202f%" in regles.loc["relations", "regle"] and "50\u202f%" in regles.loc["relations", "regle"]
    assert "3 acteurs" in regles.loc["leader", "regle"]


# --- Synthèses et cas vides ------------------------------------------------------------------------


def test_synthese_reseau_exacte(mini):
    s = reseau.synthese_reseau(mini)
    assert s == {
        "nb_acteurs": 10, "nb_relations": 12, "agregateur": "T1", "agregateur_central": "T1",
        "taux_contractualisation": pytest.approx(0.4), "taux_respect": pytest.approx(0.79375),
        "maillons_manquants": [], "acteurs_isoles": ["X1"],
    }
    assert type(s["taux_contractualisation"]) is float and type(s["taux_respect"]) is float
    assert type(s["nb_acteurs"]) is int


def test_cluster_sans_relation(tmp_path):
    c = ecrire_cluster(tmp_path / "v", relations=[])
    assert reseau.reseau_vide(c) == reseau.ReseauVide("aucune_relation", 10)
    assert "aucune relation" in textes.raison_reseau_vide(reseau.reseau_vide(c))
    s = reseau.synthese_reseau(c)
    assert s["nb_relations"] == 0 and s["agregateur"] == "T1" and s["agregateur_central"] is None
    assert s["taux_contractualisation"] is None and s["taux_respect"] is None
    assert len(s["acteurs_isoles"]) == 10
    d = reseau.diagnostic_reseau(c)
    assert d["contractualisation"]["par_paire"].empty
    assert d["dependance"]["nb_fournisseurs"] == 0 and d["dependance"]["hhi_fournisseurs"] is None
    assert reseau.synthese_prealables(c)["relations"] == "non"
    assert reseau.reseau_carte(c).liens.empty


def test_cluster_d_un_seul_acteur(tmp_path):
    c = ecrire_cluster(tmp_path / "un", [ACTEURS_MINI[4]], [])
    assert "qu'un acteur" in textes.raison_reseau_vide(reseau.reseau_vide(c))
    assert reseau.synthese_reseau(c)["acteurs_isoles"] == ["T1"]
    assert reseau.agregateur(c)["central"] is None
    assert reseau.reseau_vide(ecrire_cluster(tmp_path / "m")) is None
    assert textes.raison_reseau_vide(None) is None


# --- Regroupement pour la carte ---------------------------------------------------------------------


def _grand_cluster(dossier: Path, communes: list[str]) -> clusterlib.Cluster:
    acteurs = [["T1", "Union", "transformateur", "union", "Glazoué", 100, 80],
               ["M1", "Supermarché", "marche", "entreprise", "Cotonou", 10, 5]]
    relations = [["T1", "M1", "produit", "ecrit", 90, 100, "tonne", "", ""]]
    for k, commune in enumerate(communes):
        acteurs.append([f"P{k:03d}", f"Producteur {k}", "producteur", "individu", commune, 1, k % 2])
        relations.append([f"P{k:03d}", "T1", "produit", "verbal", 80, 2, "tonne", "", ""])
    return ecrire_cluster(dossier, acteurs, relations)


def test_regroupement_des_producteurs_individuels_par_commune(tmp_path):
    c = _grand_cluster(tmp_path / "g", ["Glazoué"] * 30 + ["Savè"] * 20)
    carte = reseau.reseau_carte(c)
    assert carte.niveau == 1
    groupes = carte.noeuds[carte.noeuds["regroupe"]].set_index("id")
    assert sorted(groupes["nb_acteurs"].tolist()) == [20, 30]
    assert groupes.loc["groupe:producteur@Glazoué", "nom"] == "30 producteurs individuels, Glazoué"
    assert groupes.loc["groupe:producteur@Glazoué", "effectif"] == 30
    lien = carte.liens.set_index(["source", "cible"]).loc[("groupe:producteur@Savè", "T1")]
    assert lien["nb_relations"] == 20 and lien["volume"] == 40
    assert (carte.nb_acteurs, carte.nb_groupes, carte.nb_acteurs_groupes) == (52, 2, 50)
    assert "50 producteurs individuels regroupés par commune" in textes.note_regroupement(carte)
    assert len(carte.noeuds) == 4
    sans = reseau.reseau_carte(c, regrouper=False)
    assert sans.niveau == 0 and len(sans.noeuds) == 52 and textes.note_regroupement(sans) is None


def test_regroupement_monte_de_niveau(tmp_path):
    # 50 producteurs chacun dans sa commune : seul le regroupement par maillon réduit la carte.
    # (niveau 3 : les acteurs individuels par maillon, sans tenir compte de la commune)
    c = _grand_cluster(tmp_path / "g", [f"Commune {k}" for k in range(50)])
    carte = reseau.reseau_carte(c)
    assert carte.niveau == 3 and len(carte.noeuds) == 3
    assert carte.noeuds.set_index("id").loc["groupe:producteur", "nom"] == "50 producteurs individuels"
    assert carte.noeuds["agregateur_declare"].sum() == 1     # l'agrégateur n'est jamais regroupé


@pytest.mark.parametrize("nom", ["riz-glazoue", "ananas-allada", "soja-djidja.xlsx", "piment-dynamique-emergente"])
def test_synthese_des_echantillons(nom):
    cluster = exemple(nom)
    s = reseau.synthese_reseau(cluster)
    assert set(s) == {"nb_acteurs", "nb_relations", "agregateur", "agregateur_central", "taux_contractualisation",
                      "taux_respect", "maillons_manquants", "acteurs_isoles"}
    assert s["agregateur"] == cluster.fiche.agregateur
    assert set(reseau.synthese_prealables(cluster).values()) <= {"oui", "partiellement", "non", None}


# --- Mise en mots (presentation.reseau) ----------------------------------------------------------


def test_constats_rediges_depuis_les_nombres(mini):
    contrats = reseau.contractualisation(mini)
    assert textes.constat_contractualisation(contrats) == (
        "4 relation(s) d'affaires sur 10 sous contrat écrit (40\u202f%), 3 sous accord verbal, 3 sans contrat ; "
        "engagements respectés en moyenne à 79\u202f%.")
    etapes = reseau.maillons_manquants(mini)
    assert "constat" not in etapes.columns
    redigees = textes.table_etapes(etapes).set_index("etape")
    assert redigees.loc["production", "constat"] == ("3 acteur(s) ; 4 relation(s) produit ou intrants vers "
                                                      "l'étape « Agrégation (transformation ou commerce) ».")
    assert "constat" not in etapes.columns          # l'entrée n'est pas modifiée


def test_analyses_du_reseau_sans_phrase(mini):
    """Les résultats des analyses ne portent que des nombres, des codes et des noms."""
    d = reseau.diagnostic_reseau(mini)
    for cle in ("contractualisation", "agregateur", "dependance"):
        assert not {"constat", "avertissement"} & set(d[cle]), cle
    assert not {"preuve", "seuil", "libelle_verdict"} & set(d["prealables"].columns)
