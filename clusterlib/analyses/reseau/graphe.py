"""Le réseau en graphe networkx, la table des relations enrichie et leurs exports (GraphML, GEXF, CSV)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.reseau._commun import (
    _enregistrements,
    _groupes_maillons,
    _maillon_de,
    _noms,
    _types_commerciaux,
)
from clusterlib.donnees.modele import Cluster
from clusterlib.fichiers import ecriture_atomique, neutraliser_tableau

__all__ = ["exporter_gexf", "exporter_graphml", "exporter_table_relations", "graphe", "table_relations"]


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

