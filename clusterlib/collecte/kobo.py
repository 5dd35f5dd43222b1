"""Import des exports KoboToolbox / ODK dans un jeu de données de cluster.

L'export attendu est celui que KoboToolbox propose avec « valeurs et en-têtes XML » :

- un classeur ``.xlsx`` dont la première feuille contient une ligne par soumission et chaque
  groupe répété (les partenaires d'affaires) une feuille à part, reliée par ``_parent_index``
  (ou ``_submission__uuid``) ;
- ou le CSV de la section principale (séparateur point-virgule), qui ne contient pas les
  groupes répétés.

Les en-têtes peuvent porter le chemin des groupes (``acteur/nom_acteur``, séparateur ``/``) ou
non ; une deuxième ligne d'étiquettes HXL est ignorée ; les questions à choix multiple
peuvent être une colonne de codes séparés par des espaces ou une colonne 0/1 par choix ; les
nombres et les dates peuvent être du texte. Les colonnes de métadonnées de Kobo (``_id``,
``_submission_time``, ``start``…) sont laissées de côté, sauf ``_uuid`` qui identifie la
soumission.

Les soumissions des fiches de l'annexe 2 donnent des acteurs et des relations (et les
réponses qualitatives, rangées dans ``reponses_collecte.csv``) ; celles de la grille donnent
``scores.csv``. L'import fusionne avec le jeu existant sans toucher aux lignes qu'il n'a pas
importées : une soumission déjà importée (même ``_uuid``, colonne ``soumission``) met à jour
ses propres lignes au lieu d'en ajouter. Tout est vérifié avant d'écrire : si l'export ne
correspond pas au formulaire, rien n'est écrit.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.collecte.modeles_excel import JeuTexte, ecrire_dossier, lire_jeu_texte, texte_csv, texte_fiche_yaml
from clusterlib.collecte.xlsform import (
    GRILLE,
    ErreurFormulaire,
    Formulaire,
    QuestionFormulaire,
    fiches_collecte,
    lire_formulaire,
)
from clusterlib.donnees.lecture import lignes_feuille, lire_csv, lire_jeu, ouvrir_classeur, table_depuis_lignes
from clusterlib.donnees.problemes import Probleme
from clusterlib.donnees.validation import lire_nombre, valider_jeu
from clusterlib.fichiers import ErreurSortie, ecriture_atomique, meme_fichier, verifier_sortie
from clusterlib.referentiel import cle_normalisee, regles

__all__ = [
    "COLONNE_SOUMISSION",
    "FICHIER_REPONSES",
    "BilanImport",
    "importer_kobo",
    "lire_export",
]

COLONNE_SOUMISSION = "soumission"
FICHIER_REPONSES = "reponses_collecte"
COLONNES_REPONSES = ["soumission", "fiche", "acteur", "partenaire", "annexe", "question", "libelle", "reponse"]
# Questions sans réponse propre dans l'export (les métadonnées start, end… sont laissées de côté).
TYPES_SANS_COLONNE = {"note", "start", "end", "today", "deviceid", "username", "simserial", "subscriberid",
                      "phonenumber", "audit"}
META = {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "email",
        "audit", "instanceid", "instancename", "key", "parent_key", "submissiondate", "submitterid",
        "submittername", "attachmentspresent", "attachmentsexpected", "status", "reviewstate", "edits",
        "formversion", "formhub/uuid"}
_ENTIER_EXCEL = re.compile(r"^\d{5}(\.0+)?$")


# --- Lecture de l'export ---------------------------------------------------------------------------


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


# --- Correspondance entre colonnes et questions ------------------------------------------------------


def _morceaux(entete: str) -> list[str]:
    """Le chemin d'un en-tête : groupes puis question (« / » chez Kobo, « - » chez ODK Central)."""
    morceaux = [m for m in re.split(r"[/:]", entete.strip()) if m]
    if len(morceaux) == 1 and "-" in morceaux[0] and not entete.strip().startswith("_"):
        morceaux = [m for m in morceaux[0].split("-") if m]
    return morceaux


def _est_meta(entete: str) -> bool:
    nom = entete.strip()
    bas = nom.lower()
    return (not nom or nom.startswith("_") or bas.startswith(("meta/", "meta-", "meta.")) or bas in META
            or bas.rsplit("/", 1)[-1] in {"instanceid", "instancename", "deprecatedid"})


@dataclass
class _Colonnes:
    """Les colonnes de l'export qui portent une question."""

    principale: int | None = None
    choix: dict[str, int] = field(default_factory=dict)  # choix multiple en colonnes 0/1
    latitude: int | None = None
    longitude: int | None = None


def _questions_de(formulaire: Formulaire, repetition: str | None) -> list[QuestionFormulaire]:
    return [q for q in formulaire.questions
            if q.repetition == repetition and q.type not in TYPES_SANS_COLONNE and q.nom]


def _associer(feuille: FeuilleExport, questions: list[QuestionFormulaire], formulaire: Formulaire,
              problemes: list[Probleme]) -> dict[str, _Colonnes]:
    """Trouve la ou les colonnes de chaque question ; signale celles qui manquent."""
    par_nom = {q.nom: q for q in questions}
    colonnes: dict[str, _Colonnes] = {}
    inconnues = []
    for j, entete in enumerate(feuille.entetes):
        morceaux = _morceaux(entete)
        if not morceaux:
            continue
        dernier = morceaux[-1]
        geo = re.match(r"^_?(.*)_(latitude|longitude)$", dernier)
        if dernier in par_nom and not entete.strip().startswith("_"):
            colonnes.setdefault(dernier, _Colonnes()).principale = j
        elif len(morceaux) >= 2 and morceaux[-2] in par_nom and par_nom[morceaux[-2]].type == "select_multiple":
            q = par_nom[morceaux[-2]]
            colonnes.setdefault(q.nom, _Colonnes()).choix[dernier] = j
        elif geo and geo[1] in par_nom and par_nom[geo[1]].type == "geopoint":
            c = colonnes.setdefault(geo[1], _Colonnes())
            setattr(c, geo[2], j)
        elif not _est_meta(entete):
            inconnues.append(entete)
    manquantes = [q for q in questions if q.nom not in colonnes]
    if manquantes and len(manquantes) > len(questions) / 2:
        libelles = {cle_normalisee(q.libelle) for q in questions}
        if any(cle_normalisee(e) in libelles for e in feuille.entetes):
            message = ("l'export a les libellés des questions pour en-têtes ; refaites l'export dans KoboToolbox "
                       "en choisissant « valeurs et en-têtes XML »")
        else:
            exemples = ", ".join("/".join((*q.groupes, q.nom)) for q in manquantes[:4])
            message = (f"l'export ne correspond pas au formulaire {formulaire.chemin.name} (« {formulaire.titre} ») : "
                       f"{len(manquantes)} des {len(questions)} questions n'y ont pas de colonne ({exemples}…) ; "
                       "attendu : l'export des soumissions de ce formulaire-là")
        problemes.append(Probleme(feuille.origine, message, ligne=1))
        return {}
    for q in manquantes:
        chemin = "/".join((*q.groupes, q.nom))
        problemes.append(Probleme(
            feuille.origine, f"colonne « {chemin} » absente ; attendu : la réponse à la question « {q.libelle} » "
            f"du formulaire {formulaire.chemin.name} (l'export vient-il d'une autre version du formulaire ?)",
            ligne=1))
    if inconnues:
        liste = ", ".join(f"« {e} »" for e in inconnues[:8]) + (f" et {len(inconnues) - 8} autre(s)"
                                                               if len(inconnues) > 8 else "")
        problemes.append(Probleme(
            feuille.origine, f"colonne(s) inconnue(s) du formulaire {formulaire.chemin.name}, ignorée(s) : {liste}",
            ligne=1, gravite="avertissement"))
    return colonnes


def _colonne_meta(feuille: FeuilleExport, *noms: str) -> int | None:
    """Index de la première colonne de métadonnées trouvée parmi ``noms`` (avec ou sans chemin de groupe)."""
    for nom in (n.lower() for n in noms):
        for j, entete in enumerate(feuille.entetes):
            bas = entete.strip().lower()
            if bas == nom or bas.endswith("/" + nom):
                return j
    return None


# --- Valeurs ---------------------------------------------------------------------------------------


def _date(texte: str) -> str:
    if _ENTIER_EXCEL.match(texte):  # date restée en numéro de série Excel
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(float(texte)))).isoformat()
    return dt.date.fromisoformat(texte[:10]).isoformat()


def _convertir(q: QuestionFormulaire, texte: str, formulaire: Formulaire) -> tuple[Any, str | None]:
    """Valeur d'une réponse selon le type de sa question ; renvoie (valeur, message d'erreur)."""
    if q.type in ("integer", "decimal", "range"):
        try:
            nombre = lire_nombre(texte)
        except ValueError:
            return None, f"valeur « {texte} » non numérique ; attendu : un nombre (question de type {q.type})"
        if q.type == "integer":
            if not nombre.is_integer():
                return None, f"valeur « {texte} » non entière ; attendu : un nombre entier"
            return int(nombre), None
        return nombre, None
    if q.type in ("date", "datetime"):
        try:
            return _date(texte), None
        except ValueError:
            return None, f"date « {texte} » illisible ; attendu : une date AAAA-MM-JJ"
    if q.type == "select_one":
        codes = formulaire.choix.get(q.liste or "", {})
        if texte not in codes:
            return None, (f"choix « {texte} » inconnu de la liste « {q.liste} » du formulaire ; attendu : "
                          + ", ".join(list(codes)[:12]) + (" …" if len(codes) > 12 else ""))
        return texte, None
    if q.type == "select_multiple":
        codes = formulaire.choix.get(q.liste or "", {})
        choisis = texte.split()
        inconnus = [c for c in choisis if c not in codes]
        if inconnus:
            return None, (f"choix « {' '.join(inconnus)} » inconnu(s) de la liste « {q.liste} » ; attendu : "
                          + ", ".join(list(codes)[:12]))
        return choisis, None
    if q.type == "geopoint":
        morceaux = texte.split()
        try:
            lat, lon = float(morceaux[0]), float(morceaux[1])
        except (IndexError, ValueError):
            return None, f"position « {texte} » illisible ; attendu : latitude et longitude séparées par un espace"
        return (lat, lon), None
    return texte, None


def _vrai(texte: str) -> bool:
    return texte.strip().lower() in ("1", "1.0", "true", "vrai", "oui", "x")


@dataclass
class _Ligne:
    """Une ligne d'une feuille de l'export, réponses converties."""

    origine: str
    numero: int
    valeurs: dict[str, Any]
    uuid: str = ""
    index: str = ""
    parent: str = ""


def _lire_lignes(feuille: FeuilleExport, colonnes: dict[str, _Colonnes], questions: list[QuestionFormulaire],
                 formulaire: Formulaire, principale: bool, problemes: list[Probleme]) -> list[_Ligne]:
    j_uuid = _colonne_meta(feuille, "_uuid", "meta/instanceID", "instanceID", "KEY") if principale else None
    j_index = _colonne_meta(feuille, "_index")
    j_parent_uuid = None if principale else _colonne_meta(feuille, "_submission__uuid", "PARENT_KEY")
    j_parent = None if principale else _colonne_meta(feuille, "_parent_index")
    if principale and j_uuid is None:
        problemes.append(Probleme(feuille.origine, "colonne « _uuid » absente ; attendu : l'identifiant de chaque "
                                  "soumission (exportez avec les métadonnées de KoboToolbox)", ligne=1))
    if not principale and j_parent_uuid is None and j_parent is None:
        problemes.append(Probleme(feuille.origine, "colonnes « _parent_index » et « _submission__uuid » absentes ; "
                                  "attendu : le lien de chaque ligne avec sa soumission", ligne=1))
    lignes = []
    for numero, cellules in feuille.lignes:
        def cellule(j: int | None, cellules: list[str] = cellules) -> str:
            return cellules[j].strip() if j is not None and j < len(cellules) else ""

        valeurs: dict[str, Any] = {}
        for q in questions:
            c = colonnes.get(q.nom)
            if c is None:
                continue
            texte = cellule(c.principale)
            if q.type == "select_multiple" and not texte and c.choix:
                inconnus = [code for code in c.choix if code not in formulaire.choix.get(q.liste or "", {})]
                for code in inconnus:
                    problemes.append(Probleme(feuille.origine, f"colonne de choix « {code} » inconnue de la liste "
                                              f"« {q.liste} » du formulaire", ligne=numero, colonne=q.nom))
                texte = " ".join(code for code, j in c.choix.items() if _vrai(cellule(j)) and code not in inconnus)
            if q.type == "geopoint" and not texte and c.latitude is not None and c.longitude is not None \
                    and cellule(c.latitude) and cellule(c.longitude):
                texte = f"{cellule(c.latitude)} {cellule(c.longitude)}"
            if not texte:
                continue
            valeur, erreur = _convertir(q, texte, formulaire)
            if erreur:
                problemes.append(Probleme(feuille.origine, erreur, ligne=numero, colonne=q.nom))
            else:
                valeurs[q.nom] = valeur
        uuid = cellule(j_uuid).removeprefix("uuid:")
        if principale and j_uuid is not None and not uuid:
            problemes.append(Probleme(feuille.origine, "soumission sans « _uuid » ; attendu : l'identifiant donné "
                                      "par KoboToolbox", ligne=numero, colonne="_uuid"))
        lignes.append(_Ligne(feuille.origine, numero, valeurs, uuid, cellule(j_index),
                             cellule(j_parent_uuid).removeprefix("uuid:") or cellule(j_parent)))
    return lignes


@dataclass
class _Soumission:
    ligne: _Ligne
    repetitions: dict[str, list[_Ligne]] = field(default_factory=dict)


def _feuille_repetition(feuilles: list[FeuilleExport], nom: str) -> FeuilleExport | None:
    for feuille in feuilles[1:]:
        if feuille.nom == nom or feuille.nom == nom[:31] or cle_normalisee(feuille.nom) == cle_normalisee(nom):
            return feuille
    return None


def _lire_soumissions(chemin: Path, formulaire: Formulaire, problemes: list[Probleme]) -> list[_Soumission]:
    feuilles = lire_export(chemin, problemes)
    if not feuilles:
        return []
    principale = feuilles[0]
    questions = _questions_de(formulaire, None)
    colonnes = _associer(principale, questions, formulaire, problemes)
    if not colonnes:
        return []
    soumissions = [_Soumission(ligne) for ligne in
                   _lire_lignes(principale, colonnes, questions, formulaire, True, problemes)]
    vus: dict[str, int] = {}
    for s in soumissions:
        if s.ligne.uuid in vus:
            problemes.append(Probleme(principale.origine, f"soumission « {s.ligne.uuid} » en double (déjà ligne "
                                      f"{vus[s.ligne.uuid]})", ligne=s.ligne.numero, colonne="_uuid"))
        elif s.ligne.uuid:
            vus[s.ligne.uuid] = s.ligne.numero
    par_uuid = {s.ligne.uuid: s for s in soumissions if s.ligne.uuid}
    par_index = {s.ligne.index: s for s in soumissions if s.ligne.index}
    for repetition in formulaire.repetitions:
        feuille = _feuille_repetition(feuilles, repetition)
        if feuille is None:
            if chemin.suffix.lower() in (".csv", ".txt"):
                problemes.append(Probleme(
                    chemin.name, f"l'export CSV ne contient pas le groupe répété « {repetition} » (partenaires "
                    "d'affaires) : aucune relation ne sera importée ; exportez en XLSX pour les avoir",
                    gravite="avertissement"))
            else:
                problemes.append(Probleme(
                    chemin.name, f"feuille « {repetition} » absente ; attendu : une feuille par groupe répété du "
                    "formulaire (export XLSX de KoboToolbox)"))
            continue
        questions_r = _questions_de(formulaire, repetition)
        colonnes_r = _associer(feuille, questions_r, formulaire, problemes)
        if not colonnes_r:
            continue
        for ligne in _lire_lignes(feuille, colonnes_r, questions_r, formulaire, False, problemes):
            parent = par_uuid.get(ligne.parent) or par_index.get(ligne.parent)
            if parent is None:
                problemes.append(Probleme(feuille.origine, f"ligne rattachée à une soumission absente de la feuille "
                                          f"principale (« {ligne.parent or 'vide'} »)", ligne=ligne.numero))
                continue
            parent.repetitions.setdefault(repetition, []).append(ligne)
    return soumissions


# --- Fusion dans le jeu ------------------------------------------------------------------------------


def _texte(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float):
        return str(int(valeur)) if valeur.is_integer() else repr(valeur)
    return str(valeur)


class _Table:
    """Une table du jeu en lignes de textes, avec ses colonnes dans l'ordre."""

    def __init__(self, nom: str, cadre: pd.DataFrame | None, extra: tuple[str, ...] = ()):
        formats = [c.nom for c in referentiel.colonnes(nom)] if nom in referentiel.tables() else []
        existantes = list(cadre.columns) if cadre is not None else []
        self.nom = nom
        self.colonnes = [*formats, *(c for c in existantes if c not in formats)]
        self.colonnes += [c for c in extra if c not in self.colonnes]
        self.lignes: list[dict[str, str]] = []
        if cadre is not None:
            for ligne in cadre.to_dict("records"):
                self.lignes.append({c: "" if pd.isna(ligne.get(c)) else str(ligne.get(c, "")) for c in self.colonnes})

    def cadre(self) -> pd.DataFrame:
        return pd.DataFrame([[ligne.get(c, "") for c in self.colonnes] for ligne in self.lignes],
                            columns=self.colonnes, dtype="str")


@dataclass
class BilanImport:
    """Ce que l'import a fait (ou ferait) : comptes par table, rejets, erreurs bloquantes."""

    export: Path
    destination: Path
    formulaire: str = ""
    soumissions: int = 0
    ajoutes: Counter = field(default_factory=Counter)
    mis_a_jour: Counter = field(default_factory=Counter)
    inchanges: Counter = field(default_factory=Counter)
    conserves: Counter = field(default_factory=Counter)
    retires: Counter = field(default_factory=Counter)
    reponses: int = 0
    rejets: list[Probleme] = field(default_factory=list)
    erreurs: list[Probleme] = field(default_factory=list)
    avertissements: list[Probleme] = field(default_factory=list)
    nouveau_jeu: bool = False
    ecrit: bool = False

    def resume(self) -> str:
        """Le résumé en français, tel que l'affiche la ligne de commande."""
        lignes = []
        if self.erreurs:
            lignes.append(f"Import refusé : {len(self.erreurs)} problème(s) ; rien n'a été écrit dans "
                          f"{self.destination}.")
            lignes += [f"  - {p}" for p in self.erreurs]
            lignes += [f"  - {p}" for p in self.avertissements]
            return "\n".join(lignes)
        quoi = "créé" if self.nouveau_jeu else "mis à jour"
        lignes.append(f"Import de {self.export.name} ({self.formulaire}) : {self.soumissions} soumission(s) lue(s).")
        noms = {"acteurs": ("acteurs", "ajouté(s)", "mis à jour", "gardé(s) tel(s) quel(s)"),
                "relations": ("relations", "ajoutée(s)", "mise(s) à jour", "gardée(s) telle(s) quelle(s)"),
                "scores": ("notes", "ajoutée(s)", "mise(s) à jour", "gardée(s) telle(s) quelle(s)")}
        for table, (nom, ajout, maj, garde) in noms.items():
            if not any(c[table] for c in (self.ajoutes, self.mis_a_jour, self.inchanges, self.conserves,
                                           self.retires)):
                continue
            morceaux = [f"{self.ajoutes[table]} {ajout}", f"{self.mis_a_jour[table]} {maj}"]
            if self.inchanges[table]:
                morceaux.append(f"{self.inchanges[table]} inchangée(s)" if table != "acteurs"
                                else f"{self.inchanges[table]} inchangé(s)")
            if self.conserves[table]:
                morceaux.append(f"{self.conserves[table]} déjà présent(s), {garde}" if table == "acteurs"
                                else f"{self.conserves[table]} déjà présente(s), {garde}")
            if self.retires[table]:
                morceaux.append(f"{self.retires[table]} retirée(s) (plus dans la soumission)")
            lignes.append(f"  {nom:<10}: " + ", ".join(morceaux))
        if self.reponses:
            lignes.append(f"  {'réponses':<10}: {self.reponses} réponse(s) qualitative(s) dans {FICHIER_REPONSES}.csv")
        lignes.append(f"  {'rejets':<10}: {len(self.rejets)}")
        lignes += [f"    - {p}" for p in self.rejets]
        if self.avertissements:
            lignes.append("  à savoir :")
            lignes += [f"    - {p.lieu()} : {p.message}" for p in self.avertissements]
        if self.ecrit:
            lignes.append(f"Jeu {quoi} : {self.destination} (vérification : clusterlib validate {self.destination}).")
        else:
            lignes.append("Rien n'a été écrit (simulation).")
        return "\n".join(lignes)


def _remplacer(lignes: list[dict[str, str]], uuid: str, nouvelles: list[dict[str, str]]) -> list[dict[str, str]]:
    """Remplace les lignes de la soumission ``uuid`` par ``nouvelles``, à la place des anciennes (ou à la fin)."""
    position = next((i for i, ligne in enumerate(lignes) if ligne.get(COLONNE_SOUMISSION) == uuid), len(lignes))
    autres = [ligne for ligne in lignes if ligne.get(COLONNE_SOUMISSION) != uuid]
    return autres[:position] + nouvelles + autres[position:]


class _Fusion:
    """Fusionne les soumissions dans les tables du jeu (aucune écriture ici)."""

    def __init__(self, jeu: JeuTexte, formulaire: Formulaire, bilan: BilanImport):
        self.jeu = jeu
        self.formulaire = formulaire
        self.bilan = bilan
        ref = fiches_collecte()
        self.prefixes: dict[str, str] = ref["prefixes_id"]
        self.annexes = {q["nom"]: q.get("annexe", "") for fiche in ref["fiches"].values()
                        for s in fiche["sections"] for q in s["questions"] if "nom" in q}
        self.correspondances = {q["nom"]: q["colonne"] for q in ref["identification"]["questions"] if q.get("colonne")}
        self.champs = {q["nom"]: q["champ"] for q in ref["partenaires"]["questions"] if q.get("champ")}
        extra = (COLONNE_SOUMISSION,)
        self.acteurs = _Table("acteurs", jeu.tables.get("acteurs"), extra)
        self.relations = _Table("relations", jeu.tables.get("relations"), ("produit", *extra))
        self.scores = _Table("scores", jeu.tables.get("scores"), extra)
        self.reponses = _Table(FICHIER_REPONSES, jeu.annexes.get(FICHIER_REPONSES), tuple(COLONNES_REPONSES))
        self.par_nom: dict[str, list[tuple[str, str]]] = {}
        for a in self.acteurs.lignes:
            self.par_nom.setdefault(cle_normalisee(a.get("nom", "")), []).append(
                (a["id"], cle_normalisee(a.get("commune", ""))))
        self.ids = {a["id"] for a in self.acteurs.lignes}
        self.crees: set[str] = set()  # acteurs ajoutés par cet import
        self.gardes: set[str] = set()  # acteurs existants retrouvés et laissés tels quels
        self.modifies: set[str] = set()

    # Acteurs -------------------------------------------------------------------------------------

    def _trouver(self, nom: Any, commune: Any = None) -> str | None:
        """L'id d'un acteur du même nom (et de la même commune quand les deux sont connues)."""
        commune = cle_normalisee(commune or "")
        for ident, sa_commune in self.par_nom.get(cle_normalisee(nom or ""), []):
            if not commune or not sa_commune or commune == sa_commune:
                return ident
        return None

    def _completer(self, ident: str, valeurs: dict[str, str]) -> None:
        """Remplit les cellules vides d'un acteur déjà importé ; un acteur saisi à la main reste intact."""
        ligne = next(a for a in self.acteurs.lignes if a["id"] == ident)
        ajouts = {c: x for c, x in valeurs.items() if x and not ligne.get(c)} if ligne.get(COLONNE_SOUMISSION) else {}
        if ajouts:
            ligne.update(ajouts)
            if ident not in self.crees and ident not in self.modifies:
                self.bilan.mis_a_jour["acteurs"] += 1
            self.modifies.add(ident)
        elif ident not in self.crees:
            self.gardes.add(ident)

    def _nouvel_id(self, maillon: str) -> str:
        prefixe = self.prefixes.get(maillon, "A")
        motif = re.compile(rf"^{re.escape(prefixe)}(\d+)$")
        nombres = [(int(m[1]), len(m[1])) for i in self.ids if (m := motif.match(i))]
        suivant = max((n for n, _ in nombres), default=0) + 1
        largeur = max((w for _, w in nombres), default=2)
        ident = f"{prefixe}{suivant:0{largeur}d}"
        while ident in self.ids:
            suivant += 1
            ident = f"{prefixe}{suivant:0{largeur}d}"
        return ident

    def _ajouter_acteur(self, valeurs: dict[str, str], soumission: str, ident: str | None = None) -> str:
        ident = ident or self._nouvel_id(valeurs["maillon"])
        ligne = {c: "" for c in self.acteurs.colonnes}
        ligne.update(valeurs)
        ligne["id"] = ident
        ligne[COLONNE_SOUMISSION] = soumission
        self.acteurs.lignes.append(ligne)
        self.ids.add(ident)
        self.crees.add(ident)
        self.par_nom.setdefault(cle_normalisee(ligne["nom"]), []).append((ident, cle_normalisee(ligne["commune"])))
        self.bilan.ajoutes["acteurs"] += 1
        return ident

    def _acteur_enquete(self, s: _Soumission) -> str | None:
        v = s.ligne.valeurs
        lieu = {"fichier": s.ligne.origine, "ligne": s.ligne.numero}
        manque = [q for q in ("nom_acteur", "maillon", "forme") if not v.get(q)]
        if manque:
            self.bilan.rejets.append(Probleme(**lieu, message=f"soumission rejetée : réponse manquante à "
                                              f"« {', '.join(manque)} » ; attendu : le nom, le maillon et la forme "
                                              "de l'acteur"))
            return None
        effectif, femmes = v.get("effectif"), v.get("femmes")
        if effectif is not None and effectif < 1:
            self.bilan.rejets.append(Probleme(**lieu, colonne="effectif", message=f"soumission rejetée : effectif "
                                              f"{effectif} ; attendu : au moins 1"))
            return None
        if femmes is not None and (femmes < 0 or (effectif is not None and femmes > effectif)):
            self.bilan.rejets.append(Probleme(**lieu, colonne="femmes", message=f"soumission rejetée : {femmes} "
                                              f"femmes pour un effectif de {effectif} ; attendu : au plus l'effectif"))
            return None
        valeurs: dict[str, str] = {}
        for question, colonne in self.correspondances.items():
            if colonne == "position":
                if question in v:
                    valeurs["latitude"], valeurs["longitude"] = (_texte(x) for x in v[question])
            elif colonne != "id":
                valeurs[colonne] = _texte(v.get(question))
        uuid = s.ligne.uuid
        proprietaire = next((a for a in self.acteurs.lignes if a.get(COLONNE_SOUMISSION) == uuid), None)
        if proprietaire is not None:
            change = {c: x for c, x in valeurs.items() if proprietaire.get(c, "") != x}
            if change:
                proprietaire.update(change)
                self.bilan.mis_a_jour["acteurs"] += 1
            else:
                self.bilan.inchanges["acteurs"] += 1
            return proprietaire["id"]
        ident = v.get("id_acteur")
        trouve = ident if ident in self.ids else None if ident else self._trouver(valeurs["nom"], valeurs["commune"])
        if trouve:
            self._completer(trouve, valeurs)
            return trouve
        return self._ajouter_acteur(valeurs, uuid, ident or None)

    def _partenaire(self, p: _Ligne, uuid: str, enquete: str) -> str | None:
        """L'id du partenaire d'une ligne du groupe répété (créé au besoin), ou ``None`` si la ligne est rejetée."""
        v = {self.champs[q]: x for q, x in p.valeurs.items() if q in self.champs}
        manque = [q for q, c in self.champs.items() if c in ("nom", "maillon", "forme", "sens", "type", "contrat")
                  and not v.get(c)]
        raison = None
        if manque:
            raison = f"réponse manquante à « {', '.join(manque)} »"
        elif v["contrat"] == "aucun" and v.get("respect") is not None:
            raison = "part des engagements tenus donnée sans contrat ; attendu : un contrat écrit ou verbal"
        elif v.get("respect") is not None and not 0 <= v["respect"] <= 100:
            raison = f"respect {v['respect']} ; attendu : un pourcentage de 0 à 100"
        ident = v.get("id")
        trouve = ident if ident in self.ids else None if ident else self._trouver(v.get("nom"), v.get("commune"))
        if raison is None and trouve == enquete:
            raison = "le partenaire est l'acteur enquêté lui-même"
        if raison:
            self.bilan.rejets.append(Probleme(p.origine, f"partenaire rejeté : {raison}", ligne=p.numero))
            return None
        if trouve:
            if trouve not in self.crees:
                self.gardes.add(trouve)
            return trouve
        return self._ajouter_acteur({"nom": v["nom"], "maillon": v["maillon"], "forme": v["forme"],
                                     "commune": _texte(v.get("commune"))}, f"{uuid}#partenaire", ident or None)

    # Relations -------------------------------------------------------------------------------------

    def _compter(self, table: str, ancienne: dict[str, str] | None, ligne: dict[str, str]) -> None:
        """Compte au bilan une ligne importée dans ``table`` : ajoutée (pas d'``ancienne``), mise à jour
        (une valeur change) ou inchangée."""
        if ancienne is None:
            self.bilan.ajoutes[table] += 1
        elif any(ancienne.get(c, "") != ligne[c] for c in ligne):
            self.bilan.mis_a_jour[table] += 1
        else:
            self.bilan.inchanges[table] += 1

    def _relations(self, s: _Soumission, enquete: str) -> dict[int, str]:
        """Remplace les relations de la soumission ; renvoie l'id du partenaire de chaque ligne gardée."""
        uuid = s.ligne.uuid
        nouvelles: list[dict[str, str]] = []
        partenaires: dict[int, str] = {}
        for i, p in enumerate(s.repetitions.get("partenaires", [])):
            partenaire = self._partenaire(p, uuid, enquete)
            if partenaire is None:
                continue
            partenaires[i] = partenaire
            v = {self.champs[q]: x for q, x in p.valeurs.items() if q in self.champs}
            source, cible = (enquete, partenaire) if v["sens"] == "client" else (partenaire, enquete)
            ligne = {c: "" for c in self.relations.colonnes}
            ligne.update({"source": source, "cible": cible, "type": v["type"], "contrat": v["contrat"],
                          "respect": _texte(v.get("respect")), "volume": _texte(v.get("volume")),
                          "unite": _texte(v.get("unite")), "prix_unitaire": _texte(v.get("prix_unitaire")),
                          "depuis": _texte(v.get("depuis")), "produit": _texte(v.get("produit")),
                          COLONNE_SOUMISSION: uuid})
            ligne["_lieu"] = f"{p.origine}|{p.numero}"
            nouvelles.append(ligne)
        anciennes = [r for r in self.relations.lignes if r.get(COLONNE_SOUMISSION) == uuid]
        autres = [r for r in self.relations.lignes if r.get(COLONNE_SOUMISSION) != uuid]
        cles_autres = {(r["source"], r["cible"], r["type"]) for r in autres}
        par_cle = {(r["source"], r["cible"], r["type"]): r for r in anciennes}
        gardees: list[dict[str, str]] = []
        vues: set[tuple[str, str, str]] = set()
        for ligne in nouvelles:
            origine, numero = ligne.pop("_lieu").rsplit("|", 1)
            cle = (ligne["source"], ligne["cible"], ligne["type"])
            if cle in cles_autres or cle in vues:
                self.bilan.rejets.append(Probleme(origine, f"relation {cle[0]} → {cle[1]} ({cle[2]}) déjà présente "
                                                  "dans le jeu (déclarée par une autre fiche ou saisie à la main) ; "
                                                  "elle est gardée telle quelle", ligne=int(numero)))
                continue
            vues.add(cle)
            self._compter("relations", par_cle.pop(cle, None), ligne)
            gardees.append(ligne)
        self.bilan.retires["relations"] += len(par_cle)
        self.relations.lignes = _remplacer(self.relations.lignes, uuid, gardees)
        return partenaires

    # Réponses qualitatives ------------------------------------------------------------------------

    def _reponses(self, s: _Soumission, nature: str, acteur: str, partenaires: dict[int, str]) -> list[dict]:
        lignes = []
        mappees = set(self.correspondances) | set(self.champs)

        def ajouter(ligne: _Ligne, partenaire: str) -> None:
            for q in self.formulaire.questions:
                if q.nom in mappees or q.nom not in ligne.valeurs:
                    continue
                valeur = ligne.valeurs[q.nom]
                if q.type in ("select_one", "select_multiple"):
                    codes = valeur if isinstance(valeur, list) else [valeur]
                    libelles = self.formulaire.choix.get(q.liste or "", {})
                    texte = "; ".join(libelles.get(c, c) for c in codes)
                else:
                    texte = _texte(valeur)
                lignes.append({"soumission": s.ligne.uuid, "fiche": nature, "acteur": acteur, "partenaire": partenaire,
                               "annexe": self.annexes.get(q.nom, ""), "question": q.nom, "libelle": q.libelle,
                               "reponse": texte})

        ajouter(s.ligne, "")
        for i, p in enumerate(s.repetitions.get("partenaires", [])):
            if i in partenaires:
                ajouter(p, partenaires[i])
        return lignes

    def fiche(self, soumissions: list[_Soumission], nature: str) -> None:
        for s in soumissions:
            acteur = self._acteur_enquete(s)
            if acteur is None:
                continue
            partenaires = self._relations(s, acteur)
            nouvelles = self._reponses(s, nature, acteur, partenaires)
            self.reponses.lignes = _remplacer(self.reponses.lignes, s.ligne.uuid,
                                              [{c: r.get(c, "") for c in self.reponses.colonnes} for r in nouvelles])
            self.bilan.reponses += len(nouvelles)
        self.bilan.conserves["acteurs"] = len(self.gardes - self.modifies)

    # Grille ------------------------------------------------------------------------------------------

    def grille(self, soumissions: list[_Soumission]) -> None:
        ids = list(referentiel.indicateurs()["indicateur"])
        for s in soumissions:
            v = s.ligne.valeurs
            lieu = {"fichier": s.ligne.origine, "ligne": s.ligne.numero}
            campagne = str(v.get("campagne", ""))
            if regles.campagne(campagne) is None:
                self.bilan.rejets.append(Probleme(**lieu, colonne="campagne", message=f"soumission rejetée : "
                                                  f"campagne « {campagne} » ; attendu : "
                                                  f"{regles.campagne_attendue()}"))
                continue
            campagne = regles.campagne(campagne)
            evaluateur = str(v.get("evaluateur", "")).strip()
            if not evaluateur:
                self.bilan.rejets.append(Probleme(**lieu, colonne="evaluateur", message="soumission rejetée : "
                                                  "évaluateur manquant ; attendu : le nom ou le rôle de qui note"))
                continue
            uuid = s.ligne.uuid
            anciennes = {(r["campagne"], r["indicateur"], r["evaluateur"]): r for r in self.scores.lignes
                         if r.get(COLONNE_SOUMISSION) == uuid}
            autres = [r for r in self.scores.lignes if r.get(COLONNE_SOUMISSION) != uuid]
            cles_autres = {(r["campagne"], r["indicateur"], r["evaluateur"]) for r in autres}
            nouvelles = []
            for ident in ids:
                note = v.get(f"note_{ident.replace('.', '_')}")
                if note is None:
                    continue
                cle = (campagne, ident, evaluateur)
                if cle in cles_autres:
                    self.bilan.rejets.append(Probleme(**lieu, colonne=f"note_{ident.replace('.', '_')}",
                                                      message=f"note de l'indicateur {ident} rejetée : « {evaluateur} »"
                                                      f" l'a déjà notée pour {campagne} dans le jeu ; supprimez "
                                                      "l'ancienne ligne de scores pour la remplacer"))
                    continue
                ligne = {c: "" for c in self.scores.colonnes}
                ligne.update({"campagne": campagne, "indicateur": ident, "score": str(note),
                              "justification": _texte(v.get(f"justif_{ident.replace('.', '_')}")),
                              "evaluateur": evaluateur, COLONNE_SOUMISSION: uuid})
                self._compter("scores", anciennes.pop(cle, None), ligne)
                nouvelles.append(ligne)
            self.bilan.retires["scores"] += len(anciennes)
            self.scores.lignes = _remplacer(self.scores.lignes, uuid, nouvelles)

    def resultat(self) -> JeuTexte:
        tables = dict(self.jeu.tables)
        tables["acteurs"] = self.acteurs.cadre()
        tables["relations"] = self.relations.cadre()
        if self.scores.lignes or "scores" in tables:
            tables["scores"] = self.scores.cadre()
        annexes = dict(self.jeu.annexes)
        if self.reponses.lignes or FICHIER_REPONSES in annexes:
            annexes[FICHIER_REPONSES] = self.reponses.cadre()
        return JeuTexte(dict(self.jeu.fiche), tables, annexes)


def _plus_frequent(valeurs: list[Any]) -> str:
    remplies = [str(v).strip() for v in valeurs if v not in (None, "")]
    return Counter(remplies).most_common(1)[0][0] if remplies else ""


def _fiche_nouvelle(soumissions: list[_Soumission]) -> dict[str, Any]:
    nom = _plus_frequent([s.ligne.valeurs.get("cluster") for s in soumissions])
    ident = re.sub(r"-+", "-", cle_normalisee(nom).replace("_", "-").replace(".", "-")).strip("-") or "cluster"
    longueur = referentiel.identifiant_cluster().longueur_max
    if longueur is not None:  # un nom très long donne un identifiant que la validation accepte
        ident = ident[:longueur].rstrip("-") or "cluster"
    return {"id": ident, "nom": nom, "filiere": _plus_frequent([s.ligne.valeurs.get("filiere") for s in soumissions]),
            "campagne": _plus_frequent([s.ligne.valeurs.get("campagne") for s in soumissions])}


# --- Import complet ------------------------------------------------------------------------------------


def _fichier_table(dossier: Path, table: str) -> Path | None:
    for fichier in dossier.iterdir():
        if fichier.is_file() and cle_normalisee(fichier.stem) == table and not fichier.name.startswith((".", "~$")):
            return fichier
    return None


def importer_kobo(export: str | Path, formulaire: str | Path, destination: str | Path,
                  ecrire: bool = True) -> BilanImport:
    """Importe un export Kobo/ODK dans le jeu ``destination`` (un dossier, créé s'il n'existe pas).

    ``formulaire`` est le XLSForm qui a servi à la collecte (un de ceux de ``clusterlib templates``).
    Renvoie un :class:`BilanImport` ; si ``bilan.erreurs`` n'est pas vide, rien n'a été écrit.
    Lève :class:`~clusterlib.collecte.xlsform.ErreurFormulaire` si le formulaire est illisible ou n'est
    pas un formulaire de clusterlib, :class:`~clusterlib.fichiers.ErreurSortie` si ``destination``
    n'est pas un dossier, se trouve dans un autre jeu de données ou si l'import écraserait l'export ou le formulaire.
    """
    export, destination = Path(export), Path(destination)
    if destination.suffix.lower() in (".xlsx", ".xls") or destination.is_file():
        raise ErreurSortie(f"clusterlib import-kobo : {destination} n'est pas un dossier ; l'import écrit dans le "
                           "dossier d'un cluster (cluster.yml et tables CSV)")
    verifier_sortie(destination, commande="clusterlib import-kobo", dossier=True, jeu_admis=True)
    form = lire_formulaire(formulaire)
    nature = form.nature
    if nature is None:
        raise ErreurFormulaire(f"{Path(formulaire).name} : formulaire « {form.form_id} » inconnu ; attendu : un des "
                               "formulaires écrits par « clusterlib templates » (grille ou fiche de l'annexe 2)")
    bilan = BilanImport(export, destination, form.titre)
    problemes: list[Probleme] = []
    if not export.is_file():
        bilan.erreurs.append(Probleme(str(export), "export introuvable"))
        return bilan
    soumissions = _lire_soumissions(export, form, problemes)
    bilan.erreurs += [p for p in problemes if p.est_erreur]
    bilan.avertissements += [p for p in problemes if not p.est_erreur]
    bilan.soumissions = len(soumissions)
    if bilan.erreurs:
        return bilan

    bilan.nouveau_jeu = not (destination / "cluster.yml").exists() and not (destination / "cluster.yaml").exists()
    if bilan.nouveau_jeu:
        if destination.exists() and any(destination.iterdir()):
            bilan.erreurs.append(Probleme(str(destination), "dossier sans cluster.yml mais non vide ; attendu : le "
                                          "dossier d'un cluster, ou un dossier nouveau ou vide"))
            return bilan
        if nature == GRILLE:
            bilan.erreurs.append(Probleme(str(destination), "jeu introuvable ; importez d'abord les fiches des "
                                          "acteurs (la table acteurs est obligatoire) puis la grille"))
            return bilan
        jeu = JeuTexte(fiche=_fiche_nouvelle(soumissions))
    else:
        existant = valider_jeu(lire_jeu(destination))
        if existant.erreurs:
            bilan.erreurs.append(Probleme(str(destination), f"le jeu existant a {len(existant.erreurs)} erreur(s) ; "
                                          f"corrigez-les d'abord (clusterlib validate {destination})"))
            return bilan
        for table in ("acteurs", "relations", "scores", FICHIER_REPONSES):
            fichier = _fichier_table(destination, table)
            if fichier is not None and fichier.suffix.lower() not in (".csv", ".txt"):
                bilan.erreurs.append(Probleme(fichier.name, "l'import écrit des fichiers CSV ; enregistrez d'abord "
                                              "cette table en CSV (UTF-8) dans le dossier du cluster"))
        if bilan.erreurs:
            return bilan
        jeu = lire_jeu_texte(destination, annexes=(FICHIER_REPONSES,))
        nom_jeu = cle_normalisee(str(jeu.fiche.get("nom", "")))
        autres = {str(s.ligne.valeurs.get("cluster")) for s in soumissions
                  if s.ligne.valeurs.get("cluster") and cle_normalisee(s.ligne.valeurs["cluster"]) != nom_jeu}
        if autres:
            bilan.avertissements.append(Probleme(
                export.name, f"des soumissions portent sur « {', '.join(sorted(autres))} » alors que le jeu est "
                f"« {jeu.fiche.get('nom')} »", gravite="avertissement"))

    fusion = _Fusion(jeu, form, bilan)
    if nature == GRILLE:
        fusion.grille(soumissions)
    else:
        fusion.fiche(soumissions, nature)
    resultat = fusion.resultat()

    # Vérification complète du résultat avant d'écrire quoi que ce soit.
    destination.parent.mkdir(parents=True, exist_ok=True)
    essai = Path(tempfile.mkdtemp(prefix=".import-kobo-", dir=destination.parent))
    try:
        ecrire_dossier(resultat, essai)
        verification = valider_jeu(lire_jeu(essai))
        if verification.erreurs:
            bilan.erreurs += [Probleme(f"résultat de l'import ({p.fichier})", p.message, p.ligne, p.colonne, p.lettre)
                              for p in verification.erreurs]
            return bilan
        if not ecrire:
            return bilan
        # Tous les fichiers sont d'abord écrits à côté ; ils ne remplacent les anciens qu'une fois tous prêts.
        contenus: dict[Path, str] = {}
        if bilan.nouveau_jeu:
            contenus[destination / "cluster.yml"] = texte_fiche_yaml(
                resultat.fiche, "Fiche créée par clusterlib import-kobo : complétez-la (marchés, communes, "
                "agrégateur, coachs).")
        a_ecrire = {**{t: resultat.tables[t] for t in ("acteurs", "relations", "scores") if t in resultat.tables},
                    **{t: c for t, c in resultat.annexes.items() if t == FICHIER_REPONSES}}
        for table, cadre in a_ecrire.items():
            fichier = None if bilan.nouveau_jeu else _fichier_table(destination, table)
            contenus[fichier or destination / f"{table}.csv"] = texte_csv(cadre)
        for chemin in contenus:
            for entree in (export, Path(formulaire)):
                if meme_fichier(chemin, entree):
                    raise ErreurSortie(f"clusterlib import-kobo : l'import écrirait {chemin}, qui est le fichier "
                                       f"d'entrée {entree} ; rien n'a été écrit. Rangez l'export et le formulaire "
                                       "hors du dossier du cluster.")
        destination.mkdir(parents=True, exist_ok=True)
        with ExitStack() as pile:
            for chemin, texte in contenus.items():
                pile.enter_context(ecriture_atomique(chemin)).write_text(texte, encoding="utf-8")
        bilan.ecrit = True
    finally:
        shutil.rmtree(essai, ignore_errors=True)
    return bilan
