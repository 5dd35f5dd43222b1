"""Outils partagés des tests : un petit cluster valide écrit dans ``tmp_path`` et ses variantes.

Les tests importent les fonctions d'ici (``from conftest import creer_cluster``) ; les
fixtures donnent les cas les plus courants. Les fichiers sont écrits octet par octet, pour
maîtriser l'encodage, le séparateur et les fins de ligne comme le ferait un tableur.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

import clusterlib
from clusterlib import referentiel
from clusterlib.donnees import echantillons
from clusterlib.donnees.validation import _dtype

RACINE = Path(__file__).resolve().parent.parent

Lignes = list[list[str]]

FICHE: dict[str, str] = {
    "id": "riz-test",
    "nom": "Cluster riz étuvé de test",
    "filiere": "riz",
    "campagne": "2025-2026",
    "agregateur": "T01",
    "donnees_fictives": "true",
}

ACTEURS: Lignes = [
    ["id", "nom", "maillon", "forme", "commune", "effectif", "femmes"],
    ["P01", "Groupement Akpé", "producteur", "groupement", "Glazoué", "25", "10"],
    ["P02", "Coopérative Ayédjo", "producteur", "cooperative", "Dassa-Zoumè", "40", "22"],
    ["T01", "Union des Sœurs étuveuses", "transformateur", "union", "Glazoué", "350", "290"],
    ["M01", "Supermarché de Cotonou", "marche", "entreprise", "Cotonou", "1", "0"],
]

RELATIONS: Lignes = [
    ["source", "cible", "type", "contrat", "respect", "volume", "unite", "prix_unitaire", "depuis"],
    ["P01", "T01", "produit", "ecrit", "85", "120", "tonne", "185000", "2019"],
    ["P02", "T01", "produit", "verbal", "70", "60", "tonne", "180000", "2021"],
    ["T01", "M01", "produit", "aucun", "", "40", "tonne", "650000", "2022"],
]


# --- Écriture des fichiers ---------------------------------------------------------------


def texte_csv(lignes: Sequence[Sequence[str]], sep: str = ",", fin: str = "\n") -> str:
    """Le texte d'un CSV sans guillemets (les cellules ne doivent pas contenir ``sep``)."""
    return "".join(sep.join(ligne) + fin for ligne in lignes)


def ecrire(chemin: Path, contenu: str | bytes, encodage: str = "utf-8") -> Path:
    """Écrit un texte (dans l'encodage donné, sans traduire les fins de ligne) ou des octets."""
    chemin.parent.mkdir(parents=True, exist_ok=True)
    chemin.write_bytes(contenu if isinstance(contenu, bytes) else contenu.encode(encodage))
    return chemin


def texte_fiche(fiche: Mapping[str, str]) -> str:
    """Un cluster.yml d'une clé par ligne, les valeurs écrites telles quelles."""
    return "".join(f"{cle}: {valeur}\n" for cle, valeur in fiche.items())


def creer_cluster(
    dossier: Path, fiche: Mapping[str, str] | str | None = None, **tables: Lignes | str | bytes | None
) -> Path:
    """Écrit un cluster valide dans ``dossier`` ; chaque argument en remplace une partie.

    ``fiche`` : dictionnaire ou texte YAML. ``tables`` : ``acteurs=…``, ``comptes=…`` sous
    forme de lignes (CSV en UTF-8, virgules), de texte ou d'octets ; ``None`` omet la table.
    """
    fiche = FICHE if fiche is None else fiche
    ecrire(dossier / "cluster.yml", fiche if isinstance(fiche, str) else texte_fiche(fiche))
    contenus: dict[str, Lignes | str | bytes | None] = {"acteurs": ACTEURS, "relations": RELATIONS}
    contenus.update(tables)
    for nom, contenu in contenus.items():
        if contenu is not None:
            ecrire(dossier / f"{nom}.csv", contenu if isinstance(contenu, str | bytes) else texte_csv(contenu))
    return dossier


def modifier(lignes: Lignes, ligne: int, colonne: str, valeur: str) -> Lignes:
    """Copie de ``lignes`` où la cellule (ligne de données numérotée dès 1, nom de colonne) change."""
    copie = [list(cellules) for cellules in lignes]
    copie[ligne][copie[0].index(colonne)] = valeur
    return copie


def creer_classeur(chemin: Path, feuilles: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """Écrit un classeur ``.xlsx`` avec openpyxl, une feuille par entrée, dans l'ordre donné."""
    classeur = openpyxl.Workbook()
    classeur.remove(classeur.active)
    for titre, lignes in feuilles.items():
        feuille = classeur.create_sheet(titre)
        for ligne in lignes:
            feuille.append(list(ligne))
    chemin.parent.mkdir(parents=True, exist_ok=True)
    classeur.save(chemin)
    return chemin


def feuilles_cluster(fiche: Mapping[str, Any] = FICHE, **tables: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Les feuilles d'un classeur de cluster : la fiche en cle/valeur, puis les tables."""
    feuilles: dict[str, Any] = {"cluster": [["cle", "valeur"], *fiche.items()]}
    return feuilles | {"acteurs": ACTEURS, "relations": RELATIONS} | tables


def empreinte(dossier: Path) -> dict[str, tuple[str, int, int]]:
    """Chaque fichier et dossier sous ``dossier`` : (SHA-256, date de modification en ns, mode)."""
    resultat = {}
    for chemin in sorted(dossier.rglob("*")):
        etat = chemin.stat()
        somme = hashlib.sha256(chemin.read_bytes()).hexdigest() if chemin.is_file() else "dossier"
        resultat[str(chemin.relative_to(dossier))] = (somme, etat.st_mtime_ns, etat.st_mode)
    return resultat


# --- Tables en mémoire, typées comme après clusterlib.load ----------------------------------------


def table(nom: str, lignes: Sequence[Sequence[Any]], colonnes: Sequence[str] | None = None) -> pd.DataFrame:
    """La table ``nom`` faite de ``lignes`` (``None`` : cellule vide), chaque colonne au type que lui donne
    le référentiel, comme après ``clusterlib.load`` (textes en ``str``, nombres en ``float64``, entiers
    et années en ``Int64``) ; une colonne hors du référentiel (``cluster``) est du texte.
    ``colonnes`` : celles des lignes, par défaut toutes celles du référentiel, dans son ordre."""
    types = {c.nom: _dtype(c.type) for c in referentiel.colonnes(nom)}
    noms = list(types) if colonnes is None else list(colonnes)
    cadre = pd.DataFrame([list(ligne) for ligne in lignes], columns=noms)
    return cadre.astype({c: types.get(c, "str") for c in noms})


# --- Fixtures --------------------------------------------------------------------------------


@pytest.fixture
def cluster_minimal(tmp_path: Path) -> Path:
    """Un dossier de cluster valide : cluster.yml, acteurs.csv (4 acteurs dont l'agrégateur T01), relations.csv."""
    return creer_cluster(tmp_path / "riz-test")


@pytest.fixture
def classeur_minimal(tmp_path: Path) -> Path:
    """Le même cluster sous forme de classeur ``.xlsx`` (feuilles cluster, acteurs, relations)."""
    return creer_classeur(tmp_path / "soja" / "cluster.xlsx", feuilles_cluster())


# --- Les clusters d'exemple, chargés une fois pour toute la session ---------------------------

NOMS_EXEMPLES: tuple[str, ...] = tuple(echantillons.noms())
"""Les exemples livrés avec le paquet (la liste du paquet, pas une liste recopiée ici)."""


@functools.cache
def exemple(nom: str) -> clusterlib.Cluster:
    """Le cluster d'exemple ``nom``, chargé une fois : un exemple absent ou invalide fait échouer, jamais sauter."""
    return clusterlib.load(echantillons.chemin(nom))


@pytest.fixture(scope="session")
def exemples() -> dict[str, clusterlib.Cluster]:
    """Tous les clusters d'exemple, par nom."""
    return {nom: exemple(nom) for nom in NOMS_EXEMPLES}


# --- Les analyses rendent des nombres et des codes, pas des phrases ---------------------------


def _chaines(valeur: Any) -> list[str]:
    """Toutes les chaînes portées par une valeur (résultat figé, tableau, dictionnaire, suite)."""
    import dataclasses

    if isinstance(valeur, str):
        return [valeur]
    if isinstance(valeur, pd.DataFrame):
        return [c for col in valeur.columns for v in valeur[col].tolist() for c in _chaines(v)]
    if isinstance(valeur, pd.Series):
        return [c for v in valeur.tolist() for c in _chaines(v)]
    if dataclasses.is_dataclass(valeur) and not isinstance(valeur, type):
        return [c for f in dataclasses.fields(valeur) for c in _chaines(getattr(valeur, f.name))]
    if isinstance(valeur, Mapping):
        return [c for k, v in valeur.items() for c in (*_chaines(k), *_chaines(v))]
    if isinstance(valeur, (list, tuple, set, frozenset)):
        return [c for v in valeur for c in _chaines(v)]
    return []


@functools.cache
def textes_du_referentiel() -> frozenset[str]:
    """Les chaînes des référentiels YAML (libellés, questions, avertissements), qu'une analyse peut reprendre."""
    return frozenset(c for nom in referentiel.fichiers() for c in _chaines(referentiel.lire(nom)))


def textes_saisis(cluster: clusterlib.Cluster) -> frozenset[str]:
    """Les textes saisis dans les données d'un cluster (noms, communes…), qu'une analyse peut reprendre."""
    import dataclasses

    tables = [getattr(cluster, f.name) for f in dataclasses.fields(cluster)]
    return frozenset(_chaines(tables))


def phrases(valeur: Any, permis: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Les chaînes de ``valeur`` qui ressemblent à une phrase rédigée : elles contiennent une
    espace et ne sont ni un texte du référentiel, ni un texte permis (saisi par l'utilisateur)."""
    connus = textes_du_referentiel() | set(permis)
    return sorted({c for c in _chaines(valeur) if " " in c.strip() and c not in connus
                   and " ".join(c.split()) not in connus})


def notebook_essai(tmp_path: Path, source: str = "print('rapport')") -> Path:
    """Un petit notebook de rapport (mêmes paramètres que le vrai) : le mécanisme du lot, pas le contenu."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    parametres = nbformat.v4.new_code_cell(
        'chemin_donnees = None\ncampagne = None\ndossier_sortie = None\ndisposition = "valuelinks"')
    parametres.metadata["tags"] = ["parameters"]
    nb.cells = [parametres, nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    chemin = tmp_path / "nb.ipynb"
    nbformat.write(nb, chemin)
    return chemin
