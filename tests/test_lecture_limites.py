"""Lecture sans trace : système de fichiers hostile, classeurs piégés, limites et suggestions.

Les cas qu'un dépôt git ne peut pas garder (tube nommé, lien qui boucle, droits retirés) sont
fabriqués ici ; les autres sont dans le corpus ``donnees_invalides/``.
"""

from __future__ import annotations

import errno
import os
import re
import threading
from pathlib import Path

import openpyxl
import pytest
from conftest import ACTEURS, FICHE, RELATIONS, creer_classeur, creer_cluster, empreinte, feuilles_cluster

import clusterlib
from clusterlib import referentiel
from clusterlib.cli import main
from clusterlib.donnees.lecture import lire_jeu
from clusterlib.donnees.problemes import raison_systeme
from clusterlib.donnees.validation import _Suggestions, valider

ANGLAIS = re.compile(r"Traceback|Error\b|Permission denied|No such file|File exists|field larger|"
                     r"BadZip|KeyError|ParseError|cannot|errno", re.IGNORECASE)


def messages(chemin: Path) -> list[str]:
    return [str(p) for p in valider(chemin)]


def sans_anglais(lignes: list[str]) -> None:
    for ligne in lignes:
        assert not ANGLAIS.search(ligne), ligne


# --- Système de fichiers -------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pas de tubes nommés sur ce système")
def test_tube_nomme_refuse_sans_bloquer(cluster_minimal: Path) -> None:
    (cluster_minimal / "acteurs.csv").unlink()
    os.mkfifo(cluster_minimal / "acteurs.csv")
    resultat: list[list[str]] = []
    fil = threading.Thread(target=lambda: resultat.append(messages(cluster_minimal)), daemon=True)
    fil.start()
    fil.join(30)
    assert resultat, "la lecture d'un tube nommé a bloqué"
    assert resultat[0] == ["acteurs.csv : ce n'est pas un fichier ordinaire mais un tube nommé (FIFO) ; "
                           "attendu : un fichier enregistré sur le disque"]


def test_liens_symboliques(cluster_minimal: Path, tmp_path: Path) -> None:
    (cluster_minimal / "relations.csv").rename(tmp_path / "ailleurs.csv")
    os.symlink(tmp_path / "ailleurs.csv", cluster_minimal / "relations.csv")
    assert [p for p in valider(cluster_minimal) if p.est_erreur] == []  # un lien vers un fichier est suivi
    (cluster_minimal / "relations.csv").unlink()
    os.symlink("relations.csv", cluster_minimal / "relations.csv")
    assert messages(cluster_minimal) == [
        "relations.csv : lecture impossible : lien symbolique qui renvoie à lui-même (boucle de liens)"]
    (cluster_minimal / "relations.csv").unlink()
    os.symlink(tmp_path / "absent.csv", cluster_minimal / "relations.csv")
    assert messages(cluster_minimal) == [
        "relations.csv : lecture impossible : lien symbolique cassé (il mène à un fichier qui n'existe pas)"]
    lien = tmp_path / "lien-casse"
    os.symlink(tmp_path / "nulle-part", lien)
    (probleme,) = lire_jeu(lien).problemes
    assert probleme.message == "chemin inaccessible : lien symbolique cassé (il mène à un fichier qui n'existe pas)"


def test_dossier_au_nom_de_table(cluster_minimal: Path) -> None:
    (cluster_minimal / "relations.csv").unlink()
    (cluster_minimal / "relations.csv").mkdir()
    assert messages(cluster_minimal) == [
        "relations.csv : ce n'est pas un fichier ordinaire mais un dossier ; "
        "attendu : un fichier enregistré sur le disque"]


def _refuser_lecture(monkeypatch: pytest.MonkeyPatch, nom: str) -> None:
    """Simule un fichier (ou dossier) illisible, même pour root qui lit tout."""
    ouvrir, parcourir = os.open, os.scandir

    def open_refuse(chemin, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(chemin).name == nom:
            raise PermissionError(errno.EACCES, "Permission denied", str(chemin))
        return ouvrir(chemin, *args, **kwargs)

    def scandir_refuse(chemin):  # type: ignore[no-untyped-def]
        if Path(chemin).name == nom:
            raise PermissionError(errno.EACCES, "Permission denied", str(chemin))
        return parcourir(chemin)

    monkeypatch.setattr(os, "open", open_refuse)
    monkeypatch.setattr(os, "scandir", scandir_refuse)


def test_fichier_illisible(cluster_minimal: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    _refuser_lecture(monkeypatch, "acteurs.csv")
    assert main(["validate", str(cluster_minimal)]) == 1
    sortie = capsys.readouterr()
    assert ("  - acteurs.csv : lecture impossible : droits insuffisants (le fichier ou le dossier n'est pas "
            "lisible pour vous)") in sortie.out
    assert sortie.err == ""
    sans_anglais(sortie.out.splitlines())


def test_dossier_illisible(cluster_minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _refuser_lecture(monkeypatch, cluster_minimal.name)
    assert messages(cluster_minimal) == [
        "riz-test/ : dossier illisible : droits insuffisants (le fichier ou le dossier n'est pas lisible pour vous)"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root lit tous les fichiers")
def test_vrais_droits_retires(cluster_minimal: Path) -> None:
    (cluster_minimal / "acteurs.csv").chmod(0)
    try:
        assert messages(cluster_minimal)[0].startswith("acteurs.csv : lecture impossible : droits insuffisants")
    finally:
        (cluster_minimal / "acteurs.csv").chmod(0o644)


def test_raisons_systeme_en_francais() -> None:
    for code in (errno.EACCES, errno.ENOENT, errno.EEXIST, errno.ENOSPC, errno.ELOOP, errno.ENAMETOOLONG, 9999):
        texte = raison_systeme(OSError(code, os.strerror(code) if code != 9999 else "Unknown"))
        assert not ANGLAIS.search(texte), texte
    assert raison_systeme(OSError(9999, "Unknown error")) == "erreur du système (code 9999)"


def test_fichier_trop_gros(cluster_minimal: Path) -> None:
    limite = referentiel.limites()["taille_fichier_mo"]
    with open(cluster_minimal / "relations.csv", "ab") as f:
        f.truncate((limite + 1) * 1024 * 1024)  # fichier creux
    (message,) = messages(cluster_minimal)
    assert message.startswith(
        f"relations.csv : fichier trop gros ({limite + 1},0 Mo) ; attendu : au plus {limite},0 Mo")


# --- Classeurs ------------------------------------------------------------------------------------


def test_classeur_feuilles_masquees_et_fusions(tmp_path: Path) -> None:
    chemin = creer_classeur(tmp_path / "c.xlsx", feuilles_cluster())
    classeur = openpyxl.load_workbook(chemin)
    acteurs = classeur["acteurs"]
    acteurs["E3"] = "Glazoué"
    acteurs.merge_cells("E2:E3")  # Glazoué pour P01 et P02
    classeur["relations"].sheet_state = "hidden"
    classeur.save(chemin)
    problemes = valider(chemin)
    assert [p for p in problemes if p.est_erreur] == []
    assert [str(p) for p in problemes] == [
        "c.xlsx, feuille « acteurs », ligne 2 : attention : cellules fusionnées E2:E3 : la valeur « Glazoué » est "
        "reprise dans chacune ; attendu : des cellules non fusionnées (Excel : « Annuler Fusionner »)",
        "c.xlsx, feuille « relations » : attention : feuille masquée dans Excel : elle est lue quand même ; "
        "affichez-la (clic droit sur un onglet > « Afficher ») pour vérifier ses données",
    ]
    assert clusterlib.load(chemin).acteurs["commune"].tolist()[:2] == ["Glazoué", "Glazoué"]


def test_classeur_dimension_declaree_enorme(tmp_path: Path) -> None:
    """Des cellules vides mises en forme jusqu'en XFD1048576 ne comptent pas : seules les valeurs."""
    chemin = creer_classeur(tmp_path / "c.xlsx", feuilles_cluster())
    classeur = openpyxl.load_workbook(chemin)
    classeur["acteurs"]["XFD1048576"].number_format = "0.00"  # cellule mise en forme, sans valeur
    classeur.save(chemin)
    assert [p for p in valider(chemin) if p.est_erreur] == []
    assert len(clusterlib.load(chemin).acteurs) == len(ACTEURS) - 1


def test_classeur_en_lecture_seule_rend_le_fichier(tmp_path: Path) -> None:
    chemin = creer_classeur(tmp_path / "c.xlsx", feuilles_cluster())
    avant = empreinte(tmp_path)
    valider(chemin)
    chemin.rename(tmp_path / "d.xlsx")  # le fichier n'est plus tenu ouvert
    assert empreinte(tmp_path)["d.xlsx"] == avant["c.xlsx"]


def test_archive_abimee_sans_nom_d_exception(tmp_path: Path) -> None:
    chemin = creer_classeur(tmp_path / "c.xlsx", feuilles_cluster())
    contenu = chemin.read_bytes()
    chemin.write_bytes(contenu[: len(contenu) // 2])
    lignes = messages(chemin)
    assert lignes and all(ligne.startswith("c.xlsx") for ligne in lignes)
    sans_anglais(lignes)


# --- Suggestions et nombres ------------------------------------------------------------------------


def test_suggestions_sur_un_grand_nombre_d_identifiants() -> None:
    ids = [f"P{k:06d}" for k in range(50_000)]
    suggestions = _Suggestions(ids)
    assert suggestions.proche("P00O123") == "P000123"   # lettre O pour le chiffre 0
    assert suggestions.proche("p000124") == "P000124"   # majuscule
    assert suggestions.proche("P0001255") == "P000125"  # chiffre en trop
    assert suggestions.proche("P00126") == "P000126"    # chiffre oublié (le plus petit des voisins)
    assert suggestions.proche("Z-tout-autre-chose") is None


def test_suggestions_grand_cluster_bout_en_bout(tmp_path: Path) -> None:
    ids = [f"A{k:05d}" for k in range(3000)]
    acteurs = [ACTEURS[0], *([i, f"Acteur {i}", "producteur", "individu", "Glazoué", "1", "0"] for i in ids)]
    relations = [RELATIONS[0], ["A00001", "A0O002", "produit", "ecrit", "80", "1", "tonne", "1000", "2020"]]
    dossier = creer_cluster(tmp_path / "grand", {**FICHE, "agregateur": "A00000"}, acteurs=acteurs,
                            relations=relations)
    assert messages(dossier) == [
        "relations.csv, ligne 2, colonne « cible » (B) : acteur « A0O002 » inconnu ; attendu : un id de la table "
        "acteurs ; vouliez-vous dire « A00002 » ?"]


def test_limites_lues_par_le_code_et_le_livre() -> None:
    limites = referentiel.limites()
    assert {"taille_fichier_mo", "lignes_table", "colonnes_table", "profondeur_yaml", "alias_yaml",
            "noeuds_yaml", "nombre_absolu_max", "benchmark"} <= set(limites)
    annexe = (Path(__file__).resolve().parent.parent / "book" / "annexes" / "format-donnees.md").read_text(
        encoding="utf-8")
    assert 'referentiel.limites()' in annexe
