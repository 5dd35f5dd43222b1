"""Chaque notebook suit le squelette du livre, et les rapports n'en gardent rien.

Ordre attendu des intertitres : Présentation (objectifs), Temps d'apprentissage, Prérequis (un
tableau notion, importance, lien), les étapes, au moins deux exercices (énoncé, cellule à
compléter, solution repliée exécutée), Résumé, « Et ensuite ? ».
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clusterlib.sorties._execution import ETIQUETTE_LIVRE, cellules_du_rapport

RACINE = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((RACINE / "notebooks").glob("*.ipynb"))
MODELES_DE_RAPPORT = ("rapport_cluster.ipynb", "rapport_hub.ipynb")
SECTIONS = ["## Présentation", "## Temps d'apprentissage", "## Prérequis", "## Exercices", "## Résumé",
            "## Et ensuite ?"]


def _cellules(chemin: Path) -> list[dict]:
    return json.loads(chemin.read_text(encoding="utf-8"))["cells"]


def _source(cellule: dict) -> str:
    return "".join(cellule["source"])


def test_six_notebooks() -> None:
    assert len(NOTEBOOKS) == 6


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.stem)
def test_sections_dans_l_ordre(chemin: Path) -> None:
    cellules = _cellules(chemin)
    intertitres = [ligne.strip() for c in cellules if c["cell_type"] == "markdown"
                   for ligne in _source(c).splitlines() if ligne.startswith("## ")]
    positions = []
    for section in SECTIONS:
        assert section in intertitres, f"{chemin.name} : section « {section} » absente"
        positions.append(intertitres.index(section))
    assert positions == sorted(positions), f"{chemin.name} : sections dans le désordre : {intertitres}"
    etapes = intertitres[positions[2] + 1:positions[3]]
    assert len(etapes) >= 2, f"{chemin.name} : au moins deux étapes entre « Prérequis » et les exercices"
    assert intertitres[-1] == "## Et ensuite ?"


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.stem)
def test_tableau_des_prerequis(chemin: Path) -> None:
    texte = next(_source(c) for c in _cellules(chemin) if "## Prérequis" in _source(c))
    lignes = texte.split("## Prérequis", 1)[1].strip().splitlines()
    assert lignes[0] == "| Notion | Importance | Lien |" and lignes[1].startswith("|---")
    notions = [ligne for ligne in lignes[2:] if ligne.startswith("| ")]
    assert len(notions) >= 2
    for ligne in notions:
        _, notion, importance, lien, _ = ligne.split("|")
        assert notion.strip() and importance.strip() in {"Nécessaire", "Utile"} and "{doc}`" in lien


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.stem)
def test_deux_exercices_avec_solution_repliee_qui_verifie(chemin: Path) -> None:
    cellules = _cellules(chemin)
    debuts = [i for i, c in enumerate(cellules) if "{exercise-start}" in _source(c)]
    assert len(debuts) >= 2, f"{chemin.name} : au moins deux exercices attendus"
    for i in debuts:
        label = re.search(r":label: (\S+)", _source(cellules[i])).group(1)
        a_completer, fin, solution, fin_solution = cellules[i + 1:i + 5]
        assert a_completer["cell_type"] == "code" and "À compléter" in _source(a_completer)
        assert f"{{solution-start}} {label}\n:class: dropdown" in _source(fin)
        assert "{exercise-end}" in _source(fin)
        assert solution["cell_type"] == "code" and "assert " in _source(solution), (
            f"{label} : la solution vérifie son résultat contre clusterlib")
        assert "{solution-end}" in _source(fin_solution)
        assert "clusterlib.donnees.echantillons" in _source(solution) or chemin.name == "rapport_hub.ipynb"


@pytest.mark.parametrize("nom", MODELES_DE_RAPPORT)
def test_un_rapport_ne_garde_ni_squelette_ni_exercice(nom: str) -> None:
    chemin = RACINE / "notebooks" / nom
    complet = _cellules(chemin)
    rapport = cellules_du_rapport(chemin).cells
    assert len(rapport) < len(complet)
    texte = "\n".join(c.source for c in rapport)
    for absent in ("{exercise", "{solution", "## Et ensuite ?", "## Présentation", "## Prérequis",
                   "## Temps d'apprentissage", "## Exercices", "À compléter", ":class: objectifs"):
        assert absent not in texte, f"{nom} : « {absent} » ne doit pas figurer dans le rapport"
    assert rapport[0].source.startswith("# ")
    assert any("parameters" in c.metadata.get("tags", []) for c in rapport)
    # Toute cellule ôtée portait l'étiquette, et aucune cellule gardée ne la porte.
    assert all(ETIQUETTE_LIVRE not in c.metadata.get("tags", []) for c in rapport)
    assert len(complet) - len(rapport) == sum(ETIQUETTE_LIVRE in c.get("metadata", {}).get("tags", []) for c in complet)
