"""Validation des données d'un cluster et conversion en tableaux typés.

Chaque valeur est contrôlée selon le référentiel ``format_donnees.yml`` ; tous les
problèmes sont réunis (pas seulement le premier), chacun situé par fichier, ligne et
colonne, avec la valeur trouvée et ce qui était attendu.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.donnees.lecture import FicheBrute, JeuBrut, TableBrute, lire_jeu
from clusterlib.donnees.problemes import Probleme, abrege, lettre_colonne
from clusterlib.referentiel import Colonne, cle_normalisee, regles

__all__ = ["JeuValide", "lire_booleen", "lire_nombre", "probleme_identifiant_cluster", "valider", "valider_jeu"]

_ESPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_NOMBRE = re.compile(r"^[+-]?(\d+([.,]\d+)*([.,]\d*)?|[.,]\d+)$")
_MOIS = re.compile(r"^(\d{4})-(\d{1,2})(-\d{1,2})?$")
_VRAI = {"true", "vrai", "oui", "1", "yes", "o", "x"}
_FAUX = {"false", "faux", "non", "0", "no", "n"}
TYPES_TEXTE = {"texte", "identifiant", "enum", "campagne", "mois", "indicateur", "objet_ffom"}


# --- Valeurs --------------------------------------------------------------------------------


def lire_nombre(texte: str) -> float:
    """Lit un nombre écrit à la française ou à l'anglaise.

    Espaces (y compris insécables) et apostrophes de milliers sont ignorés ; la virgule
    ou le point sert de séparateur décimal ; un « % » final est toléré.

    >>> lire_nombre("1 234 567,5")
    1234567.5
    >>> lire_nombre("1.234.567,5")
    1234567.5
    """
    if texte.isascii() and texte.isdigit():  # le cas le plus courant, d'abord
        return float(texte)
    brut = _ESPACES.sub("", str(texte)).removesuffix("%")
    if not brut:
        raise ValueError("vide")
    if not _NOMBRE.match(brut):
        try:  # notation scientifique d'Excel (1.5E+06)
            valeur = float(brut)
        except ValueError:
            raise ValueError(texte) from None
        if not math.isfinite(valeur):
            raise ValueError(texte)
        return valeur
    signe, corps = ("-", brut[1:]) if brut[0] in "+-" else ("", brut)
    if brut[0] == "+":
        signe = ""
    virgules, points = corps.count(","), corps.count(".")
    if virgules and points:
        decimal = "," if corps.rfind(",") > corps.rfind(".") else "."
        milliers = "." if decimal == "," else ","
        entier, _, decimales = corps.rpartition(decimal)
        groupes = entier.split(milliers)
        if decimal in entier or any(len(g) != 3 for g in groupes[1:]) or not groupes[0]:
            raise ValueError(texte)  # « 1.23,5 » ou « 1,234.567,8 » : séparateurs incohérents
        corps = "".join(groupes) + "." + decimales
    elif virgules > 1 or points > 1:
        sep = "," if virgules else "."
        groupes = corps.split(sep)
        if any(len(g) != 3 for g in groupes[1:]) or not groupes[0]:
            raise ValueError(texte)
        corps = "".join(groupes)
    else:
        corps = corps.replace(",", ".")
    return float(signe + corps)


def lire_booleen(texte: str) -> bool:
    """Lit oui/non, vrai/faux, true/false, 1/0."""
    cle = cle_normalisee(texte)
    if cle in _VRAI:
        return True
    if cle in _FAUX:
        return False
    raise ValueError(texte)


@cache
def _codes_normalises(enumeration: str) -> dict[str, str]:
    return {cle_normalisee(code): code for code in referentiel.codes(enumeration)}


@cache
def _nombre_absolu_max() -> float:
    return float(referentiel.lire("limites.yml")["nombre_absolu_max"])


_SEUIL_DIFFLIB = 2000  # au-delà, la recherche de suggestions passe par un index (temps linéaire)


class _Suggestions:
    """Suggestions pour des identifiants inconnus parmi ceux d'une table, en temps linéaire.

    Jusqu'à quelques milliers d'identifiants, :func:`_proche` (difflib) les compare tous ;
    au-delà, seuls les identifiants à une faute de frappe près (lettre en trop, en moins,
    remplacée ou deux lettres inversées, sans compter majuscules et espaces) sont proposés :
    chaque recherche coûte quelques centaines de consultations d'un index, quel que soit le
    nombre d'acteurs.
    """

    def __init__(self, possibles: list[str]) -> None:
        self.possibles = possibles
        self._index: dict[str, str] | None = None
        self._alphabet = ""

    def proche(self, valeur: str) -> str | None:
        if len(self.possibles) <= _SEUIL_DIFFLIB:
            return _proche(valeur, self.possibles)
        if self._index is None:
            self._index = {}
            for p in self.possibles:
                self._index.setdefault(p.strip().lower(), p)
            self._alphabet = "".join(sorted({c for cle in list(self._index)[:5000] for c in cle}))
        cle = str(valeur).strip().lower()
        if len(cle) > 200:
            return None
        if cle in self._index:
            return self._index[cle]
        alphabet = "".join(sorted(set(self._alphabet) | set(cle)))
        voisins = set()
        for i in range(len(cle) + 1):
            debut, fin = cle[:i], cle[i:]
            if fin:
                voisins.add(debut + fin[1:])
                if len(fin) > 1:
                    voisins.add(debut + fin[1] + fin[0] + fin[2:])
            for c in alphabet:
                voisins.add(debut + c + fin)
                if fin:
                    voisins.add(debut + c + fin[1:])
        trouves = sorted(self._index[v] for v in voisins if v in self._index)
        return trouves[0] if trouves else None


def _proche(valeur: str, possibles: list[str] | tuple[str, ...]) -> str | None:
    cle = cle_normalisee(valeur)
    cles = {cle_normalisee(p): p for p in possibles}
    proches = difflib.get_close_matches(cle, list(cles), n=1, cutoff=0.6)
    if proches:
        return cles[proches[0]]
    inclus = [p for k, p in cles.items() if cle and (cle in k or k in cle)]
    return inclus[0] if len(inclus) == 1 else None


def _attendu_enum(enumeration: str, valeur: str) -> str:
    codes = referentiel.codes(enumeration)
    message = f"valeur « {abrege(valeur)} » inconnue ; attendu : "
    if len(codes) <= 8:
        message += "une de ces valeurs : " + ", ".join(codes)
    else:
        message += f"un code de la liste « {enumeration} » ({', '.join(codes[:4])}, …)"
    proche = _proche(valeur, codes)
    if proche:
        message += f" ; vouliez-vous dire « {proche} » ?"
    return message


def _convertir(colonne: Colonne, texte: str) -> tuple[Any, str | None]:
    """Convertit une cellule selon le type de sa colonne ; renvoie (valeur, message d'erreur)."""
    t = colonne.type
    if t in ("texte", "identifiant", "objet_ffom"):
        invisible = regles.caractere_invisible(texte)
        if invisible:
            code, position = invisible
            apres = f" après « {abrege(texte[:position])} »" if position else " au début"
            return None, (f"caractère invisible {code}{apres} (souvent collé depuis un autre logiciel) ; "
                          "attendu : du texte sans caractère de contrôle (à retaper)")
        if colonne.longueur_max is not None and len(texte) > colonne.longueur_max:
            return None, (f"valeur « {texte[:30]}… » trop longue ({len(texte)} caractères) ; attendu : "
                          f"au plus {colonne.longueur_max} caractères")
        if colonne.motif and not re.fullmatch(colonne.motif, texte):
            return None, (f"valeur « {abrege(texte)} » invalide ; attendu : lettres minuscules sans accent, "
                          "chiffres et tirets, sans espace, en commençant par une lettre ou un chiffre "
                          "(par exemple riz-glazoue)")
        if texte.lower() in colonne.interdits:
            return None, (f"valeur « {abrege(texte)} » réservée par Windows pour un nom de fichier ; attendu : "
                          "un autre identifiant (par exemple riz-glazoue)")
        return texte, None
    if t == "enum":
        code = _codes_normalises(colonne.valeurs or "").get(cle_normalisee(texte))
        return (code, None) if code else (None, _attendu_enum(colonne.valeurs or "", texte))
    if t == "campagne":
        normale = regles.campagne(texte)
        if normale is None:
            return None, f"campagne « {abrege(texte)} » invalide ; attendu : {regles.campagne_attendue()}"
        return normale, None
    if t == "mois":
        m = _MOIS.match(texte)
        if not m or not 1 <= int(m[2]) <= 12:
            return None, f"date « {abrege(texte)} » invalide ; attendu : un mois au format AAAA-MM, par exemple 2025-10"
        return f"{m[1]}-{int(m[2]):02d}", None
    if t == "indicateur":
        ident = texte.replace(",", ".").strip()
        if ident in regles.ids_indicateurs():
            return ident, None
        return None, (f"indicateur « {abrege(texte)} » inconnu ; attendu : un identifiant de la grille, "
                      f"de {regles.plage_indicateurs()}")
    if t == "booleen":
        try:
            return lire_booleen(texte), None
        except ValueError:
            return None, f"valeur « {abrege(texte)} » invalide ; attendu : true ou false (oui ou non)"
    if t in ("nombre", "entier", "annee"):
        try:
            valeur = lire_nombre(texte)
        except ValueError:
            return None, (f"valeur « {abrege(texte)} » non numérique ; attendu : un nombre"
                          + (" entier" if t != "nombre" else "") + _bornes(colonne))
        if not math.isfinite(valeur) or abs(valeur) > _nombre_absolu_max():
            return None, (f"valeur « {abrege(texte, 40)} » hors limites ; attendu : un nombre"
                          + (" entier" if t != "nombre" else "") + _bornes(colonne)
                          + ", d'au plus un million de milliards (10^15) en valeur absolue")
        if t != "nombre" and not valeur.is_integer():
            return None, f"valeur « {abrege(texte)} » non entière ; attendu : un nombre entier{_bornes(colonne)}"
        if t == "annee" and not 1900 <= valeur <= 2100:
            return None, (f"année « {abrege(texte)} » invalide ; attendu : une année sur quatre chiffres, "
                          "par exemple 2019")
        if colonne.min is not None and valeur < colonne.min:
            nature = "négative" if valeur < 0 else "trop petite"
            return None, f"valeur « {abrege(texte)} » {nature} ; attendu : un nombre{_bornes(colonne)}"
        if colonne.max is not None and valeur > colonne.max:
            return None, f"valeur « {abrege(texte)} » trop grande ; attendu : un nombre{_bornes(colonne)}"
        return (int(valeur) if t != "nombre" else valeur), None
    raise ValueError(f"type de colonne inconnu dans le référentiel : {t}")


def _bornes(colonne: Colonne) -> str:
    def f(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")

    if colonne.min is not None and colonne.max is not None:
        return f" entre {f(colonne.min)} et {f(colonne.max)}"
    if colonne.min is not None:
        return " positif ou nul" if colonne.min == 0 else f" supérieur ou égal à {f(colonne.min)}"
    return ""


# --- Tables ---------------------------------------------------------------------------------


@dataclass
class JeuValide:
    """Résultat de la validation : fiche et tables typées, et problèmes trouvés."""

    chemin: Path
    fiche: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    lignes: dict[str, list[int]] = field(default_factory=dict)
    problemes: list[Probleme] = field(default_factory=list)
    brutes: dict[str, TableBrute] = field(default_factory=dict, repr=False)

    @property
    def erreurs(self) -> list[Probleme]:
        return [p for p in self.problemes if p.est_erreur]

    @property
    def valide(self) -> bool:
        return not self.erreurs


def _dtype(colonne_type: str) -> str:
    if colonne_type in ("entier", "annee"):
        return "Int64"
    if colonne_type == "nombre":
        return "float64"
    if colonne_type == "booleen":
        return "boolean"
    return "str"


def _valider_table(table: TableBrute, problemes: list[Probleme]) -> tuple[pd.DataFrame | None, list[int]]:
    colonnes = referentiel.colonnes(table.nom)
    connues = {c.nom for c in colonnes}
    manquantes = [c for c in colonnes if c.requise and c.nom not in table.entetes]
    inconnues = [h for h in table.entetes if h and h not in connues]
    for col in manquantes:
        message = f"colonne « {col.nom} » absente ; attendu : une colonne « {col.nom} » ({col.description})"
        proche = _proche(col.nom, inconnues)
        if proche:
            j = table.entetes.index(proche)
            message += f" ; la colonne « {table.entetes_bruts[j]} » serait-elle mal orthographiée ?"
        problemes.append(Probleme(table.origine, message, ligne=table.ligne_entete))
    if manquantes:
        return None, []
    index = {h: j for j, h in enumerate(table.entetes) if h}
    valeurs: dict[str, list[Any]] = {}
    numeros = [ligne for ligne, _ in table.lignes]
    # Colonne par colonne (l'ordre des problèmes d'une même ligne reste celui des colonnes, après le
    # tri final par fichier et ligne). Les valeurs qui se répètent (codes, petits nombres) ne sont
    # converties qu'une fois : un grand cluster se valide en quelques secondes.
    for col in colonnes:
        j = index.get(col.nom)
        lettre = lettre_colonne(j) if j is not None else None
        sortie: list[Any] = []
        valeurs[col.nom] = sortie
        manquante = (f"valeur manquante ; attendu : {col.description[0].lower()}{col.description[1:]}"
                     if col.remplie else None)
        memoire: dict[str, tuple[Any, str | None]] | None = (
            None if col.type in ("texte", "identifiant") else {})
        for ligne, cellules in table.lignes:
            texte = cellules[j] if j is not None else ""
            if not texte:
                if manquante:
                    problemes.append(Probleme(table.origine, manquante, ligne=ligne, colonne=col.nom,
                                              lettre=lettre))
                sortie.append(None)
                continue
            if memoire is None:
                resultat = _convertir(col, texte)
            else:
                resultat = memoire.get(texte)
                if resultat is None:
                    resultat = _convertir(col, texte)
                    if len(memoire) < 50_000:
                        memoire[texte] = resultat
            valeur, erreur = resultat
            if erreur:
                problemes.append(Probleme(table.origine, erreur, ligne=ligne, colonne=col.nom, lettre=lettre))
            sortie.append(valeur)
    for h in inconnues:
        valeurs[h] = [cellules[index[h]] or None for _, cellules in table.lignes]
    types = {c.nom: _dtype(c.type) for c in colonnes} | {h: "str" for h in inconnues}
    cadre = pd.DataFrame({nom: pd.Series(v, dtype=types[nom]) for nom, v in valeurs.items()})
    return cadre, numeros


# --- Fiche ----------------------------------------------------------------------------------


_ENTREE = re.compile(r"^(?P<nom>.*?)\s*\((?P<type>[^()]*)\)\s*$")


def _liste(valeur: Any) -> list[Any]:
    if isinstance(valeur, list):
        return [v for v in valeur if v not in ("", None)]
    if isinstance(valeur, str):
        return [morceau.strip() for morceau in valeur.split(";") if morceau.strip()]
    return [valeur]


def _entrees(valeur: Any, enumeration: str, cle: str, fiche: FicheBrute, ligne: int | None,
             problemes: list[Probleme]) -> list[dict[str, str]]:
    """Lit des entrées « nom (type) » ou des dictionnaires {nom, type} (marchés, coachs)."""
    resultat = []
    codes = _codes_normalises(enumeration)
    for element in _liste(valeur):
        if isinstance(element, dict):
            nom, type_ = str(element.get("nom", "")).strip(), str(element.get("type", "")).strip()
        else:
            m = _ENTREE.match(str(element))
            nom, type_ = (m["nom"], m["type"].strip()) if m else (str(element), "")
        if not nom or not type_:
            exemple = "Marché de Glazoué (local)" if cle == "marches" else "Awa Dossou (externe)"
            problemes.append(Probleme(
                fiche.origine, f"entrée « {element} » incomplète ; attendu : un nom suivi de son "
                f"type entre parenthèses, par exemple « {exemple} »",
                ligne=ligne, cle=cle))
            continue
        code = codes.get(cle_normalisee(type_))
        if code is None:
            problemes.append(Probleme(fiche.origine, _attendu_enum(enumeration, type_),
                                      ligne=ligne, cle=cle))
            continue
        resultat.append({"nom": nom, "type": code})
    return resultat


def _valider_fiche(fiche: FicheBrute, problemes: list[Probleme]) -> dict[str, Any]:
    resultat: dict[str, Any] = {}
    cles = referentiel.fiche()
    connues = {c.nom for c in cles} | {"territoire"}
    for col in cles:
        brut, ligne = fiche.valeurs.get(col.nom, (None, None))
        vide = brut in (None, "", []) or brut == {}
        if vide:
            if col.requise:
                problemes.append(Probleme(
                    fiche.origine, f"clé « {col.nom} » absente ou vide ; attendu : "
                    f"{col.description[0].lower()}{col.description[1:]} (exemple : {col.exemple})",
                    ligne=ligne, cle=col.nom))
            resultat[col.nom] = [] if col.type in ("liste", "marches", "coachs") else None
            continue
        if col.type == "liste":
            resultat[col.nom] = [str(v) for v in _liste(brut)]
        elif col.type in ("marches", "coachs"):
            enumeration = "types_marche" if col.type == "marches" else "types_coach"
            resultat[col.nom] = _entrees(brut, enumeration, col.nom, fiche, ligne, problemes)
        elif not isinstance(brut, str):
            problemes.append(Probleme(fiche.origine, f"une seule valeur attendue, pas une liste ; "
                                      f"exemple : {col.exemple}", ligne=ligne, cle=col.nom))
            resultat[col.nom] = None
        else:
            valeur, erreur = _convertir(col, brut)
            if erreur:
                problemes.append(Probleme(fiche.origine, erreur, ligne=ligne, cle=col.nom))
            resultat[col.nom] = valeur
    resultat["donnees_fictives"] = bool(resultat.get("donnees_fictives"))
    resultat["autres"] = {k: v for k, (v, _) in fiche.valeurs.items() if k not in connues}
    return resultat


# --- Règles entre colonnes et entre tables -----------------------------------------------------


def _probleme_ligne(jeu: JeuValide, table: str, i: int, colonne: str, message: str) -> Probleme:
    brute = jeu.brutes[table]
    j = brute.entetes.index(colonne) if colonne in brute.entetes else None
    return Probleme(brute.origine, message, ligne=jeu.lignes[table][i], colonne=colonne,
                    lettre=lettre_colonne(j) if j is not None else None)


def _vides(jeu: JeuValide, table: str, colonne: str) -> pd.Series:
    """Par ligne, vrai si la cellule est vide dans le fichier (et non pas illisible)."""
    brute = jeu.brutes[table]
    j = brute.entetes.index(colonne) if colonne in brute.entetes else None
    return pd.Series([j is None or not cellules[j] for _, cellules in brute.lignes], dtype=bool)


def _regles(jeu: JeuValide, fiche_brute: FicheBrute | None) -> None:
    t = jeu.tables
    p = jeu.problemes

    def ajoute(table: str, i: int, col: str, msg: str) -> None:
        p.append(_probleme_ligne(jeu, table, i, col, msg))

    def premieres_lignes(table: str, nature: str) -> dict[str, int]:
        """Chaque identifiant de ``table`` et l'indice de sa première ligne ; signale les doublons."""
        vus: dict[str, int] = {}
        for i, ident in enumerate(t[table]["id"]):
            if pd.isna(ident):
                continue
            if ident in vus:
                ajoute(table, i, "id", f"identifiant « {ident} » en double (déjà utilisé ligne "
                       f"{jeu.lignes[table][vus[ident]]}) ; attendu : un identifiant unique par {nature}")
            else:
                vus[ident] = i
        return vus

    ids: dict[str, int] = {}
    suggestions = _Suggestions([])
    if "acteurs" in t:
        acteurs = t["acteurs"]
        if acteurs.empty:
            p.append(Probleme(jeu.brutes["acteurs"].origine,
                              "aucun acteur ; attendu : au moins une ligne sous l'en-tête"))
        ids = premieres_lignes("acteurs", "acteur")
        suggestions = _Suggestions(list(ids))
        trop = acteurs["femmes"].gt(acteurs["effectif"]).fillna(False)
        for i in trop[trop].index:
            ajoute("acteurs", i, "femmes", f"{acteurs['femmes'][i]} femmes pour un effectif de "
                   f"{acteurs['effectif'][i]} ; attendu : un nombre de femmes au plus égal à l'effectif")

    def verifier_acteur(table: str, i: int, colonne: str, ident: Any) -> None:
        if ids and not pd.isna(ident) and ident not in ids:
            message = f"acteur « {abrege(ident)} » inconnu ; attendu : un id de la table acteurs"
            proche = suggestions.proche(ident)
            if proche:
                message += f" ; vouliez-vous dire « {proche} » ?"
            ajoute(table, i, colonne, message)

    if "relations" in t:
        rel = t["relations"]
        # Seules les lignes suspectes sont parcourues une à une (grands clusters) ; l'ordre des
        # messages d'une même ligne reste source, cible, boucle après le tri final par ligne.
        for colonne in ("source", "cible"):
            if ids:
                inconnus = rel[colonne].notna() & ~rel[colonne].isin(list(ids))
                for i in inconnus[inconnus].index:
                    verifier_acteur("relations", i, colonne, rel[colonne][i])
        boucles = rel["source"].eq(rel["cible"]).fillna(False) & rel["source"].notna()
        for i in boucles[boucles].index:
            ajoute("relations", i, "cible", f"la relation va de « {rel['source'][i]} » vers lui-même ; "
                   "attendu : deux acteurs différents")
        sans_contrat = rel["contrat"].eq("aucun").fillna(False) & rel["respect"].notna()
        for i in sans_contrat[sans_contrat].index:
            ajoute("relations", i, "respect", f"respect « {rel['respect'][i]:g} » donné sans contrat "
                   "(contrat = aucun) ; attendu : une cellule vide, ou un contrat écrit ou verbal")

    if jeu.fiche.get("agregateur") and ids and jeu.fiche["agregateur"] not in ids:
        ligne = fiche_brute.valeurs.get("agregateur", (None, None))[1] if fiche_brute else None
        message = f"agrégateur « {jeu.fiche['agregateur']} » inconnu ; attendu : un id de la table acteurs"
        proche = suggestions.proche(jeu.fiche["agregateur"])
        if proche:
            message += f" ; vouliez-vous dire « {proche} » ?"
        p.append(Probleme(fiche_brute.origine if fiche_brute else "cluster.yml", message,
                          ligne=ligne, cle="agregateur"))

    if "comptes" in t:
        # Une valeur illisible est déjà signalée : seules les cellules laissées vides comptent.
        manque = _vides(jeu, "comptes", "montant") & (
            _vides(jeu, "comptes", "quantite") | _vides(jeu, "comptes", "prix_unitaire"))
        for i in manque[manque].index:
            ajoute("comptes", i, "montant", "montant manquant ; attendu : un montant en FCFA, ou "
                   "bien une quantite et un prix_unitaire")

    if "performances" in t:
        perf = t["performances"]
        trop = perf["livraisons_a_temps"].gt(perf["livraisons_prevues"]).fillna(False)
        for i in trop[trop].index:
            ajoute("performances", i, "livraisons_a_temps",
                   f"{perf['livraisons_a_temps'][i]} livraisons à temps pour {perf['livraisons_prevues'][i]} "
                   "prévues ; attendu : au plus le nombre de livraisons prévues")

    if "scores" in t:
        s = t["scores"]
        if "evaluateur" in s:
            cles = s[["campagne", "indicateur", "evaluateur"]].dropna()
            doubles = cles.duplicated(keep="first")
            for i in doubles[doubles].index:
                ajoute("scores", i, "indicateur", f"l'évaluateur « {s['evaluateur'][i]} » note deux fois "
                       f"l'indicateur {s['indicateur'][i]} pour la campagne {s['campagne'][i]} ; "
                       "attendu : une note par évaluateur")

    if "ffom" in t:
        f = t["ffom"]
        maillons = _codes_normalises("maillons")
        for i, (niveau, objet) in enumerate(zip(f["niveau"], f["objet"], strict=True)):
            if pd.isna(niveau) or pd.isna(objet):
                continue
            morceaux = [m.strip() for m in objet.split("/")]
            attendu_nb = 1 if niveau == "maillon" else 2
            inconnus = [m for m in morceaux if cle_normalisee(m) not in maillons]
            if len(morceaux) != attendu_nb or inconnus:
                exemple = "transformateur" if niveau == "maillon" else "producteur/transformateur"
                message = (f"objet « {objet} » invalide pour le niveau {niveau} ; attendu : "
                           + ("un maillon" if niveau == "maillon" else "deux maillons reliés par « / »")
                           + f", par exemple {exemple}")
                proche = _proche(inconnus[0], list(maillons.values())) if inconnus else None
                if proche:
                    message += f" ; « {inconnus[0]} » : vouliez-vous dire « {proche} » ?"
                ajoute("ffom", i, "objet", message)
            else:
                f.loc[i, "objet"] = "/".join(maillons[cle_normalisee(m)] for m in morceaux)

    if "plan_actions" in t:
        plan = t["plan_actions"]
        premieres_lignes("plan_actions", "action")
        avant = (plan["fin"] < plan["debut"]).fillna(False)
        for i in avant[avant].index:
            ajoute("plan_actions", i, "fin", f"fin « {plan['fin'][i]} » avant le début « {plan['debut'][i]} » ; "
                   "attendu : un mois de fin égal ou postérieur au mois de début")


def valider_jeu(brut: JeuBrut) -> JeuValide:
    """Valide un jeu lu par :func:`clusterlib.donnees.lecture.lire_jeu` et type ses tables."""
    jeu = JeuValide(brut.chemin, problemes=list(brut.problemes), brutes=brut.tables)
    if brut.fiche is not None:
        jeu.fiche = _valider_fiche(brut.fiche, jeu.problemes)
    lisible = bool(brut.tables) or brut.fiche is not None
    for nom, infos in referentiel.tables().items():
        if nom in brut.tables:
            cadre, numeros = _valider_table(brut.tables[nom], jeu.problemes)
            if cadre is not None:
                jeu.tables[nom] = cadre
                jeu.lignes[nom] = numeros
        elif infos["requise"] and lisible and nom not in brut.illisibles:
            classeur = brut.chemin.suffix.lower() in (".xlsx", ".xlsm")
            lieu = brut.chemin.name if classeur else f"{nom}.csv"
            quoi = f"feuille « {nom} » absente" if classeur else "fichier absent"
            jeu.problemes.append(Probleme(lieu, f"{quoi} ; attendu : la table {nom} ({infos['description']})"))
    _regles(jeu, brut.fiche)
    jeu.problemes.sort(key=lambda p: (p.fichier, p.ligne or 0))
    return jeu


def valider(chemin: str | Path) -> list[Probleme]:
    """Valide un cluster (dossier ou classeur) et renvoie tous les problèmes trouvés.

    Une liste sans erreur (les avertissements sont permis) veut dire que le cluster est
    lisible par toutes les analyses. Rien n'est écrit dans les fichiers.
    """
    return valider_jeu(lire_jeu(chemin)).problemes


def probleme_identifiant_cluster(ident: str) -> str | None:
    """Le message d'erreur si ``ident`` ne respecte pas la règle des identifiants de cluster, sinon ``None``.

    La même règle (:func:`clusterlib.referentiel.identifiant_cluster`) sert à la validation de
    la fiche : un identifiant accepté par ``validate`` peut toujours nommer un dossier de rapport.
    """
    _, message = _convertir(referentiel.identifiant_cluster(), ident)
    return message
