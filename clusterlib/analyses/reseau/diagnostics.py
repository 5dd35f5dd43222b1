"""Diagnostics du réseau d'un cluster : agrégateur, dépendance, étapes, contrats, isolés, appui, femmes.

Des nombres, des codes et des tableaux : les phrases qui les racontent sont dans
:mod:`clusterlib.presentation.reseau`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.reseau._commun import (
    _affaires,
    _flottant,
    _maillon_de,
    _maillons_directs,
    _noms,
    _partenaires,
    _ref,
)
from clusterlib.analyses.reseau.graphe import table_relations
from clusterlib.donnees.modele import Cluster

__all__ = [
    "ReseauVide",
    "acteurs_isoles",
    "agregateur",
    "contractualisation",
    "couverture_appui",
    "dependance",
    "diagnostic_reseau",
    "maillons_manquants",
    "part_femmes",
    "reseau_vide",
    "synthese_reseau",
]


# --- Cas des réseaux vides ---------------------------------------------------------------


@dataclass(frozen=True)
class ReseauVide:
    """Pourquoi les diagnostics du réseau sont vides.

    ``cas`` : ``aucun_acteur``, ``un_acteur`` ou ``aucune_relation`` ; ``nb_acteurs`` : le
    nombre d'acteurs du cluster.
    """

    cas: str
    nb_acteurs: int


def reseau_vide(cluster: Cluster) -> ReseauVide | None:
    """Le cas d'un réseau sans diagnostic possible (aucun ou un seul acteur, aucune relation), sinon None."""
    n = len(cluster.acteurs)
    if n == 0:
        return ReseauVide("aucun_acteur", 0)
    if n == 1:
        return ReseauVide("un_acteur", 1)
    if cluster.relations.empty:
        return ReseauVide("aucune_relation", n)
    return None


# --- Agrégateur --------------------------------------------------------------------------


def _classement_agregateurs(cluster: Cluster) -> pd.DataFrame:
    exclus = set(_ref()["agregateur"]["maillons_exclus"])
    candidats = cluster.acteurs[
        cluster.acteurs["maillon"].isin(_maillons_directs()) & ~cluster.acteurs["maillon"].isin(exclus)
    ]
    partenaires = _partenaires(_affaires(cluster.relations))
    classement = pd.DataFrame(
        {
            "id": candidats["id"].to_numpy(),
            "nom": candidats["nom"].to_numpy(),
            "maillon": candidats["maillon"].to_numpy(),
            "nb_partenaires": partenaires.reindex(candidats["id"]).fillna(0).astype("int64").to_numpy(),
        }
    )
    classement = classement[classement["nb_partenaires"] > 0]
    return classement.sort_values(["nb_partenaires", "id"], ascending=[False, True]).reset_index(drop=True)


def agregateur(cluster: Cluster) -> dict[str, Any]:
    """L'agrégateur déclaré dans la fiche et l'acteur direct le plus relié, comparés.

    L'agrégateur « central » est l'acteur direct (hors acheteurs finaux) qui a le plus de
    partenaires d'affaires distincts, vendeurs ou acheteurs ; à égalité, le plus petit ``id``.
    Clés : ``declare``, ``nom_declare``, ``partenaires_declare``, ``central``, ``nom_central``,
    ``partenaires_central``, ``concordance`` (None si l'un manque), ``cas`` (``concordance``,
    ``divergence``, ``declare_sans_relation``, ``central_seul`` ou ``aucun``) et ``classement``
    (tableau ``id``, ``nom``, ``maillon``, ``nb_partenaires``).
    """
    classement = _classement_agregateurs(cluster)
    noms = _noms(cluster)
    declare = cluster.fiche.agregateur or None
    partenaires = _partenaires(_affaires(cluster.relations))
    nb_declare = int(partenaires.get(declare, 0)) if declare else None
    central = str(classement["id"].iloc[0]) if not classement.empty else None
    nb_central = int(classement["nb_partenaires"].iloc[0]) if central else None
    concordance = (declare == central) if declare and central else None
    if declare and central:
        cas = "concordance" if concordance else "divergence"
    elif declare:
        cas = "declare_sans_relation"
    elif central:
        cas = "central_seul"
    else:
        cas = "aucun"
    return {
        "declare": declare,
        "nom_declare": noms.get(declare) if declare else None,
        "partenaires_declare": nb_declare,
        "central": central,
        "nom_central": noms.get(central) if central else None,
        "partenaires_central": nb_central,
        "concordance": concordance,
        "cas": cas,
        "classement": classement,
    }


def _agregateur_retenu(cluster: Cluster) -> tuple[str | None, str | None]:
    """L'agrégateur déclaré, sinon l'acteur direct le plus relié ; avec son origine."""
    if cluster.fiche.agregateur:
        return cluster.fiche.agregateur, "declare"
    classement = _classement_agregateurs(cluster)
    if classement.empty:
        return None, None
    return str(classement["id"].iloc[0]), "central"


# --- Dépendance --------------------------------------------------------------------------


def _niveau_concentration(hhi: float | None) -> str | None:
    if hhi is None:
        return None
    reglages = _ref()["dependance"]
    if hhi >= reglages["hhi_fort"]:
        return reglages["niveaux"]["forte"]
    if hhi >= reglages["hhi_modere"]:
        return reglages["niveaux"]["moderee"]
    return reglages["niveaux"]["faible"]


def _concentration(flux: pd.DataFrame, colonne_partenaire: str) -> dict[str, Any]:
    """Parts des partenaires dans des flux (une unité : la plus fréquente) et indice de Herfindahl."""
    vide = {"unite": None, "volume": None, "nb": 0, "principal": None, "part_principal": None, "hhi": None,
            "ignorees": len(flux), "parts": pd.Series(dtype="float64")}
    connus = flux[flux["volume"].notna()]
    if connus.empty:
        return vide
    unites = connus["unite"].fillna("")
    comptes = unites.value_counts()
    maximum = comptes.max()
    unite = sorted(u for u, n in comptes.items() if n == maximum)[0]
    retenus = connus[unites == unite]
    volumes = retenus.groupby(colonne_partenaire)["volume"].sum()
    total = float(volumes.sum())
    if total <= 0:
        return vide
    parts = (volumes / total).sort_index()
    parts = parts.sort_values(ascending=False, kind="stable")
    return {
        "unite": unite or None,
        "volume": total,
        "nb": len(parts),
        "principal": str(parts.index[0]),
        "part_principal": float(parts.iloc[0]),
        "hhi": float((parts**2).sum()),
        "ignorees": len(flux) - len(retenus),
        "parts": parts,
    }


def dependance(cluster: Cluster, acteur: str | None = None) -> dict[str, Any]:
    """Dépendance de l'agrégateur envers ses fournisseurs et ses acheteurs.

    Pour l'agrégateur déclaré (à défaut l'acteur direct le plus relié, ou ``acteur``) :
    part de son approvisionnement (relations produit reçues, en volume) venant du premier
    fournisseur, et indice de Herfindahl (somme des carrés des parts, de 0 à 1) de ses
    fournisseurs et de ses acheteurs. Seules les relations dans l'unité la plus fréquente
    comptent ; les autres et celles sans volume sont comptées dans ``relations_ignorees``.
    Le tableau ``parts`` donne ``sens`` (approvisionnement ou ventes), ``partenaire``,
    ``nom``, ``volume``, ``unite`` et ``part`` ; ``nom_principal_fournisseur`` et
    ``nom_principal_acheteur`` nomment les premiers partenaires (l'identifiant à défaut de nom).
    """
    reglages = _ref()["dependance"]
    if acteur is None:
        acteur, origine = _agregateur_retenu(cluster)
    else:
        origine = "choisi"
    noms = _noms(cluster)
    resultat: dict[str, Any] = {
        "agregateur": acteur, "nom": noms.get(acteur) if acteur else None, "origine": origine,
        "unite_approvisionnement": None, "volume_approvisionnement": None, "nb_fournisseurs": 0,
        "principal_fournisseur": None, "part_principal_fournisseur": None, "hhi_fournisseurs": None,
        "niveau_fournisseurs": None,
        "unite_ventes": None, "volume_ventes": None, "nb_acheteurs": 0, "principal_acheteur": None,
        "part_principal_acheteur": None, "hhi_acheteurs": None, "niveau_acheteurs": None,
        "relations_ignorees": 0,
        "parts": pd.DataFrame(columns=["sens", "partenaire", "nom", "volume", "unite", "part"]),
        "nom_principal_fournisseur": None, "nom_principal_acheteur": None,
    }
    if acteur is None:
        return resultat
    rel = cluster.relations
    appro = _concentration(rel[(rel["cible"] == acteur) & rel["type"].isin(reglages["types_approvisionnement"])],
                           "source")
    ventes = _concentration(rel[(rel["source"] == acteur) & rel["type"].isin(reglages["types_ventes"])], "cible")
    lignes = []
    for sens, c in (("approvisionnement", appro), ("ventes", ventes)):
        for partenaire, part in c["parts"].items():
            lignes.append({"sens": sens, "partenaire": partenaire, "nom": noms.get(partenaire),
                           "volume": float(part * c["volume"]), "unite": c["unite"], "part": float(part)})
    resultat.update(
        unite_approvisionnement=appro["unite"], volume_approvisionnement=appro["volume"],
        nb_fournisseurs=appro["nb"], principal_fournisseur=appro["principal"],
        part_principal_fournisseur=appro["part_principal"], hhi_fournisseurs=appro["hhi"],
        niveau_fournisseurs=_niveau_concentration(appro["hhi"]),
        unite_ventes=ventes["unite"], volume_ventes=ventes["volume"], nb_acheteurs=ventes["nb"],
        principal_acheteur=ventes["principal"], part_principal_acheteur=ventes["part_principal"],
        hhi_acheteurs=ventes["hhi"], niveau_acheteurs=_niveau_concentration(ventes["hhi"]),
        relations_ignorees=appro["ignorees"] + ventes["ignorees"],
        nom_principal_fournisseur=noms.get(appro["principal"], appro["principal"]) if appro["principal"] else None,
        nom_principal_acheteur=noms.get(ventes["principal"], ventes["principal"]) if ventes["principal"] else None,
        parts=pd.DataFrame(lignes, columns=["sens", "partenaire", "nom", "volume", "unite", "part"]),
    )
    return resultat


# --- Étapes de la chaîne -----------------------------------------------------------------


def maillons_manquants(cluster: Cluster) -> pd.DataFrame:
    """Les étapes de la chaîne (intrants, production, agrégation, accès au marché) et leur état.

    Une étape est ``absent`` quand aucun acteur n'en relève, ``non_relie`` quand ses acteurs
    n'ont aucune relation produit ou intrants vers un acteur de l'étape suivante, sinon
    ``present``. Colonnes : ``etape``, ``libelle``, ``maillons``, ``nb_acteurs``,
    ``etape_suivante``, ``nb_liens_suivante``, ``statut``.
    """
    ref = _ref()
    etapes = ref["etapes"]
    types_lien = ref["types_lien_etapes"]
    acteurs = cluster.acteurs
    rel = cluster.relations[cluster.relations["type"].isin(types_lien)]
    maillon_de = _maillon_de(cluster)
    etape_de = {m: e["code"] for e in etapes for m in e["maillons"]}
    sources = rel["source"].map(maillon_de).map(etape_de)
    cibles = rel["cible"].map(maillon_de).map(etape_de)
    lignes = []
    for k, etape in enumerate(etapes):
        nb = int(acteurs["maillon"].isin(etape["maillons"]).sum())
        suivante = etapes[k + 1] if k + 1 < len(etapes) else None
        liens = int(((sources == etape["code"]) & (cibles == suivante["code"])).sum()) if suivante else None
        if nb == 0:
            statut = "absent"
        elif suivante is not None and liens == 0:
            statut = "non_relie"
        else:
            statut = "present"
        lignes.append({
            "etape": etape["code"],
            "libelle": etape["libelle"],
            "maillons": list(etape["maillons"]),
            "nb_acteurs": nb,
            "etape_suivante": suivante["code"] if suivante else None,
            "nb_liens_suivante": liens,
            "statut": statut,
        })
    return pd.DataFrame(lignes)


# --- Contractualisation ------------------------------------------------------------------


def contractualisation(cluster: Cluster) -> dict[str, Any]:
    """Taux de contractualisation et de respect des contrats, pour le cluster et par paire de maillons.

    ``taux_contractualisation`` = relations d'affaires (produit, intrants, équipement,
    service, crédit) sous contrat écrit / toutes les relations d'affaires ;
    ``taux_respect`` = moyenne de ``respect`` / 100 sur les relations sous contrat écrit
    ou verbal qui le renseignent. None quand le dénominateur est nul. ``par_paire`` donne
    les mêmes taux pour chaque paire (maillon de la source, maillon de la cible).
    """
    table = table_relations(cluster)
    affaires = table[table["commerciale"]]
    avec_respect = table[table["contrat"].isin(["ecrit", "verbal"]) & table["respect"].notna()]
    nb = len(affaires)
    nb_ecrit = int(affaires["contrat"].eq("ecrit").sum())
    resultat: dict[str, Any] = {
        "taux_contractualisation": nb_ecrit / nb if nb else None,
        "taux_respect": float(avec_respect["respect"].mean()) / 100 if len(avec_respect) else None,
        "nb_relations_affaires": nb,
        "nb_ecrit": nb_ecrit,
        "nb_verbal": int(affaires["contrat"].eq("verbal").sum()),
        "nb_aucun": int(affaires["contrat"].eq("aucun").sum()),
        "nb_respect": len(avec_respect),
    }
    colonnes = ["maillon_source", "maillon_cible", "nb_relations", "nb_affaires", "nb_ecrit", "nb_verbal",
                "nb_aucun", "taux_contractualisation", "nb_respect", "taux_respect"]
    if table.empty:
        resultat["par_paire"] = pd.DataFrame(columns=colonnes)
    else:
        t = table.assign(
            affaire=table["commerciale"].astype("int64"),
            ecrit=(table["commerciale"] & table["contrat"].eq("ecrit")).astype("int64"),
            verbal=(table["commerciale"] & table["contrat"].eq("verbal")).astype("int64"),
            aucun=(table["commerciale"] & table["contrat"].eq("aucun")).astype("int64"),
            respect_retenu=table["respect"].where(table["contrat"].isin(["ecrit", "verbal"])),
        )
        paires = t.groupby(["maillon_source", "maillon_cible"], sort=True).agg(
            nb_relations=("type", "size"), nb_affaires=("affaire", "sum"), nb_ecrit=("ecrit", "sum"),
            nb_verbal=("verbal", "sum"), nb_aucun=("aucun", "sum"), nb_respect=("respect_retenu", "count"),
            respect_moyen=("respect_retenu", "mean"),
        ).reset_index()
        paires["taux_contractualisation"] = (paires["nb_ecrit"] / paires["nb_affaires"]).where(
            paires["nb_affaires"] > 0)
        paires["taux_respect"] = paires["respect_moyen"] / 100
        resultat["par_paire"] = paires[colonnes]
    return resultat


# --- Acteurs isolés, appui, femmes -------------------------------------------------------


def acteurs_isoles(cluster: Cluster) -> pd.DataFrame:
    """Les acteurs qui n'ont aucune relation (ni comme source ni comme cible).

    Colonnes : ``id``, ``nom``, ``maillon``, ``commune``.
    """
    rel = cluster.relations
    isoles = cluster.acteurs[~(cluster.acteurs["id"].isin(rel["source"]) | cluster.acteurs["id"].isin(rel["cible"]))]
    return isoles[["id", "nom", "maillon", "commune"]].reset_index(drop=True)


def couverture_appui(cluster: Cluster) -> pd.DataFrame:
    """Pour chaque maillon direct présent, les relations d'appui reçues (conseil, crédit, information).

    Colonnes : ``maillon``, ``libelle``, ``nb_acteurs``, une colonne par type d'appui
    (nombre de relations reçues), ``acteurs_appuyes`` (acteurs qui en reçoivent au moins
    une), ``part_acteurs_appuyes`` et ``couvert`` (faux quand le maillon ne reçoit rien).
    Les acheteurs finaux (maillon marché) ne sont pas concernés.
    """
    reglages = _ref()["appui"]
    types = list(reglages["types"])
    acteurs = cluster.acteurs
    rel = cluster.relations[cluster.relations["type"].isin(types)]
    maillon_de = _maillon_de(cluster)
    recues = pd.DataFrame({"cible": rel["cible"], "maillon": rel["cible"].map(maillon_de), "type": rel["type"]})
    lignes = []
    for maillon in _maillons_directs():
        if maillon in reglages["maillons_sans_appui_attendu"]:
            continue
        ids = acteurs.loc[acteurs["maillon"] == maillon, "id"]
        if ids.empty:
            continue
        du_maillon = recues[recues["maillon"] == maillon]
        ligne: dict[str, Any] = {"maillon": maillon, "libelle": referentiel.libelle("maillons", maillon),
                                 "nb_acteurs": len(ids)}
        for t in types:
            ligne[t] = int(du_maillon["type"].eq(t).sum())
        appuyes = du_maillon["cible"].nunique()
        ligne["acteurs_appuyes"] = int(appuyes)
        ligne["part_acteurs_appuyes"] = appuyes / len(ids)
        ligne["couvert"] = bool(appuyes > 0)
        lignes.append(ligne)
    colonnes = ["maillon", "libelle", "nb_acteurs", *types, "acteurs_appuyes", "part_acteurs_appuyes", "couvert"]
    return pd.DataFrame(lignes, columns=colonnes)


def part_femmes(cluster: Cluster) -> pd.DataFrame:
    """Effectif, femmes et part des femmes par maillon (dans l'ordre du référentiel).

    La part ne compte que les acteurs dont l'effectif et le nombre de femmes sont connus ;
    ``acteurs_sans_effectif`` dit combien n'ont pas pu compter. Colonnes : ``maillon``,
    ``libelle``, ``nb_acteurs``, ``effectif``, ``femmes``, ``part_femmes``,
    ``acteurs_sans_effectif``.
    """
    acteurs = cluster.acteurs
    connus = acteurs["effectif"].notna() & acteurs["femmes"].notna()
    lignes = []
    for maillon in referentiel.codes("maillons"):
        du_maillon = acteurs["maillon"] == maillon
        if not du_maillon.any():
            continue
        retenus = acteurs[du_maillon & connus]
        effectif = int(retenus["effectif"].sum())
        femmes = int(retenus["femmes"].sum())
        lignes.append({
            "maillon": maillon,
            "libelle": referentiel.libelle("maillons", maillon),
            "nb_acteurs": int(du_maillon.sum()),
            "effectif": effectif,
            "femmes": femmes,
            "part_femmes": femmes / effectif if effectif else float("nan"),
            "acteurs_sans_effectif": int((du_maillon & ~connus).sum()),
        })
    colonnes = ["maillon", "libelle", "nb_acteurs", "effectif", "femmes", "part_femmes", "acteurs_sans_effectif"]
    return pd.DataFrame(lignes, columns=colonnes)


# --- Synthèses --------------------------------------------------------------------------


def synthese_reseau(cluster: Cluster) -> dict[str, Any]:
    """Les chiffres du réseau repris dans le rapport (valeurs Python simples, None si non calculable).

    Clés : ``nb_acteurs``, ``nb_relations``, ``agregateur`` (déclaré), ``agregateur_central``
    (calculé), ``taux_contractualisation``, ``taux_respect``, ``maillons_manquants`` (codes
    des étapes absentes ou non reliées) et ``acteurs_isoles`` (identifiants).
    """
    contrats = contractualisation(cluster)
    etapes = maillons_manquants(cluster)
    return {
        "nb_acteurs": len(cluster.acteurs),
        "nb_relations": len(cluster.relations),
        "agregateur": cluster.fiche.agregateur or None,
        "agregateur_central": agregateur(cluster)["central"],
        "taux_contractualisation": _flottant(contrats["taux_contractualisation"]),
        "taux_respect": _flottant(contrats["taux_respect"]),
        "maillons_manquants": [str(e) for e in etapes.loc[etapes["statut"] != "present", "etape"]],
        "acteurs_isoles": [str(i) for i in acteurs_isoles(cluster)["id"]],
    }


def diagnostic_reseau(cluster: Cluster) -> dict[str, Any]:
    """Tous les diagnostics du réseau d'un coup (pour les notebooks, le rapport et les mesures)."""
    from clusterlib.analyses.reseau.prealables import prealables

    return {
        "vide": reseau_vide(cluster),
        "prealables": prealables(cluster),
        "maillons_manquants": maillons_manquants(cluster),
        "contractualisation": contractualisation(cluster),
        "agregateur": agregateur(cluster),
        "dependance": dependance(cluster),
        "acteurs_isoles": acteurs_isoles(cluster),
        "couverture_appui": couverture_appui(cluster),
        "part_femmes": part_femmes(cluster),
    }


