"""Le formulaire de notation dans un vrai JupyterLab, piloté à la souris dans Chromium.

JupyterLab démarre sur 127.0.0.1 (port libre, jeton aléatoire) dans un dossier temporaire qui
contient une copie du cluster d'exemple riz-glazoue et un petit notebook qui ouvre le
formulaire (``clusterlib.formulaires.notation``). Le test exécute le notebook, choisit des
notes en cliquant sur les boutons radio, coche la case de confirmation, clique sur
« Enregistrer les notes », puis vérifie que ``scores.csv`` contient exactement les nouvelles
lignes attendues et que les lignes précédentes n'ont pas changé. Le serveur est ensuite arrêté.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import RACINE, Onglet, chronometrer, dossier_artefacts, environnement_jupyter

pytestmark = pytest.mark.lent

EVALUATEUR = "Test navigateur"
CAMPAGNE = "2025-2026"
NOTES = {"1.1": 3, "1.2": 4, "2.1": 1}

_CELLULE = f"""from clusterlib.formulaires.notation import formulaire_notation

formulaire = formulaire_notation("cluster", campagne="{CAMPAGNE}", evaluateur="{EVALUATEUR}")
formulaire"""


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _lignes(chemin: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(chemin.read_text(encoding="utf-8-sig"))))


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(URL du notebook avec son jeton, dossier de travail) ; le serveur est arrêté à la fin."""
    shutil.copytree(RACINE / "data" / "samples" / "riz-glazoue", tmp_path / "cluster")
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": "formulaire", "metadata": {},
                           "outputs": [], "source": _CELLULE}],
                "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "notation.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    jeton, port = secrets.token_hex(16), _port_libre()
    journal = (tmp_path / "jupyterlab.log").open("w")
    debut = time.perf_counter()
    serveur = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--port={port}",
         f"--IdentityProvider.token={jeton}", "--allow-root", f"--ServerApp.root_dir={tmp_path}",
         "--ServerApp.port_retries=0", "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=tmp_path, env=environnement_jupyter() | {"HOME": str(tmp_path)}, stdout=journal,
        stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            if serveur.poll() is not None:
                pytest.fail("JupyterLab s'est arrêté au démarrage :\n" + (tmp_path / "jupyterlab.log").read_text())
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={jeton}", timeout=2) as reponse:
                    if reponse.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab ne répond pas après 60 s :\n" + (tmp_path / "jupyterlab.log").read_text())
        chronometrer("JupyterLab (démarrage du serveur)", debut)
        yield f"{base}/lab/tree/notation.ipynb?token={jeton}", tmp_path
    finally:
        serveur.terminate()
        try:
            serveur.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serveur.kill()
            serveur.wait(timeout=10)
        journal.close()


def test_notes_choisies_a_la_souris_enregistrees(jupyterlab: tuple[str, Path], onglet: Onglet) -> None:
    url, dossier = jupyterlab
    scores = dossier / "cluster" / "scores.csv"
    avant = _lignes(scores)
    page = onglet.page
    page.set_default_timeout(60_000)
    debut = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    cellule = page.locator(".jp-Notebook .jp-CodeCell").first
    cellule.wait_for(state="visible")
    # Attendre que le noyau soit prêt (barre d'état « Python 3 | Idle »), sinon l'exécution est perdue.
    page.get_by_text("Python 3 | Idle").wait_for(timeout=90_000)
    cellule.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")

    # Le formulaire apparaît : 24 groupes de boutons radio.
    try:
        page.locator(".widget-radio-box").nth(23).wait_for(state="visible", timeout=120_000)
    except Exception:
        page.screenshot(path=str(dossier_artefacts("jupyterlab") / "echec_formulaire.png"))
        raise
    for indicateur, note in NOTES.items():
        groupe = page.locator(".widget-radio", has=page.locator(f"label:text-is('Note {indicateur}')"))
        assert groupe.count() == 1, f"groupe de boutons « Note {indicateur} » introuvable"
        groupe.get_by_label(f"{note} –", exact=False).first.check()
    page.get_by_label("Enregistrer même si des indicateurs ne sont pas notés").check()
    page.get_by_role("button", name="Enregistrer les notes").click()
    page.get_by_text("note(s) de « Test navigateur » enregistrée(s)", exact=False).wait_for(timeout=30_000)
    page.screenshot(path=str(dossier_artefacts("jupyterlab") / "formulaire_enregistre.png"))
    chronometrer("JupyterLab (formulaire dans le navigateur)", debut)

    apres = _lignes(scores)
    nouvelles = [ligne for ligne in apres if ligne["evaluateur"] == EVALUATEUR]
    assert {(ligne["campagne"], ligne["indicateur"], ligne["score"]) for ligne in nouvelles} == {
        (CAMPAGNE, indicateur, str(note)) for indicateur, note in NOTES.items()}
    assert [ligne for ligne in apres if ligne["evaluateur"] != EVALUATEUR] == avant, "les autres notes ont changé"
    assert (scores.parent / "scores.csv.bak").is_file(), "l'ancien fichier n'a pas été gardé"
