"""La mise en mots des comptes d'exploitation (:mod:`clusterlib.analyses.comptes`).

L'analyse rend des soldes, des codes de contrôle et les nombres qui fondent chaque alerte ;
ce module en fait le tableau du compte (libellés des soldes et des maillons) et
l'explication de chaque contrôle de cohérence. Chaque fonction reçoit un résultat fini et
ne recalcule rien.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.comptes import SOLDES, libelle_solde
from clusterlib.presentation.format_fr import nombre, pourcentage

__all__ = ["compte_presentation", "message_controle", "table_controles"]


def compte_presentation(par_maillon: pd.DataFrame, campagne: str, total: bool = True) -> pd.DataFrame:
    """Le compte d'une campagne mis en forme de tableau : une ligne par solde, une colonne par maillon.

    Les lignes portent les libellés français (« Produit brut », « Valeur ajoutée »…), les
    colonnes les libellés des maillons, plus une colonne « Ensemble du cluster » si ``total``.
    Les valeurs restent des nombres (FCFA) : :func:`clusterlib.presentation.format_fr.tableau_fr` les écrit.
    """
    c = par_maillon[par_maillon["campagne"] == campagne]
    tableau = c.set_index("maillon")[list(SOLDES)].T
    tableau.columns = [referentiel.libelle("maillons", m) for m in tableau.columns]
    if total:
        tableau["Ensemble du cluster"] = tableau.sum(axis=1)
    tableau.index = [libelle_solde(s) for s in tableau.index]
    tableau.columns.name = None
    return tableau


def _message_achats_ventes(alerte: pd.Series | dict[str, Any]) -> str:
    qui = str(alerte["aval"]).split(",")
    amont_l = referentiel.libelle("maillons", alerte["amont"]).lower()
    aval_l = " et ".join(referentiel.libelle("maillons", m).lower() for m in qui)
    du_maillon, au_compte = ("des maillons", "aux comptes") if len(qui) > 1 else ("du maillon", "au compte")
    ecart = float(alerte["ecart"])
    if ecart < 0:
        raison = (f"le maillon {amont_l} vend aussi à d'autres acheteurs (marchés, hors cluster), garde une "
                  f"partie de sa production, ou des achats manquent {au_compte} {aval_l}")
    else:
        raison = (f"{'les maillons' if len(qui) > 1 else 'le maillon'} {aval_l} achète"
                  f"{'nt' if len(qui) > 1 else ''} aussi hors du cluster, ou des ventes manquent au compte "
                  f"{amont_l}")
    return (f"« {alerte['produit']} » : achats {du_maillon} {aval_l} ({nombre(float(alerte['montant']))} FCFA) et "
            f"ventes du maillon {amont_l} ({nombre(float(alerte['reference']))} FCFA) diffèrent de "
            f"{pourcentage(ecart * 100)}, au-delà de {pourcentage(float(alerte['seuil']) * 100, 0)} ; explication "
            f"possible : {raison}. Vérifiez quantités et prix des deux comptes")


def message_controle(alerte: pd.Series | dict[str, Any]) -> str:
    """L'explication d'une alerte de ``comptes.controles_comptes`` (une ligne du tableau)."""
    controle = alerte["controle"]
    if controle == "produit_nul":
        return ("ligne de produit égale à zéro : une vente oubliée (quantité ou prix manquant) ou une ligne "
                "à supprimer ; le produit brut du maillon en est diminué")
    if controle == "montant_incoherent":
        return (f"montant {nombre(float(alerte['montant']))} FCFA mais quantite × prix_unitaire = "
                f"{nombre(float(alerte['reference']))} FCFA (écart de {pourcentage(float(alerte['ecart']) * 100)}) : "
                "le montant est retenu ; corrigez la quantité, le prix ou le montant")
    if controle == "revenu_negatif":
        return (f"revenu net d'exploitation négatif ({nombre(float(alerte['montant']))} FCFA) : le maillon "
                "perd de l'argent sur la campagne. Cela arrive (mauvaise récolte, prix de vente bas, matière "
                "première chère, matériel neuf à amortir) ; vérifiez les charges, puis montrez le chiffre tel quel")
    if controle == "ecart_achats_ventes":
        return _message_achats_ventes(alerte)
    raise ValueError(f"contrôle « {controle} » inconnu")


def table_controles(controles: pd.DataFrame) -> pd.DataFrame:
    """Les alertes de ``comptes.controles_comptes`` avec leur explication : (``cluster``,)
    ``campagne``, ``maillon``, ``poste``, ``controle``, ``gravite`` et ``message``."""
    colonnes = [c for c in ("cluster", "campagne", "maillon", "poste", "controle", "gravite") if c in controles]
    sortie = controles[colonnes].copy()
    sortie["message"] = pd.Series([message_controle(lg) for _, lg in controles.iterrows()], index=controles.index,
                                  dtype="str")
    return sortie
