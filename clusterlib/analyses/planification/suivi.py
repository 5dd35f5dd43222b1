"""Le suivi du plan d'actions : avancement à une date, budget prévu et dépensé, indicateurs."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib.analyses.planification._commun import (
    ETATS,
    ErreurPlanification,
    _cle_id,
    _ref,
    _texte,
    libelle_etat,
    lire_mois,
)

if TYPE_CHECKING:

    from clusterlib.donnees.modele import Cluster

__all__ = [
    "avancement",
    "budget_plan",
    "indicateurs_plan",
    "lire_date",
    "resume_avancement",
]


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
    "id", "action", "objet", "responsable", "debut", "fin", "statut", "etat", "mois_retard",
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
    defaut = _ref()["valeurs_par_defaut"]
    for _, lg in plan.iterrows():
        debut, fin = lire_mois(lg["debut"]), lire_mois(lg["fin"])
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
            "responsable": _texte(lg["responsable"]) or defaut["responsable"], "debut": _texte(lg["debut"]),
            "fin": _texte(lg["fin"]), "statut": statut, "etat": etat,
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
    lignes.append({"etat": "total", "libelle": _ref()["valeurs_par_defaut"]["total"], "nb_actions": total,
                   "part": 100.0 if total else math.nan,
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
        "responsable": plan["responsable"].fillna(_ref()["valeurs_par_defaut"]["responsable"]).astype("str"),
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
