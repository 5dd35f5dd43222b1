"""Le paquet seul : la roue construite, installée dans un environnement neuf hors du dépôt.

Ce test fait ce que fera un analyste qui installe ``clusterlib`` avec ``pip`` : copier les
exemples livrés, en vérifier un, produire son rapport, sans rien du dépôt à portée de main.
Les dépendances (pandas, papermill…) sont prises dans l'environnement du projet par un
fichier ``.pth`` : seul ``clusterlib`` vient de la roue.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import RACINE


def test_les_paquets_listes_suivent_les_dossiers() -> None:
    """Chaque sous-paquet de clusterlib/ est livré (pyproject.toml les liste un à un)."""
    projet = tomllib.loads((RACINE / "pyproject.toml").read_text(encoding="utf-8"))
    listes = set(projet["tool"]["setuptools"]["packages"])
    trouves = {
        ".".join(p.parent.relative_to(RACINE).parts)
        for p in (RACINE / "clusterlib").rglob("__init__.py")
        if "__pycache__" not in p.parts
    }
    assert trouves <= listes, f"sous-paquets absents de pyproject.toml : {sorted(trouves - listes)}"


@pytest.fixture(scope="module")
def roue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for nom in ("pyproject.toml", "README.md"):
        shutil.copy2(RACINE / nom, source / nom)
    ignorer = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for dossier in ("clusterlib", "data", "notebooks"):
        shutil.copytree(RACINE / dossier, source / dossier, ignore=ignorer)
    sortie = tmp_path_factory.mktemp("roue")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(sortie), str(source)], check=True, cwd=source)
    (fichier,) = sortie.glob("clusterlib-*.whl")
    return fichier


def test_la_roue_contient_exemples_et_notebook(roue: Path) -> None:
    noms = set(zipfile.ZipFile(roue).namelist())
    assert "clusterlib/carnets/rapport_cluster.ipynb" in noms
    assert "clusterlib/exemples/riz-glazoue/cluster.yml" in noms
    assert "clusterlib/exemples/soja-djidja.xlsx" in noms
    assert "clusterlib/referentiel/grille.yml" in noms
    assert {"clusterlib/sorties/modeles/index_rapports.html.j2", "clusterlib/sorties/modeles/image.html.j2"} <= noms
    metadonnees = next(n for n in noms if n.endswith(".dist-info/METADATA"))
    texte = zipfile.ZipFile(roue).read(metadonnees).decode()
    obligatoires = [ligne for ligne in texte.splitlines()
                    if ligne.startswith("Requires-Dist:") and "extra ==" not in ligne]
    assert not [ligne for ligne in obligatoires if re.search(r"jupyter-book|jupyterlab", ligne)], obligatoires


@pytest.mark.lent
def test_roue_installee_hors_du_depot_valide_et_rapporte(roue: Path, tmp_path: Path) -> None:
    environnement = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(environnement)], check=True)
    python = environnement / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    # Les dépendances du projet, mais pas son installation éditable (ses .pth ne sont pas lus ici).
    (site / "dependances.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # … et les modèles de nbconvert, que pip aurait installés comme données dans share/jupyter.
    partage = environnement / "share" / "jupyter"
    partage.mkdir(parents=True)
    (partage / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--disable-pip-version-check", str(roue)], check=True)
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "JUPYTER_PATH", "VIRTUAL_ENV"}}
    env["PATH"] = f"{environnement / 'bin'}:{env.get('PATH', '')}"
    subprocess.run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                   check=True, env=env, capture_output=True)
    travail = tmp_path / "travail"
    travail.mkdir()

    def clusterlib(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(python), "-m", "clusterlib", *arguments], cwd=travail, env=env,
                              capture_output=True, text=True, timeout=600)

    origine = subprocess.run([str(python), "-c", "import clusterlib; print(clusterlib.__file__)"], cwd=travail,
                             env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(origine).is_relative_to(site), origine
    copie = clusterlib("exemples", "--out", "exemples")
    assert copie.returncode == 0, copie.stderr
    assert (travail / "exemples" / "riz-glazoue" / "cluster.yml").exists()
    verification = clusterlib("validate", "exemples/riz-glazoue")
    assert verification.returncode == 0, verification.stdout + verification.stderr
    assert verification.stdout.startswith("VALIDE")
    rapport = clusterlib("report", "exemples/riz-glazoue", "--out", "rapports")
    assert rapport.returncode == 0, rapport.stdout + rapport.stderr
    resume = json.loads((travail / "rapports" / "riz-glazoue" / "resume.json").read_text(encoding="utf-8"))
    assert resume["cluster"] == "riz-glazoue"
    assert (travail / "rapports" / "riz-glazoue" / "rapport.html").stat().st_size > 10_000
