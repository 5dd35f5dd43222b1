"""Lecture brute des fichiers d'un cluster : dossier de CSV ou classeur Excel.

Ce module ne juge pas les valeurs : il retrouve les fichiers, devine l'encodage et le
séparateur, lit les cellules comme texte et note le numéro de ligne que montre un
tableur (l'en-tête est la ligne 1). La validation (:mod:`clusterlib.validation`) fait
le reste. Rien n'est jamais écrit dans les données lues.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import referentiel
from .echappement import retirer_neutralisation
from .problemes import Probleme, lettre_colonne

__all__ = [
    "FicheBrute",
    "JeuBrut",
    "TableBrute",
    "decoder",
    "lignes_feuille",
    "lire_jeu",
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
    for i, cellules in donnees:
        cellules = cellules + [""] * (len(bruts) - len(cellules))
        for j in range(len(bruts), len(cellules)):
            if cellules[j]:
                problemes.append(Probleme(
                    origine, f"valeur « {cellules[j]} » hors des colonnes nommées ; elle est ignorée",
                    ligne=i, lettre=lettre_colonne(j), colonne="(sans en-tête)",
                    gravite="avertissement"))
        lignes_finales.append((i, cellules[: len(bruts)]))
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
    for ligne in texte.splitlines():
        if ligne.strip():
            comptes = {sep: 0 for sep in (";", "\t", ",")}
            entre_guillemets = False
            for c in ligne:
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


def lire_csv(chemin: Path, nom: str, origine: str, problemes: list[Probleme]) -> TableBrute | None:
    """Lit un CSV tel que les gens l'enregistrent (encodage, séparateur, lignes vides)."""
    try:
        contenu = chemin.read_bytes()
    except OSError as exc:
        problemes.append(Probleme(origine, f"lecture impossible ({exc.strerror or exc})"))
        return None
    nature = _nature_binaire(contenu)
    if nature:
        problemes.append(Probleme(
            origine, f"ce n'est pas un fichier CSV mais {nature} ; attendu : un texte "
            "CSV (dans Excel : « Enregistrer sous » > « CSV UTF-8 »)"))
        return None
    texte = decoder(contenu)
    try:
        lignes = list(csv.reader(io.StringIO(texte, newline=""), delimiter=separateur(texte)))
    except csv.Error as exc:
        problemes.append(Probleme(origine, f"CSV mal formé ({exc}) ; vérifiez les guillemets"))
        return None
    return table_depuis_lignes(nom, origine, lignes, problemes)


# --- Excel -------------------------------------------------------------------------------


def ouvrir_classeur(chemin: Path, origine: str, problemes: list[Probleme]) -> Any | None:
    import openpyxl

    if chemin.suffix.lower() == ".xls":
        problemes.append(Probleme(
            origine, "format .xls (Excel 97-2003) non pris en charge ; attendu : un classeur "
            ".xlsx (dans Excel : « Enregistrer sous » > « Classeur Excel »)"))
        return None
    try:
        return openpyxl.load_workbook(chemin, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        detail = "fichier vide" if chemin.stat().st_size == 0 else type(exc).__name__
        problemes.append(Probleme(
            origine, f"ce n'est pas un classeur Excel .xlsx lisible ({detail}) ; attendu : un "
            "classeur enregistré par Excel, LibreOffice ou KoboToolbox"))
        return None
    except Exception as exc:  # openpyxl lève des erreurs variées sur un fichier abîmé
        problemes.append(Probleme(
            origine, f"classeur Excel illisible ({type(exc).__name__}) ; attendu : un fichier .xlsx valide"))
        return None


def lignes_feuille(feuille: Any) -> list[list[str]]:
    return [[_texte_cellule(v) for v in ligne] for ligne in feuille.iter_rows(values_only=True)]


def lire_feuille_table(chemin: Path, nom: str, problemes: list[Probleme]) -> TableBrute | None:
    """Lit une table rangée seule dans un classeur (dans un dossier de cluster)."""
    classeur = ouvrir_classeur(chemin, chemin.name, problemes)
    if classeur is None:
        return None
    feuilles = {referentiel.cle_normalisee(f.title): f for f in classeur.worksheets}
    feuille = feuilles.get(nom, classeur.worksheets[0])
    origine = f"{chemin.name}, feuille « {feuille.title} »"
    return table_depuis_lignes(nom, origine, lignes_feuille(feuille), problemes)


# --- Fiche du cluster ---------------------------------------------------------------------


def _valeur_noeud(noeud: yaml.Node) -> Any:
    """Valeur d'un nœud YAML où chaque scalaire reste le texte écrit (« 007 » reste « 007 »)."""
    if isinstance(noeud, yaml.ScalarNode):
        return "" if noeud.tag.endswith(":null") else str(noeud.value).strip()
    if isinstance(noeud, yaml.SequenceNode):
        return [_valeur_noeud(n) for n in noeud.value]
    if isinstance(noeud, yaml.MappingNode):
        return {str(_valeur_noeud(k)): _valeur_noeud(v) for k, v in noeud.value}
    return ""


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
    contenu = chemin.read_bytes()
    nature = _nature_binaire(contenu)
    if nature:
        problemes.append(Probleme(origine, f"ce n'est pas un fichier YAML mais {nature}"))
        return None
    try:
        noeud = yaml.compose(decoder(contenu), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        marque = getattr(exc, "problem_mark", None)
        explication = _explication_yaml(exc)
        problemes.append(Probleme(
            origine, f"YAML illisible ({explication}) ; attendu : des lignes « cle: valeur »",
            ligne=marque.line + 1 if marque else None))
        return None
    if not isinstance(noeud, yaml.MappingNode):
        problemes.append(Probleme(
            origine, "le fichier ne contient pas de clés ; attendu : des lignes « cle: valeur » "
            "(id, nom, filiere, campagne…)"))
        return None
    valeurs: dict[str, tuple[Any, int | None]] = {}
    for cle, valeur in noeud.value:
        nom = referentiel.cle_normalisee(_valeur_noeud(cle))
        ligne = cle.start_mark.line + 1
        contenu_cle = _valeur_noeud(valeur)
        if nom == "territoire" and isinstance(contenu_cle, dict):
            for sous_cle, sous_valeur in contenu_cle.items():
                valeurs[referentiel.cle_normalisee(sous_cle)] = (sous_valeur, ligne)
        else:
            valeurs[nom] = (contenu_cle, ligne)
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


def _lire_dossier(jeu: JeuBrut) -> None:
    noms_tables = list(referentiel.tables())
    fichiers = sorted(p for p in jeu.chemin.iterdir() if p.is_file() and not p.name.startswith((".", "~$")))
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
            table = table_depuis_lignes(base, origine, lignes_feuille(feuille), jeu.problemes)
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
    """Lit un cluster (dossier ou classeur ``.xlsx``) sans rien juger ni rien écrire."""
    chemin = Path(chemin)
    jeu = JeuBrut(chemin)
    if chemin.is_dir():
        _lire_dossier(jeu)
    elif not chemin.is_file():
        jeu.problemes.append(Probleme(str(chemin), "chemin introuvable"))
    elif chemin.suffix.lower() in SUFFIXES_CLASSEUR:
        _lire_classeur(jeu)
    else:
        jeu.problemes.append(Probleme(
            chemin.name, "ni un dossier ni un classeur Excel ; attendu : un dossier contenant "
            "cluster.yml et les tables CSV, ou un classeur .xlsx"))
    return jeu
