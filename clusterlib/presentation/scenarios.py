"""La mise en mots des scénarios sur les comptes (:mod:`clusterlib.analyses.scenarios`).

L'analyse rend les changements (codes et nombres), les comptes avant et après et les
changements sans effet ; ce module décrit un changement en une phrase, écrit les
avertissements d'un scénario et met la sensibilité en tableau (libellés des maillons,
colonnes « -20 % », « +10 % »…). Il ne recalcule rien.
"""

from __future__ import annotations

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.scenarios import Changement, ResultatScenario
from clusterlib.presentation.format_fr import pourcentage

__all__ = ["avertissements_scenario", "decrire_changement", "decrire_changements", "tableau_sensibilite"]


def decrire_changement(changement: Changement) -> str:
    """Le changement en une phrase française : « prix « paddy » : +10 % »."""
    nom = changement.libelle or changement.poste
    quoi = {"prix": "prix", "volume": "quantités", "montant": "montant",
            "multiplicateur": "volume d'activité"}[changement.nature]
    if nom:
        quoi += f" « {nom} »"
    if changement.categories and not changement.libelle:
        quoi += " (" + ", ".join(referentiel.libelle("categories_compte", c).lower()
                                 for c in changement.categories) + ")"
    if changement.maillons:
        quoi += " (" + ", ".join(referentiel.libelle("maillons", m).lower() for m in changement.maillons) + ")"
    pct = changement.variation * 100
    return f"{quoi} : {pourcentage(pct, 0 if abs(pct - round(pct)) < 1e-9 else 1, signe=True)}"


def decrire_changements(resultat: ResultatScenario) -> str:
    """Les changements d'un scénario, séparés par des points-virgules (vide s'il n'y en a pas)."""
    return "; ".join(decrire_changement(c) for c in resultat.changements)


def avertissements_scenario(resultat: ResultatScenario) -> list[str]:
    """Un avertissement par changement qui ne touche aucune ligne des comptes."""
    return [f"aucune ligne ne correspond à « {decrire_changement(ch)} » : ce changement est sans effet"
            for ch in resultat.sans_effet]


def tableau_sensibilite(sensib: pd.DataFrame, valeur: str = "ecart_pct") -> pd.DataFrame:
    """La sensibilité (:func:`clusterlib.analyses.scenarios.sensibilite`) en tableau : une ligne
    par (prix, maillon), une colonne par variation.

    ``valeur`` : ``ecart_pct`` (écart du revenu net en %), ``ecart`` (FCFA) ou ``revenu_net``.
    Les colonnes s'appellent « -20 % », « -10 % », « +10 % »… et les maillons portent leur
    libellé français ; une colonne « Revenu net de base » précède.
    """
    if sensib.empty:
        return pd.DataFrame()
    s = sensib.assign(maillon=sensib["maillon"].map(lambda m: referentiel.libelle("maillons", m)))
    ordre_prix = list(dict.fromkeys(s["prix"]))
    ordre_maillons = list(dict.fromkeys(s["maillon"]))
    tableau = s.pivot_table(index=["prix", "maillon"], columns="variation", values=valeur, aggfunc="first")
    base = s.groupby(["prix", "maillon"])["revenu_net_base"].first()
    tableau.columns = [pourcentage(v * 100, 0, signe=True) for v in tableau.columns]
    tableau.insert(0, "Revenu net de base", base)
    tableau = tableau.reindex(pd.MultiIndex.from_product([ordre_prix, ordre_maillons], names=["Prix", "Maillon"]))
    return tableau.dropna(how="all")
