"""Les chiffres du texte sur les clusters d'exemple viennent des données, jamais de la main.

Règle vérifiée sur les pages des chapitres et des annexes : on découpe chaque page (cellules
de code retirées) en blocs — un exercice avec sa solution, ou un paragraphe — ; un bloc qui
parle d'un cluster d'exemple (il le nomme : ``riz-glazoue``, ``riz.``, « cluster d'exemple »,
« riz étuvé de Glazoué »…, ou il est la solution d'un exercice qui le nomme) ne contient aucun
nombre écrit en chiffres ou en lettres (deux à vingt) suivi d'un objet compté ou d'une unité
(acteurs, actions, relations, maillons, producteurs, réalisées, en retard, %, FCFA, kg,
tonnes…). Ces nombres s'écrivent ``{{ cle }}`` (substitution calculée par
``clusterlib.presentation.valeurs_texte``).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from clusterlib.analyses import planification
from clusterlib.donnees import echantillons
from clusterlib.donnees.modele import load
from clusterlib.presentation import valeurs_texte
from clusterlib.presentation.formation import valeurs_formation

RACINE = Path(__file__).resolve().parent.parent
PAGES = sorted([*RACINE.glob("book/0*/*.md"), *RACINE.glob("book/annexes/*.md")])

NOMME_EXEMPLE = re.compile(
    r"riz-glazoue|piment-dynamique-emergente|ananas-allada|soja-djidja|clusters? d'exemple|"
    r"riz étuvé de Glazoué|piment du\s+Mono|`riz\.|`piment\.|\briz\.(?:comptes|plan_actions|scores|acteurs)",
    re.IGNORECASE,
)
EN_LETTRES = "deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize|vingt"
NOMBRE = rf"(?<![\w.,/-])(?:\d[\d\u202f\u00a0 ]*(?:,\d+)?|(?:{EN_LETTRES}))"
OBJETS = (r"(?:acteurs?|actions?|maillons?|relations?|liens?|producteurs?|membres?|indicateurs?|"
          r"réalisées?|en cours|en retard|prévues?|abandonnées?|%|M\s?FCFA|FCFA|kg|tonnes?|t\b|hectares?)")
CHIFFRE_A_LA_MAIN = re.compile(NOMBRE + r"[\s\u202f\u00a0]?" + OBJETS + r"(?!\w)", re.IGNORECASE)
CELLULE_CODE = re.compile(r"^```\{code-cell\}.*?^```$", re.MULTILINE | re.DOTALL)
EXERCICE = re.compile(r"^`{3,4}\{exercise\}.*?(?:\{solution-end\}[^\n]*\n`{3,4}$|(?=^`{3,4}\{exercise\})|(?=^#)|\Z)",
                      re.MULTILINE | re.DOTALL)


def blocs(texte: str) -> list[str]:
    """Les blocs d'une page : chaque exercice avec sa solution, puis les paragraphes du reste."""
    texte = CELLULE_CODE.sub("", texte)
    exercices = EXERCICE.findall(texte)
    reste = EXERCICE.sub("", texte)
    return exercices + [b for b in re.split(r"\n\s*\n", reste) if b.strip()]


def chiffres_a_la_main(texte: str) -> list[str]:
    """Les nombres écrits à la main sur un exemple dans un texte de page (règle ci-dessus)."""
    trouves = []
    for bloc in blocs(texte):
        if NOMME_EXEMPLE.search(bloc):
            trouves += [m.group(0) for m in CHIFFRE_A_LA_MAIN.finditer(bloc)]
    return trouves


# --- La règle elle-même ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texte", "attendu"),
    [
        ("Le plan de `riz-glazoue` compte 5 réalisées et 3 en cours.", ["5 réalisées", "3 en cours"]),
        ("Dans le cluster d'exemple, 21 relations sous contrat et 89 % de respect.", ["21 relations", "89 %"]),
        ("Pour riz-glazoue : produit brut = 799 500 FCFA.", ["799 500 FCFA"]),
        ("Dans la dynamique du piment du Mono, deux acteurs restent isolés.", ["deux acteurs"]),
        ("Le plan de `riz-glazoue` compte {{ riz_plan_actions }} actions.", []),
        ("Un cluster imaginaire livre 20 tonnes par mois.", []),
        ("Campagne 2025-2026 de riz-glazoue, section 4.3.2.", []),
    ],
)
def test_regle_des_chiffres(texte: str, attendu: list[str]) -> None:
    assert chiffres_a_la_main(texte) == attendu


def test_solution_rattachee_a_son_exercice() -> None:
    texte = ("```{exercise}\nDans `riz-glazoue`, calculez la VA.\n```\n\n````{solution-start} x\n````\n\n"
             "Produit brut = **799 500 FCFA**.\n\n````{solution-end}\n````\n\nUn autre paragraphe : 3 actions.\n")
    assert chiffres_a_la_main(texte) == ["799 500 FCFA"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(RACINE)))
def test_aucun_chiffre_tape_a_la_main_sur_un_exemple(page: Path) -> None:
    trouves = chiffres_a_la_main(page.read_text(encoding="utf-8"))
    assert not trouves, (f"{page.relative_to(RACINE)} : nombres écrits à la main sur un exemple {trouves} ; "
                         "utilisez une substitution calculée par clusterlib.presentation.valeurs_texte")


# --- Les valeurs calculées -------------------------------------------------------------------


def test_substitutions_des_pages_toutes_definies() -> None:
    valeurs = {**valeurs_texte.valeurs_exemples(), **valeurs_formation()}
    utilisees = set()
    for page in RACINE.glob("book/**/*.md"):
        utilisees |= set(re.findall(r"\{\{\s*([a-z0-9_]+)\s*\}\}", page.read_text(encoding="utf-8")))
    assert utilisees, "aucune page n'utilise les valeurs calculées"
    assert not (utilisees - set(valeurs)), f"substitutions sans valeur : {sorted(utilisees - set(valeurs))}"


def test_plan_comme_le_rapport() -> None:
    """Les états du plan sont ceux de l'avancement à la fin de la campagne (règle du rapport)."""
    riz = load(echantillons.chemin("riz-glazoue"))
    v = valeurs_texte.valeurs_plan(riz, "riz")
    etats = planification.avancement(riz, planification.fin_campagne(riz.campagne))["etat"]
    assert v["riz_plan_en_retard"] == str((etats == "en_retard").sum())
    assert v["riz_plan_en_cours"] == str((etats == "en_cours").sum())
    total = sum(int(v[f"riz_plan_{k}"]) for k in ("realisees", "en_cours", "en_retard", "prevues", "abandonnees"))
    assert total == int(v["riz_plan_actions"]) == len(riz.plan_actions)


def test_plan_suit_les_donnees() -> None:
    """Une action de plus, réalisée : les nombres du texte changent d'autant."""
    riz = load(echantillons.chemin("riz-glazoue"))
    avant = valeurs_texte.valeurs_plan(riz, "riz")
    ligne = riz.plan_actions.iloc[[0]].assign(id="A99", statut="realisee")
    plus = dataclasses.replace(riz, plan_actions=pd.concat([riz.plan_actions, ligne], ignore_index=True))
    apres = valeurs_texte.valeurs_plan(plus, "riz")
    assert int(apres["riz_plan_actions"]) == int(avant["riz_plan_actions"]) + 1
    assert int(apres["riz_plan_realisees"]) == int(avant["riz_plan_realisees"]) + 1


def test_valeur_ajoutee_du_producteur_type_calculee_a_la_main() -> None:
    """Produit brut − consommations intermédiaires, sur un petit compte écrit ici."""
    riz = load(echantillons.chemin("riz-glazoue"))
    comptes = pd.DataFrame({
        "campagne": ["2030-2031"] * 3, "maillon": ["producteur"] * 3,
        "poste": ["Paddy (1 ha)", "Semences", "Herbicides"],
        "categorie": ["produit", "consommation_intermediaire", "consommation_intermediaire"],
        "montant": [float("nan"), float("nan"), 1000.0], "quantite": [100.0, 10.0, float("nan")],
        "prix_unitaire": [200.0, 50.0, float("nan")], "unite": ["kg", "kg", None], "multiplicateur": [10.0] * 3,
    })
    v = valeurs_texte.valeurs_comptes_producteur(dataclasses.replace(riz, comptes=comptes), "x", "2030-2031")
    assert v["x_va_produit_brut"].replace("\u202f", " ") == "20 000 FCFA"
    assert v["x_va_ci"].replace("\u202f", " ") == "1 500 FCFA"
    assert v["x_va_type"].replace("\u202f", " ") == "18 500 FCFA"
    assert v["x_va_consommations"].replace("\u202f", " ") == "semences 10 × 50 + herbicides 1 000"
    assert v["x_va_effectif"] == "10"


def test_extension_fusionne_les_substitutions() -> None:
    import sys
    from types import SimpleNamespace

    sys.path.insert(0, str(RACINE / "book" / "_ext"))
    import valeurs_livre

    config = SimpleNamespace(myst_substitutions={"autre": "x"})
    valeurs_livre._ajouter(None, config)  # type: ignore[arg-type]
    assert config.myst_substitutions["autre"] == "x"
    assert config.myst_substitutions["riz_plan_actions"] == valeurs_texte.valeurs_exemples()["riz_plan_actions"]
    assert config.myst_substitutions["formation_journee_fin"] == valeurs_formation()["formation_journee_fin"]
    with pytest.raises(ValueError, match="deux fois"):
        valeurs_livre._ajouter(None, SimpleNamespace(myst_substitutions={"riz_plan_actions": "1"}))  # type: ignore[arg-type]
