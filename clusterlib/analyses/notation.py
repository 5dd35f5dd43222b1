"""Notation de la grille de fonctionnement (annexe 3 du guide) : notes, niveaux, évolution.

La grille compte six axes de quatre indicateurs, notés de 1 à 4 (voir
``referentiel/grille.yml``). Règles de calcul, pour une campagne :

- note d'un indicateur = moyenne des notes de ses évaluateurs ; on garde l'écart entre la
  note la plus haute et la plus basse, et un écart d'au moins ``regles.desaccord`` points
  signale un désaccord à discuter ;
- note d'un axe = moyenne des indicateurs notés de l'axe ;
- note globale = moyenne des axes qui ont au moins un indicateur noté ;
- pourcentage = (note − 1) / 3 × 100.

Un indicateur sans note n'est **pas évalué** : il ne compte jamais pour zéro, il fait
baisser la couverture (indicateurs notés / 24). Les niveaux (« Très faible » … « Fort »)
viennent de ``niveaux_global`` dans le référentiel.

Tout est vectorisé : :func:`scores_banque` calcule les notes de milliers de clusters et de
campagnes d'un coup (une colonne ``cluster`` en plus dans la table). Les fonctions prennent
un :class:`~clusterlib.donnees.modele.Cluster` ou directement une table ``scores`` et ne modifient
jamais ce qu'elles reçoivent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from clusterlib import referentiel
from clusterlib.presentation.format_fr import nombre
from clusterlib.referentiel import regles as regles_valeurs

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "CampagneAbsente",
    "ScoresInvalides",
    "comparer_clusters",
    "couverture",
    "evolution",
    "libelle_niveau",
    "niveau",
    "niveau_seuils",
    "niveaux",
    "notes_par_evaluateur",
    "pourcentage_score",
    "priorites",
    "regles",
    "score_global",
    "scores_axes",
    "scores_banque",
    "scores_campagnes",
    "scores_indicateurs",
    "suggestions",
    "synthese_scores",
]

TENDANCES = ("hausse", "stable", "baisse", "non comparable")
"""Valeurs de la colonne ``tendance`` de :func:`evolution`."""


class CampagneAbsente(ValueError):
    """La campagne demandée n'est pas dans les données ; le message liste celles qui y sont."""

    def __init__(self, campagne: str | None, disponibles: Iterable[str], quoi: str = "des notes de la grille",
                 message: str | None = None) -> None:
        self.campagne = campagne
        self.disponibles = sorted(disponibles)
        liste = ", ".join(self.disponibles) if self.disponibles else "aucune"
        if message is None:
            if campagne is None:
                message = "aucune campagne notée : la table scores est absente ou vide"
            else:
                message = f"campagne « {campagne} » absente {quoi}"
        super().__init__(f"{message} ; campagnes disponibles : {liste}")


class ScoresInvalides(ValueError):
    """Une table de notes construite à la main ne respecte pas la grille (colonne, note, indicateur)."""


# --- Référentiel -------------------------------------------------------------------------


@cache
def _grille() -> dict[str, Any]:
    return referentiel.grille()


@cache
def _ids() -> tuple[str, ...]:
    return tuple(i["id"] for a in _grille()["axes"] for i in a["indicateurs"])


@cache
def _axes() -> tuple[int, ...]:
    return tuple(a["numero"] for a in _grille()["axes"])


@cache
def _axe_de() -> dict[str, int]:
    return {i["id"]: a["numero"] for a in _grille()["axes"] for i in a["indicateurs"]}


@cache
def _niveaux() -> tuple[np.ndarray, tuple[str, ...]]:
    """Bornes basses des niveaux 2, 3, 4… et libellés des niveaux 1, 2, 3, 4."""
    niveaux = sorted(_grille()["niveaux_global"], key=lambda n: n["min"])
    return np.array([float(n["min"]) for n in niveaux[1:]]), tuple(n["libelle"] for n in niveaux)


def regles() -> dict[str, Any]:
    """Les règles de calcul du référentiel : seuil de désaccord, de stabilité, nombre de priorités."""
    return dict(_grille()["regles"])


def _grille_indicateurs() -> pd.DataFrame:
    """Les 24 indicateurs : ``indicateur``, ``axe``, ``nom``, ``nom_court``."""
    return pd.DataFrame([
        {"indicateur": i["id"], "axe": a["numero"], "nom": i["nom"], "nom_court": i.get("nom_court", i["nom"])}
        for a in _grille()["axes"] for i in a["indicateurs"]
    ])


# --- Niveaux et pourcentages -------------------------------------------------------------


def niveaux(scores: pd.Series | Iterable[float]) -> pd.Series:
    """Le niveau (1 à 4, entier) de chaque note moyenne ; ``<NA>`` pour une note absente.

    Les bornes viennent de ``niveaux_global`` du référentiel (borne basse incluse).
    """
    serie = scores if isinstance(scores, pd.Series) else pd.Series(list(scores), dtype="float64")
    valeurs = serie.to_numpy(dtype="float64", na_value=np.nan)
    bornes, _ = _niveaux()
    # Arrondi : une moyenne de 3 notes qui vaut 2,4999999… reste au niveau de 2,5.
    indices = np.searchsorted(bornes, np.round(valeurs, 9), side="right") + 1
    resultat = pd.array(indices, dtype="Int64")
    resultat[np.isnan(valeurs)] = pd.NA
    return pd.Series(resultat, index=serie.index, name="niveau")


def _libelles(niv: pd.Series) -> pd.Series:
    _, libelles = _niveaux()
    correspondance = {k + 1: lib for k, lib in enumerate(libelles)}
    return niv.map(correspondance).astype("str").where(niv.notna())


def niveau(score: float | None) -> int | None:
    """Le niveau (1 à 4) d'une note moyenne, ou ``None`` si la note est absente."""
    if score is None or pd.isna(score):
        return None
    return int(niveaux(pd.Series([float(score)])).iloc[0])


def libelle_niveau(score: float | None) -> str | None:
    """Le libellé du niveau d'une note moyenne (« Très faible », « Faible »…), ou ``None``."""
    n = niveau(score)
    return None if n is None else _niveaux()[1][n - 1]


def pourcentage_score(score: Any) -> Any:
    """Une note de 1 à 4 en pourcentage de l'échelle : (note − 1) / 3 × 100.

    Accepte un nombre (``None`` reste ``None``) ou une série pandas.
    """
    echelle = _grille()["echelle"]
    bas, haut = echelle["minimum"], echelle["maximum"]
    if score is None:
        return None
    if isinstance(score, pd.Series):
        return (score.astype("float64") - bas) / (haut - bas) * 100
    return (float(score) - bas) / (haut - bas) * 100


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
        exemples = ", ".join(nombre(v, 1) for v in sorted(table.loc[hors, "score"].unique())[:5])
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


# --- Évolution et priorités ----------------------------------------------------------------


def _tendances(delta: pd.Series) -> pd.Series:
    seuil = regles()["tendance_stable"]
    d = delta.to_numpy(dtype="float64", na_value=np.nan)
    choix = np.select([np.isnan(d), d >= seuil, d <= -seuil], ["non comparable", "hausse", "baisse"], "stable")
    return pd.Series(choix, index=delta.index, dtype="str")


def evolution(scores: Cluster | pd.DataFrame, campagne: str | None = None, reference: str | None = None,
              par: str = "indicateur") -> pd.DataFrame:
    """L'évolution des notes entre une campagne de ``reference`` et ``campagne``.

    ``par`` : ``"indicateur"`` (24 lignes), ``"axe"`` (6 lignes) ou ``"global"`` (1 ligne).
    ``reference`` vaut par défaut la dernière campagne notée avant ``campagne``. Colonnes :
    l'identifiant, ``nom``, ``score_reference``, ``score``, ``delta`` (en points de note) et
    ``tendance`` (« hausse », « stable », « baisse », ou « non comparable » quand une des
    deux notes manque). Une variation de moins de ``regles.tendance_stable`` point est stable.
    """
    if par not in ("indicateur", "axe", "global"):
        raise ValueError(f"par = « {par} » inconnu ; attendu : indicateur, axe ou global")
    table, campagne = _resoudre(scores, campagne)
    disponibles = _campagnes_notees(table)
    if reference is None:
        avant = [c for c in disponibles if c < campagne]
        if not avant:
            raise CampagneAbsente(None, disponibles, message=(
                f"aucune campagne notée avant {campagne} : l'évolution demande deux campagnes notées"))
        reference = avant[-1]
    elif reference not in disponibles:
        raise CampagneAbsente(reference, disponibles)
    if par == "global":
        avant_, apres = score_global(table, reference), score_global(table, campagne)
        resultat = pd.DataFrame({"nom": ["Note globale"], "score_reference": [avant_], "score": [apres]},
                                dtype="object").astype({"nom": "str", "score_reference": "float64",
                                                        "score": "float64"})
    else:
        fonction = scores_indicateurs if par == "indicateur" else scores_axes
        cle = par if par == "indicateur" else "axe"
        colonnes = [cle, "nom_court", "nom"] if par == "axe" else [cle, "axe", "nom", "nom_court"]
        apres = fonction(table, campagne)
        resultat = apres[colonnes].copy()
        resultat["score_reference"] = fonction(table, reference)["score"].to_numpy()
        resultat["score"] = apres["score"]
    resultat["delta"] = resultat["score"] - resultat["score_reference"]
    resultat["tendance"] = _tendances(resultat["delta"])
    resultat.attrs.update(campagne=campagne, reference=reference)
    return resultat


def priorites(scores: Cluster | pd.DataFrame, campagne: str | None = None, par: str = "indicateur",
              n: int | None = None) -> pd.DataFrame:
    """Les indicateurs (ou axes) les plus faibles, candidats aux priorités du plan d'actions.

    Seuls les éléments notés comptent. Tri par note croissante ; à note égale, l'indicateur
    dont l'axe est le plus faible passe d'abord, puis l'ordre de la grille. ``n`` vaut par
    défaut ``regles.priorites`` du référentiel (5 indicateurs, 2 axes). Colonnes : celles de
    :func:`scores_indicateurs` (ou :func:`scores_axes`), plus ``rang`` et ``sous_seuil`` (note
    sous le niveau « Satisfaisant »).
    """
    if par not in ("indicateur", "axe"):
        raise ValueError(f"par = « {par} » inconnu ; attendu : indicateur ou axe")
    nombre_defaut = regles()["priorites"]["indicateurs" if par == "indicateur" else "axes"]
    n = nombre_defaut if n is None else n
    axes = scores_axes(scores, campagne)
    if par == "axe":
        notes = axes[axes["score"].notna()].sort_values(["score", "axe"], kind="stable")
    else:
        ind = scores_indicateurs(scores, campagne)
        ind["score_axe"] = ind["axe"].map(dict(zip(axes["axe"], axes["score"], strict=True)))
        ind["ordre"] = range(len(ind))
        notes = (ind[ind["score"].notna()].sort_values(["score", "score_axe", "ordre"], kind="stable")
                 .drop(columns="ordre"))
    resultat = notes.head(n).reset_index(drop=True)
    resultat.insert(0, "rang", range(1, len(resultat) + 1))
    resultat["sous_seuil"] = (resultat["niveau"] <= 2).fillna(False).astype(bool)
    return resultat


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


# --- Suggestions tirées des données -------------------------------------------------------


@dataclass(frozen=True)
class _Constat:
    """Ce qu'une mesure tire des données : la valeur, le cas (code), ses faits, et un niveau imposé éventuel."""

    valeur: float | None
    cas: str
    faits: dict[str, Any] = field(default_factory=dict)
    niveau: int | None = None


def niveau_seuils(valeur: float, seuils: Iterable[float], sens: str = "croissant") -> int:
    """Le niveau (1 à 4) d'une valeur mesurée selon les seuils d'une règle de suggestion.

    Sens croissant : 1 + nombre de seuils atteints (valeur ≥ seuil). Sens décroissant : 1 +
    nombre de seuils respectés (valeur ≤ seuil).
    """
    seuils = list(seuils)
    if sens == "decroissant":
        return 1 + sum(valeur <= s for s in seuils)
    return 1 + sum(valeur >= s for s in seuils)


def _annee(campagne: str) -> int:
    return int(str(campagne)[:4])


def _fenetre(campagnes: Iterable[str], campagne: str, longueur: int = 3) -> list[str]:
    """Les campagnes présentes parmi ``campagne`` et les ``longueur - 1`` précédentes."""
    fin = _annee(campagne)
    return sorted(c for c in set(campagnes) if fin - longueur < _annee(c) <= fin)


def _moyenne_ponderee(valeurs: pd.Series, poids: pd.Series) -> tuple[float, bool]:
    """Moyenne pondérée par ``poids`` si tous sont connus et positifs au total, sinon simple."""
    if poids.notna().all() and poids.sum() > 0:
        return float((valeurs * poids).sum() / poids.sum()), True
    return float(valeurs.mean()), False


def _campagne_courante(cluster: Cluster, campagne: str) -> _Constat | None:
    if campagne != cluster.campagne:
        return _Constat(None, "hors_campagne_relations", {"campagne_relations": cluster.campagne, "campagne": campagne})
    return None


def _maillon_source(cluster: Cluster) -> pd.Series:
    maillons = dict(zip(cluster.acteurs["id"], cluster.acteurs["maillon"], strict=True))
    return cluster.relations["source"].map(maillons)


def _livraisons_producteurs(cluster: Cluster) -> tuple[pd.DataFrame, dict[str, Any]]:
    rel = cluster.relations
    choix = rel[(rel["type"] == "produit") & (_maillon_source(cluster) == "producteur")]
    agregateur = cluster.fiche.agregateur
    if agregateur and (choix["cible"] == agregateur).any():
        return choix[choix["cible"] == agregateur], {"perimetre": "producteurs_agregateur", "agregateur": agregateur}
    return choix, {"perimetre": "producteurs_acheteurs"}


def _fournitures_agregateur(cluster: Cluster) -> tuple[pd.DataFrame | None, dict[str, Any]]:
    agregateur = cluster.fiche.agregateur
    if not agregateur:
        return None, {}
    rel = cluster.relations
    choix = rel[rel["type"].isin(["intrants", "equipement", "service", "credit"]) & (rel["cible"] == agregateur)]
    return choix, {"perimetre": "fournitures_agregateur", "agregateur": agregateur}


def _part_ecrit(choix: pd.DataFrame, perimetre: dict[str, Any], par_volume: bool) -> _Constat:
    if choix.empty:
        return _Constat(None, "aucune_relation", dict(perimetre))
    ecrit = choix["contrat"] == "ecrit"
    volumes = choix["volume"]
    if par_volume and volumes.notna().all() and choix["unite"].nunique(dropna=False) == 1 and volumes.sum() > 0:
        part = float(volumes[ecrit].sum() / volumes.sum() * 100)
        base = {"volume": float(volumes.sum()), "unite": choix["unite"].iloc[0]}
    else:
        part = float(ecrit.mean() * 100)
        base = {"nb_relations": len(choix)}
    return _Constat(part, "part_contrat_ecrit", {**base, **perimetre})


def _respect(choix: pd.DataFrame, perimetre: dict[str, Any], par_volume: bool) -> _Constat:
    sous_contrat = choix[choix["contrat"].isin(["ecrit", "verbal"]) & choix["respect"].notna()]
    if sous_contrat.empty:
        return _Constat(None, "aucun_respect", dict(perimetre))
    unites = sous_contrat["unite"].nunique(dropna=False)
    poids = sous_contrat["volume"] if par_volume and unites == 1 else pd.Series(np.nan, index=sous_contrat.index)
    moyenne, ponderee = _moyenne_ponderee(sous_contrat["respect"], poids)
    return _Constat(moyenne, "respect_contrats", {"ponderee": ponderee, "nb_relations": len(sous_contrat),
                                                  **perimetre})


def _mesure_contrats(
    selection: Callable[[Cluster], tuple[pd.DataFrame | None, dict[str, Any]]],
    calcul: Callable[..., _Constat],
    par_volume: bool,
) -> Callable[[Cluster, str, dict[str, Any]], _Constat]:
    """Une mesure des contrats (3.1 à 3.4) : relations retenues par ``selection``, mesurées par ``calcul``."""

    def mesure(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
        hors = _campagne_courante(cluster, campagne)
        if hors:
            return hors
        choix, perimetre = selection(cluster)
        if choix is None:
            return _Constat(None, "sans_agregateur")
        return calcul(choix, perimetre, par_volume=par_volume)

    return mesure


def _table_de_campagne(table: pd.DataFrame | None, campagne: str, absente: str,
                       sans_campagne: str) -> tuple[pd.DataFrame | None, _Constat | None]:
    """La table si elle a des lignes de la campagne ; sinon le constat qui dit pourquoi il n'y a pas de mesure."""
    if table is None:
        return None, _Constat(None, absente)
    if not (table["campagne"] == campagne).any():
        return None, _Constat(None, sans_campagne, {"campagne": campagne})
    return table, None


def _performances(cluster: Cluster, campagne: str) -> tuple[pd.DataFrame | None, _Constat | None]:
    return _table_de_campagne(cluster.performances, campagne, "sans_performances", "performances_sans_campagne")


def _mesure_evolution_volumes(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    perf, absent = _performances(cluster, campagne)
    if absent:
        return absent
    fenetre = _fenetre(perf["campagne"], campagne)
    lignes = perf[perf["campagne"].isin(fenetre) & perf["volume"].notna()]
    unite = lignes["unite"].fillna("").value_counts().index[0] if not lignes.empty else ""
    autres = int((lignes["unite"].fillna("") != unite).sum())
    lignes = lignes[lignes["unite"].fillna("") == unite]
    totaux = lignes.groupby("campagne")["volume"].sum().reindex(fenetre).dropna()
    if len(totaux) < 2 or campagne not in totaux.index:
        return _Constat(None, "volumes_insuffisants")
    premier, dernier = float(totaux.iloc[0]), float(totaux.iloc[-1])
    if premier <= 0:
        return _Constat(None, "volume_nul", {"campagne": totaux.index[0]})
    variation = (dernier - premier) / premier * 100
    niv = niveau_seuils(variation, regle["seuils"], regle.get("sens", "croissant"))
    recul = bool((totaux.diff().dropna() < 0).any())
    plafonne = niv == 4 and recul
    if plafonne:
        niv = 3
    faits = {"unite": unite, "totaux": tuple((c, float(v)) for c, v in totaux.items()), "variation": variation,
             "autres_unites": autres, "recul_plafonne": plafonne}
    return _Constat(variation, "evolution_volumes", faits, niv)


def _moyenne_perf(perf: pd.DataFrame, campagne: str, colonne: str) -> tuple[float | None, bool]:
    lignes = perf[(perf["campagne"] == campagne) & perf[colonne].notna()]
    if lignes.empty:
        return None, False
    poids = lignes["volume"] if lignes["unite"].nunique(dropna=False) == 1 else pd.Series(np.nan, index=lignes.index)
    return _moyenne_ponderee(lignes[colonne], poids)


def _mesure_conformite(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    perf, absent = _performances(cluster, campagne)
    if absent:
        return absent
    moyenne, ponderee = _moyenne_perf(perf, campagne, "taux_conformite")
    if moyenne is None:
        return _Constat(None, "conformite_absente", {"campagne": campagne})
    faits: dict[str, Any] = {"campagne": campagne, "ponderee": ponderee}
    niv = niveau_seuils(moyenne, regle["seuils"], regle.get("sens", "croissant"))
    anterieures = [c for c in _fenetre(perf["campagne"], campagne) if c != campagne]
    for ancienne in anterieures:
        avant, _ = _moyenne_perf(perf, ancienne, "taux_conformite")
        if avant is None:
            continue
        faits.update(campagne_precedente=ancienne, valeur_precedente=avant, baisse_penalisee=False)
        if avant - moyenne >= regle.get("baisse_penalisee", np.inf) and niv > 1:
            niv -= 1
            faits["baisse_penalisee"] = True
        break
    return _Constat(moyenne, "conformite", faits, niv)


def _mesure_pertes(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    perf, absent = _performances(cluster, campagne)
    if absent:
        return absent
    moyenne, ponderee = _moyenne_perf(perf, campagne, "pertes")
    if moyenne is None:
        return _Constat(None, "pertes_absentes", {"campagne": campagne})
    return _Constat(moyenne, "pertes", {"campagne": campagne, "ponderee": ponderee})


def _comptes_par_maillon(cluster: Cluster) -> pd.DataFrame | None:
    """Crochet vers le module d'analyse économique : valeur ajoutée par campagne et maillon.

    Renvoie un tableau avec au moins ``campagne``, ``maillon`` et ``valeur_ajoutee`` (FCFA),
    ou ``None`` si le module :mod:`clusterlib.analyses.comptes` n'est pas disponible.
    """
    try:
        from clusterlib.analyses.comptes import comptes_par_maillon
    except ImportError:
        return None
    return comptes_par_maillon(cluster.comptes)


def _valeur_ajoutee(cluster: Cluster, campagne: str) -> tuple[pd.DataFrame | None, _Constat | None]:
    if cluster.comptes is None:
        return None, _Constat(None, "sans_comptes")
    return _table_de_campagne(_comptes_par_maillon(cluster), campagne, "comptes_indisponibles",
                              "comptes_sans_campagne")


def _mesure_evolution_valeur_ajoutee(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    va, absent = _valeur_ajoutee(cluster, campagne)
    if absent:
        return absent
    fenetre = _fenetre(va["campagne"], campagne)
    totaux = va[va["campagne"].isin(fenetre)].groupby("campagne")["valeur_ajoutee"].sum().reindex(fenetre)
    if len(totaux) < 2:
        return _Constat(None, "valeur_ajoutee_insuffisante")
    premier, dernier = float(totaux.iloc[0]), float(totaux.iloc[-1])
    if premier <= 0:
        return _Constat(None, "valeur_ajoutee_nulle_debut", {"campagne": totaux.index[0]})
    variation = (dernier - premier) / premier * 100
    return _Constat(variation, "evolution_valeur_ajoutee",
                    {"totaux": tuple((c, float(v)) for c, v in totaux.items()), "variation": variation})


def _mesure_repartition_valeur_ajoutee(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    va, absent = _valeur_ajoutee(cluster, campagne)
    if absent:
        return absent
    par_maillon = va[va["campagne"] == campagne].groupby("maillon")["valeur_ajoutee"].sum()
    negatifs = par_maillon[par_maillon < 0]
    total = float(par_maillon.sum())
    if total <= 0:
        return _Constat(None, "valeur_ajoutee_totale_nulle", {"campagne": campagne}, 1 if len(negatifs) else None)
    part = float(par_maillon.max() / total * 100)
    faits = {"maillon": str(par_maillon.idxmax()), "campagne": campagne,
             "negatifs": tuple(str(m) for m in negatifs.index)}
    return _Constat(part, "repartition_valeur_ajoutee", faits, 1 if len(negatifs) else None)


_MESURES: dict[str, Callable[[Any, str, dict[str, Any]], _Constat]] = {
    "part_contrat_ecrit_producteurs": _mesure_contrats(_livraisons_producteurs, _part_ecrit, par_volume=True),
    "respect_contrats_producteurs": _mesure_contrats(_livraisons_producteurs, _respect, par_volume=True),
    "part_contrat_ecrit_fournisseurs": _mesure_contrats(_fournitures_agregateur, _part_ecrit, par_volume=False),
    "respect_contrats_fournisseurs": _mesure_contrats(_fournitures_agregateur, _respect, par_volume=False),
    "evolution_volumes": _mesure_evolution_volumes,
    "conformite": _mesure_conformite,
    "pertes": _mesure_pertes,
    "evolution_valeur_ajoutee": _mesure_evolution_valeur_ajoutee,
    "repartition_valeur_ajoutee": _mesure_repartition_valeur_ajoutee,
}


def suggestions(cluster: Cluster, campagne: str | None = None) -> pd.DataFrame:
    """Les notes que proposent les données, à côté de celles des évaluateurs, sans les remplacer.

    Une ligne par indicateur qui a une règle ``suggestion`` dans le référentiel (3.1 à 3.4,
    5.1, 5.2, 5.4, 6.2, 6.3). Colonnes : ``indicateur``, ``nom``, ``score_evaluateurs``
    (moyenne des évaluateurs, vide si non noté), ``score_suggere`` (1 à 4, vide quand les
    données ne suffisent pas), ``ecart`` (suggérée − évaluateurs), ``valeur`` (le fait mesuré,
    en % pour toutes les règles actuelles), ``cas`` (code de ce qui a été mesuré, ou de ce qui
    manque pour mesurer), ``faits`` (dictionnaire des nombres, campagnes et codes qui fondent le
    cas) et ``regle`` (la règle du référentiel). La raison en toutes lettres :
    :func:`clusterlib.presentation.notation.table_suggestions`.
    """
    campagne = campagne or cluster.campagne
    if campagne not in cluster.campagnes():
        raise CampagneAbsente(campagne, cluster.campagnes(), quoi="des données du cluster")
    table = _table_scores(cluster)
    notes: dict[str, float] = {}
    if campagne in _campagnes_notees(table):
        ind = scores_indicateurs(table, campagne)
        notes = dict(zip(ind["indicateur"], ind["score"], strict=True))
    lignes = []
    for axe in _grille()["axes"]:
        for indicateur in axe["indicateurs"]:
            regle = indicateur.get("suggestion")
            if not regle:
                continue
            mesure = _MESURES.get(regle["mesure"])
            if mesure is None:
                constat = _Constat(None, "mesure_inconnue", {"mesure": regle["mesure"]})
            else:
                constat = mesure(cluster, campagne, regle)
            suggere = constat.niveau
            if suggere is None and constat.valeur is not None:
                suggere = niveau_seuils(constat.valeur, regle["seuils"], regle.get("sens", "croissant"))
            lignes.append({
                "indicateur": indicateur["id"],
                "nom": indicateur["nom"],
                "score_evaluateurs": notes.get(indicateur["id"], np.nan),
                "score_suggere": suggere,
                "valeur": constat.valeur,
                "cas": constat.cas,
                "faits": constat.faits,
                "regle": " ".join(regle["regle"].split()),
            })
    resultat = pd.DataFrame(lignes)
    resultat["score_evaluateurs"] = resultat["score_evaluateurs"].astype("float64")
    resultat["score_suggere"] = resultat["score_suggere"].astype("Int64")
    resultat["valeur"] = pd.to_numeric(resultat["valeur"]).astype("float64")
    resultat.insert(4, "ecart", resultat["score_suggere"].astype("float64") - resultat["score_evaluateurs"])
    return resultat
