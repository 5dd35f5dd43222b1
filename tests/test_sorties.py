"""Les sorties ne remplacent jamais ce qui n'est pas à elles (issue 14, points 1 et 2).

Aucune commande qui écrit ne touche un jeu de données d'entrée (ni autour, ni dedans, liens
symboliques compris) ; un dossier de rapport n'est remplacé que s'il porte la marque de
clusterlib ; deux runs vers le même dossier se suivent (verrou) ; les restes d'un run tué
sont nettoyés par le suivant ; un identifiant accepté par ``validate`` peut toujours être écrit.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FICHE, RACINE, creer_classeur, creer_cluster, empreinte, feuilles_cluster, notebook_essai

import clusterlib
from clusterlib import cli, fichiers
from clusterlib.collecte.modeles_excel import ecrire_modele
from clusterlib.donnees.echantillons import chemin as echantillon
from clusterlib.donnees.echantillons import dossier as dossier_echantillons
from clusterlib.fichiers import ErreurSortie
from clusterlib.sorties import documents, rapports

IL_Y_A_UN_AN = 1_700_000_000
INVALIDE = RACINE / "tests" / "donnees_invalides" / "maillon_inconnu" / "donnees"
ENV = {**os.environ, "PYTHONPATH": str(RACINE)}


def vieillir(dossier: Path) -> None:
    """Date de modification imposée : une réécriture, même à l'identique, se verrait."""
    for chemin in [*dossier.rglob("*"), dossier]:
        os.utime(chemin, (IL_Y_A_UN_AN, IL_Y_A_UN_AN), follow_symlinks=False)




def _rapport_marque(sortie: Path, donnees: Path) -> Path:
    """Un dossier de rapport tel que clusterlib l'écrit : resume.json, puis la marque qui liste les fichiers."""
    cluster = clusterlib.load(donnees)
    dossier = sortie / cluster.id
    dossier.mkdir(parents=True)
    (dossier / "resume.json").write_text(json.dumps(rapports.resume_cluster(cluster)), encoding="utf-8")
    rapports._ecrire_marqueur(dossier, cluster.id, donnees)
    return dossier


# --- Reproductions de l'issue ----------------------------------------------------------------


def test_reproduction_report_dans_le_dossier_qui_contient_le_jeu(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """mkdir t && cp -r data/samples/piment-dynamique-emergente t/ && report t/piment… --out t : refusé."""
    t = tmp_path / "t"
    t.mkdir()
    jeu = t / "piment-dynamique-emergente"
    shutil.copytree(echantillon("piment-dynamique-emergente"), jeu)
    vieillir(tmp_path)
    avant = empreinte(tmp_path)
    assert cli.main(["report", str(jeu), "--out", str(t)]) == 2
    erreur = capsys.readouterr().err
    assert f"contient le jeu de données d'entrée {jeu}" in erreur and "rien n'a été écrit" in erreur
    assert "Traceback" not in erreur and "Error" not in erreur
    assert empreinte(tmp_path) == avant  # mêmes octets, mêmes dates, aucun fichier créé (pas même un verrou)


def test_reproduction_report_des_exemples_dans_data_samples(capsys: pytest.CaptureFixture[str]) -> None:
    """report data/samples/* --out data/samples : refusé, les exemples du dépôt sont intacts."""
    samples = dossier_echantillons()
    avant = empreinte(samples)
    assert cli.main(["report", *map(str, sorted(samples.iterdir())), "--out", str(samples)]) == 2
    erreur = capsys.readouterr().err
    assert "contient le jeu de données d'entrée" in erreur
    assert empreinte(samples) == avant


# --- Une seule règle pour toutes les sorties --------------------------------------------------


def _cas_de_sortie(racine: Path) -> dict[str, tuple[Path, Path, str]]:
    """(jeu d'entrée, sortie demandée, extrait du message) pour chaque façon de toucher un jeu."""
    jeu = creer_cluster(racine / "donnees" / "riz")
    classeur = creer_classeur(racine / "lot" / "soja.xlsx", feuilles_cluster({**FICHE, "id": "soja-test"}))
    autre = creer_cluster(racine / "autre", {**FICHE, "id": "autre-test"})
    (racine / "lien").symlink_to(jeu, target_is_directory=True)
    return {
        "la sortie est le jeu": (jeu, jeu, "est le jeu de données d'entrée"),
        "la sortie est dans le jeu": (jeu, jeu / "rapports", "se trouve dans le jeu de données d'entrée"),
        "la sortie contient le jeu": (jeu, racine / "donnees", "contient le jeu de données d'entrée"),
        "la sortie contient le classeur": (classeur, racine / "lot", "contient le jeu de données d'entrée"),
        "un lien vers le jeu": (jeu, racine / "lien" / "rapports", "se trouve dans le jeu de données d'entrée"),
        "la sortie est un autre jeu": (jeu, autre, "est le jeu de données d'un cluster"),
        "la sortie est dans un autre jeu": (jeu, autre / "rapports", f"se trouve dans le jeu de données {autre}"),
    }


CAS_DE_SORTIE = ["la sortie est le jeu", "la sortie est dans le jeu", "la sortie contient le jeu",
                 "la sortie contient le classeur", "un lien vers le jeu", "la sortie est un autre jeu",
                 "la sortie est dans un autre jeu"]


@pytest.mark.parametrize("cas", CAS_DE_SORTIE)
def test_report_refuse_toute_sortie_qui_touche_un_jeu(
        tmp_path: Path, cas: str, capsys: pytest.CaptureFixture[str]) -> None:
    entree, sortie, extrait = _cas_de_sortie(tmp_path)[cas]
    vieillir(tmp_path)
    avant = empreinte(tmp_path)
    assert cli.main(["report", str(entree), "--out", str(sortie)]) == 2
    assert extrait in capsys.readouterr().err
    assert empreinte(tmp_path) == avant


def test_executer_lot_applique_la_meme_regle(tmp_path: Path) -> None:
    jeu = creer_cluster(tmp_path / "riz")
    with pytest.raises(ErreurSortie, match="se trouve dans le jeu de données d'entrée"):
        rapports.executer_lot([jeu], jeu / "rapports", notebook=notebook_essai(tmp_path, "pass"))
    assert not (jeu / "rapports").exists()


def test_templates_refuse_un_jeu(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jeu = creer_cluster(tmp_path / "riz")
    vieillir(tmp_path)
    avant = empreinte(tmp_path)
    for sortie in (jeu, jeu / "modeles"):
        assert cli.main(["templates", "--out", str(sortie)]) == 2
        assert "jeu de données" in capsys.readouterr().err
    assert empreinte(tmp_path) == avant


def test_import_kobo_refuse_un_jeu_dans_un_autre(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jeu = creer_cluster(tmp_path / "riz")
    export = tmp_path / "export.csv"
    export.write_text("cluster\nriz\n", encoding="utf-8")
    vieillir(tmp_path)
    avant = empreinte(tmp_path)
    code = cli.main(["import-kobo", str(export), "--form", str(tmp_path / "grille.xlsx"),
                     "--out", str(jeu / "nouveau")])
    assert code == 2
    assert f"se trouve dans le jeu de données {jeu}" in capsys.readouterr().err
    assert empreinte(tmp_path) == avant


def test_pseudonymise_lien_vers_la_source_et_cle_dans_la_source(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = creer_cluster(tmp_path / "source")
    (tmp_path / "lien").symlink_to(source, target_is_directory=True)
    vieillir(tmp_path)
    avant = empreinte(tmp_path)
    assert cli.main(["pseudonymise", str(source), "--out", str(tmp_path / "lien"),
                     "--key-file", str(tmp_path / "cle.txt")]) == 2
    assert cli.main(["pseudonymise", str(source), "--out", str(tmp_path / "copie"),
                     "--key-file", str(source / "cle.txt")]) == 2
    assert "la clé ne doit pas être rangée dans le jeu d'origine" in capsys.readouterr().err
    assert empreinte(tmp_path) == avant


def test_documents_jamais_dans_un_jeu(tmp_path: Path) -> None:
    jeu = creer_cluster(tmp_path / "riz")
    classeur = creer_classeur(tmp_path / "soja.xlsx", feuilles_cluster({**FICHE, "id": "soja-test"}))
    cluster = clusterlib.load(jeu)
    vieillir(tmp_path)
    avant = empreinte(tmp_path)
    with pytest.raises(ErreurSortie, match="se trouve dans le jeu de données"):
        documents.dossier_atelier(cluster, jeu / "atelier.docx")
    with pytest.raises(ErreurSortie, match="est le jeu de données d'un cluster"):
        documents.modeles_vierges(classeur)  # un classeur de cluster n'est jamais écrasé par un document
    with pytest.raises(ErreurSortie, match="est le jeu de données d'un cluster"):
        ecrire_modele(classeur)
    assert empreinte(tmp_path) == avant
    assert documents.modeles_vierges(tmp_path / "docs" / "vierges.xlsx").exists()  # ailleurs : écrit


def test_verifier_sortie_accepte_une_sortie_a_part(tmp_path: Path) -> None:
    jeu = creer_cluster(tmp_path / "donnees" / "riz")
    assert fichiers.verifier_sortie(tmp_path / "rapports", [jeu], commande="x") == (tmp_path / "rapports").resolve()
    # Deux noms qui se ressemblent ne se contiennent pas : « riz-2 » n'est pas dans « riz ».
    fichiers.verifier_sortie(tmp_path / "donnees" / "riz-2", [jeu], commande="x")


# --- Marque des rapports, dossier de sortie -----------------------------------------------------


def _lot_refuse(tmp_path: Path, donnees: Path, dossier: Path) -> str:
    """Le lot de ``donnees`` vers le dossier de rapports où ``dossier`` est déjà : le rapport échoue
    et ``dossier`` reste tel quel (octets et dates) ; renvoie le message de l'échec."""
    vieillir(dossier)
    avant = empreinte(dossier)
    (r,) = rapports.executer_lot([donnees], dossier.parent, notebook=notebook_essai(tmp_path, "pass"))
    assert r.etat == "echec"
    assert empreinte(dossier) == avant
    return r.messages[0]


def test_dossier_sans_marque_jamais_remplace(tmp_path: Path) -> None:
    donnees = creer_cluster(tmp_path / "c")
    a_moi = tmp_path / "rapports" / "riz-test"
    a_moi.mkdir(parents=True)
    (a_moi / "notes.docx").write_bytes(b"mes notes")
    assert "ne porte pas la marque d'un rapport de clusterlib" in _lot_refuse(tmp_path, donnees, a_moi)


def test_rapport_marque_avec_fichiers_etrangers_garde(tmp_path: Path) -> None:
    donnees = creer_cluster(tmp_path / "c")
    dossier = _rapport_marque(tmp_path / "rapports", donnees)
    (dossier / "commentaires.txt").write_text("à garder", encoding="utf-8")
    assert "commentaires.txt" in _lot_refuse(tmp_path, donnees, dossier)


def test_lien_symbolique_a_la_place_d_un_rapport(tmp_path: Path) -> None:
    donnees = creer_cluster(tmp_path / "c")
    sortie = tmp_path / "rapports"
    sortie.mkdir()
    (sortie / "riz-test").symlink_to(donnees, target_is_directory=True)
    (r,) = rapports.executer_lot([donnees], sortie, notebook=notebook_essai(tmp_path, "pass"))
    assert r.etat == "echec" and "n'est pas un dossier de rapport" in r.messages[0]
    assert (sortie / "riz-test").is_symlink() and (donnees / "cluster.yml").exists()


def test_index_d_un_autre_outil_jamais_remplace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sortie = tmp_path / "site"
    sortie.mkdir()
    (sortie / "index.html").write_text("<p>mon site</p>", encoding="utf-8")
    vieillir(sortie)
    avant = empreinte(sortie)
    assert cli.main(["report", str(creer_cluster(tmp_path / "c")), "--out", str(sortie)]) == 2
    assert "contient déjà index.html sans être un dossier de rapports" in capsys.readouterr().err
    assert empreinte(sortie) == avant


def test_synthese_decrit_les_rapports_du_disque(tmp_path: Path) -> None:
    sortie = tmp_path / "rapports"
    _rapport_marque(sortie, creer_cluster(tmp_path / "a", {**FICHE, "id": "riz-a"}))
    _rapport_marque(sortie, creer_cluster(tmp_path / "b", {**FICHE, "id": "riz-b"}))
    sans_marque = sortie / "riz-c"
    sans_marque.mkdir()
    shutil.copy(sortie / "riz-a" / "resume.json", sans_marque / "resume.json")
    invalide = rapports.executer_lot([INVALIDE], sortie, notebook=notebook_essai(tmp_path, "pass"))
    synthese = rapports.ecrire_synthese(sortie, invalide)
    assert list(synthese["cluster"]) == ["riz-a", "riz-b"]  # les rapports présents, pas ceux de ce seul run
    index = (sortie / "index.html").read_text(encoding="utf-8")
    assert "riz-a/rapport.html" in index and "riz-b/rapport.html" in index and "riz-c/" not in index
    assert "maillon_inconnu" in index
    shutil.rmtree(sortie / "riz-b")
    assert list(rapports.ecrire_synthese(sortie, [])["cluster"]) == ["riz-a"]


def test_cli_ignore_un_dossier_de_rapports_attrape_par_un_motif(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    campagne = tmp_path / "campagne"
    creer_cluster(campagne / "riz")
    sortie = campagne / "rapports"
    assert cli.main(["report", str(INVALIDE), "--out", str(sortie)]) == 1  # crée le dossier de rapports
    capsys.readouterr()
    # Second run : « campagne/* » attrape aussi campagne/rapports, qui est écarté (et dit).
    code = cli.main(["report", str(campagne / "rapports"), str(INVALIDE), "--out", str(sortie)])
    assert code == 1
    assert "ignoré, c'est un dossier de rapports de clusterlib" in capsys.readouterr().err


# --- Identifiants : une règle pour validate et report ; un lot ne s'arrête jamais -----------------


def test_identifiant_trop_long_refuse_par_validate_et_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    long = creer_cluster(tmp_path / "long", {**FICHE, "id": "r" * 250})
    assert cli.main(["validate", str(long)]) == 1
    assert "trop longue (250 caractères) ; attendu : au plus 64 caractères" in capsys.readouterr().out
    sortie = tmp_path / "rapports"
    assert cli.main(["report", str(long), str(INVALIDE), "--out", str(sortie)]) == 1
    texte = capsys.readouterr().out
    assert "0 produit(s), 2 cluster(s) invalide(s)" in texte and "au plus 64 caractères" in texte
    assert (sortie / "index.html").exists() and (sortie / "synthese.csv").exists()


def test_identifiant_valide_le_plus_long_s_ecrit(tmp_path: Path) -> None:
    limite = clusterlib.referentiel.identifiant_cluster().longueur_max
    assert limite is not None
    ident = "r" * limite
    assert clusterlib.donnees.validation.probleme_identifiant_cluster(ident) is None
    assert clusterlib.donnees.validation.probleme_identifiant_cluster(ident + "r") is not None
    sortie = tmp_path / "rapports"
    sortie.mkdir()
    # Les noms que le lot donne à ses dossiers et journaux tiennent dans la limite des systèmes de fichiers.
    for nom in (f"{rapports._PREFIXE_TEMPORAIRE}{ident}-abcdefgh", f"{rapports._PREFIXE_ANCIEN}{ident}-4194304",
                f"{ident}.log", ident):
        (sortie / nom).mkdir()


def test_meme_identifiant_deux_fois_dans_un_lot(tmp_path: Path) -> None:
    a = creer_cluster(tmp_path / "campagne-2024" / "riz")
    b = creer_cluster(tmp_path / "campagne-2025" / "riz")
    sortie = tmp_path / "rapports"
    resultats = rapports.executer_lot([a, b, a], sortie, notebook=notebook_essai(tmp_path, "pass"))
    assert [r.etat for r in resultats] == ["invalide", "invalide"]  # le même chemin deux fois ne compte qu'une
    for r in resultats:
        assert f"« riz-test » en double dans ce lot : {a} et {b}" in r.messages[0]
    assert not (sortie / "riz-test").exists()


def test_une_erreur_imprevue_n_arrete_pas_le_lot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    casse = creer_cluster(tmp_path / "casse")
    lire = rapports.lire_jeu

    def lire_ou_echouer(chemin: Path) -> object:
        if Path(chemin) == casse:
            raise OSError(errno.ENAMETOOLONG, "File name too long", str(casse))
        return lire(chemin)

    monkeypatch.setattr(rapports, "lire_jeu", lire_ou_echouer)
    sortie = tmp_path / "rapports"
    assert cli.main(["report", str(casse), str(INVALIDE), "--out", str(sortie)]) == 1
    texte = capsys.readouterr().out
    assert "1 cluster(s) invalide(s), 1 échec(s), sur 2" in texte
    assert "nom de fichier trop long" in texte and "File name too long" not in texte and "OSError" not in texte
    assert (sortie / "index.html").exists()
    journaux = list((sortie / "_journaux").iterdir())
    assert len(journaux) == 1 and "OSError" in journaux[0].read_text(encoding="utf-8")  # la trace va au journal


# --- Verrou : deux runs vers le même dossier ------------------------------------------------------


def _tenir_verrou(sortie: Path, duree: float) -> subprocess.Popen:
    script = ("import sys, time\nfrom pathlib import Path\nfrom clusterlib.sorties import rapports\n"
              "with rapports.verrou_rapports(sys.argv[1]):\n"
              "    print('pris', flush=True)\n    time.sleep(float(sys.argv[2]))\n"
              "    (Path(sys.argv[1]).parent / 'premier-fini').touch()\n")
    sortie.mkdir(parents=True, exist_ok=True)
    processus = subprocess.Popen([sys.executable, "-c", script, str(sortie), str(duree)], stdout=subprocess.PIPE,
                                 env=ENV, text=True)
    assert processus.stdout is not None and processus.stdout.readline().strip() == "pris"
    return processus


def test_second_report_refuse_si_le_premier_ne_finit_pas(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    sortie = tmp_path / "rapports"
    premier = _tenir_verrou(sortie, 60)
    try:
        monkeypatch.setattr(rapports, "ATTENTE_VERROU", 0.5)
        assert cli.main(["report", str(INVALIDE), "--out", str(sortie)]) == 2
        erreur = capsys.readouterr().err
        assert "une autre commande écrit déjà dans" in erreur and f"processus {premier.pid}" in erreur
        assert not (sortie / "index.html").exists()
    finally:
        premier.kill()
        premier.wait()
    # Le verrou du système disparaît avec le processus, même tué : le run suivant passe aussitôt.
    assert cli.main(["report", str(INVALIDE), "--out", str(sortie)]) == 1
    assert (sortie / "index.html").exists()


def test_second_report_attend_la_fin_du_premier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sortie = tmp_path / "rapports"
    premier = _tenir_verrou(sortie, 1.5)
    try:
        assert cli.main(["report", str(INVALIDE), "--out", str(sortie)]) == 1  # attend, puis travaille
        assert f"attente de sa fin ({rapports.ATTENTE_VERROU:g} s au plus)" in capsys.readouterr().err
        assert (tmp_path / "premier-fini").exists()  # le second a attendu la fin du premier
        assert (sortie / "index.html").exists()
    finally:
        premier.kill()
        premier.wait()


def test_verrou_reentrant_dans_un_meme_fil(tmp_path: Path) -> None:
    with rapports.verrou_rapports(tmp_path, attente=0), rapports.verrou_rapports(tmp_path, attente=0):
        pass
    infos = json.loads((tmp_path / rapports.MARQUEUR_LOT).read_text(encoding="utf-8"))
    assert infos["outil"] == "clusterlib" and infos["processus"] == os.getpid()


# --- kill -9 : les restes sont nettoyés par le run suivant -----------------------------------------


def test_kill_9_puis_nettoyage(tmp_path: Path) -> None:
    donnees = creer_cluster(tmp_path / "c")
    sortie = tmp_path / "rapports"
    notebook = notebook_essai(tmp_path, "import time\ntime.sleep(120)")
    script = ("import sys\nfrom clusterlib.sorties import rapports\n"
              "rapports.executer_lot([sys.argv[1]], sys.argv[2], notebook=sys.argv[3])")
    lot = subprocess.Popen([sys.executable, "-c", script, str(donnees), str(sortie), str(notebook)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, start_new_session=True)
    try:
        limite = time.monotonic() + 60
        while time.monotonic() < limite and not list(sortie.glob(".clusterlib-tmp-riz-test-*/parametres.json")):
            time.sleep(0.1)
    finally:
        os.killpg(lot.pid, signal.SIGKILL)  # le lot, son processus de rapport et le noyau éventuel
        lot.wait()
    restes = list(sortie.glob(".clusterlib-tmp-*"))
    assert len(restes) == 1, "le run tué devait laisser son dossier temporaire"
    # Ce qui n'est pas à clusterlib reste, même avec un nom qui ressemble.
    (sortie / ".mes-notes").mkdir()
    ressemblant = sortie / ".clusterlib-tmp-riz-test-abcdefgh"
    ressemblant.mkdir()
    (ressemblant / "photo.jpg").write_bytes(b"photo")
    assert rapports.executer_lot([INVALIDE], sortie, notebook=notebook)[0].etat == "invalide"
    assert not restes[0].exists()
    assert (sortie / ".mes-notes").is_dir() and (ressemblant / "photo.jpg").read_bytes() == b"photo"


def test_ancien_rapport_remis_en_place_apres_une_coupure(tmp_path: Path) -> None:
    """Coupure entre les deux renommages du remplacement : l'ancien rapport reprend sa place."""
    sortie = tmp_path / "rapports"
    dossier = _rapport_marque(sortie, creer_cluster(tmp_path / "c"))
    avant = empreinte(dossier)
    cache = sortie / f"{rapports._PREFIXE_ANCIEN}riz-test-12345"
    dossier.rename(cache)
    assert rapports.nettoyer_restes(sortie) == [cache.name]
    assert not cache.exists() and empreinte(dossier) == avant


# --- De bout en bout, avec un vrai noyau ----------------------------------------------------------


@pytest.mark.lent
def test_runs_successifs_marque_remplacement_et_synthese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = creer_cluster(tmp_path / "a", {**FICHE, "id": "riz-a"})
    b = creer_cluster(tmp_path / "b", {**FICHE, "id": "riz-b"})
    monkeypatch.chdir(tmp_path)
    sortie = Path("rapports")  # relatif, comme « --out rapports » : les figures vont bien dans le rapport
    notebook = notebook_essai(tmp_path, "from pathlib import Path\n(Path(dossier_sortie) / 'figures').mkdir()\n"
                                   "(Path(dossier_sortie) / 'figures' / 'carte.png').write_bytes(b'png')")
    (r,) = rapports.executer_lot([a], sortie, notebook=notebook, formats=("ipynb",))
    assert r.etat == "fait"
    marque = rapports.lire_marqueur(sortie / "riz-a")
    assert marque is not None and marque["version"] == clusterlib.__version__
    assert set(marque["fichiers"]) == {"figures/carte.png", "rapport.ipynb", "resume.json", rapports.MARQUEUR_RAPPORT}
    rapports.ecrire_synthese(sortie, [r])
    (r,) = rapports.executer_lot([b], sortie, notebook=notebook, formats=("ipynb",))
    synthese = rapports.ecrire_synthese(sortie, [r])
    assert list(synthese["cluster"]) == ["riz-a", "riz-b"]  # le rapport du premier run est toujours décrit
    # Un rapport marqué est remplacé ; le même, enrichi d'un fichier du coach, ne l'est plus.
    (r,) = rapports.executer_lot([a], sortie, notebook=notebook, formats=("ipynb",))
    assert r.etat == "fait"
    (sortie / "riz-a" / "figures" / "annotation.png").write_bytes(b"coach")
    (r,) = rapports.executer_lot([a], sortie, notebook=notebook, formats=("ipynb",))
    assert r.etat == "echec" and "figures/annotation.png" in r.messages[0]
    assert (sortie / "riz-a" / "figures" / "annotation.png").read_bytes() == b"coach"
    assert [p.name for p in sortie.iterdir() if p.name.startswith(".")] == [rapports.MARQUEUR_LOT]
