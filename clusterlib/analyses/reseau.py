"""Le réseau d'un cluster : graphe des acteurs et des relations, exports et diagnostics.

Ce module lit les tables ``acteurs`` et ``relations`` d'un :class:`~clusterlib.Cluster`
et calcule ce que le coach lit d'habitude sur la cartographie (annexe 4 du guide) :
les préalables de la section 4.1, les étapes de la chaîne sans acteur ou sans lien,
la contractualisation, l'agrégateur, la dépendance de l'agrégateur, les acteurs isolés,
la couverture par l'appui et la place des femmes. Toutes les fonctions sont pures : elles
ne modifient jamais le cluster et renvoient un tableau ou un dictionnaire.

Les seuils, les étapes de la chaîne et les règles de regroupement de la carte sont des
données : ``clusterlib/referentiel/cartographie.yml``.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from clusterlib import referentiel
from clusterlib.donnees.modele import Cluster
from clusterlib.fichiers import ecriture_atomique
from clusterlib.presentation.echappement import neutraliser_tableau
from clusterlib.presentation.format_fr import nombre, pourcentage

__all__ = [
    "CarteReseau",
    "acteurs_isoles",
    "agregateur",
    "contractualisation",
    "couverture_appui",
    "dependance",
    "diagnostic_reseau",
    "exporter_gexf",
    "exporter_graphml",
    "exporter_table_relations",
    "graphe",
    "maillons_manquants",
    "part_femmes",
    "prealables",
    "raison_reseau_vide",
    "referentiel_cartographie",
    "regles_prealables",
    "reseau_carte",
    "synthese_prealables",
    "synthese_reseau",
    "table_relations",
]


# --- Référentiel -------------------------------------------------------------------------


def _ref() -> dict[str, Any]:
    return referentiel.lire("cartographie.yml")


def referentiel_cartographie() -> dict[str, Any]:
    """Le référentiel de la cartographie (étapes, seuils, styles, regroupement), copie modifiable."""
    return copy.deepcopy(_ref())


@cache
def _types_commerciaux() -> frozenset[str]:
    types = referentiel.enumeration("types_relation")
    return frozenset(types.loc[types["commerciale"].astype(bool), "code"])


@cache
def _groupes_maillons() -> dict[str, str]:
    maillons = referentiel.enumeration("maillons")
    return dict(zip(maillons["code"], maillons["groupe"], strict=True))


def _maillons_directs() -> list[str]:
    return [m for m, g in _groupes_maillons().items() if g == "direct"]


# --- Petits outils -----------------------------------------------------------------------


def _manquant(valeur: Any) -> bool:
    if valeur is None or valeur is pd.NA:
        return True
    return isinstance(valeur, float) and math.isnan(valeur)


def _natif(valeur: Any) -> Any:
    """Une valeur Python simple (int, float, str, bool) à partir d'une valeur pandas ou numpy."""
    if hasattr(valeur, "item"):
        return valeur.item()
    return valeur


def _flottant(valeur: Any) -> float | None:
    """Un float Python, ou None pour une valeur manquante."""
    if _manquant(valeur):
        return None
    return float(valeur)


def _pourcent(part: float | None) -> str:
    """Une part (entre 0 et 1) écrite en pourcentage à la française : « 85 % »."""
    if part is None or _manquant(part):
        return "non calculable"
    return pourcentage(part, 0, fraction=True)


def _enregistrements(cadre: pd.DataFrame) -> list[dict[str, Any]]:
    """Les lignes d'un tableau en dictionnaires de valeurs Python simples, sans les valeurs manquantes."""
    colonnes = []
    for nom in cadre.columns:
        serie = cadre[nom]
        manque = serie.isna().to_numpy()
        if pd.api.types.is_integer_dtype(serie.dtype):
            valeurs = [None if m else int(v) for v, m in zip(serie.to_numpy(dtype=object), manque, strict=True)]
        elif pd.api.types.is_float_dtype(serie.dtype):
            valeurs = [None if m else float(v) for v, m in zip(serie.to_numpy(), manque, strict=True)]
        else:
            valeurs = [None if m else v for v, m in zip(serie.to_numpy(dtype=object), manque, strict=True)]
        colonnes.append((nom, valeurs))
    lignes: list[dict[str, Any]] = [{} for _ in range(len(cadre))]
    for nom, valeurs in colonnes:
        for ligne, v in zip(lignes, valeurs, strict=True):
            if v is not None:
                ligne[nom] = v
    return lignes


def _noms(cluster: Cluster) -> dict[str, str]:
    return dict(zip(cluster.acteurs["id"].tolist(), cluster.acteurs["nom"].tolist(), strict=True))


def _maillon_de(cluster: Cluster) -> dict[str, str]:
    return dict(zip(cluster.acteurs["id"].tolist(), cluster.acteurs["maillon"].tolist(), strict=True))


def _affaires(relations: pd.DataFrame) -> pd.DataFrame:
    return relations[relations["type"].isin(_types_commerciaux())]


def _partenaires(relations: pd.DataFrame) -> pd.Series:
    """Par acteur, le nombre de partenaires distincts (relations dans les deux sens)."""
    if relations.empty:
        return pd.Series(dtype="int64")
    paires = pd.concat(
        [
            pd.DataFrame({"a": relations["source"].to_numpy(), "b": relations["cible"].to_numpy()}),
            pd.DataFrame({"a": relations["cible"].to_numpy(), "b": relations["source"].to_numpy()}),
        ],
        ignore_index=True,
    ).drop_duplicates()
    return paires.groupby("a").size()


# --- Graphe et exports -------------------------------------------------------------------


def graphe(cluster: Cluster) -> nx.MultiDiGraph:
    """Le réseau du cluster en multigraphe orienté networkx.

    Un nœud par acteur (clé : ``id``), avec toutes ses colonnes (``nom``, ``maillon``,
    ``forme``, ``commune``, ``effectif``, ``femmes``…) et son ``groupe`` (direct ou appui) ;
    une arête par relation, de la source vers la cible, avec ``type``, ``contrat``,
    ``respect``, ``volume``, ``unite``, ``prix_unitaire``, ``depuis`` et ``commerciale``.
    La clé d'une arête est le numéro de la relation dans la table (à partir de 0). Les
    valeurs manquantes sont omises (pas d'attribut), ce que GraphML et GEXF exigent.
    """
    g = nx.MultiDiGraph(cluster=cluster.id, nom=cluster.nom)
    if cluster.fiche.agregateur:
        g.graph["agregateur"] = cluster.fiche.agregateur
    groupes = _groupes_maillons()
    acteurs = cluster.acteurs
    attributs_acteurs = _enregistrements(acteurs.drop(columns="id"))
    for attributs in attributs_acteurs:
        attributs["groupe"] = groupes.get(attributs.get("maillon", ""), "")
    g.add_nodes_from(zip(acteurs["id"].tolist(), attributs_acteurs, strict=True))
    rel = cluster.relations
    attributs_relations = _enregistrements(rel.drop(columns=["source", "cible"]))
    commerciaux = _types_commerciaux()
    for attributs in attributs_relations:
        attributs["commerciale"] = attributs.get("type") in commerciaux
    aretes = [(s, c, cle, a) for cle, (s, c, a) in
              enumerate(zip(rel["source"].tolist(), rel["cible"].tolist(), attributs_relations, strict=True))]
    g.add_edges_from(aretes)
    return g


def table_relations(cluster: Cluster) -> pd.DataFrame:
    """Table des relations enrichie, une ligne par relation (format « tidy »).

    Colonnes : ``source``, ``nom_source``, ``maillon_source``, ``cible``, ``nom_cible``,
    ``maillon_cible``, ``type``, ``commerciale`` (relation d'affaires : produit, intrants,
    équipement, service ou crédit), ``contrat``, ``respect``, ``volume``, ``unite``,
    ``prix_unitaire``, ``valeur`` (volume × prix unitaire, en FCFA) et ``depuis``.
    """
    rel = cluster.relations
    noms = _noms(cluster)
    maillons = _maillon_de(cluster)
    return pd.DataFrame(
        {
            "source": rel["source"],
            "nom_source": rel["source"].map(noms),
            "maillon_source": rel["source"].map(maillons),
            "cible": rel["cible"],
            "nom_cible": rel["cible"].map(noms),
            "maillon_cible": rel["cible"].map(maillons),
            "type": rel["type"],
            "commerciale": rel["type"].isin(_types_commerciaux()),
            "contrat": rel["contrat"],
            "respect": rel["respect"],
            "volume": rel["volume"],
            "unite": rel["unite"],
            "prix_unitaire": rel["prix_unitaire"],
            "valeur": rel["volume"] * rel["prix_unitaire"],
            "depuis": rel["depuis"],
        }
    ).reset_index(drop=True)


def _graphe_de(source: Cluster | nx.MultiDiGraph) -> nx.MultiDiGraph:
    return source if isinstance(source, nx.Graph) else graphe(source)


def exporter_graphml(source: Cluster | nx.MultiDiGraph, chemin: str | Path) -> Path:
    """Écrit le réseau au format GraphML (lisible par Gephi, yEd, networkx), sans fichier à moitié écrit."""
    g = _graphe_de(source)
    chemin = Path(chemin)
    with ecriture_atomique(chemin) as temporaire:
        nx.write_graphml(g, temporaire, encoding="utf-8")
    return chemin


def exporter_gexf(source: Cluster | nx.MultiDiGraph, chemin: str | Path) -> Path:
    """Écrit le réseau au format GEXF pour Gephi, sans fichier à moitié écrit.

    GEXF réserve les mots ``type`` et ``label`` : le type de relation y est écrit
    ``type_relation`` ; le ``label`` d'un nœud est le nom de l'acteur, celui d'une arête
    le libellé du type de relation.
    """
    g = _graphe_de(source).copy()
    for _, attributs in g.nodes(data=True):
        if "nom" in attributs:
            attributs["label"] = attributs["nom"]
    for _, _, attributs in g.edges(data=True):
        if "type" in attributs:
            attributs["type_relation"] = attributs.pop("type")
            attributs["label"] = referentiel.libelle("types_relation", attributs["type_relation"])
    chemin = Path(chemin)
    with ecriture_atomique(chemin) as temporaire:
        nx.write_gexf(g, temporaire, encoding="utf-8")
    return chemin


def exporter_table_relations(cluster: Cluster, chemin: str | Path) -> Path:
    """Écrit la table des relations enrichie (:func:`table_relations`) en CSV UTF-8."""
    chemin = Path(chemin)
    with ecriture_atomique(chemin) as temporaire:
        neutraliser_tableau(table_relations(cluster)).to_csv(temporaire, index=False, encoding="utf-8")
    return chemin


# --- Cas des réseaux vides ---------------------------------------------------------------


def raison_reseau_vide(cluster: Cluster) -> str | None:
    """Pourquoi les diagnostics du réseau sont vides (un seul acteur, aucune relation), sinon None."""
    n = len(cluster.acteurs)
    if n == 0:
        return "le cluster n'a aucun acteur : il n'y a pas de réseau à analyser"
    if n == 1:
        return "le cluster ne compte qu'un acteur : il n'y a pas encore de réseau à analyser"
    if cluster.relations.empty:
        return (f"aucune relation n'est enregistrée entre les {n} acteurs : les diagnostics du "
                "réseau sont vides tant que la table relations n'est pas remplie")
    return None


# --- Agrégateur --------------------------------------------------------------------------


def _classement_agregateurs(cluster: Cluster) -> pd.DataFrame:
    exclus = set(_ref()["agregateur"]["maillons_exclus"])
    candidats = cluster.acteurs[
        cluster.acteurs["maillon"].isin(_maillons_directs()) & ~cluster.acteurs["maillon"].isin(exclus)
    ]
    partenaires = _partenaires(_affaires(cluster.relations))
    classement = pd.DataFrame(
        {
            "id": candidats["id"].to_numpy(),
            "nom": candidats["nom"].to_numpy(),
            "maillon": candidats["maillon"].to_numpy(),
            "nb_partenaires": partenaires.reindex(candidats["id"]).fillna(0).astype("int64").to_numpy(),
        }
    )
    classement = classement[classement["nb_partenaires"] > 0]
    return classement.sort_values(["nb_partenaires", "id"], ascending=[False, True]).reset_index(drop=True)


def agregateur(cluster: Cluster) -> dict[str, Any]:
    """L'agrégateur déclaré dans la fiche et l'acteur direct le plus relié, comparés.

    L'agrégateur « central » est l'acteur direct (hors acheteurs finaux) qui a le plus de
    partenaires d'affaires distincts, vendeurs ou acheteurs ; à égalité, le plus petit ``id``.
    Clés : ``declare``, ``nom_declare``, ``partenaires_declare``, ``central``, ``nom_central``,
    ``partenaires_central``, ``concordance`` (None si l'un manque), ``constat`` (phrase),
    ``avertissement`` (phrase quand les deux diffèrent, sinon None) et ``classement``
    (tableau ``id``, ``nom``, ``maillon``, ``nb_partenaires``).
    """
    classement = _classement_agregateurs(cluster)
    noms = _noms(cluster)
    declare = cluster.fiche.agregateur or None
    partenaires = _partenaires(_affaires(cluster.relations))
    nb_declare = int(partenaires.get(declare, 0)) if declare else None
    central = str(classement["id"].iloc[0]) if not classement.empty else None
    nb_central = int(classement["nb_partenaires"].iloc[0]) if central else None
    concordance = (declare == central) if declare and central else None
    avertissement = None
    if declare and central and declare != central:
        avertissement = (
            f"L'agrégateur déclaré, {noms[declare]} ({declare}), a {nb_declare} partenaire(s) d'affaires ; "
            f"l'acteur direct le plus relié est {noms[central]} ({central}), avec {nb_central}. "
            "Vérifiez avec les membres qui joue vraiment le rôle d'agrégateur."
        )
    if declare and central and declare == central:
        constat = (f"L'agrégateur déclaré, {noms[declare]} ({declare}), est aussi l'acteur direct le plus "
                   f"relié : {nb_declare} partenaires d'affaires.")
    elif declare and central:
        constat = avertissement
    elif declare:
        constat = (f"L'agrégateur déclaré, {noms[declare]} ({declare}), n'a aucune relation d'affaires "
                   "enregistrée.")
    elif central:
        constat = (f"Aucun agrégateur n'est déclaré ; l'acteur direct le plus relié est {noms[central]} "
                   f"({central}), avec {nb_central} partenaires d'affaires : un agrégateur possible.")
    else:
        constat = "Aucun agrégateur déclaré et aucune relation d'affaires enregistrée."
    return {
        "declare": declare,
        "nom_declare": noms.get(declare) if declare else None,
        "partenaires_declare": nb_declare,
        "central": central,
        "nom_central": noms.get(central) if central else None,
        "partenaires_central": nb_central,
        "concordance": concordance,
        "constat": constat,
        "avertissement": avertissement,
        "classement": classement,
    }


def _agregateur_retenu(cluster: Cluster) -> tuple[str | None, str | None]:
    """L'agrégateur déclaré, sinon l'acteur direct le plus relié ; avec son origine."""
    if cluster.fiche.agregateur:
        return cluster.fiche.agregateur, "declare"
    classement = _classement_agregateurs(cluster)
    if classement.empty:
        return None, None
    return str(classement["id"].iloc[0]), "central"


# --- Dépendance --------------------------------------------------------------------------


def _niveau_concentration(hhi: float | None) -> str | None:
    if hhi is None:
        return None
    reglages = _ref()["dependance"]
    if hhi >= reglages["hhi_fort"]:
        return reglages["niveaux"]["forte"]
    if hhi >= reglages["hhi_modere"]:
        return reglages["niveaux"]["moderee"]
    return reglages["niveaux"]["faible"]


def _concentration(flux: pd.DataFrame, colonne_partenaire: str) -> dict[str, Any]:
    """Parts des partenaires dans des flux (une unité : la plus fréquente) et indice de Herfindahl."""
    vide = {"unite": None, "volume": None, "nb": 0, "principal": None, "part_principal": None, "hhi": None,
            "ignorees": len(flux), "parts": pd.Series(dtype="float64")}
    connus = flux[flux["volume"].notna()]
    if connus.empty:
        return vide
    unites = connus["unite"].fillna("")
    comptes = unites.value_counts()
    maximum = comptes.max()
    unite = sorted(u for u, n in comptes.items() if n == maximum)[0]
    retenus = connus[unites == unite]
    volumes = retenus.groupby(colonne_partenaire)["volume"].sum()
    total = float(volumes.sum())
    if total <= 0:
        return vide
    parts = (volumes / total).sort_index()
    parts = parts.sort_values(ascending=False, kind="stable")
    return {
        "unite": unite or None,
        "volume": total,
        "nb": len(parts),
        "principal": str(parts.index[0]),
        "part_principal": float(parts.iloc[0]),
        "hhi": float((parts**2).sum()),
        "ignorees": len(flux) - len(retenus),
        "parts": parts,
    }


def dependance(cluster: Cluster, acteur: str | None = None) -> dict[str, Any]:
    """Dépendance de l'agrégateur envers ses fournisseurs et ses acheteurs.

    Pour l'agrégateur déclaré (à défaut l'acteur direct le plus relié, ou ``acteur``) :
    part de son approvisionnement (relations produit reçues, en volume) venant du premier
    fournisseur, et indice de Herfindahl (somme des carrés des parts, de 0 à 1) de ses
    fournisseurs et de ses acheteurs. Seules les relations dans l'unité la plus fréquente
    comptent ; les autres et celles sans volume sont comptées dans ``relations_ignorees``.
    Le tableau ``parts`` donne ``sens`` (approvisionnement ou ventes), ``partenaire``,
    ``nom``, ``volume``, ``unite`` et ``part``.
    """
    reglages = _ref()["dependance"]
    if acteur is None:
        acteur, origine = _agregateur_retenu(cluster)
    else:
        origine = "choisi"
    noms = _noms(cluster)
    resultat: dict[str, Any] = {
        "agregateur": acteur, "nom": noms.get(acteur) if acteur else None, "origine": origine,
        "unite_approvisionnement": None, "volume_approvisionnement": None, "nb_fournisseurs": 0,
        "principal_fournisseur": None, "part_principal_fournisseur": None, "hhi_fournisseurs": None,
        "niveau_fournisseurs": None,
        "unite_ventes": None, "volume_ventes": None, "nb_acheteurs": 0, "principal_acheteur": None,
        "part_principal_acheteur": None, "hhi_acheteurs": None, "niveau_acheteurs": None,
        "relations_ignorees": 0,
        "parts": pd.DataFrame(columns=["sens", "partenaire", "nom", "volume", "unite", "part"]),
        "constat": "",
    }
    if acteur is None:
        resultat["constat"] = "Pas d'agrégateur déclaré ni de relation d'affaires : dépendance non calculable."
        return resultat
    rel = cluster.relations
    appro = _concentration(rel[(rel["cible"] == acteur) & rel["type"].isin(reglages["types_approvisionnement"])],
                           "source")
    ventes = _concentration(rel[(rel["source"] == acteur) & rel["type"].isin(reglages["types_ventes"])], "cible")
    lignes = []
    for sens, c in (("approvisionnement", appro), ("ventes", ventes)):
        for partenaire, part in c["parts"].items():
            lignes.append({"sens": sens, "partenaire": partenaire, "nom": noms.get(partenaire),
                           "volume": float(part * c["volume"]), "unite": c["unite"], "part": float(part)})
    resultat.update(
        unite_approvisionnement=appro["unite"], volume_approvisionnement=appro["volume"],
        nb_fournisseurs=appro["nb"], principal_fournisseur=appro["principal"],
        part_principal_fournisseur=appro["part_principal"], hhi_fournisseurs=appro["hhi"],
        niveau_fournisseurs=_niveau_concentration(appro["hhi"]),
        unite_ventes=ventes["unite"], volume_ventes=ventes["volume"], nb_acheteurs=ventes["nb"],
        principal_acheteur=ventes["principal"], part_principal_acheteur=ventes["part_principal"],
        hhi_acheteurs=ventes["hhi"], niveau_acheteurs=_niveau_concentration(ventes["hhi"]),
        relations_ignorees=appro["ignorees"] + ventes["ignorees"],
        parts=pd.DataFrame(lignes, columns=["sens", "partenaire", "nom", "volume", "unite", "part"]),
    )
    phrases = []
    # (flux, début de phrase, partenaires, verbe, niveau, dépendance, phrase quand rien n'est connu)
    for flux, debut, partenaires, verbe, niveau, seul, rien in (
        (appro, f"{noms.get(acteur, acteur)} s'approvisionne auprès de", "fournisseur(s)", "fournit",
         resultat["niveau_fournisseurs"], "fournisseur", "Aucun approvisionnement en produit avec un volume connu."),
        (ventes, "Il vend à", "acheteur(s)", "prend", resultat["niveau_acheteurs"], "acheteur",
         "Aucune vente de produit avec un volume connu."),
    ):
        if not flux["nb"]:
            phrases.append(rien)
            continue
        phrase = (f"{debut} {flux['nb']} {partenaires} ; le premier, {noms.get(flux['principal'], flux['principal'])}, "
                  f"{verbe} {_pourcent(flux['part_principal'])} du volume (concentration {niveau}, "
                  f"indice {nombre(flux['hhi'], 2)}).")
        if flux["part_principal"] >= reglages["part_principal_forte"]:
            phrase += f" Forte dépendance envers un seul {seul}."
        phrases.append(phrase)
    resultat["constat"] = " ".join(phrases)
    return resultat


# --- Étapes de la chaîne -----------------------------------------------------------------


def maillons_manquants(cluster: Cluster) -> pd.DataFrame:
    """Les étapes de la chaîne (intrants, production, agrégation, accès au marché) et leur état.

    Une étape est ``absent`` quand aucun acteur n'en relève, ``non_relie`` quand ses acteurs
    n'ont aucune relation produit ou intrants vers un acteur de l'étape suivante, sinon
    ``present``. Colonnes : ``etape``, ``libelle``, ``maillons``, ``nb_acteurs``,
    ``etape_suivante``, ``nb_liens_suivante``, ``statut``, ``constat``.
    """
    ref = _ref()
    etapes = ref["etapes"]
    types_lien = ref["types_lien_etapes"]
    acteurs = cluster.acteurs
    rel = cluster.relations[cluster.relations["type"].isin(types_lien)]
    maillon_de = _maillon_de(cluster)
    etape_de = {m: e["code"] for e in etapes for m in e["maillons"]}
    sources = rel["source"].map(maillon_de).map(etape_de)
    cibles = rel["cible"].map(maillon_de).map(etape_de)
    lignes = []
    for k, etape in enumerate(etapes):
        nb = int(acteurs["maillon"].isin(etape["maillons"]).sum())
        suivante = etapes[k + 1] if k + 1 < len(etapes) else None
        liens = int(((sources == etape["code"]) & (cibles == suivante["code"])).sum()) if suivante else None
        if nb == 0:
            statut = "absent"
        elif suivante is not None and liens == 0:
            statut = "non_relie"
        else:
            statut = "present"
        libelles = ", ".join(referentiel.libelle("maillons", m).lower() for m in etape["maillons"])
        if statut == "absent":
            constat = f"Aucun acteur pour l'étape « {etape['libelle']} » ({libelles})."
        elif statut == "non_relie":
            constat = (f"{nb} acteur(s) à l'étape « {etape['libelle']} », mais aucune relation produit ou "
                       f"intrants vers l'étape « {suivante['libelle']} ».")
        elif suivante is not None:
            constat = (f"{nb} acteur(s) ; {liens} relation(s) produit ou intrants vers l'étape "
                       f"« {suivante['libelle']} ».")
        else:
            constat = f"{nb} acteur(s)."
        lignes.append({
            "etape": etape["code"],
            "libelle": etape["libelle"],
            "maillons": list(etape["maillons"]),
            "nb_acteurs": nb,
            "etape_suivante": suivante["code"] if suivante else None,
            "nb_liens_suivante": liens,
            "statut": statut,
            "constat": constat,
        })
    return pd.DataFrame(lignes)


# --- Contractualisation ------------------------------------------------------------------


def contractualisation(cluster: Cluster) -> dict[str, Any]:
    """Taux de contractualisation et de respect des contrats, pour le cluster et par paire de maillons.

    ``taux_contractualisation`` = relations d'affaires (produit, intrants, équipement,
    service, crédit) sous contrat écrit / toutes les relations d'affaires ;
    ``taux_respect`` = moyenne de ``respect`` / 100 sur les relations sous contrat écrit
    ou verbal qui le renseignent. None quand le dénominateur est nul. ``par_paire`` donne
    les mêmes taux pour chaque paire (maillon de la source, maillon de la cible).
    """
    table = table_relations(cluster)
    affaires = table[table["commerciale"]]
    avec_respect = table[table["contrat"].isin(["ecrit", "verbal"]) & table["respect"].notna()]
    nb = len(affaires)
    nb_ecrit = int(affaires["contrat"].eq("ecrit").sum())
    resultat: dict[str, Any] = {
        "taux_contractualisation": nb_ecrit / nb if nb else None,
        "taux_respect": float(avec_respect["respect"].mean()) / 100 if len(avec_respect) else None,
        "nb_relations_affaires": nb,
        "nb_ecrit": nb_ecrit,
        "nb_verbal": int(affaires["contrat"].eq("verbal").sum()),
        "nb_aucun": int(affaires["contrat"].eq("aucun").sum()),
        "nb_respect": len(avec_respect),
    }
    colonnes = ["maillon_source", "maillon_cible", "nb_relations", "nb_affaires", "nb_ecrit", "nb_verbal",
                "nb_aucun", "taux_contractualisation", "nb_respect", "taux_respect"]
    if table.empty:
        resultat["par_paire"] = pd.DataFrame(columns=colonnes)
    else:
        t = table.assign(
            affaire=table["commerciale"].astype("int64"),
            ecrit=(table["commerciale"] & table["contrat"].eq("ecrit")).astype("int64"),
            verbal=(table["commerciale"] & table["contrat"].eq("verbal")).astype("int64"),
            aucun=(table["commerciale"] & table["contrat"].eq("aucun")).astype("int64"),
            respect_retenu=table["respect"].where(table["contrat"].isin(["ecrit", "verbal"])),
        )
        paires = t.groupby(["maillon_source", "maillon_cible"], sort=True).agg(
            nb_relations=("type", "size"), nb_affaires=("affaire", "sum"), nb_ecrit=("ecrit", "sum"),
            nb_verbal=("verbal", "sum"), nb_aucun=("aucun", "sum"), nb_respect=("respect_retenu", "count"),
            respect_moyen=("respect_retenu", "mean"),
        ).reset_index()
        paires["taux_contractualisation"] = (paires["nb_ecrit"] / paires["nb_affaires"]).where(
            paires["nb_affaires"] > 0)
        paires["taux_respect"] = paires["respect_moyen"] / 100
        resultat["par_paire"] = paires[colonnes]
    if nb == 0:
        resultat["constat"] = "Aucune relation d'affaires : taux de contractualisation non calculable."
    else:
        resultat["constat"] = (
            f"{nb_ecrit} relation(s) d'affaires sur {nb} sous contrat écrit "
            f"({_pourcent(resultat['taux_contractualisation'])}), {resultat['nb_verbal']} sous accord verbal, "
            f"{resultat['nb_aucun']} sans contrat ; engagements respectés en moyenne à "
            f"{_pourcent(resultat['taux_respect'])}."
        )
    return resultat


# --- Acteurs isolés, appui, femmes -------------------------------------------------------


def acteurs_isoles(cluster: Cluster) -> pd.DataFrame:
    """Les acteurs qui n'ont aucune relation (ni comme source ni comme cible).

    Colonnes : ``id``, ``nom``, ``maillon``, ``commune``.
    """
    rel = cluster.relations
    isoles = cluster.acteurs[~(cluster.acteurs["id"].isin(rel["source"]) | cluster.acteurs["id"].isin(rel["cible"]))]
    return isoles[["id", "nom", "maillon", "commune"]].reset_index(drop=True)


def couverture_appui(cluster: Cluster) -> pd.DataFrame:
    """Pour chaque maillon direct présent, les relations d'appui reçues (conseil, crédit, information).

    Colonnes : ``maillon``, ``libelle``, ``nb_acteurs``, une colonne par type d'appui
    (nombre de relations reçues), ``acteurs_appuyes`` (acteurs qui en reçoivent au moins
    une), ``part_acteurs_appuyes`` et ``couvert`` (faux quand le maillon ne reçoit rien).
    Les acheteurs finaux (maillon marché) ne sont pas concernés.
    """
    reglages = _ref()["appui"]
    types = list(reglages["types"])
    acteurs = cluster.acteurs
    rel = cluster.relations[cluster.relations["type"].isin(types)]
    maillon_de = _maillon_de(cluster)
    recues = pd.DataFrame({"cible": rel["cible"], "maillon": rel["cible"].map(maillon_de), "type": rel["type"]})
    lignes = []
    for maillon in _maillons_directs():
        if maillon in reglages["maillons_sans_appui_attendu"]:
            continue
        ids = acteurs.loc[acteurs["maillon"] == maillon, "id"]
        if ids.empty:
            continue
        du_maillon = recues[recues["maillon"] == maillon]
        ligne: dict[str, Any] = {"maillon": maillon, "libelle": referentiel.libelle("maillons", maillon),
                                 "nb_acteurs": len(ids)}
        for t in types:
            ligne[t] = int(du_maillon["type"].eq(t).sum())
        appuyes = du_maillon["cible"].nunique()
        ligne["acteurs_appuyes"] = int(appuyes)
        ligne["part_acteurs_appuyes"] = appuyes / len(ids)
        ligne["couvert"] = bool(appuyes > 0)
        lignes.append(ligne)
    colonnes = ["maillon", "libelle", "nb_acteurs", *types, "acteurs_appuyes", "part_acteurs_appuyes", "couvert"]
    return pd.DataFrame(lignes, columns=colonnes)


def part_femmes(cluster: Cluster) -> pd.DataFrame:
    """Effectif, femmes et part des femmes par maillon (dans l'ordre du référentiel).

    La part ne compte que les acteurs dont l'effectif et le nombre de femmes sont connus ;
    ``acteurs_sans_effectif`` dit combien n'ont pas pu compter. Colonnes : ``maillon``,
    ``libelle``, ``nb_acteurs``, ``effectif``, ``femmes``, ``part_femmes``,
    ``acteurs_sans_effectif``.
    """
    acteurs = cluster.acteurs
    connus = acteurs["effectif"].notna() & acteurs["femmes"].notna()
    lignes = []
    for maillon in referentiel.codes("maillons"):
        du_maillon = acteurs["maillon"] == maillon
        if not du_maillon.any():
            continue
        retenus = acteurs[du_maillon & connus]
        effectif = int(retenus["effectif"].sum())
        femmes = int(retenus["femmes"].sum())
        lignes.append({
            "maillon": maillon,
            "libelle": referentiel.libelle("maillons", maillon),
            "nb_acteurs": int(du_maillon.sum()),
            "effectif": effectif,
            "femmes": femmes,
            "part_femmes": femmes / effectif if effectif else float("nan"),
            "acteurs_sans_effectif": int((du_maillon & ~connus).sum()),
        })
    colonnes = ["maillon", "libelle", "nb_acteurs", "effectif", "femmes", "part_femmes", "acteurs_sans_effectif"]
    return pd.DataFrame(lignes, columns=colonnes)


# --- Préalables (section 4.1 du guide) ---------------------------------------------------


def _verdict_seuil(part: float, oui: float, partiellement: float) -> str:
    if part >= oui:
        return "oui"
    if part >= partiellement:
        return "partiellement"
    return "non"


def _prealable_marche(cluster: Cluster, seuils: dict[str, Any]) -> dict[str, Any]:
    debouches = cluster.acteurs[cluster.acteurs["maillon"].isin(seuils["maillons_debouches"])]
    declares = len(cluster.fiche.marches)
    rel = cluster.relations
    flux = int((rel["type"].eq("produit") & rel["cible"].isin(debouches["id"])).sum())
    livraisons = 0
    perf = cluster.performances
    if perf is not None and not perf.empty:
        courante = perf[perf["campagne"] == cluster.campagne]
        livraisons = int(courante["volume"].gt(0).sum())
    if not declares and debouches.empty:
        verdict = "non"
    elif flux or livraisons:
        verdict = "oui"
    else:
        verdict = "partiellement"
    morceaux = [f"{declares} débouché(s) déclaré(s) dans la fiche",
                f"{len(debouches)} acteur(s) de marché ou de distribution",
                f"{flux} relation(s) produit qui les atteignent"]
    if perf is not None:
        morceaux.append(f"{livraisons} ligne(s) de livraison pour la campagne {cluster.campagne}")
    return {"verdict": verdict, "valeur": float(flux + livraisons), "preuve": " ; ".join(morceaux) + ".",
            "seuil": "au moins un débouché qui reçoit des produits"}


def _fournisseurs_production(cluster: Cluster) -> pd.Series:
    """Par acheteur, le nombre d'acteurs de la production distincts qui lui vendent des produits."""
    production = next(e for e in _ref()["etapes"] if e["code"] == "production")["maillons"]
    ids = cluster.acteurs.loc[cluster.acteurs["maillon"].isin(production), "id"]
    rel = cluster.relations
    achats = rel[rel["type"].eq("produit") & rel["source"].isin(ids)]
    return achats.groupby("cible")["source"].nunique()


def _prealable_leader(cluster: Cluster, seuils: dict[str, Any]) -> dict[str, Any]:
    minimum = int(seuils["min_fournisseurs_production"])
    fournisseurs = _fournisseurs_production(cluster)
    noms = _noms(cluster)
    declare = cluster.fiche.agregateur
    seuil = f"agrégateur qui achète à au moins {minimum} acteurs de la production (condition favorable)"
    if declare:
        n = int(fournisseurs.get(declare, 0))
        verdict = "oui" if n >= minimum else "partiellement"
        preuve = (f"agrégateur déclaré : {noms.get(declare, declare)} ({declare}), qui achète des produits à "
                  f"{n} acteur(s) de la production")
        return {"verdict": verdict, "valeur": float(n), "preuve": preuve + ".", "seuil": seuil}
    exclus = set(_ref()["agregateur"]["maillons_exclus"])
    candidats = cluster.acteurs[cluster.acteurs["maillon"].isin(_maillons_directs())
                                & ~cluster.acteurs["maillon"].isin(exclus)]["id"]
    fournisseurs = fournisseurs[fournisseurs.index.isin(candidats)]
    if fournisseurs.empty:
        return {"verdict": "non", "valeur": 0.0, "seuil": seuil,
                "preuve": "aucun agrégateur déclaré, et aucun acteur n'achète de produits à la production."}
    ordre = pd.DataFrame({"id": fournisseurs.index, "n": fournisseurs.to_numpy()}).sort_values(
        ["n", "id"], ascending=[False, True])
    meilleur, n = str(ordre["id"].iloc[0]), int(ordre["n"].iloc[0])
    verdict = "partiellement" if n >= minimum else "non"
    preuve = (f"aucun agrégateur déclaré ; {noms.get(meilleur, meilleur)} ({meilleur}) achète des produits à "
              f"{n} acteur(s) de la production")
    preuve += " : un agrégateur possible." if n >= minimum else "."
    return {"verdict": verdict, "valeur": float(n), "preuve": preuve, "seuil": seuil}


def _prealable_relations(cluster: Cluster, seuils: dict[str, Any]) -> dict[str, Any]:
    oui, partiel = seuils["relations_oui"], seuils["relations_partiellement"]
    seuil = f"oui dès {_pourcent(oui)}, en partie dès {_pourcent(partiel)} des acteurs reliés entre eux"
    n = len(cluster.acteurs)
    rel = cluster.relations
    if rel.empty or n == 0:
        return {"verdict": "non", "valeur": 0.0, "seuil": seuil, "preuve": "aucune relation enregistrée."}
    g = nx.Graph()
    g.add_nodes_from(cluster.acteurs["id"].tolist())
    g.add_edges_from(zip(rel["source"].tolist(), rel["cible"].tolist(), strict=True))
    plus_grand = max(len(c) for c in nx.connected_components(g))
    part = plus_grand / n
    isoles = sum(1 for _, d in g.degree() if d == 0)
    nb_affaires = len(_affaires(rel))
    preuve = (f"{plus_grand} des {n} acteurs ({_pourcent(part)}) forment un seul réseau ; "
              f"{isoles} acteur(s) isolé(s) ; {nb_affaires} relation(s) d'affaires sur {len(rel)}.")
    return {"verdict": _verdict_seuil(part, oui, partiel), "valeur": part, "preuve": preuve, "seuil": seuil}


def _prealable_territoire(cluster: Cluster, seuils: dict[str, Any]) -> dict[str, Any]:
    oui, partiel = seuils["territoire_oui"], seuils["territoire_partiellement"]
    seuil = f"oui dès {_pourcent(oui)}, en partie dès {_pourcent(partiel)} des acteurs sur le territoire"
    communes = cluster.fiche.communes
    if not communes:
        return {"verdict": None, "valeur": None, "seuil": seuil,
                "preuve": "aucune commune déclarée dans la fiche du cluster : critère non calculable."}
    membres = cluster.acteurs[~cluster.acteurs["maillon"].isin(seuils["maillons_hors_territoire"])]
    connus = membres[membres["commune"].notna()]
    if connus.empty:
        return {"verdict": None, "valeur": None, "seuil": seuil,
                "preuve": "aucune commune renseignée pour les acteurs : critère non calculable."}
    cles = {referentiel.cle_normalisee(c) for c in communes}
    normalisees = {c: referentiel.cle_normalisee(c) for c in connus["commune"].unique().tolist()}
    dedans = connus["commune"].map(normalisees).isin(cles)
    part = float(dedans.mean())
    preuve = (f"{int(dedans.sum())} des {len(connus)} acteurs dont la commune est connue ({_pourcent(part)}) sont "
              f"établis dans le territoire déclaré ({', '.join(communes)})")
    dehors = connus.loc[~dedans, "commune"].value_counts()
    if len(dehors):
        preuve += " ; hors territoire : " + ", ".join(f"{c} ({n})" for c, n in dehors.items())
    sans = len(membres) - len(connus)
    if sans:
        preuve += f" ; {sans} acteur(s) sans commune"
    return {"verdict": _verdict_seuil(part, oui, partiel), "valeur": part, "preuve": preuve + ".", "seuil": seuil}


def prealables(cluster: Cluster) -> pd.DataFrame:
    """Les quatre préalables à l'accompagnement d'un cluster (section 4.1 du guide), jugés sur les données.

    Une ligne par préalable (``marche``, ``leader``, ``relations``, ``territoire``) avec
    ``libelle``, ``obligatoire`` (le leader est favorable, non obligatoire), ``verdict``
    (``oui``, ``partiellement``, ``non`` ou None si non calculable), ``libelle_verdict``,
    ``valeur`` (la mesure), ``seuil`` (la règle) et ``preuve`` (les faits).
    """
    ref = _ref()
    seuils = ref["seuils_prealables"]
    calculs = {
        "marche": _prealable_marche,
        "leader": _prealable_leader,
        "relations": _prealable_relations,
        "territoire": _prealable_territoire,
    }
    lignes = []
    for p in ref["prealables"]:
        r = calculs[p["code"]](cluster, seuils)
        lignes.append({
            "prealable": p["code"],
            "libelle": p["libelle"],
            "obligatoire": bool(p["obligatoire"]),
            "verdict": r["verdict"],
            "libelle_verdict": ref["verdicts"].get(r["verdict"], "Non calculable"),
            "valeur": r["valeur"],
            "seuil": r["seuil"],
            "preuve": r["preuve"],
        })
    table = pd.DataFrame(lignes)
    # Un verdict non calculable reste None (et non NaN) : il ne faut rien inventer.
    table["verdict"] = pd.Series([ligne["verdict"] for ligne in lignes], dtype=object)
    return table


def regles_prealables() -> pd.DataFrame:
    """Les règles de jugement des préalables, seuils compris (pour le livre et les rapports)."""
    ref = _ref()
    valeurs = {k: (_pourcent(v) if isinstance(v, float) else v) for k, v in ref["seuils_prealables"].items()}
    return pd.DataFrame([
        {"prealable": p["code"], "libelle": p["libelle"], "obligatoire": bool(p["obligatoire"]),
         "regle": re.sub(r"[ \t\n]+", " ", p["regle"].format(**valeurs)).strip()}
        for p in ref["prealables"]
    ])


# --- Synthèses pour le rapport -----------------------------------------------------------


def synthese_reseau(cluster: Cluster) -> dict[str, Any]:
    """Les chiffres du réseau repris dans le rapport (valeurs Python simples, None si non calculable).

    Clés : ``nb_acteurs``, ``nb_relations``, ``agregateur`` (déclaré), ``agregateur_central``
    (calculé), ``taux_contractualisation``, ``taux_respect``, ``maillons_manquants`` (codes
    des étapes absentes ou non reliées) et ``acteurs_isoles`` (identifiants).
    """
    contrats = contractualisation(cluster)
    etapes = maillons_manquants(cluster)
    return {
        "nb_acteurs": len(cluster.acteurs),
        "nb_relations": len(cluster.relations),
        "agregateur": cluster.fiche.agregateur or None,
        "agregateur_central": agregateur(cluster)["central"],
        "taux_contractualisation": _flottant(contrats["taux_contractualisation"]),
        "taux_respect": _flottant(contrats["taux_respect"]),
        "maillons_manquants": [str(e) for e in etapes.loc[etapes["statut"] != "present", "etape"]],
        "acteurs_isoles": [str(i) for i in acteurs_isoles(cluster)["id"]],
    }


def synthese_prealables(cluster: Cluster) -> dict[str, str | None]:
    """Le verdict de chaque préalable : ``{"marche": "oui"|"partiellement"|"non"|None, "leader": …, …}``."""
    table = prealables(cluster)
    return {str(p): (None if _manquant(v) else str(v)) for p, v in zip(table["prealable"], table["verdict"],
                                                                       strict=True)}


def diagnostic_reseau(cluster: Cluster) -> dict[str, Any]:
    """Tous les diagnostics du réseau d'un coup (pour les notebooks, le rapport et les mesures)."""
    return {
        "raison_vide": raison_reseau_vide(cluster),
        "prealables": prealables(cluster),
        "maillons_manquants": maillons_manquants(cluster),
        "contractualisation": contractualisation(cluster),
        "agregateur": agregateur(cluster),
        "dependance": dependance(cluster),
        "acteurs_isoles": acteurs_isoles(cluster),
        "couverture_appui": couverture_appui(cluster),
        "part_femmes": part_femmes(cluster),
    }


# --- Données de la carte (regroupement) --------------------------------------------------


@dataclass(frozen=True)
class CarteReseau:
    """Ce que la carte dessine : les nœuds (acteurs ou groupes d'acteurs) et les liens agrégés.

    ``noeuds`` : ``id``, ``nom``, ``maillon``, ``forme``, ``commune``, ``effectif``,
    ``femmes``, ``nb_acteurs`` (1, ou la taille du groupe), ``regroupe``,
    ``agregateur_declare``, ``agregateur_central``. ``liens`` : ``source``, ``cible``,
    ``type``, ``contrat``, ``nb_relations``, ``volume`` (somme, si une seule unité),
    ``unite``. ``niveau`` : 0 sans regroupement ; 1 producteurs individuels par commune ;
    2 acteurs individuels par maillon et commune ; 3 acteurs individuels par maillon ;
    4 tous les acteurs par maillon et commune ; 5 tous les acteurs par maillon.
    """

    noeuds: pd.DataFrame
    liens: pd.DataFrame
    niveau: int
    note: str | None
    raison_vide: str | None
    agregateur: str | None
    central: str | None


def _etiquette_groupe(maillon: str, commune: str | None, n: int, individuels: bool) -> str:
    pluriel = _ref()["pluriels"].get(maillon, referentiel.libelle("maillons", maillon).lower())
    texte = f"{n} {pluriel}" + (" individuels" if individuels else "")
    return f"{texte}, {commune}" if commune else texte


def reseau_carte(cluster: Cluster, regrouper: bool | None = None) -> CarteReseau:
    """Prépare la carte : regroupe les acteurs quand ils sont trop nombreux et agrège les liens.

    ``regrouper=None`` décide selon le référentiel (au-delà de ``seuil_acteurs`` acteurs) ;
    on retient le premier niveau de regroupement qui laisse au plus ``max_noeuds`` nœuds.
    L'agrégateur déclaré et l'acteur le plus relié ne sont jamais regroupés.
    """
    reglages = _ref()["regroupement"]
    acteurs = cluster.acteurs.reset_index(drop=True)
    infos = agregateur(cluster)
    declare, central = infos["declare"], infos["central"]
    proteges = acteurs["id"].isin([a for a in (declare, central) if a])
    if regrouper is None:
        regrouper = len(acteurs) > reglages["seuil_acteurs"]
    communes = acteurs["commune"].fillna(reglages["commune_inconnue"])
    individuels = acteurs["forme"].isin(reglages["formes_individuelles"])
    identifiants = acteurs["id"].astype(object)
    noeud = identifiants
    etiquettes: dict[str, tuple[str, str | None, bool]] = {}
    niveau = 0

    def regrouper_masque(masque: pd.Series, par_commune: bool, individuel: bool
                         ) -> tuple[pd.Series, dict[str, tuple[str, str | None, bool]]]:
        cles = acteurs["maillon"] + ("@" + communes if par_commune else "")
        tailles = cles[masque].value_counts()
        a_grouper = masque & cles.map(tailles).fillna(0).gt(1)
        nouveau = identifiants.copy()
        nouveau[a_grouper] = "groupe:" + cles[a_grouper]
        noms: dict[str, tuple[str, str | None, bool]] = {}
        for cle in cles[a_grouper].unique().tolist():
            maillon, _, commune = cle.partition("@")
            noms["groupe:" + cle] = (maillon, commune or None, individuel)
        return nouveau, noms

    if regrouper:
        # Du plus léger au plus fort ; on garde le premier niveau qui tient dans max_noeuds.
        niveaux = [
            (individuels & acteurs["maillon"].isin(reglages["maillons_premier_niveau"]) & ~proteges, True, True),
            (individuels & ~proteges, True, True),
            (individuels & ~proteges, False, True),
            (~proteges, True, False),
            (~proteges, False, False),
        ]
        for i, (masque, par_commune, individuel) in enumerate(niveaux, start=1):
            noeud, etiquettes = regrouper_masque(masque, par_commune, individuel)
            niveau = i
            if noeud.nunique() <= reglages["max_noeuds"]:
                break
    # Nœuds
    nb_par_noeud = noeud.value_counts()
    regroupes = acteurs.assign(noeud=noeud)
    simples = regroupes[~noeud.str.startswith("groupe:")]
    lignes = [
        pd.DataFrame({
            "id": simples["id"].astype(object), "nom": simples["nom"].astype(object),
            "maillon": simples["maillon"].astype(object), "forme": simples["forme"].astype(object),
            "commune": simples["commune"].astype(object), "effectif": simples["effectif"].astype("Float64"),
            "femmes": simples["femmes"].astype("Float64"), "nb_acteurs": 1, "regroupe": False,
        })
    ]
    groupes = regroupes[noeud.str.startswith("groupe:")]
    if not groupes.empty:
        somme = groupes.groupby("noeud").agg(effectif=("effectif", lambda s: s.sum(min_count=1)),
                                             femmes=("femmes", lambda s: s.sum(min_count=1)))
        g_lignes = []
        for ident, (maillon, commune, individuel) in etiquettes.items():
            if ident not in nb_par_noeud.index:
                continue
            n = int(nb_par_noeud[ident])
            g_lignes.append({
                "id": ident, "nom": _etiquette_groupe(maillon, commune, n, individuel), "maillon": maillon,
                "forme": "groupe d'acteurs", "commune": commune,
                "effectif": somme.loc[ident, "effectif"], "femmes": somme.loc[ident, "femmes"],
                "nb_acteurs": n, "regroupe": True,
            })
        lignes.append(pd.DataFrame(g_lignes).astype({"effectif": "Float64", "femmes": "Float64"}))
    noeuds = pd.concat(lignes, ignore_index=True) if len(lignes) > 1 else lignes[0].reset_index(drop=True)
    noeuds["agregateur_declare"] = noeuds["id"].eq(declare) if declare else False
    noeuds["agregateur_central"] = noeuds["id"].eq(central) if central else False
    # Liens
    correspondance = dict(zip(acteurs["id"].tolist(), noeud.tolist(), strict=True))
    rel = cluster.relations
    colonnes_liens = ["source", "cible", "type", "contrat", "nb_relations", "volume", "unite"]
    if rel.empty:
        liens = pd.DataFrame(columns=colonnes_liens)
    else:
        t = pd.DataFrame({
            "source": rel["source"].map(correspondance).astype(object),
            "cible": rel["cible"].map(correspondance).astype(object),
            "type": rel["type"].astype(object), "contrat": rel["contrat"].astype(object),
            "volume": rel["volume"], "unite": rel["unite"].fillna("").astype(object),
        })
        t = t[t["source"] != t["cible"]]
        liens = t.groupby(["source", "cible", "type", "contrat"], sort=False).agg(
            nb_relations=("volume", "size"), volume=("volume", lambda s: s.sum(min_count=1)),
            nb_unites=("unite", "nunique"), unite=("unite", "first"),
        ).reset_index()
        liens["volume"] = liens["volume"].where(liens["nb_unites"] <= 1)
        liens["unite"] = liens["unite"].where(liens["unite"] != "")
        liens = liens[colonnes_liens]
    note = None
    if niveau:
        nb_groupes = int(noeuds["regroupe"].sum())
        nb_dans_groupes = int(noeuds.loc[noeuds["regroupe"], "nb_acteurs"].sum())
        quoi = {
            1: "producteurs individuels regroupés par commune",
            2: "acteurs individuels regroupés par maillon et par commune",
            3: "acteurs individuels regroupés par maillon",
            4: "acteurs regroupés par maillon et par commune",
            5: "acteurs regroupés par maillon",
        }[niveau]
        note = (f"Carte simplifiée ({len(acteurs)} acteurs) : {nb_dans_groupes} {quoi}, "
                f"en {nb_groupes} nœud(s) ; le nombre d'acteurs de chaque groupe est indiqué.")
    return CarteReseau(noeuds=noeuds, liens=liens, niveau=niveau, note=note,
                       raison_vide=raison_reseau_vide(cluster), agregateur=declare, central=central)
