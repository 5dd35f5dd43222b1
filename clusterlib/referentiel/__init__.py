"""Référentiels de clusterlib : listes de valeurs, format des données, grille de fonctionnement.

Les référentiels sont des fichiers YAML livrés avec le paquet (dans ce dossier) et lus
avec :mod:`importlib.resources`, jamais depuis le dossier de travail. Le code, le livre,
les formulaires et les modèles Excel les lisent tous ici : une seule source de vérité.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

__all__ = [
    "Colonne",
    "axes",
    "cle_normalisee",
    "codes",
    "colonnes",
    "cours",
    "description_colonnes",
    "enumeration",
    "enumerations",
    "exemple_table",
    "fiche",
    "fichiers",
    "figure_guide",
    "figures_guide",
    "grille",
    "indicateurs",
    "libelle",
    "libelle_de",
    "limites",
    "lire",
    "tables",
    "verifier",
]


def lire(nom: str) -> Any:
    """Le contenu d'un fichier YAML du référentiel (``"cartographie.yml"``…), lu une seule fois.

    Le résultat est partagé : ne pas le modifier (faire une copie avant).
    """
    return _lire(nom)


@cache
def _lire(nom: str) -> Any:
    texte = resources.files(__package__).joinpath(nom).read_text(encoding="utf-8")
    # Le chargeur en C (libyaml), dix fois plus rapide, quand PyYAML en dispose.
    return yaml.load(texte, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def cle_normalisee(texte: str) -> str:
    """Forme de comparaison d'un texte : minuscules, sans accents, séparateurs unifiés.

    « Sous régional », « sous-regional » et « SOUS_REGIONAL » donnent la même clé.
    """
    sans_accents = unicodedata.normalize("NFKD", str(texte))
    sans_accents = "".join(c for c in sans_accents if not unicodedata.combining(c))
    morceaux = "".join(c if c.isalnum() or c == "." else " " for c in sans_accents.lower())
    return "_".join(morceaux.split())


def limites() -> dict[str, Any]:
    """Les limites de lecture d'un cluster (``limites.yml``) : tailles, lignes, profondeur…

    >>> limites()["profondeur_yaml"]
    20
    """
    return copy.deepcopy(_lire("limites.yml"))


# --- Listes de valeurs -------------------------------------------------------------------


def enumerations() -> dict[str, dict[str, Any]]:
    """Toutes les listes de valeurs, par nom (copie modifiable)."""
    return copy.deepcopy(_lire("enumerations.yml"))


def enumeration(nom: str) -> pd.DataFrame:
    """Une liste de valeurs sous forme de tableau (colonnes ``code``, ``libelle``, …).

    >>> enumeration("contrats")["code"].tolist()
    ['ecrit', 'verbal', 'aucun']
    """
    donnees = _lire("enumerations.yml")
    if nom not in donnees:
        connues = ", ".join(sorted(donnees))
        raise KeyError(f"liste de valeurs « {nom} » inconnue ; listes connues : {connues}")
    return pd.DataFrame(donnees[nom]["valeurs"])


def codes(nom: str) -> tuple[str, ...]:
    """Les codes admis d'une liste de valeurs, dans l'ordre du référentiel."""
    return tuple(v["code"] for v in _lire("enumerations.yml")[nom]["valeurs"])


def libelle_de(valeurs: Iterable[Mapping[str, Any]], code: str) -> str:
    """Le libellé d'un code dans une liste d'entrées ``{code, libelle}`` d'un référentiel (le code
    lui-même s'il n'y est pas) : états d'action, soldes du compte, valeurs d'une énumération…"""
    for valeur in valeurs:
        if valeur["code"] == code:
            return valeur["libelle"]
    return code


def libelle(nom: str, code: str) -> str:
    """Le libellé français d'un code (le code lui-même s'il est inconnu)."""
    return libelle_de(_lire("enumerations.yml")[nom]["valeurs"], code)


# --- Format des données -------------------------------------------------------------------


@dataclass(frozen=True)
class Colonne:
    """Description d'une colonne d'une table (ou d'une clé de la fiche du cluster)."""

    nom: str
    type: str
    requise: bool
    remplie: bool = False
    valeurs: str | None = None
    unique: bool = False
    reference: str | None = None
    min: float | None = None
    max: float | None = None
    motif: str | None = None
    longueur_max: int | None = None
    interdits: tuple[str, ...] = ()
    exemple: str | None = None
    description: str = ""


def _colonne(d: dict[str, Any]) -> Colonne:
    d = dict(d)
    if d.get("exemple") is not None:
        d["exemple"] = str(d["exemple"])
    if d.get("interdits") is not None:
        d["interdits"] = tuple(str(v) for v in d["interdits"])
    return Colonne(**d)


def tables() -> dict[str, dict[str, Any]]:
    """Les tables du format de données : ``{nom: {"requise": bool, "description": str}}``."""
    return {
        nom: {"requise": t["requise"], "description": t["description"]}
        for nom, t in _lire("format_donnees.yml")["tables"].items()
    }


def colonnes(table: str) -> tuple[Colonne, ...]:
    """Les colonnes d'une table du format, dans l'ordre du référentiel."""
    return tuple(_colonne(c) for c in _lire("format_donnees.yml")["tables"][table]["colonnes"])


def fiche() -> tuple[Colonne, ...]:
    """Les clés de la fiche du cluster (``cluster.yml`` ou feuille ``cluster``)."""
    return tuple(_colonne(c) for c in _lire("format_donnees.yml")["fiche"]["cles"])


def identifiant_cluster() -> Colonne:
    """La règle de l'identifiant d'un cluster (clé ``id`` de la fiche) : motif, longueur, noms exclus.

    La validation et les rapports (qui nomment un dossier d'après l'identifiant) la lisent ici.
    """
    return next(c for c in fiche() if c.nom == "id")


# --- Grille de fonctionnement -------------------------------------------------------------


def grille() -> dict[str, Any]:
    """La grille d'analyse du fonctionnement (annexe 3 du guide), telle que dans le YAML."""
    return copy.deepcopy(_lire("grille.yml"))


def axes() -> pd.DataFrame:
    """Les six axes de la grille : ``axe`` (numéro), ``nom``, ``nom_court``."""
    lignes = [
        {"axe": a["numero"], "nom": a["nom"], "nom_court": a["nom_court"]}
        for a in _lire("grille.yml")["axes"]
    ]
    return pd.DataFrame(lignes)


def indicateurs() -> pd.DataFrame:
    """Les 24 indicateurs de la grille : ``indicateur`` (``1.1`` … ``6.4``), ``axe``, ``nom``."""
    lignes = [
        {"indicateur": i["id"], "axe": a["numero"], "nom": i["nom"]}
        for a in _lire("grille.yml")["axes"]
        for i in a["indicateurs"]
    ]
    return pd.DataFrame(lignes)


def description_colonnes(table: str) -> pd.DataFrame:
    """Tableau lisible des colonnes d'une table (ou de la fiche avec ``table="cluster"``).

    Colonnes : ``colonne``, ``type``, ``obligatoire``, ``description``, ``exemple`` ; les
    listes de valeurs admises sont nommées dans ``type``. Sert au livre et aux modèles.
    """
    libelles_types = _lire("format_donnees.yml")["types"]
    liste = fiche() if table == "cluster" else colonnes(table)
    lignes = []
    for c in liste:
        type_ = libelles_types[c.type]
        if c.valeurs:
            type_ += f" : {', '.join(codes(c.valeurs))}"
        if c.min is not None or c.max is not None:
            bas = "" if c.min is None else f"≥ {c.min:g}"
            haut = "" if c.max is None else f"≤ {c.max:g}"
            type_ += f" ({' et '.join(b for b in (bas, haut) if b)})"
        if not c.requise:
            obligatoire = "non (colonne facultative)" if table != "cluster" else "non"
        elif c.remplie or table == "cluster":
            obligatoire = "oui"
        else:
            obligatoire = "colonne oui, valeur facultative"
        lignes.append({"colonne": c.nom, "type": type_, "obligatoire": obligatoire,
                       "description": c.description, "exemple": c.exemple or ""})
    return pd.DataFrame(lignes)


def exemple_table(table: str) -> pd.DataFrame:
    """Une ligne d'exemple pour une table, faite des exemples du référentiel."""
    return pd.DataFrame([{c.nom: c.exemple or "" for c in colonnes(table)}])


# --- Grille : descripteurs et niveaux des notes (ajouté pour clusterlib.analyses.notation) ------------


def descripteurs() -> pd.DataFrame:
    """Les descripteurs des quatre niveaux de chaque indicateur de la grille.

    Colonnes : ``indicateur``, ``axe``, ``niveau`` (1 à 4), ``libelle`` (sens général du
    niveau) et ``descripteur`` (ce que l'on observe à ce niveau) ; 96 lignes.
    """
    g = _lire("grille.yml")
    libelles = g["echelle"]["libelles"]
    lignes = [
        {"indicateur": i["id"], "axe": a["numero"], "niveau": int(n), "libelle": libelles[int(n)],
         "descripteur": " ".join(str(texte).split())}
        for a in g["axes"]
        for i in a["indicateurs"]
        for n, texte in sorted(i["niveaux"].items())
    ]
    return pd.DataFrame(lignes)


def niveaux_notes() -> pd.DataFrame:
    """Les niveaux d'une note moyenne (indicateur, axe ou note globale) et leurs bornes.

    Colonnes : ``niveau``, ``libelle``, ``min`` (inclus), ``max`` (exclu, sauf pour le dernier
    niveau qui inclut la note maximale), ``pourcentage_min``, ``pourcentage_max`` et
    ``description``.
    """
    g = _lire("grille.yml")
    bas, haut = g["echelle"]["minimum"], g["echelle"]["maximum"]
    niveaux = sorted(g["niveaux_global"], key=lambda n: n["min"])
    lignes = []
    for k, n in enumerate(niveaux):
        fin = niveaux[k + 1]["min"] if k + 1 < len(niveaux) else haut
        lignes.append({
            "niveau": n["niveau"], "libelle": n["libelle"], "min": float(n["min"]), "max": float(fin),
            "pourcentage_min": (n["min"] - bas) / (haut - bas) * 100,
            "pourcentage_max": (fin - bas) / (haut - bas) * 100,
            "description": " ".join(n["description"].split()),
        })
    return pd.DataFrame(lignes)


# --- Cours de formation des coachs ------------------------------------------------------------


def cours() -> dict[str, Any]:
    """Le référentiel du cours de formation des coachs (``cours.yml``), copie modifiable.

    Clés : ``cours`` (titre, public, taille du groupe…), ``modules`` (numéro, titre, durée,
    objectifs, pages, outils, déroulé, évaluation, support imprimable), ``documents_materiel``
    et ``stage``. Les tableaux en sont tirés par :mod:`clusterlib.presentation.formation`.

    >>> [m["numero"] for m in cours()["modules"]]
    [1, 2, 3, 4, 5, 6, 7]
    """
    return copy.deepcopy(_lire("cours.yml"))


# --- Figures du guide et du livre --------------------------------------------------------------


def figures_guide(contenu: dict[str, Any] | None = None) -> dict[str, Any]:
    """Les figures du guide et du livre (``figures_guide.yml``), contrôlées par leur schéma.

    ``contenu`` remplace le fichier livré (pour essayer une variante). Le contenu est contrôlé
    à chaque appel : une clé mal orthographiée ou une valeur d'un mauvais type lève une
    ``ValueError`` qui cite chaque écart, avant tout dessin. Renvoie une copie modifiable :
    ``prefixe_guide`` et ``figures`` (liste de dictionnaires ``cle``, ``origine``, ``page``,
    ``etiquette``, ``legende``, ``donnees``…).

    >>> [f["cle"] for f in figures_guide()["figures"]][:2]
    ['carte_valuelinks_riz', 'schema_pole_case']
    """
    donnees = _lire("figures_guide.yml") if contenu is None else contenu
    ecarts = _ecarts("figures_guide.yml", donnees)
    if ecarts:
        raise ValueError("référentiel des figures non conforme :\n- " + "\n- ".join(ecarts))
    return copy.deepcopy(donnees)


def figure_guide(cle: str, contenu: dict[str, Any] | None = None) -> dict[str, Any]:
    """Une figure de ``figures_guide.yml`` par sa clé (``"phases_autonomie"``…), contrôlée."""
    figures = figures_guide(contenu)["figures"]
    for figure in figures:
        if figure["cle"] == cle:
            return figure
    connues = ", ".join(f["cle"] for f in figures)
    raise KeyError(f"figure « {cle} » inconnue ; figures connues : {connues}")


def fichiers() -> tuple[str, ...]:
    """Les fichiers YAML du référentiel (hors schémas), dans l'ordre alphabétique."""
    return tuple(sorted(
        p.name for p in resources.files(__package__).iterdir()
        if p.name.endswith(".yml") and p.name != "schemas.yml"
    ))


def verifier(nom: str) -> list[str]:
    """Contrôle un fichier du référentiel avec son schéma (``schemas.yml``) ; renvoie les écarts.

    Chaque écart est une phrase en français qui situe la clé fautive (« grille.yml, axes → 0 →
    indicateurs → 3 : … »). Une liste vide : le fichier est conforme. Un fichier sans schéma
    est un écart.
    """
    return _ecarts(nom, _lire(nom))


def _ecarts(nom: str, contenu: Any) -> list[str]:
    """Les écarts entre ``contenu`` et le schéma du fichier ``nom`` (voir :func:`verifier`)."""
    import jsonschema  # seulement pour ce contrôle : son import est lent

    schemas = _lire("schemas.yml")
    schema = schemas["fichiers"].get(nom)
    if schema is None:
        return [f"{nom} : aucun schéma dans schemas.yml ; ajoutez-en un"]
    schema = {**schema, "$defs": schemas.get("$defs", {})}
    ecarts = []
    for erreur in sorted(jsonschema.Draft202012Validator(schema).iter_errors(contenu), key=lambda e: list(e.path)):
        lieu = " → ".join(str(p) for p in erreur.absolute_path) or "racine"
        ecarts.append(f"{nom}, {lieu} : {_ecart_fr(erreur)}")
    return ecarts


def _ecart_fr(erreur: Any) -> str:
    """Le message d'une erreur de jsonschema, en français."""
    v = erreur.validator
    if v == "required":
        manquantes = [k for k in erreur.validator_value if k not in (erreur.instance or {})]
        return f"clé(s) obligatoire(s) absente(s) : {', '.join(manquantes)}"
    if v == "additionalProperties":
        connues = set(erreur.schema.get("properties", {}))
        inconnues = [k for k in erreur.instance if k not in connues]
        return f"clé(s) inconnue(s) : {', '.join(map(str, inconnues))} ; clés admises : {', '.join(sorted(connues))}"
    if v == "type":
        return f"valeur « {erreur.instance} » du mauvais type ; attendu : {erreur.validator_value}"
    if v == "enum":
        return f"valeur « {erreur.instance} » inconnue ; attendu : {', '.join(map(str, erreur.validator_value))}"
    if v == "pattern":
        return f"valeur « {erreur.instance} » mal formée (motif attendu : {erreur.validator_value})"
    if v == "minItems":
        return f"liste trop courte ; attendu : au moins {erreur.validator_value} élément(s)"
    if v == "minLength":
        return "texte vide ; attendu : un texte"
    return f"valeur non conforme au schéma ({v})"
