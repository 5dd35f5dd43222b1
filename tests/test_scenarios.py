"""Scénarios et sensibilité (clusterlib.analyses.scenarios) : ils changent exactement ce qu'ils doivent.

Le petit cluster « à la main » est celui de test_comptes.py : producteur VA 5 100 000 et
revenu net 2 950 000 ; transformateur VA 5 500 000 et revenu net 2 500 000.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import phrases
from matplotlib.figure import Figure
from test_comptes import LIGNES_MAIN, N, cadre

from clusterlib.analyses import comptes as C
from clusterlib.analyses import scenarios as S
from clusterlib.graphiques.comptes import graphique_scenario, graphique_sensibilite
from clusterlib.presentation import scenarios as T


@pytest.fixture
def comptes_main() -> pd.DataFrame:
    return cadre(LIGNES_MAIN)


def ecart(resultat: S.ResultatScenario, maillon: str, colonne: str = "ecart_revenu_net") -> float:
    return float(resultat.ecarts.set_index("maillon").loc[maillon, colonne])


def test_prix_du_paddy_plus_10_pourcent(comptes_main):
    avant = comptes_main.copy()
    r = S.simuler(comptes_main, S.Changement(0.10, poste="paddy"))
    pd.testing.assert_frame_equal(comptes_main, avant)  # fonction pure
    assert r.campagne == "2025-2026"
    assert r.nb_lignes == 2  # la vente chez le producteur, l'achat chez le transformateur
    # Producteur : +10 % de 6 000 000 ; transformateur : +10 % de 6 000 000 de paddy acheté.
    assert ecart(r, "producteur") == pytest.approx(600_000)
    assert ecart(r, "transformateur") == pytest.approx(-600_000)
    assert ecart(r, "ensemble") == pytest.approx(0)
    assert ecart(r, "producteur", "ecart_va") == pytest.approx(600_000)
    assert ecart(r, "producteur", "ecart_revenu_net_pct") == pytest.approx(600_000 / 2_950_000 * 100)
    sc = r.scenario.set_index("maillon")
    assert sc.loc["producteur", "revenu_net_exploitation"] == pytest.approx(3_550_000)
    assert sc.loc["transformateur", "revenu_net_exploitation"] == pytest.approx(1_900_000)
    # Seules les lignes de paddy ont changé ; le reste des comptes est identique.
    inchanges = ["main_oeuvre", "frais_financiers", "impots_taxes", "amortissement", "location_terre", "subvention"]
    pd.testing.assert_frame_equal(r.base[inchanges], r.scenario[inchanges])
    assert r.repartition_scenario["montant"].sum() == pytest.approx(r.scenario["valeur_ajoutee"].sum())
    assert r.sans_effet == ()


def test_appliquer_scenario_ne_touche_que_les_lignes_reperees(comptes_main):
    apres = S.appliquer_scenario(comptes_main, [S.Changement(0.10, poste="paddy")])
    change = (apres["prix_unitaire"] != comptes_main["prix_unitaire"]) & comptes_main["prix_unitaire"].notna()
    assert apres.loc[change, "poste"].tolist() == ["Paddy vendu à l'Union", "Paddy acheté aux producteurs"]
    assert apres.loc[0, "prix_unitaire"] == pytest.approx(220)
    assert apres.loc[9, "prix_unitaire"] == pytest.approx(220_000)
    autres = apres.drop(index=[0, 9])
    pd.testing.assert_frame_equal(autres, comptes_main.drop(index=[0, 9]))


def test_debut_du_libelle_par_defaut():
    c = cadre([
        ("2025-2026", "producteur", "Paddy vendu", "produit", N, 100, 200, "kg", N),
        ("2025-2026", "producteur", "Sacs du paddy", "consommation_intermediaire", N, 10, 300, "sac", N),
    ])
    assert S.lignes_concernees(c, S.Changement(0.1, poste="paddy")).tolist() == [True, False]
    assert S.lignes_concernees(c, S.Changement(0.1, poste="paddy", debut=False)).tolist() == [True, True]


def test_volume(comptes_main):
    r = S.simuler(comptes_main, S.Changement(0.10, poste="riz étuvé vendu", nature="volume"))
    # 22 t au lieu de 20 : +1 200 000 pour le transformateur seulement.
    assert ecart(r, "transformateur") == pytest.approx(1_200_000)
    assert ecart(r, "producteur") == 0
    assert r.nb_lignes == 1


def test_ligne_de_charge(comptes_main):
    ch = S.Changement(0.20, nature="montant", categories=("main_oeuvre",), maillons=("transformateur",))
    r = S.simuler(comptes_main, ch)
    assert ecart(r, "transformateur") == pytest.approx(-400_000)  # 20 % de 2 000 000
    assert ecart(r, "transformateur", "ecart_va") == 0  # la main-d'œuvre partage la VA, elle ne la crée pas
    assert ecart(r, "producteur") == 0
    rep_b = r.repartition_base.set_index("beneficiaire")["montant"]
    rep_s = r.repartition_scenario.set_index("beneficiaire")["montant"]
    assert rep_s["salaries"] - rep_b["salaries"] == pytest.approx(400_000)
    assert rep_s["exploitants"] - rep_b["exploitants"] == pytest.approx(-400_000)


def test_prix_d_une_ligne_sans_quantite(comptes_main):
    r = S.simuler(comptes_main, S.Changement(-0.20, poste="bois"))
    assert ecart(r, "transformateur") == pytest.approx(100_000)  # bois 500 000 → 400 000


def test_montant_et_quantite_prix_modifies_ensemble():
    c = cadre([("2025-2026", "producteur", "Paddy", "produit", 2000, 10, 200, "kg", N)])
    apres = S.appliquer_scenario(c, [S.Changement(0.5, poste="paddy")])
    assert apres.loc[0, ["montant", "prix_unitaire", "quantite"]].tolist() == [3000, 300, 10]
    assert C.controles_comptes(apres).empty  # toujours cohérent
    apres = S.appliquer_scenario(c, [S.Changement(0.5, poste="paddy", nature="volume")])
    assert apres.loc[0, ["montant", "prix_unitaire", "quantite"]].tolist() == [3000, 200, 15]


def test_multiplicateur(comptes_main):
    r = S.simuler(comptes_main, S.Changement(0.5, nature="multiplicateur", maillons=("producteur",)))
    sc = r.scenario.set_index("maillon")
    assert sc.loc["producteur", "valeur_ajoutee"] == pytest.approx(5_100_000 * 1.5)
    assert sc.loc["producteur", "revenu_net_exploitation"] == pytest.approx(2_950_000 * 1.5)
    assert ecart(r, "transformateur") == 0
    # Une ligne sans multiplicateur compte pour 1 : +50 % en fait 1,5.
    apres = S.appliquer_scenario(comptes_main, [S.Changement(0.5, nature="multiplicateur")])
    assert apres["multiplicateur"].tolist() == [15.0] * 8 + [1.5] * 8


def test_changements_enchaines_se_multiplient(comptes_main):
    r = S.simuler(comptes_main, [S.Changement(0.10, poste="paddy"), S.Changement(0.10, poste="paddy")])
    assert ecart(r, "producteur") == pytest.approx(6_000_000 * 0.21)


def test_changement_sans_effet_signale(comptes_main):
    r = S.simuler(comptes_main, S.Changement(0.10, poste="manioc"))
    assert r.nb_lignes == 0
    assert len(r.sans_effet) == 1 and "aucune ligne" in T.avertissements_scenario(r)[0]
    assert (r.ecarts["ecart_revenu_net"] == 0).all()


def test_changements_invalides():
    with pytest.raises(ValueError, match="nature"):
        S.Changement(0.1, nature="taux")
    with pytest.raises(ValueError, match="supérieur à -1"):
        S.Changement(-1.0)


def test_campagne_absente(comptes_main):
    with pytest.raises(ValueError, match="absente"):
        S.simuler(comptes_main, S.Changement(0.1), campagne="2010-2011")
    with pytest.raises(ValueError, match="pas de comptes"):
        S.simuler(cadre([]), S.Changement(0.1))


def test_decrire():
    assert T.decrire_changement(S.Changement(0.10, poste="paddy")) == "prix « paddy » : +10\u202f%"
    texte = T.decrire_changement(S.Changement(-0.125, nature="multiplicateur", maillons=("producteur",)))
    assert texte == "volume d'activité (producteur) : -12,5\u202f%"


def test_prix_principaux(comptes_main):
    assert S.prix_principaux(comptes_main) == {"Paddy": "Paddy", "Riz étuvé": "Riz"}


def test_sensibilite(comptes_main):
    s = S.sensibilite(comptes_main)
    assert set(s["prix"]) == {"Paddy", "Riz étuvé"}
    assert len(s) == 2 * 4 * 2  # prix × variations × maillons
    paddy = s[(s["prix"] == "Paddy")].set_index(["maillon", "variation"])
    assert paddy.loc[("producteur", -0.2), "ecart"] == pytest.approx(-1_200_000)
    assert paddy.loc[("transformateur", -0.2), "ecart"] == pytest.approx(1_200_000)
    assert paddy.loc[("producteur", 0.1), "revenu_net"] == pytest.approx(3_550_000)
    assert paddy.loc[("producteur", 0.1), "ecart_pct"] == pytest.approx(600_000 / 2_950_000 * 100)
    riz = s[(s["prix"] == "Riz étuvé")].set_index(["maillon", "variation"])
    assert riz.loc[("transformateur", 0.2), "ecart"] == pytest.approx(2_400_000)
    assert riz.loc[("producteur", 0.2), "ecart"] == 0

    tableau = T.tableau_sensibilite(s)
    assert list(tableau.columns) == ["Revenu net de base", "-20\u202f%", "-10\u202f%", "+10\u202f%", "+20\u202f%"]
    assert tableau.index.names == ["Prix", "Maillon"]
    assert tableau.loc[("Paddy", "Producteur"), "+10\u202f%"] == pytest.approx(600_000 / 2_950_000 * 100)
    assert tableau.loc[("Paddy", "Producteur"), "Revenu net de base"] == 2_950_000


def test_sensibilite_prix_donnes(comptes_main):
    s = S.sensibilite(comptes_main, prix=["bois"], variations=[0.5])
    assert s.set_index("maillon").loc["transformateur", "ecart"] == pytest.approx(-250_000)


def test_graphiques_scenarios(comptes_main):
    r = S.simuler(comptes_main, S.Changement(0.10, poste="paddy"))
    assert isinstance(graphique_scenario(r.ecarts), Figure)
    figure = graphique_sensibilite(S.sensibilite(comptes_main))
    assert len(figure.axes) == 2
    assert isinstance(graphique_sensibilite(S.sensibilite(comptes_main, prix={})), Figure)


def test_panneau_de_curseurs(comptes_main, capsys):
    from clusterlib.formulaires.scenarios import panneau_scenarios

    panneau = panneau_scenarios(comptes_main)
    assert panneau.changements() == []
    assert list(panneau.curseurs_prix) == ["Paddy", "Riz étuvé"]
    panneau.curseurs_prix["Paddy"].value = 10
    assert panneau.changements() == [S.Changement(0.10, poste="Paddy", libelle="Paddy")]
    assert ecart(panneau.resultat(), "producteur") == pytest.approx(600_000)
    panneau.categorie_charge.value = "main_oeuvre"
    panneau.curseur_charge.value = 20
    panneau.maillon_volume.value = "producteur"
    panneau.curseur_volume.value = -10
    natures = [c.nature for c in panneau.changements()]
    assert natures == ["prix", "montant", "multiplicateur"]
    panneau._remettre_a_zero()
    assert panneau.changements() == []
    with pytest.raises(ValueError, match="pas de comptes"):
        panneau_scenarios(cadre([]))


# --- Des nombres et des changements ; les phrases dans presentation.scenarios ------------------


def test_scenario_sans_phrase(comptes_main):
    """Le résultat d'un scénario ne porte que des nombres, des codes et les textes saisis."""
    changements = [S.Changement(0.10, poste="paddy"), S.Changement(0.2, poste="manioc", categories=("main_oeuvre",))]
    r = S.simuler(comptes_main, changements)
    saisis = set(comptes_main["poste"].dropna())
    assert phrases([r.base, r.scenario, r.ecarts, r.campagne, r.nb_lignes], saisis) == []
    assert r.sans_effet == (changements[1],)
    assert not hasattr(changements[0], "decrire")
    produits = set(S.prix_principaux(comptes_main))  # noms de produits tirés des libellés saisis
    assert phrases(S.sensibilite(comptes_main), saisis | produits) == []


def test_avertissements_rediges_comme_avant(comptes_main):
    r = S.simuler(comptes_main, [S.Changement(0.10, poste="paddy"),
                                 S.Changement(0.2, poste="manioc", categories=("main_oeuvre",))])
    assert T.avertissements_scenario(r) == [
        "aucune ligne ne correspond à « prix « manioc » (main-d'œuvre) : +20\u202f% » : ce changement est sans effet"]
    assert T.decrire_changements(r) == "prix « paddy » : +10\u202f%; prix « manioc » (main-d'œuvre) : +20\u202f%"
