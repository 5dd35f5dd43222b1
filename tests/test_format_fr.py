"""Écriture des nombres à la française (clusterlib.presentation.format_fr)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from clusterlib.presentation.format_fr import (
    ESPACE_FINE,
    MANQUANT,
    fcfa,
    fcfa_auto,
    millions_fcfa,
    nombre,
    pourcentage,
    tableau_fr,
)

E = "\u202f"  # espace fine insécable


def test_espace_fine_est_u202f():
    assert ESPACE_FINE == E


def test_fcfa_exemple_du_cahier_des_charges():
    assert fcfa(1234567) == f"1{E}234{E}567{E}FCFA"


@pytest.mark.parametrize(
    ("valeur", "decimales", "attendu"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, f"1{E}000"),
        (1234567.891, 2, f"1{E}234{E}567,89"),
        (-1234567, 0, f"-1{E}234{E}567"),
        (-0.4, 0, "0"),  # pas de « -0 »
        (12.5, 1, "12,5"),
        (np.float64(2500000.0), 0, f"2{E}500{E}000"),
        (np.int64(42), 0, "42"),
    ],
)
def test_nombre(valeur, decimales, attendu):
    assert nombre(valeur, decimales) == attendu


@pytest.mark.parametrize("manquant", [None, float("nan"), np.nan, pd.NA])
def test_valeurs_manquantes(manquant):
    assert nombre(manquant) == MANQUANT
    assert fcfa(manquant) == MANQUANT
    assert millions_fcfa(manquant) == MANQUANT
    assert fcfa_auto(manquant) == MANQUANT
    assert pourcentage(manquant) == MANQUANT


def test_infini():
    assert nombre(math.inf) == "∞"


def test_millions():
    assert millions_fcfa(158_217_600_000) == f"158{E}217,6{E}M{E}FCFA"
    assert millions_fcfa(347_590_000) == f"347,6{E}M{E}FCFA"
    assert millions_fcfa(-91_050_000, 0) == f"-91{E}M{E}FCFA"


def test_fcfa_auto_passe_aux_millions_a_partir_du_seuil():
    assert fcfa_auto(850_000) == f"850{E}000{E}FCFA"
    assert fcfa_auto(9_999_999) == f"9{E}999{E}999{E}FCFA"
    assert fcfa_auto(10_000_000) == f"10,0{E}M{E}FCFA"
    assert fcfa_auto(-258_350_000) == f"-258,4{E}M{E}FCFA"


def test_pourcentage():
    assert pourcentage(12.345) == f"12,3{E}%"
    assert pourcentage(0.123, fraction=True) == f"12,3{E}%"
    assert pourcentage(50, 0) == f"50{E}%"
    assert pourcentage(-10.26) == f"-10,3{E}%"


def test_tableau_fr_ne_modifie_pas_l_original():
    df = pd.DataFrame({"maillon": ["producteur", "commercant"], "va": [5_100_000.0, np.nan], "part": [48.1132, 51.0]})
    sortie = tableau_fr(df, fcfa_colonnes=["va"], pourcent_colonnes=["part"], libelles={"va": "Valeur ajoutée"})
    assert df["va"].iloc[0] == 5_100_000.0  # original intact
    assert list(sortie.columns) == ["maillon", "Valeur ajoutée", "part"]
    assert sortie["Valeur ajoutée"].tolist() == [f"5{E}100{E}000{E}FCFA", MANQUANT]
    assert sortie["part"].tolist() == [f"48,1{E}%", f"51,0{E}%"]
    assert sortie["maillon"].tolist() == ["producteur", "commercant"]


def test_tableau_fr_millions_et_formats_libres():
    df = pd.DataFrame({"va": [347_590_000.0], "ratio": [0.76835]})
    sortie = tableau_fr(df, {"ratio": lambda v: nombre(v, 2)}, fcfa_colonnes=["va"], millions=True)
    assert sortie.iloc[0].tolist() == [f"347,6{E}M{E}FCFA", "0,77"]


def test_pourcentage_avec_signe():
    assert pourcentage(34.71, signe=True) == f"+34,7{E}%"
    assert pourcentage(-19.4, signe=True) == f"-19,4{E}%"
    assert pourcentage(0, signe=True) == f"0,0{E}%"
    assert pourcentage(0.01, signe=True) == f"0,0{E}%"  # arrondi à zéro : pas de signe
    assert pourcentage(None, signe=True) == MANQUANT


def test_tableau_fr_aligne_pour_l_affichage():
    df = pd.DataFrame({"maillon": ["Producteur"], "va": [5_100_000.0]})
    style = tableau_fr(df, fcfa_colonnes=["va"], libelles={"va": "Valeur ajoutée"}, aligner=True)
    html = style.to_html()
    assert f"5{E}100{E}000{E}FCFA" in html
    assert "text-align: right" in html
    assert "Valeur ajoutée" in html


# --- Typographie française du texte courant ---------------------------------------------------

from clusterlib.presentation.format_fr import ESPACE_INSECABLE, typographie, typographie_html  # noqa: E402

N = ESPACE_INSECABLE


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Le cluster crée-t-il de la valeur ?", f"Le cluster crée-t-il de la valeur{E}?"),
        ("Pourquoi?", f"Pourquoi{E}?"),
        ("Attention !", f"Attention{E}!"),
        ("un maillon ; un autre", f"un maillon{E}; un autre"),
        ("Étapes : trois", f"Étapes{N}: trois"),
        ("Étapes: trois", f"Étapes{N}: trois"),
        ("« agrégateur »", f"«{N}agrégateur{N}»"),
        ("«agrégateur»", f"«{N}agrégateur{N}»"),
        ("l'agrégateur d'un cluster", "l’agrégateur d’un cluster"),
        ("Quoi ?\n! ", f"Quoi{E}?{E}! "),
    ],
)
def test_typographie_espaces_insecables(texte: str, attendu: str) -> None:
    assert typographie(texte) == attendu


@pytest.mark.parametrize("texte", ["réunion à 10:30", "https://exemple.org/page?q=1", "search.html?q=riz",
                                   "ratio 3:1", "a::b", "C:\\donnees", ""])
def test_typographie_laisse_heures_adresses_et_chemins(texte: str) -> None:
    assert typographie(texte) == texte


def test_typographie_idempotente() -> None:
    texte = "Vraiment ? Oui : « le guide » ; c'est dit !"
    assert typographie(typographie(texte)) == typographie(texte)


def test_typographie_html_ne_touche_ni_code_ni_balises() -> None:
    source = ('<p title="a : b">Voir <a href="x.html?q=1">le lien</a> : ok ?</p>'
              '<pre>x = {"a": 1} ; print(x) ?</pre><code>f(a) : b</code>'
              '<script>if (a ? b : c) {}</script><span class="math">\\(a : b\\)</span>'
              "<p>l&#x27;eau &amp; « riz »</p>")
    sortie = typographie_html(source)
    assert f"le lien</a>{N}: ok{E}?</p>" in sortie
    assert '<p title="a : b">' in sortie and 'href="x.html?q=1"' in sortie
    assert '<pre>x = {"a": 1} ; print(x) ?</pre>' in sortie and "<code>f(a) : b</code>" in sortie
    assert "<script>if (a ? b : c) {}</script>" in sortie and "\\(a : b\\)" in sortie
    assert f"<p>l’eau &amp; «{N}riz{N}»</p>" in sortie


def test_typographie_html_document_complet_intact_hors_espaces() -> None:
    source = "<!DOCTYPE html><html><head><style>a:hover{x:1}</style></head><body><!-- a : b -->x</body></html>"
    assert typographie_html(source) == source


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("5 acteur(s) enregistré(s), 27 personne(s) dont 12 femme(s) (44 %)",
         "5 acteurs enregistrés, 27 personnes dont 12 femmes (44 %)"),
        ("125 tonne(s) de riz", "125 tonnes de riz"),
        ("1 relation(s)", "1 relation"),
        ("0 acteur(s) isolé(s) ; 75 relation(s)", "0 acteur isolé ; 75 relations"),
        ("1,5 tonne(s)", "1,5 tonne"),
        (f"1{E}234 tonne(s)", f"1{E}234 tonnes"),
        ("colonne(s) absente(s)", "colonne(s) absente(s)"),
    ],
)
def test_accorder_les_pluriels(texte: str, attendu: str) -> None:
    from clusterlib.presentation.format_fr import accorder

    assert accorder(texte) == attendu


def test_pluriel() -> None:
    from clusterlib.presentation.format_fr import pluriel

    assert pluriel(1, "acteur") == f"1{E}acteur" and pluriel(0, "acteur") == f"0{E}acteur"
    assert pluriel(3, "acteur") == f"3{E}acteurs" and pluriel(2, "travail", "travaux") == f"2{E}travaux"
