"""L'évolution des notes entre deux campagnes et les priorités du plan d'actions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from clusterlib.analyses.notation._commun import CampagneAbsente, regles
from clusterlib.analyses.notation.scores import (
    _campagnes_notees,
    _resoudre,
    score_global,
    scores_axes,
    scores_indicateurs,
)

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "evolution",
    "priorites",
]


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
