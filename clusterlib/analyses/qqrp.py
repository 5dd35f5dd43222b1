"""Compétitivité QQRP du cluster sur chacun de ses marchés : quantité, qualité, régularité, prix.

À partir de la table ``performances`` (livraisons par marché et par campagne) :

- **quantité** : volume livré, son évolution d'une campagne à l'autre et sa croissance
  annuelle moyenne ;
- **qualité** : taux de conformité aux exigences du client (moyenne pondérée par les volumes) ;
- **régularité** : livraisons faites à temps / livraisons prévues ;
- **prix** : prix moyen obtenu (pondéré par les volumes) et valeur des livraisons.

Les volumes ne s'additionnent qu'entre lignes de même unité : un marché livré en tonnes et
en litres donne deux lignes. Les résultats sont des nombres ; le tableau à la française
(libellés, unités, pourcentages) s'écrit dans :mod:`clusterlib.presentation.qqrp`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = ["COLONNES_QQRP", "qqrp_par_marche", "resume_qqrp"]

COLONNES_QQRP = [
    "campagne", "marche", "ensemble", "unite", "produits", "volume", "evolution_volume", "prix_moyen", "valeur",
    "taux_conformite", "livraisons_prevues", "livraisons_a_temps", "regularite", "pertes",
]
"""Colonnes de :func:`qqrp_par_marche`."""

_ENSEMBLE = ""
"""Le marché des lignes d'ensemble (colonne ``ensemble`` vraie) : aucun marché en particulier."""


def _table(source: Cluster | pd.DataFrame | None) -> pd.DataFrame | None:
    if source is None or isinstance(source, pd.DataFrame):
        return source
    return source.performances


def _vide() -> pd.DataFrame:
    textes = {"campagne", "marche", "unite", "produits"}
    return pd.DataFrame({c: pd.Series(dtype="str" if c in textes else "bool" if c == "ensemble" else "float64")
                         for c in COLONNES_QQRP})


def _moyenne_ponderee(valeurs: pd.Series, poids: pd.Series) -> float:
    garde = valeurs.notna() & poids.notna() & (poids > 0)
    if garde.any():
        return float((valeurs[garde] * poids[garde]).sum() / poids[garde].sum())
    garde = valeurs.notna()
    return float(valeurs[garde].mean()) if garde.any() else float("nan")


def _agreger(groupe: pd.DataFrame) -> dict[str, float | str]:
    volume = groupe["volume"]
    prevues = groupe["livraisons_prevues"].astype("float64")
    a_temps = groupe["livraisons_a_temps"].astype("float64")
    total_prevues = float(prevues.sum()) if prevues.notna().any() else float("nan")
    total_a_temps = float(a_temps.sum()) if a_temps.notna().any() else float("nan")
    valeur = (volume * groupe["prix_moyen"]).sum(min_count=1)
    return {
        "produits": "; ".join(dict.fromkeys(groupe["produit"].dropna().astype(str))),
        "volume": float(volume.sum(min_count=1)),
        "prix_moyen": _moyenne_ponderee(groupe["prix_moyen"], volume),
        "valeur": float(valeur),
        "taux_conformite": _moyenne_ponderee(groupe["taux_conformite"], volume),
        "livraisons_prevues": total_prevues,
        "livraisons_a_temps": total_a_temps,
        "regularite": total_a_temps / total_prevues * 100 if total_prevues and total_prevues > 0 else float("nan"),
        "pertes": _moyenne_ponderee(groupe["pertes"], volume),
    }


def qqrp_par_marche(source: Cluster | pd.DataFrame | None, ensemble: bool = False) -> pd.DataFrame:
    """Les quatre facteurs QQRP par marché et par campagne.

    ``source`` : un cluster ou sa table performances. Une ligne par (campagne, marché, unité) :
    ``produits`` livrés, ``volume``, ``evolution_volume`` (% par rapport à la campagne
    précédente du même marché), ``prix_moyen`` et ``taux_conformite`` (moyennes pondérées par
    les volumes), ``valeur`` (volume × prix), livraisons prévues et à temps, ``regularite``
    (% des livraisons prévues faites à temps) et ``pertes`` (%). Avec ``ensemble=True``, une
    ligne d'ensemble des marchés par campagne et unité s'ajoute, en dernier : sa colonne
    ``ensemble`` est vraie et son ``marche`` vide. Table vide sans données.
    """
    perf = _table(source)
    if perf is None or perf.empty:
        return _vide()
    perf = perf.assign(unite=perf["unite"].fillna("").astype("str"))
    lignes = []
    for (campagne, marche, unite), groupe in perf.groupby(["campagne", "marche", "unite"], sort=False):
        lignes.append({"campagne": campagne, "marche": marche, "ensemble": False, "unite": unite,
                       **_agreger(groupe)})
    if ensemble:
        for (campagne, unite), groupe in perf.groupby(["campagne", "unite"], sort=False):
            lignes.append({"campagne": campagne, "marche": _ENSEMBLE, "ensemble": True, "unite": unite,
                           **_agreger(groupe)})
    sortie = pd.DataFrame(lignes)
    ordre_marches = {m: i for i, m in enumerate(dict.fromkeys(perf["marche"]))}
    ordre_marches[_ENSEMBLE] = len(ordre_marches)
    sortie = sortie.sort_values(
        ["marche", "unite", "campagne"], key=lambda s: s.map(ordre_marches) if s.name == "marche" else s
    ).reset_index(drop=True)
    precedent = sortie.groupby(["marche", "unite"], sort=False)["volume"].shift(1)
    sortie["evolution_volume"] = (sortie["volume"] - precedent) / precedent.where(precedent > 0) * 100
    for c in ("campagne", "marche", "unite", "produits"):
        sortie[c] = sortie[c].astype("str")
    return sortie[COLONNES_QQRP]


def _croissance_annuelle(groupe: pd.DataFrame) -> float:
    g = groupe.dropna(subset=["volume"]).sort_values("campagne")
    if len(g) < 2 or g["volume"].iloc[0] <= 0:
        return float("nan")
    annees = int(g["campagne"].iloc[-1][:4]) - int(g["campagne"].iloc[0][:4])
    if annees <= 0:
        return float("nan")
    return float(((g["volume"].iloc[-1] / g["volume"].iloc[0]) ** (1 / annees) - 1) * 100)


def resume_qqrp(source: Cluster | pd.DataFrame | None, campagne: str | None = None) -> pd.DataFrame:
    """Le tableau compact QQRP d'une campagne (la dernière par défaut), un marché par ligne.

    Colonnes : ``marche``, ``ensemble``, ``unite``, ``volume``, ``evolution_volume`` (%),
    ``croissance_annuelle`` (% par an depuis la première campagne connue), ``taux_conformite``
    (%), ``regularite`` (%), ``prix_moyen``, ``evolution_prix`` (%), ``valeur`` ; en dernier, les
    lignes d'ensemble des marchés (``ensemble`` vrai, ``marche`` vide). Le tableau à lire :
    :func:`clusterlib.presentation.qqrp.tableau_qqrp`.
    """
    tous = qqrp_par_marche(source, ensemble=True)
    colonnes = ["marche", "ensemble", "unite", "volume", "evolution_volume", "croissance_annuelle", "taux_conformite",
                "regularite", "prix_moyen", "evolution_prix", "valeur"]
    if tous.empty:
        return pd.DataFrame({c: pd.Series(dtype="str" if c in ("marche", "unite") else
                                          "bool" if c == "ensemble" else "float64") for c in colonnes})
    campagne = campagne or sorted(tous["campagne"].unique())[-1]
    tous = tous.copy()
    prix_prec = tous.groupby(["marche", "unite"], sort=False)["prix_moyen"].shift(1)
    tous["evolution_prix"] = (tous["prix_moyen"] - prix_prec) / prix_prec.where(prix_prec > 0) * 100
    croissance = {cle: _croissance_annuelle(g[g["campagne"] <= campagne])
                  for cle, g in tous.groupby(["marche", "unite"], sort=False)}
    sortie = tous[tous["campagne"] == campagne].copy()
    sortie["croissance_annuelle"] = [croissance[(m, u)] for m, u in zip(sortie["marche"], sortie["unite"], strict=True)]
    return sortie[colonnes].reset_index(drop=True)

