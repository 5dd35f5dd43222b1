"""La revue de campagne (section 4.3.6, tableau 13) : ce qui a changé depuis la revue précédente.

Des codes et des faits : le tableau de suivi rédigé (périodes, états, évolutions en clair) et
les changements de l'analyse FFOM en toutes lettres s'écrivent dans
:mod:`clusterlib.presentation.planification`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.planification._commun import (
    ErreurPlanification,
    _campagne,
    _cle_objet,
    _ref,
    _texte,
    lire_mois,
)
from clusterlib.analyses.planification.suivi import avancement, resume_avancement
from clusterlib.fichiers import retirer_neutralisation
from clusterlib.referentiel import regles

if TYPE_CHECKING:

    from clusterlib.donnees.modele import Cluster

__all__ = [
    "evolution_ffom",
    "evolution_notes",
    "fin_campagne",
    "lire_plan_precedent",
    "revue_campagne",
    "suivi_campagne",
]


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


def _evolution_dates(lg: pd.Series, fenetre: tuple[pd.Period, pd.Period], campagne: str) -> tuple[str, dict[str, Any]]:
    d0, d1 = fenetre
    debut, fin = lire_mois(lg["debut"]), lire_mois(lg["fin"])
    faits: dict[str, Any] = {"campagne": campagne, "mois_retard": None, "non_demarree": False}
    if lg["etat"] == "realisee":
        if fin is not None and d0 <= fin <= d1:
            return "realisee_campagne", faits
        if fin is not None and fin < d0:
            return "realisee_avant", faits
        return "realisee", faits
    if lg["etat"] == "abandonnee":
        return "abandonnee", faits
    faits["mois_retard"] = lg["mois_retard"] if lg["etat"] == "en_retard" else None
    faits["non_demarree"] = bool(lg["non_demarree"])
    if debut is not None and d0 <= debut <= d1:
        return "nouvelle_campagne", faits
    if debut is not None and debut < d0:
        return "reportee", faits
    return "ouverte", faits


def _evolution_copie(lg: pd.Series, avant: pd.DataFrame | None) -> tuple[str, dict[str, Any]]:
    if avant is None or lg["id"] not in set(avant["id"]):
        return "nouvelle_revue", {}
    p = avant[avant["id"] == lg["id"]].iloc[0]
    faits: dict[str, Any] = {}
    if _texte(p["statut"]) != lg["statut"]:
        faits["statut"] = (_texte(p["statut"]), lg["statut"])
    r0, r1 = p["realise"], lg["realise"]
    if pd.notna(r1) and (pd.isna(r0) or r0 != r1):
        faits["realise"] = (r0, r1, math.nan if pd.isna(r0) else r1 - r0)
    if _texte(p["fin"]) != lg["fin"]:
        faits["fin"] = (p["fin"], lg["fin"])
    return ("modifiee" if faits else "inchangee"), faits


_COLONNES_SUIVI = ["id", "action", "responsable", "debut", "fin", "etat", "indicateur", "cible", "realise",
                   "taux_realisation", "evolution", "faits"]


def suivi_campagne(
    plan: Cluster | pd.DataFrame | None,
    date_reference: Any = None,
    campagne: str | None = None,
    plan_precedent: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Le suivi des actions pour la revue de campagne (tableau 13 du guide), en codes et en faits.

    Une ligne par action : ``id``, ``action``, ``responsable``, ``debut``, ``fin``, ``etat``
    (code de :data:`ETATS`, ou ``retiree`` pour une action retirée du plan), ``indicateur``,
    ``cible``, ``realise``, ``taux_realisation``, puis ce qui a changé depuis la revue
    précédente : ``evolution`` (un cas) et ``faits`` (dictionnaire). Avec ``plan_precedent``
    (la copie du plan gardée à la revue précédente), comparaison action par action : cas
    ``nouvelle_revue``, ``inchangee``, ``modifiee`` (faits ``statut`` : (avant, après),
    ``realise`` : (avant, après, écart), ``fin`` : (avant, après), seulement ce qui a changé)
    ou ``retiree`` ; les actions retirées du plan depuis la copie sont ajoutées à la fin. Sans
    copie, lecture des dates par rapport à la campagne : cas ``realisee_campagne``,
    ``realisee_avant``, ``realisee``, ``abandonnee``, ``nouvelle_campagne``, ``reportee`` ou
    ``ouverte``, faits ``campagne``, ``mois_retard`` (si l'action est en retard) et
    ``non_demarree``. :func:`clusterlib.presentation.planification.tableau_suivi` le rédige.
    """
    source_campagne = campagne
    if source_campagne is None and plan is not None and not isinstance(plan, pd.DataFrame):
        source_campagne = plan.campagne
    av = avancement(plan, date_reference)
    if av.empty and plan_precedent is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in _COLONNES_SUIVI})
    if plan_precedent is None and source_campagne is None:
        raise ErreurPlanification(f"suivi de campagne : précisez la campagne ({regles.format_campagne()}) "
                                  "ou donnez le plan précédent")
    fenetre = _fenetre_campagne(source_campagne) if plan_precedent is None else None
    lignes = []
    for _, lg in av.iterrows():
        evolution, faits = (_evolution_dates(lg, fenetre, source_campagne) if fenetre is not None
                            else _evolution_copie(lg, plan_precedent))
        lignes.append({**{c: lg[c] for c in _COLONNES_SUIVI if c in av.columns}, "evolution": evolution,
                       "faits": faits})
    if plan_precedent is not None and not plan_precedent.empty:
        for _, p in plan_precedent[~plan_precedent["id"].isin(set(av["id"]))].iterrows():
            lignes.append({
                "id": _texte(p["id"]), "action": _texte(p["action"]), "responsable": _texte(p["responsable"]),
                "debut": _texte(p["debut"]), "fin": _texte(p["fin"]), "etat": "retiree",
                "indicateur": _texte(p["indicateur"]), "cible": p["cible"], "realise": p["realise"],
                "taux_realisation": math.nan, "evolution": "retiree", "faits": {},
            })
    cadre = pd.DataFrame(lignes, columns=_COLONNES_SUIVI)
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
    campagne antérieure présente). Colonnes ``objet`` (clé du maillon ou de la paire),
    ``type`` (code), ``description``, ``evolution`` (``nouveau`` : absent de la campagne
    précédente ; ``plus_cite`` : plus cité dans la campagne étudiée), ``campagne`` (celle où
    l'élément figure) et ``comparee_a`` (l'autre campagne). Un élément « plus cité » n'est pas
    forcément réglé : la revue le vérifie.
    """
    colonnes = ["objet", "type", "description", "evolution", "campagne", "comparee_a"]
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
    for cadre, autres, code, camp, autre in ((apres, cles_avant, "nouveau", campagne, precedente),
                                             (avant, cles_apres, "plus_cite", precedente, campagne)):
        for _, lg in cadre.iterrows():
            if (lg["cle"], lg["type"], lg["cle_texte"]) not in autres:
                lignes.append({"objet": lg["cle"], "type": lg["type"], "description": lg["description"],
                               "evolution": code, "campagne": camp, "comparee_a": autre})
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
