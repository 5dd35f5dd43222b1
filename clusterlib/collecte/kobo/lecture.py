"""Lecture d'un export Kobo/ODK : le classeur ``.xlsx`` (une feuille par groupe répété) ou le CSV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clusterlib.donnees.lecture import lignes_feuille, lire_csv, ouvrir_classeur, table_depuis_lignes
from clusterlib.donnees.problemes import Probleme

__all__ = ["FeuilleExport", "lire_export"]


@dataclass
class FeuilleExport:
    """Une feuille (ou le CSV) d'un export : en-têtes tels qu'écrits et lignes numérotées."""

    nom: str
    origine: str
    entetes: list[str]
    lignes: list[tuple[int, list[str]]]


def _sans_hxl(table: Any) -> list[tuple[int, list[str]]]:
    lignes = list(table.lignes)
    if lignes:
        remplies = [c for c in lignes[0][1] if c]
        if remplies and all(c.startswith("#") for c in remplies):
            lignes = lignes[1:]
    return lignes


def lire_export(chemin: str | Path, problemes: list[Probleme]) -> list[FeuilleExport]:
    """Lit un export Kobo/ODK (``.xlsx`` ou ``.csv``) ; la première feuille est la section principale.

    Les problèmes de lecture (fichier illisible, en-têtes en double…) sont ajoutés à ``problemes``.
    """
    chemin = Path(chemin)
    feuilles: list[FeuilleExport] = []
    extension = chemin.suffix.lower()
    if extension in (".csv", ".txt"):
        table = lire_csv(chemin, "export", chemin.name, problemes)
        if table is not None:
            feuilles.append(FeuilleExport(chemin.stem, chemin.name, table.entetes_bruts, _sans_hxl(table)))
        return feuilles
    if extension not in (".xlsx", ".xls"):
        problemes.append(Probleme(chemin.name, "format d'export non pris en charge ; attendu : le classeur .xlsx "
                                  "ou le CSV exporté par KoboToolbox (« valeurs et en-têtes XML »)"))
        return feuilles
    classeur = ouvrir_classeur(chemin, chemin.name, problemes)
    if classeur is None:
        return feuilles
    for feuille in classeur.worksheets:
        origine = f"{chemin.name}, feuille « {feuille.title} »"
        table = table_depuis_lignes(feuille.title, origine, lignes_feuille(feuille), problemes)
        if table is not None:
            feuilles.append(FeuilleExport(feuille.title, origine, table.entetes_bruts, _sans_hxl(table)))
    return feuilles
