"""Valider et charger ne touchent jamais aux données : mêmes octets, mêmes dates, aucun fichier créé."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ACTEURS, creer_classeur, creer_cluster, empreinte, feuilles_cluster, modifier

import clusterlib
from clusterlib.cli import main

IL_Y_A_UN_AN = 1_700_000_000  # date de modification imposée, pour qu'une réécriture se voie


def vieillir(dossier: Path) -> None:
    for chemin in [*dossier.rglob("*"), dossier]:
        os.utime(chemin, (IL_Y_A_UN_AN, IL_Y_A_UN_AN))


def dossier_valide(racine: Path) -> Path:
    return creer_cluster(racine / "riz", scores=[["campagne", "indicateur", "score", "justification"],
                                                 ["2025-2026", "3.1", "3", "Contrats signés"]])


def dossier_invalide(racine: Path) -> Path:
    return creer_cluster(racine / "riz", acteurs=modifier(ACTEURS, 2, "maillon", "transformatrice"))


def classeur_valide(racine: Path) -> Path:
    return creer_classeur(racine / "soja.xlsx", feuilles_cluster())


def classeur_invalide(racine: Path) -> Path:
    return creer_classeur(racine / "soja.xlsx", feuilles_cluster(acteurs=modifier(ACTEURS, 1, "effectif", "-3")))


@pytest.mark.parametrize("fabrique", [dossier_valide, dossier_invalide, classeur_valide, classeur_invalide])
def test_validate_et_load_ne_modifient_rien(
    tmp_path: Path, fabrique: Callable[[Path], Path], capsys: pytest.CaptureFixture[str]) -> None:
    jeu = fabrique(tmp_path / "donnees")
    vieillir(tmp_path / "donnees")
    avant = empreinte(tmp_path)
    assert avant, "le jeu de données n'a pas été écrit"
    valide = main(["validate", str(jeu)]) == 0
    capsys.readouterr()
    if valide:
        clusterlib.load(jeu)
    else:
        with pytest.raises(clusterlib.ErreurDonnees):
            clusterlib.load(jeu)
    clusterlib.valider(jeu)
    assert empreinte(tmp_path) == avant
    assert valide is fabrique.__name__.endswith("_valide")


def test_corpus_invalide_intact(capsys: pytest.CaptureFixture[str]) -> None:
    """Le corpus du dépôt lui-même : aucun fichier modifié ni ajouté (pas même un verrou ~$)."""
    corpus = Path(__file__).resolve().parent / "donnees_invalides"
    avant = empreinte(corpus)
    jeux = [p for cas in sorted(corpus.iterdir()) if cas.is_dir() for p in cas.iterdir() if p.name != "attendu.txt"]
    assert main(["validate", *map(str, jeux)]) == 1
    capsys.readouterr()
    assert empreinte(corpus) == avant
