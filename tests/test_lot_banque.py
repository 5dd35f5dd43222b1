"""Rapports de tous les clusters d'une banque (clusterlib report --banque, issue 19 point 4)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import FICHE, creer_cluster, notebook_essai

import clusterlib
from clusterlib import cli
from clusterlib.banque.stockage import ajouter, ouvrir
from clusterlib.donnees.echantillons import chemin as echantillon
from clusterlib.sorties import lot_banque, rapports

ECHANTILLONS = ("riz-glazoue", "ananas-allada", "piment-dynamique-emergente", "soja-djidja.xlsx")


def _banque(chemin: Path, jeux: list[Path]) -> Path:
    with ouvrir(chemin) as banque:
        issues = ajouter(banque, jeux)
    assert all(i.etat in ("ajoute", "remplace") for i in issues), [i.messages for i in issues]
    return chemin




def test_jeu_reconstitue_egal_au_jeu_d_origine(tmp_path: Path) -> None:
    """Fiche, tables (valeurs, types, ordre des lignes) et résumés : le rapport lit le même cluster."""
    banque = _banque(tmp_path / "b.duckdb", [echantillon(n) for n in ECHANTILLONS])
    with ouvrir(banque, lecture_seule=True) as base:
        jeux = lot_banque.jeux_de_la_banque(base)
    assert len(jeux) == 4
    for jeu in jeux:
        origine = clusterlib.load(echantillon(next(n for n in ECHANTILLONS if n.startswith(jeu.cluster))))
        relu = clusterlib.load(jeu.ecrire(tmp_path))
        assert relu.fiche == origine.fiche
        for table in ("acteurs", "relations", "comptes", "performances", "scores", "ffom", "plan_actions"):
            a, b = getattr(origine, table), getattr(relu, table)
            assert (a is None) == (b is None), table
            if a is not None:
                pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
        for campagne in origine.campagnes():
            assert rapports.resume_cluster(relu, campagne) == rapports.resume_cluster(origine, campagne)


def test_filiere_choisie_et_filiere_absente(tmp_path: Path) -> None:
    banque = _banque(tmp_path / "b.duckdb", [echantillon("riz-glazoue"), echantillon("ananas-allada")])
    with ouvrir(banque, lecture_seule=True) as base:
        assert [j.cluster for j in lot_banque.jeux_de_la_banque(base, "riz")] == ["riz-glazoue"]
        with pytest.raises(Exception, match="filières présentes : ananas, riz"):
            lot_banque.jeux_de_la_banque(base, "mil")


@pytest.mark.parametrize("cas", ["introuvable", "filiere", "vide", "pas-une-banque"])
def test_erreurs_de_banque_rien_n_est_ecrit(tmp_path: Path, capsys: pytest.CaptureFixture[str], cas: str) -> None:
    banque = tmp_path / "b.duckdb"
    options = []
    if cas == "filiere":
        _banque(banque, [echantillon("riz-glazoue")])
        options = ["--filiere", "mil"]
    elif cas == "vide":
        with ouvrir(banque):
            pass
    elif cas == "pas-une-banque":
        banque.write_text("bonjour", encoding="utf-8")
    sortie = tmp_path / "rapports"
    code = cli.main(["report", "--banque", str(banque), "--out", str(sortie), *options])
    erreur = capsys.readouterr().err
    assert code == 2 and not sortie.exists()
    assert "Traceback" not in erreur and erreur.startswith("clusterlib report : ")
    attendu = {"introuvable": "banque introuvable", "filiere": "aucun cluster de la filière « mil »",
               "vide": "ne contient aucun cluster", "pas-une-banque": "pas une banque de clusters"}[cas]
    assert attendu in erreur


@pytest.mark.parametrize("arguments", [
    ["report", "--out", "r"],
    ["report", "x", "--banque", "b.duckdb", "--out", "r"],
    ["report", "x", "--tout", "--out", "r"],
    ["report", "x", "--filiere", "riz", "--out", "r"],
])
def test_options_incompatibles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str], arguments: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(arguments) == 2
    assert "rien n'a été écrit" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_empreinte_suit_donnees_code_options_et_date(tmp_path: Path) -> None:
    banque = _banque(tmp_path / "b.duckdb", [echantillon("riz-glazoue")])
    with ouvrir(banque, lecture_seule=True) as base:
        (jeu,) = lot_banque.jeux_de_la_banque(base)
    notebook = notebook_essai(tmp_path)
    code = lot_banque.empreinte_code(notebook)
    options = {"campagne": None, "disposition": "valuelinks", "formats": ("html", "ipynb")}
    apres_campagne = dt.date(2030, 1, 1)
    base_empreinte = lot_banque.empreinte_rapport(jeu, code, **options, aujourd_hui=apres_campagne)
    # Campagne finie : la date de référence est sa fin, l'empreinte ne bouge plus avec les jours.
    assert lot_banque.empreinte_rapport(jeu, code, **options, aujourd_hui=dt.date(2031, 6, 1)) == base_empreinte
    # Campagne en cours : la référence est aujourd'hui, le rapport change chaque jour.
    en_cours = [lot_banque.empreinte_rapport(jeu, code, **options, aujourd_hui=dt.date(2026, 1, j)) for j in (1, 2)]
    assert en_cours[0] != en_cours[1]
    assert lot_banque.empreinte_rapport(jeu, code, **{**options, "formats": ("html",)},
                                        aujourd_hui=apres_campagne) != base_empreinte
    assert lot_banque.empreinte_rapport(jeu, code, **{**options, "disposition": "case"},
                                        aujourd_hui=apres_campagne) != base_empreinte
    modifie = lot_banque.JeuBanque(jeu.cluster, jeu.nom, jeu.filiere, jeu.campagne,
                                   {**jeu.fichiers, "scores.csv": jeu.fichiers["scores.csv"].replace(",3,", ",2,", 1)})
    assert modifie.empreinte != jeu.empreinte
    assert lot_banque.empreinte_rapport(modifie, code, **options, aujourd_hui=apres_campagne) != base_empreinte
    notebook.write_text(notebook.read_text(encoding="utf-8").replace("rapport", "rapport 2"), encoding="utf-8")
    assert lot_banque.empreinte_code(notebook) != code


def test_avancement_debit_et_temps_restant() -> None:
    avancement = lot_banque.Avancement(total=20, debut=100.0)
    assert avancement.ligne(110.0) == "Rapports\u00a0: 0/20, débit à venir"
    for _ in range(5):
        avancement.noter()
    # 5 rapports en 60 s : 5 par minute ; 15 restants, 3 minutes.
    assert avancement.debit(160.0) == pytest.approx(5.0)
    assert avancement.reste(160.0) == pytest.approx(180.0)
    assert avancement.ligne(160.0) == "Rapports\u00a0: 5/20, 5,0\u202frapports/min, reste environ 3\u202fmin"


# --- Lots (processus de travail et notebooks : lents) -----------------------------------------------


def _etat_dossier(sortie: Path) -> dict[str, str]:
    return {p.name: json.loads((p / rapports.MARQUEUR_RAPPORT).read_text(encoding="utf-8"))["date"]
            + (p / "resume.json").read_text(encoding="utf-8")
            for p in sorted(sortie.iterdir()) if (p / rapports.MARQUEUR_RAPPORT).is_file()}


@pytest.mark.lent
def test_lot_saute_les_rapports_a_jour_refait_le_cluster_modifie(tmp_path: Path) -> None:
    jeux = [creer_cluster(tmp_path / f"c{i}", {**FICHE, "id": f"riz-{i}", "nom": f"Cluster {i}"}) for i in range(3)]
    banque = _banque(tmp_path / "b.duckdb", jeux)
    sortie = tmp_path / "rapports"
    notebook = notebook_essai(tmp_path)
    options = {"formats": ("html", "ipynb"), "notebook": notebook, "travaux": 2}
    vus: list[tuple[str, int, int]] = []
    premier = lot_banque.rapporter_banque(
        banque, sortie, **options, progression=lambda r, a: vus.append((r.cluster, a.faits, a.total)))
    assert [r.etat for r in premier.resultats] == ["fait"] * 3 and premier.sautes == [] and premier.complet
    assert sorted(c for c, _, _ in vus) == ["riz-0", "riz-1", "riz-2"] and [f for _, f, _ in vus] == [1, 2, 3]
    marque = rapports.lire_marqueur(sortie / "riz-1")
    assert marque is not None and marque["banque"] == str(banque.resolve()) and len(marque["empreinte"]) == 64
    assert "b.duckdb (banque de clusters, cluster riz-1)" in marque["donnees"]
    assert [p.name for p in sortie.iterdir() if p.name.startswith(".")] == [rapports.MARQUEUR_LOT]
    assert len((sortie / "synthese.csv").read_text(encoding="utf-8-sig").splitlines()) == 4
    avant = _etat_dossier(sortie)
    time.sleep(1.1)  # la date de la marque est à la seconde

    second = lot_banque.rapporter_banque(banque, sortie, **options)
    assert second.resultats == [] and second.sautes == ["riz-0", "riz-1", "riz-2"] and second.complet
    assert _etat_dossier(sortie) == avant
    index = (sortie / "index.html").read_text(encoding="utf-8")
    assert all(f"riz-{i}/rapport.html" in index for i in range(3))  # l'index décrit toujours les trois

    tout = lot_banque.rapporter_banque(banque, sortie, **options, tout=True)
    assert [r.etat for r in tout.resultats] == ["fait"] * 3 and tout.sautes == []
    refaits = _etat_dossier(sortie)
    assert all(refaits[n] != avant[n] for n in avant)
    time.sleep(1.1)

    acteurs = jeux[1] / "acteurs.csv"
    texte = acteurs.read_text(encoding="utf-8")
    acteurs.write_text(texte.replace("Glazoué,25,10", "Glazoué,26,10"), encoding="utf-8")
    assert acteurs.read_text(encoding="utf-8") != texte
    with ouvrir(banque) as base:
        assert [i.etat for i in ajouter(base, jeux)] == ["inchange", "remplace", "inchange"]
    seul = lot_banque.rapporter_banque(banque, sortie, **options)
    assert [r.cluster for r in seul.resultats] == ["riz-1"] and seul.sautes == ["riz-0", "riz-2"]
    apres = _etat_dossier(sortie)
    assert apres["riz-0"] == refaits["riz-0"] and apres["riz-2"] == refaits["riz-2"]
    assert apres["riz-1"] != refaits["riz-1"]

    # Un fichier du rapport supprimé : le rapport n'est plus complet, il est refait.
    (sortie / "riz-2" / "rapport.html").unlink()
    assert [r.cluster for r in lot_banque.rapporter_banque(banque, sortie, **options).resultats] == ["riz-2"]


@pytest.mark.lent
def test_un_cluster_qui_echoue_n_arrete_pas_le_lot(tmp_path: Path) -> None:
    jeux = [creer_cluster(tmp_path / n, {**FICHE, "id": n, "nom": n}) for n in ("riz-fragile", "riz-solide")]
    banque = _banque(tmp_path / "b.duckdb", jeux)
    notebook = notebook_essai(tmp_path, "if 'fragile' in chemin_donnees:\n    raise RuntimeError('panne du cluster')")
    bilan = lot_banque.rapporter_banque(banque, tmp_path / "rapports", notebook=notebook, formats=("html",))
    etats = {r.cluster: r for r in bilan.resultats}
    assert etats["riz-solide"].etat == "fait" and etats["riz-fragile"].etat == "echec" and not bilan.complet
    assert "panne du cluster" in etats["riz-fragile"].messages[0]
    assert str(etats["riz-fragile"].chemin) == f"{tmp_path / 'b.duckdb'} [cluster riz-fragile]"
    index = (tmp_path / "rapports" / "index.html").read_text(encoding="utf-8")
    assert "[cluster riz-fragile]" in index and ".clusterlib-tmp" not in index
    # L'échec n'est pas « à jour » : il est retenté au passage suivant.
    suivant = lot_banque.rapporter_banque(banque, tmp_path / "rapports", notebook=notebook, formats=("html",))
    assert [r.cluster for r in suivant.resultats] == ["riz-fragile"] and suivant.sautes == ["riz-solide"]


@pytest.mark.lent
def test_ctrl_c_ne_laisse_ni_rapport_ni_jeu_reconstitue(tmp_path: Path) -> None:
    banque = _banque(tmp_path / "b.duckdb", [creer_cluster(tmp_path / "c")])
    notebook = notebook_essai(tmp_path, "import os, time\nfrom pathlib import Path\n"
                                   f"Path({str(tmp_path / 'noyau.pid')!r}).write_text(str(os.getpid()))\n"
                                   "time.sleep(120)")
    sortie = tmp_path / "rapports"
    script = ("import sys\nfrom clusterlib.sorties import lot_banque\n"
              "lot_banque.rapporter_banque(sys.argv[1], sys.argv[2], notebook=sys.argv[3])")
    lot = subprocess.Popen([sys.executable, "-c", script, str(banque), str(sortie), str(notebook)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    fichier_pid = tmp_path / "noyau.pid"
    limite = time.monotonic() + 60
    while not (fichier_pid.exists() and fichier_pid.read_text()) and time.monotonic() < limite:
        time.sleep(0.2)
    assert any(p.name.startswith(lot_banque.PREFIXE_JEUX) for p in sortie.iterdir())  # le jeu est en place
    lot.send_signal(signal.SIGINT)
    _, erreurs = lot.communicate(timeout=30)
    assert b"KeyboardInterrupt" in erreurs
    assert [p.name for p in sortie.iterdir()] == [rapports.MARQUEUR_LOT]


@pytest.mark.lent
def test_commande_report_banque_memes_rapports_que_les_dossiers(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Le vrai notebook : resume.json et figures identiques octet pour octet au rapport du dossier d'origine."""
    riz = tmp_path / "riz-glazoue"
    shutil.copytree(echantillon("riz-glazoue"), riz)
    banque = _banque(tmp_path / "b.duckdb", [riz, echantillon("soja-djidja.xlsx")])
    direct = tmp_path / "direct"
    assert cli.main(["report", str(riz), "--out", str(direct), "--formats", "html"]) == 0
    sortie = tmp_path / "depuis-banque"
    assert cli.main(["report", "--banque", str(banque), "--out", str(sortie), "--formats", "html",
                     "--jobs", "2"]) == 0
    capture = capsys.readouterr()
    assert "2 produit(s), 0 à jour sauté(s)" in capture.out
    progression = [ligne for ligne in capture.err.splitlines() if ligne.startswith("Rapports")]
    assert progression[0] == "Rapports\u00a0: 0/2, débit à venir"
    assert progression[-1].startswith("Rapports\u00a0: 2/2, ") and "rapports/min, terminé" in progression[-1]
    resume = (sortie / "riz-glazoue" / "resume.json").read_bytes()
    assert resume == (direct / "riz-glazoue" / "resume.json").read_bytes()
    figures = sorted(p.name for p in (direct / "riz-glazoue" / "figures").iterdir())
    assert figures and figures == sorted(p.name for p in (sortie / "riz-glazoue" / "figures").iterdir())
    for nom in figures:
        assert (sortie / "riz-glazoue" / "figures" / nom).read_bytes() == \
            (direct / "riz-glazoue" / "figures" / nom).read_bytes(), nom
    assert cli.main(["report", "--banque", str(banque), "--out", str(sortie), "--formats", "html"]) == 0
    capture = capsys.readouterr()
    assert "0 produit(s), 2 à jour sauté(s)" in capture.out and "--tout pour les refaire" in capture.err
