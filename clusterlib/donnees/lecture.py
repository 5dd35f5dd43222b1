"""Lecture brute des fichiers d'un cluster : dossier de CSV ou classeur Excel.

Ce module ne juge pas les valeurs : il retrouve les fichiers, devine l'encodage et le
séparateur, lit les cellules comme texte et note le numéro de ligne que montre un
tableur (l'en-tête est la ligne 1). La validation (:mod:`clusterlib.donnees.validation`) fait
le reste. Rien n'est jamais écrit dans les données lues.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import errno
import io
import os
import stat
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from clusterlib import referentiel
from clusterlib.donnees.problemes import Probleme, abrege, lettre_colonne, raison_systeme
from clusterlib.fichiers import retirer_neutralisation

__all__ = [
    "FicheBrute",
    "JeuBrut",
    "TableBrute",
    "decoder",
    "lignes_feuille",
    "lire_jeu",
    "lire_octets",
    "ouvrir_classeur",
    "separateur",
    "table_depuis_lignes",
]

NOMS_FICHE = ("cluster.yml", "cluster.yaml")
EXTENSIONS_TABLE = (".csv", ".txt", ".tsv", ".xlsx")
SUFFIXES_CLASSEUR = (".xlsx", ".xlsm", ".xls")  # un cluster en un seul classeur Excel
_SIGNATURES_BINAIRES = {
    b"PK\x03\x04": "un classeur Excel ou une archive compressée",
    b"%PDF": "un document PDF",
    b"\xd0\xcf\x11\xe0": "un ancien fichier Office (.xls ou .doc)",
    b"\x89PNG": "une image PNG",
    b"\xff\xd8\xff": "une image JPEG",
}




def _limite(nom: str) -> Any:
    """Une limite de lecture (voir ``referentiel/limites.yml`` et l'annexe « Format des données »)."""
    return referentiel.lire("limites.yml")[nom]


def _nombre_fr(n: float) -> str:
    """Un entier écrit à la française : 500 000."""
    return f"{int(n):,}".replace(",", "\u202f")


class _Refus(Exception):
    """Lecture arrêtée : ``message`` (en français) dit pourquoi, ``ligne`` où."""

    def __init__(self, message: str, ligne: int | None = None, j: int | None = None,
                 entetes: list[str] | None = None):
        super().__init__(message)
        self.message, self.ligne = message, ligne
        self.lettre = lettre_colonne(j) if j is not None else None
        self.colonne = None
        if j is not None:
            nom = entetes[j].strip() if entetes and j < len(entetes) else ""
            self.colonne = abrege(nom, 40) if nom else "(vide)"

    def probleme(self, origine: str) -> Probleme:
        return Probleme(origine, self.message, ligne=self.ligne, colonne=self.colonne, lettre=self.lettre)


@dataclass
class TableBrute:
    """Une table telle que lue : en-têtes normalisés et cellules en texte."""

    nom: str
    origine: str
    entetes: list[str]
    lignes: list[tuple[int, list[str]]]
    ligne_entete: int = 1
    entetes_bruts: list[str] = field(default_factory=list)


@dataclass
class FicheBrute:
    """La fiche du cluster telle que lue : clé → (valeur brute, ligne)."""

    origine: str
    valeurs: dict[str, tuple[Any, int | None]]


@dataclass
class JeuBrut:
    """Tout ce qui a été lu d'un cluster, avec les problèmes de lecture."""

    chemin: Path
    fiche: FicheBrute | None = None
    tables: dict[str, TableBrute] = field(default_factory=dict)
    problemes: list[Probleme] = field(default_factory=list)
    illisibles: set[str] = field(default_factory=set)  # tables trouvées mais illisibles (déjà signalées)


# --- Fichiers ----------------------------------------------------------------------------


def _nature_speciale(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISFIFO(mode):
        return "un tube nommé (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une prise réseau (socket)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    return "un fichier spécial"


def _taille_lisible(octets: int) -> str:
    if octets < 1024 * 1024:
        return f"{max(1, round(octets / 1024))} Ko"
    return f"{octets / (1024 * 1024):.1f} Mo".replace(".", ",")


def lire_octets(
    chemin: Path, origine: str, problemes: list[Probleme], limite_octets: int | None = None
) -> bytes | None:
    """Le contenu d'un fichier ordinaire, ou ``None`` avec un problème en français.

    Ne bloque jamais : un tube (FIFO), un périphérique ou une prise réseau sont refusés sans
    être lus ; un lien symbolique est suivi s'il mène à un fichier ordinaire. Au-delà de
    ``limite_octets`` (par défaut la limite ``taille_fichier_mo``), le fichier est refusé.
    """
    if limite_octets is None:
        limite_octets = int(_limite("taille_fichier_mo") * 1024 * 1024)
    drapeaux = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descripteur = os.open(chemin, drapeaux)
    except OSError as exc:
        raison = raison_systeme(exc)
        if exc.errno == errno.ENOENT and os.path.islink(chemin):
            raison = "lien symbolique cassé (il mène à un fichier qui n'existe pas)"
        problemes.append(Probleme(origine, f"lecture impossible : {raison}"))
        return None
    try:
        etat = os.fstat(descripteur)
        if not stat.S_ISREG(etat.st_mode):
            problemes.append(Probleme(
                origine, f"ce n'est pas un fichier ordinaire mais {_nature_speciale(etat.st_mode)} ; "
                "attendu : un fichier enregistré sur le disque"))
            return None
        if etat.st_size > limite_octets:
            problemes.append(Probleme(
                origine, f"fichier trop gros ({_taille_lisible(etat.st_size)}) ; attendu : au plus "
                f"{_taille_lisible(limite_octets)} (limite de clusterlib, voir l'annexe « Format des données »)"))
            return None
        morceaux = []
        lu = 0
        while lu <= limite_octets:
            morceau = os.read(descripteur, min(1 << 20, limite_octets + 1 - lu))
            if not morceau:
                break
            morceaux.append(morceau)
            lu += len(morceau)
        if lu > limite_octets:
            problemes.append(Probleme(
                origine, f"fichier trop gros (plus de {_taille_lisible(limite_octets)}) ; attendu : au plus "
                f"{_taille_lisible(limite_octets)}"))
            return None
        return b"".join(morceaux)
    except OSError as exc:
        problemes.append(Probleme(origine, f"lecture impossible : {raison_systeme(exc)}"))
        return None
    finally:
        os.close(descripteur)


# --- Cellules --------------------------------------------------------------------------


def _texte_cellule(valeur: Any) -> str:
    """Une cellule Excel en texte, comme la personne l'a saisie."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, float):
        return str(int(valeur)) if valeur.is_integer() else repr(valeur)
    if isinstance(valeur, dt.datetime):
        return valeur.date().isoformat()
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return str(valeur).strip()


def table_depuis_lignes(
    nom: str, origine: str, lignes: list[list[str]], problemes: list[Probleme]
) -> TableBrute | None:
    """Construit une table : la première ligne non vide est l'en-tête."""
    # « '=1+1 » : l'apostrophe qu'écrivent les sorties de clusterlib devant un début de formule.
    numerotees = [(i, [retirer_neutralisation(c.strip()) for c in cellules]) for i, cellules in enumerate(lignes, 1)]
    numerotees = [(i, c) for i, c in numerotees if any(c)]
    if not numerotees:
        problemes.append(
            Probleme(origine, "le fichier est vide ; attendu : une ligne d'en-tête puis les données")
        )
        return None
    ligne_entete, bruts = numerotees[0]
    donnees = numerotees[1:]
    largeur = max(len(c) for _, c in numerotees)
    bruts = bruts + [""] * (largeur - len(bruts))
    # Colonnes vides en fin de ligne (souvent laissées par Excel) : on les retire.
    while bruts and not bruts[-1] and all(len(c) < len(bruts) or not c[len(bruts) - 1]
                                          for _, c in donnees):
        bruts.pop()
    entetes = [referentiel.cle_normalisee(b) for b in bruts]
    vues: dict[str, int] = {}
    for j, (entete, brut) in enumerate(zip(entetes, bruts, strict=True)):
        if not entete:
            if any(j < len(c) and c[j] for _, c in donnees):
                problemes.append(Probleme(
                    origine, "colonne sans en-tête mais avec des valeurs ; elle est ignorée",
                    ligne=ligne_entete, lettre=lettre_colonne(j), colonne="(vide)",
                    gravite="avertissement"))
            continue
        if entete in vues:
            problemes.append(Probleme(
                origine,
                f"l'en-tête « {brut} » apparaît deux fois (déjà en colonne "
                f"{lettre_colonne(vues[entete])}) ; attendu : des noms de colonnes uniques",
                ligne=ligne_entete, colonne=brut, lettre=lettre_colonne(j)))
        else:
            vues[entete] = j
    lignes_finales = []
    largeur_nommee = len(bruts)
    for i, cellules in donnees:
        if len(cellules) < largeur_nommee:
            cellules = cellules + [""] * (largeur_nommee - len(cellules))
        elif len(cellules) > largeur_nommee:
            for j in range(largeur_nommee, len(cellules)):
                if cellules[j]:
                    problemes.append(Probleme(
                        origine, f"valeur « {abrege(cellules[j])} » hors des colonnes nommées ; elle est ignorée",
                        ligne=i, lettre=lettre_colonne(j), colonne="(sans en-tête)",
                        gravite="avertissement"))
            cellules = cellules[:largeur_nommee]
        lignes_finales.append((i, cellules))
    return TableBrute(nom, origine, entetes, lignes_finales, ligne_entete, bruts)


# --- CSV -------------------------------------------------------------------------------


def decoder(contenu: bytes) -> str:
    """Décode un CSV : UTF-16 si marqué, sinon UTF-8 (avec ou sans BOM), sinon Windows-1252."""
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        return contenu.decode("utf-16")
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252")
    except UnicodeDecodeError:
        return contenu.decode("latin-1")


def separateur(texte: str) -> str:
    """Le séparateur le plus fréquent dans la première ligne non vide, hors guillemets."""
    for ligne in io.StringIO(texte, newline=""):
        if ligne.strip():
            comptes = {sep: 0 for sep in (";", "\t", ",")}
            entre_guillemets = False
            for c in ligne[:100_000]:
                if c == '"':
                    entre_guillemets = not entre_guillemets
                elif not entre_guillemets and c in comptes:
                    comptes[c] += 1
            meilleur = max(comptes, key=lambda s: comptes[s])
            return meilleur if comptes[meilleur] else ","
    return ","


def _nature_binaire(contenu: bytes) -> str | None:
    for signature, nature in _SIGNATURES_BINAIRES.items():
        if contenu.startswith(signature):
            return nature
    debut = contenu[:8192]
    if b"\x00" in debut and not debut.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "un fichier binaire"
    return None


def _lignes_bornees(texte: str) -> Iterator[str]:
    """Les lignes physiques d'un texte ; une ligne démesurée arrête la lecture."""
    maximum = _limite("caracteres_ligne")
    for numero, ligne in enumerate(io.StringIO(texte, newline=""), 1):
        if len(ligne) > maximum:
            raise _Refus(f"ligne de {_nombre_fr(len(ligne))} caractères ; attendu : au plus "
                         f"{_nombre_fr(maximum)} caractères par ligne", ligne=numero)
        yield ligne


def _cellule_trop_longue(longueur: str) -> str:
    return (f"cellule de {longueur} caractères ; attendu : au plus "
            f"{_nombre_fr(_limite('caracteres_cellule'))} caractères par cellule (un guillemet « \" » "
            "ouvert et jamais fermé avale souvent la suite du fichier)")


def _lignes_csv(texte: str) -> list[list[str]]:
    """Les lignes d'un CSV, dans les limites de ``limites.yml`` ; lève :class:`_Refus` sinon."""
    max_lignes = _limite("lignes_table") + 1  # avec l'en-tête
    max_colonnes = _limite("colonnes_table")
    max_cellule = _limite("caracteres_cellule")
    lecteur = csv.reader(_lignes_bornees(texte), delimiter=separateur(texte))
    lignes: list[list[str]] = []
    try:
        for cellules in lecteur:
            if len(lignes) >= max_lignes:
                raise _Refus(f"plus de {_nombre_fr(max_lignes - 1)} lignes de données ; attendu : au plus "
                             f"{_nombre_fr(max_lignes - 1)} lignes par table (lignes vides comprises)",
                             ligne=len(lignes) + 1)
            if len(cellules) > max_colonnes:
                if any(c.strip() for c in cellules[max_colonnes:]):
                    raise _Refus(f"plus de {max_colonnes} colonnes ; attendu : au plus {max_colonnes} "
                                 "colonnes par table", ligne=len(lignes) + 1)
                cellules = cellules[:max_colonnes]
            if cellules and max(map(len, cellules)) > max_cellule:
                j = next(j for j, cellule in enumerate(cellules) if len(cellule) > max_cellule)
                raise _Refus(_cellule_trop_longue(_nombre_fr(len(cellules[j]))), ligne=len(lignes) + 1,
                             j=j, entetes=lignes[0] if lignes else None)
            lignes.append(cellules)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _Refus(_cellule_trop_longue(f"plus de {_nombre_fr(csv.field_size_limit())}"),
                         ligne=len(lignes) + 1) from None
        raise _Refus("CSV mal formé ; attendu : des valeurs séparées par des virgules ou des points-virgules, "
                     "les guillemets « \" » allant par paires", ligne=len(lignes) + 1) from None
    return lignes


def lire_csv(chemin: Path, nom: str, origine: str, problemes: list[Probleme]) -> TableBrute | None:
    """Lit un CSV tel que les gens l'enregistrent (encodage, séparateur, lignes vides)."""
    contenu = lire_octets(chemin, origine, problemes)
    if contenu is None:
        return None
    nature = _nature_binaire(contenu)
    if nature:
        problemes.append(Probleme(
            origine, f"ce n'est pas un fichier CSV mais {nature} ; attendu : un texte "
            "CSV (dans Excel : « Enregistrer sous » > « CSV UTF-8 »)"))
        return None
    texte = decoder(contenu)
    if "\x00" in texte:
        ligne = texte.count("\n", 0, texte.index("\x00")) + 1
        problemes.append(Probleme(origine, "caractère nul (octet 0) dans le texte : le fichier est abîmé ou "
                                  "n'est pas un CSV ; attendu : un texte CSV", ligne=ligne))
        return None
    try:
        lignes = _lignes_csv(texte)
    except _Refus as refus:
        problemes.append(refus.probleme(origine))
        return None
    return table_depuis_lignes(nom, origine, lignes, problemes)


# --- Excel -------------------------------------------------------------------------------


_CLASSEUR_ILLISIBLE = ("ce n'est pas un classeur Excel .xlsx lisible ({detail}) ; attendu : un classeur "
                       "enregistré par Excel, LibreOffice ou KoboToolbox")


def _verifier_archive(contenu: bytes, origine: str, problemes: list[Probleme]) -> bool:
    """Un .xlsx est une archive ZIP : on vérifie sa taille une fois décompressée avant de l'ouvrir."""
    limite = int(_limite("taille_classeur_decompresse_mo") * 1024 * 1024)
    try:
        with zipfile.ZipFile(io.BytesIO(contenu)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        detail = "fichier vide" if not contenu else "ce n'est pas une archive de classeur"
        problemes.append(Probleme(origine, _CLASSEUR_ILLISIBLE.format(detail=detail)))
        return False
    if total > limite:
        problemes.append(Probleme(
            origine, f"classeur trop gros une fois décompressé ({_taille_lisible(total)}) ; attendu : au plus "
            f"{_taille_lisible(limite)} de contenu (enregistrez les grandes tables en CSV)"))
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
    (parfois A1:XFD1048576) ne compte pas. Lève :class:`_Refus` au-delà des limites.
    """
    max_lignes = _limite("lignes_table") + 1
    max_colonnes = _limite("colonnes_table")
    max_cellule = _limite("caracteres_cellule")
    cellules: dict[int, dict[int, Any]] = {}
    fusions: list[str] = []

    def ranger(ligne: int, colonne: int, valeur: Any) -> None:
        if valeur is None or (isinstance(valeur, str) and not valeur.strip()):
            return
        if ligne > max_lignes:
            raise _Refus(f"cellule {lettre_colonne(colonne - 1)}{ligne} remplie au-delà de la limite de "
                         f"{_nombre_fr(max_lignes - 1)} lignes de données ; attendu : au plus "
                         f"{_nombre_fr(max_lignes - 1)} lignes par table (videz ou supprimez les lignes en trop)",
                         ligne=ligne)
        if colonne > max_colonnes:
            raise _Refus(f"cellule {lettre_colonne(colonne - 1)}{ligne} remplie au-delà de la limite de "
                         f"{max_colonnes} colonnes ; attendu : au plus {max_colonnes} colonnes par table "
                         "(videz ou supprimez les colonnes en trop)", ligne=ligne)
        if isinstance(valeur, str) and len(valeur) > max_cellule:
            raise _Refus(_cellule_trop_longue(_nombre_fr(len(valeur))), ligne=ligne, j=colonne - 1,
                         entetes=None)
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
    derniere_colonne = min(max(max(c) for c in cellules.values()), _limite("colonnes_table"))
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
    except _Refus as refus:
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


# --- Fiche du cluster ---------------------------------------------------------------------


class _Developpement:
    """Développe les nœuds YAML en valeurs, avec un budget : renvois récursifs et bombes arrêtés."""

    def __init__(self) -> None:
        self.reste = _limite("noeuds_yaml")
        self.profondeur_max = _limite("profondeur_yaml")
        self.chemin: set[int] = set()

    def valeur(self, noeud: yaml.Node, profondeur: int = 0) -> Any:
        """Valeur d'un nœud où chaque scalaire reste le texte écrit (« 007 » reste « 007 »)."""
        self.reste -= 1
        if self.reste < 0:
            raise _Refus(f"les renvois « *nom » développent plus de {_nombre_fr(_limite('noeuds_yaml'))} valeurs ; "
                         "attendu : une fiche courte, sans renvois en cascade", ligne=noeud.start_mark.line + 1)
        if isinstance(noeud, yaml.ScalarNode):
            return "" if noeud.tag.endswith(":null") else str(noeud.value).strip()
        if id(noeud) in self.chemin:
            raise _Refus("renvoi récursif : une ancre « &nom » se contient elle-même ; attendu : des valeurs "
                         "écrites en toutes lettres", ligne=noeud.start_mark.line + 1)
        if profondeur >= self.profondeur_max:
            raise _Refus(f"plus de {self.profondeur_max} niveaux de listes ou de dictionnaires imbriqués ; "
                         "attendu : des lignes « cle: valeur »", ligne=noeud.start_mark.line + 1)
        self.chemin.add(id(noeud))
        try:
            if isinstance(noeud, yaml.SequenceNode):
                return [self.valeur(n, profondeur + 1) for n in noeud.value]
            if isinstance(noeud, yaml.MappingNode):
                return {str(self.valeur(k, profondeur + 1)): self.valeur(v, profondeur + 1) for k, v in noeud.value}
            return ""
        finally:
            self.chemin.discard(id(noeud))


def _valeur_noeud(noeud: yaml.Node) -> Any:
    """Valeur d'un nœud YAML où chaque scalaire reste le texte écrit (« 007 » reste « 007 »)."""
    return _Developpement().valeur(noeud)


def _verifier_evenements(texte: str, chargeur: Any) -> None:
    """Parcourt le YAML sans rien construire : profondeur et nombre de renvois bornés (:class:`_Refus`)."""
    profondeur_max, alias_max = _limite("profondeur_yaml"), _limite("alias_yaml")
    profondeur = alias = 0
    for evenement in yaml.parse(texte, Loader=chargeur):
        if isinstance(evenement, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            profondeur += 1
            if profondeur > profondeur_max:
                raise _Refus(f"plus de {profondeur_max} niveaux de listes ou de dictionnaires imbriqués ; "
                             "attendu : des lignes « cle: valeur »", ligne=evenement.start_mark.line + 1)
        elif isinstance(evenement, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            profondeur -= 1
        elif isinstance(evenement, yaml.AliasEvent):
            alias += 1
            if alias > alias_max:
                raise _Refus(f"plus de {alias_max} renvois « *nom » à des ancres ; attendu : des valeurs écrites "
                             "en toutes lettres", ligne=evenement.start_mark.line + 1)


_ERREURS_YAML = (
    ("expected ',' or ']'", "crochet « [ » non fermé"),
    ("expected ',' or '}'", "accolade « { » non fermée"),
    ("found unexpected end of stream", "guillemet non fermé"),
    ("could not find expected ':'", "deux-points « : » manquant après une clé"),
    ("mapping values are not allowed", "deux-points inattendu (mettez entre guillemets une valeur qui contient « : »)"),
    ("found character '\\t'", "tabulation : indentez avec des espaces"),
    ("found a tab character", "tabulation : indentez avec des espaces"),
    ("did not find expected key", "indentation incohérente"),
    ("found duplicate anchor", "ancre en double"),
    ("found undefined alias", "renvoi « *nom » à une ancre qui n'existe pas"),
    ("expected a single document", "plusieurs documents séparés par « --- » ; attendu : un seul"),
    ("found unknown escape character", "caractère d'échappement « \\ » inconnu entre guillemets"),
    ("found unexpected ':'", "deux-points inattendu"),
    ("expected <block end>", "indentation incohérente"),
    ("found undefined tag handle", "étiquette « ! » inconnue"),
    ("while scanning an alias", "renvoi « * » sans nom"),
    ("while scanning an anchor", "ancre « & » sans nom"),
)


def _explication_yaml(exc: yaml.YAMLError) -> str:
    """Traduit en français l'explication d'une erreur de syntaxe YAML."""
    probleme = str(getattr(exc, "problem", "") or "")
    explication = next((fr for en, fr in _ERREURS_YAML if en in probleme), "syntaxe invalide")
    debut = getattr(exc, "context_mark", None)
    fin = getattr(exc, "problem_mark", None)
    if debut is not None and fin is not None and debut.line != fin.line:
        explication += f", ouvert ligne {debut.line + 1}"
    return explication


def lire_fiche_yaml(chemin: Path, problemes: list[Probleme]) -> FicheBrute | None:
    origine = chemin.name
    contenu = lire_octets(chemin, origine, problemes, int(_limite("taille_fiche_ko") * 1024))
    if contenu is None:
        return None
    nature = _nature_binaire(contenu)
    if nature:
        problemes.append(Probleme(origine, f"ce n'est pas un fichier YAML mais {nature}"))
        return None
    texte = decoder(contenu)
    chargeur = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _verifier_evenements(texte, chargeur)
        noeud = yaml.compose(texte, Loader=chargeur)
    except _Refus as refus:
        problemes.append(Probleme(origine, f"YAML refusé : {refus.message}", ligne=refus.ligne))
        return None
    except yaml.reader.ReaderError as exc:
        position = exc.position if isinstance(exc.position, int) else 0
        problemes.append(Probleme(
            origine, f"YAML illisible (caractère interdit, de code {exc.character!r}) ; attendu : du texte "
            "sans caractères de contrôle", ligne=texte.count("\n", 0, position) + 1))
        return None
    except yaml.YAMLError as exc:
        marque = getattr(exc, "problem_mark", None)
        explication = _explication_yaml(exc)
        problemes.append(Probleme(
            origine, f"YAML illisible ({explication}) ; attendu : des lignes « cle: valeur »",
            ligne=marque.line + 1 if marque else None))
        return None
    except RecursionError:
        problemes.append(Probleme(origine, "YAML refusé : imbrication trop profonde ; attendu : des lignes "
                                  "« cle: valeur »"))
        return None
    if not isinstance(noeud, yaml.MappingNode):
        problemes.append(Probleme(
            origine, "le fichier ne contient pas de clés ; attendu : des lignes « cle: valeur » "
            "(id, nom, filiere, campagne…)"))
        return None
    valeurs: dict[str, tuple[Any, int | None]] = {}
    developpement = _Developpement()
    try:
        for cle, valeur in noeud.value:
            nom = referentiel.cle_normalisee(developpement.valeur(cle))
            ligne = cle.start_mark.line + 1
            contenu_cle = developpement.valeur(valeur)
            if nom == "territoire" and isinstance(contenu_cle, dict):
                for sous_cle, sous_valeur in contenu_cle.items():
                    valeurs[referentiel.cle_normalisee(sous_cle)] = (sous_valeur, ligne)
            else:
                valeurs[nom] = (contenu_cle, ligne)
    except _Refus as refus:
        problemes.append(Probleme(origine, f"YAML refusé : {refus.message}", ligne=refus.ligne))
        return None
    return FicheBrute(origine, valeurs)


def _fiche_depuis_table(table: TableBrute, problemes: list[Probleme]) -> FicheBrute | None:
    for colonne in ("cle", "valeur"):
        if colonne not in table.entetes:
            problemes.append(Probleme(
                table.origine, f"colonne « {colonne} » absente ; attendu : deux colonnes "
                "« cle » et « valeur »", ligne=table.ligne_entete))
            return None
    i_cle, i_valeur = table.entetes.index("cle"), table.entetes.index("valeur")
    valeurs = {
        referentiel.cle_normalisee(cellules[i_cle]): (cellules[i_valeur], ligne)
        for ligne, cellules in table.lignes
        if cellules[i_cle]
    }
    return FicheBrute(table.origine, valeurs)


# --- Jeu complet ----------------------------------------------------------------------------


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
