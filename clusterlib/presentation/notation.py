"""La mise en mots des notes suggérées par les données (:func:`clusterlib.analyses.notation.suggestions`).

L'analyse rend, pour chaque indicateur mesurable, la valeur mesurée, un code ``cas`` et les
faits qui le fondent ; ce module écrit la raison à lire (ce qui a été mesuré, ou ce qui manque
pour mesurer). Il ne recalcule rien.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.presentation.format_fr import nombre, pourcentage

__all__ = ["raison_suggestion", "table_suggestions"]


def _variation(valeur: float) -> str:
    """Une variation en % avec son signe : « +45,3 % », « -8,0 % »."""
    return ("+" if valeur > 0 else "") + pourcentage(valeur)


def _perimetre(faits: dict[str, Any]) -> str:
    perimetre = faits["perimetre"]
    if perimetre == "producteurs_agregateur":
        return f"livraisons des producteurs à l'agrégateur ({faits['agregateur']})"
    if perimetre == "producteurs_acheteurs":
        return "livraisons des producteurs à leurs acheteurs"
    return f"fournitures d'intrants, d'équipements, de services et de crédit à l'agrégateur ({faits['agregateur']})"


def _mode(ponderee: bool, feminin: bool = False) -> str:
    if not ponderee:
        return "moyenne simple"
    return "pondérées par le volume" if feminin else "pondéré par le volume"


#: Les raisons qui ne font que reprendre des faits : cas → phrase, où ``{campagne}`` et ``{clé}``
#: sont remplacés par les faits du même nom.
_RAISONS_SIMPLES = {
    "sans_agregateur": "pas d'agrégateur déclaré dans la fiche",
    "sans_performances": "pas de table performances",
    "volumes_insuffisants": "il faut les volumes d'au moins deux des trois dernières campagnes",
    "sans_comptes": "pas de table comptes",
    "comptes_indisponibles": "calcul de la valeur ajoutée indisponible (module des comptes absent)",
    "valeur_ajoutee_insuffisante": "il faut les comptes d'au moins deux des trois dernières campagnes",
    "mesure_inconnue": "mesure « {mesure} » pas encore calculée par clusterlib",
    "hors_campagne_relations": ("la table relations décrit la campagne en cours ({campagne_relations}) : "
                                "pas de suggestion pour {campagne}"),
    "performances_sans_campagne": "aucune livraison enregistrée pour {campagne} dans performances",
    "volume_nul": "volume nul en {campagne} : variation impossible à calculer",
    "conformite_absente": "taux de conformité non renseigné pour {campagne}",
    "pertes_absentes": "pertes non renseignées pour {campagne}",
    "comptes_sans_campagne": "aucun compte d'exploitation pour {campagne}",
    "valeur_ajoutee_nulle_debut": "valeur ajoutée nulle ou négative en {campagne} : variation non calculable",
    "valeur_ajoutee_totale_nulle": "valeur ajoutée totale nulle ou négative en {campagne}",
}


def raison_suggestion(cas: str, faits: dict[str, Any], valeur: float | None = None) -> str:
    """La raison d'une note suggérée (colonnes ``cas``, ``faits`` et ``valeur`` de ``suggestions``)."""
    campagne = faits.get("campagne")
    if cas in _RAISONS_SIMPLES:
        return _RAISONS_SIMPLES[cas].format_map({"campagne": campagne, **faits})
    if cas == "aucune_relation":
        return f"aucune relation dans le périmètre retenu ({_perimetre(faits)})"
    if cas == "part_contrat_ecrit":
        base = (f"du volume livré ({nombre(faits['volume'], 1)} {faits['unite']})" if "volume" in faits
                else f"des {faits['nb_relations']} relations")
        return f"{pourcentage(valeur)} {base} sous contrat écrit ; {_perimetre(faits)}"
    if cas == "aucun_respect":
        return f"aucun contrat avec un taux de respect renseigné ({_perimetre(faits)})"
    if cas == "respect_contrats":
        return (f"respect moyen des contrats : {pourcentage(valeur)} ({_mode(faits['ponderee'])}, "
                f"{faits['nb_relations']} relations sous contrat) ; {_perimetre(faits)}")
    if cas == "evolution_volumes":
        detail = ", ".join(f"{nombre(v, 1)} en {c}" for c, v in faits["totaux"])
        raison = f"volume livré ({faits['unite'] or 'sans unité'}) : {detail}, soit {_variation(faits['variation'])}"
        if faits["autres_unites"]:
            raison += f" ; {faits['autres_unites']} ligne(s) dans une autre unité ignorée(s)"
        if faits["recul_plafonne"]:
            raison += " ; un recul d'une campagne à la suivante ramène la suggestion à 3"
        return raison
    if cas == "conformite":
        raison = f"livraisons conformes en {campagne} : {pourcentage(valeur)} ({_mode(faits['ponderee'])})"
        if "campagne_precedente" in faits:
            raison += f", contre {pourcentage(faits['valeur_precedente'])} en {faits['campagne_precedente']}"
            if faits["baisse_penalisee"]:
                raison += " : la baisse retire un niveau"
        return raison
    if cas == "pertes":
        return (f"pertes de matière première en {campagne} : {pourcentage(valeur)} "
                f"({_mode(faits['ponderee'], feminin=True)})")
    if cas == "evolution_valeur_ajoutee":
        detail = ", ".join(f"{nombre(v / 1e6, 1)} M FCFA en {c}" for c, v in faits["totaux"])
        return f"valeur ajoutée totale : {detail}, soit {_variation(faits['variation'])}"
    if cas == "repartition_valeur_ajoutee":
        premier = referentiel.libelle("maillons", faits["maillon"])
        raison = f"le maillon {premier} capte {pourcentage(valeur)} de la valeur ajoutée en {campagne}"
        if faits["negatifs"]:
            noms = ", ".join(referentiel.libelle("maillons", m) for m in faits["negatifs"])
            raison += f" ; valeur ajoutée négative pour : {noms}"
        return raison
    raise ValueError(f"cas de suggestion « {cas} » inconnu")


def table_suggestions(suggestions: pd.DataFrame) -> pd.DataFrame:
    """Les suggestions avec leur raison en toutes lettres : les colonnes de ``suggestions``, ``cas``
    et ``faits`` remplacés par ``raison`` (à la même place)."""
    raisons = [raison_suggestion(c, f, None if pd.isna(v) else float(v))
               for c, f, v in zip(suggestions["cas"], suggestions["faits"], suggestions["valeur"], strict=True)]
    position = list(suggestions.columns).index("cas")
    sortie = suggestions.drop(columns=["cas", "faits"])
    sortie.insert(position, "raison", pd.Series(raisons, index=suggestions.index, dtype="str"))
    return sortie
