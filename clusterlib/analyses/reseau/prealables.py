"""Les quatre préalables à l'accompagnement d'un cluster (section 4.1 du guide), jugés sur les données.

Chaque préalable donne un verdict et les faits mesurés (nombres, identifiants, noms) ;
la règle et la preuve en mots sont écrites par :mod:`clusterlib.presentation.reseau`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx
import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.reseau._commun import _affaires, _maillons_directs, _manquant, _noms, _ref
from clusterlib.donnees.modele import Cluster

__all__ = ["prealables", "synthese_prealables"]


def _verdict_seuil(part: float, oui: float, partiellement: float) -> str:
    if part >= oui:
        return "oui"
    if part >= partiellement:
        return "partiellement"
    return "non"


def _prealable_marche(cluster: Cluster, seuils: dict[str, Any]) -> tuple[str | None, float | None, dict[str, Any]]:
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
    faits = {"nb_declares": declares, "nb_debouches": len(debouches), "nb_flux": flux,
             "nb_livraisons": livraisons if perf is not None else None, "campagne": cluster.campagne}
    return verdict, float(flux + livraisons), faits


def _fournisseurs_production(cluster: Cluster) -> pd.Series:
    """Par acheteur, le nombre d'acteurs de la production distincts qui lui vendent des produits."""
    production = next(e for e in _ref()["etapes"] if e["code"] == "production")["maillons"]
    ids = cluster.acteurs.loc[cluster.acteurs["maillon"].isin(production), "id"]
    rel = cluster.relations
    achats = rel[rel["type"].eq("produit") & rel["source"].isin(ids)]
    return achats.groupby("cible")["source"].nunique()


def _prealable_leader(cluster: Cluster, seuils: dict[str, Any]) -> tuple[str | None, float | None, dict[str, Any]]:
    minimum = int(seuils["min_fournisseurs_production"])
    fournisseurs = _fournisseurs_production(cluster)
    noms = _noms(cluster)
    declare = cluster.fiche.agregateur
    if declare:
        n = int(fournisseurs.get(declare, 0))
        verdict = "oui" if n >= minimum else "partiellement"
        return verdict, float(n), {"cas": "declare", "acteur": declare, "nom": noms.get(declare, declare),
                                   "nb_fournisseurs": n, "minimum": minimum}
    exclus = set(_ref()["agregateur"]["maillons_exclus"])
    candidats = cluster.acteurs[cluster.acteurs["maillon"].isin(_maillons_directs())
                                & ~cluster.acteurs["maillon"].isin(exclus)]["id"]
    fournisseurs = fournisseurs[fournisseurs.index.isin(candidats)]
    if fournisseurs.empty:
        return "non", 0.0, {"cas": "aucun", "acteur": None, "nom": None, "nb_fournisseurs": 0, "minimum": minimum}
    ordre = pd.DataFrame({"id": fournisseurs.index, "n": fournisseurs.to_numpy()}).sort_values(
        ["n", "id"], ascending=[False, True])
    meilleur, n = str(ordre["id"].iloc[0]), int(ordre["n"].iloc[0])
    verdict = "partiellement" if n >= minimum else "non"
    return verdict, float(n), {"cas": "candidat", "acteur": meilleur, "nom": noms.get(meilleur, meilleur),
                               "nb_fournisseurs": n, "minimum": minimum}


def _prealable_relations(cluster: Cluster, seuils: dict[str, Any]) -> tuple[str | None, float | None, dict[str, Any]]:
    oui, partiel = seuils["relations_oui"], seuils["relations_partiellement"]
    n = len(cluster.acteurs)
    rel = cluster.relations
    if rel.empty or n == 0:
        return "non", 0.0, {"cas": "aucune_relation"}
    g = nx.Graph()
    g.add_nodes_from(cluster.acteurs["id"].tolist())
    g.add_edges_from(zip(rel["source"].tolist(), rel["cible"].tolist(), strict=True))
    plus_grand = max(len(c) for c in nx.connected_components(g))
    part = plus_grand / n
    faits = {"cas": "mesure", "plus_grand_reseau": plus_grand, "nb_acteurs": n, "part": part,
             "nb_isoles": sum(1 for _, d in g.degree() if d == 0), "nb_affaires": len(_affaires(rel)),
             "nb_relations": len(rel)}
    return _verdict_seuil(part, oui, partiel), part, faits


def _prealable_territoire(cluster: Cluster, seuils: dict[str, Any]
                          ) -> tuple[str | None, float | None, dict[str, Any]]:
    oui, partiel = seuils["territoire_oui"], seuils["territoire_partiellement"]
    communes = cluster.fiche.communes
    if not communes:
        return None, None, {"cas": "sans_commune_declaree"}
    membres = cluster.acteurs[~cluster.acteurs["maillon"].isin(seuils["maillons_hors_territoire"])]
    connus = membres[membres["commune"].notna()]
    if connus.empty:
        return None, None, {"cas": "sans_commune_acteurs"}
    cles = {referentiel.cle_normalisee(c) for c in communes}
    normalisees = {c: referentiel.cle_normalisee(c) for c in connus["commune"].unique().tolist()}
    dedans = connus["commune"].map(normalisees).isin(cles)
    part = float(dedans.mean())
    dehors = connus.loc[~dedans, "commune"].value_counts()
    faits = {"cas": "mesure", "nb_dedans": int(dedans.sum()), "nb_connus": len(connus), "part": part,
             "communes": list(communes), "hors_territoire": [(str(c), int(k)) for c, k in dehors.items()],
             "nb_sans_commune": len(membres) - len(connus)}
    return _verdict_seuil(part, oui, partiel), part, faits


_CALCULS: dict[str, Callable[[Cluster, dict[str, Any]], tuple[str | None, float | None, dict[str, Any]]]] = {
    "marche": _prealable_marche,
    "leader": _prealable_leader,
    "relations": _prealable_relations,
    "territoire": _prealable_territoire,
}


def prealables(cluster: Cluster) -> pd.DataFrame:
    """Les quatre préalables à l'accompagnement d'un cluster (section 4.1 du guide), jugés sur les données.

    Une ligne par préalable (``marche``, ``leader``, ``relations``, ``territoire``) avec
    ``libelle``, ``obligatoire`` (le leader est favorable, non obligatoire), ``verdict``
    (``oui``, ``partiellement``, ``non`` ou None si non calculable), ``valeur`` (la mesure)
    et ``faits`` (dictionnaire des faits mesurés : comptes, parts, identifiants et noms ; sa
    clé ``cas`` dit, quand il y a lieu, pourquoi la mesure manque). La règle et la preuve
    rédigées : :func:`clusterlib.presentation.reseau.table_prealables`.
    """
    ref = _ref()
    seuils = ref["seuils_prealables"]
    lignes = []
    for p in ref["prealables"]:
        verdict, valeur, faits = _CALCULS[p["code"]](cluster, seuils)
        lignes.append({
            "prealable": p["code"],
            "libelle": p["libelle"],
            "obligatoire": bool(p["obligatoire"]),
            "verdict": verdict,
            "valeur": valeur,
            "faits": faits,
        })
    table = pd.DataFrame(lignes)
    # Un verdict non calculable reste None (et non NaN) : il ne faut rien inventer.
    table["verdict"] = pd.Series([ligne["verdict"] for ligne in lignes], dtype=object)
    return table


def synthese_prealables(cluster: Cluster) -> dict[str, str | None]:
    """Le verdict de chaque préalable : ``{"marche": "oui"|"partiellement"|"non"|None, "leader": …, …}``."""
    table = prealables(cluster)
    return {str(p): (None if _manquant(v) else str(v)) for p, v in zip(table["prealable"], table["verdict"],
                                                                       strict=True)}
