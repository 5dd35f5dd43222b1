"""Tests des tableaux de l'atelier (7 à 11 : faits de l'analyse, cases rédigées), du suivi du plan d'actions et
du diagramme de Gantt."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from conftest import ACTEURS, creer_cluster

import clusterlib
import clusterlib.donnees.echantillons
from clusterlib.analyses import planification as pl
from clusterlib.graphiques import plan as gp
from clusterlib.presentation import planification as tp

REF = "2026-02-15"

FFOM = [
    ["campagne", "niveau", "objet", "type", "description"],
    ["2025-2026", "maillon", "producteur", "force", "Sols fertiles"],
    ["2025-2026", "maillon", "producteur", "faiblesse", "Semences de mauvaise qualité"],
    ["2025-2026", "relation", "producteur/transformateur", "faiblesse", "Paiements tardifs"],
    ["2025-2026", "relation", "transformateur/producteur", "force", "Contrats signés avant le semis"],
    ["2025-2026", "relation", "producteur/commercant", "faiblesse", "Prix fixé le jour de l'achat"],
    ["2025-2026", "maillon", "marche", "opportunite", "Cantines scolaires demandeuses"],
    ["2025-2026", "relation", "transformateur/marche", "menace", "Riz importé bon marché"],
    ["2025-2026", "maillon", "transformateur", "faiblesse", "Stockage insuffisant"],
    ["2024-2025", "maillon", "transformateur", "faiblesse", "STOCKAGE insuffisant"],
    ["2024-2025", "maillon", "transformateur", "faiblesse", "Pas de comptes tenus"],
]

PLAN = [
    ["id", "action", "changement_vise", "objet", "moyens", "responsable", "structures_appui", "debut", "fin",
     "budget", "statut", "indicateur", "cible", "realise"],
    ["A1", "Former les étuveuses", "Riz conforme", "transformateur", "Formateur", "Union", "ABSSA", "2025-10",
     "2026-01", "2400000", "en_cours", "Étuveuses formées", "150", "95"],
    ["A2", "Construire un magasin", "Paddy stocké au sec", "transformateur", "Maçons", "Union", "Mairie", "2026-03",
     "2026-06", "18500000", "prevue", "Capacité (tonnes)", "300", "0"],
    ["A3", "Signer les contrats", "Approvisionnement sûr", "producteur/transformateur", "Modèle de contrat",
     "Coach interne", "ATDA", "2025-04", "2025-06", "350000", "realisee", "OP sous contrat", "6", "6"],
    ["A4", "Achat groupé d'engrais", "Engrais à temps", "fournisseur_intrants_production/producteur", "Bons",
     "Union", "ATDA", "2024-05", "2024-07", "200000", "abandonnee", "Sacs commandés", "400", "120"],
    ["A5", "Foire nationale", "Nouveaux clients", "transformateur/marche", "Stand", "Union", "DDAEP", "2026-01",
     "2026-04", "1800000", "prevue", "Contrats clients", "3", "0"],
    ["A6", "Fiches de lot", "Traçabilité", "cluster", "Fiches", "Coach interne", "ABSSA", "2025-11", "2026-02",
     "800000", "en_cours", "Lots tracés (%)", "100", "60"],
    ["A10", "Tenir les comptes", "Valeur ajoutée connue", "cluster", "Cahiers", "Coach externe", "Cabinet",
     "2024-07", "2024-12", "900000", "realisee", "Comptes à jour", "3", "3"],
]

ACTEURS_PLUS = [*ACTEURS, ["C01", "Commerçante Awa", "commercant", "individu", "Glazoué", "1", "1"],
                ["F01", "Caisse mutuelle", "services_financiers", "sfd", "Glazoué", "1", "0"]]
RELATIONS_PLUS = [
    ["source", "cible", "type", "contrat", "respect", "volume", "unite", "prix_unitaire", "depuis"],
    ["P01", "T01", "produit", "ecrit", "80", "120", "tonne", "185000", "2019"],
    ["P02", "T01", "produit", "ecrit", "90", "60", "tonne", "180000", "2021"],
    ["T01", "M01", "produit", "verbal", "70", "40", "tonne", "650000", "2022"],
    ["F01", "T01", "credit", "ecrit", "100", "", "", "", "2020"],
]


@pytest.fixture
def cluster(tmp_path: Path) -> clusterlib.Cluster:
    """Petit cluster fait main : agrégateur T01 (transformateur), FFOM de deux campagnes, plan de 7 actions."""
    dossier = creer_cluster(tmp_path / "riz", acteurs=ACTEURS_PLUS, relations=RELATIONS_PLUS, ffom=FFOM,
                            plan_actions=PLAN)
    return clusterlib.load(dossier)


@pytest.fixture
def cluster_nu(tmp_path: Path) -> clusterlib.Cluster:
    """Le même cluster sans ffom ni plan d'actions."""
    return clusterlib.load(creer_cluster(tmp_path / "nu"))


# --- Tableaux de l'atelier ----------------------------------------------------------------------


def test_forces_faiblesses_rangees_dans_les_lignes_du_guide(cluster: clusterlib.Cluster) -> None:
    lignes = pl.ffom_par_ligne(cluster)
    # L'analyse rend des codes : partie, rang de la ligne du guide, clés des objets, paires (clé, description)
    producteurs = lignes[(lignes["partie"] == "maillons") & (lignes["rang"] == 3)].iloc[0]
    assert producteurs["objets"] == ["producteur"] and producteurs["forces"] == [("producteur", "Sols fertiles")]
    ajoutee = lignes[lignes["rang"].isna()].iloc[0]
    assert ajoutee["partie"] == "relations" and ajoutee["objets"] == ["commercant/producteur"]
    t = tp.forces_faiblesses(lignes).set_index("ligne")
    assert t.loc["Producteurs", "forces"] == "• Sols fertiles"
    assert t.loc["Producteurs", "faiblesses"] == "• Semences de mauvaise qualité"
    # « producteur/transformateur » et « transformateur/producteur » : la même relation (agrégateur = T01)
    assert t.loc["Agrégateur et producteurs", "forces"] == "• Contrats signés avant le semis"
    assert t.loc["Agrégateur et producteurs", "faiblesses"] == "• Paiements tardifs"
    # Une relation que le guide ne prévoit pas reçoit sa ligne, dans la partie des relations
    assert t.loc["Autres relations : Commerçant / Producteur", "faiblesses"] == "• Prix fixé le jour de l'achat"
    assert t.loc["Autres relations : Commerçant / Producteur", "partie"] == "Au niveau des relations entre acteurs"
    # Les lignes du guide sans élément restent vides ; les éléments des autres campagnes sont ignorés
    assert t.loc["Marchés", "forces"] == t.loc["Marchés", "faiblesses"] == ""
    assert t.loc["Transformateurs", "faiblesses"] == "• Stockage insuffisant"
    # opportunités et menaces ne vont pas dans le tableau 8
    assert "Cantines" not in " ".join(t["forces"]) + " ".join(t["faiblesses"])


def test_vision_opportunites_menaces(cluster: clusterlib.Cluster) -> None:
    elements = pl.opportunites_menaces(cluster)
    assert list(elements["objet"]) == ["marche", "marche/transformateur"]
    assert list(elements["type"]) == ["opportunite", "menace"]
    t = tp.vision_opportunites_menaces(elements)
    assert t["opportunites"].iloc[0] == "Marché : Cantines scolaires demandeuses"
    assert t["menaces"].iloc[0] == "Marché / Transformateur : Riz importé bon marché"
    assert t["vision"].iloc[0].startswith("Vision à formuler en atelier")
    assert len(t) == 1 + 4  # un élément, puis quatre lignes vides
    assert (t.iloc[1:] == "").all(axis=None)
    avec = tp.vision_opportunites_menaces(elements, vision="Premier fournisseur de riz étuvé du Centre")
    assert avec["vision"].iloc[0] == "Premier fournisseur de riz étuvé du Centre"


def test_changements_souhaites_depuis_le_plan(cluster: clusterlib.Cluster) -> None:
    lignes = pl.changements_par_ligne(cluster)
    transformateurs = lignes[(lignes["partie"] == "maillons") & (lignes["rang"] == 2)].iloc[0]
    assert transformateurs["indicateurs"] == [("Étuveuses formées", 150.0), ("Capacité (tonnes)", 300.0)]
    t = tp.changements_souhaites(lignes).set_index("ligne")
    assert t.loc["Transformateurs", "changements"] == "• Riz conforme\n• Paddy stocké au sec"
    assert t.loc["Transformateurs", "indicateurs"] == ("• Étuveuses formées (cible : 150)\n"
                                                       "• Capacité (tonnes) (cible : 300)")
    assert t.loc["Agrégateur et producteurs", "changements"] == "• Approvisionnement sûr"
    assert t.loc["Agrégateur et distributeurs ou marchés", "changements"] == "• Nouveaux clients"
    assert t.loc["Producteurs et fournisseurs d'intrants de production", "changements"] == "• Engrais à temps"
    assert t.loc["Ensemble du cluster", "changements"] == "• Traçabilité\n• Valeur ajoutée connue"
    assert (t["conditions"] == "").all()  # les conditions ne sont pas dans les données
    assert t.loc["Marchés", "changements"] == ""


def test_actions_prioritaires_triees_sans_les_abandonnees(cluster: clusterlib.Cluster) -> None:
    actions = pl.actions_du_plan(cluster)
    assert actions.set_index("id").loc["A1", ["debut", "fin", "statut"]].tolist() == ["2025-10", "2026-01", "en_cours"]
    t = tp.actions_prioritaires(actions)
    remplies = t[t["id"] != ""]
    assert list(remplies["id"]) == ["A10", "A3", "A1", "A6", "A5", "A2"]  # par mois de début, A4 abandonnée omise
    assert remplies.set_index("id").loc["A1", "periode"] == "oct. 2025 – janv. 2026"
    assert len(t) == 6 + 4
    assert "A4" in set(tp.actions_prioritaires(pl.actions_du_plan(cluster, inclure_abandonnees=True))["id"])


def test_synthese_informations(cluster: clusterlib.Cluster) -> None:
    faits = pl.faits_synthese(cluster)
    producteurs = faits[(faits["rubrique"] == "production") & (faits["rang"] == 0)].iloc[0]
    assert producteurs["cas"] == "effectifs" and producteurs["source"] == "acteurs"
    assert {k: producteurs["faits"][k] for k in ("acteurs", "effectif", "femmes")} == {
        "acteurs": 2, "effectif": 65, "femmes": 32}
    assert producteurs["faits"]["part_femmes"] == pytest.approx(100 * 32 / 65)
    t = tp.synthese_informations(faits)
    info = t.set_index("element")["information"]
    assert info["Producteurs : nombre, effectif, femmes"] == (
        "2 acteur(s) enregistré(s), 65 personne(s) dont 32 femme(s) (49\u202f%)")
    assert info["Volume livré par les producteurs"] == "180 tonne(s) sur 2 relation(s)"
    assert info["Mode de transformation (artisanal, semi-industriel, industriel)"] == tp.A_COMPLETER
    assert info["Structures de financement par maillon"] == (
        "Caisse mutuelle : crédit vers transformateur (1 relation(s))")
    assert "Agrégateur : Union des Sœurs étuveuses (transformateur)" in info["Agrégateur et structure de promotion"]
    assert list(dict.fromkeys(t["rubrique"])) == [
        "Marchés et commerçants", "Production", "Transformation", "Interrelations",
        "Financement de la chaîne de valeur", "Circulation de l'information", "Gouvernance"]


def test_faits_de_synthese_rediges_et_cas_inconnus() -> None:
    """Chaque cas se rédige depuis ses faits ; un cas ou une évolution inconnus ne passent pas en silence."""
    assert tp.constat_synthese("marches_acteurs", {"noms": ["Marché de Glazoué", "Dantokpa"]}) == (
        "Marché de Glazoué, Dantokpa")
    assert tp.constat_synthese("volumes", {"volumes": {"kg": 1500.0, "tonne": 2.0}, "relations": 3}) == (
        "1\u202f500 kg(s) + 2 tonne(s) sur 3 relation(s)")
    faits = pd.DataFrame([{"rubrique": "gouvernance", "rang": 2, "cas": "notes_axe", "source": "scores",
                           "faits": {"axe": "Gouvernance", "campagne": "2025-2026", "moyenne": 2.25,
                                     "indicateurs": 4}}])
    info = tp.synthese_informations(faits).set_index("element")
    assert info.loc["Organe de gouvernance et fonctionnement", "information"] == (
        "Grille de fonctionnement, axe Gouvernance (2025-2026) : note moyenne 2,2 sur 4 (4 indicateur(s) notés)\n"
        + tp.A_COMPLETER)
    assert info.loc["Coachs", ["information", "source"]].tolist() == [tp.A_COMPLETER, "à compléter"]
    with pytest.raises(ValueError, match="« inconnu » inconnu"):
        tp.constat_synthese("inconnu", {})
    with pytest.raises(ValueError, match="« inconnue » inconnue"):
        tp.evolution_action("inconnue", {})


def test_tableaux_vierges_memes_lignes_sans_contenu(cluster: clusterlib.Cluster) -> None:
    remplis = tp.tableaux_atelier(cluster)
    vierges = tp.tableaux_vierges()
    assert [t.numero for t in remplis] == [t.numero for t in vierges] == [7, 8, 9, 10, 11]
    for t in vierges:
        assert t.vierge
        contenu = [c for c in t.donnees.columns if c not in ("partie", "ligne", "rubrique", "element", "objets")]
        assert (t.donnees[contenu] == "").all(axis=None), t.intitule
    # Les lignes du guide sont les mêmes (les lignes « autres » ne viennent que des données)
    lignes_vierges = list(vierges[1].donnees["ligne"])
    lignes_remplies = [lg for lg in remplis[1].donnees["ligne"] if not lg.startswith("Autres")]
    assert lignes_vierges == lignes_remplies
    assert tp.tableau_suivi(None).vierge


def test_cluster_sans_ffom_ni_plan(cluster_nu: clusterlib.Cluster) -> None:
    tableaux = {t.code: t for t in tp.tableaux_atelier(cluster_nu)}
    assert "Aucune analyse FFOM" in tableaux["tableau_8"].note
    assert "pas encore de plan d'actions" in tableaux["tableau_11"].note
    assert (tableaux["tableau_8"].donnees[["forces", "faiblesses"]] == "").all(axis=None)
    assert len(tableaux["tableau_11"].donnees) == 8  # seulement des lignes à remplir
    assert pl.avancement(cluster_nu, REF).empty
    assert pl.suivi_campagne(cluster_nu, REF).empty


def test_style_pour_le_notebook(cluster: clusterlib.Cluster) -> None:
    t = tp.tableaux_atelier(cluster)[1]
    html = tp.style_tableau(t).to_html()
    assert "Tableau 8 : Forces et faiblesses du cluster" in html
    assert "pre-wrap" in html
    assert list(t.pour_affichage().columns) == ["Niveau d'appréciation", "Maillon ou relation", "Forces", "Faiblesses"]
    brut = tp.style_tableau(tp.synthese_informations(pl.faits_synthese(cluster)), code="tableau_7").to_html()
    assert "Tableau 7 : " in brut
    assert all(f">{titre}</th>" in brut for titre in ("Rubrique", "Élément", "Information"))
    ffom = tp.style_tableau(tp.forces_faiblesses(pl.ffom_par_ligne(cluster)), code="tableau_8").data
    assert list(ffom.columns) == ["Niveau d'appréciation", "Maillon ou relation", "Forces", "Faiblesses"]


# --- Avancement ------------------------------------------------------------------------------------


def test_avancement_calcule_a_la_main(cluster: clusterlib.Cluster) -> None:
    av = pl.avancement(cluster, REF).set_index("id")
    assert av["etat"].to_dict() == {
        "A1": "en_retard",   # en cours, fin janvier 2026 écoulée au 15 février
        "A2": "prevue",      # commence en mars
        "A3": "realisee",
        "A4": "abandonnee",
        "A5": "prevue",      # prévue, début en janvier passé : pas en retard tant que la fin n'est pas passée
        "A6": "en_cours",    # fin en février : le mois n'est pas écoulé
        "A10": "realisee",
    }
    assert av.loc["A1", "mois_retard"] == 1
    assert pd.isna(av.loc["A6", "mois_retard"])
    assert bool(av.loc["A5", "non_demarree"]) and not bool(av.loc["A2", "non_demarree"])
    assert av.loc["A1", "taux_realisation"] == pytest.approx(100 * 95 / 150)
    assert av.loc["A2", "avancement_temps"] == 0
    assert av.loc["A1", "avancement_temps"] == 100
    # A6 : du 1er novembre 2025 au 1er mars 2026 (120 jours), 106 jours écoulés au 15 février
    assert av.loc["A6", "avancement_temps"] == pytest.approx(100 * 106 / 120)
    # Un mois plus tard, A6 est en retard à son tour
    assert pl.avancement(cluster, "2026-03-01").set_index("id").loc["A6", "etat"] == "en_retard"


def test_resume_avancement(cluster: clusterlib.Cluster) -> None:
    r = pl.resume_avancement(pl.avancement(cluster, REF)).set_index("etat")
    assert r["nb_actions"].to_dict() == {"realisee": 2, "en_cours": 1, "en_retard": 1, "prevue": 2, "abandonnee": 1,
                                         "total": 7}
    assert r.loc["prevue", "budget"] == 18_500_000 + 1_800_000
    assert r.loc["total", "part"] == 100


def test_budget_prevu_et_depense(cluster: clusterlib.Cluster) -> None:
    b = pl.budget_plan(cluster, {"A1": 1_800_000, "A3": 400_000}).set_index("id")
    assert b.loc["A1", "ecart"] == -600_000
    assert b.loc["A3", "taux_execution"] == pytest.approx(100 * 400_000 / 350_000)
    assert pd.isna(b.loc["A2", "depense"])
    tableau = pd.DataFrame({"id": ["A1"], "depense": [1_000_000]})
    assert pl.budget_plan(cluster, tableau).set_index("id").loc["A1", "depense"] == 1_000_000
    with pytest.raises(pl.ErreurPlanification, match="action\\(s\\) A99 absente\\(s\\) du plan"):
        pl.budget_plan(cluster, {"A99": 10})
    with pytest.raises(pl.ErreurPlanification, match="dépense de l'action A1 : « -5 » invalide"):
        pl.budget_plan(cluster, {"A1": -5})


def test_indicateurs_plan(cluster: clusterlib.Cluster) -> None:
    ind = pl.indicateurs_plan(pl.avancement(cluster, REF))
    assert len(ind) == 7
    assert ind.set_index("id").loc["A3", "taux_realisation"] == 100


def test_date_de_reference_illisible(cluster: clusterlib.Cluster) -> None:
    with pytest.raises(pl.ErreurPlanification, match="date de référence « 15/02/2026 » illisible"):
        pl.avancement(cluster, "15/02/2026")
    assert pl.lire_date(dt.datetime(2026, 2, 15, 9)) == dt.date(2026, 2, 15)


# --- Revue de campagne (tableau 13) ------------------------------------------------------------------


def test_suivi_lit_les_dates_de_la_campagne(cluster: clusterlib.Cluster) -> None:
    codes = pl.suivi_campagne(cluster, REF).set_index("id")
    assert codes.loc["A1", "etat"] == "en_retard" and codes.loc["A1", "evolution"] == "nouvelle_campagne"
    assert codes.loc["A1", "faits"] == {"campagne": "2025-2026", "mois_retard": 1, "non_demarree": False}
    s = tp.tableau_suivi(codes.reset_index()).donnees.set_index("id")
    assert s.loc["A3", "evolution"] == "Réalisée pendant la campagne 2025-2026"  # fin juin 2025
    assert s.loc["A10", "evolution"] == "Réalisée lors d'une campagne précédente"
    assert s.loc["A1", "evolution"] == "Nouvelle action de la campagne 2025-2026 ; en retard de 1 mois"
    assert s.loc["A5", "evolution"] == ("Nouvelle action de la campagne 2025-2026 ; pas encore démarrée alors que "
                                        "son début est passé")
    assert s.loc["A4", "evolution"] == "Abandonnée"
    assert s.loc["A1", "etat"] == "En retard"
    assert (s["observations"] == "").all()


def test_suivi_compare_au_plan_precedent(cluster: clusterlib.Cluster) -> None:
    precedent = cluster.plan_actions.copy()
    precedent = precedent[precedent["id"] != "A5"]  # A5 est nouvelle
    precedent.loc[precedent["id"] == "A1", ["statut", "realise"]] = ["prevue", 40.0]
    precedent.loc[precedent["id"] == "A6", "fin"] = "2026-01"
    retiree = precedent[precedent["id"] == "A3"].assign(id="A9", action="Visite d'échange")
    precedent = pd.concat([precedent, retiree], ignore_index=True)
    codes = pl.suivi_campagne(cluster, REF, plan_precedent=precedent).set_index("id")
    assert codes.loc["A1", "evolution"] == "modifiee"
    assert codes.loc["A1", "faits"] == {"statut": ("prevue", "en_cours"), "realise": (40.0, 95.0, 55.0)}
    assert codes.loc["A9", "etat"] == codes.loc["A9", "evolution"] == "retiree"
    s = tp.tableau_suivi(codes.reset_index()).donnees.set_index("id")
    assert s.loc["A1", "evolution"] == "Statut : prévue → en cours ; réalisé : 40 → 95 (+55)"
    assert s.loc["A5", "evolution"] == "Nouvelle action depuis la revue précédente"
    assert s.loc["A6", "evolution"] == "Fin prévue : janv. 2026 → févr. 2026"
    assert s.loc["A3", "evolution"] == "Pas de changement"
    assert s.loc["A9", "etat"] == "Retirée du plan"
    assert list(s.index)[-1] == "A9"


def test_lire_plan_precedent(cluster: clusterlib.Cluster, tmp_path: Path) -> None:
    copie = tmp_path / "plan_2025.csv"
    lignes = [";".join(PLAN[0])] + [";".join(v if v != "en_cours" else "En cours" for v in r) for r in PLAN[1:3]]
    copie.write_text("\n".join(lignes).replace("2400000", "2 400 000"), encoding="utf-8")
    precedent = pl.lire_plan_precedent(copie)
    assert precedent.loc[0, "budget"] == 2_400_000 and precedent.loc[0, "statut"] == "en_cours"
    s = tp.tableau_suivi(pl.suivi_campagne(cluster, REF, plan_precedent=precedent)).donnees.set_index("id")
    assert s.loc["A1", "evolution"] == "Pas de changement"
    assert s.loc["A3", "evolution"] == "Nouvelle action depuis la revue précédente"
    with pytest.raises(pl.ErreurPlanification, match="introuvable"):
        pl.lire_plan_precedent(tmp_path / "absent.csv")
    (tmp_path / "mauvais.csv").write_text("id,action\nA1,x\n", encoding="utf-8")
    with pytest.raises(pl.ErreurPlanification, match="colonne\\(s\\) statut, debut, fin, realise absente"):
        pl.lire_plan_precedent(tmp_path / "mauvais.csv")


def test_evolution_ffom(cluster: clusterlib.Cluster) -> None:
    codes = pl.evolution_ffom(cluster.ffom, "2025-2026")
    assert set(codes["evolution"]) == {"nouveau", "plus_cite"}
    assert set(codes.loc[codes["evolution"] == "plus_cite", "campagne"]) == {"2024-2025"}
    e = tp.table_evolution_ffom(codes)
    assert list(e.columns) == ["objet", "type", "description", "evolution", "campagne"]
    plus_cites = e[e["evolution"] == "plus cité en 2025-2026"]
    # « STOCKAGE insuffisant » et « Stockage insuffisant » : le même élément (casse ignorée)
    assert list(plus_cites["description"]) == ["Pas de comptes tenus"]
    nouveaux = e[e["evolution"] == "nouveau (absent en 2024-2025)"]
    assert len(nouveaux) == 7
    assert e.loc[e["description"] == "Pas de comptes tenus", ["objet", "type"]].values.tolist() == [
        ["Transformateur", "Faiblesse"]]
    assert pl.evolution_ffom(cluster.ffom, "2024-2025").empty  # pas de campagne antérieure


def test_evolution_notes() -> None:
    scores = pd.DataFrame({"campagne": ["2024-2025", "2025-2026", "2025-2026", "2025-2026"],
                           "indicateur": ["1.1", "1.1", "1.1", "2.3"], "score": [2, 3, 4, 1]})
    n = pl.evolution_notes(scores, "2025-2026").set_index("indicateur")
    assert n.loc["1.1", "note"] == 3.5 and n.loc["1.1", "ecart"] == 1.5
    assert pd.isna(n.loc["2.3", "note_precedente"])
    assert list(n.index) == ["1.1", "2.3"]


def test_revue_campagne_de_l_exemple() -> None:
    riz = clusterlib.load(clusterlib.donnees.echantillons.chemin("riz-glazoue"))
    revue = pl.revue_campagne(riz, REF)
    assert set(revue) == {"actions", "resume", "ffom", "notes"}
    assert len(revue["actions"]) == len(riz.plan_actions)
    assert revue["resume"].set_index("etat").loc["total", "nb_actions"] == len(riz.plan_actions)
    t = tp.tableau_suivi(revue["actions"], "2025-2026")
    assert t.titre.endswith("2025-2026") and not t.vierge


# --- Graphiques ---------------------------------------------------------------------------------------


def _barres(fig: plt.Figure) -> dict[str, tuple[float, float, tuple]]:
    """Les barres du Gantt par identifiant d'action : (début, largeur, couleur)."""
    ax = fig.axes[0]
    etiquettes = [t.get_text() for t in ax.get_yticklabels()]
    barres = {}
    for p in ax.patches:
        if abs(p.get_height() - 0.62) < 1e-9:
            y = round(p.get_y() + p.get_height() / 2)
            ident = etiquettes[y].strip().split(" · ")[0]
            barres[ident] = (p.get_x(), p.get_width(), p.get_facecolor())
    return barres


def test_gantt_conforme_au_plan(cluster: clusterlib.Cluster) -> None:
    av = pl.avancement(cluster, REF)
    fig = gp.gantt(av, REF)
    barres = _barres(fig)
    assert set(barres) == set(av["id"])
    # A1 : du 1er octobre 2025 au 1er février 2026 (fin janvier incluse), en retard (vermillon)
    x, largeur, couleur = barres["A1"]
    assert x == pytest.approx(mdates.date2num(dt.datetime(2025, 10, 1)))
    assert x + largeur == pytest.approx(mdates.date2num(dt.datetime(2026, 2, 1)))
    assert matplotlib.colors.to_hex(couleur) == gp.STYLE_ETATS["en_retard"]["couleur"].lower()
    assert matplotlib.colors.to_hex(barres["A3"][2]) == gp.STYLE_ETATS["realisee"]["couleur"].lower()
    assert matplotlib.colors.to_hex(barres["A4"][2]) == gp.STYLE_ETATS["abandonnee"]["couleur"].lower()
    # Le trait de la part atteinte de A1 couvre 95/150 de la barre
    ax = fig.axes[0]
    t0, t1 = mdates.date2num(dt.datetime(2025, 10, 1)), mdates.date2num(dt.datetime(2026, 2, 1))
    traits = [lg for lg in ax.lines if len(lg.get_xdata()) == 2 and lg.get_xdata()[0] == pytest.approx(t0)
              and lg.get_linewidth() == 2.2]
    assert traits and traits[0].get_xdata()[1] == pytest.approx(t0 + 95 / 150 * (t1 - t0))
    # La date de référence est marquée
    verticales = [lg for lg in ax.lines if lg.get_xdata()[0] == lg.get_xdata()[-1]]
    assert any(v.get_xdata()[0] == pytest.approx(mdates.date2num(dt.datetime(2026, 2, 15))) for v in verticales)
    # Les actions sont regroupées par responsable (intertitres en gras)
    gras = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert gras == ["Coach externe", "Coach interne", "Union"]
    plt.close(fig)


def test_autres_graphiques(cluster: clusterlib.Cluster) -> None:
    av = pl.avancement(cluster, REF)
    fig = gp.indicateurs(av)
    assert len([p for p in fig.axes[0].patches if abs(p.get_height() - 0.6) < 1e-9]) == 7
    plt.close(fig)
    fig = gp.budget(pl.budget_plan(cluster, {"A1": 1_000_000}))
    assert "dépenses non renseignées" not in fig.axes[0].get_title(loc="left")
    plt.close(fig)
    fig = gp.budget(pl.budget_plan(cluster))
    assert "dépenses non renseignées" in fig.axes[0].get_title(loc="left")
    plt.close(fig)
    fig = gp.etats(pl.resume_avancement(av))
    assert "7 action(s)" in fig.axes[0].get_title(loc="left")
    plt.close(fig)
    sans_fin = cluster.plan_actions.assign(fin=cluster.plan_actions["fin"].where(cluster.plan_actions["id"] != "A2"))
    fig = gp.gantt(pl.avancement(sans_fin, REF), REF)
    assert "A2" not in _barres(fig) and len(_barres(fig)) == 6
    assert any(t.get_text() == "Sans dates : A2" for t in fig.texts)
    plt.close(fig)
    vide = gp.gantt(pl.avancement(None, REF))
    assert "Aucune action" in vide.axes[0].texts[0].get_text()
    plt.close(vide)
