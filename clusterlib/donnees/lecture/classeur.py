"""Classeurs Excel ``.xlsx`` : archive vérifiée avant l'ouverture, feuilles lues cellule par cellule, fusions."""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

from clusterlib import referentiel
from clusterlib.donnees.lecture import _commun
from clusterlib.donnees.lecture.cellules import TableBrute, _texte_cellule, table_depuis_lignes
from clusterlib.donnees.lecture.fichiers import lire_octets
from clusterlib.donnees.problemes import Probleme, abrege, lettre_colonne

__all__ = ["lignes_feuille", "ouvrir_classeur"]


_CLASSEUR_ILLISIBLE = ("ce n'est pas un classeur Excel .xlsx lisible ({detail}) ; attendu : un classeur "
                       "enregistré par Excel, LibreOffice ou KoboToolbox")


def _verifier_archive(contenu: bytes, origine: str, problemes: list[Probleme]) -> bool:
    """Un .xlsx est une archive ZIP : on vérifie sa taille une fois décompressée avant de l'ouvrir."""
    limite = int(_commun.limite("taille_classeur_decompresse_mo") * 1024 * 1024)
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        detail = "fichier vide" if not contenu else "ce n'est pas une archive de classeur"
        problemes.append(Probleme(origine, _CLASSEUR_ILLISIBLE.format(detail=detail)))
        return False
    if total > limite:
        problemes.append(Probleme(
            origine, f"classeur trop gros une fois décompressé ({_commun.taille_lisible(total)}) ; attendu : au plus "
            f"{_commun.taille_lisible(limite)} de contenu (enregistrez les grandes tables en CSV)"))
        return False
    return True


def ouvrir_classeur(chemin: Path, origine: str, problemes: list[Probleme]) -> Any | None:
    """Ouvre un classeur ``.xlsx`` en lecture seule (feuilles lues à la demande par :func:`lignes_feuille`)."""
    import openpyxl

    if chemin.suffix.lower() == ".xls":
        problemes.append(Probleme(
            origine, "format .xls (Excel 97-2003) non pris en charge ; attendu : un classeur "
            ".xlsx (dans Excel : « Enregistrer sous » > « Classeur Excel »)"))
        return None
    contenu = lire_octets(chemin, origine, problemes)
    if contenu is None or not _verifier_archive(contenu, origine, problemes):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # avertissements d'openpyxl, en anglais, sans intérêt ici
            return openpyxl.load_workbook(io.BytesIO(contenu), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError):
        detail = "il manque des parties du classeur"
    except RecursionError:
        detail = "structure trop imbriquée"
    except Exception:  # openpyxl lève des erreurs variées sur un fichier abîmé
        detail = "contenu abîmé ou inattendu"
    problemes.append(Probleme(origine, _CLASSEUR_ILLISIBLE.format(detail=detail)))
    return None


def _cellules_feuille(feuille: Any) -> tuple[dict[int, dict[int, Any]], list[str]]:
    """Les cellules non vides d'une feuille, par ligne puis colonne (numéros à partir de 1), et ses fusions.

    La feuille est lue telle qu'elle est écrite, cellule par cellule : la dimension déclarée
    (parfois A1:XFD1048576) ne compte pas. Lève :class:`_commun.Refus` au-delà des limites.
    """
    max_lignes = _commun.limite("lignes_table") + 1
    max_colonnes = _commun.limite("colonnes_table")
    max_cellule = _commun.limite("caracteres_cellule")
    cellules: dict[int, dict[int, Any]] = {}
    fusions: list[str] = []

    def ranger(ligne: int, colonne: int, valeur: Any) -> None:
        if valeur is None or (isinstance(valeur, str) and not valeur.strip()):
            return
        if ligne > max_lignes:
            raise _commun.Refus(
                f"cellule {lettre_colonne(colonne - 1)}{ligne} remplie au-delà de la limite de "
                f"{_commun.nombre_fr(max_lignes - 1)} lignes de données ; attendu : au plus "
                f"{_commun.nombre_fr(max_lignes - 1)} lignes par table (videz ou supprimez les lignes en trop)",
                ligne=ligne)
        if colonne > max_colonnes:
            raise _commun.Refus(
                f"cellule {lettre_colonne(colonne - 1)}{ligne} remplie au-delà de la limite de "
                f"{max_colonnes} colonnes ; attendu : au plus {max_colonnes} colonnes par table "
                "(videz ou supprimez les colonnes en trop)", ligne=ligne)
        if isinstance(valeur, str) and len(valeur) > max_cellule:
            raise _commun.Refus(_commun.cellule_trop_longue(_commun.nombre_fr(len(valeur))), ligne=ligne,
                                j=colonne - 1, entetes=None)
        cellules.setdefault(ligne, {})[colonne] = valeur

    source = getattr(feuille, "_get_source", None)
    if source is None:  # feuille d'un classeur ouvert autrement qu'en lecture seule
        for ligne in feuille.iter_rows():
            for cellule in ligne:
                ranger(cellule.row, cellule.column, cellule.value)
        return cellules, [str(r) for r in feuille.merged_cells.ranges]
    from openpyxl.worksheet._reader import WorkSheetParser

    classeur = feuille.parent
    with source() as flux:
        analyseur = WorkSheetParser(flux, feuille._shared_strings, data_only=True, epoch=classeur.epoch,
                                    date_formats=classeur._date_formats,
                                    timedelta_formats=classeur._timedelta_formats)
        for _, ligne in analyseur.parse():
            for cellule in ligne:
                ranger(cellule["row"], cellule["column"], cellule["value"])
        if analyseur.merged_cells is not None:
            fusions = [str(m.ref) for m in analyseur.merged_cells.mergeCell]
    return cellules, fusions


def _reporter_fusions(cellules: dict[int, dict[int, Any]], fusions: list[str], origine: str,
                      problemes: list[Probleme]) -> None:
    """Recopie la valeur d'un groupe de cellules fusionnées dans chacune (dans les données réelles) et le dit."""
    from openpyxl.utils.cell import range_boundaries

    if not cellules:
        return
    derniere_ligne = max(cellules)
    derniere_colonne = min(max(max(c) for c in cellules.values()), _commun.limite("colonnes_table"))
    for ref in fusions[:1000]:
        try:
            gauche, haut, droite, bas = range_boundaries(ref)
        except (ValueError, TypeError):
            continue
        if gauche is None or haut is None:
            continue
        valeur = cellules.get(haut, {}).get(gauche)
        if valeur is None:
            continue
        droite, bas = min(droite or gauche, derniere_colonne), min(bas or haut, derniere_ligne)
        if (droite - gauche + 1) * (bas - haut + 1) > 1:
            for ligne in range(haut, bas + 1):
                for colonne in range(gauche, droite + 1):
                    cellules.setdefault(ligne, {}).setdefault(colonne, valeur)
            problemes.append(Probleme(
                origine, f"cellules fusionnées {ref} : la valeur « {abrege(_texte_cellule(valeur), 40)} » est "
                "reprise dans chacune ; attendu : des cellules non fusionnées (Excel : « Annuler Fusionner »)",
                ligne=haut, gravite="avertissement"))


def lignes_feuille(
    feuille: Any, problemes: list[Probleme] | None = None, origine: str | None = None
) -> list[list[str]]:
    """Les lignes d'une feuille en texte, de la ligne 1 à la dernière ligne remplie.

    Seules les cellules réellement écrites comptent (pas la dimension déclarée du classeur).
    Une feuille illisible ou hors des limites donne une liste vide et, si ``problemes`` est
    fourni, un problème qui dit pourquoi.
    """
    origine = origine or f"feuille « {feuille.title} »"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cellules, fusions = _cellules_feuille(feuille)
    except _commun.Refus as refus:
        if problemes is not None:
            problemes.append(refus.probleme(origine))
        return []
    except Exception:  # XML abîmé dans l'archive : openpyxl et lxml lèvent des erreurs variées
        if problemes is not None:
            problemes.append(Probleme(origine, "feuille illisible (contenu abîmé) ; attendu : une feuille "
                                      "enregistrée par Excel, LibreOffice ou KoboToolbox"))
        return []
    if fusions:
        _reporter_fusions(cellules, fusions, origine, problemes if problemes is not None else [])
    if not cellules:
        return []
    lignes: list[list[str]] = []
    for numero in range(1, max(cellules) + 1):
        ligne = cellules.get(numero)
        if not ligne:
            lignes.append([])
            continue
        rangee = [""] * max(ligne)
        for colonne, valeur in ligne.items():
            rangee[colonne - 1] = _texte_cellule(valeur)
        lignes.append(rangee)
    return lignes


def _lire_table_feuille(feuille: Any, nom: str, origine: str, problemes: list[Probleme]) -> TableBrute | None:
    if feuille.sheet_state != "visible":
        problemes.append(Probleme(
            origine, "feuille masquée dans Excel : elle est lue quand même ; affichez-la (clic droit sur "
            "un onglet > « Afficher ») pour vérifier ses données", gravite="avertissement"))
    avant = sum(p.est_erreur for p in problemes)
    lignes = lignes_feuille(feuille, problemes, origine)
    if sum(p.est_erreur for p in problemes) > avant:
        return None
    return table_depuis_lignes(nom, origine, lignes, problemes)


_SANS_FEUILLE_DE_DONNEES = ("aucune feuille de cellules dans ce classeur (seulement des graphiques) ; attendu : "
                            "des feuilles nommées cluster, acteurs, relations (et les tables facultatives)")


def lire_feuille_table(chemin: Path, nom: str, problemes: list[Probleme]) -> TableBrute | None:
    """Lit une table rangée seule dans un classeur (dans un dossier de cluster)."""
    classeur = ouvrir_classeur(chemin, chemin.name, problemes)
    if classeur is None:
        return None
    try:
        if not classeur.worksheets:
            problemes.append(Probleme(chemin.name, "aucune feuille de cellules dans ce classeur (seulement des "
                                      f"graphiques) ; attendu : une feuille qui contient la table {nom}"))
            return None
        feuilles = {referentiel.cle_normalisee(f.title): f for f in classeur.worksheets}
        visibles = [f for f in classeur.worksheets if f.sheet_state == "visible"] or classeur.worksheets
        feuille = feuilles.get(nom, visibles[0])
        origine = f"{chemin.name}, feuille « {feuille.title} »"
        return _lire_table_feuille(feuille, nom, origine, problemes)
    finally:
        classeur.close()
