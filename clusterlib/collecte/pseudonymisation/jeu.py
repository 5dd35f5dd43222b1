"""Pseudonymisation d'un jeu en texte : tables, réponses de collecte, fiche du cluster, positions des personnes."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.collecte.kobo import COLONNE_SOUMISSION, FICHIER_REPONSES
from clusterlib.collecte.modeles_excel import JeuTexte
from clusterlib.collecte.pseudonymisation.pseudonymiseur import Pseudonymiseur
from clusterlib.collecte.xlsform import fiches_collecte
from clusterlib.referentiel import cle_normalisee

__all__ = ["pseudonymiser_jeu"]

DECIMALES_POSITION = 2
"""Décimales gardées pour la latitude et la longitude des personnes (0,01° ≈ 1,1 km)."""
TYPES_INTACTS = {"identifiant", "enum", "campagne", "mois", "indicateur", "objet_ffom", "nombre", "entier",
                 "annee", "booleen"}
COLONNES_REPONSES_INTACTES = {COLONNE_SOUMISSION, "fiche", "acteur", "partenaire", "annexe", "question", "libelle"}


def _colonnes_a_traiter(table: str, cadre: pd.DataFrame) -> list[str]:
    if table == FICHIER_REPONSES:
        return [c for c in cadre.columns if c not in COLONNES_REPONSES_INTACTES]
    types = {c.nom: c.type for c in referentiel.colonnes(table)} if table in referentiel.tables() else {}
    return [c for c in cadre.columns if types.get(c) not in TYPES_INTACTS and c != COLONNE_SOUMISSION]


def _questions_marquees(marque: str) -> set[str]:
    ref = fiches_collecte()
    blocs = [ref["enquete"], ref["identification"], ref["partenaires"], ref["grille"]["entete"]]
    return {q["nom"] for b in blocs for q in b["questions"] if q.get(marque)}


def _entrees_coachs(valeur: Any, nommer: Callable[[str], str]) -> tuple[Any, int]:
    """Applique ``nommer`` au nom de chaque coach de la fiche (liste de {nom, type} ou texte « nom (type); … »)."""
    changes = 0
    if isinstance(valeur, list):
        resultat = []
        for entree in valeur:
            if isinstance(entree, dict) and entree.get("nom"):
                resultat.append({**entree, "nom": nommer(str(entree["nom"]))})
                changes += 1
            elif isinstance(entree, str):
                nouveau, n = _entrees_coachs(entree, nommer)
                resultat.append(nouveau)
                changes += n
            else:
                resultat.append(entree)
        return resultat, changes
    if isinstance(valeur, str):
        morceaux = []
        for morceau in valeur.split(";"):
            m = re.match(r"^\s*(?P<nom>.*?)\s*(?P<type>\([^()]*\))?\s*$", morceau)
            if m and m["nom"]:
                morceaux.append(f"{nommer(m['nom'])} {m['type'] or ''}".strip())
                changes += 1
            elif morceau.strip():
                morceaux.append(morceau.strip())
        return "; ".join(morceaux), changes
    return valeur, 0


def _textes_fiche(valeur: Any) -> Iterable[str]:
    """Tous les textes d'une valeur de la fiche (texte, liste, dictionnaire imbriqués)."""
    if isinstance(valeur, str):
        yield valeur
    elif isinstance(valeur, list):
        for v in valeur:
            yield from _textes_fiche(v)
    elif isinstance(valeur, dict):
        for v in valeur.values():
            yield from _textes_fiche(v)


def _arrondir_position(texte: str) -> str:
    """Une latitude ou une longitude arrondie à :data:`DECIMALES_POSITION` décimales, virgule gardée."""
    brut = str(texte).strip()
    if not brut:
        return texte
    try:
        nombre = float(brut.replace(",", ".").replace(" ", ""))
    except ValueError:
        return texte  # le jeu a été validé : ne se produit pas
    if round(nombre, DECIMALES_POSITION) == nombre:
        return texte  # déjà assez grossière
    arrondi = f"{round(nombre, DECIMALES_POSITION):.{DECIMALES_POSITION}f}"
    return arrondi.replace(".", ",") if "," in brut else arrondi


def pseudonymiser_jeu(jeu: JeuTexte, cle: bytes) -> tuple[JeuTexte, Counter, int]:
    """Pseudonymise un jeu en texte.

    Renvoie le nouveau jeu, les cellules changées par colonne (« table.colonne » → nombre) et
    le nombre de personnes pseudonymisées. Le jeu reçu n'est pas modifié ; identifiants,
    codes et nombres restent identiques, sauf la position des acteurs de forme ``individu``,
    arrondie.
    """
    p = Pseudonymiseur(cle)
    ref = fiches_collecte()["pseudonymisation"]
    changes: Counter = Counter()
    questions_personnes = _questions_marquees("personne")
    questions_telephones = _questions_marquees("telephone")
    tables = {nom: cadre.copy() for nom, cadre in jeu.tables.items()}
    annexes = {nom: cadre.copy() for nom, cadre in jeu.annexes.items()}
    fiche = dict(jeu.fiche)
    a_traiter = [(nom, cadre, _colonnes_a_traiter(nom, cadre)) for nom, cadre in (*tables.items(), *annexes.items())]

    # 0. Les lieux et produits du jeu ne sont jamais pris seuls pour une partie de nom.
    for cle_fiche in ("territoire", "filiere", "produits_finis", "marches"):
        p.proteger(_textes_fiche(fiche.get(cle_fiche)))
    for cadre in tables.values():
        if "commune" in cadre:
            p.proteger(cadre["commune"].fillna("").astype(str))

    # 1. Les noms de personnes : là où la structure dit qu'il y en a, puis après une civilité.
    acteurs = tables.get("acteurs")
    individus: dict[int, tuple[str, str]] = {}
    if acteurs is not None and {"nom", "forme"} <= set(acteurs.columns):
        for i, (nom, forme) in enumerate(zip(acteurs["nom"], acteurs["forme"], strict=True)):
            if cle_normalisee(forme or "") == "individu" and nom:
                personne, virgule, reste = str(nom).partition(",")
                individus[i] = (personne.strip(), virgule + reste)
                p.ajouter_nom(personne)
    def enregistrer(nom: str) -> str:
        p.ajouter_nom(nom)
        return nom

    if "coachs" in fiche:
        _entrees_coachs(fiche["coachs"], enregistrer)
    cellules_personnes: dict[str, set[str]] = {}  # table.colonne → valeurs qui sont un nom de personne entier
    for table, colonnes in ref["colonnes_personnes"].items():
        if table in tables:
            for colonne in colonnes:
                if colonne in tables[table]:
                    for valeur in tables[table][colonne].fillna("").astype(str):
                        if valeur and (p.ressemble_a_un_nom(valeur) or p.ressemble_a_un_nom_seul(valeur)):
                            p.ajouter_nom(valeur)
                            cellules_personnes.setdefault(f"{table}.{colonne}", set()).add(valeur)
    reponses = annexes.get(FICHIER_REPONSES)
    reponses_personnes: set[int] = set()
    if reponses is not None and {"question", "reponse"} <= set(reponses.columns):
        for i, (question, valeur) in enumerate(zip(reponses["question"], reponses["reponse"], strict=True)):
            if question in questions_personnes and valeur and not p.est_role(str(valeur)):
                p.ajouter_nom(str(valeur))
                reponses_personnes.add(i)
    for _, cadre, colonnes in a_traiter:
        for colonne in colonnes:
            for valeur in cadre[colonne].fillna("").astype(str):
                if valeur:
                    p.relever_civilites(valeur)
    for cle_fiche, valeur in fiche.items():
        if cle_fiche not in ("id", "campagne", "donnees_fictives", "agregateur", "modele"):
            for texte in _textes_fiche(valeur):
                p.relever_civilites(texte)
    if acteurs is not None and {"nom", "forme"} <= set(acteurs.columns):
        for i, nom in enumerate(acteurs["nom"].fillna("").astype(str)):
            if i not in individus and nom:
                p.proteger_organisation(nom)

    # 2. Remplacement dans toutes les cellules de texte.
    def traiter(nom_table: str, cadre: pd.DataFrame, colonnes: list[str],
                special: Callable[[int, str, str], str] | None = None) -> None:
        for colonne in colonnes:
            avant = cadre[colonne].fillna("").astype(str).tolist()
            apres = [special(i, colonne, v) if special else p.remplacer(v) for i, v in enumerate(avant)]
            n = sum(a != b for a, b in zip(avant, apres, strict=True))
            if n:
                cadre[colonne] = pd.Series(apres, index=cadre.index, dtype="str")
                changes[f"{nom_table}.{colonne}"] += n

    questions = reponses["question"].fillna("").astype(str).tolist() if reponses is not None and \
        "question" in reponses else []

    def cellule(nom_table: str) -> Callable[[int, str, str], str]:
        def special(i: int, colonne: str, valeur: str) -> str:
            if nom_table == "acteurs" and colonne == "nom" and i in individus:
                personne, reste = individus[i]
                return p.pseudonyme(personne) + p.remplacer(reste)
            if valeur in cellules_personnes.get(f"{nom_table}.{colonne}", ()):
                return p.pseudonyme(valeur)
            if nom_table == FICHIER_REPONSES and colonne == "reponse" and valeur and questions:
                if i in reponses_personnes:
                    return p.pseudonyme(valeur)
                if questions[i] in questions_telephones:
                    nouveau = p.remplacer(valeur, champ_telephone=True)
                    return nouveau if nouveau != valeur else p.telephone(valeur)
            return p.remplacer(valeur)
        return special

    for nom_table, cadre, colonnes in a_traiter:
        traiter(nom_table, cadre, colonnes, cellule(nom_table))

    # 3. La position des personnes, arrondie.
    if individus and acteurs is not None:
        acteurs = tables["acteurs"]
        for colonne in ("latitude", "longitude"):
            if colonne in acteurs:
                avant = acteurs[colonne].fillna("").astype(str).tolist()
                apres = [_arrondir_position(v) if i in individus else v for i, v in enumerate(avant)]
                n = sum(a != b for a, b in zip(avant, apres, strict=True))
                if n:
                    acteurs[colonne] = pd.Series(apres, index=acteurs.index, dtype="str")
                    changes[f"acteurs.{colonne} (arrondie)"] += n

    # 4. La fiche du cluster.
    for cle_fiche, valeur in list(fiche.items()):
        if cle_fiche in ("id", "campagne", "donnees_fictives", "agregateur", "modele"):
            continue
        if cle_fiche == "coachs":
            nouveau, _ = _entrees_coachs(valeur, p.pseudonyme)
        elif isinstance(valeur, str):
            nouveau = p.remplacer(valeur)
        elif isinstance(valeur, list):
            nouveau = [p.remplacer(v) if isinstance(v, str) else
                       {k: (p.remplacer(x) if k == "nom" and isinstance(x, str) else x) for k, x in v.items()}
                       if isinstance(v, dict) else v for v in valeur]
        else:
            continue
        if nouveau != valeur:
            fiche[cle_fiche] = nouveau
            n = sum(1 for a, b in zip(valeur, nouveau, strict=True) if a != b) if cle_fiche == "coachs" and \
                isinstance(valeur, list) else 1
            changes[f"cluster (fiche) : {cle_fiche}"] += n
    fiche["pseudonymise"] = "true"
    return JeuTexte(fiche, tables, annexes), changes, p.nombre_personnes
