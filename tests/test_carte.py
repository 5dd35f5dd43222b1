"""Tests des cartes du réseau (modèles ValueLinks et CASE) : elles se dessinent, au format A4, sans
étiquettes qui se recouvrent, y compris pour les échantillons et les cas limites."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import exemple, table
from test_reseau import ACTEURS_MINI, ecrire_cluster

import clusterlib
from clusterlib.analyses import reseau
from clusterlib.donnees.modele import Cluster, Fiche
from clusterlib.graphiques import enregistrer, largeur_a4
from clusterlib.graphiques.carte import STYLES, chevauchements, dessiner_carte
from clusterlib.graphiques.carte._commun import envelopper
from clusterlib.presentation.reseau import nom_court as _nom_court

HAUTEUR_A4_UTILE = 10.0   # pouces : page A4 portrait moins des marges de 2 cm


@pytest.fixture(autouse=True)
def _fermer_figures():
    yield
    plt.close("all")


def _textes(fig) -> str:
    """Tous les textes de la figure, les retours à la ligne remplacés par des espaces."""
    textes = [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
    return " | ".join(" ".join(t.split()) for t in textes)


def _verifier(fig) -> None:
    largeur, hauteur = fig.get_size_inches()
    assert largeur == pytest.approx(largeur_a4())
    assert hauteur <= HAUTEUR_A4_UTILE + 1e-6
    assert chevauchements(fig) == []


@pytest.mark.parametrize("style", STYLES)
def test_petit_cluster(style, tmp_path):
    cluster = ecrire_cluster(tmp_path / "mini")
    fig = dessiner_carte(reseau.reseau_carte(cluster), style=style)
    _verifier(fig)
    textes = _textes(fig)
    assert "Union des étuveuses" in textes and "Coopérative Ayédjo" in textes
    assert "Irène Alabi" in textes and "Irène Alabi, commerçante" not in textes     # nom court
    assert "ONG isolée" in textes and "isolé" in textes                              # l'acteur isolé est signalé
    legendes = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert {"Produit", "Intrants", "Crédit", "Contrat écrit", "Accord verbal", "Aucun contrat",
            "Agrégateur déclaré"} <= set(legendes)
    if style == "valuelinks":
        png = enregistrer(fig, tmp_path / "carte.png", dpi=60)
        svg = enregistrer(fig, tmp_path / "carte.svg")
        assert png.stat().st_size > 1000 and svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_style_inconnu(tmp_path):
    cluster = ecrire_cluster(tmp_path / "mini")
    with pytest.raises(ValueError, match="style de carte « radar » inconnu"):
        dessiner_carte(reseau.reseau_carte(cluster), style="radar")


@pytest.mark.parametrize("style", STYLES)
def test_sans_relation_et_un_seul_acteur(style, tmp_path):
    vide = ecrire_cluster(tmp_path / "vide", relations=[])
    fig = dessiner_carte(reseau.reseau_carte(vide), style=style)
    _verifier(fig)
    assert "Aucune relation n'est enregistrée" in _textes(fig)
    seul = ecrire_cluster(tmp_path / "seul", [ACTEURS_MINI[4]], [])
    fig = dessiner_carte(reseau.reseau_carte(seul), style=style)
    _verifier(fig)
    assert "qu'un acteur" in _textes(fig)


def test_agregateur_absent_et_central_signale(tmp_path):
    cluster = ecrire_cluster(tmp_path / "sans", agregateur=None)
    fig = dessiner_carte(reseau.reseau_carte(cluster), style="case")
    _verifier(fig)
    assert "Aucun agrégateur déclaré" in _textes(fig)
    legendes = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert "Acteur le plus relié" in legendes and "Agrégateur déclaré" not in legendes


def test_colonne_vide_signalee(tmp_path):
    acteurs = [a for a in ACTEURS_MINI if a[2] != "commercant"]
    relations = [["P1", "T1", "produit", "ecrit", 80, 60, "tonne", "", ""],
                 ["T1", "M1", "produit", "ecrit", 90, 50, "tonne", "", ""]]
    fig = dessiner_carte(reseau.reseau_carte(ecrire_cluster(tmp_path / "c", acteurs, relations)),
                         style="valuelinks")
    _verifier(fig)
    assert _textes(fig).count("aucun acteur") == 2          # commerce et distribution


def test_nom_court_et_enveloppe():
    assert _nom_court("Romaric Olou, riziculteur à Glazoué", False) == "Romaric Olou"
    assert _nom_court("Cantines scolaires des Collines (programme national)", False) == \
        "Cantines scolaires des Collines"
    assert _nom_court("9 producteurs individuels, Glazoué", True) == "9 producteurs individuels, Glazoué"
    texte = envelopper("Coopérative des producteurs d'ananas de Togoudo", 16, 3)
    assert texte.count("\n") <= 2 and texte.endswith("Togoudo") and "…" in texte


def _cluster_synthetique(n_producteurs: int, graine: int = 1) -> Cluster:
    """Un grand cluster fabriqué directement en tableaux typés (sans passer par des fichiers)."""
    rng = np.random.default_rng(graine)
    communes = [f"Commune {k}" for k in range(8)]
    lignes = [("T0", "Union centrale", "transformateur", "union", communes[0], 300, 200),
              ("M0", "Supermarché", "marche", "entreprise", "Cotonou", 20, 10),
              ("M1", "Marché local", "marche", "autre", communes[1], 5, 3),
              ("SP0", "ATDA", "services_publics", "structure_publique", communes[0], 10, 3)]
    lignes += [(f"C{k}", f"Commerçante {k}", "commercant", "individu", communes[k % 8], 1, 1) for k in range(12)]
    lignes += [(f"P{k}", f"Producteur {k}", "producteur", "individu", communes[k % 8], 1, int(k % 3 == 0))
               for k in range(n_producteurs)]
    acteurs = table("acteurs", lignes, ["id", "nom", "maillon", "forme", "commune", "effectif", "femmes"])
    acteurs["latitude"] = np.nan
    acteurs["longitude"] = np.nan
    sources = [f"P{k}" for k in range(n_producteurs)]
    cibles = rng.choice(["T0", *[f"C{k}" for k in range(12)]], size=n_producteurs).tolist()
    relations = pd.DataFrame({"source": [*sources, "T0", "T0"] + ["SP0"] * 20,
                              "cible": [*cibles, "M0", "M1", *sources[:20]]})
    n = len(relations)
    relations["type"] = ["produit"] * (n - 20) + ["conseil"] * 20
    relations["contrat"] = rng.choice(["ecrit", "verbal", "aucun"], size=n).tolist()
    relations["respect"] = np.where(relations["contrat"] == "aucun", np.nan, 80.0)
    relations["volume"] = np.where(relations["type"] == "produit", rng.uniform(1, 5, size=n), np.nan)
    relations["unite"] = np.where(relations["type"] == "produit", "tonne", None)
    relations["prix_unitaire"] = np.nan
    relations["depuis"] = pd.array([2020] * n, dtype="Int64")
    relations = relations.astype({c: "str" for c in ("source", "cible", "type", "contrat", "unite")})
    fiche = Fiche(id="synthetique", nom="Cluster synthétique", filiere="riz", campagne="2025-2026",
                  agregateur="T0", communes=tuple(communes))
    return Cluster(fiche=fiche, acteurs=acteurs, relations=relations)


@pytest.mark.parametrize("style", STYLES)
def test_grand_cluster_regroupe(style):
    cluster = _cluster_synthetique(480)
    fig = dessiner_carte(reseau.reseau_carte(cluster), style=style)
    _verifier(fig)
    assert "Carte simplifiée (496 acteurs)" in _textes(fig)
    assert "480 producteurs individuels" in _textes(fig)
    assert "60 producteurs individuels, Commune 0" in _textes(fig)


def _echantillon(nom: str) -> clusterlib.Cluster:
    return exemple(nom)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("nom", ["riz-glazoue", "ananas-allada", "soja-djidja.xlsx", "piment-dynamique-emergente"])
def test_echantillons_sans_chevauchement(nom, style):
    cluster = _echantillon(nom)
    fig = dessiner_carte(reseau.reseau_carte(cluster), style=style)
    _verifier(fig)
    carte = reseau.reseau_carte(cluster)
    assert ("Carte simplifiée" in _textes(fig)) == bool(carte.niveau)


def test_carte_sans_liens_d_appui(tmp_path: Path):
    cluster = ecrire_cluster(tmp_path / "mini")
    avec = dessiner_carte(reseau.reseau_carte(cluster), style="valuelinks")
    sans = dessiner_carte(reseau.reseau_carte(cluster), style="valuelinks", liens_appui=False)
    assert len(sans.axes[0].patches) < len(avec.axes[0].patches)
