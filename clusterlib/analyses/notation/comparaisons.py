"""Les notes de plusieurs campagnes et de plusieurs clusters, calculées d'un coup."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pandas as pd

from clusterlib.analyses.notation._commun import CampagneAbsente, ScoresInvalides
from clusterlib.analyses.notation.scores import _agreger, _campagnes_notees, _large, _table_scores

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "comparer_clusters",
    "scores_banque",
    "scores_campagnes",
]


# --- Plusieurs campagnes, plusieurs clusters -----------------------------------------------


def scores_banque(scores: pd.DataFrame, cles: Iterable[str] = ("cluster", "campagne"),
                  indicateurs: bool = False) -> pd.DataFrame:
    """Les notes de tous les clusters et de toutes les campagnes d'une banque, d'un coup.

    ``scores`` : table des notes avec, en plus, les colonnes de ``cles`` (par défaut
    ``cluster`` et ``campagne``). Une ligne par combinaison de ``cles`` ; colonnes ``global``,
    ``axe_1`` … ``axe_6``, ``pourcentage``, ``niveau``, ``libelle``, ``couverture`` (0 à 1) et,
    avec ``indicateurs=True``, les 24 notes d'indicateurs (``1.1`` … ``6.4``). Calcul
    vectorisé (aucune boucle par cluster).
    """
    cles = list(cles)
    manquantes = [c for c in cles if c not in scores.columns]
    if manquantes:
        raise ScoresInvalides(f"colonne(s) {', '.join(manquantes)} absente(s) de la table des notes")
    table = _table_scores(scores)
    ind, ax, glob = _agreger(table, cles)
    large = _large(ind if indicateurs else None, ax, glob, cles)
    return large.sort_index()


def scores_campagnes(scores: Cluster | pd.DataFrame) -> pd.DataFrame:
    """Les notes de chaque campagne notée d'un cluster (pour suivre son évolution).

    Index ``campagne`` (dans l'ordre) ; colonnes ``global``, ``axe_1`` … ``axe_6``,
    ``pourcentage``, ``niveau``, ``libelle``, ``couverture`` et les 24 indicateurs.
    """
    table = _table_scores(scores)
    if table.empty:
        raise CampagneAbsente(None, [])
    return scores_banque(table, ("campagne",), indicateurs=True)


def comparer_clusters(clusters: Mapping[str, Cluster | pd.DataFrame] | Iterable[Cluster],
                      campagne: str | None = None) -> pd.DataFrame:
    """Un tableau qui compare plusieurs clusters (banque régionale ou nationale de clusters).

    ``clusters`` : des :class:`Cluster`, ou un dictionnaire nom → cluster ou table de notes.
    Chaque cluster est pris à ``campagne`` (par défaut : sa campagne en cours, ou sa
    dernière campagne notée). Une ligne par cluster (index ``cluster``) ; colonnes
    ``campagne``, ``global``, ``axe_1`` … ``axe_6``, ``pourcentage``, ``niveau``, ``libelle``,
    ``couverture`` et les 24 indicateurs. Un cluster sans note pour la campagne garde sa
    ligne, vide, avec une couverture de 0. Si aucun cluster n'a la campagne demandée,
    :class:`CampagneAbsente` est levée.
    """
    paires = list(clusters.items()) if isinstance(clusters, Mapping) else [(c.id, c) for c in clusters]
    morceaux, campagnes, toutes = [], {}, set()
    for nom, source in paires:
        table = _table_scores(source)
        notees = _campagnes_notees(table)
        toutes.update(notees)
        voulue = campagne
        if voulue is None:
            voulue = getattr(source, "campagne", None) if not isinstance(source, pd.DataFrame) else None
            voulue = voulue or (notees[-1] if notees else None)
        campagnes[nom] = voulue
        morceaux.append(table[table["campagne"] == voulue].assign(cluster=nom))
    if campagne is not None and campagne not in toutes:
        raise CampagneAbsente(campagne, toutes, quoi="des notes des clusters comparés")
    noms = [nom for nom, _ in paires]
    longue = pd.concat(morceaux, ignore_index=True) if morceaux else _table_scores(None).assign(cluster="")
    ind, ax, glob = _agreger(longue, ["cluster"])
    large = _large(ind, ax, glob, ["cluster"]).reindex(pd.Index(noms, name="cluster"))
    large["couverture"] = large["couverture"].fillna(0.0)
    large.insert(0, "campagne", pd.Series(campagnes, dtype="str").reindex(large.index))
    return large
