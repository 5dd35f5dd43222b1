"""Chaque cluster d'exemple de ``data/samples`` (dossier ou classeur) est valide et fictif."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import RACINE

import clusterlib
from clusterlib.cli import main

ECHANTILLONS = RACINE / "data" / "samples"


def echantillons() -> list[Path]:
    """Les clusters d'exemple : dossiers contenant cluster.yml (ou .yaml) et classeurs .xlsx."""
    if not ECHANTILLONS.is_dir():
        return []
    return sorted(
        p for p in ECHANTILLONS.iterdir()
        if not p.name.startswith((".", "~$"))
        and ((p.is_dir() and any((p / n).is_file() for n in ("cluster.yml", "cluster.yaml")))
             or (p.is_file() and p.suffix.lower() == ".xlsx"))
    )


CHEMINS = echantillons()


@pytest.mark.parametrize("chemin", CHEMINS or [None], ids=[p.name for p in CHEMINS] or ["aucun"])
def test_echantillon_valide_et_fictif(chemin: Path | None) -> None:
    assert chemin is not None, "data/samples ne contient aucun cluster d'exemple"
    cluster = clusterlib.load(chemin)
    assert cluster.fiche.donnees_fictives is True
    assert cluster.source == chemin
    assert len(cluster.acteurs) > 0
    resume = cluster.resume()
    assert resume["donnees_fictives"] is True
    assert cluster.campagne in resume["campagnes"]


def test_validate_sur_tous_les_echantillons(capsys: pytest.CaptureFixture[str]) -> None:
    assert CHEMINS, "data/samples ne contient aucun cluster d'exemple"
    code = main(["validate", *map(str, CHEMINS)])
    sortie = capsys.readouterr().out
    assert code == 0, sortie
    assert sortie.count("(données fictives)") == len(CHEMINS)
