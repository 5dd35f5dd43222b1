"""Ce que les données apportent aux tableaux 7 à 11 de l'atelier de planification (section 4.3.4 du guide).

Des faits, des codes et des nombres, rangés dans les rubriques et les lignes du guide ; les
cases rédigées, les intitulés et les notes des tableaux s'écrivent dans
:mod:`clusterlib.presentation.planification`. Sans cluster (``None``), les lignes du guide
restent vides : c'est le modèle vierge.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.planification._commun import (
    _affecter,
    _campagne,
    _cle_id,
    _cle_objet,
    _ref,
    _texte,
    maillon_agregateur,
)

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "actions_du_plan",
    "changements_par_ligne",
    "faits_synthese",
    "ffom_par_ligne",
    "opportunites_menaces",
]

Fait = tuple[str, dict[str, Any]] | None
"""Un fait du tableau 7 : ``(cas, faits)``, ou ``None`` quand les données n'en disent rien."""


# --- Tableau 7 : synthèse des informations ----------------------------------------------------


def _effectifs(acteurs: pd.DataFrame, maillons: Sequence[str]) -> Fait:
    choix = acteurs[acteurs["maillon"].isin(maillons)]
    if choix.empty:
        return None
    effectif = choix["effectif"].sum(min_count=1)
    femmes = choix["femmes"].sum(min_count=1)
    part = 100 * femmes / effectif if pd.notna(effectif) and pd.notna(femmes) and effectif else math.nan
    return "effectifs", {"acteurs": len(choix), "effectif": effectif, "femmes": femmes, "part_femmes": part}


def _organisation(acteurs: pd.DataFrame, maillons: Sequence[str]) -> Fait:
    comptes = acteurs.loc[acteurs["maillon"].isin(maillons), "forme"].value_counts()
    return ("organisation", {"formes": dict(comptes.items())}) if len(comptes) else None


def _localisation(acteurs: pd.DataFrame, maillons: Sequence[str]) -> Fait:
    choix = acteurs[acteurs["maillon"].isin(maillons)]
    communes = choix["commune"].dropna()
    communes = communes[communes.str.strip() != ""]
    if communes.empty:
        return None
    return "localisation", {"communes": dict(communes.value_counts().items())}


def _distance_km(lat1: pd.Series, lon1: pd.Series, lat2: float, lon2: float) -> pd.Series:
    """Distance à vol d'oiseau (formule de haversine), en km."""
    rayon = 6371.0
    p1, p2 = lat1.map(math.radians), math.radians(lat2)
    dphi = (lat1 - lat2).map(math.radians)
    dlambda = (lon1 - lon2).map(math.radians)
    a = (dphi / 2).map(math.sin) ** 2 + p1.map(math.cos) * math.cos(p2) * (dlambda / 2).map(math.sin) ** 2
    return 2 * rayon * a.map(lambda x: math.asin(math.sqrt(min(1.0, x))))


def _distance_agregateur(cluster: Cluster, maillons: Sequence[str]) -> Fait:
    acteurs = cluster.acteurs
    if not cluster.fiche.agregateur:
        return None
    agr = acteurs[acteurs["id"] == cluster.fiche.agregateur]
    if agr.empty or agr[["latitude", "longitude"]].isna().any(axis=None):
        return None
    choix = acteurs[acteurs["maillon"].isin(maillons)].dropna(subset=["latitude", "longitude"])
    if choix.empty:
        return None
    d = _distance_km(choix["latitude"], choix["longitude"], float(agr["latitude"].iloc[0]),
                     float(agr["longitude"].iloc[0]))
    return "distance", {"moyenne": d.mean(), "minimum": d.min(), "maximum": d.max(), "acteurs": len(d)}


def _volumes(relations: pd.DataFrame, masque: pd.Series) -> Fait:
    choix = relations[masque]
    if choix.empty or choix["volume"].isna().all():
        return None
    unites = choix["unite"].fillna(_ref()["valeurs_par_defaut"]["unite"])  # unité non saisie
    return "volumes", {"volumes": dict(choix.groupby(unites)["volume"].sum().items()), "relations": len(choix)}


def _comptes_maillons(par_maillon: pd.DataFrame | None, campagne: str, maillons: Sequence[str]) -> Fait:
    if par_maillon is None:
        return None
    choix = par_maillon[par_maillon["maillon"].isin(maillons)]
    if choix.empty:
        return None
    return "comptes", {"campagne": campagne, "maillons": [
        (lg["maillon"], lg["valeur_ajoutee"], lg["revenu_net_exploitation"]) for _, lg in choix.iterrows()]}


def _maillons_acteurs(relations: pd.DataFrame, acteurs: pd.DataFrame) -> pd.DataFrame:
    maillon = acteurs.set_index("id")["maillon"]
    r = relations.copy()
    r["maillon_source"] = r["source"].map(maillon)
    r["maillon_cible"] = r["cible"].map(maillon)
    return r


def _livraisons(cluster: Cluster, campagne: str) -> Fait:
    if cluster.performances is None:
        return None
    from clusterlib.analyses.qqrp import qqrp_par_marche

    qqrp = qqrp_par_marche(cluster)
    qqrp = qqrp[qqrp["campagne"] == campagne]
    if qqrp.empty:
        return None
    return "livraisons", {"marches": [
        {"marche": lg["marche"], "volume": lg["volume"], "unite": _texte(lg["unite"]),
         "produits": _texte(lg["produits"]), "prix_moyen": lg["prix_moyen"], "taux_conformite": lg["taux_conformite"],
         "regularite": lg["regularite"]}
        for _, lg in qqrp.iterrows()]}


def _contrats(relations: pd.DataFrame) -> Fait:
    commerciaux = {v["code"] for v in referentiel.enumerations()["types_relation"]["valeurs"] if v.get("commerciale")}
    choix = relations[relations["type"].isin(commerciaux)]
    if choix.empty:
        return None
    n = len(choix)
    parts = choix["contrat"].value_counts()
    contrats = {c: (parts.get(c, 0), 100 * parts.get(c, 0) / n)
                for c in referentiel.codes("contrats") if parts.get(c, 0)}
    respect = {}
    for code in ("ecrit", "verbal"):
        valeurs = choix.loc[choix["contrat"] == code, "respect"].dropna()
        if len(valeurs):
            respect[code] = valeurs.mean()
    return "contrats", {"relations": n, "contrats": contrats, "respect": respect}


_MAX_PAIRES = 10
"""Nombre de paires de maillons détaillées dans la nature des relations (les plus fréquentes)."""


def _nature_relations(r: pd.DataFrame) -> Fait:
    groupes = sorted(r.groupby(["maillon_source", "maillon_cible"], sort=False), key=lambda kv: -len(kv[1]))
    if not groupes:
        return None
    paires = [(s, c, len(g), dict(g["type"].value_counts().items())) for (s, c), g in groupes[:_MAX_PAIRES]]
    reste = groupes[_MAX_PAIRES:]
    return "nature_relations", {"paires": paires, "autres_relations": sum(len(g) for _, g in reste),
                                "autres_paires": len(reste)}


def _financement(r: pd.DataFrame, acteurs: pd.DataFrame) -> Fait:
    choix = r[(r["type"] == "credit") | (r["maillon_source"] == "services_financiers")]
    noms = acteurs.set_index("id")["nom"]
    financeurs = [(noms.get(source, source), tuple(dict.fromkeys(g["type"])),
                   tuple(dict.fromkeys(g["maillon_cible"].dropna())), len(g))
                  for source, g in choix.groupby("source", sort=False)]
    return ("financement", {"financeurs": financeurs}) if financeurs else None


def _frais_financiers(par_maillon: pd.DataFrame | None) -> Fait:
    if par_maillon is None:
        return None
    frais = par_maillon[par_maillon["frais_financiers"] > 0]
    if frais.empty:
        return None
    return "frais_financiers", {"maillons": [(lg["maillon"], lg["frais_financiers"]) for _, lg in frais.iterrows()]}


def _information(r: pd.DataFrame, acteurs: pd.DataFrame) -> Fait:
    choix = r[r["type"].isin(["information", "conseil"])]
    if choix.empty:
        return None
    noms = acteurs.set_index("id")["nom"]
    sources = choix["source"].value_counts()
    return "information", {"relations": len(choix),
                           "sources": [(noms.get(s, s), n) for s, n in sources.head(4).items()]}


def _gouvernance(cluster: Cluster) -> Fait:
    nom = None
    if cluster.fiche.agregateur:
        ligne = cluster.acteurs[cluster.acteurs["id"] == cluster.fiche.agregateur]
        nom = ligne["nom"].iloc[0] if len(ligne) else cluster.fiche.agregateur
    return "gouvernance", {"agregateur": nom, "maillon": maillon_agregateur(cluster),
                           "structure_promotion": cluster.fiche.structure_promotion}


def _notes_gouvernance(cluster: Cluster, campagne: str) -> Fait:
    if cluster.scores is None:
        return None
    ind = referentiel.indicateurs()
    axe1 = set(ind.loc[ind["axe"] == 1, "indicateur"])
    notes = cluster.scores[(cluster.scores["campagne"] == campagne) & cluster.scores["indicateur"].isin(axe1)]
    if notes.empty:
        return None
    nom_axe = referentiel.axes().set_index("axe").loc[1, "nom_court"]
    moyenne = notes.groupby("indicateur")["score"].mean()
    return "notes_axe", {"axe": nom_axe, "campagne": campagne, "moyenne": moyenne.mean(), "indicateurs": len(moyenne)}


def faits_synthese(cluster: Cluster, campagne: str | None = None) -> pd.DataFrame:
    """Tableau 7 : ce que les données disent du cluster, fait par fait, rangé dans les éléments du guide.

    Une ligne par fait : ``rubrique`` (code de la rubrique du référentiel), ``rang`` (position
    de l'élément dans la rubrique), ``cas`` (``effectifs``, ``organisation``, ``localisation``,
    ``distance``, ``volumes``, ``comptes``, ``livraisons``, ``contrats``, ``marches_fiche``,
    ``marches_acteurs``, ``produits_finis``, ``nature_relations``, ``financement``,
    ``frais_financiers``, ``information``, ``gouvernance``, ``coachs``, ``notes_axe``),
    ``faits`` (dictionnaire des nombres, codes et noms qui le fondent) et ``source`` (table
    d'où il vient). Un élément peut réunir deux faits ; un élément dont les données ne disent
    rien n'a pas de ligne (il reste à compléter en atelier).
    """
    camp = _campagne(cluster, campagne)
    a, rel = cluster.acteurs, cluster.relations
    r = _maillons_acteurs(rel, a)
    agr = maillon_agregateur(cluster)
    aval = ["commercant", "distributeur"]
    par_maillon = None
    if cluster.comptes is not None:
        from clusterlib.analyses.comptes import comptes_par_maillon

        par_maillon = comptes_par_maillon(cluster.comptes, camp)
    marches: Fait = None
    if cluster.fiche.marches:
        marches = "marches_fiche", {"marches": [(m.nom, m.type) for m in cluster.fiche.marches]}
    elif (a["maillon"] == "marche").any():
        marches = "marches_acteurs", {"noms": list(a.loc[a["maillon"] == "marche", "nom"])}
    vers_aval = r[(r["maillon_source"] == agr) & r["maillon_cible"].isin([*aval, "marche"])]
    produits: Fait = ("produits_finis", {"produits": list(cluster.fiche.produits_finis)}) \
        if cluster.fiche.produits_finis else None
    coachs: Fait = ("coachs", {"coachs": [(c.nom, c.type) for c in cluster.fiche.coachs]}) \
        if cluster.fiche.coachs else None
    faits: list[tuple[str, int, Fait, str]] = [
        ("marches", 0, marches, "fiche"),
        ("marches", 1, _livraisons(cluster, camp), "performances"),
        ("marches", 2, _effectifs(a, aval), "acteurs"),
        ("marches", 2, _organisation(a, aval), "acteurs"),
        ("marches", 3, _comptes_maillons(par_maillon, camp, aval), "comptes"),
        ("marches", 4, _contrats(vers_aval), "relations"),
        ("production", 0, _effectifs(a, ["producteur"]), "acteurs"),
        ("production", 1, _localisation(a, ["producteur"]), "acteurs"),
        ("production", 2, _distance_agregateur(cluster, ["producteur"]), "acteurs"),
        ("production", 3, _organisation(a, ["producteur"]), "acteurs"),
        ("production", 4, _volumes(r, (r["maillon_source"] == "producteur") & (r["type"] == "produit")), "relations"),
        ("production", 5, _comptes_maillons(par_maillon, camp, ["producteur"]), "comptes"),
        ("transformation", 0, _effectifs(a, ["transformateur"]), "acteurs"),
        ("transformation", 1, _localisation(a, ["transformateur"]), "acteurs"),
        ("transformation", 1, _organisation(a, ["transformateur"]), "acteurs"),
        ("transformation", 2, _volumes(r, (r["maillon_cible"] == "transformateur") & (r["type"] == "produit")),
         "relations"),
        ("transformation", 3, produits, "fiche"),
        ("transformation", 5, _comptes_maillons(par_maillon, camp, ["transformateur"]), "comptes"),
        ("relations", 0, _nature_relations(r), "relations"),
        ("relations", 1, _contrats(r), "relations"),
        ("financement", 0, _financement(r, a), "relations"),
        ("financement", 1, _frais_financiers(par_maillon), "comptes"),
        ("information", 0, _information(r, a), "relations"),
        ("gouvernance", 0, _gouvernance(cluster), "fiche"),
        ("gouvernance", 1, coachs, "fiche"),
        ("gouvernance", 2, _notes_gouvernance(cluster, camp), "scores"),
    ]
    lignes = [{"rubrique": rubrique, "rang": rang, "cas": fait[0], "faits": fait[1], "source": source}
              for rubrique, rang, fait, source in faits if fait is not None]
    return pd.DataFrame(lignes, columns=["rubrique", "rang", "cas", "faits", "source"])


# --- Tableau 8 : forces et faiblesses --------------------------------------------------------


def _ffom_campagne(cluster: Cluster | None, campagne: str | None) -> pd.DataFrame | None:
    if cluster is None or cluster.ffom is None:
        return None
    ffom = cluster.ffom[cluster.ffom["campagne"] == _campagne(cluster, campagne)].copy()
    ffom["cle"] = ffom["objet"].map(_cle_objet)
    return ffom


def _elements(ffom: pd.DataFrame, objets: Sequence[str], type_: str) -> list[tuple[str, Any]]:
    choix = ffom[ffom["cle"].isin(objets) & (ffom["type"] == type_)]
    return [(cle, description) for cle in objets  # dans l'ordre des objets de la ligne
            for description in choix.loc[choix["cle"] == cle, "description"]]


def ffom_par_ligne(cluster: Cluster | None, campagne: str | None = None) -> pd.DataFrame:
    """Tableau 8 : forces et faiblesses de la campagne rangées dans les lignes du guide.

    Colonnes ``partie`` (code de la partie du référentiel), ``rang`` (position de la ligne dans
    la partie ; vide pour une ligne ajoutée), ``objets`` (clés des maillons ou paires regroupés
    dans la ligne), ``forces`` et ``faiblesses`` (listes de paires ``(clé, description)`` de la
    table ffom). Un maillon ou une relation qu'aucune ligne du guide ne prévoit reçoit sa
    propre ligne, à la fin de sa partie. « Agrégateur » désigne le maillon de l'agrégateur du
    cluster. Avec ``cluster=None``, les lignes du guide sans élément.
    """
    ffom = _ffom_campagne(cluster, campagne)
    parties = _ref()["tableaux"]["tableau_8"]["parties"]
    objets = [] if ffom is None else list(ffom["objet"])
    cadre = _affecter(objets, parties, maillon_agregateur(cluster))
    cadre["forces"] = [[] if ffom is None else _elements(ffom, liste, "force") for liste in cadre["objets"]]
    cadre["faiblesses"] = [[] if ffom is None else _elements(ffom, liste, "faiblesse") for liste in cadre["objets"]]
    return cadre


# --- Tableau 9 : vision, opportunités, menaces ------------------------------------------------


def opportunites_menaces(cluster: Cluster | None, campagne: str | None = None) -> pd.DataFrame | None:
    """Tableau 9 : les opportunités et les menaces de l'analyse FFOM de la campagne.

    Colonnes ``objet`` (clé du maillon ou de la paire), ``type`` (``opportunite`` ou
    ``menace``), ``description``, dans l'ordre de la table ffom ; vide si le cluster n'a pas
    d'analyse FFOM. ``None`` sans cluster (le modèle vierge).
    """
    if cluster is None:
        return None
    colonnes = ["objet", "type", "description"]
    ffom = _ffom_campagne(cluster, campagne)
    if ffom is None:
        return pd.DataFrame(columns=colonnes)
    choix = ffom[ffom["type"].isin(["opportunite", "menace"])]
    return pd.DataFrame({"objet": choix["cle"], "type": choix["type"], "description": choix["description"]},
                        columns=colonnes).reset_index(drop=True)


# --- Tableau 10 : changements souhaités --------------------------------------------------------


def changements_par_ligne(cluster: Cluster | None) -> pd.DataFrame:
    """Tableau 10 : changements visés et indicateurs du plan d'actions, rangés dans les lignes du guide.

    Colonnes ``partie``, ``rang``, ``objets`` (comme :func:`ffom_par_ligne`), ``changements``
    (textes de ``changement_vise``, sans doublon) et ``indicateurs`` (paires ``(indicateur,
    cible)``). Les conditions de réalisation n'existent pas dans les données. Avec
    ``cluster=None`` (ou sans plan d'actions), les lignes du guide sans élément.
    """
    plan = None if cluster is None else cluster.plan_actions
    parties = _ref()["tableaux"]["tableau_10"]["parties"]
    objets = [] if plan is None else list(plan["objet"].dropna())
    cadre = _affecter(objets, parties, maillon_agregateur(cluster))
    if plan is not None:
        plan = plan.assign(cle=plan["objet"].map(lambda o: _cle_objet(o) if _texte(o) else ""))
    changements: list[list[str]] = []
    indicateurs: list[list[tuple[str, Any]]] = []
    for liste in cadre["objets"]:
        if plan is None or not liste:
            changements.append([])
            indicateurs.append([])
            continue
        choix = plan[plan["cle"].isin(liste)]
        changements.append([c for c in dict.fromkeys(_texte(c) for c in choix["changement_vise"]) if c])
        indicateurs.append([(_texte(lg["indicateur"]), lg["cible"]) for _, lg in choix.iterrows()
                            if _texte(lg["indicateur"])])
    cadre["changements"] = changements
    cadre["indicateurs"] = indicateurs
    return cadre


# --- Tableau 11 : actions prioritaires ----------------------------------------------------------


def actions_du_plan(cluster: Cluster | None, inclure_abandonnees: bool = False) -> pd.DataFrame | None:
    """Tableau 11 : les actions du plan, rangées par mois de début puis par identifiant.

    Colonnes ``id``, ``action``, ``moyens``, ``responsable``, ``structures_appui``, ``debut``,
    ``fin`` (« AAAA-MM »), ``statut`` (code). Les actions abandonnées sont omises sauf
    ``inclure_abandonnees``. ``None`` sans cluster ou sans plan d'actions.
    """
    plan = None if cluster is None else cluster.plan_actions
    if plan is None or plan.empty:
        return None
    colonnes = ["id", "action", "moyens", "responsable", "structures_appui", "debut", "fin", "statut"]
    choix = plan if inclure_abandonnees else plan[plan["statut"] != "abandonnee"]
    choix = choix.assign(_d=choix["debut"].fillna("9999-99"), _i=choix["id"].map(_cle_id))
    choix = choix.sort_values(["_d", "_i"])
    return pd.DataFrame([{c: _texte(lg[c]) for c in colonnes} for _, lg in choix.iterrows()], columns=colonnes)
