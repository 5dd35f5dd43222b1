"""La mise en mots des diagnostics du réseau (:mod:`clusterlib.analyses.reseau`).

Les analyses rendent des nombres, des codes et des identifiants ; ce module en fait les
phrases que lisent le rapport, les notebooks, le livre et les notes de la carte. Chaque
fonction reçoit un résultat fini et ne recalcule rien.
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.reseau import CarteReseau, ReseauVide, referentiel_cartographie
from clusterlib.presentation.format_fr import nombre, pourcentage

__all__ = [
    "avertissement_agregateur",
    "constat_agregateur",
    "constat_contractualisation",
    "constat_dependance",
    "constats_etapes",
    "nom_court",
    "note_regroupement",
    "notes_carte",
    "preuve_prealable",
    "raison_reseau_vide",
    "regles_prealables",
    "seuil_prealable",
    "table_etapes",
    "table_prealables",
]


def _pourcent(part: float | None) -> str:
    """Une part (entre 0 et 1) écrite en pourcentage à la française : « 85 % »."""
    if part is None or (isinstance(part, float) and math.isnan(part)) or part is pd.NA:
        return "non calculable"
    return pourcentage(part, 0, fraction=True)


# --- Réseau vide -------------------------------------------------------------------------


def raison_reseau_vide(vide: ReseauVide | None) -> str | None:
    """Pourquoi les diagnostics du réseau sont vides (résultat de ``reseau.reseau_vide``), sinon None."""
    if vide is None:
        return None
    if vide.cas == "aucun_acteur":
        return "le cluster n'a aucun acteur : il n'y a pas de réseau à analyser"
    if vide.cas == "un_acteur":
        return "le cluster ne compte qu'un acteur : il n'y a pas encore de réseau à analyser"
    return (f"aucune relation n'est enregistrée entre les {vide.nb_acteurs} acteurs : les diagnostics du "
            "réseau sont vides tant que la table relations n'est pas remplie")


# --- Agrégateur --------------------------------------------------------------------------


def avertissement_agregateur(agregateur: dict[str, Any]) -> str | None:
    """L'alerte quand l'agrégateur déclaré n'est pas l'acteur direct le plus relié (sinon None).

    ``agregateur`` : le résultat de :func:`clusterlib.analyses.reseau.agregateur`.
    """
    if agregateur["cas"] != "divergence":
        return None
    a = agregateur
    return (
        f"L'agrégateur déclaré, {a['nom_declare']} ({a['declare']}), a {a['partenaires_declare']} partenaire(s) "
        f"d'affaires ; l'acteur direct le plus relié est {a['nom_central']} ({a['central']}), avec "
        f"{a['partenaires_central']}. Vérifiez avec les membres qui joue vraiment le rôle d'agrégateur."
    )


def constat_agregateur(agregateur: dict[str, Any]) -> str:
    """La phrase qui compare l'agrégateur déclaré et l'acteur direct le plus relié."""
    a = agregateur
    if a["cas"] == "concordance":
        return (f"L'agrégateur déclaré, {a['nom_declare']} ({a['declare']}), est aussi l'acteur direct le plus "
                f"relié : {a['partenaires_declare']} partenaires d'affaires.")
    if a["cas"] == "divergence":
        return avertissement_agregateur(a) or ""
    if a["cas"] == "declare_sans_relation":
        return (f"L'agrégateur déclaré, {a['nom_declare']} ({a['declare']}), n'a aucune relation d'affaires "
                "enregistrée.")
    if a["cas"] == "central_seul":
        return (f"Aucun agrégateur n'est déclaré ; l'acteur direct le plus relié est {a['nom_central']} "
                f"({a['central']}), avec {a['partenaires_central']} partenaires d'affaires : un agrégateur possible.")
    return "Aucun agrégateur déclaré et aucune relation d'affaires enregistrée."


# --- Dépendance --------------------------------------------------------------------------


def constat_dependance(dependance: dict[str, Any]) -> str:
    """La dépendance de l'agrégateur racontée (résultat de :func:`clusterlib.analyses.reseau.dependance`)."""
    d = dependance
    if d["agregateur"] is None:
        return "Pas d'agrégateur déclaré ni de relation d'affaires : dépendance non calculable."
    forte = referentiel_cartographie()["dependance"]["part_principal_forte"]
    nom = d["nom"] or d["agregateur"]
    phrases = []
    # (préfixe des clés, début de phrase, partenaires, verbe, dépendance, phrase quand rien n'est connu)
    for nb, cle, debut, partenaires, verbe, seul, rien in (
        (d["nb_fournisseurs"], "fournisseur", f"{nom} s'approvisionne auprès de", "fournisseur(s)", "fournit",
         "fournisseur", "Aucun approvisionnement en produit avec un volume connu."),
        (d["nb_acheteurs"], "acheteur", "Il vend à", "acheteur(s)", "prend", "acheteur",
         "Aucune vente de produit avec un volume connu."),
    ):
        if not nb:
            phrases.append(rien)
            continue
        suffixe = "fournisseurs" if cle == "fournisseur" else "acheteurs"
        part = d[f"part_principal_{cle}"]
        phrase = (f"{debut} {nb} {partenaires} ; le premier, {d[f'nom_principal_{cle}']}, "
                  f"{verbe} {_pourcent(part)} du volume (concentration {d[f'niveau_{suffixe}']}, "
                  f"indice {nombre(d[f'hhi_{suffixe}'], 2)}).")
        if part >= forte:
            phrase += f" Forte dépendance envers un seul {seul}."
        phrases.append(phrase)
    return " ".join(phrases)


# --- Étapes de la chaîne -----------------------------------------------------------------


def constats_etapes(etapes: pd.DataFrame) -> pd.Series:
    """Le constat de chaque étape (résultat de :func:`clusterlib.analyses.reseau.maillons_manquants`)."""
    libelle_de = dict(zip(etapes["etape"], etapes["libelle"], strict=True))
    constats = []
    for e in etapes.itertuples():
        suivante = libelle_de.get(e.etape_suivante) if e.etape_suivante else None
        if e.statut == "absent":
            libelles = ", ".join(referentiel.libelle("maillons", m).lower() for m in e.maillons)
            constats.append(f"Aucun acteur pour l'étape « {e.libelle} » ({libelles}).")
        elif e.statut == "non_relie":
            constats.append(f"{e.nb_acteurs} acteur(s) à l'étape « {e.libelle} », mais aucune relation produit "
                            f"ou intrants vers l'étape « {suivante} ».")
        elif suivante is not None:
            constats.append(f"{e.nb_acteurs} acteur(s) ; {int(e.nb_liens_suivante)} relation(s) produit ou "
                            f"intrants vers l'étape « {suivante} ».")
        else:
            constats.append(f"{e.nb_acteurs} acteur(s).")
    return pd.Series(constats, index=etapes.index, dtype=object)


def table_etapes(etapes: pd.DataFrame) -> pd.DataFrame:
    """Le tableau des étapes avec une colonne ``constat`` en plus (copie, l'entrée n'est pas modifiée)."""
    return etapes.assign(constat=constats_etapes(etapes))


# --- Contractualisation ------------------------------------------------------------------


def constat_contractualisation(contrats: dict[str, Any]) -> str:
    """Les contrats racontés (résultat de :func:`clusterlib.analyses.reseau.contractualisation`)."""
    c = contrats
    if c["nb_relations_affaires"] == 0:
        return "Aucune relation d'affaires : taux de contractualisation non calculable."
    return (
        f"{c['nb_ecrit']} relation(s) d'affaires sur {c['nb_relations_affaires']} sous contrat écrit "
        f"({_pourcent(c['taux_contractualisation'])}), {c['nb_verbal']} sous accord verbal, "
        f"{c['nb_aucun']} sans contrat ; engagements respectés en moyenne à "
        f"{_pourcent(c['taux_respect'])}."
    )


# --- Préalables --------------------------------------------------------------------------


def seuil_prealable(prealable: str) -> str:
    """La règle courte d'un préalable (``marche``, ``leader``, ``relations``, ``territoire``), seuils compris."""
    seuils = referentiel_cartographie()["seuils_prealables"]
    if prealable == "marche":
        return "au moins un débouché qui reçoit des produits"
    if prealable == "leader":
        return (f"agrégateur qui achète à au moins {int(seuils['min_fournisseurs_production'])} acteurs de la "
                "production (condition favorable)")
    if prealable == "relations":
        return (f"oui dès {_pourcent(seuils['relations_oui'])}, en partie dès "
                f"{_pourcent(seuils['relations_partiellement'])} des acteurs reliés entre eux")
    if prealable == "territoire":
        return (f"oui dès {_pourcent(seuils['territoire_oui'])}, en partie dès "
                f"{_pourcent(seuils['territoire_partiellement'])} des acteurs sur le territoire")
    raise ValueError(f"préalable « {prealable} » inconnu")


def preuve_prealable(prealable: str, faits: dict[str, Any]) -> str:
    """Ce que disent les données d'un préalable (``faits`` : la colonne du même nom de ``reseau.prealables``)."""
    f = faits
    if prealable == "marche":
        morceaux = [f"{f['nb_declares']} débouché(s) déclaré(s) dans la fiche",
                    f"{f['nb_debouches']} acteur(s) de marché ou de distribution",
                    f"{f['nb_flux']} relation(s) produit qui les atteignent"]
        if f["nb_livraisons"] is not None:
            morceaux.append(f"{f['nb_livraisons']} ligne(s) de livraison pour la campagne {f['campagne']}")
        return " ; ".join(morceaux) + "."
    if prealable == "leader":
        if f["cas"] == "declare":
            return (f"agrégateur déclaré : {f['nom']} ({f['acteur']}), qui achète des produits à "
                    f"{f['nb_fournisseurs']} acteur(s) de la production.")
        if f["cas"] == "aucun":
            return "aucun agrégateur déclaré, et aucun acteur n'achète de produits à la production."
        fin = " : un agrégateur possible." if f["nb_fournisseurs"] >= f["minimum"] else "."
        return (f"aucun agrégateur déclaré ; {f['nom']} ({f['acteur']}) achète des produits à "
                f"{f['nb_fournisseurs']} acteur(s) de la production{fin}")
    if prealable == "relations":
        if f["cas"] == "aucune_relation":
            return "aucune relation enregistrée."
        return (f"{f['plus_grand_reseau']} des {f['nb_acteurs']} acteurs ({_pourcent(f['part'])}) forment un seul "
                f"réseau ; {f['nb_isoles']} acteur(s) isolé(s) ; {f['nb_affaires']} relation(s) d'affaires sur "
                f"{f['nb_relations']}.")
    if prealable == "territoire":
        if f["cas"] == "sans_commune_declaree":
            return "aucune commune déclarée dans la fiche du cluster : critère non calculable."
        if f["cas"] == "sans_commune_acteurs":
            return "aucune commune renseignée pour les acteurs : critère non calculable."
        preuve = (f"{f['nb_dedans']} des {f['nb_connus']} acteurs dont la commune est connue "
                  f"({_pourcent(f['part'])}) sont établis dans le territoire déclaré ({', '.join(f['communes'])})")
        if f["hors_territoire"]:
            preuve += " ; hors territoire : " + ", ".join(f"{c} ({n})" for c, n in f["hors_territoire"])
        if f["nb_sans_commune"]:
            preuve += f" ; {f['nb_sans_commune']} acteur(s) sans commune"
        return preuve + "."
    raise ValueError(f"préalable « {prealable} » inconnu")


def table_prealables(table: pd.DataFrame) -> pd.DataFrame:
    """Le tableau des préalables (:func:`clusterlib.analyses.reseau.prealables`) rédigé.

    Ajoute ``libelle_verdict`` (mot du référentiel, « Non calculable » sans verdict),
    ``seuil`` (la règle) et ``preuve`` (les faits en mots) ; l'entrée n'est pas modifiée.
    """
    verdicts = referentiel_cartographie()["verdicts"]
    return table.assign(
        libelle_verdict=[verdicts.get(v, "Non calculable") for v in table["verdict"]],
        seuil=[seuil_prealable(p) for p in table["prealable"]],
        preuve=[preuve_prealable(p, f) for p, f in zip(table["prealable"], table["faits"], strict=True)],
    )


def regles_prealables() -> pd.DataFrame:
    """Les règles de jugement des préalables, seuils compris (pour le livre et les rapports).

    Colonnes : ``prealable``, ``libelle``, ``obligatoire``, ``regle``.
    """
    ref = referentiel_cartographie()
    valeurs = {k: (_pourcent(v) if isinstance(v, float) else v) for k, v in ref["seuils_prealables"].items()}
    return pd.DataFrame([
        {"prealable": p["code"], "libelle": p["libelle"], "obligatoire": bool(p["obligatoire"]),
         "regle": re.sub(r"[ \t\n]+", " ", p["regle"].format(**valeurs)).strip()}
        for p in ref["prealables"]
    ])


# --- Notes de la carte -------------------------------------------------------------------

_REGROUPEMENTS = {
    1: "producteurs individuels regroupés par commune",
    2: "acteurs individuels regroupés par maillon et par commune",
    3: "acteurs individuels regroupés par maillon",
    4: "acteurs regroupés par maillon et par commune",
    5: "acteurs regroupés par maillon",
}


def note_regroupement(carte: CarteReseau) -> str | None:
    """La note d'une carte simplifiée (acteurs regroupés), sinon None."""
    if not carte.niveau:
        return None
    return (f"Carte simplifiée ({carte.nb_acteurs} acteurs) : {carte.nb_acteurs_groupes} "
            f"{_REGROUPEMENTS[carte.niveau]}, en {carte.nb_groupes} nœud(s) ; le nombre d'acteurs de chaque "
            "groupe est indiqué.")


def nom_court(nom: str, regroupe: bool = False) -> str:
    """Le nom d'un acteur sans ses précisions : avant la première virgule, sans parenthèses.

    Le nom d'un groupe d'acteurs (``regroupe``) est gardé tel quel.
    """
    if regroupe:
        return nom
    court = nom.split(",")[0].strip() or nom
    if "(" in court and not court.startswith("("):
        court = court.split("(")[0].strip() or court
    return court


def notes_carte(carte: CarteReseau) -> list[str]:
    """Les notes écrites sous la carte : regroupement, réseau vide ou chaîne incomplète, isolés, agrégateur."""
    notes = []
    regroupement = note_regroupement(carte)
    if regroupement:
        notes.append(regroupement)
    raison = raison_reseau_vide(carte.vide)
    if raison:
        notes.append(raison[0].upper() + raison[1:] + ".")
    else:
        manquantes = carte.etapes[carte.etapes["statut"] != "present"]
        if len(manquantes):
            notes.append("Chaîne incomplète : " + " ; ".join(
                f"« {e.libelle} » {'sans acteur' if e.statut == 'absent' else 'sans lien vers l étape suivante'}"
                .replace("l étape", "l'étape") for e in manquantes.itertuples()) + ".")
        isoles = carte.isoles
        if len(isoles):
            liste = ", ".join(nom_court(n) for n in isoles["nom"].head(6))
            plus = f" et {len(isoles) - 6} autre(s)" if len(isoles) > 6 else ""
            notes.append(f"Acteur(s) isolé(s), sans aucune relation : {liste}{plus}.")
    if carte.agregateur is None and carte.central:
        notes.append("Aucun agrégateur déclaré : le cercle rouge désigne l'acteur direct qui a le plus de "
                     "partenaires d'affaires.")
    elif carte.agregateur and carte.central and carte.agregateur != carte.central:
        notes.append("L'acteur le plus relié (cercle rouge) n'est pas l'agrégateur déclaré (cercle noir).")
    notes.append("Épaisseur d'une flèche : volume échangé, comparé aux relations de même type et de même unité "
                 "(trait fin : volume inconnu).")
    return notes
