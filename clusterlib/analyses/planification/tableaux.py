"""Les tableaux 7 à 11 de l'atelier de planification (section 4.3.4 du guide), remplis ou vierges."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.planification._commun import (
    _A_COMPLETER,
    TableauAtelier,
    _affecter,
    _campagne,
    _cle_id,
    _cle_objet,
    _lib_maillon,
    _lib_objet,
    _puces,
    _ref,
    _texte,
    maillon_agregateur,
    periode,
)
from clusterlib.presentation.echappement import styler_echappe
from clusterlib.presentation.format_fr import fcfa_auto, nombre, pourcentage, uuid_stable

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from clusterlib.donnees.modele import Cluster

__all__ = [
    "actions_prioritaires",
    "changements_souhaites",
    "forces_faiblesses",
    "style_tableau",
    "synthese_informations",
    "tableaux_atelier",
    "tableaux_vierges",
    "vision_opportunites_menaces",
]


# --- Tableau 7 : synthèse des informations ----------------------------------------------------


def _resume_acteurs(acteurs: pd.DataFrame, maillons: Sequence[str]) -> str:
    choix = acteurs[acteurs["maillon"].isin(maillons)]
    if choix.empty:
        return ""
    effectif = choix["effectif"].sum(min_count=1)
    femmes = choix["femmes"].sum(min_count=1)
    texte = f"{len(choix)} acteur(s) enregistré(s)"
    if pd.notna(effectif):
        texte += f", {nombre(effectif)} personne(s)"
        if pd.notna(femmes):
            texte += f" dont {nombre(femmes)} femme(s) ({pourcentage(100 * femmes / effectif, 0)})" if effectif else ""
    return texte


def _organisation(acteurs: pd.DataFrame, maillons: Sequence[str]) -> str:
    choix = acteurs[acteurs["maillon"].isin(maillons)]
    if choix.empty:
        return ""
    comptes = choix["forme"].value_counts()
    return ", ".join(f"{referentiel.libelle('formes', f).lower()} : {n}" for f, n in comptes.items())


def _localisation(acteurs: pd.DataFrame, maillons: Sequence[str]) -> str:
    choix = acteurs[acteurs["maillon"].isin(maillons)]
    communes = choix["commune"].dropna()
    communes = communes[communes.str.strip() != ""]
    if communes.empty:
        return ""
    return ", ".join(f"{c} ({n})" for c, n in communes.value_counts().items())


def _distance_km(lat1: pd.Series, lon1: pd.Series, lat2: float, lon2: float) -> pd.Series:
    """Distance à vol d'oiseau (formule de haversine), en km."""
    rayon = 6371.0
    p1, p2 = lat1.map(math.radians), math.radians(lat2)
    dphi = (lat1 - lat2).map(math.radians)
    dlambda = (lon1 - lon2).map(math.radians)
    a = (dphi / 2).map(math.sin) ** 2 + p1.map(math.cos) * math.cos(p2) * (dlambda / 2).map(math.sin) ** 2
    return 2 * rayon * a.map(lambda x: math.asin(math.sqrt(min(1.0, x))))


def _distance_agregateur(cluster: Cluster, maillons: Sequence[str]) -> str:
    acteurs = cluster.acteurs
    if not cluster.fiche.agregateur:
        return ""
    agr = acteurs[acteurs["id"] == cluster.fiche.agregateur]
    if agr.empty or agr[["latitude", "longitude"]].isna().any(axis=None):
        return ""
    choix = acteurs[acteurs["maillon"].isin(maillons)].dropna(subset=["latitude", "longitude"])
    if choix.empty:
        return ""
    d = _distance_km(choix["latitude"], choix["longitude"], float(agr["latitude"].iloc[0]),
                     float(agr["longitude"].iloc[0]))
    return (f"{nombre(d.mean())} km en moyenne à vol d'oiseau (de {nombre(d.min())} à {nombre(d.max())} km), "
            f"pour {len(d)} acteur(s) localisé(s)")


def _volumes(relations: pd.DataFrame, masque: pd.Series) -> str:
    choix = relations[masque]
    if choix.empty or choix["volume"].isna().all():
        return ""
    unites = choix["unite"].fillna("unité")
    morceaux = [f"{nombre(v)} {u}(s)" for u, v in choix.groupby(unites)["volume"].sum().items()]
    return f"{' + '.join(morceaux)} sur {len(choix)} relation(s)"


def _comptes_maillons(cluster: Cluster, campagne: str, maillons: Sequence[str]) -> str:
    if cluster.comptes is None:
        return ""
    from clusterlib.analyses.comptes import comptes_par_maillon

    par_maillon = comptes_par_maillon(cluster.comptes, campagne)
    morceaux = []
    for _, ligne in par_maillon[par_maillon["maillon"].isin(maillons)].iterrows():
        morceaux.append(
            f"{_lib_maillon(ligne['maillon'])} (compte de la campagne {campagne}) : valeur ajoutée "
            f"{fcfa_auto(ligne['valeur_ajoutee'])}, revenu net {fcfa_auto(ligne['revenu_net_exploitation'])}"
        )
    return "\n".join(morceaux)


def _maillons_acteurs(relations: pd.DataFrame, acteurs: pd.DataFrame) -> pd.DataFrame:
    maillon = acteurs.set_index("id")["maillon"]
    r = relations.copy()
    r["maillon_source"] = r["source"].map(maillon)
    r["maillon_cible"] = r["cible"].map(maillon)
    return r


def _livraisons(cluster: Cluster, campagne: str) -> str:
    if cluster.performances is None:
        return ""
    from clusterlib.analyses.qqrp import qqrp_par_marche

    qqrp = qqrp_par_marche(cluster)
    qqrp = qqrp[qqrp["campagne"] == campagne]
    lignes = []
    for _, lg in qqrp.iterrows():
        morceaux = [f"{nombre(lg['volume'])} {_texte(lg['unite'])}(s) de {_texte(lg['produits'])}"]
        if pd.notna(lg["prix_moyen"]):
            morceaux.append(f"à {fcfa_auto(lg['prix_moyen'])} par {_texte(lg['unite'])}")
        if pd.notna(lg["taux_conformite"]):
            morceaux.append(f"{pourcentage(lg['taux_conformite'], 0)} conformes")
        if pd.notna(lg["regularite"]):
            morceaux.append(f"{pourcentage(lg['regularite'], 0)} des livraisons à temps")
        lignes.append(f"{lg['marche']} : " + ", ".join(morceaux))
    return "\n".join(lignes)


def _contrats(relations: pd.DataFrame) -> str:
    commerciaux = {v["code"] for v in referentiel.enumerations()["types_relation"]["valeurs"] if v.get("commerciale")}
    choix = relations[relations["type"].isin(commerciaux)]
    if choix.empty:
        return ""
    n = len(choix)
    parts = choix["contrat"].value_counts()
    morceaux = [f"{referentiel.libelle('contrats', c).lower()} : {parts.get(c, 0)} "
                f"({pourcentage(100 * parts.get(c, 0) / n, 0)})"
                for c in referentiel.codes("contrats") if parts.get(c, 0)]
    texte = f"{n} relation(s) commerciale(s) — " + ", ".join(morceaux)
    for code in ("ecrit", "verbal"):
        respect = choix.loc[choix["contrat"] == code, "respect"].dropna()
        if len(respect):
            texte += f"\nRespect moyen des engagements ({referentiel.libelle('contrats', code).lower()}) : " \
                     f"{pourcentage(respect.mean(), 0)}"
    return texte


_MAX_PAIRES = 10
"""Nombre de paires de maillons détaillées dans la nature des relations (les plus fréquentes)."""


def _nature_relations(r: pd.DataFrame) -> str:
    if r.empty:
        return ""
    lignes = []
    groupes = sorted(r.groupby(["maillon_source", "maillon_cible"], sort=False), key=lambda kv: -len(kv[1]))
    for (s, c), g in groupes[:_MAX_PAIRES]:
        types = ", ".join(f"{referentiel.libelle('types_relation', t).lower()} {n}"
                          for t, n in g["type"].value_counts().items())
        lignes.append(f"{_lib_maillon(s)} → {_lib_maillon(c)} : {len(g)} ({types})")
    reste = groupes[_MAX_PAIRES:]
    if reste:
        lignes.append(f"… et {sum(len(g) for _, g in reste)} autre(s) relation(s) entre {len(reste)} autre(s) "
                      "paire(s) de maillons")
    return "\n".join(lignes)


def _financement(r: pd.DataFrame, acteurs: pd.DataFrame) -> str:
    choix = r[(r["type"] == "credit") | (r["maillon_source"] == "services_financiers")]
    if choix.empty:
        return ""
    noms = acteurs.set_index("id")["nom"]
    lignes = []
    for source, g in choix.groupby("source", sort=False):
        cibles = sorted({_lib_maillon(m).lower() for m in g["maillon_cible"].dropna()})
        types = sorted({referentiel.libelle("types_relation", t).lower() for t in g["type"]})
        lignes.append(f"{noms.get(source, source)} : {', '.join(types)} vers {', '.join(cibles)} "
                      f"({len(g)} relation(s))")
    return "\n".join(lignes)


def _frais_financiers(cluster: Cluster, campagne: str) -> str:
    if cluster.comptes is None:
        return ""
    from clusterlib.analyses.comptes import comptes_par_maillon

    par_maillon = comptes_par_maillon(cluster.comptes, campagne)
    frais = par_maillon[par_maillon["frais_financiers"] > 0]
    if frais.empty:
        return ""
    return "Frais financiers payés (comptes) : " + ", ".join(
        f"{_lib_maillon(lg['maillon']).lower()} {fcfa_auto(lg['frais_financiers'])}" for _, lg in frais.iterrows()
    )


def _information(r: pd.DataFrame, acteurs: pd.DataFrame) -> str:
    choix = r[r["type"].isin(["information", "conseil"])]
    if choix.empty:
        return ""
    noms = acteurs.set_index("id")["nom"]
    sources = choix["source"].value_counts()
    principaux = ", ".join(f"{noms.get(s, s)} ({n})" for s, n in sources.head(4).items())
    return f"{len(choix)} relation(s) d'information ou de conseil ; principales sources : {principaux}"


def _gouvernance(cluster: Cluster) -> str:
    morceaux = []
    if cluster.fiche.agregateur:
        ligne = cluster.acteurs[cluster.acteurs["id"] == cluster.fiche.agregateur]
        nom = ligne["nom"].iloc[0] if len(ligne) else cluster.fiche.agregateur
        morceaux.append(f"Agrégateur : {nom} ({_lib_maillon(maillon_agregateur(cluster)).lower()})")
    else:
        morceaux.append("Pas encore d'agrégateur désigné")
    if cluster.fiche.structure_promotion:
        morceaux.append(f"Structure de promotion : {cluster.fiche.structure_promotion}")
    return "\n".join(morceaux)


def _notes_gouvernance(cluster: Cluster, campagne: str) -> str:
    if cluster.scores is None:
        return ""
    ind = referentiel.indicateurs()
    axe1 = set(ind.loc[ind["axe"] == 1, "indicateur"])
    notes = cluster.scores[(cluster.scores["campagne"] == campagne) & cluster.scores["indicateur"].isin(axe1)]
    if notes.empty:
        return ""
    nom_axe = referentiel.axes().set_index("axe").loc[1, "nom_court"]
    moyenne = notes.groupby("indicateur")["score"].mean()
    return (f"Grille de fonctionnement, axe {nom_axe} ({campagne}) : note moyenne "
            f"{nombre(moyenne.mean(), 1)} sur 4 ({len(moyenne)} indicateur(s) notés)")


def synthese_informations(cluster: Cluster | None, campagne: str | None = None) -> pd.DataFrame:
    """Tableau 7 : la synthèse des informations sur le cluster, rubrique par rubrique.

    Colonnes ``rubrique``, ``element``, ``information`` (texte, une ligne par fait) et
    ``source`` (tables d'où vient l'information, ou « à compléter »). Ce que les données ne
    disent pas (mode de transformation, conditions d'accès au crédit, organe de gouvernance…)
    est marqué « À compléter en atelier ». Avec ``cluster=None``, le modèle vierge.
    """
    rubriques = _ref()["tableaux"]["tableau_7"]["rubriques"]
    infos: dict[tuple[str, int], tuple[str, str]] = {}
    if cluster is not None:
        camp = _campagne(cluster, campagne)
        a, rel = cluster.acteurs, cluster.relations
        r = _maillons_acteurs(rel, a)
        agr = maillon_agregateur(cluster)
        aval = ["commercant", "distributeur"]
        marches = "\n".join(f"{m.nom} ({referentiel.libelle('types_marche', m.type).lower()})"
                            for m in cluster.fiche.marches)
        if not marches:
            marches = ", ".join(a.loc[a["maillon"] == "marche", "nom"])
        vers_aval = r[(r["maillon_source"] == agr) & r["maillon_cible"].isin([*aval, "marche"])]
        produits_finis = "\n".join(cluster.fiche.produits_finis)
        infos = {
            ("marches", 0): (marches, "fiche"),
            ("marches", 1): (_livraisons(cluster, camp), "performances"),
            ("marches", 2): (_jointure(_resume_acteurs(a, aval), _organisation(a, aval)), "acteurs"),
            ("marches", 3): (_comptes_maillons(cluster, camp, aval), "comptes"),
            ("marches", 4): (_contrats(vers_aval), "relations"),
            ("production", 0): (_resume_acteurs(a, ["producteur"]), "acteurs"),
            ("production", 1): (_localisation(a, ["producteur"]), "acteurs"),
            ("production", 2): (_distance_agregateur(cluster, ["producteur"]), "acteurs"),
            ("production", 3): (_organisation(a, ["producteur"]), "acteurs"),
            ("production", 4): (_volumes(r, (r["maillon_source"] == "producteur") & (r["type"] == "produit")),
                                "relations"),
            ("production", 5): (_comptes_maillons(cluster, camp, ["producteur"]), "comptes"),
            ("transformation", 0): (_resume_acteurs(a, ["transformateur"]), "acteurs"),
            ("transformation", 1): (_jointure(_localisation(a, ["transformateur"]),
                                              _organisation(a, ["transformateur"])), "acteurs"),
            ("transformation", 2): (_volumes(r, (r["maillon_cible"] == "transformateur") & (r["type"] == "produit")),
                                    "relations"),
            ("transformation", 3): (produits_finis, "fiche"),
            ("transformation", 5): (_comptes_maillons(cluster, camp, ["transformateur"]), "comptes"),
            ("relations", 0): (_nature_relations(r), "relations"),
            ("relations", 1): (_contrats(r), "relations"),
            ("financement", 0): (_financement(r, a), "relations"),
            ("financement", 1): (_frais_financiers(cluster, camp), "comptes"),
            ("information", 0): (_information(r, a), "relations"),
            ("gouvernance", 0): (_gouvernance(cluster), "fiche"),
            ("gouvernance", 1): ("\n".join(f"{c.nom} ({c.type})" for c in cluster.fiche.coachs), "fiche"),
            ("gouvernance", 2): (_notes_gouvernance(cluster, camp), "scores"),
        }
    lignes = []
    for rub in rubriques:
        for i, element in enumerate(rub["elements"]):
            texte, source = infos.get((rub["code"], i), ("", ""))
            if cluster is not None and not texte:
                texte, source = _A_COMPLETER, "à compléter"
            elif cluster is not None and (rub["code"], i) in (("financement", 1), ("gouvernance", 2)):
                texte = f"{texte}\n{_A_COMPLETER}"
            lignes.append({"rubrique": rub["libelle"], "element": element, "information": texte, "source": source})
    return pd.DataFrame(lignes, columns=["rubrique", "element", "information", "source"]).astype("str")


def _jointure(*morceaux: str) -> str:
    return "\n".join(m for m in morceaux if m)


# --- Tableau 8 : forces et faiblesses --------------------------------------------------------


def _ffom_campagne(cluster: Cluster | None, campagne: str | None) -> pd.DataFrame | None:
    if cluster is None or cluster.ffom is None:
        return None
    ffom = cluster.ffom[cluster.ffom["campagne"] == _campagne(cluster, campagne)].copy()
    ffom["cle"] = ffom["objet"].map(_cle_objet)
    return ffom


def _elements(ffom: pd.DataFrame, objets: Sequence[str], type_: str) -> str:
    choix = ffom[ffom["cle"].isin(objets) & (ffom["type"] == type_)]
    plusieurs = len(set(choix["cle"])) > 1 or len(objets) > 1
    elements = []
    for cle in objets:  # dans l'ordre des objets de la ligne
        for description in choix.loc[choix["cle"] == cle, "description"]:
            elements.append(f"{_lib_objet(cle)} : {description}" if plusieurs else description)
    return _puces(elements)


def forces_faiblesses(cluster: Cluster | None, campagne: str | None = None) -> pd.DataFrame:
    """Tableau 8 : forces et faiblesses par maillon et par relation, rangées dans les lignes du guide.

    Colonnes ``partie``, ``ligne``, ``objets`` (maillons ou paires regroupés dans la ligne),
    ``forces``, ``faiblesses`` (une puce par élément de la table ffom de la campagne). Les
    lignes du guide sans élément restent vides, à remplir en atelier ; un maillon ou une
    relation qu'aucune ligne du guide ne prévoit reçoit sa propre ligne. « Agrégateur » désigne
    le maillon de l'agrégateur du cluster. Avec ``cluster=None``, le modèle vierge.
    """
    ffom = _ffom_campagne(cluster, campagne)
    parties = _ref()["tableaux"]["tableau_8"]["parties"]
    objets = [] if ffom is None else list(ffom["objet"])
    cadre = _affecter(objets, parties, maillon_agregateur(cluster))
    forces, faiblesses = [], []
    for liste in cadre["objets"]:
        forces.append("" if ffom is None else _elements(ffom, liste, "force"))
        faiblesses.append("" if ffom is None else _elements(ffom, liste, "faiblesse"))
    return pd.DataFrame({
        "partie": cadre["partie"], "ligne": cadre["ligne"], "objets": [", ".join(o) for o in cadre["objets"]],
        "forces": forces, "faiblesses": faiblesses,
    }).astype("str")


# --- Tableau 9 : vision, opportunités, menaces ------------------------------------------------


def vision_opportunites_menaces(
    cluster: Cluster | None, campagne: str | None = None, vision: str | None = None
) -> pd.DataFrame:
    """Tableau 9 : les opportunités et les menaces de l'analyse FFOM, autour de la vision.

    Colonnes ``opportunites``, ``vision``, ``menaces`` : une opportunité et une menace par
    ligne (précédées du maillon ou de la relation qu'elles concernent), puis des lignes vides
    pour l'atelier. Les données n'ont pas de vision : sans ``vision``, la première case de la
    colonne dit qu'elle est à formuler en atelier. Avec ``cluster=None``, le modèle vierge.
    """
    ref = _ref()
    ffom = _ffom_campagne(cluster, campagne)
    opp: list[str] = []
    men: list[str] = []
    if ffom is not None:
        for _, lg in ffom.iterrows():
            texte = f"{_lib_objet(lg['cle'])} : {lg['description']}"
            if lg["type"] == "opportunite":
                opp.append(texte)
            elif lg["type"] == "menace":
                men.append(texte)
    n = max(len(opp), len(men)) + ref["lignes_vierges"] * (1 if cluster is not None else 2)
    absente = " ".join(ref["tableaux"]["tableau_9"]["vision_absente"].split())
    premiere = vision if vision else ("" if cluster is None else absente)
    lignes = [
        {"opportunites": opp[i] if i < len(opp) else "", "vision": premiere if i == 0 else "",
         "menaces": men[i] if i < len(men) else ""}
        for i in range(n)
    ]
    return pd.DataFrame(lignes, columns=["opportunites", "vision", "menaces"]).astype("str")


# --- Tableau 10 : changements souhaités --------------------------------------------------------


def changements_souhaites(cluster: Cluster | None) -> pd.DataFrame:
    """Tableau 10 : changements souhaités par maillon et par relation, avec leurs indicateurs.

    Les changements et les indicateurs viennent du plan d'actions (colonnes
    ``changement_vise``, ``objet``, ``indicateur``, ``cible``) ; les conditions de
    réalisation n'existent pas dans les données et restent à remplir. Colonnes ``partie``,
    ``ligne``, ``objets``, ``changements``, ``conditions``, ``indicateurs``. Avec
    ``cluster=None`` (ou sans plan d'actions), les lignes du guide vides.
    """
    plan = None if cluster is None else cluster.plan_actions
    parties = _ref()["tableaux"]["tableau_10"]["parties"]
    objets = [] if plan is None else list(plan["objet"].dropna())
    cadre = _affecter(objets, parties, maillon_agregateur(cluster))
    if plan is not None:
        plan = plan.assign(cle=plan["objet"].map(lambda o: _cle_objet(o) if _texte(o) else ""))
    changements, indicateurs = [], []
    for liste in cadre["objets"]:
        if plan is None or not liste:
            changements.append("")
            indicateurs.append("")
            continue
        choix = plan[plan["cle"].isin(liste)]
        changements.append(_puces(list(dict.fromkeys(_texte(c) for c in choix["changement_vise"]))))
        ind = []
        for _, lg in choix.iterrows():
            if _texte(lg["indicateur"]):
                cible = f" (cible : {nombre(lg['cible'])})" if pd.notna(lg["cible"]) else ""
                ind.append(f"{_texte(lg['indicateur'])}{cible}")
        indicateurs.append(_puces(list(dict.fromkeys(ind))))
    return pd.DataFrame({
        "partie": cadre["partie"], "ligne": cadre["ligne"], "objets": [", ".join(o) for o in cadre["objets"]],
        "changements": changements, "conditions": [""] * len(cadre), "indicateurs": indicateurs,
    }).astype("str")


# --- Tableau 11 : actions prioritaires ----------------------------------------------------------


def actions_prioritaires(cluster: Cluster | None, inclure_abandonnees: bool = False) -> pd.DataFrame:
    """Tableau 11 : les actions du plan, avec moyens, responsables, structures d'appui et période.

    Colonnes ``id``, ``action``, ``moyens``, ``responsable``, ``structures_appui``,
    ``periode`` (« oct. 2025 – janv. 2026 »), ``statut`` ; rangées par mois de début puis par
    identifiant. Les actions abandonnées sont omises sauf ``inclure_abandonnees``. Suivies de
    lignes vides pour l'atelier. Avec ``cluster=None``, le modèle vierge.
    """
    colonnes = ["id", "action", "moyens", "responsable", "structures_appui", "periode", "statut"]
    n_vierges = _ref()["lignes_vierges"]
    plan = None if cluster is None else cluster.plan_actions
    lignes: list[dict[str, str]] = []
    if plan is not None and not plan.empty:
        choix = plan if inclure_abandonnees else plan[plan["statut"] != "abandonnee"]
        choix = choix.assign(_d=choix["debut"].fillna("9999-99"), _i=choix["id"].map(_cle_id))
        choix = choix.sort_values(["_d", "_i"])
        for _, lg in choix.iterrows():
            lignes.append({
                "id": _texte(lg["id"]), "action": _texte(lg["action"]), "moyens": _texte(lg["moyens"]),
                "responsable": _texte(lg["responsable"]), "structures_appui": _texte(lg["structures_appui"]),
                "periode": periode(lg["debut"], lg["fin"]), "statut": _texte(lg["statut"]),
            })
    else:
        n_vierges *= 2
    lignes += [dict.fromkeys(colonnes, "") for _ in range(n_vierges)]
    return pd.DataFrame(lignes, columns=colonnes).astype("str")


# --- Le dossier de l'atelier -------------------------------------------------------------------


def _tableau(code: str, donnees: pd.DataFrame, note: str, vierge: bool) -> TableauAtelier:
    t = _ref()["tableaux"][code]
    largeurs = {
        "tableau_7": {"element": 6.0, "information": 20.0},
        "tableau_8": {"ligne": 5.0, "forces": 10.0, "faiblesses": 10.0},
        "tableau_9": {"opportunites": 9.0, "vision": 7.0, "menaces": 9.0},
        "tableau_10": {"ligne": 4.5, "changements": 7.0, "conditions": 6.0, "indicateurs": 7.0},
        "tableau_11": {"id": 1.2, "action": 7.5, "moyens": 5.0, "responsable": 3.8, "structures_appui": 3.8,
                       "periode": 3.5},
        "suivi": {},
    }[code]
    colonnes = dict(t["colonnes"])
    intertitre = {"tableau_7": "rubrique", "tableau_8": "partie", "tableau_10": "partie"}.get(code)
    if intertitre:
        colonnes.pop(intertitre)  # la partie ou la rubrique devient un intertitre dans le tableau
    return TableauAtelier(code=code, numero=t.get("numero"), titre=t["titre"], source=t["source"], donnees=donnees,
                          colonnes=colonnes, note=note, vierge=vierge, largeurs=largeurs, intertitre=intertitre)


def tableaux_atelier(
    cluster: Cluster, campagne: str | None = None, vision: str | None = None
) -> list[TableauAtelier]:
    """Les tableaux 7 à 11 de l'atelier, remplis avec les données du cluster.

    Chaque tableau porte une note qui dit d'où viennent les informations et ce qui reste à
    remplir en atelier (vision, conditions de réalisation, lignes vides pour les ajouts).
    """
    camp = _campagne(cluster, campagne)
    ref = _ref()["tableaux"]
    a_ffom = cluster.ffom is not None and (cluster.ffom["campagne"] == camp).any()
    sans_ffom = "" if a_ffom else f" Aucune analyse FFOM n'est enregistrée pour {camp} : tableau à remplir en atelier."
    a_plan = cluster.plan_actions is not None and not cluster.plan_actions.empty
    sans_plan = "" if a_plan else " Le cluster n'a pas encore de plan d'actions : tableau à remplir en atelier."
    notes = {
        "tableau_7": (f"Prérempli avec les données du cluster (campagne {camp}) ; les cases « {_A_COMPLETER} » "
                      "portent sur ce que les fichiers ne disent pas. À relire et corriger en atelier."),
        "tableau_8": (f"Forces et faiblesses de l'analyse FFOM de la campagne {camp}, rangées par maillon et par "
                      "relation. Les lignes vides sont à remplir en atelier." + sans_ffom),
        "tableau_9": (f"Opportunités et menaces de l'analyse FFOM ({camp}). "
                      + ("" if vision else "Les données ne contiennent pas de vision : elle se formule en atelier. ")
                      + "Les lignes vides servent aux ajouts." + sans_ffom),
        "tableau_10": ("Changements et indicateurs repris du plan d'actions en cours (colonnes changement_vise et "
                       "indicateur). " + " ".join(ref["tableau_10"]["conditions_absentes"].split())
                       + " Les lignes vides sont à remplir en atelier." + sans_plan),
        "tableau_11": ("Actions du plan en cours (les actions abandonnées sont omises), rangées par date de début ; "
                       "des lignes vides suivent pour les nouvelles actions." + sans_plan),
    }
    return [
        _tableau("tableau_7", synthese_informations(cluster, camp), notes["tableau_7"], False),
        _tableau("tableau_8", forces_faiblesses(cluster, camp), notes["tableau_8"], False),
        _tableau("tableau_9", vision_opportunites_menaces(cluster, camp, vision), notes["tableau_9"], False),
        _tableau("tableau_10", changements_souhaites(cluster), notes["tableau_10"], False),
        _tableau("tableau_11", actions_prioritaires(cluster), notes["tableau_11"], False),
    ]


def tableaux_vierges() -> list[TableauAtelier]:
    """Les tableaux 7 à 11 vierges, à imprimer pour l'atelier (mêmes lignes et colonnes que le guide)."""
    note = "Modèle vierge à remplir pendant l'atelier."
    return [
        _tableau("tableau_7", synthese_informations(None), note, True),
        _tableau("tableau_8", forces_faiblesses(None), note, True),
        _tableau("tableau_9", vision_opportunites_menaces(None), note, True),
        _tableau("tableau_10", changements_souhaites(None), note, True),
        _tableau("tableau_11", actions_prioritaires(None), note, True),
    ]


def style_tableau(tableau: TableauAtelier | pd.DataFrame, code: str | None = None) -> Styler:
    """Mise en forme pour le notebook : texte aligné à gauche et en haut, retours à la ligne gardés, sans index.

    Cellules, en-têtes et titre sont échappés : un texte saisi s'affiche, il ne s'exécute jamais.

    ``code`` (``"tableau_7"``…) : un tableau brut est présenté comme ce tableau du guide (titre,
    colonnes et intitulés du référentiel), comme dans :func:`tableaux_atelier`.
    """
    if code is not None and not isinstance(tableau, TableauAtelier):
        tableau = _tableau(code, tableau, note="", vierge=False)
    cadre = tableau.pour_affichage() if isinstance(tableau, TableauAtelier) else tableau
    style = cadre.style.set_uuid(uuid_stable(cadre, code)).hide(axis="index").set_properties(
        **{"text-align": "left", "vertical-align": "top", "white-space": "pre-wrap"}
    )
    style = style.set_table_styles([
        {"selector": "th", "props": [("text-align", "left"), ("vertical-align", "bottom"), ("background", "#E8EEF4")]},
        {"selector": "td", "props": [("border-bottom", "1px solid #CCC"), ("padding", "4px 8px")]},
    ])
    if isinstance(tableau, TableauAtelier) and tableau.intitule:
        style = style.set_caption(tableau.intitule)
    return styler_echappe(style)  # noms, communes, descriptions FFOM : du texte, jamais du HTML
