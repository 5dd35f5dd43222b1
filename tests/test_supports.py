"""Supports imprimables : fiche de notation, tableaux 7 à 11 vierges, exercices sur papier."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import clusterlib
from clusterlib import referentiel
from clusterlib.analyses import comptes, notation, planification, reseau
from clusterlib.donnees import echantillons
from clusterlib.formulaires import imprimable
from clusterlib.presentation import papier
from clusterlib.presentation import planification as textes_planification
from clusterlib.presentation.format_fr import fcfa

RACINE = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def riz() -> clusterlib.Cluster:
    return clusterlib.load(echantillons.chemin("riz-glazoue"))


@pytest.fixture(scope="module")
def piment() -> clusterlib.Cluster:
    return clusterlib.load(echantillons.chemin("piment-dynamique-emergente"))


def _nombre(texte: str) -> float:
    return float(texte.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", "."))


# --- Fiche de notation ---------------------------------------------------------------------------


def test_fiche_notation_a_exactement_les_indicateurs_du_referentiel() -> None:
    fiche = imprimable.fiche_notation_grille()
    ids = re.findall(r'data-indicateur="([^"]+)"', fiche)
    attendus = list(referentiel.indicateurs()["indicateur"])
    assert ids == attendus and len(ids) == 24
    texte = html.unescape(fiche).replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ")
    for nom in referentiel.indicateurs()["nom"]:
        assert nom in texte


def test_fiche_notation_a_une_case_par_note_et_l_echelle() -> None:
    fiche = imprimable.fiche_notation_grille(lignes_justification=3)
    echelle = referentiel.grille()["echelle"]
    notes = range(echelle["minimum"], echelle["maximum"] + 1)
    lignes = re.findall(r'<tr data-indicateur="[^"]+">(.*?)</tr>', fiche)
    for ligne in lignes:
        assert ligne.count("☐") == len(notes)
        assert ligne.count('class="ligne-ecrire"') == 3
    for libelle in echelle["libelles"].values():
        assert libelle.replace("'", "’") in fiche


def test_fiche_notation_se_coupe_entre_deux_indicateurs_a_l_impression() -> None:
    """Le thème du livre interdit de couper un tableau à l'impression (la fiche partait entière en
    page 2, trois pages en tout) : la fiche le permet, entre deux indicateurs seulement.
    Le compte des pages A4 est vérifié dans tests/e2e/test_terrain.py."""
    fiche = imprimable.fiche_notation_grille()
    impression = fiche[fiche.index("@media print{.fiche-notation"):]
    assert ".fiche-notation table.papier-tableau{break-inside:auto !important" in impression
    assert ".fiche-notation .papier-tableau tr{break-inside:avoid}" in impression
    assert fiche.count('class="col-justification"') == 1


# --- Tableaux vierges ----------------------------------------------------------------------------


def test_tableaux_vierges_ont_les_colonnes_et_numeros_du_referentiel() -> None:
    page = papier.tableaux_vierges_html()
    tableaux = referentiel.lire("planification.yml")["tableaux"]
    for numero in range(7, 12):
        t = tableaux[f"tableau_{numero}"]
        assert f"Tableau {numero}\u00a0: {t['titre']}".replace("'", "’") in page
        intertitre = {7: "rubrique", 8: "partie", 10: "partie"}.get(numero)
        for code, libelle in t["colonnes"].items():
            if code != intertitre:
                assert f'scope="col">{libelle}</th>'.replace("'", "’") in page
    assert page.count("<table") == 5


def test_colonnes_a_remplir_larges_et_longs_tableaux_coupables() -> None:
    page = papier.tableaux_vierges_html()
    blocs = re.findall(r'<div class="papier-bloc ?([^"]*)"><table.*?</table>', page, flags=re.S)
    assert len(blocs) == 5
    assert page.count('class="a-remplir"') > 50
    assert "landscape" not in page  # Chromium ne remet pas en page une page paysage
    for tableau, classes in zip(textes_planification.tableaux_vierges(), blocs, strict=True):
        lignes = len(tableau.donnees)
        assert ("papier-long" in classes) == (lignes + len(set(tableau.donnees.get(tableau.intertitre, [])))
                                              >= papier.LIGNES_LONG), tableau.intitule
    # Tableau 7 : libellés imprimés et une colonne « Information » à remplir, qui prend le plus de place.
    largeurs = [int(x) for x in re.findall(r'<col style="width:(\d+)%">', blocs_html(page)[0])]
    assert largeurs == [papier.PART_LIBELLES, 100 - papier.PART_LIBELLES]


def blocs_html(page: str) -> list[str]:
    return re.findall(r'<div class="papier-bloc.*?</table>', page, flags=re.S)


def test_largeurs_des_colonnes_a_remplir() -> None:
    cadre = pd.DataFrame({"Maillon": ["Producteurs", "Marchés"], "A": ["", ""], "B": ["", " "], "C": ["", ""]})
    assert papier._largeurs_colonnes(cadre) == [38, 21, 21, 21]
    assert papier._largeurs_colonnes(cadre[["A", "B"]]) == []  # rien d'imprimé : le navigateur répartit
    numerotee = pd.DataFrame({"N°": [""], "Actions": [""], "Moyens": [""]})
    assert papier._largeurs_colonnes(numerotee) == [5, 48, 48]
    assert papier._largeurs_colonnes(cadre[["Maillon"]]) == []


# --- Exercices papier ----------------------------------------------------------------------------


def _montants(tableau: papier.TableauPapier) -> pd.Series:
    d = tableau.donnees
    montant = [(_nombre(m) if m else _nombre(q) * _nombre(p)) for m, q, p in
               zip(d["Montant (FCFA)"], d["Quantité"], d["Prix unitaire (FCFA)"], strict=True)]
    return pd.Series(montant)


def test_valeur_ajoutee_calculee_a_la_main_depuis_le_tableau(riz: clusterlib.Cluster) -> None:
    ex = papier.exercice_valeur_ajoutee(riz, riz.campagne)
    d = ex.tableaux[0].donnees
    montants = _montants(ex.tableaux[0])
    produit = montants[d["Rubrique"] == referentiel.libelle("categories_compte", "produit")].sum()
    ci = montants[d["Rubrique"] == referentiel.libelle("categories_compte", "consommation_intermediaire")].sum()
    analyse = comptes.analyser_comptes(riz, riz.campagne).par_maillon.set_index("maillon").loc["producteur"]
    assert ex.reponse["valeur_ajoutee_maillon"] == pytest.approx(analyse["valeur_ajoutee"])
    assert (produit - ci) * ex.reponse["multiplicateur"] == pytest.approx(analyse["valeur_ajoutee"])
    assert ex.reponse["valeur_ajoutee_type"] == pytest.approx(produit - ci)
    assert fcfa(ex.reponse["valeur_ajoutee_type"]) in ex.solution


def test_changer_l_exemple_change_la_page(riz: clusterlib.Cluster, tmp_path: Path) -> None:
    copie = tmp_path / "riz"
    shutil.copytree(echantillons.chemin("riz-glazoue"), copie)
    fichier = copie / "comptes.csv"
    texte = fichier.read_text(encoding="utf-8")
    lignes = texte.splitlines()
    i = next(k for k, lg in enumerate(lignes) if "Semences certifiées" in lg and riz.campagne in lg)
    lignes[i] = lignes[i].replace(",550,", ",650,")
    assert lignes[i] != texte.splitlines()[i]
    fichier.write_text("\n".join(lignes) + "\n", encoding="utf-8")
    modifie = clusterlib.load(copie)
    avant = papier.exercice_valeur_ajoutee(riz, riz.campagne)
    apres = papier.exercice_valeur_ajoutee(modifie, riz.campagne)
    assert apres.html() != avant.html()
    assert apres.reponse["consommations_type"] - avant.reponse["consommations_type"] == pytest.approx(60 * 100)
    analyse = comptes.analyser_comptes(modifie, riz.campagne).par_maillon.set_index("maillon").loc["producteur"]
    assert apres.reponse["valeur_ajoutee_maillon"] == pytest.approx(analyse["valeur_ajoutee"])


def test_carte_reponse_de_l_analyse_du_reseau(piment: clusterlib.Cluster) -> None:
    ex = papier.exercice_carte(piment)
    acteurs, relations = (t.donnees for t in ex.tableaux)
    assert list(acteurs["N°"]) == list(piment.acteurs["id"])
    assert len(relations) == len(piment.relations)
    relies = set(relations["De"]) | set(relations["Vers"])
    isoles_a_la_main = [i for i in acteurs["N°"] if i not in relies]
    assert ex.reponse["isoles"] == isoles_a_la_main == list(reseau.acteurs_isoles(piment)["id"])
    assert ex.reponse["agregateur"] == reseau.agregateur(piment)["central"]
    ecrit = referentiel.libelle("contrats", "ecrit")
    assert ex.reponse["sans_contrat_ecrit"] == int((relations["Contrat"] != ecrit).sum())


def test_indicateur_moyenne_a_la_main_egale_la_suggestion(riz: clusterlib.Cluster) -> None:
    ex = papier.exercice_indicateur(riz, "3.2", riz.campagne)
    rel = ex.tableaux[1].donnees
    volumes = rel["Volume"].map(lambda v: _nombre(v.split()[0]))
    respect = rel["Respect (%)"].map(_nombre)
    moyenne = (volumes * respect).sum() / volumes.sum()
    attendu = notation.suggestions(riz, riz.campagne).set_index("indicateur").loc["3.2"]
    assert moyenne == pytest.approx(attendu["valeur"])
    assert ex.reponse["note_suggeree"] == int(attendu["score_suggere"])
    seuils = next(i for a in referentiel.grille()["axes"] for i in a["indicateurs"]
                  if i["id"] == "3.2")["suggestion"]["seuils"]
    assert notation.niveau_seuils(moyenne, seuils, "croissant") == ex.reponse["note_suggeree"]
    assert (rel["Volume × respect"] == "").all()


def test_tableau_11_reponse_de_la_planification(riz: clusterlib.Cluster) -> None:
    ex = papier.exercice_tableau_11(riz, "A2")
    attendue = textes_planification.actions_prioritaires(planification.actions_du_plan(riz)).set_index("id").loc["A2"]
    assert ex.reponse["ligne"]["periode"] == attendue["periode"]
    assert ex.reponse["ligne"]["action"] == attendue["action"]
    colonnes_11 = referentiel.lire("planification.yml")["tableaux"]["tableau_11"]["colonnes"]
    assert list(ex.tableaux[1].donnees.columns) == list(colonnes_11.values())
    assert "budget" in ex.reponse["colonnes_en_plus"] and "action" not in ex.reponse["colonnes_en_plus"]


def test_acteurs_par_maillon(riz: clusterlib.Cluster) -> None:
    ex = papier.exercice_acteurs(riz)
    d = ex.tableaux[0].donnees
    a_la_main = d["Maillon"].value_counts()
    for code, n in ex.reponse["par_maillon"].items():
        assert a_la_main[referentiel.libelle("maillons", code)] == n
    assert ex.reponse["total"] == len(riz.acteurs)
    assert ex.reponse["agregateur"] == riz.fiche.agregateur


def test_texte_saisi_echappe() -> None:
    cadre = pd.DataFrame({"Nom": ["<script>alert(1)</script>"], "Vide": [""]})
    rendu = papier.tableau_html(cadre, "Titre")
    assert "<script>" not in rendu and "&lt;script&gt;" in rendu
    assert '<td class="a-remplir"></td>' in rendu


def test_pages_des_supports_appellent_le_paquet() -> None:
    pages = {"fiche-notation-grille": "fiche_notation_grille", "tableaux-vierges": "tableaux_vierges_html",
             "exercices-papier-chapitre-4": "exercice_valeur_ajoutee"}
    for page, fonction in pages.items():
        assert fonction in (RACINE / "book" / "supports" / f"{page}.md").read_text(encoding="utf-8")
    sommaire = (RACINE / "_toc.yml").read_text(encoding="utf-8")
    for page in ["index", *pages]:
        assert f"book/supports/{page}" in sommaire
