"""Le jeu complet d'un cluster : un dossier de fichiers ou un classeur, chaque table rangée sous son nom."""

from __future__ import annotations

import difflib
import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterlib import referentiel
from clusterlib.donnees.lecture.cellules import TableBrute
from clusterlib.donnees.lecture.classeur import (
    _SANS_FEUILLE_DE_DONNEES,
    _lire_table_feuille,
    lire_feuille_table,
    ouvrir_classeur,
)
from clusterlib.donnees.lecture.fiche import FicheBrute, _fiche_depuis_table, lire_fiche_yaml
from clusterlib.donnees.lecture.tableaux_csv import lire_csv
from clusterlib.donnees.problemes import Probleme, raison_systeme

__all__ = ["JeuBrut", "lire_jeu"]


NOMS_FICHE = ("cluster.yml", "cluster.yaml")
EXTENSIONS_TABLE = (".csv", ".txt", ".tsv", ".xlsx")
SUFFIXES_CLASSEUR = (".xlsx", ".xlsm", ".xls")  # un cluster en un seul classeur Excel


@dataclass
class JeuBrut:
    """Tout ce qui a été lu d'un cluster, avec les problèmes de lecture."""

    chemin: Path
    fiche: FicheBrute | None = None
    tables: dict[str, TableBrute] = field(default_factory=dict)
    problemes: list[Probleme] = field(default_factory=list)
    illisibles: set[str] = field(default_factory=set)  # tables trouvées mais illisibles (déjà signalées)


def _suggestion(nom: str, possibles: list[str]) -> str | None:
    proches = difflib.get_close_matches(nom, possibles, n=1, cutoff=0.75)
    return proches[0] if proches else None


def _entrees_dossier(jeu: JeuBrut) -> list[Path] | None:
    """Les entrées du dossier (hors fichiers cachés et sous-dossiers), ou ``None`` s'il est illisible."""
    try:
        with os.scandir(jeu.chemin) as entrees:
            noms = sorted(e.name for e in entrees if not e.name.startswith((".", "~$")))
    except OSError as exc:
        jeu.problemes.append(Probleme(jeu.chemin.name + "/", f"dossier illisible : {raison_systeme(exc)}"))
        return None
    resultat = []
    for nom in noms:
        chemin = jeu.chemin / nom
        try:
            # Un sous-dossier est ignoré, sauf s'il porte le nom d'un fichier du format (il sera signalé).
            if chemin.is_dir() and Path(nom).suffix.lower() not in (*EXTENSIONS_TABLE, ".yml", ".yaml", ".xls"):
                continue
        except OSError:
            pass
        resultat.append(chemin)
    return resultat


def _lire_dossier(jeu: JeuBrut) -> None:
    noms_tables = list(referentiel.tables())
    fichiers = _entrees_dossier(jeu)
    if fichiers is None:
        return
    if not fichiers:
        jeu.problemes.append(Probleme(
            jeu.chemin.name + "/", "le dossier est vide ; attendu : cluster.yml, acteurs.csv, "
            "relations.csv et les autres tables du format"))
        return
    trouves: dict[str, list[Path]] = {}
    for fichier in fichiers:
        base = referentiel.cle_normalisee(fichier.stem)
        extension = fichier.suffix.lower()
        if fichier.name.lower() in NOMS_FICHE:
            trouves.setdefault("cluster", []).append(fichier)
        elif base in noms_tables and extension in (*EXTENSIONS_TABLE, ".xls"):
            trouves.setdefault(base, []).append(fichier)
        elif extension in (*EXTENSIONS_TABLE, ".yml", ".yaml", ".xls"):
            proche = _suggestion(base, [*noms_tables, "cluster"])
            if proche or extension == ".xls":
                conseil = (f"vouliez-vous dire « {proche}{'.yml' if proche == 'cluster' else '.csv'} » ?"
                           if proche else "enregistrez-le en .csv ou .xlsx")
                jeu.problemes.append(Probleme(
                    fichier.name, f"fichier ignoré : son nom n'est pas celui d'une table ; {conseil}",
                    gravite="avertissement"))
    for nom, chemins in trouves.items():
        if len(chemins) > 1:
            liste = ", ".join(p.name for p in chemins)
            jeu.problemes.append(Probleme(
                chemins[0].name, f"plusieurs fichiers pour la même table ({liste}) ; attendu : un seul"))
            jeu.illisibles.add(nom)
            continue
        chemin = chemins[0]
        if nom == "cluster":
            jeu.fiche = lire_fiche_yaml(chemin, jeu.problemes)
            continue
        if chemin.suffix.lower() in (".xlsx", ".xls"):
            table = lire_feuille_table(chemin, nom, jeu.problemes)
        else:
            table = lire_csv(chemin, nom, chemin.name, jeu.problemes)
        if table is None:
            jeu.illisibles.add(nom)
        else:
            jeu.tables[nom] = table
    if "cluster" not in trouves:
        jeu.problemes.append(Probleme(
            "cluster.yml", "fichier absent ; attendu : la fiche du cluster (id, nom, filiere, "
            "campagne…) dans un fichier cluster.yml"))


def _lire_classeur(jeu: JeuBrut) -> None:
    nom_fichier = jeu.chemin.name
    classeur = ouvrir_classeur(jeu.chemin, nom_fichier, jeu.problemes)
    if classeur is None:
        return
    try:
        _lire_feuilles(jeu, classeur)
    finally:
        classeur.close()


def _lire_feuilles(jeu: JeuBrut, classeur: Any) -> None:
    nom_fichier = jeu.chemin.name
    if not classeur.worksheets:
        jeu.problemes.append(Probleme(nom_fichier, _SANS_FEUILLE_DE_DONNEES))
        return
    noms_tables = list(referentiel.tables())
    vues: set[str] = set()
    for feuille in classeur.worksheets:
        base = referentiel.cle_normalisee(feuille.title)
        origine = f"{nom_fichier}, feuille « {feuille.title} »"
        if base == "cluster" or base in noms_tables:
            if base in vues:
                jeu.problemes.append(Probleme(origine, "deux feuilles portent ce nom ; attendu : une seule"))
                continue
            vues.add(base)
            table = _lire_table_feuille(feuille, base, origine, jeu.problemes)
            if table is None:
                jeu.illisibles.add(base)
                continue
            if base == "cluster":
                jeu.fiche = _fiche_depuis_table(table, jeu.problemes)
            else:
                jeu.tables[base] = table
        elif feuille.sheet_state == "visible" and (proche := _suggestion(base, [*noms_tables, "cluster"])):
            jeu.problemes.append(Probleme(
                origine, f"feuille ignorée ; vouliez-vous dire « {proche} » ?", gravite="avertissement"))
    if not vues:
        jeu.problemes.append(Probleme(
            nom_fichier, "aucune feuille du format dans ce classeur ; attendu : des feuilles "
            "nommées cluster, acteurs, relations (et les tables facultatives)"))
    elif "cluster" not in vues:
        jeu.problemes.append(Probleme(
            nom_fichier, "feuille « cluster » absente ; attendu : la fiche du cluster, avec les "
            "colonnes cle et valeur"))


def lire_jeu(chemin: str | Path) -> JeuBrut:
    """Lit un cluster (dossier ou classeur ``.xlsx``) sans rien juger ni rien écrire.

    Ne lève jamais d'exception sur des données : tout ce qui empêche la lecture devient un
    problème en français dans ``JeuBrut.problemes``.
    """
    chemin = Path(chemin)
    jeu = JeuBrut(chemin)
    try:
        etat = os.stat(chemin)
    except OSError as exc:
        if exc.errno == errno.ENOENT and not os.path.islink(chemin):
            jeu.problemes.append(Probleme(str(chemin), "chemin introuvable"))
        else:
            raison = ("lien symbolique cassé (il mène à un fichier qui n'existe pas)"
                      if exc.errno == errno.ENOENT else raison_systeme(exc))
            jeu.problemes.append(Probleme(str(chemin), f"chemin inaccessible : {raison}"))
        return jeu
    try:
        if stat.S_ISDIR(etat.st_mode):
            _lire_dossier(jeu)
        elif chemin.suffix.lower() in SUFFIXES_CLASSEUR:
            _lire_classeur(jeu)
        else:
            jeu.problemes.append(Probleme(
                chemin.name, "ni un dossier ni un classeur Excel ; attendu : un dossier contenant "
                "cluster.yml et les tables CSV, ou un classeur .xlsx"))
    except (RecursionError, MemoryError):
        jeu.problemes.append(Probleme(
            chemin.name, "données trop volumineuses ou trop imbriquées pour être lues ; attendu : des fichiers "
            "dans les limites de l'annexe « Format des données »"))
    return jeu
