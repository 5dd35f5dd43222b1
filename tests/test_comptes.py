"""Comptes d'exploitation, valeur ajoutée et son partage (clusterlib.analyses.comptes).

Les attendus sont calculés à la main dans les commentaires. Le petit cluster « à la main »
est aussi l'exemple que le notebook fait refaire aux formateurs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from conftest import ACTEURS, NOMS_EXEMPLES, creer_cluster, exemple, phrases, table, textes_saisis
from matplotlib.figure import Figure

import clusterlib
import clusterlib.donnees.echantillons
from clusterlib.analyses import comptes as C
from clusterlib.graphiques import comptes as G
from clusterlib.presentation import comptes as T

COLONNES = ["campagne", "maillon", "poste", "categorie", "montant", "quantite", "prix_unitaire", "unite",
            "multiplicateur"]
N = None  # cellule vide


def cadre(lignes: list[tuple]) -> pd.DataFrame:
    """Une table comptes de lignes complètes (``COLONNES``), typée comme après clusterlib.load."""
    return table("comptes", lignes, COLONNES)


def compte(campagne: str, maillon: str, multiplicateur: float | None = N,
           **categories: dict[str, float | tuple[float, float, str]]) -> list[tuple]:
    """Les lignes complètes du compte d'un maillon pour une campagne, catégorie par catégorie et
    dans l'ordre écrit : ``categorie={poste: montant}`` ou ``{poste: (quantité, prix unitaire, unité)}``
    (montant vide) ; le multiplicateur (``None`` : 1) vaut pour tout le compte."""
    return [(campagne, maillon, poste, categorie,
             *((N, *valeur) if isinstance(valeur, tuple) else (valeur, N, N, N)), multiplicateur)
            for categorie, postes in categories.items() for poste, valeur in postes.items()]


# Producteur type × 10 (multiplicateur) ; transformateur sans multiplicateur (= 1).
LIGNES_MAIN = [
    *compte("2025-2026", "producteur", multiplicateur=10,
            produit={"Paddy vendu à l'Union": (3000, 200, "kg")},
            consommation_intermediaire={"Semences": 30000, "Engrais NPK": (4, 15000, "sac de 50 kg")},
            main_oeuvre={"Main-d'œuvre de récolte": 150000},
            frais_financiers={"Intérêts du crédit": 10000},
            impots_taxes={"Cotisation": 5000},
            amortissement={"Amortissement du matériel": 20000},
            location_terre={"Location de la parcelle": 30000}),
    *compte("2025-2026", "transformateur",
            produit={"Riz étuvé vendu : supermarchés": (20, 600000, "tonne")},
            consommation_intermediaire={"Paddy acheté aux producteurs": (30, 200000, "tonne"),
                                        "Bois de chauffe": 500000},
            main_oeuvre={"Étuveuses": 2000000},
            frais_financiers={"Intérêts": 300000},
            impots_taxes={"Patente": 200000},
            amortissement={"Amortissement des kits": 1000000},
            subvention={"Appui du projet": 500000}),
]
# À la main :
# producteur  : produit brut 3000×200×10 = 6 000 000 ; CI (30 000 + 4×15 000)×10 = 900 000 ;
#               VA 5 100 000 ; RNE 5 100 000 − 1 500 000 − 100 000 − 50 000 − 200 000 − 300 000 = 2 950 000
# transformat.: produit brut 20×600 000 = 12 000 000 ; CI 30×200 000 + 500 000 = 6 500 000 ;
#               VA 5 500 000 ; RNE 5 500 000 − 2 000 000 − 300 000 − 200 000 − 1 000 000 + 500 000 = 2 500 000
# cluster     : VA 10 600 000 ; CI 7 400 000 ; VA/CI = 1,4324…


@pytest.fixture
def comptes_main() -> pd.DataFrame:
    return cadre(LIGNES_MAIN)


def ligne(par_maillon: pd.DataFrame, maillon: str) -> pd.Series:
    return par_maillon.set_index("maillon").loc[maillon]


# --- Montants et comptes par maillon ------------------------------------------------------


def test_montant_lignes_multiplicateur_et_quantite_prix(comptes_main):
    montants = C.montant_lignes(comptes_main)
    assert montants.iloc[0] == 3000 * 200 * 10  # quantite × prix × multiplicateur
    assert montants.iloc[1] == 30000 * 10  # montant × multiplicateur
    assert montants.iloc[2] == 4 * 15000 * 10
    assert montants.iloc[9] == 30 * 200000  # multiplicateur vide = 1
    assert montants.iloc[10] == 500000


def test_montant_prioritaire_sur_quantite_prix():
    c = cadre([("2025-2026", "producteur", "Paddy", "produit", 1000, 10, 50, "kg", 2)])
    assert C.montant_lignes(c).iloc[0] == 2000  # montant 1000 × 2, pas 10 × 50 × 2


def test_comptes_par_maillon_calcules_a_la_main(comptes_main):
    pm = C.comptes_par_maillon(comptes_main)
    assert pm["maillon"].tolist() == ["producteur", "transformateur"]
    p, t = ligne(pm, "producteur"), ligne(pm, "transformateur")
    assert p["produit_brut"] == 6_000_000
    assert p["consommations_intermediaires"] == 900_000
    assert p["valeur_ajoutee"] == 5_100_000
    assert p["main_oeuvre"] == 1_500_000
    assert p["location_terre"] == 300_000
    assert p["revenu_net_exploitation"] == 2_950_000
    assert t["produit_brut"] == 12_000_000
    assert t["consommations_intermediaires"] == 6_500_000
    assert t["valeur_ajoutee"] == 5_500_000
    assert t["subvention"] == 500_000
    assert t["revenu_net_exploitation"] == 2_500_000
    assert p["part_va"] == pytest.approx(5.1 / 10.6 * 100)
    assert t["part_va"] == pytest.approx(5.5 / 10.6 * 100)
    assert pm["part_va"].sum() == pytest.approx(100)
    assert p["ratio_va_ci"] == pytest.approx(5_100_000 / 900_000)
    assert list(pm.columns[2:12]) == list(C.SOLDES)


def test_entree_non_modifiee(comptes_main):
    avant = comptes_main.copy()
    C.comptes_par_maillon(comptes_main)
    C.controles_comptes(comptes_main)
    pd.testing.assert_frame_equal(comptes_main, avant)


def test_filtre_campagne_et_ordre_de_la_chaine():
    c = cadre([
        ("2024-2025", "commercant", "Riz revendu", "produit", 100, N, N, N, N),
        ("2024-2025", "producteur", "Paddy vendu", "produit", 50, N, N, N, N),
        ("2025-2026", "producteur", "Paddy vendu", "produit", 70, N, N, N, N),
    ])
    pm = C.comptes_par_maillon(c)
    assert list(zip(pm["campagne"], pm["maillon"], strict=True)) == [
        ("2024-2025", "producteur"), ("2024-2025", "commercant"), ("2025-2026", "producteur")]
    seule = C.comptes_par_maillon(c, "2025-2026")
    assert seule["produit_brut"].tolist() == [70]
    assert seule["part_va"].tolist() == [100]


def test_comptes_vides():
    vide = cadre([])
    pm = C.comptes_par_maillon(vide)
    assert pm.empty and "valeur_ajoutee" in pm.columns
    assert C.totaux_cluster(pm).empty
    assert C.repartition_va(pm).empty
    assert C.controles_comptes(vide).empty
    assert C.evolution_va(vide).empty


def test_plusieurs_clusters_d_un_coup(comptes_main):
    a = comptes_main.assign(cluster="a")
    b = comptes_main.assign(cluster="b")
    b.loc[b["categorie"] == "main_oeuvre", "montant"] = b.loc[b["categorie"] == "main_oeuvre", "montant"] * 2
    pm = C.comptes_par_maillon(pd.concat([a, b], ignore_index=True))
    assert pm["cluster"].tolist() == ["a", "a", "b", "b"]
    par = pm.set_index(["cluster", "maillon"])
    assert par.loc[("a", "producteur"), "revenu_net_exploitation"] == 2_950_000
    assert par.loc[("b", "producteur"), "revenu_net_exploitation"] == 2_950_000 - 1_500_000
    assert pm.groupby("cluster")["part_va"].sum().tolist() == pytest.approx([100, 100])
    totaux = C.totaux_cluster(pm)
    assert totaux["cluster"].tolist() == ["a", "b"]
    assert totaux["valeur_ajoutee"].tolist() == [10_600_000, 10_600_000]


# --- Totaux, ratio VA/CI, partage -------------------------------------------------------


def test_ratio_va_ci_sur_les_totaux_pas_moyenne_des_maillons(comptes_main):
    pm = C.comptes_par_maillon(comptes_main)
    totaux = C.totaux_cluster(pm).iloc[0]
    assert totaux["valeur_ajoutee"] == 10_600_000
    assert totaux["consommations_intermediaires"] == 7_400_000
    assert totaux["ratio_va_ci"] == pytest.approx(10.6 / 7.4)  # 1,4324
    moyenne_des_ratios = pm["ratio_va_ci"].mean()  # (5,667 + 0,846) / 2 = 3,256 : la faute à éviter
    assert abs(totaux["ratio_va_ci"] - moyenne_des_ratios) > 1.5
    assert totaux["nb_maillons"] == 2


def test_repartition_va_retombe_sur_la_va(comptes_main):
    rep = C.repartition_va(C.comptes_par_maillon(comptes_main)).set_index("beneficiaire")
    # Salariés 1 500 000 + 2 000 000 ; prêteurs 100 000 + 300 000 ; État 50 000 + 200 000 − 500 000 ;
    # propriétaires 300 000 ; amortissement 200 000 + 1 000 000 ; exploitants 2 950 000 + 2 500 000.
    assert rep.loc["salaries", "montant"] == 3_500_000
    assert rep.loc["preteurs", "montant"] == 400_000
    assert rep.loc["etat", "montant"] == -250_000
    assert rep.loc["proprietaires_terre", "montant"] == 300_000
    assert rep.loc["amortissement", "montant"] == 1_200_000
    assert rep.loc["exploitants", "montant"] == 5_450_000
    assert rep["montant"].sum() == pytest.approx(10_600_000)
    assert rep["part"].sum() == pytest.approx(100)
    assert rep.loc["exploitants", "part"] == pytest.approx(5.45 / 10.6 * 100)
    assert rep.loc["etat", "libelle"].startswith("État")


def test_repartition_par_maillon(comptes_main):
    detail = C.repartition_va_par_maillon(C.comptes_par_maillon(comptes_main)).set_index("maillon")
    codes = ["salaries", "preteurs", "etat", "proprietaires_terre", "amortissement", "exploitants"]
    assert detail[codes].sum(axis=1).tolist() == pytest.approx(detail["valeur_ajoutee"].tolist())
    assert detail.loc["transformateur", "etat"] == 200_000 - 500_000


def test_repartition_incoherente_signalee(comptes_main):
    pm = C.comptes_par_maillon(comptes_main)
    faux = pm.assign(revenu_net_exploitation=pm["revenu_net_exploitation"] + 1000)
    with pytest.raises(C.ErreurRepartition, match="ne retombe pas"):
        C.repartition_va(faux)


# --- Gini et revenus par personne -------------------------------------------------------


def test_gini_pondere_cas_simples():
    assert C.gini_pondere([5, 5, 5]) == 0
    assert C.gini_pondere([0, 0, 0, 10]) == pytest.approx(0.75)  # n − 1 / n pour un seul gagnant
    assert C.gini_pondere([1, 2], [1, 1]) == pytest.approx(C.gini_pondere([1, 1, 2, 2]))
    assert C.gini_pondere([1, 3], [3, 1]) == pytest.approx(C.gini_pondere([1, 1, 1, 3]))
    assert math.isnan(C.gini_pondere([]))
    assert math.isnan(C.gini_pondere([-5, 2]))  # moyenne négative : pas d'indice


def test_gini_force_brute():
    rng = np.random.default_rng(1)
    x, w = rng.uniform(-50, 500, 12), rng.integers(1, 40, 12).astype(float)
    brute = sum(w[i] * w[j] * abs(x[i] - x[j]) for i in range(12) for j in range(12))
    attendu = brute / (2 * w.sum() ** 2 * (w * x).sum() / w.sum())
    assert C.gini_pondere(x, w) == pytest.approx(attendu)


def test_indice_gini_entre_maillons(comptes_main):
    pm = C.comptes_par_maillon(comptes_main)
    revenus = C.revenus_par_personne(pm, {"producteur": 10, "transformateur": 5}).set_index("maillon")
    assert revenus.loc["producteur", "revenu_par_personne"] == 295_000
    assert revenus.loc["transformateur", "revenu_par_personne"] == 500_000
    # Moyenne 5 450 000 / 15 ; Σ pᵢpⱼ|xᵢ−xⱼ| = 2 × 10 × 5 × 205 000 = 20 500 000.
    gini = C.indice_gini(pm, {"producteur": 10, "transformateur": 5})
    assert gini["gini"].iloc[0] == pytest.approx(20_500_000 / (2 * 15**2 * 5_450_000 / 15))
    assert gini["nb_maillons"].iloc[0] == 2
    # Un maillon sans effectif connu est laissé de côté.
    seul = C.indice_gini(pm, {"producteur": 10})
    assert seul["gini"].iloc[0] == 0 and seul["nb_maillons"].iloc[0] == 1


# --- Contrôles de cohérence -----------------------------------------------------------------


def controles(lignes: list[tuple]) -> pd.DataFrame:
    """Les alertes des comptes, avec l'explication que rédige ``presentation.comptes``."""
    return T.table_controles(C.controles_comptes(cadre(lignes)))


def test_aucun_controle_sur_un_compte_coherent(comptes_main):
    assert C.controles_comptes(comptes_main).empty


def test_ecart_achats_ventes_au_dela_de_10_pourcent():
    lignes = [list(x) for x in LIGNES_MAIN]
    lignes[9][5] = 20  # le transformateur n'achète plus que 20 t : 4 000 000 contre 6 000 000 vendus
    alertes = controles([tuple(x) for x in lignes])
    assert alertes["controle"].tolist() == ["ecart_achats_ventes"]
    alerte = alertes.iloc[0]
    assert alerte["maillon"] == "transformateur"
    assert alerte["gravite"] == "attention"
    assert "« Paddy »" in alerte["message"] and "-33,3" in alerte["message"]
    assert "vend aussi" in alerte["message"]
    lignes[9][5] = 28  # 5 600 000 : écart de 6,7 %, toléré
    assert controles([tuple(x) for x in lignes]).empty


def test_ecart_achats_superieurs_aux_ventes():
    lignes = [list(x) for x in LIGNES_MAIN]
    lignes[9][5] = 40  # 8 000 000 achetés pour 6 000 000 vendus
    alerte = controles([tuple(x) for x in lignes]).iloc[0]
    assert "diffèrent de 33,3\u202f%" in alerte["message"]  # positif : sans signe moins
    assert "achète aussi hors du cluster" in alerte["message"]


def test_achat_a_un_acteur_du_meme_maillon_non_compare():
    lignes = [*LIGNES_MAIN,
              ("2025-2026", "transformateur", "Riz étuvé acheté aux groupements", "consommation_intermediaire",
               1_000_000, N, N, N, N)]
    assert controles(lignes).empty  # aucun maillon en amont ne vend de riz : rien à comparer


def test_autoconsommation_exclue_des_ventes():
    lignes = [*LIGNES_MAIN, ("2025-2026", "producteur", "Paddy autoconsommé", "produit", N, 500, 200, "kg", 10)]
    assert controles(lignes).empty  # 1 000 000 autoconsommés ne sont pas des ventes au transformateur


def test_produit_nul():
    alertes = controles([("2025-2026", "producteur", "Paddy vendu", "produit", N, 0, 200, "kg", 10)])
    assert alertes["controle"].tolist() == ["produit_nul"]
    assert alertes["poste"].iloc[0] == "Paddy vendu"


def test_revenu_negatif_montre_en_information():
    alertes = controles([
        ("2025-2026", "transformateur", "Jus vendu", "produit", 1_000_000, N, N, N, N),
        ("2025-2026", "transformateur", "Salaires", "main_oeuvre", 1_500_000, N, N, N, N),
    ])
    assert alertes["controle"].tolist() == ["revenu_negatif"]
    assert alertes["gravite"].iloc[0] == "information"
    assert "-500\u202f000" in alertes["message"].iloc[0]


def test_montant_incoherent_au_dela_de_1_pourcent():
    ok = controles([("2025-2026", "producteur", "Paddy", "produit", 1_000_000, 10, 99_000, "tonne", N)])
    assert ok.empty  # 990 000 : écart de 1 % tout juste
    alertes = controles([("2025-2026", "producteur", "Paddy", "produit", 1_000_000, 10, 98_000, "tonne", N)])
    assert alertes["controle"].tolist() == ["montant_incoherent"]
    assert "980\u202f000" in alertes["message"].iloc[0]


def test_libelles_des_controles():
    assert C.libelle_controle("produit_nul") == "Ligne de produit égale à zéro"
    assert C.libelle_controle("inconnu") == "inconnu"
    assert C.libelle_solde("valeur_ajoutee") == "Valeur ajoutée"
    assert C.libelle_beneficiaire("etat").startswith("État")


def test_controles_avec_colonne_cluster(comptes_main):
    c = pd.concat([comptes_main.assign(cluster="a"),
                   comptes_main.assign(cluster="b").replace({"Paddy acheté aux producteurs": "Paddy acheté"})],
                  ignore_index=True)
    c.loc[(c["cluster"] == "b") & (c["poste"] == "Paddy acheté"), "quantite"] = 10.0
    alertes = C.controles_comptes(c)
    assert alertes["cluster"].tolist() == ["b"]


# --- Libellés et produits ---------------------------------------------------------------


def test_poste_correspond():
    postes = pd.Series(["Paddy acheté", "Sacs du paddy", "Achat de paddy", "Lepaddy", None], dtype="str")
    assert C.poste_correspond(postes, "paddy").tolist() == [True, True, True, False, False]
    assert C.poste_correspond(postes, "PADDY", debut=True).tolist() == [True, False, False, False, False]
    assert C.poste_correspond(postes, ["achat", "achete"]).tolist() == [True, False, True, False, False]


# Poste saisi : (nom du produit, clé du produit).
PRODUITS_DES_POSTES = {
    "Riz étuvé vendu : Supermarchés de Cotonou": ("Riz étuvé", "riz"),
    "Paddy acheté aux producteurs": ("Paddy", "paddy"),
    "Achat de paddy": ("paddy", "paddy"),
    "Jus d'ananas vendu : Hôtels": ("Jus d'ananas", "jus"),
    "Ananas frais vendus (producteur type, 0,5 ha)": ("Ananas frais", "ananas"),
    "Fromage de soja frit vendu (revendeuse type)": ("Fromage de soja frit", "fromage"),
}


@pytest.mark.parametrize(("poste", "attendu"), PRODUITS_DES_POSTES.items())
def test_nom_et_cle_produit(poste, attendu):
    nom, cle = attendu
    assert C.nom_produit(poste) == nom
    assert C.cle_produit(poste) == cle


# --- Part des producteurs dans le prix final ----------------------------------------------


def performances(lignes: list[tuple]) -> pd.DataFrame:
    return table("performances", lignes, ["campagne", "marche", "produit", "volume", "unite", "prix_moyen"])


def test_part_producteurs_prix_final(comptes_main):
    perf = performances([("2025-2026", "Supermarchés", "riz étuvé", 20, "tonne", 600_000)])
    # Prix producteur 200 FCFA/kg ; prix final 600 000 / 1 000 = 600 FCFA/kg ; 1,5 kg de paddy par kg.
    part = C.part_producteurs_prix_final(comptes_main, perf, "2025-2026", filiere="Riz")
    assert part == pytest.approx({"prix_producteur_kg": 200, "prix_final_kg": 600, "kg_matiere_par_kg_produit": 1.5,
                                  "part_producteurs": 50})
    autre = C.part_producteurs_prix_final(comptes_main, perf, "2025-2026", kg_matiere_par_kg_produit=1.2)
    assert autre["part_producteurs"] == pytest.approx(40)
    assert C.part_producteurs_prix_final(comptes_main, perf, "2025-2026", filiere="manioc") is None
    assert C.part_producteurs_prix_final(comptes_main, None, "2025-2026") is None


def test_part_producteurs_sans_transformateur_et_sacs():
    c = cadre([
        ("2025-2026", "producteur", "Piment vendu", "produit", N, 10, 15000, "sac de 50 kg", 4),  # 300 F/kg
        ("2025-2026", "commercant", "Piment revendu", "produit", N, 1, 400000, "tonne", N),
    ])
    perf = performances([("2025-2026", "Lomé", "piment", 2, "tonne", 450_000),
                         ("2025-2026", "Comè", "piment", 2000, "kg", 350)])
    part = C.part_producteurs_prix_final(c, perf, "2025-2026")
    # Prix final (900 000 + 700 000) / 4 000 kg = 400 F/kg ; coefficient 1 sans transformateur.
    assert part["prix_final_kg"] == pytest.approx(400)
    assert part["part_producteurs"] == pytest.approx(75)


# --- Publication VCA4D reproduite ------------------------------------------------------------


def test_compte_publie_vca4d_arachide_niger():
    """VCA4D, arachide au Niger (2022), millions de FCFA : exploitation moyenne et grossiste.

    Exploitation : production 158 217,6 ; consommables 93 675,3 ; salaires 46 373,9 ;
    amortissement 2 915,9 → VA 64 542,3 et résultat net 15 252,4 publiés (arrondis).
    Grossiste : la publication donne la VA (8 728,8) sans la production ni les consommations ;
    on la saisit comme produit net des consommations. Salaires 2 015,3 ; amortissement 191,6 ;
    taxes 240,6 ; intérêts 71,5 → résultat net 6 209,8 publié.
    """
    c = cadre([
        *compte("2022-2023", "producteur", produit={"Production d'arachide": 158_217.6},
                consommation_intermediaire={"Consommables": 93_675.3}, main_oeuvre={"Salaires": 46_373.9},
                amortissement={"Amortissement": 2_915.9}),
        *compte("2022-2023", "commercant", produit={"Marge brute du grossiste (VA publiée)": 8_728.8},
                main_oeuvre={"Salaires": 2_015.3}, amortissement={"Amortissement": 191.6},
                impots_taxes={"Taxes": 240.6}, frais_financiers={"Intérêts": 71.5}),
    ])
    pm = C.comptes_par_maillon(c)
    exploitation, grossiste = ligne(pm, "producteur"), ligne(pm, "commercant")
    assert exploitation["valeur_ajoutee"] == pytest.approx(64_542.3, abs=0.05)
    assert exploitation["revenu_net_exploitation"] == pytest.approx(15_252.4, abs=0.15)  # arrondi de publication
    assert grossiste["valeur_ajoutee"] == pytest.approx(8_728.8, abs=0.05)
    assert grossiste["revenu_net_exploitation"] == pytest.approx(6_209.8, abs=0.05)
    rep = C.repartition_va(pm)
    assert rep["montant"].sum() == pytest.approx(64_542.3 + 8_728.8, abs=0.1)


# --- Sur un cluster chargé -----------------------------------------------------------------


def texte_comptes(lignes: list[tuple]) -> str:
    def cellule(v: object) -> str:
        if v is None:
            return ""
        texte = str(v)
        return f'"{texte}"' if "," in texte else texte

    return "".join(",".join(cellule(v) for v in ligne_) + "\n" for ligne_ in [tuple(COLONNES), *lignes])


@pytest.fixture
def cluster_main(tmp_path):
    lignes = [*LIGNES_MAIN, *[("2024-2025", *x[1:]) for x in LIGNES_MAIN[:8]]]
    lignes[-8] = ("2024-2025", "producteur", "Paddy vendu à l'Union", "produit", N, 2500, 200, "kg", 10)
    dossier = creer_cluster(tmp_path / "riz", comptes=texte_comptes(lignes))
    return clusterlib.load(dossier)


def test_synthese_economie_pour_le_rapport(cluster_main):
    s = C.synthese_economie(cluster_main, "2025-2026")
    assert s == {
        "valeur_ajoutee_totale": 10_600_000.0,
        "par_maillon": {
            "producteur": {"produit_brut": 6_000_000.0, "consommations_intermediaires": 900_000.0,
                           "valeur_ajoutee": 5_100_000.0, "revenu_net_exploitation": 2_950_000.0,
                           "part_va": pytest.approx(5.1 / 10.6 * 100)},
            "transformateur": {"produit_brut": 12_000_000.0, "consommations_intermediaires": 6_500_000.0,
                               "valeur_ajoutee": 5_500_000.0, "revenu_net_exploitation": 2_500_000.0,
                               "part_va": pytest.approx(5.5 / 10.6 * 100)},
        },
    }
    assert type(s["valeur_ajoutee_totale"]) is float
    assert all(type(v) is float for d in s["par_maillon"].values() for v in d.values())
    assert C.synthese_economie(cluster_main) == s  # campagne en cours par défaut
    assert C.synthese_economie(cluster_main, "2019-2020") is None


def test_synthese_economie_sans_comptes(tmp_path):
    sans = clusterlib.load(creer_cluster(tmp_path / "sans"))
    assert C.synthese_economie(sans) is None
    assert C.analyser_comptes(sans) is None
    assert C.evolution_va(sans).empty


def test_evolution_va(cluster_main):
    evo = C.evolution_va(cluster_main)
    assert evo["campagne"].tolist() == ["2024-2025", "2025-2026"]
    # 2024-2025 : producteur seul, produit 2500×200×10 = 5 000 000, CI 900 000 → VA 4 100 000.
    assert evo["valeur_ajoutee_totale"].tolist() == [4_100_000, 10_600_000]
    assert math.isnan(evo["variation_va"].iloc[0])
    assert evo["variation_va"].iloc[1] == pytest.approx((10.6 - 4.1) / 4.1 * 100)
    assert evo["ratio_va_ci"].iloc[1] == pytest.approx(10.6 / 7.4)
    # Effectifs des acteurs du conftest : producteurs 25 + 40, transformateur 350.
    assert evo["gini"].iloc[0] == 0  # un seul maillon
    assert evo["gini"].iloc[1] > 0
    par_maillon = C.evolution_va_par_maillon(cluster_main)
    assert list(par_maillon.columns) == ["producteur", "transformateur"]
    assert par_maillon.loc["2025-2026", "transformateur"] == 5_500_000
    assert math.isnan(par_maillon.loc["2024-2025", "transformateur"])


def test_analyser_comptes(cluster_main):
    a = C.analyser_comptes(cluster_main)
    assert a.campagne == "2025-2026"
    assert a.valeur_ajoutee_totale == 10_600_000
    assert a.ratio_va_ci == pytest.approx(10.6 / 7.4)
    assert a.repartition["montant"].sum() == pytest.approx(10_600_000)
    assert a.part_producteurs is None  # pas de performances
    effectifs = {r[2]: 0 for r in ACTEURS[1:]}
    for r in ACTEURS[1:]:
        effectifs[r[2]] += int(r[5])
    assert a.revenus.set_index("maillon")["effectif"].to_dict() == {
        "producteur": effectifs["producteur"], "transformateur": effectifs["transformateur"]}
    # Gini entre maillons : revenus par personne 2 950 000 / 65 et 2 500 000 / 350 ; revenu total
    # 5 450 000 pour 415 personnes ; Σ pᵢpⱼ|xᵢ−xⱼ| / (2 P² x̄) = (350 × 2 950 000 − 65 × 2 500 000) / (415 × 5 450 000).
    assert (effectifs["producteur"], effectifs["transformateur"]) == (65, 350)
    assert a.gini == pytest.approx((350 * 2_950_000 - 65 * 2_500_000) / (415 * 5_450_000))


def test_compte_presentation(comptes_main):
    pm = C.comptes_par_maillon(comptes_main)
    tableau = T.compte_presentation(pm, "2025-2026")
    assert list(tableau.columns) == ["Producteur", "Transformateur", "Ensemble du cluster"]
    assert tableau.loc["Valeur ajoutée", "Ensemble du cluster"] == 10_600_000
    assert tableau.loc["Revenu net d'exploitation", "Producteur"] == 2_950_000
    assert tableau.index[0] == "Produit brut"


# --- Échantillon riz-glazoue (totaux vérifiés à la main) --------------------------------------


def test_echantillon_riz_glazoue():
    cluster = clusterlib.load(clusterlib.donnees.echantillons.chemin("riz-glazoue"))
    pm = C.comptes_par_maillon(cluster.comptes, "2025-2026")
    p = ligne(pm, "producteur")
    # (3 650 + 250) kg × 205 FCFA × 350 producteurs types
    assert p["produit_brut"] == 3900 * 205 * 350
    # (60×550 + 4×15 000 + 2×15 000 + 22 000 + 78×300) × 350
    assert p["consommations_intermediaires"] == (33_000 + 60_000 + 30_000 + 22_000 + 23_400) * 350
    rep = C.repartition_va(pm)
    assert rep["montant"].sum() == pytest.approx(pm["valeur_ajoutee"].sum())


# --- Graphiques (ils se construisent, y compris sans données) ----------------------------------


def test_graphiques_comptes(comptes_main):
    pm = C.comptes_par_maillon(comptes_main)
    figures = [
        G.graphique_va_par_maillon(C.repartition_va_par_maillon(pm)),
        G.graphique_cascade_va(pm),
        G.graphique_partage_va(C.repartition_va(pm)),
        G.graphique_evolution_va(pm.pivot_table(index="campagne", columns="maillon", values="valeur_ajoutee")),
        G.graphique_va_par_maillon(C.repartition_va_par_maillon(C.comptes_par_maillon(cadre([])))),
        G.graphique_cascade_va(C.comptes_par_maillon(cadre([]))),
        G.graphique_partage_va(C.repartition_va(C.comptes_par_maillon(cadre([])))),
        G.graphique_evolution_va(pd.DataFrame()),
    ]
    assert all(isinstance(f, Figure) for f in figures)
    titre = figures[1].axes[0].get_title(loc="left")
    assert titre.startswith("Construction de la valeur ajoutée")
    etiquettes = [t.get_text() for t in figures[1].axes[0].get_xticklabels()]
    assert etiquettes == ["Producteur", "Transformateur", "Ensemble\ndu cluster"]


# --- Des nombres et des codes ; les phrases dans presentation.comptes -------------------------


@pytest.mark.parametrize("nom", NOMS_EXEMPLES)
def test_controles_des_comptes_sans_phrase(nom):
    """Les alertes portent des codes et des nombres ; les libellés saisis des postes restent permis."""
    cluster = exemple(nom)
    alertes = C.controles_comptes(cluster.comptes)
    assert "message" not in alertes.columns
    saisis = textes_saisis(cluster) | set(alertes["produit"].dropna())
    assert phrases(alertes, saisis) == []
    assert phrases(C.analyser_comptes(cluster).controles, saisis) == []
    assert set(alertes["controle"]) <= {"produit_nul", "montant_incoherent", "revenu_negatif", "ecart_achats_ventes"}


def test_explications_des_controles_redigees_comme_avant():
    lignes = [list(x) for x in LIGNES_MAIN]
    lignes[9][5] = 20
    brut = C.controles_comptes(cadre([tuple(x) for x in lignes]))
    alerte = brut.iloc[0]
    assert (alerte["produit"], alerte["amont"], alerte["aval"]) == ("Paddy", "producteur", "transformateur")
    assert alerte["montant"] == 4_000_000 and alerte["reference"] == 6_000_000
    assert alerte["ecart"] == pytest.approx(-1 / 3)
    assert T.message_controle(alerte) == (
        "« Paddy » : achats du maillon transformateur (4\u202f000\u202f000 FCFA) et ventes du maillon producteur "
        "(6\u202f000\u202f000 FCFA) diffèrent de -33,3\u202f%, au-delà de 10\u202f% ; explication possible : "
        "le maillon producteur vend aussi à d'autres acheteurs (marchés, hors cluster), garde une partie de sa "
        "production, ou des achats manquent au compte transformateur. Vérifiez quantités et prix des deux comptes")
    incoherent = C.controles_comptes(cadre([("2025-2026", "producteur", "Paddy", "produit", 1_000_000, 10, 98_000,
                                             "tonne", N)]))
    assert T.table_controles(incoherent)["message"].iloc[0] == (
        "montant 1\u202f000\u202f000 FCFA mais quantite × prix_unitaire = 980\u202f000 FCFA (écart de 2,0\u202f%) : "
        "le montant est retenu ; corrigez la quantité, le prix ou le montant")
