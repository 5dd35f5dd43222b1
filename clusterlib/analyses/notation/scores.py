"""Les notes d'une campagne : table des notes vérifiée, indicateurs, axes, note globale, couverture, résumé."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.notation._commun import (
    CampagneAbsente,
    ScoresInvalides,
    _axe_de,
    _axes,
    _grille_indicateurs,
    _ids,
    regles,
)
from clusterlib.analyses.notation.niveaux import _libelles, libelle_niveau, niveaux, pourcentage_score
from clusterlib.referentiel import regles as regles_valeurs

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "couverture",
    "notes_par_evaluateur",
    "score_global",
    "scores_axes",
    "scores_indicateurs",
    "synthese_scores",
]


# --- Lecture de la table des notes -------------------------------------------------------


def _table_scores(source: Any) -> pd.DataFrame:
    """Colonnes ``campagne``, ``indicateur``, ``score`` (float), ``evaluateur`` (+ ``cluster``)."""
    if source is None:
        cadre = None
    elif isinstance(source, pd.DataFrame):
        cadre = source
    else:
        cadre = getattr(source, "scores", None)
    colonnes = ["campagne", "indicateur", "score"]
    if cadre is None:
        return pd.DataFrame({"campagne": pd.Series(dtype="str"), "indicateur": pd.Series(dtype="str"),
                             "score": pd.Series(dtype="float64"), "evaluateur": pd.Series(dtype="str")})
    manquantes = [c for c in colonnes if c not in cadre.columns]
    if manquantes:
        raise ScoresInvalides(
            "table des notes incomplète : colonne(s) " + ", ".join(f"« {c} »" for c in manquantes)
            + " absente(s) ; attendu : campagne, indicateur, score (et evaluateur)")
    sortie = {c: cadre[c] for c in cadre.columns if c in ("cluster", "campagne", "indicateur", "evaluateur")}
    sortie["score"] = pd.to_numeric(cadre["score"], errors="coerce").astype("float64")
    table = pd.DataFrame(sortie)
    if "evaluateur" not in table.columns:
        table["evaluateur"] = pd.Series(pd.NA, index=table.index, dtype="str")
    table = table[table["score"].notna()]
    inconnus = ~table["indicateur"].isin(_ids())
    if inconnus.any():
        exemples = ", ".join(sorted(map(str, table.loc[inconnus, "indicateur"].unique()))[:5])
        raise ScoresInvalides(f"indicateur(s) inconnu(s) dans les notes : {exemples} ; attendu : un "
                              f"identifiant de la grille, de {regles_valeurs.plage_indicateurs()}")
    echelle = regles_valeurs.echelle_notes()
    hors = ~table["score"].between(echelle.minimum, echelle.maximum)
    if hors.any():
        exemples = ", ".join(regles_valeurs.nombre_ecrit(v, 1) for v in sorted(table.loc[hors, "score"].unique())[:5])
        raise ScoresInvalides(f"note(s) hors de l'échelle : {exemples} ; attendu : une note "
                              f"{echelle.texte()}")
    return table


def _campagnes_notees(table: pd.DataFrame) -> list[str]:
    return sorted(table["campagne"].dropna().unique().tolist())


def _resoudre(source: Any, campagne: str | None) -> tuple[pd.DataFrame, str]:
    """La table des notes et la campagne voulue (par défaut : celle du cluster, sinon la dernière)."""
    table = _table_scores(source)
    disponibles = _campagnes_notees(table)
    if campagne is None:
        campagne = getattr(source, "campagne", None) if not isinstance(source, pd.DataFrame) else None
        if campagne is None:
            if not disponibles:
                raise CampagneAbsente(None, [])
            campagne = disponibles[-1]
    if campagne not in disponibles:
        raise CampagneAbsente(campagne, disponibles)
    return table, campagne


# --- Cœur vectorisé -------------------------------------------------------------------------


def _agreger(table: pd.DataFrame, cles: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Notes par indicateur, par axe et globale, pour chaque combinaison de ``cles``.

    Aucune boucle par cluster : trois ``groupby`` successifs, du plus fin au plus large.
    """
    ind = (
        table.groupby([*cles, "indicateur"], sort=False, observed=True)["score"]
        .agg(["mean", "min", "max", "count"])
        .rename(columns={"mean": "score", "min": "minimum", "max": "maximum", "count": "nb_evaluateurs"})
    )
    ind["axe"] = ind.index.get_level_values("indicateur").map(_axe_de()).astype("int64")
    ax = (
        ind.groupby([*cles, "axe"], sort=False, observed=True)["score"]
        .agg(["mean", "count"])
        .rename(columns={"mean": "score", "count": "nb_indicateurs"})
    )
    if cles:
        glob = ax.groupby(cles, sort=False, observed=True).agg(
            score=("score", "mean"), nb_axes=("score", "count"), nb_indicateurs=("nb_indicateurs", "sum"))
    else:
        glob = pd.DataFrame({"score": [ax["score"].mean()], "nb_axes": [len(ax)],
                             "nb_indicateurs": [int(ax["nb_indicateurs"].sum())]})
    return ind, ax, glob


def _large(ind: pd.DataFrame | None, ax: pd.DataFrame, glob: pd.DataFrame, cles: list[str]) -> pd.DataFrame:
    """Tableau large : une ligne par combinaison de ``cles`` (notes des axes, globale, niveau…)."""
    axes = ax["score"].unstack("axe").reindex(columns=list(_axes()))
    axes.columns = [f"axe_{a}" for a in axes.columns]
    large = glob[["score"]].rename(columns={"score": "global"}).join(axes)
    large["pourcentage"] = pourcentage_score(large["global"])
    large["niveau"] = niveaux(large["global"])
    large["libelle"] = _libelles(large["niveau"])
    large["couverture"] = glob["nb_indicateurs"].astype("float64") / len(_ids())
    if ind is not None:
        indicateurs = ind["score"].unstack("indicateur").reindex(columns=list(_ids()))
        large = large.join(indicateurs)
    large.index.names = cles
    large.columns.name = None
    return large


# --- Un cluster, une campagne ------------------------------------------------------------


def scores_indicateurs(scores: Cluster | pd.DataFrame, campagne: str | None = None) -> pd.DataFrame:
    """La note de chacun des 24 indicateurs pour une campagne, dans l'ordre de la grille.

    Colonnes : ``indicateur``, ``axe``, ``nom``, ``nom_court``, ``score`` (moyenne des évaluateurs, vide si
    l'indicateur n'est pas évalué), ``nb_evaluateurs``, ``minimum``, ``maximum``, ``ecart``
    (plus haute moins plus basse note), ``desaccord`` (écart d'au moins ``regles.desaccord``
    points), ``niveau`` (1 à 4), ``libelle`` et ``pourcentage``.

    ``campagne`` vaut par défaut la campagne en cours du cluster (ou la dernière campagne
    notée pour une simple table) ; une campagne sans note lève :class:`CampagneAbsente`.
    """
    table, campagne = _resoudre(scores, campagne)
    ind, _, _ = _agreger(table[table["campagne"] == campagne], [])
    resultat = _grille_indicateurs().merge(
        ind.drop(columns="axe").reset_index(), on="indicateur", how="left")
    resultat["nb_evaluateurs"] = resultat["nb_evaluateurs"].fillna(0).astype("int64")
    resultat["ecart"] = resultat["maximum"] - resultat["minimum"]
    resultat["desaccord"] = resultat["ecart"].ge(regles()["desaccord"]).fillna(False).astype(bool)
    resultat["niveau"] = niveaux(resultat["score"])
    resultat["libelle"] = _libelles(resultat["niveau"])
    resultat["pourcentage"] = pourcentage_score(resultat["score"])
    return resultat


def scores_axes(scores: Cluster | pd.DataFrame, campagne: str | None = None) -> pd.DataFrame:
    """La note de chacun des six axes pour une campagne.

    Colonnes : ``axe``, ``nom_court``, ``nom``, ``score`` (moyenne des indicateurs notés de
    l'axe, vide si aucun ne l'est), ``nb_indicateurs`` (indicateurs notés), ``couverture``
    (part des indicateurs de l'axe notés, de 0 à 1), ``niveau``, ``libelle``, ``pourcentage``.
    """
    ind = scores_indicateurs(scores, campagne)
    par_axe = ind.groupby("axe", sort=False).agg(
        score=("score", "mean"), nb_indicateurs=("score", "count"), total=("indicateur", "size"))
    resultat = referentiel.axes().merge(par_axe.reset_index(), on="axe", how="left")
    resultat["couverture"] = resultat["nb_indicateurs"] / resultat["total"]
    resultat = resultat.drop(columns="total")
    resultat["niveau"] = niveaux(resultat["score"])
    resultat["libelle"] = _libelles(resultat["niveau"])
    resultat["pourcentage"] = pourcentage_score(resultat["score"])
    return resultat


def score_global(scores: Cluster | pd.DataFrame, campagne: str | None = None) -> float | None:
    """La note globale (1 à 4) : moyenne des axes qui ont au moins un indicateur noté.

    ``None`` si aucun indicateur n'est noté pour la campagne.
    """
    axes = scores_axes(scores, campagne)
    valeur = axes["score"].mean()
    return None if pd.isna(valeur) else float(valeur)


def couverture(scores: Cluster | pd.DataFrame, campagne: str | None = None) -> dict[str, Any]:
    """La part de la grille évaluée : ``nb_notes``, ``nb_indicateurs`` (24), ``taux`` (0 à 1)
    et ``manquants`` (identifiants des indicateurs non évalués, dans l'ordre de la grille)."""
    ind = scores_indicateurs(scores, campagne)
    notes = ind["score"].notna()
    return {
        "nb_notes": int(notes.sum()),
        "nb_indicateurs": len(ind),
        "taux": float(notes.mean()),
        "manquants": ind.loc[~notes, "indicateur"].tolist(),
    }


def notes_par_evaluateur(scores: Cluster | pd.DataFrame, campagne: str | None = None) -> pd.DataFrame:
    """Les notes de chaque évaluateur, côte à côte : une ligne par indicateur noté, une colonne
    par évaluateur (« sans nom » pour une note sans évaluateur), puis ``ecart``."""
    table, campagne = _resoudre(scores, campagne)
    t = table[table["campagne"] == campagne]
    evaluateurs = t["evaluateur"].fillna("sans nom").astype("str")
    large = t.assign(evaluateur=evaluateurs).pivot_table(
        index="indicateur", columns="evaluateur", values="score", aggfunc="mean", sort=False)
    large = large.reindex([i for i in _ids() if i in large.index])
    large.columns.name = None
    large["ecart"] = large.max(axis=1) - large.min(axis=1)
    return large.reset_index()


def synthese_scores(cluster_ou_scores: Cluster | pd.DataFrame, campagne: str | None = None) -> dict[str, Any]:
    """Le résumé des notes d'une campagne, tel que l'écrivent les rapports.

    ``{"global": float | None, "couverture": float (0 à 1), "axes": {"1": float | None, …},
    "indicateurs": {"1.1": float | None, …}, "niveau": str | None}``. Ce qui n'est pas noté vaut
    ``None`` : rien n'est inventé. Pour un cluster, une campagne connue (fiche ou tables) mais
    sans note donne ce résumé vide ; une campagne inconnue lève :class:`CampagneAbsente`.
    """
    table = _table_scores(cluster_ou_scores)
    if isinstance(cluster_ou_scores, pd.DataFrame):
        table, campagne = _resoudre(cluster_ou_scores, campagne)
    else:
        campagne = campagne or cluster_ou_scores.campagne
        connues = set(cluster_ou_scores.campagnes()) | set(_campagnes_notees(table))
        if campagne not in connues:
            raise CampagneAbsente(campagne, connues, quoi="des données du cluster")
    vide = {
        "global": None,
        "couverture": 0.0,
        "axes": {str(a): None for a in _axes()},
        "indicateurs": dict.fromkeys(_ids()),
        "niveau": None,
    }
    if campagne not in _campagnes_notees(table):
        return vide

    def flottant(v: Any) -> float | None:
        return None if pd.isna(v) else float(v)

    ind = scores_indicateurs(table, campagne)
    axes = scores_axes(table, campagne)
    globale = flottant(axes["score"].mean())
    return {
        "global": globale,
        "couverture": float(ind["score"].notna().mean()),
        "axes": {str(a): flottant(s) for a, s in zip(axes["axe"], axes["score"], strict=True)},
        "indicateurs": {i: flottant(s) for i, s in zip(ind["indicateur"], ind["score"], strict=True)},
        "niveau": libelle_niveau(globale),
    }
