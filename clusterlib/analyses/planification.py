"""Les tableaux de l'atelier de planification et le suivi du plan d'actions.

Après le diagnostic, le cluster se réunit en atelier (section 4.3.4 du guide) et remplit une
série de tableaux : la synthèse des informations (tableau 7), les forces et faiblesses par
maillon et par relation (tableau 8), la vision avec ses opportunités et menaces (tableau 9),
les changements souhaités (tableau 10) et les actions prioritaires (tableau 11). Ce module
prépare ces tableaux à partir des données du cluster, pour que l'atelier parte de ce qui est
déjà connu, ou vierges, pour être imprimés. Les données n'ont ni vision ni conditions de
réalisation : ces cases restent à remplir et le tableau le dit.

Il calcule ensuite l'avancement du plan à une date de référence (réalisé, en cours, en
retard, prévu, abandonné), le budget prévu et dépensé, les indicateurs visés et atteints, et
le tableau de la revue de campagne (section 4.3.6, tableau 13) qui dit ce qui a changé depuis
la revue précédente.

Toutes les fonctions sont pures : elles ne modifient ni le cluster ni les tableaux reçus.
La structure des tableaux (rubriques, lignes, correspondance avec les maillons) est dans
``referentiel/planification.yml``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.presentation.dates import mois_court
from clusterlib.presentation.echappement import retirer_neutralisation, styler_echappe
from clusterlib.presentation.format_fr import fcfa_auto, nombre, pourcentage, uuid_stable
from clusterlib.referentiel import regles

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from clusterlib.donnees.modele import Cluster

__all__ = [
    "A_COMPLETER",
    "ETATS",
    "ErreurPlanification",
    "TableauAtelier",
    "actions_prioritaires",
    "avancement",
    "budget_plan",
    "changements_souhaites",
    "evolution_ffom",
    "evolution_notes",
    "fin_campagne",
    "forces_faiblesses",
    "indicateurs_plan",
    "libelle_etat",
    "lire_date",
    "lire_plan_precedent",
    "maillon_agregateur",
    "periode",
    "resume_avancement",
    "revue_campagne",
    "style_tableau",
    "suivi_campagne",
    "synthese_informations",
    "tableau_suivi",
    "tableaux_atelier",
    "tableaux_vierges",
    "vision_opportunites_menaces",
]


class ErreurPlanification(ValueError):
    """Un paramètre du suivi est inutilisable (date illisible, dépense négative…) ; message en français."""


def _ref() -> dict[str, Any]:
    return referentiel.lire("planification.yml")


ETATS: tuple[str, ...] = tuple(e["code"] for e in _ref()["etats"])
"""Les états d'une action à une date de référence, dans l'ordre de présentation."""

A_COMPLETER: str = _ref()["tableaux"]["tableau_7"]["a_completer"]
"""Ce qu'on écrit dans une case que les données ne permettent pas de remplir."""
_A_COMPLETER = A_COMPLETER


def libelle_etat(code: str) -> str:
    """Le libellé français d'un état d'action (``en_retard`` → « En retard »)."""
    for etat in _ref()["etats"]:
        if etat["code"] == code:
            return etat["libelle"]
    return code


@dataclass(frozen=True)
class TableauAtelier:
    """Un tableau de l'atelier : ses données, le libellé de ses colonnes et une note pour le lecteur.

    ``donnees`` a des colonnes en codes (``forces``, ``faiblesses``…) ; ``colonnes`` donne leur
    libellé à l'impression ; ``note`` dit d'où viennent les informations et ce qui reste à
    remplir en atelier ; ``vierge`` vaut vrai pour un modèle à imprimer.
    """

    code: str
    numero: int | None
    titre: str
    source: str
    donnees: pd.DataFrame
    colonnes: dict[str, str]
    note: str = ""
    vierge: bool = False
    largeurs: dict[str, float] = field(default_factory=dict)
    intertitre: str | None = None
    """Colonne dont la valeur devient un intertitre à l'impression (``partie``, ``rubrique``)."""

    @property
    def intitule(self) -> str:
        """« Tableau 8 : Forces et faiblesses du cluster »."""
        return f"Tableau {self.numero} : {self.titre}" if self.numero else self.titre

    def pour_affichage(self) -> pd.DataFrame:
        """Les données avec les libellés de colonnes (sans colonnes techniques ; l'intertitre en tête)."""
        garder = [c for c in self.colonnes if c in self.donnees.columns]
        libelles = dict(self.colonnes)
        if self.intertitre:
            garder = [self.intertitre, *garder]
            libelles[self.intertitre] = _ref()["tableaux"][self.code]["colonnes"][self.intertitre]
        return self.donnees[garder].rename(columns=libelles)


# --- Outils communs ----------------------------------------------------------------------------


def _texte(valeur: Any) -> str:
    if valeur is None or valeur is pd.NA:
        return ""
    if isinstance(valeur, float) and math.isnan(valeur):
        return ""
    return str(valeur).strip()


def _lib_maillon(code: str) -> str:
    if code == "cluster":
        return "Ensemble du cluster"
    courts = _ref().get("libelles_courts") or {}
    return courts.get(code) or referentiel.libelle("maillons", code)


def _lib_objet(objet: str) -> str:
    """« producteur/transformateur » → « Producteur / Transformateur »."""
    return " / ".join(_lib_maillon(p) for p in objet.split("/"))


def maillon_agregateur(cluster: Cluster | None) -> str:
    """Le maillon de l'agrégateur du cluster (transformateur s'il n'y a pas d'agrégateur connu)."""
    defaut = _ref()["maillon_agregateur_par_defaut"]
    if cluster is None or not cluster.fiche.agregateur:
        return defaut
    ligne = cluster.acteurs[cluster.acteurs["id"] == cluster.fiche.agregateur]
    return str(ligne["maillon"].iloc[0]) if len(ligne) else defaut


def _cle_objet(objet: str) -> str:
    """Forme canonique d'un objet : maillon seul, ou paire triée « a/b »."""
    morceaux = [referentiel.cle_normalisee(p) for p in str(objet).split("/") if p.strip()]
    return "/".join(sorted(morceaux)) if len(morceaux) > 1 else (morceaux[0] if morceaux else "")


def _motif_correspond(motif: str, cle: str, agregateur: str) -> bool:
    parties_motif = [agregateur if p == "agregateur" else p for p in motif.split("/")]
    parties = cle.split("/")
    if len(parties_motif) != len(parties):
        return False
    if len(parties) == 1:
        return parties_motif[0] in ("*", parties[0])
    a, b = parties_motif
    x, y = parties
    return ((a in ("*", x)) and (b in ("*", y))) or ((a in ("*", y)) and (b in ("*", x)))


def _affecter(objets: Sequence[str], parties: list[dict[str, Any]], agregateur: str) -> pd.DataFrame:
    """Range des objets (maillons, paires) dans les lignes d'un tableau du guide.

    Renvoie une ligne par ligne du tableau (et des lignes « autres » pour les objets non cités),
    avec les colonnes ``partie`` (libellé), ``ligne`` (libellé), ``objets`` (liste de clés).
    """
    cles = list(dict.fromkeys(_cle_objet(o) for o in objets if _texte(o)))
    lignes: list[dict[str, Any]] = [
        {"partie": p["libelle"], "code_partie": p["code"], "ligne": lg["libelle"], "objets": []}
        for p in parties for lg in p["lignes"]
    ]
    motifs = [(i, lg["objets"]) for i, lg in enumerate(lp for p in parties for lp in p["lignes"])]
    restants: list[str] = []
    for cle in cles:
        for i, liste in motifs:
            if any(_motif_correspond(m, cle, agregateur) for m in liste):
                lignes[i]["objets"].append(cle)
                break
        else:
            restants.append(cle)
    for cle in restants:
        niveau = "maillons" if "/" not in cle and cle != "cluster" else None
        partie = next(
            (p for p in parties if (p["code"] == "maillons") == (niveau == "maillons") and p["code"] != "cluster"),
            parties[-1],
        )
        if cle == "cluster":
            partie = next((p for p in parties if p["code"] == "cluster"), parties[-1])
        position = max(i for i, lg in enumerate(lignes) if lg["code_partie"] == partie["code"]) + 1
        lignes.insert(position, {"partie": partie["libelle"], "code_partie": partie["code"],
                                 "ligne": f"{partie['autres']} : {_lib_objet(cle)}", "objets": [cle]})
    return pd.DataFrame(lignes)


def _puces(elements: Sequence[str]) -> str:
    return "\n".join(f"• {e}" for e in elements if e)


def _mois(texte: Any) -> pd.Period | None:
    t = _texte(texte)
    if not t:
        return None
    try:
        return pd.Period(t, freq="M")
    except (ValueError, TypeError):
        return None


def periode(debut: Any, fin: Any) -> str:
    """La période d'une action en clair : ``("2025-10", "2026-01")`` → « oct. 2025 – janv. 2026 »."""
    d, f = _mois(debut), _mois(fin)

    def ecrire(p: pd.Period) -> str:
        return mois_court(p.month, p.year)

    if d is None and f is None:
        return ""
    if d is None or f is None:
        return ("à partir de " + ecrire(d)) if d is not None else ("jusqu'à " + ecrire(f))
    return ecrire(d) if d == f else f"{ecrire(d)} – {ecrire(f)}"


def _cle_id(ident: Any) -> tuple[Any, ...]:
    """Tri naturel des identifiants : A2 avant A10."""
    return tuple(int(m) if m.isdigit() else m for m in re.split(r"(\d+)", str(ident)))


def _campagne(cluster: Cluster, campagne: str | None) -> str:
    return campagne or cluster.campagne


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


# --- Suivi du plan d'actions ---------------------------------------------------------------------


def lire_date(valeur: Any = None) -> dt.date:
    """Une date de référence : ``date``, ``datetime``, ``Timestamp`` ou texte « AAAA-MM-JJ ».

    ``None`` donne la date du jour.
    """
    if valeur is None:
        return dt.date.today()
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    if isinstance(valeur, pd.Timestamp):
        return valeur.date()
    texte = str(valeur).strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", texte)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ErreurPlanification(
        f"date de référence « {texte} » illisible ; attendu : une date au format AAAA-MM-JJ, par exemple 2026-02-15"
    )


def _plan(source: Cluster | pd.DataFrame | None) -> pd.DataFrame | None:
    if source is None or isinstance(source, pd.DataFrame):
        return source
    return source.plan_actions


_COLONNES_AVANCEMENT = [
    "id", "action", "objet", "responsable", "debut", "fin", "periode", "statut", "etat", "mois_retard",
    "non_demarree", "avancement_temps", "budget", "indicateur", "cible", "realise", "taux_realisation",
]


def avancement(plan: Cluster | pd.DataFrame | None, date_reference: Any = None) -> pd.DataFrame:
    """L'état de chaque action du plan à la date de référence.

    ``etat`` vaut ``realisee`` ou ``abandonnee`` selon le statut saisi ; une action ni
    réalisée ni abandonnée est ``en_retard`` si son mois de fin est entièrement écoulé à la
    date de référence, sinon ``en_cours`` ou ``prevue`` selon son statut. Autres colonnes :
    ``mois_retard`` (mois écoulés depuis la fin prévue, pour les actions en retard),
    ``non_demarree`` (action prévue dont le mois de début est passé), ``avancement_temps``
    (part de la période écoulée, en %), ``taux_realisation`` (réalisé / cible, en %).
    Un plan absent ou vide donne un tableau vide.
    """
    ref = lire_date(date_reference)
    plan = _plan(plan)
    if plan is None or plan.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in _COLONNES_AVANCEMENT})
    mois_ref = pd.Period(ref, freq="M")
    lignes = []
    for _, lg in plan.iterrows():
        debut, fin = _mois(lg["debut"]), _mois(lg["fin"])
        statut = _texte(lg["statut"])
        etat = statut
        retard: Any = pd.NA
        if statut in ("prevue", "en_cours") and fin is not None and mois_ref > fin:
            etat = "en_retard"
            retard = (mois_ref - fin).n
        non_demarree = statut == "prevue" and debut is not None and debut <= mois_ref
        temps: float = math.nan
        if debut is not None and fin is not None:
            t0 = debut.start_time.date()
            t1 = (fin + 1).start_time.date()
            temps = min(100.0, max(0.0, 100 * (ref - t0).days / max(1, (t1 - t0).days)))
        cible, realise = lg["cible"], lg["realise"]
        taux = 100 * realise / cible if pd.notna(cible) and pd.notna(realise) and cible > 0 else math.nan
        lignes.append({
            "id": _texte(lg["id"]), "action": _texte(lg["action"]), "objet": _texte(lg["objet"]),
            "responsable": _texte(lg["responsable"]) or "(non précisé)", "debut": _texte(lg["debut"]),
            "fin": _texte(lg["fin"]), "periode": periode(lg["debut"], lg["fin"]), "statut": statut, "etat": etat,
            "mois_retard": retard, "non_demarree": non_demarree, "avancement_temps": temps, "budget": lg["budget"],
            "indicateur": _texte(lg["indicateur"]), "cible": cible, "realise": realise, "taux_realisation": taux,
        })
    cadre = pd.DataFrame(lignes, columns=_COLONNES_AVANCEMENT)
    cadre["mois_retard"] = cadre["mois_retard"].astype("Int64")
    for c in ("avancement_temps", "budget", "cible", "realise", "taux_realisation"):
        cadre[c] = cadre[c].astype("float64")
    cadre["non_demarree"] = cadre["non_demarree"].astype("bool")
    return cadre


def resume_avancement(avancement_plan: pd.DataFrame) -> pd.DataFrame:
    """Nombre d'actions, part et budget par état (dans l'ordre réalisée, en cours, en retard, prévue, abandonnée).

    Colonnes ``etat``, ``libelle``, ``nb_actions``, ``part`` (% des actions), ``budget`` (FCFA).
    Une dernière ligne ``total`` additionne le tout.
    """
    lignes = []
    total = len(avancement_plan)
    for code in ETATS:
        choix = avancement_plan[avancement_plan["etat"] == code]
        lignes.append({
            "etat": code, "libelle": libelle_etat(code), "nb_actions": len(choix),
            "part": 100 * len(choix) / total if total else math.nan,
            "budget": float(choix["budget"].sum()) if len(choix) else 0.0,
        })
    lignes.append({"etat": "total", "libelle": "Total", "nb_actions": total, "part": 100.0 if total else math.nan,
                   "budget": float(avancement_plan["budget"].sum()) if total else 0.0})
    cadre = pd.DataFrame(lignes)
    cadre["nb_actions"] = cadre["nb_actions"].astype("int64")
    return cadre


def budget_plan(
    plan: Cluster | pd.DataFrame | None, depenses: Mapping[str, float] | pd.DataFrame | None = None
) -> pd.DataFrame:
    """Budget prévu et, quand on les donne, dépenses engagées par action.

    ``depenses`` : ``{id: montant}`` ou tableau à colonnes ``id`` et ``depense`` (en FCFA). Le
    format des données n'a pas encore de colonne de dépense : on la saisit à part. Colonnes
    ``id``, ``action``, ``responsable``, ``budget``, ``depense``, ``ecart`` (dépensé − prévu),
    ``taux_execution`` (%). Une action sans dépense connue garde ``depense`` vide.
    """
    plan = _plan(plan)
    colonnes = ["id", "action", "responsable", "budget", "depense", "ecart", "taux_execution"]
    if plan is None or plan.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in colonnes})
    if isinstance(depenses, pd.DataFrame):
        manquantes = {"id", "depense"} - set(depenses.columns)
        if manquantes:
            raise ErreurPlanification(
                f"tableau des dépenses : colonne(s) {', '.join(sorted(manquantes))} absente(s) ; "
                "attendu : id et depense"
            )
        depenses = dict(zip(depenses["id"].astype(str), depenses["depense"], strict=True))
    depenses = dict(depenses or {})
    ids = set(plan["id"].astype(str))
    inconnues = sorted(set(map(str, depenses)) - ids, key=_cle_id)
    if inconnues:
        raise ErreurPlanification(
            f"dépenses : action(s) {', '.join(inconnues)} absente(s) du plan d'actions ; "
            "attendu : un id de plan_actions"
        )
    for ident, montant in depenses.items():
        if montant is None or (isinstance(montant, float) and math.isnan(montant)):
            continue
        if not isinstance(montant, (int, float)) or montant < 0:
            raise ErreurPlanification(
                f"dépense de l'action {ident} : « {montant} » invalide ; attendu : un montant positif en FCFA"
            )
    cadre = pd.DataFrame({
        "id": plan["id"].astype("str"), "action": plan["action"].astype("str"),
        "responsable": plan["responsable"].fillna("(non précisé)").astype("str"),
        "budget": plan["budget"].astype("float64"),
    })
    cadre["depense"] = cadre["id"].map(lambda i: depenses.get(i, math.nan)).astype("float64")
    cadre["ecart"] = cadre["depense"] - cadre["budget"]
    cadre["taux_execution"] = 100 * cadre["depense"] / cadre["budget"].where(cadre["budget"] > 0)
    return cadre.reset_index(drop=True)


def indicateurs_plan(avancement_plan: pd.DataFrame) -> pd.DataFrame:
    """Les indicateurs des actions : ``id``, ``indicateur``, ``cible``, ``realise``, ``taux_realisation``, ``etat``.

    Seules les actions qui ont un indicateur et une cible sont gardées.
    """
    colonnes = ["id", "action", "indicateur", "cible", "realise", "taux_realisation", "etat"]
    if avancement_plan.empty:
        return avancement_plan.reindex(columns=colonnes)
    choix = avancement_plan[(avancement_plan["indicateur"] != "") & avancement_plan["cible"].notna()]
    return choix[colonnes].reset_index(drop=True)


# --- Revue de campagne (tableau 13) -------------------------------------------------------------


def _fenetre_campagne(campagne: str) -> tuple[pd.Period, pd.Period]:
    normale = regles.campagne(campagne)
    if normale is None:
        raise ErreurPlanification(f"campagne « {campagne} » invalide ; attendu : {regles.campagne_attendue()}")
    mois = int(_ref()["mois_debut_campagne"])
    debut = pd.Period(year=int(normale[:4]), month=mois, freq="M")
    return debut, debut + 11


def fin_campagne(campagne: str) -> dt.date:
    """Le dernier jour d'une campagne ``AAAA-BBBB`` (elle commence au mois ``mois_debut_campagne``
    du référentiel et dure douze mois) : ``"2024-2025"`` → 31 mars 2025 avec un début en avril."""
    _debut, fin = _fenetre_campagne(campagne)
    return fin.end_time.date()


def _evolution_dates(lg: pd.Series, fenetre: tuple[pd.Period, pd.Period], campagne: str) -> str:
    d0, d1 = fenetre
    debut, fin = _mois(lg["debut"]), _mois(lg["fin"])
    faits = []
    if lg["etat"] == "realisee":
        if fin is not None and d0 <= fin <= d1:
            faits.append(f"Réalisée pendant la campagne {campagne}")
        elif fin is not None and fin < d0:
            faits.append("Réalisée lors d'une campagne précédente")
        else:
            faits.append("Réalisée")
    elif lg["etat"] == "abandonnee":
        faits.append("Abandonnée")
    else:
        if debut is not None and d0 <= debut <= d1:
            faits.append(f"Nouvelle action de la campagne {campagne}")
        elif debut is not None and debut < d0:
            faits.append("Reportée d'une campagne précédente")
        if lg["etat"] == "en_retard":
            faits.append(f"en retard de {lg['mois_retard']} mois")
        if lg["non_demarree"]:
            faits.append("pas encore démarrée alors que son début est passé")
    return " ; ".join(faits)


def _evolution_snapshot(lg: pd.Series, avant: pd.DataFrame | None) -> str:
    if avant is None or lg["id"] not in set(avant["id"]):
        return "Nouvelle action depuis la revue précédente"
    p = avant[avant["id"] == lg["id"]].iloc[0]
    faits = []
    if _texte(p["statut"]) != lg["statut"]:
        faits.append(f"statut : {referentiel.libelle('statuts_action', _texte(p['statut'])).lower()} → "
                     f"{referentiel.libelle('statuts_action', lg['statut']).lower()}")
    r0, r1 = p["realise"], lg["realise"]
    if pd.notna(r1) and (pd.isna(r0) or r0 != r1):
        ecart = "" if pd.isna(r0) else f" ({'+' if r1 >= r0 else ''}{nombre(r1 - r0)})"
        faits.append(f"réalisé : {nombre(r0)} → {nombre(r1)}{ecart}")
    if _texte(p["fin"]) != lg["fin"]:
        faits.append(f"fin prévue : {periode(p['fin'], p['fin']) or '—'} → {periode(lg['fin'], lg['fin']) or '—'}")
    if not faits:
        return "Pas de changement"
    texte = " ; ".join(faits)
    return texte[0].upper() + texte[1:]


def suivi_campagne(
    plan: Cluster | pd.DataFrame | None,
    date_reference: Any = None,
    campagne: str | None = None,
    plan_precedent: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Le tableau de suivi des actions pour la revue de campagne (tableau 13 du guide).

    Une ligne par action : ``id``, ``action``, ``responsable``, ``periode``, ``etat``
    (libellé), ``indicateur``, ``cible``, ``realise``, ``taux_realisation``, ``evolution`` et une
    colonne ``observations`` vide pour la revue. ``evolution`` dit ce qui a changé depuis la
    revue précédente : comparaison action par action avec ``plan_precedent`` (la copie du plan
    gardée à la revue précédente) quand on la donne ; sinon, lecture des dates par rapport à la
    campagne (nouvelle action, réalisée pendant la campagne, reportée, en retard…). Les actions
    retirées du plan depuis la copie précédente sont ajoutées à la fin.
    """
    source_campagne = campagne
    if source_campagne is None and plan is not None and not isinstance(plan, pd.DataFrame):
        source_campagne = plan.campagne
    av = avancement(plan, date_reference)
    colonnes = ["id", "action", "responsable", "periode", "etat", "indicateur", "cible", "realise",
                "taux_realisation", "evolution", "observations"]
    if av.empty and plan_precedent is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in colonnes})
    if plan_precedent is None and source_campagne is None:
        raise ErreurPlanification(f"suivi de campagne : précisez la campagne ({regles.format_campagne()}) "
                                  "ou donnez le plan précédent")
    fenetre = _fenetre_campagne(source_campagne) if plan_precedent is None else None
    lignes = []
    for _, lg in av.iterrows():
        evolution = (_evolution_dates(lg, fenetre, source_campagne) if fenetre is not None
                     else _evolution_snapshot(lg, plan_precedent))
        lignes.append({**{c: lg[c] for c in colonnes if c in av.columns},
                       "etat": libelle_etat(lg["etat"]), "evolution": evolution, "observations": ""})
    if plan_precedent is not None and not plan_precedent.empty:
        for _, p in plan_precedent[~plan_precedent["id"].isin(set(av["id"]))].iterrows():
            lignes.append({
                "id": _texte(p["id"]), "action": _texte(p["action"]), "responsable": _texte(p["responsable"]),
                "periode": periode(p["debut"], p["fin"]), "etat": "Retirée du plan",
                "indicateur": _texte(p["indicateur"]), "cible": p["cible"], "realise": p["realise"],
                "taux_realisation": math.nan, "evolution": "Retirée du plan depuis la revue précédente",
                "observations": "",
            })
    cadre = pd.DataFrame(lignes, columns=colonnes)
    for c in ("cible", "realise", "taux_realisation"):
        cadre[c] = cadre[c].astype("float64")
    return cadre


def lire_plan_precedent(chemin: str | Path) -> pd.DataFrame:
    """Relit la copie d'un plan d'actions gardée lors d'une revue précédente (``plan_actions.csv``).

    Colonnes attendues : au moins ``id``, ``action``, ``statut``, ``debut``, ``fin``,
    ``realise`` ; les autres colonnes du format sont ajoutées vides si elles manquent. Le
    séparateur (virgule ou point-virgule) est reconnu. Message en français si le fichier
    manque ou s'il lui faut une colonne.
    """
    chemin = Path(chemin)
    if not chemin.exists():
        raise ErreurPlanification(f"copie du plan précédent introuvable : {chemin}")
    texte = chemin.read_bytes().decode("utf-8-sig", errors="replace")
    premiere = texte.splitlines()[0] if texte.strip() else ""
    separateur = ";" if premiere.count(";") > premiere.count(",") else ","
    cadre = pd.read_csv(chemin, sep=separateur, dtype="str", keep_default_na=False, encoding="utf-8-sig")
    cadre = cadre.map(retirer_neutralisation)
    cadre.columns = [str(c).strip() for c in cadre.columns]
    manquantes = [c for c in ("id", "action", "statut", "debut", "fin", "realise") if c not in cadre.columns]
    if manquantes:
        raise ErreurPlanification(f"{chemin.name} : colonne(s) {', '.join(manquantes)} absente(s) ; attendu : "
                                  "les colonnes de plan_actions (id, action, statut, debut, fin, realise…)")
    for c in referentiel.colonnes("plan_actions"):
        if c.nom not in cadre.columns:
            cadre[c.nom] = ""
    for c in ("budget", "cible", "realise"):
        valeurs = cadre[c].str.replace("\u202f", "").str.replace(" ", "").str.replace(",", ".")
        cadre[c] = pd.to_numeric(valeurs.replace("", None), errors="coerce").astype("float64")
    cadre["statut"] = cadre["statut"].map(referentiel.cle_normalisee)
    return cadre


def _campagne_precedente(campagnes: Sequence[str], campagne: str) -> str | None:
    avant = sorted(c for c in set(campagnes) if c < campagne)
    return avant[-1] if avant else None


def evolution_ffom(
    ffom: pd.DataFrame | None, campagne: str, campagne_precedente: str | None = None
) -> pd.DataFrame:
    """Ce qui a changé dans l'analyse FFOM entre deux campagnes.

    Compare les éléments (même maillon ou relation, même type, même texte à la casse et aux
    accents près) de ``campagne`` à ceux de ``campagne_precedente`` (par défaut la dernière
    campagne antérieure présente). Colonnes ``objet`` (libellé), ``type`` (libellé),
    ``description``, ``evolution`` (« nouveau » ou « plus cité »). Un élément « plus cité »
    n'est pas forcément réglé : la revue le vérifie.
    """
    colonnes = ["objet", "type", "description", "evolution", "campagne"]
    if ffom is None or ffom.empty:
        return pd.DataFrame(columns=colonnes).astype("str")
    precedente = campagne_precedente or _campagne_precedente(list(ffom["campagne"]), campagne)
    if precedente is None:
        return pd.DataFrame(columns=colonnes).astype("str")
    f = ffom.assign(cle=ffom["objet"].map(_cle_objet),
                    cle_texte=ffom["description"].map(referentiel.cle_normalisee))
    avant = f[f["campagne"] == precedente]
    apres = f[f["campagne"] == campagne]
    cles_avant = set(zip(avant["cle"], avant["type"], avant["cle_texte"], strict=True))
    cles_apres = set(zip(apres["cle"], apres["type"], apres["cle_texte"], strict=True))
    lignes = []
    for cadre, autres, texte, camp in ((apres, cles_avant, f"nouveau (absent en {precedente})", campagne),
                                       (avant, cles_apres, f"plus cité en {campagne}", precedente)):
        for _, lg in cadre.iterrows():
            if (lg["cle"], lg["type"], lg["cle_texte"]) not in autres:
                lignes.append({"objet": _lib_objet(lg["cle"]), "type": referentiel.libelle("types_ffom", lg["type"]),
                               "description": lg["description"], "evolution": texte, "campagne": camp})
    return pd.DataFrame(lignes, columns=colonnes).astype("str")


def evolution_notes(
    scores: pd.DataFrame | None, campagne: str, campagne_precedente: str | None = None
) -> pd.DataFrame:
    """Notes de la grille de fonctionnement d'une campagne à l'autre (moyenne des évaluateurs).

    Colonnes ``indicateur``, ``nom``, ``note_precedente``, ``note``, ``ecart`` ; seuls les
    indicateurs notés dans l'une des deux campagnes figurent.
    """
    colonnes = ["indicateur", "nom", "note_precedente", "note", "ecart"]
    if scores is None or scores.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c not in ("indicateur", "nom") else "str")
                             for c in colonnes})
    precedente = campagne_precedente or _campagne_precedente(list(scores["campagne"]), campagne)
    moyennes = scores.groupby(["campagne", "indicateur"])["score"].mean().astype("float64")
    ind = referentiel.indicateurs().set_index("indicateur")
    lignes = []
    for ident in ind.index:
        n1 = moyennes.get((campagne, ident), math.nan)
        n0 = moyennes.get((precedente, ident), math.nan) if precedente else math.nan
        if pd.isna(n0) and pd.isna(n1):
            continue
        lignes.append({"indicateur": ident, "nom": ind.loc[ident, "nom"], "note_precedente": n0, "note": n1,
                       "ecart": n1 - n0})
    return pd.DataFrame(lignes, columns=colonnes)


def revue_campagne(
    cluster: Cluster,
    date_reference: Any = None,
    campagne: str | None = None,
    plan_precedent: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """Tout ce que la revue de campagne examine, en tableaux.

    Clés : ``actions`` (:func:`suivi_campagne`), ``resume`` (:func:`resume_avancement`),
    ``ffom`` (:func:`evolution_ffom`) et ``notes`` (:func:`evolution_notes`), pour la campagne
    donnée (par défaut la campagne en cours du cluster).
    """
    camp = _campagne(cluster, campagne)
    return {
        "actions": suivi_campagne(cluster, date_reference, camp, plan_precedent),
        "resume": resume_avancement(avancement(cluster, date_reference)),
        "ffom": evolution_ffom(cluster.ffom, camp),
        "notes": evolution_notes(cluster.scores, camp),
    }


def tableau_suivi(suivi: pd.DataFrame | None = None, campagne: str | None = None) -> TableauAtelier:
    """Le tableau de suivi de la revue, prêt à imprimer (nombres écrits à la française).

    Sans ``suivi``, le modèle vierge (des lignes vides à remplir pendant la revue).
    """
    t = _ref()["tableaux"]["suivi"]
    titre = t["titre"] + (f" {campagne}" if campagne else "")
    colonnes = list(t["colonnes"])
    if suivi is None:
        vierge = pd.DataFrame([dict.fromkeys(colonnes, "") for _ in range(3 * _ref()["lignes_vierges"])],
                              columns=colonnes).astype("str")
        return TableauAtelier(code="suivi", numero=None, titre=titre, source=t["source"], donnees=vierge,
                              colonnes=dict(t["colonnes"]), note="Modèle vierge à remplir pendant la revue.",
                              vierge=True, largeurs=_LARGEURS_SUIVI)
    donnees = suivi.copy()
    for c in ("cible", "realise"):
        donnees[c] = [nombre(v) if pd.notna(v) else "" for v in donnees[c]]
    donnees["taux_realisation"] = [nombre(v) if pd.notna(v) else "" for v in donnees["taux_realisation"]]
    donnees = donnees.astype("str")
    note = ("« Depuis la revue précédente » compare chaque action à la copie du plan gardée lors de la revue "
            "précédente, ou, sans cette copie, lit ses dates par rapport à la campagne. La colonne des observations "
            "se remplit pendant la revue.")
    return TableauAtelier(code="suivi", numero=None, titre=titre, source=t["source"], donnees=donnees,
                          colonnes=dict(t["colonnes"]), note=note, vierge=False, largeurs=_LARGEURS_SUIVI)


_LARGEURS_SUIVI = {"id": 1.3, "action": 5.0, "responsable": 2.8, "periode": 2.6, "etat": 2.4, "indicateur": 3.2,
                   "cible": 1.5, "realise": 1.9, "taux_realisation": 1.4, "evolution": 4.2, "observations": 4.0}
