"""La mise en mots des tableaux de l'atelier de planification et du suivi du plan
(:mod:`clusterlib.analyses.planification`).

L'analyse rend des faits, des codes et des nombres rangés dans les rubriques et les lignes du
guide ; ce module écrit les cases des tableaux 7 à 11 (acteurs, contrats, volumes, comptes,
forces et faiblesses en puces, période d'une action), le tableau de suivi de la revue de
campagne (tableau 13 : état et évolution de chaque action en toutes lettres, nombres à la
française), les changements de l'analyse FFOM, les intitulés et les notes de chaque tableau,
et leur mise en forme pour un notebook (:func:`style_tableau`). Les fonctions qui rédigent
reçoivent un résultat fini et ne recalculent rien ; :func:`tableaux_atelier` et
:func:`tableaux_vierges` enchaînent l'analyse et la rédaction pour le dossier de l'atelier.
Les libellés (rubriques, lignes, colonnes, titres) viennent de ``referentiel/planification.yml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.planification import (
    actions_du_plan,
    changements_par_ligne,
    faits_synthese,
    ffom_par_ligne,
    libelle_etat,
    lire_mois,
    opportunites_menaces,
)
from clusterlib.presentation.dates import mois_court
from clusterlib.presentation.echappement import styler_echappe
from clusterlib.presentation.format_fr import fcfa_auto, nombre, pourcentage, uuid_stable

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from clusterlib.donnees.modele import Cluster

__all__ = [
    "A_COMPLETER",
    "TableauAtelier",
    "actions_prioritaires",
    "changements_souhaites",
    "constat_synthese",
    "evolution_action",
    "forces_faiblesses",
    "periode",
    "style_tableau",
    "synthese_informations",
    "table_evolution_ffom",
    "tableau_suivi",
    "tableaux_atelier",
    "tableaux_vierges",
    "vision_opportunites_menaces",
]


_ref = partial(referentiel.lire, "planification.yml")
"""Le référentiel de la planification (contenu partagé : ne pas le modifier)."""


A_COMPLETER: str = _ref()["tableaux"]["tableau_7"]["a_completer"]
"""Ce qu'on écrit dans une case que les données ne permettent pas de remplir."""

_RETIREE = "Retirée du plan"
"""L'état d'une action de la copie précédente du plan qui n'y est plus (état ``retiree``)."""


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


# --- Mots communs -------------------------------------------------------------------------------


def _lib_maillon(code: str) -> str:
    if code == "cluster":
        return "Ensemble du cluster"
    courts = _ref().get("libelles_courts") or {}
    return courts.get(code) or referentiel.libelle("maillons", code)


def _lib_objet(objet: str) -> str:
    """« producteur/transformateur » → « Producteur / Transformateur »."""
    return " / ".join(_lib_maillon(p) for p in objet.split("/"))


def _puces(elements: Sequence[str]) -> str:
    return "\n".join(f"• {e}" for e in elements if e)


def _jointure(*morceaux: str) -> str:
    return "\n".join(m for m in morceaux if m)


def periode(debut: Any, fin: Any) -> str:
    """La période d'une action en clair : ``("2025-10", "2026-01")`` → « oct. 2025 – janv. 2026 »."""
    d, f = lire_mois(debut), lire_mois(fin)

    def ecrire(p: pd.Period) -> str:
        return mois_court(p.month, p.year)

    if d is None and f is None:
        return ""
    if d is None or f is None:
        return ("à partir de " + ecrire(d)) if d is not None else ("jusqu'à " + ecrire(f))
    return ecrire(d) if d == f else f"{ecrire(d)} – {ecrire(f)}"


# --- Tableau 7 : synthèse des informations ----------------------------------------------------


def _effectifs(f: dict[str, Any]) -> str:
    texte = f"{f['acteurs']} acteur(s) enregistré(s)"
    if pd.notna(f["effectif"]):
        texte += f", {nombre(f['effectif'])} personne(s)"
        if pd.notna(f["part_femmes"]):
            texte += f" dont {nombre(f['femmes'])} femme(s) ({pourcentage(f['part_femmes'], 0)})"
    return texte


def _livraison(lg: dict[str, Any]) -> str:
    morceaux = [f"{nombre(lg['volume'])} {lg['unite']}(s) de {lg['produits']}"]
    if pd.notna(lg["prix_moyen"]):
        morceaux.append(f"à {fcfa_auto(lg['prix_moyen'])} par {lg['unite']}")
    if pd.notna(lg["taux_conformite"]):
        morceaux.append(f"{pourcentage(lg['taux_conformite'], 0)} conformes")
    if pd.notna(lg["regularite"]):
        morceaux.append(f"{pourcentage(lg['regularite'], 0)} des livraisons à temps")
    return f"{lg['marche']} : " + ", ".join(morceaux)


def _contrats(f: dict[str, Any]) -> str:
    morceaux = [f"{referentiel.libelle('contrats', c).lower()} : {n} ({pourcentage(part, 0)})"
                for c, (n, part) in f["contrats"].items()]
    texte = f"{f['relations']} relation(s) commerciale(s) — " + ", ".join(morceaux)
    for code, moyenne in f["respect"].items():
        texte += f"\nRespect moyen des engagements ({referentiel.libelle('contrats', code).lower()}) : " \
                 f"{pourcentage(moyenne, 0)}"
    return texte


def _nature_relations(f: dict[str, Any]) -> str:
    lignes = []
    for source, cible, n, types in f["paires"]:
        detail = ", ".join(f"{referentiel.libelle('types_relation', t).lower()} {k}" for t, k in types.items())
        lignes.append(f"{_lib_maillon(source)} → {_lib_maillon(cible)} : {n} ({detail})")
    if f["autres_paires"]:
        lignes.append(f"… et {f['autres_relations']} autre(s) relation(s) entre {f['autres_paires']} autre(s) "
                      "paire(s) de maillons")
    return "\n".join(lignes)


def _financement(f: dict[str, Any]) -> str:
    lignes = []
    for nom, types, cibles, n in f["financeurs"]:
        vers = sorted({_lib_maillon(m).lower() for m in cibles})
        natures = sorted({referentiel.libelle("types_relation", t).lower() for t in types})
        lignes.append(f"{nom} : {', '.join(natures)} vers {', '.join(vers)} ({n} relation(s))")
    return "\n".join(lignes)


def _gouvernance(f: dict[str, Any]) -> str:
    if f["agregateur"] is not None:
        morceaux = [f"Agrégateur : {f['agregateur']} ({_lib_maillon(f['maillon']).lower()})"]
    else:
        morceaux = ["Pas encore d'agrégateur désigné"]
    if f["structure_promotion"]:
        morceaux.append(f"Structure de promotion : {f['structure_promotion']}")
    return "\n".join(morceaux)


def constat_synthese(cas: str, faits: dict[str, Any]) -> str:
    """Ce que dit un fait du tableau 7, en toutes lettres (colonnes ``cas`` et ``faits`` de
    :func:`clusterlib.analyses.planification.faits_synthese`)."""
    f = faits
    if cas == "effectifs":
        return _effectifs(f)
    if cas == "organisation":
        return ", ".join(f"{referentiel.libelle('formes', forme).lower()} : {n}" for forme, n in f["formes"].items())
    if cas == "localisation":
        return ", ".join(f"{c} ({n})" for c, n in f["communes"].items())
    if cas == "distance":
        return (f"{nombre(f['moyenne'])} km en moyenne à vol d'oiseau (de {nombre(f['minimum'])} à "
                f"{nombre(f['maximum'])} km), pour {f['acteurs']} acteur(s) localisé(s)")
    if cas == "volumes":
        morceaux = [f"{nombre(v)} {u}(s)" for u, v in f["volumes"].items()]
        return f"{' + '.join(morceaux)} sur {f['relations']} relation(s)"
    if cas == "comptes":
        return "\n".join(f"{_lib_maillon(m)} (compte de la campagne {f['campagne']}) : valeur ajoutée "
                         f"{fcfa_auto(va)}, revenu net {fcfa_auto(rn)}" for m, va, rn in f["maillons"])
    if cas == "livraisons":
        return "\n".join(_livraison(lg) for lg in f["marches"])
    if cas == "contrats":
        return _contrats(f)
    if cas == "marches_fiche":
        return "\n".join(f"{nom} ({referentiel.libelle('types_marche', type_).lower()})" for nom, type_ in f["marches"])
    if cas == "marches_acteurs":
        return ", ".join(f["noms"])
    if cas == "produits_finis":
        return "\n".join(f["produits"])
    if cas == "nature_relations":
        return _nature_relations(f)
    if cas == "financement":
        return _financement(f)
    if cas == "frais_financiers":
        return "Frais financiers payés (comptes) : " + ", ".join(
            f"{_lib_maillon(m).lower()} {fcfa_auto(montant)}" for m, montant in f["maillons"])
    if cas == "information":
        principaux = ", ".join(f"{nom} ({n})" for nom, n in f["sources"])
        return f"{f['relations']} relation(s) d'information ou de conseil ; principales sources : {principaux}"
    if cas == "gouvernance":
        return _gouvernance(f)
    if cas == "coachs":
        return "\n".join(f"{nom} ({type_})" for nom, type_ in f["coachs"])
    if cas == "notes_axe":
        return (f"Grille de fonctionnement, axe {f['axe']} ({f['campagne']}) : note moyenne "
                f"{nombre(f['moyenne'], 1)} sur 4 ({f['indicateurs']} indicateur(s) notés)")
    raise ValueError(f"fait du tableau 7 « {cas} » inconnu")


_A_COMPLETER_AUSSI = (("financement", 1), ("gouvernance", 2))
"""Éléments que les données n'éclairent qu'en partie : la suite reste à compléter en atelier."""


def synthese_informations(faits: pd.DataFrame | None) -> pd.DataFrame:
    """Tableau 7 : la synthèse des informations sur le cluster, rubrique par rubrique.

    ``faits`` : :func:`clusterlib.analyses.planification.faits_synthese`. Colonnes
    ``rubrique``, ``element``, ``information`` (texte, une ligne par fait) et ``source``
    (tables d'où vient l'information, ou « à compléter »). Ce que les données ne disent pas
    (mode de transformation, conditions d'accès au crédit, organe de gouvernance…) est marqué
    « À compléter en atelier ». Avec ``faits=None``, le modèle vierge.
    """
    lignes = []
    for rub in _ref()["tableaux"]["tableau_7"]["rubriques"]:
        for i, element in enumerate(rub["elements"]):
            texte, source = "", ""
            if faits is not None:
                choix = faits[(faits["rubrique"] == rub["code"]) & (faits["rang"] == i)]
                texte = _jointure(*(constat_synthese(c, f) for c, f in zip(choix["cas"], choix["faits"], strict=True)))
                source = str(choix["source"].iloc[0]) if len(choix) else ""
                if not texte:
                    texte, source = A_COMPLETER, "à compléter"
                elif (rub["code"], i) in _A_COMPLETER_AUSSI:
                    texte = f"{texte}\n{A_COMPLETER}"
            lignes.append({"rubrique": rub["libelle"], "element": element, "information": texte, "source": source})
    return pd.DataFrame(lignes, columns=["rubrique", "element", "information", "source"]).astype("str")


# --- Tableaux 8 et 10 : lignes du guide -----------------------------------------------------------


def _lignes_guide(lignes: pd.DataFrame, code: str) -> dict[str, list[str]]:
    """Les colonnes ``partie``, ``ligne`` et ``objets`` en clair des lignes d'un tableau du guide."""
    parties = {p["code"]: p for p in _ref()["tableaux"][code]["parties"]}
    libelles = []
    for partie, rang, objets in zip(lignes["partie"], lignes["rang"], lignes["objets"], strict=True):
        p = parties[partie]
        libelles.append(f"{p['autres']} : {_lib_objet(objets[0])}" if pd.isna(rang) else p["lignes"][rang]["libelle"])
    return {"partie": [parties[p]["libelle"] for p in lignes["partie"]], "ligne": libelles,
            "objets": [", ".join(o) for o in lignes["objets"]]}


def _elements(elements: Sequence[tuple[str, Any]], objets: Sequence[str]) -> str:
    plusieurs = len({cle for cle, _ in elements}) > 1 or len(objets) > 1
    return _puces([f"{_lib_objet(cle)} : {description}" if plusieurs else description
                   for cle, description in elements])


def forces_faiblesses(lignes: pd.DataFrame) -> pd.DataFrame:
    """Tableau 8 : forces et faiblesses par maillon et par relation, dans les lignes du guide.

    ``lignes`` : :func:`clusterlib.analyses.planification.ffom_par_ligne`. Colonnes ``partie``,
    ``ligne``, ``objets`` (maillons ou paires regroupés dans la ligne), ``forces``,
    ``faiblesses`` (une puce par élément, précédée du maillon ou de la relation quand la ligne
    en regroupe plusieurs). Les lignes du guide sans élément restent vides, à remplir en
    atelier ; une ligne ajoutée pour un objet que le guide ne prévoit pas s'intitule « Autres
    relations : … ».
    """
    return pd.DataFrame({
        **_lignes_guide(lignes, "tableau_8"),
        "forces": [_elements(e, o) for e, o in zip(lignes["forces"], lignes["objets"], strict=True)],
        "faiblesses": [_elements(e, o) for e, o in zip(lignes["faiblesses"], lignes["objets"], strict=True)],
    }).astype("str")


def changements_souhaites(lignes: pd.DataFrame) -> pd.DataFrame:
    """Tableau 10 : changements souhaités par maillon et par relation, avec leurs indicateurs.

    ``lignes`` : :func:`clusterlib.analyses.planification.changements_par_ligne`. Colonnes
    ``partie``, ``ligne``, ``objets``, ``changements``, ``conditions`` (vide : les conditions
    de réalisation ne sont pas dans les données), ``indicateurs`` (« Capacité (cible : 300) »).
    """
    indicateurs = []
    for liste in lignes["indicateurs"]:
        textes = [f"{ind}{f' (cible : {nombre(cible)})' if pd.notna(cible) else ''}" for ind, cible in liste]
        indicateurs.append(_puces(list(dict.fromkeys(textes))))
    return pd.DataFrame({
        **_lignes_guide(lignes, "tableau_10"),
        "changements": [_puces(c) for c in lignes["changements"]], "conditions": [""] * len(lignes),
        "indicateurs": indicateurs,
    }).astype("str")


# --- Tableaux 9 et 11 ---------------------------------------------------------------------------


def vision_opportunites_menaces(elements: pd.DataFrame | None, vision: str | None = None) -> pd.DataFrame:
    """Tableau 9 : les opportunités et les menaces de l'analyse FFOM, autour de la vision.

    ``elements`` : :func:`clusterlib.analyses.planification.opportunites_menaces`. Colonnes
    ``opportunites``, ``vision``, ``menaces`` : une opportunité et une menace par ligne
    (précédées du maillon ou de la relation qu'elles concernent), puis des lignes vides pour
    l'atelier. Les données n'ont pas de vision : sans ``vision``, la première case de la
    colonne dit qu'elle est à formuler en atelier. Avec ``elements=None``, le modèle vierge.
    """
    ref = _ref()
    opp: list[str] = []
    men: list[str] = []
    if elements is not None:
        for objet, type_, description in zip(elements["objet"], elements["type"], elements["description"],
                                             strict=True):
            texte = f"{_lib_objet(objet)} : {description}"
            if type_ == "opportunite":
                opp.append(texte)
            elif type_ == "menace":
                men.append(texte)
    n = max(len(opp), len(men)) + ref["lignes_vierges"] * (1 if elements is not None else 2)
    absente = " ".join(ref["tableaux"]["tableau_9"]["vision_absente"].split())
    premiere = vision if vision else ("" if elements is None else absente)
    lignes = [
        {"opportunites": opp[i] if i < len(opp) else "", "vision": premiere if i == 0 else "",
         "menaces": men[i] if i < len(men) else ""}
        for i in range(n)
    ]
    return pd.DataFrame(lignes, columns=["opportunites", "vision", "menaces"]).astype("str")


def actions_prioritaires(actions: pd.DataFrame | None) -> pd.DataFrame:
    """Tableau 11 : les actions du plan, avec moyens, responsables, structures d'appui et période.

    ``actions`` : :func:`clusterlib.analyses.planification.actions_du_plan`. Colonnes ``id``,
    ``action``, ``moyens``, ``responsable``, ``structures_appui``, ``periode`` (« oct. 2025 –
    janv. 2026 »), ``statut``, dans l'ordre reçu, suivies de lignes vides pour l'atelier (deux
    fois plus sans plan d'actions). Avec ``actions=None``, le modèle vierge.
    """
    colonnes = ["id", "action", "moyens", "responsable", "structures_appui", "periode", "statut"]
    n_vierges = _ref()["lignes_vierges"]
    lignes: list[dict[str, str]] = []
    if actions is not None:
        for _, lg in actions.iterrows():
            lignes.append({**{c: lg[c] for c in colonnes if c != "periode"},
                           "periode": periode(lg["debut"], lg["fin"])})
    else:
        n_vierges *= 2
    lignes += [dict.fromkeys(colonnes, "") for _ in range(n_vierges)]
    return pd.DataFrame(lignes, columns=colonnes).astype("str")


# --- Le dossier de l'atelier -------------------------------------------------------------------


_LARGEURS = {
    "tableau_7": {"element": 6.0, "information": 20.0},
    "tableau_8": {"ligne": 5.0, "forces": 10.0, "faiblesses": 10.0},
    "tableau_9": {"opportunites": 9.0, "vision": 7.0, "menaces": 9.0},
    "tableau_10": {"ligne": 4.5, "changements": 7.0, "conditions": 6.0, "indicateurs": 7.0},
    "tableau_11": {"id": 1.2, "action": 7.5, "moyens": 5.0, "responsable": 3.8, "structures_appui": 3.8,
                   "periode": 3.5},
    "suivi": {"id": 1.3, "action": 5.0, "responsable": 2.8, "periode": 2.6, "etat": 2.4, "indicateur": 3.2,
              "cible": 1.5, "realise": 1.9, "taux_realisation": 1.4, "evolution": 4.2, "observations": 4.0},
}
"""Largeur relative des colonnes à l'impression (Word, Excel)."""


def _tableau(code: str, donnees: pd.DataFrame, note: str, vierge: bool) -> TableauAtelier:
    t = _ref()["tableaux"][code]
    colonnes = dict(t["colonnes"])
    intertitre = {"tableau_7": "rubrique", "tableau_8": "partie", "tableau_10": "partie"}.get(code)
    if intertitre:
        colonnes.pop(intertitre)  # la partie ou la rubrique devient un intertitre dans le tableau
    largeurs = {} if code == "suivi" else _LARGEURS[code]
    return TableauAtelier(code=code, numero=t.get("numero"), titre=t["titre"], source=t["source"], donnees=donnees,
                          colonnes=colonnes, note=note, vierge=vierge, largeurs=largeurs, intertitre=intertitre)


def tableaux_atelier(
    cluster: Cluster, campagne: str | None = None, vision: str | None = None
) -> list[TableauAtelier]:
    """Les tableaux 7 à 11 de l'atelier, remplis avec les données du cluster.

    Chaque tableau porte une note qui dit d'où viennent les informations et ce qui reste à
    remplir en atelier (vision, conditions de réalisation, lignes vides pour les ajouts).
    """
    camp = campagne or cluster.campagne
    ref = _ref()["tableaux"]
    a_ffom = cluster.ffom is not None and (cluster.ffom["campagne"] == camp).any()
    sans_ffom = "" if a_ffom else f" Aucune analyse FFOM n'est enregistrée pour {camp} : tableau à remplir en atelier."
    a_plan = cluster.plan_actions is not None and not cluster.plan_actions.empty
    sans_plan = "" if a_plan else " Le cluster n'a pas encore de plan d'actions : tableau à remplir en atelier."
    notes = {
        "tableau_7": (f"Prérempli avec les données du cluster (campagne {camp}) ; les cases « {A_COMPLETER} » "
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
    donnees = {
        "tableau_7": synthese_informations(faits_synthese(cluster, camp)),
        "tableau_8": forces_faiblesses(ffom_par_ligne(cluster, camp)),
        "tableau_9": vision_opportunites_menaces(opportunites_menaces(cluster, camp), vision),
        "tableau_10": changements_souhaites(changements_par_ligne(cluster)),
        "tableau_11": actions_prioritaires(actions_du_plan(cluster)),
    }
    return [_tableau(code, donnees[code], notes[code], False) for code in donnees]


def tableaux_vierges() -> list[TableauAtelier]:
    """Les tableaux 7 à 11 vierges, à imprimer pour l'atelier (mêmes lignes et colonnes que le guide)."""
    note = "Modèle vierge à remplir pendant l'atelier."
    return [
        _tableau("tableau_7", synthese_informations(None), note, True),
        _tableau("tableau_8", forces_faiblesses(ffom_par_ligne(None)), note, True),
        _tableau("tableau_9", vision_opportunites_menaces(None), note, True),
        _tableau("tableau_10", changements_souhaites(changements_par_ligne(None)), note, True),
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


# --- Revue de campagne (tableau 13) -------------------------------------------------------------


def _modifications(faits: dict[str, Any]) -> str:
    morceaux = []
    if "statut" in faits:
        avant, apres = faits["statut"]
        morceaux.append(f"statut : {referentiel.libelle('statuts_action', avant).lower()} → "
                        f"{referentiel.libelle('statuts_action', apres).lower()}")
    if "realise" in faits:
        r0, r1, ecart = faits["realise"]
        texte_ecart = "" if pd.isna(ecart) else f" ({'+' if ecart >= 0 else ''}{nombre(ecart)})"
        morceaux.append(f"réalisé : {nombre(r0)} → {nombre(r1)}{texte_ecart}")
    if "fin" in faits:
        avant, apres = faits["fin"]
        morceaux.append(f"fin prévue : {periode(avant, avant) or '—'} → {periode(apres, apres) or '—'}")
    texte = " ; ".join(morceaux)
    return texte[0].upper() + texte[1:]


_EVOLUTIONS = {
    "realisee_avant": "Réalisée lors d'une campagne précédente",
    "realisee": "Réalisée",
    "abandonnee": "Abandonnée",
    "nouvelle_revue": "Nouvelle action depuis la revue précédente",
    "inchangee": "Pas de changement",
    "retiree": "Retirée du plan depuis la revue précédente",
}


def evolution_action(cas: str, faits: dict[str, Any]) -> str:
    """Ce qui a changé pour une action depuis la revue précédente, en toutes lettres (colonnes
    ``evolution`` et ``faits`` de :func:`clusterlib.analyses.planification.suivi_campagne`)."""
    if cas in _EVOLUTIONS:
        return _EVOLUTIONS[cas]
    if cas == "realisee_campagne":
        return f"Réalisée pendant la campagne {faits['campagne']}"
    if cas == "modifiee":
        return _modifications(faits)
    if cas not in ("nouvelle_campagne", "reportee", "ouverte"):
        raise ValueError(f"évolution d'action « {cas} » inconnue")
    morceaux = []
    if cas == "nouvelle_campagne":
        morceaux.append(f"Nouvelle action de la campagne {faits['campagne']}")
    elif cas == "reportee":
        morceaux.append("Reportée d'une campagne précédente")
    if faits["mois_retard"] is not None:
        morceaux.append(f"en retard de {faits['mois_retard']} mois")
    if faits["non_demarree"]:
        morceaux.append("pas encore démarrée alors que son début est passé")
    return " ; ".join(morceaux)


def _nombres(valeurs: pd.Series) -> list[str]:
    return [nombre(v) if pd.notna(v) else "" for v in valeurs]


def tableau_suivi(suivi: pd.DataFrame | None = None, campagne: str | None = None) -> TableauAtelier:
    """Le tableau de suivi de la revue, prêt à imprimer (nombres écrits à la française).

    ``suivi`` : :func:`clusterlib.analyses.planification.suivi_campagne`. Colonnes ``id``,
    ``action``, ``responsable``, ``periode``, ``etat`` (libellé), ``indicateur``, ``cible``,
    ``realise``, ``taux_realisation``, ``evolution`` (en toutes lettres) et ``observations``
    (vide, pour la revue). Sans ``suivi``, le modèle vierge (des lignes vides à remplir pendant
    la revue).
    """
    t = _ref()["tableaux"]["suivi"]
    titre = t["titre"] + (f" {campagne}" if campagne else "")
    colonnes = list(t["colonnes"])
    if suivi is None:
        vierge = pd.DataFrame([dict.fromkeys(colonnes, "") for _ in range(3 * _ref()["lignes_vierges"])],
                              columns=colonnes).astype("str")
        return TableauAtelier(code="suivi", numero=None, titre=titre, source=t["source"], donnees=vierge,
                              colonnes=dict(t["colonnes"]), note="Modèle vierge à remplir pendant la revue.",
                              vierge=True, largeurs=_LARGEURS["suivi"])
    donnees = pd.DataFrame({
        "id": suivi["id"], "action": suivi["action"], "responsable": suivi["responsable"],
        "periode": [periode(d, f) for d, f in zip(suivi["debut"], suivi["fin"], strict=True)],
        "etat": [_RETIREE if e == "retiree" else libelle_etat(e) for e in suivi["etat"]],
        "indicateur": suivi["indicateur"], "cible": _nombres(suivi["cible"]), "realise": _nombres(suivi["realise"]),
        "taux_realisation": _nombres(suivi["taux_realisation"]),
        "evolution": [evolution_action(c, f) for c, f in zip(suivi["evolution"], suivi["faits"], strict=True)],
        "observations": [""] * len(suivi),
    }, index=suivi.index, columns=colonnes).astype("str")
    note = ("« Depuis la revue précédente » compare chaque action à la copie du plan gardée lors de la revue "
            "précédente, ou, sans cette copie, lit ses dates par rapport à la campagne. La colonne des observations "
            "se remplit pendant la revue.")
    return TableauAtelier(code="suivi", numero=None, titre=titre, source=t["source"], donnees=donnees,
                          colonnes=dict(t["colonnes"]), note=note, vierge=False, largeurs=_LARGEURS["suivi"])


def table_evolution_ffom(evolution: pd.DataFrame) -> pd.DataFrame:
    """Ce qui a changé dans l'analyse FFOM, à lire (:func:`clusterlib.analyses.planification.evolution_ffom`).

    Colonnes ``objet`` (maillon ou relation en clair), ``type`` (libellé), ``description``,
    ``evolution`` (« nouveau (absent en 2024-2025) » ou « plus cité en 2025-2026 ») et
    ``campagne``.
    """
    colonnes = ["objet", "type", "description", "evolution", "campagne"]
    lignes = [{"objet": _lib_objet(lg["objet"]), "type": referentiel.libelle("types_ffom", lg["type"]),
               "description": lg["description"],
               "evolution": (f"nouveau (absent en {lg['comparee_a']})" if lg["evolution"] == "nouveau"
                             else f"plus cité en {lg['comparee_a']}"),
               "campagne": lg["campagne"]} for _, lg in evolution.iterrows()]
    return pd.DataFrame(lignes, columns=colonnes).astype("str")
