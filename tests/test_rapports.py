"""Rapports par cluster : résumé, lot avec papermill, synthèse, erreurs (issue des rapports)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from conftest import FICHE, RACINE, creer_cluster, empreinte, notebook_essai

import clusterlib
from clusterlib import cli
from clusterlib.analyses import comptes, notation, reseau
from clusterlib.donnees.echantillons import chemin as echantillon
from clusterlib.sorties import rapports

INVALIDE = RACINE / "tests" / "donnees_invalides" / "maillon_inconnu" / "donnees"


@pytest.fixture(params=rapports.MOTEURS)
def moteur(request: pytest.FixtureRequest) -> str:
    """Ce que promet la commande report tient pour les deux moteurs d'exécution."""
    return request.param




def test_resume_reprend_les_fonctions_d_analyse() -> None:
    cluster = clusterlib.load(echantillon("riz-glazoue"))
    resume = rapports.resume_cluster(cluster, "2024-2025")
    assert resume["cluster"] == "riz-glazoue" and resume["campagne"] == "2024-2025"
    assert resume["donnees_fictives"] is True
    assert resume["reseau"] == json.loads(json.dumps(reseau.synthese_reseau(cluster)))
    assert resume["prealables"] == reseau.synthese_prealables(cluster)
    assert resume["economie"]["valeur_ajoutee_totale"] == pytest.approx(
        comptes.synthese_economie(cluster, "2024-2025")["valeur_ajoutee_totale"])
    assert resume["scores"]["global"] == pytest.approx(notation.synthese_scores(cluster, "2024-2025")["global"])
    json.dumps(resume, allow_nan=False)  # JSON strict : pas de NaN


def test_resume_sections_absentes_valent_none(cluster_minimal: Path) -> None:
    resume = rapports.resume_cluster(clusterlib.load(cluster_minimal))
    assert resume["economie"] is None
    assert resume["scores"]["global"] is None
    assert resume["reseau"]["nb_acteurs"] == 4


def test_ligne_de_synthese() -> None:
    resume = {"cluster": "a", "nom": "A", "campagne": "2025-2026", "donnees_fictives": True,
              "reseau": {"taux_contractualisation": 0.5, "maillons_manquants": ["marche"], "nb_acteurs": 3},
              "economie": None, "scores": {"global": 2.5, "niveau": "Satisfaisant", "couverture": 0.5,
                                           "axes": {"1": 2.0}}}
    ligne = rapports._ligne_synthese(resume)
    assert ligne["score_global"] == 2.5 and ligne["axe_1"] == 2.0
    assert ligne["valeur_ajoutee_totale"] is None and ligne["maillons_manquants"] == "marche"


def test_raison_d_un_echec() -> None:
    journal = "Executing\nTraceback...\nValueError: campagne absente\nfin\n"
    assert rapports._raison(journal) == "ValueError: campagne absente"


@pytest.mark.lent
def test_lot_sur_deux_echantillons_et_un_invalide(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 moteur: str) -> None:
    riz = tmp_path / "riz"
    shutil.copytree(echantillon("riz-glazoue"), riz)
    avant = empreinte(riz)
    sortie = tmp_path / "rapports"
    code = cli.main(["report", str(riz), str(echantillon("soja-djidja.xlsx")), str(INVALIDE),
                     "--out", str(sortie), "--jobs", "2", "--moteur", moteur])
    texte = capsys.readouterr().out
    assert code == 1  # un cluster invalide : pas un succès complet
    assert "2 produit(s), 1 cluster(s) invalide(s), 0 échec(s)" in texte
    assert "colonne « maillon » (C)" in texte and "Traceback" not in texte
    for ident in ("riz-glazoue", "soja-djidja"):
        dossier = sortie / ident
        assert {p.name for p in dossier.iterdir()} <= {"rapport.html", "rapport.pdf", "rapport.ipynb", "resume.json",
                                                        "figures", ".clusterlib-rapport"}
        assert {p.name for p in dossier.iterdir()} >= {"rapport.html", "rapport.ipynb", "resume.json", "figures"}
        page = (dossier / "rapport.html").read_text(encoding="utf-8")
        assert '<html lang="fr">' in page and "Rapport de diagnostic" in page
        assert "import clusterlib" not in page and "def montrer" not in page  # pas de code visible
        assert any((dossier / "figures").glob("carte_*.png"))
    resume = json.loads((sortie / "riz-glazoue" / "resume.json").read_text(encoding="utf-8"))
    cluster = clusterlib.load(riz)
    assert resume == rapports.resume_cluster(cluster)
    assert resume["reseau"]["taux_contractualisation"] == pytest.approx(
        reseau.contractualisation(cluster)["taux_contractualisation"])
    synthese = (sortie / "synthese.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(synthese) == 3 and synthese[0].startswith("cluster;nom;campagne")
    assert (sortie / "synthese.xlsx").is_file()
    index = (sortie / "index.html").read_text(encoding="utf-8")
    assert "riz-glazoue/rapport.html" in index and "maillon_inconnu" in index
    assert empreinte(riz) == avant  # les données ne sont jamais modifiées
    # Aucun dossier temporaire laissé : seule la marque (et verrou) du dossier des rapports est cachée.
    assert [p.name for p in sortie.iterdir() if p.name.startswith(".")] == [rapports.MARQUEUR_LOT]
    for ident in ("riz-glazoue", "soja-djidja"):
        marque = rapports.lire_marqueur(sortie / ident)
        assert marque is not None and marque["cluster"] == ident and "rapport.html" in marque["fichiers"]


@pytest.mark.lent
def test_echec_d_un_cluster_garde_l_ancien_rapport(tmp_path: Path, moteur: str) -> None:
    donnees = creer_cluster(tmp_path / "c")
    sortie = tmp_path / "rapports"
    bon = notebook_essai(tmp_path, "print('rapport')")
    (r,) = rapports.executer_lot([donnees], sortie, notebook=bon, moteur=moteur)
    assert r.etat == "fait"
    premier = (sortie / "riz-test" / "resume.json").read_bytes()
    mauvais = notebook_essai(tmp_path, "raise RuntimeError('noyau en panne')")
    (r,) = rapports.executer_lot([donnees], sortie, notebook=mauvais, moteur=moteur)
    assert r.etat == "echec" and "noyau en panne" in r.messages[0]
    assert r.journal is not None and r.journal.exists()
    assert (sortie / "riz-test" / "resume.json").read_bytes() == premier  # l'ancien rapport est intact


@pytest.mark.lent
def test_noyau_qui_meurt_le_lot_continue(tmp_path: Path, moteur: str) -> None:
    fragile = creer_cluster(tmp_path / "fragile", {**FICHE, "id": "riz-fragile"})
    solide = creer_cluster(tmp_path / "solide")
    notebook = notebook_essai(tmp_path, "import os\nif 'fragile' in chemin_donnees:\n    os._exit(1)\nprint('ok')")
    resultats = rapports.executer_lot([fragile, solide], tmp_path / "rapports", notebook=notebook, travaux=2,
                                       moteur=moteur)
    assert [r.etat for r in resultats] == ["echec", "fait"]
    mort = resultats[0]
    assert mort.journal is not None and mort.journal.exists() and mort.messages[0]
    assert not (tmp_path / "rapports" / "riz-fragile").exists()
    assert (tmp_path / "rapports" / "riz-test" / "resume.json").exists()


@pytest.mark.lent
def test_ctrl_c_arrete_le_noyau_et_ne_laisse_rien(tmp_path: Path, moteur: str) -> None:
    donnees = creer_cluster(tmp_path / "c")
    notebook = notebook_essai(tmp_path, "import os, time\nfrom pathlib import Path\n"
                                   "(Path(chemin_donnees).parent / 'noyau.pid').write_text(str(os.getpid()))\n"
                                   "time.sleep(120)")
    sortie = tmp_path / "rapports"
    script = ("import sys\nfrom clusterlib.sorties import rapports\n"
              "rapports.executer_lot([sys.argv[1]], sys.argv[2], notebook=sys.argv[3], moteur=sys.argv[4])")
    lot = subprocess.Popen([sys.executable, "-c", script, str(donnees), str(sortie), str(notebook), moteur],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    fichier_pid = tmp_path / "noyau.pid"
    limite = time.monotonic() + 60
    while not (fichier_pid.exists() and fichier_pid.read_text()) and time.monotonic() < limite:
        time.sleep(0.2)
    noyau = int(fichier_pid.read_text())
    lot.send_signal(signal.SIGINT)
    _, erreurs = lot.communicate(timeout=30)
    assert b"KeyboardInterrupt" in erreurs
    limite = time.monotonic() + 10
    while time.monotonic() < limite:
        try:
            os.kill(noyau, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(noyau, signal.SIGKILL)
        pytest.fail("le noyau tourne encore après l'interruption")
    # Ni rapport à moitié écrit ni dossier temporaire : seulement la marque du dossier des rapports.
    assert [p.name for p in sortie.iterdir()] == [rapports.MARQUEUR_LOT]


def test_motif_qui_attrape_un_fichier_ordinaire(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    notice = tmp_path / "README.md"
    notice.write_text("# Clusters\n", encoding="utf-8")
    assert cli.main(["report", str(notice), "--out", str(tmp_path / "r")]) == 2
    erreur = capsys.readouterr().err
    assert "ignoré, ni un dossier ni un classeur Excel" in erreur and "aucun cluster à traiter" in erreur


@pytest.mark.lent
def test_delai_depasse(tmp_path: Path, moteur: str) -> None:
    donnees = creer_cluster(tmp_path / "c")
    lent = notebook_essai(tmp_path, "import time\ntime.sleep(30)")
    (r,) = rapports.executer_lot([donnees], tmp_path / "rapports", notebook=lent, delai=2, moteur=moteur)
    assert r.etat == "echec" and r.journal is not None
    assert any(mot in r.messages[0].lower() for mot in ("délai dépassé", "timed out")), r.messages
    assert not (tmp_path / "rapports" / "riz-test").exists()


def test_campagne_absente(tmp_path: Path) -> None:
    donnees = creer_cluster(tmp_path / "c")
    (r,) = rapports.executer_lot([donnees], tmp_path / "r", campagne="2010-2011",
                                 notebook=notebook_essai(tmp_path, "pass"))
    assert r.etat == "invalide" and "campagnes disponibles : 2025-2026" in r.messages[0]


def test_sortie_non_inscriptible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fichier = tmp_path / "pas-un-dossier"
    fichier.write_text("x", encoding="utf-8")
    code = cli.main(["report", str(creer_cluster(tmp_path / "c")), "--out", str(fichier / "sous")])
    assert code == 2
    assert "impossible d'écrire dans le dossier de sortie" in capsys.readouterr().err


@pytest.mark.parametrize("arguments", [
    ["report", "x", "--out", "y", "--jobs", "0"],
    ["report", "x", "--out", "y", "--formats", "docx"],
    ["report", "x"],
])
def test_ligne_de_commande_erronee(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(arguments) == 2
    erreur = capsys.readouterr().err
    assert "erreur" in erreur and "Traceback" not in erreur


def test_notebook_du_rapport_sans_sorties_et_parametres_etiquetes() -> None:
    nb = nbformat.read(rapports.notebook_rapport(), as_version=4)
    codes = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in codes[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None for c in codes)
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_noms_publics_de_clusterlib_charges_a_la_demande() -> None:
    assert set(clusterlib.__all__) == set(clusterlib._ORIGINES) | {"__version__"}
    for nom in clusterlib._ORIGINES:
        assert getattr(clusterlib, nom) is not None


# --- Rapports pour le terrain : synthèse pour Excel en français, HTML autonome, relatif --------


def _resultat_fait(dossier: Path, resume: dict) -> rapports.Resultat:
    dossier.mkdir(parents=True)
    (dossier / "resume.json").write_text(json.dumps(resume), encoding="utf-8")
    rapports._ecrire_marqueur(dossier, resume["cluster"], dossier)  # un rapport de clusterlib, marqué
    return rapports.Resultat(dossier, "fait", cluster=resume["cluster"], dossier=dossier)


def test_synthese_csv_pour_excel_en_francais(tmp_path: Path) -> None:
    import openpyxl

    resume = {"cluster": "a", "nom": "Cluster A", "campagne": "2025-2026", "donnees_fictives": True,
              "reseau": {"taux_contractualisation": 0.4423076923076923, "maillons_manquants": [], "nb_acteurs": 43},
              "economie": {"valeur_ajoutee_totale": 136797000.0},
              "scores": {"global": 2.5416666666666665, "niveau": "Satisfaisant", "couverture": 1.0,
                         "axes": {"1": 2.75}}}
    rapports.ecrire_synthese(tmp_path, [_resultat_fait(tmp_path / "a", resume)])
    brut = (tmp_path / "synthese.csv").read_bytes()
    assert brut.startswith("\ufeff".encode())  # UTF-8 avec BOM : Excel lit les accents
    lignes = brut.decode("utf-8-sig").splitlines()
    entete, ligne = lignes[0].split(";"), lignes[1].split(";")
    valeurs = dict(zip(entete, ligne, strict=True))
    assert valeurs["score_global"] == "2,54" and valeurs["taux_contractualisation"] == "0,442"
    assert valeurs["valeur_ajoutee_totale"] == "136797000" and valeurs["donnees_fictives"] == "oui"
    assert valeurs["axe_1"] == "2,75" and valeurs["nom"] == "Cluster A"
    feuille = openpyxl.load_workbook(tmp_path / "synthese.xlsx").active
    entetes = [c.value for c in feuille[1]]
    colonne = {nom: i + 1 for i, nom in enumerate(entetes)}
    note = feuille.cell(2, colonne["Note globale (1 à 4)"])
    assert note.value == pytest.approx(2.54) and note.number_format == "0.00"
    assert feuille.cell(2, colonne["Relations sous contrat écrit"]).number_format == "0%"
    assert "FCFA" in feuille.cell(2, colonne["Valeur ajoutée totale (FCFA)"]).number_format
    assert feuille.cell(2, colonne["Données fictives"]).value == "oui"
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "1\u202frapport produit" in index and "synthese.xlsx" in index


def test_page_autonome_sans_cdn_et_en_typographie_francaise() -> None:
    from clusterlib.sorties.pdf import finaliser_html

    source = ('<html><head><script src="https://cdnjs.cloudflare.com/require.min.js"></script>'
              '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>'
              '<link rel="stylesheet" href="https://cdn.exemple.org/a.css"></head>'
              "<body><h1>Rapport générique</h1><p>Pourquoi ? Voir : l'annexe</p><pre>a : b</pre></body></html>")
    page = finaliser_html(source, "Rapport de diagnostic : Cluster A")
    assert "https://" not in page and "MathJax" not in page
    assert "<h1>Rapport de diagnostic\u00a0: Cluster A</h1>" in page
    assert "Pourquoi\u202f? Voir\u00a0: l’annexe" in page and "<pre>a : b</pre>" in page
    assert 'name="viewport"' in page and "@page{size:A4" in page


def test_figure_avec_texte_alternatif_francais(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axe = plt.subplots()
    axe.plot([1, 2, 3])
    code = rapports.image_rapport(figure, "essai", "Évolution de la note « globale »", tmp_path)
    plt.close(figure)
    assert 'alt="Évolution de la note « globale »"' in code and "data:image/png;base64," in code
    assert 'href="#figure-essai"' in code  # s'ouvre en grand d'une touche
    assert (tmp_path / "essai.png").read_bytes().startswith(b"\x89PNG")


def test_fin_de_campagne_et_formats_du_rapport() -> None:
    import datetime as dt

    from clusterlib.analyses import planification

    assert planification.fin_campagne("2025-2026") == dt.date(2026, 3, 31)
    assert "pdf" in rapports.FORMATS
    assert cli._formats("html,pdf") == ("html", "pdf")


def test_notebook_du_rapport_sans_sortie_console() -> None:
    nb = nbformat.read(rapports.notebook_rapport(), as_version=4)
    sources = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "print(" not in sources
    assert "papermill" not in "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    parametres = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "date_reference = None" in parametres.source


@pytest.mark.lent
def test_out_relatif_ne_laisse_rien_dans_les_dossiers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code = cli.main(["report", str(echantillon("riz-glazoue")), "--out", "rapports", "--formats", "html"])
    assert code == 0
    dossier = tmp_path / "rapports" / "riz-glazoue"
    assert {p.name for p in dossier.iterdir()} == {"rapport.html", "resume.json", "figures", ".clusterlib-rapport"}
    assert sorted(p.name for p in (tmp_path / "rapports").iterdir()) == [
        ".clusterlib-rapports", "index.html", "riz-glazoue", "synthese.csv", "synthese.xlsx"]
    page = (dossier / "rapport.html").read_text(encoding="utf-8")
    assert "Cluster riz étuvé de Glazoué" in page and "No description has been provided" not in page
    assert "(s)" not in page and "tonne(s)" not in page


def test_tableaux_atteignables_au_clavier() -> None:
    """Un tableau large défile sur téléphone : il doit pouvoir recevoir le focus (axe-core,
    « scrollable-region-focusable »), sans toucher au code coloré ni à un tabindex déjà posé."""
    from clusterlib.sorties.pdf import finaliser_html, tables_au_clavier

    fragment = ('<table id="T_1" class="dataframe"><tr><td>1</td></tr></table>'
                '<table class="highlighttable"><tr><td>x</td></tr></table>'
                '<table tabindex="-1"><tr><td>2</td></tr></table>')
    rendu = tables_au_clavier(fragment)
    assert rendu.count('tabindex="0"') == 1
    assert rendu.startswith('<table tabindex="0" id="T_1"')
    assert '<table class="highlighttable">' in rendu and '<table tabindex="-1">' in rendu
    page = finaliser_html("<html><head></head><body><TABLE><tr><td>3</td></tr></TABLE></body></html>")
    assert '<table tabindex="0"' in page.lower()
