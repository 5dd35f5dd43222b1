"""Les nombres que le livre cite sur les clusters d'exemple, calculés à partir des données.

Le texte des chapitres ne tape aucun chiffre sur un exemple : il écrit ``{{ riz_plan_en_retard }}``
et l'extension ``book/_ext/valeurs_livre.py`` remplace cette substitution MyST par la valeur que
donne :func:`valeurs_exemples` au moment de la construction. Si les données d'exemple changent,
le texte suit ; un test (``tests/test_valeurs_texte.py``) refuse tout nombre écrit à la main
à propos d'un exemple.

Chaque valeur est un texte déjà mis en forme à la française (espaces fines, virgule décimale,
« FCFA », « % »). Les clés commencent par le nom court de l'exemple (``riz_``…).
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from clusterlib.analyses import notation, planification, reseau
from clusterlib.donnees import echantillons
from clusterlib.donnees.modele import Cluster
from clusterlib.presentation.format_fr import fcfa, millions_fcfa, nombre, pourcentage
from clusterlib.presentation.notation import raison_suggestion
from clusterlib.presentation.planification import periode

__all__ = [
    "valeurs_action",
    "valeurs_comptes_producteur",
    "valeurs_exemples",
    "valeurs_indicateur",
    "valeurs_plan",
    "valeurs_reseau",
]

_MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
         "novembre", "décembre"]


def _date_longue(date: pd.Timestamp) -> str:
    return f"{date.day} {_MOIS[date.month - 1]} {date.year}"


def valeurs_plan(cluster: Cluster, prefixe: str) -> dict[str, str]:
    """L'avancement du plan d'actions à la fin de la campagne en cours, comme le rapport du cluster.

    Clés : ``<prefixe>_plan_actions`` (nombre d'actions), ``_plan_realisees``, ``_plan_en_cours``,
    ``_plan_en_retard``, ``_plan_prevues``, ``_plan_abandonnees``, ``_plan_date`` (date du suivi).
    """
    reference = planification.fin_campagne(cluster.campagne)
    etats = planification.avancement(cluster, reference)["etat"].value_counts()
    compte = {etat: int(etats.get(etat, 0)) for etat in ("realisee", "en_cours", "en_retard", "prevue", "abandonnee")}
    return {
        f"{prefixe}_plan_actions": nombre(sum(compte.values())),
        f"{prefixe}_plan_realisees": nombre(compte["realisee"]),
        f"{prefixe}_plan_en_cours": nombre(compte["en_cours"]),
        f"{prefixe}_plan_en_retard": nombre(compte["en_retard"]),
        f"{prefixe}_plan_prevues": nombre(compte["prevue"]),
        f"{prefixe}_plan_abandonnees": nombre(compte["abandonnee"]),
        f"{prefixe}_plan_date": _date_longue(pd.Timestamp(reference)),
    }


def valeurs_comptes_producteur(cluster: Cluster, prefixe: str, campagne: str) -> dict[str, str]:
    """Le compte du producteur type d'une campagne, détaillé pour un calcul à la main.

    Clés : ``<prefixe>_va_produits`` (détail « quantité × prix » des produits),
    ``_va_consommations`` (détail des consommations intermédiaires), ``_va_produit_brut``,
    ``_va_ci``, ``_va_type`` (valeur ajoutée du producteur type), ``_va_effectif`` (nombre
    de producteurs représentés), ``_va_maillon`` (valeur ajoutée du maillon).
    """
    c = cluster.comptes
    lignes = c[(c["campagne"] == campagne) & (c["maillon"] == "producteur")]
    montants = lignes["montant"].fillna(lignes["quantite"] * lignes["prix_unitaire"])

    def detail(categorie: str) -> str:
        morceaux = []
        for (_, ligne), montant in zip(lignes.iterrows(), montants, strict=True):
            if ligne["categorie"] != categorie:
                continue
            nom = str(ligne["poste"]).split("(")[0].strip()
            nom = nom[:1].lower() + nom[1:]
            if pd.notna(ligne["quantite"]) and pd.notna(ligne["prix_unitaire"]):
                morceaux.append(f"{nom} {nombre(ligne['quantite'])} × {nombre(ligne['prix_unitaire'])}")
            else:
                morceaux.append(f"{nom} {nombre(montant)}")
        return " + ".join(morceaux)

    produit = float(montants[lignes["categorie"] == "produit"].sum())
    ci = float(montants[lignes["categorie"] == "consommation_intermediaire"].sum())
    effectif = float(lignes["multiplicateur"].iloc[0])
    return {
        f"{prefixe}_va_produits": detail("produit"),
        f"{prefixe}_va_consommations": detail("consommation_intermediaire"),
        f"{prefixe}_va_produit_brut": fcfa(produit),
        f"{prefixe}_va_ci": fcfa(ci),
        f"{prefixe}_va_type": fcfa(produit - ci),
        f"{prefixe}_va_effectif": nombre(effectif),
        f"{prefixe}_va_maillon": millions_fcfa((produit - ci) * effectif),
    }


def valeurs_indicateur(cluster: Cluster, prefixe: str, indicateur: str) -> dict[str, str]:
    """La note des coachs et la note suggérée par les données pour un indicateur de la grille.

    Clés (``<p>`` = ``<prefixe>_i<indicateur sans point>``) : ``<p>_note_coachs``,
    ``<p>_justification`` (celle du premier évaluateur), ``<p>_valeur`` (mesure, en %),
    ``<p>_suggere`` (note suggérée), ``<p>_raison`` (explication de la suggestion).
    """
    cle = f"{prefixe}_i{indicateur.replace('.', '')}"
    s = cluster.scores
    notes = s[(s["campagne"] == cluster.campagne) & (s["indicateur"] == indicateur)]
    suggestion = notation.suggestions(cluster).set_index("indicateur").loc[indicateur]
    return {
        f"{cle}_note_coachs": nombre(float(notes["score"].mean()), 0 if notes["score"].nunique() == 1 else 1),
        f"{cle}_justification": str(notes["justification"].iloc[0]).strip().rstrip("."),
        f"{cle}_valeur": pourcentage(float(suggestion["valeur"]), 0),
        f"{cle}_suggere": nombre(int(suggestion["score_suggere"])),
        f"{cle}_raison": raison_suggestion(suggestion["cas"], suggestion["faits"],
                                           float(suggestion["valeur"])).split(" ; ")[0],
    }


def valeurs_action(cluster: Cluster, prefixe: str, identifiant: str) -> dict[str, str]:
    """Une action du plan présentée selon le tableau 11 (action, moyens, responsable, appuis, période)."""
    a = cluster.plan_actions.set_index("id").loc[identifiant]
    cle = f"{prefixe}_{identifiant.lower()}"
    return {
        f"{cle}_action": str(a["action"]),
        f"{cle}_moyens": f"{a['moyens']} (budget de {millions_fcfa(a['budget'])})",
        f"{cle}_responsable": str(a["responsable"]),
        f"{cle}_appuis": " ; ".join(p.strip() for p in str(a["structures_appui"]).split(";")),
        f"{cle}_periode": periode(a["debut"], a["fin"]),
    }


def valeurs_reseau(cluster: Cluster, prefixe: str) -> dict[str, str]:
    """La taille du réseau : ``<prefixe>_acteurs``, ``_relations``, ``_isoles`` (acteurs sans relation)."""
    synthese = reseau.synthese_reseau(cluster)
    return {
        f"{prefixe}_acteurs": nombre(synthese["nb_acteurs"]),
        f"{prefixe}_relations": nombre(synthese["nb_relations"]),
        f"{prefixe}_isoles": nombre(len(reseau.acteurs_isoles(cluster))),
    }


@cache
def _valeurs() -> dict[str, str]:
    from clusterlib.donnees.modele import load

    riz = load(echantillons.chemin("riz-glazoue"))
    valeurs: dict[str, str] = {}
    valeurs.update(valeurs_plan(riz, "riz"))
    valeurs.update(valeurs_comptes_producteur(riz, "riz", riz.campagne))
    valeurs.update(valeurs_indicateur(riz, "riz", "3.2"))
    valeurs.update(valeurs_action(riz, "riz", "A2"))
    valeurs.update(valeurs_reseau(riz, "riz"))
    valeurs["riz_campagne"] = riz.campagne
    valeurs.update(valeurs_reseau(load(echantillons.chemin("piment-dynamique-emergente")), "piment"))
    return valeurs


def valeurs_exemples() -> dict[str, str]:
    """Toutes les valeurs citées par le livre sur les clusters d'exemple (clé → texte mis en forme).

    C'est la seule source des chiffres d'exemple du texte : l'extension du livre en fait des
    substitutions MyST (``{{ riz_plan_en_retard }}``).
    """
    return dict(_valeurs())
