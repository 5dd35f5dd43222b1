"""Moteur de lot « clusterlib » : mêmes rapports que papermill, sorties comme un noyau, figures en un rendu."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import papermill
import pytest
from conftest import FICHE, RACINE, creer_cluster
from matplotlib.figure import Figure
from PIL import Image

from clusterlib.graphiques import enregistrer
from clusterlib.sorties import moteur_lot, rapports, reserve, travailleur
from clusterlib.sorties._execution import fusionner_flux

ECHANTILLONS = sorted(p for p in (RACINE / "data" / "samples").iterdir() if p.is_dir() or p.suffix == ".xlsx")
DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def test_moteur_enregistre_aupres_de_papermill() -> None:
    from papermill.engines import papermill_engines

    assert papermill_engines.get_engine(moteur_lot.NOM_MOTEUR) is moteur_lot.MoteurEnProcessus
    # Papermill importé en premier, dans un processus neuf : aucun point d'entrée ne recharge le module à moitié.
    code = ("import papermill\nfrom clusterlib.sorties import moteur_lot\n"
            "from papermill.engines import papermill_engines\n"
            "assert papermill_engines.get_engine('clusterlib') is moteur_lot.MoteurEnProcessus")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).returncode == 0


def test_fusion_des_flux_consecutifs() -> None:
    nb = nbformat.v4.new_notebook()
    cellule = nbformat.v4.new_code_cell("")
    cellule.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
        nbformat.v4.new_output("display_data", data={"text/plain": "x"}),
        nbformat.v4.new_output("stream", name="stdout", text="c\n"),
        nbformat.v4.new_output("stream", name="stderr", text="d\n"),
    ]
    nb.cells = [cellule]
    fusionner_flux(nb)
    assert [(s.output_type, s.get("text")) for s in cellule.outputs] == [
        ("stream", "a\nb\n"), ("display_data", None), ("stream", "c\n"), ("stream", "d\n")]


SOURCE_SORTIES = [
    "print('avant')\nimport sys\nprint('erreur', file=sys.stderr)",
    "from IPython.display import Markdown, display\ndisplay(Markdown('**gras**'))\nprint('après')",
    "import pandas as pd\npd.DataFrame({'a': [1, 2]})",
    "x = 41\nx + 1",
    "x + 1;",
    "%matplotlib inline\nimport matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(1, 1))\n_ = ax.plot([0, 1])",
]


@pytest.mark.lent
def test_sorties_identiques_a_celles_d_un_noyau(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in SOURCE_SORTIES]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    entree = tmp_path / "sorties.ipynb"
    nbformat.write(nb, entree)
    papermill.execute_notebook(entree, tmp_path / "noyau.ipynb", kernel_name="python3", progress_bar=False)
    # Le moteur en processus, dans un processus à part (il y crée son shell IPython).
    script = ("import sys, papermill, clusterlib.sorties.moteur_lot\n"
              "papermill.execute_notebook(sys.argv[1], sys.argv[2], engine_name='clusterlib', progress_bar=False)")
    subprocess.run([sys.executable, "-c", script, str(entree), str(tmp_path / "moteur.ipynb")], check=True,
                   env={**os.environ, "MPLBACKEND": "Agg"})
    noyau = nbformat.read(tmp_path / "noyau.ipynb", as_version=4)
    moteur = nbformat.read(tmp_path / "moteur.ipynb", as_version=4)
    for nb_ in (noyau, moteur):
        fusionner_flux(nb_)
    assert moteur.metadata["language_info"] == noyau.metadata["language_info"]
    for a, b in zip(noyau.cells, moteur.cells, strict=True):
        assert b.execution_count == a.execution_count
        assert b.outputs == a.outputs, a.source


@pytest.mark.lent
def test_deux_moteurs_memes_rapports(tmp_path: Path) -> None:
    """Pour chaque échantillon : resume.json octet pour octet, figures au pixel près, HTML à la date près."""
    sorties = {}
    for moteur in rapports.MOTEURS:
        sorties[moteur] = tmp_path / moteur
        # Un seul processus de travail pour le moteur clusterlib : chaque rapport hérite de la mémoire
        # des textes (et du reste de l'état du processus) laissée par les rapports des autres clusters.
        travaux = 1 if moteur == "clusterlib" else 2
        resultats = rapports.executer_lot(ECHANTILLONS, sorties[moteur], travaux=travaux, moteur=moteur)
        assert [r.etat for r in resultats] == ["fait"] * len(ECHANTILLONS), [r.messages for r in resultats]
    reference, nouveau = sorties["papermill"], sorties["clusterlib"]
    identifiants = sorted(p.name for p in reference.iterdir() if p.is_dir() and not p.name.startswith("_"))
    assert len(identifiants) == len(ECHANTILLONS)
    for ident in identifiants:
        a, b = reference / ident, nouveau / ident
        assert (a / "resume.json").read_bytes() == (b / "resume.json").read_bytes(), ident
        figures = sorted(p.name for p in (a / "figures").glob("*.png"))
        assert figures and figures == sorted(p.name for p in (b / "figures").glob("*.png")), ident
        for nom in figures:
            pixels_a = np.asarray(Image.open(a / "figures" / nom))
            pixels_b = np.asarray(Image.open(b / "figures" / nom))
            assert pixels_a.shape == pixels_b.shape and np.array_equal(pixels_a, pixels_b), (ident, nom)
        html_a = DATE.sub("JJ/MM/AAAA", (a / "rapport.html").read_text(encoding="utf-8"))
        html_b = DATE.sub("JJ/MM/AAAA", (b / "rapport.html").read_text(encoding="utf-8"))
        assert html_a == html_b, ident
        assert json.loads(nbformat.writes(nbformat.read(b / "rapport.ipynb", as_version=4)))["metadata"]["papermill"]


@pytest.mark.lent
def test_deux_moteurs_meme_rapport_de_hub(tmp_path: Path) -> None:
    """Rapport de hub de l'échantillon : résumé et tableaux à l'octet, figures au pixel, HTML à la date près."""
    from clusterlib.banque.hub import banque_exemple, executer_rapport_hub

    banque = banque_exemple(tmp_path / "banque.duckdb")
    dossiers = {}
    for moteur in rapports.MOTEURS:
        resultat = executer_rapport_hub(banque, "riz", tmp_path / moteur, formats=("html", "ipynb"), moteur=moteur)
        assert resultat.etat == "fait", resultat.messages
        dossiers[moteur] = resultat.dossier
    a, b = dossiers["papermill"], dossiers["clusterlib"]
    for nom in ("resume_hub.json", "comparaison.csv", "trajectoires.csv"):
        assert (a / nom).read_bytes() == (b / nom).read_bytes(), nom
    figures = sorted(p.name for p in (a / "figures").glob("*.png"))
    assert figures and figures == sorted(p.name for p in (b / "figures").glob("*.png"))
    for nom in figures:
        assert np.array_equal(np.asarray(Image.open(a / "figures" / nom)), np.asarray(Image.open(b / "figures" / nom)))
    html_a = DATE.sub("JJ/MM/AAAA", (a / "rapport.html").read_text(encoding="utf-8"))
    html_b = DATE.sub("JJ/MM/AAAA", (b / "rapport.html").read_text(encoding="utf-8"))
    assert html_a == html_b


@pytest.mark.lent
def test_cellule_qui_bloque_l_alarme_est_arretee(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Une cellule qui ignore l'alarme du délai : le processus de travail tue l'enfant, le lot continue."""
    monkeypatch.setattr(reserve, "MARGE_ARRET_FORCE", 1.0)
    bloque = creer_cluster(tmp_path / "bloque", {**FICHE, "id": "riz-bloque"})
    solide = creer_cluster(tmp_path / "solide")
    nb = nbformat.v4.new_notebook()
    parametres = nbformat.v4.new_code_cell("chemin_donnees = None\ncampagne = None\ndossier_sortie = None")
    parametres.metadata["tags"] = ["parameters"]
    nb.cells = [parametres, nbformat.v4.new_code_cell(
        "import signal, time\nif chemin_donnees.endswith('bloque'):\n"
        "    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n    time.sleep(60)")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "nb.ipynb")
    resultats = rapports.executer_lot([bloque, solide], tmp_path / "r", notebook=tmp_path / "nb.ipynb", delai=1,
                                      moteur="clusterlib")
    assert [r.etat for r in resultats] == ["echec", "fait"], [r.messages for r in resultats]
    assert "délai dépassé" in resultats[0].messages[0]
    assert resultats[0].journal is not None and resultats[0].journal.exists()
    # Aucun dossier temporaire ne reste ; seule la marque (et verrou) du dossier des rapports est là.
    assert not [p for p in (tmp_path / "r").iterdir() if p.name.startswith(".") and p.name != rapports.MARQUEUR_LOT]


def _compter_rendus(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    rendus = [0]
    dessiner = Figure.draw

    def compter(self: Figure, renderer: object) -> None:
        rendus[0] += 1
        dessiner(self, renderer)

    monkeypatch.setattr(Figure, "draw", compter)
    return rendus


def test_figure_dessinee_une_seule_fois(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    figure = Figure(figsize=(4, 3), layout="constrained")
    axe = figure.add_subplot()
    axe.barh([0, 1], [3, 5])
    axe.set_title("Titre")
    axe.set_xlabel("millions de FCFA")
    rendus = _compter_rendus(monkeypatch)
    enregistrer(figure, tmp_path / "f.png", dpi=100)
    assert rendus[0] == 1
    image = Image.open(tmp_path / "f.png")
    assert image.info["dpi"] == pytest.approx((100, 100), abs=0.01)
    # Même cadre que bbox_inches="tight" de matplotlib (qui dessine deux fois), au pixel d'arrondi près.
    figure.savefig(tmp_path / "serre.png", dpi=100, bbox_inches="tight")
    serre = Image.open(tmp_path / "serre.png")
    assert abs(image.size[0] - serre.size[0]) <= 2 and abs(image.size[1] - serre.size[1]) <= 2


def test_etiquette_hors_de_la_figure_jamais_coupee(tmp_path: Path) -> None:
    figure = Figure(figsize=(4, 3))
    axe = figure.add_axes((0.1, 0.1, 0.8, 0.8))
    axe.text(1.02, 0.5, "montant au bout de la barre", transform=axe.transAxes)
    enregistrer(figure, tmp_path / "f.png", dpi=100)
    pixels = np.asarray(Image.open(tmp_path / "f.png").convert("L"))
    assert pixels.shape[1] > 400  # la zone s'agrandit pour garder l'étiquette entière
    assert (pixels[:, -5:] == 255).all()  # et la marge droite est blanche : rien n'est coupé


def test_modules_du_rapport_precharges() -> None:
    """Chaque module que le notebook du rapport importe est déjà chargé par le processus de travail."""
    import ast

    carnet = nbformat.read(RACINE / "notebooks" / "rapport_cluster.ipynb", as_version=4)
    importes: set[str] = set()
    for cellule in carnet.cells:
        if cellule.cell_type != "code":
            continue
        source = "\n".join(ligne for ligne in cellule.source.splitlines() if not ligne.lstrip().startswith("%"))
        for noeud in ast.walk(ast.parse(source)):
            if isinstance(noeud, ast.Import):
                importes |= {alias.name for alias in noeud.names}
            elif isinstance(noeud, ast.ImportFrom) and noeud.module:
                importes.add(noeud.module)
                importes |= {f"{noeud.module}.{alias.name}" for alias in noeud.names
                             if noeud.module.startswith("clusterlib")}
    paquets = {m for m in importes if m.startswith("clusterlib")}
    # Un nom importé depuis un module (une fonction) n'est pas un module : seuls les modules comptent.
    import importlib.util

    def est_module(nom: str) -> bool:
        try:
            return importlib.util.find_spec(nom) is not None
        except ModuleNotFoundError:  # « module.fonction » : le parent n'est pas un paquet
            return False

    modules = {m for m in paquets if est_module(m)}
    manquants = sorted(m for m in modules if m not in travailleur.MODULES_PRECHARGES
                       and not any(p.startswith(m + ".") for p in travailleur.MODULES_PRECHARGES))
    assert not manquants, f"à ajouter à MODULES_PRECHARGES : {manquants}"


def test_textes_appris_par_l_enfant_repris_par_le_processus_de_travail(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from clusterlib.graphiques import _rendu_agg

    memoire = _rendu_agg.MemoireTextes()
    monkeypatch.setattr(_rendu_agg, "MEMOIRE_TEXTES", memoire)
    memoire.garder("mesures", ("déjà là",), (1.0, 2.0, 0.5))
    memoire.marquer()  # ce que le processus de travail savait avant le fork
    memoire.garder("mesures", ("appris",), (3.0, 2.0, 0.5))
    travailleur._transmettre_textes(str(tmp_path))  # dans l'enfant
    fichier = travailleur._fichier_textes(str(tmp_path), os.getpid())
    assert fichier.exists() and not list(tmp_path.glob("*.partiel"))
    memoire.vider()
    travailleur._reprendre_textes(str(tmp_path), os.getpid(), 0)  # dans le processus de travail
    assert memoire.mesures == {("appris",): (3.0, 2.0, 0.5)}  # seul ce qui a été appris depuis le fork
    assert not fichier.exists()


@pytest.mark.parametrize("contenu, code", [(b"\x80\x05pas un pickle", 0), (b"", 0), (None, 1)])
def test_textes_d_un_enfant_rate_ou_illisibles_ignores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      contenu: bytes | None, code: int) -> None:
    """Fichier tronqué ou corrompu, enfant qui a échoué : rien n'est repris, le fichier est effacé."""
    import pickle

    from clusterlib.graphiques import _rendu_agg

    memoire = _rendu_agg.MemoireTextes()
    monkeypatch.setattr(_rendu_agg, "MEMOIRE_TEXTES", memoire)
    fichier = travailleur._fichier_textes(str(tmp_path), 4242)
    fichier.write_bytes(contenu if contenu is not None else pickle.dumps({"mesures": {("x",): (1.0, 1.0, 0.0)}}))
    travailleur._reprendre_textes(str(tmp_path), 4242, code)
    assert len(memoire) == 0 and not fichier.exists()


def test_processus_de_travail_ne_laisse_pas_son_dossier(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    temporaire = tmp_path / "tmp"
    temporaire.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporaire))  # le processus de travail
    monkeypatch.setattr(tempfile, "tempdir", str(temporaire))  # la réserve, dans ce processus
    crees: list[str] = []
    creer = tempfile.mkdtemp

    def noter(*args: object, **kwargs: object) -> str:
        crees.append(creer(*args, **kwargs))  # type: ignore[arg-type]
        return crees[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", noter)
    resultats = rapports.executer_lot([ECHANTILLONS[0]], tmp_path / "r", moteur="clusterlib", formats=("ipynb",))
    assert [r.etat for r in resultats] == ["fait"], [r.messages for r in resultats]
    assert any(Path(c).name.startswith(reserve.PREFIXE_DOSSIER) for c in crees)
    assert not list(temporaire.iterdir())


def test_dossiers_d_une_reserve_tuee_effaces_au_passage_suivant(tmp_path: Path) -> None:
    """Après un ``kill -9``, le dossier privé d'un processus de travail reste : la réserve suivante l'efface."""
    mort = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    orphelin = tmp_path / f"{reserve.PREFIXE_DOSSIER}{mort.stdout.strip()}-abc"
    orphelin.mkdir()
    (orphelin / "textes-1.pickle").write_bytes(b"x")
    vivant = tmp_path / f"{reserve.PREFIXE_DOSSIER}{os.getpid()}-def"
    vivant.mkdir()
    etranger = tmp_path / "autre-dossier-123-x"
    etranger.mkdir()
    assert reserve.nettoyer_dossiers_orphelins(str(tmp_path)) == [orphelin]
    assert not orphelin.exists() and vivant.exists() and etranger.exists()
