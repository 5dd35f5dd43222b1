"""Corpus de données invalides : chaque cas donne exactement les messages de son attendu.txt.

Un cas est un dossier ``donnees_invalides/<cas>/`` qui contient ``attendu.txt`` et un seul
jeu de données (un dossier ou un classeur). Chaque ligne utile d'``attendu.txt`` décrit une
ligne du rapport (``str(Probleme)``) ; ``*`` y remplace un passage quelconque (les
descriptions tirées du référentiel, par exemple) ; ``#`` commence un commentaire.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RACINE

import clusterlib
from clusterlib.cli import main

CORPUS = Path(__file__).resolve().parent / "donnees_invalides"
CAS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
MOTS_ANGLAIS = re.compile(r"Traceback|Error\b|error:|usage:|required|invalid choice|No such file")


def jeu_du_cas(cas: str) -> Path:
    """Le jeu de données d'un cas : la seule entrée du dossier autre qu'attendu.txt."""
    (jeu,) = [p for p in (CORPUS / cas).iterdir() if p.name != "attendu.txt"]
    return jeu


def attendus(cas: str) -> list[str]:
    lignes = (CORPUS / cas / "attendu.txt").read_text(encoding="utf-8").splitlines()
    return [ligne for ligne in lignes if ligne.strip() and not ligne.startswith("#")]


def correspond(modele: str, ligne: str) -> bool:
    return re.fullmatch(".*".join(map(re.escape, modele.split("*"))), ligne) is not None


def verifier_rapport(cas: str, lignes: list[str]) -> None:
    """Chaque ligne attendue correspond à une ligne du rapport, et il n'en reste aucune autre."""
    restantes = list(lignes)
    for modele in attendus(cas):
        trouvee = next((ligne for ligne in restantes if correspond(modele, ligne)), None)
        assert trouvee is not None, f"{cas} : ligne attendue absente du rapport :\n  {modele}\nrapport :\n" + (
            "\n".join(f"  {ligne}" for ligne in lignes))
        restantes.remove(trouvee)
    assert not restantes, f"{cas} : lignes du rapport non attendues :\n" + "\n".join(restantes)


def valider_en_ligne_de_commande(chemins: list[Path], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["validate", *map(str, chemins)])
    sortie = capsys.readouterr()
    return code, sortie.out, sortie.err


def test_corpus_assez_grand() -> None:
    assert len(CAS) >= 22
    for cas in CAS:
        assert attendus(cas), f"{cas} : attendu.txt vide"


@pytest.mark.parametrize("cas", CAS)
def test_validate_signale_chaque_probleme(cas: str, capsys: pytest.CaptureFixture[str]) -> None:
    jeu = jeu_du_cas(cas)
    code, sortie, erreurs = valider_en_ligne_de_commande([jeu], capsys)
    assert code == 1
    assert erreurs == ""
    entete, *details = sortie.splitlines()
    nb_erreurs = sum(" : attention : " not in ligne for ligne in details)
    assert entete == f"INVALIDE  {jeu} : {nb_erreurs} erreur(s)"
    assert all(ligne.startswith("  - ") for ligne in details), sortie
    verifier_rapport(cas, [ligne.removeprefix("  - ") for ligne in details])
    assert not MOTS_ANGLAIS.search(sortie)


@pytest.mark.parametrize("cas", CAS)
def test_load_leve_erreur_donnees(cas: str) -> None:
    jeu = jeu_du_cas(cas)
    with pytest.raises(clusterlib.ErreurDonnees) as erreur:
        clusterlib.load(jeu)
    verifier_rapport(cas, [str(p) for p in erreur.value.problemes])
    assert str(erreur.value).startswith(f"{jeu} : ")
    assert "problème(s) empêchent de lire ce cluster" in str(erreur.value)


def test_lignes_et_colonnes_situees() -> None:
    """Les erreurs de cellule d'un CSV nomment fichier, ligne, colonne (avec sa lettre) et l'attendu."""
    for cas in CAS:
        for ligne in attendus(cas):
            if ", colonne « " in ligne and "(vide)" not in ligne:
                assert re.match(r"^[\w.]+(, feuille « \w+ »)?, ligne \d+, colonne « \w+ » \([A-Z]\) : ", ligne), ligne
                assert " ; attendu : " in ligne, ligne


def test_plusieurs_clusters_dont_un_valide(cluster_minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, sortie, _ = valider_en_ligne_de_commande([cluster_minimal, jeu_du_cas("maillon_inconnu")], capsys)
    assert code == 1
    assert sortie.startswith(f"VALIDE    {cluster_minimal}\n")
    assert "    4 acteurs (416 personnes dont 322 femmes), 3 relations, agrégateur T01" in sortie
    assert sortie.endswith("\n1 cluster(s) valide(s), 1 invalide(s) sur 2.\n")


def test_cluster_valide_code_zero(classeur_minimal: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, sortie, erreurs = valider_en_ligne_de_commande([classeur_minimal], capsys)
    assert (code, erreurs) == (0, "")
    assert sortie.splitlines() == [
        f"VALIDE    {classeur_minimal}",
        "    riz-test — Cluster riz étuvé de test (données fictives)",
        "    4 acteurs (416 personnes dont 322 femmes), 3 relations, agrégateur T01",
        "    campagnes : 2025-2026 (en cours : 2025-2026) ; tables : acteurs, relations",
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param([], "clusterlib : erreur : arguments obligatoires manquants : COMMANDE", id="sans-commande"),
        pytest.param(["validate"], "clusterlib validate : erreur : arguments obligatoires manquants : CHEMIN",
                     id="validate-sans-chemin"),
        pytest.param(["verifier", "x"], "clusterlib : erreur : argument COMMANDE : choix invalide : 'verifier'",
                     id="commande-inconnue"),
        pytest.param(["validate", "--profondeur", "x"], "erreur : arguments non reconnus : --profondeur",
                     id="option-inconnue"),
        pytest.param(["validate", "nulle/part"], "clusterlib validate : chemin introuvable : nulle/part",
                     id="chemin-introuvable"),
    ],
)
def test_ligne_de_commande_erronee(arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(arguments)
    sortie = capsys.readouterr()
    assert code == 2
    assert message in sortie.err
    assert not MOTS_ANGLAIS.search(sortie.out + sortie.err)


def test_aide_en_francais(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--help"]) == 0
    aide = capsys.readouterr().out
    assert aide.startswith("utilisation : clusterlib validate")
    assert "affiche cette aide et quitte" in aide
    assert not MOTS_ANGLAIS.search(aide)


def test_commande_installee_sans_trace(tmp_path: Path) -> None:
    """Un vrai processus sur tout le corpus : code 1, aucune trace Python, sortie en UTF-8."""
    script = Path(sys.executable).with_name("clusterlib")
    commande = [str(script)] if script.exists() else [sys.executable, "-m", "clusterlib"]
    resultat = subprocess.run(
        [*commande, "validate", *(str(jeu_du_cas(cas)) for cas in CAS)],
        capture_output=True, cwd=tmp_path, timeout=60, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "ascii", "LANG": "C"},
    )
    sortie, erreurs = resultat.stdout.decode("utf-8"), resultat.stderr.decode("utf-8")
    assert resultat.returncode == 1, erreurs
    assert erreurs == ""
    assert "Traceback" not in sortie
    assert sortie.count("INVALIDE  ") == len(CAS)
    assert sortie.endswith(f"\n0 cluster(s) valide(s), {len(CAS)} invalide(s) sur {len(CAS)}.\n")
    assert "colonne « maillon » (C) : valeur « transformatrice » inconnue" in sortie


def test_module_python_m(tmp_path: Path) -> None:
    resultat = subprocess.run([sys.executable, "-m", "clusterlib", "validate", str(tmp_path / "absent")],
                              capture_output=True, text=True, cwd=RACINE, timeout=60, check=False)
    assert resultat.returncode == 2
    assert resultat.stderr == f"clusterlib validate : chemin introuvable : {tmp_path / 'absent'}\n"


@pytest.mark.parametrize(
    ("nom", "message"),
    [
        ("absent.xlsx", "chemin introuvable"),
        ("absent", "chemin introuvable"),
        ("acteurs.csv", "ni un dossier ni un classeur Excel ; attendu : un dossier contenant cluster.yml"),
    ],
)
def test_load_sur_un_chemin_qui_n_est_pas_un_cluster(cluster_minimal: Path, nom: str, message: str) -> None:
    with pytest.raises(clusterlib.ErreurDonnees) as erreur:
        clusterlib.load(cluster_minimal / nom)
    (probleme,) = erreur.value.problemes
    assert probleme.message.startswith(message)
