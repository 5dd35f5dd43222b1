"""Les notebooks dans un vrai noyau : chacun s'exécute de bout en bout sur chaque cluster d'exemple.

- Rapide : chaque notebook est livré sans sorties, avec une cellule de paramètres marquée
  ``parameters`` faite de simples affectations de littéraux, et le noyau ``python3``.
- Lent : papermill exécute chaque notebook sur chaque exemple (dossiers et classeur .xlsx),
  les sorties des paramètres de dossier dirigées vers un dossier temporaire ; aucune erreur,
  aucun avertissement imprimé, et les données d'exemple ne sont pas modifiées.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import RACINE, chronometrer, environnement_jupyter

# Les notebooks d'un cluster (paramètre chemin_donnees) ; le rapport de hub, qui lit une banque,
# est exécuté par tests/test_banque.py.
NOTEBOOKS = sorted(p for p in (RACINE / "notebooks").glob("*.ipynb") if p.name != "rapport_hub.ipynb")
EXEMPLES = sorted(p for p in (RACINE / "data" / "samples").iterdir() if p.is_dir() or p.suffix == ".xlsx")
_AVERTISSEMENT = re.compile(r"warning|avertissement|traceback", re.IGNORECASE)


def _lire(chemin: Path) -> dict[str, Any]:
    return json.loads(chemin.read_text(encoding="utf-8"))


def _cellule_parametres(notebook: dict[str, Any]) -> dict[str, Any] | None:
    return next((c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])), None)


def _parametres(notebook: dict[str, Any]) -> dict[str, Any]:
    """Les paramètres (nom → valeur littérale) de la cellule marquée ``parameters``."""
    cellule = _cellule_parametres(notebook)
    assert cellule is not None
    valeurs = {}
    for noeud in ast.parse("".join(cellule["source"])).body:
        assert isinstance(noeud, ast.Assign) and len(noeud.targets) == 1 and isinstance(noeud.targets[0], ast.Name), (
            f"la cellule de paramètres ne doit contenir que des affectations simples : {ast.unparse(noeud)}")
        valeurs[noeud.targets[0].id] = ast.literal_eval(noeud.value)
    return valeurs


def _empreinte(chemin: Path) -> str:
    somme = hashlib.sha256()
    fichiers = sorted(chemin.rglob("*")) if chemin.is_dir() else [chemin]
    for fichier in fichiers:
        if fichier.is_file():
            somme.update(str(fichier.relative_to(chemin.parent)).encode() + fichier.read_bytes())
    return somme.hexdigest()


def test_des_notebooks_et_des_exemples_a_tester() -> None:
    assert NOTEBOOKS, "aucun notebook dans notebooks/"
    assert len(EXEMPLES) >= 2, "les clusters d'exemple manquent dans data/samples/"


@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_livre_sans_sorties_avec_parametres(chemin: Path) -> None:
    notebook = _lire(chemin)
    assert notebook["metadata"].get("kernelspec", {}).get("name") == "python3", "noyau attendu : python3"
    avec_sorties = [i for i, c in enumerate(notebook["cells"])
                    if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not avec_sorties, (f"{chemin.name} est enregistré avec des sorties (cellules {avec_sorties}) ; "
                              f"effacez-les : jupyter nbconvert --clear-output --inplace {chemin.relative_to(RACINE)}")
    assert _cellule_parametres(notebook) is not None, (
        f"{chemin.name} : aucune cellule marquée « parameters » (étiquette de cellule pour papermill)")
    assert "chemin_donnees" in _parametres(notebook), f"{chemin.name} : paramètre « chemin_donnees » attendu"


@pytest.mark.lent
@pytest.mark.parametrize("exemple", EXEMPLES, ids=lambda p: p.name)
@pytest.mark.parametrize("chemin", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_execute_sur_chaque_exemple(chemin: Path, exemple: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import papermill

    for cle, valeur in environnement_jupyter().items():
        monkeypatch.setenv(cle, valeur)
    parametres: dict[str, Any] = {"chemin_donnees": str(exemple)}
    for nom in _parametres(_lire(chemin)):
        if nom.startswith("dossier_"):
            parametres[nom] = str(tmp_path / nom)
    avant = _empreinte(exemple)
    sortie = tmp_path / chemin.name
    debut = time.perf_counter()
    try:
        papermill.execute_notebook(str(chemin), str(sortie), parameters=parametres, kernel_name="python3",
                                   cwd=str(tmp_path), execution_timeout=600, progress_bar=False, log_output=False)
    except papermill.PapermillExecutionError as exc:
        pytest.fail(f"{chemin.name} sur {exemple.name} : erreur dans la cellule {exc.exec_count} : "
                    f"{exc.ename}: {exc.evalue}")
    finally:
        chronometrer("notebooks (papermill)", debut)
    imprimes = []
    for numero, cellule in enumerate(_lire(sortie)["cells"]):
        for sortie_cellule in cellule.get("outputs", []):
            texte = sortie_cellule.get("text", "")
            texte = "".join(texte) if isinstance(texte, list) else texte
            if sortie_cellule.get("output_type") == "error" or (
                    sortie_cellule.get("output_type") == "stream"
                    and (sortie_cellule.get("name") == "stderr" or _AVERTISSEMENT.search(texte))):
                imprimes.append(f"cellule {numero} : {texte.strip()[:500] or sortie_cellule.get('ename')}")
    assert not imprimes, f"{chemin.name} sur {exemple.name} a imprimé des erreurs ou avertissements :\n" + "\n".join(
        imprimes)
    assert _empreinte(exemple) == avant, f"{chemin.name} a modifié les données de l'exemple {exemple.name}"
