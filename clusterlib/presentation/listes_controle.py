"""La mise en mots des listes de contrôle notées (:mod:`clusterlib.analyses.listes_controle`).

L'analyse rend des codes de verdict, des identifiants d'éléments et des nombres ; ce module
écrit la phrase du verdict d'une liste, le tableau des éléments, le classement des
candidats (verdict en toutes lettres, motif d'éviction), la comparaison des préalables, les
constats des indices de phase et le placement dans les phases de l'ONUDI. Chaque fonction
reçoit un résultat fini et ne recalcule rien ; les libellés viennent du référentiel.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.listes_controle import PlacementPhase, ResultatListe, definition

__all__ = [
    "constat_indice",
    "ecarts_phase",
    "message_liste",
    "message_phase",
    "motif_candidat",
    "table_candidats",
    "table_comparaison_prealables",
    "table_indices",
    "tableau_liste",
]

_NON_LISIBLE = "(ne se lit pas dans les données)"


# --- Une liste notée ---------------------------------------------------------------------------


def message_liste(resultat: ResultatListe) -> str:
    """La phrase du verdict d'une liste notée (résultat de ``listes_controle.noter``)."""
    d = definition(resultat.liste)
    libelles = dict(zip(resultat.details["id"], resultat.details["libelle"], strict=True))
    if resultat.essentiels_absents:
        noms = ", ".join(f"« {libelles[i]} »" for i in resultat.essentiels_absents)
        return f"{d['regle_essentiel']} ({noms})"
    if resultat.verdict == "incomplet":
        manque = resultat.essentiels_vides or resultat.non_renseignes
        return ("Réponses insuffisantes pour conclure : renseignez d'abord "
                + ", ".join(f"{i} ({libelles[i]})" for i in manque) + ".")
    message = next(v["libelle"] for v in d["verdicts"] if v["code"] == resultat.verdict)
    if resultat.non_renseignes:
        message += f" ({len(resultat.non_renseignes)} élément(s) sans réponse, exclus du score.)"
    return message


def tableau_liste(resultat: ResultatListe) -> pd.DataFrame:
    """Les éléments d'une liste notée et leur réponse, avec des en-têtes en français."""
    d = resultat.details
    return pd.DataFrame({
        "N°": d["id"], "Élément": d["libelle"], "Réponse": d["reponse_libelle"].replace("", "—"),
        "Points": [("" if math.isnan(p) else f"{p:g}") + f" / {m:g}"
                   for p, m in zip(d["points"], d["points_max"], strict=True)],
    })


# --- Recrutement des coachs ----------------------------------------------------------------------


def motif_candidat(candidat: pd.Series | dict[str, Any], profil: str) -> str:
    """Pourquoi un candidat est écarté (ou ce qui reste à noter) ; chaîne vide sinon.

    ``candidat`` : une ligne de ``listes_controle.classer_candidats``.
    """
    libelles = {i["id"]: i["libelle"] for i in definition(profil)["items"]}
    sous_seuil = candidat["eliminatoires_sous_seuil"]
    if sous_seuil:
        return "; ".join(f"{c} {libelles[c]} (note {note:.1f})".replace(".", ",") for c, note in sous_seuil.items())
    if candidat["eliminatoires_non_notes"]:
        return "critère(s) éliminatoire(s) non noté(s) : " + ", ".join(candidat["eliminatoires_non_notes"])
    return ""


def _verdict_candidat(code: str, profil: str) -> str:
    if code == "ecarte":
        return "Écarté"
    if code == "non_note":
        return "Non noté"
    return next(v["libelle"] for v in definition(profil)["verdicts"] if v["code"] == code)


def table_candidats(classement: pd.DataFrame, profil: str) -> pd.DataFrame:
    """Le classement des candidats à lire : ``rang``, ``candidat``, ``score``, ``verdict`` (en
    toutes lettres), ``ecarte``, ``motif``, ``criteres_notes`` (« 12/14 »), ``desaccords``
    (critères séparés par des virgules), ``evaluateurs``.

    ``classement`` : le résultat de ``listes_controle.classer_candidats`` pour ``profil``.
    """
    colonnes = ["rang", "candidat", "score", "verdict", "ecarte", "motif", "criteres_notes", "desaccords",
                "evaluateurs"]
    if classement.empty:
        return pd.DataFrame(columns=colonnes)
    return pd.DataFrame({
        "rang": classement["rang"], "candidat": classement["candidat"], "score": classement["score"],
        "verdict": [_verdict_candidat(v, profil) for v in classement["verdict"]],
        "ecarte": classement["ecarte"],
        "motif": [motif_candidat(lg, profil) for _, lg in classement.iterrows()],
        "criteres_notes": [f"{n}/{t}" for n, t in zip(classement["nb_criteres_notes"], classement["nb_criteres"],
                                                      strict=True)],
        "desaccords": [", ".join(d) for d in classement["desaccords"]],
        "evaluateurs": classement["evaluateurs"],
    }, index=classement.index)[colonnes]


# --- Préalables : données et coach --------------------------------------------------------------


def table_comparaison_prealables(comparaison: pd.DataFrame) -> pd.DataFrame:
    """La comparaison des préalables (``listes_controle.comparer_prealables``) à afficher : un
    élément qui ne se lit pas dans les données le dit dans la colonne ``donnees``."""
    return comparaison.assign(donnees=comparaison["donnees"].astype("object").where(
        comparaison["donnees"].notna(), _NON_LISIBLE).astype("str"))


# --- Indices des phases ---------------------------------------------------------------------------


#: Les constats qui ne font que reprendre des faits : cas → phrase, où ``{nb}`` et ``{clé}`` sont
#: remplacés par les faits du même nom.
_CONSTATS_SIMPLES = {
    "non_lisible": "Ne se lit pas dans les données : à apprécier en réunion.",
    "ffom_absente": "Aucune analyse FFOM enregistrée.",
    "reseau_sans_agregateur": ("{nb} relation(s) commerciale(s), mais pas encore d'agrégateur pour coordonner "
                               "le réseau."),
    "reseau_avec_agregateur": "{nb} relation(s) commerciale(s) ; agrégateur désigné.",
    "coachs_absents": "Aucun coach déclaré dans la fiche du cluster.",
    "plan_absent": "Pas de plan d'actions enregistré.",
    "plan_realisees": "{nb} action(s) réalisée(s) sur {total} au plan.",
    "marches_absents": "Aucun marché sous-régional ou international déclaré.",
    "recherche_absente": "Aucune relation avec un acteur de la recherche.",
    "recherche_liee": "{nb} relation(s) avec la recherche.",
}


def constat_indice(cas: str, faits: dict[str, Any]) -> str:
    """Ce que montrent les données pour un indice de phase (colonnes ``cas`` et ``faits`` de
    ``listes_controle.indices_phase``)."""
    if cas in _CONSTATS_SIMPLES:
        return _CONSTATS_SIMPLES[cas].format_map({"nb": faits.get("nb"), **faits})
    if cas == "ffom_presente":
        return f"Analyse FFOM enregistrée : {faits.get('nb')} élément(s), campagne(s) {', '.join(faits['campagnes'])}."
    if cas == "coachs_presents":
        return "Coachs : " + ", ".join(f"{nom} ({type_})" for nom, type_ in faits["coachs"]) + "."
    if cas == "envergure_absente":
        return f"Aucune action en cours ou réalisée d'au moins {faits['seuil'] / 1e6:g} millions de FCFA."
    if cas == "envergure_presente":
        return "Actions d'envergure : " + ", ".join(faits["actions"]) + "."
    if cas == "marches_presents":
        return "Marchés : " + ", ".join(
            f"{nom} ({referentiel.libelle('types_marche', type_).lower()})" for nom, type_ in faits["marches"]) + "."
    raise ValueError(f"cas d'indice « {cas} » inconnu")


def table_indices(indices: pd.DataFrame) -> pd.DataFrame:
    """Les indices de phase suggérés par les données, à lire : ``id``, ``phase``, ``libelle``,
    ``suggestion``, ``constat`` (ce que montrent les données, en toutes lettres)."""
    constats = [constat_indice(c, f) for c, f in zip(indices["cas"], indices["faits"], strict=True)]
    return pd.DataFrame({"id": indices["id"], "phase": indices["phase"], "libelle": indices["libelle"],
                         "suggestion": indices["suggestion"], "constat": constats},
                        index=indices.index).astype("str")


# --- Placement dans les phases ---------------------------------------------------------------------


def message_phase(placement: PlacementPhase) -> str:
    """La phrase qui situe le cluster dans les phases de l'ONUDI (résultat de ``placer_phase``)."""
    scores = placement.scores.to_dict("records")
    retenue = next(k for k, x in enumerate(scores) if x["phase"] == placement.phase)
    phase = scores[retenue]
    if phase["presents"] == 0:
        return ("Aucun indice observé : le cluster en est au tout début de l'initialisation "
                "(repérer les enjeux, construire le réseau).")
    acquises = [x["libelle"].lower() for x in scores[:retenue]]
    message = f"Le cluster se situe dans la phase « {phase['libelle']} » ({phase['presents']} indice(s) sur " \
              f"{phase['indices']})"
    message += f", après les phases acquises : {', '.join(acquises)}." if acquises else "."
    if phase["acquise"] and retenue + 1 < len(scores):
        message += f" Cette phase est bien avancée : la suivante est « {scores[retenue + 1]['libelle']} »."
    return message


def ecarts_phase(placement: PlacementPhase) -> list[str]:
    """Les écarts à l'ordre des phases, à discuter, en toutes lettres."""
    libelles = dict(zip(placement.scores["phase"], placement.scores["libelle"], strict=True))
    return [f"des indices de la phase « {libelles[avancee]} » sont présents alors que la phase "
            f"« {libelles[manquante]} » n'est pas acquise : à discuter" for avancee, manquante in placement.ecarts]
