"""La revue de campagne (section 4.3.6, tableau 13) : ce qui a changé depuis la revue précédente."""

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
    TableauAtelier,
    _campagne,
    _cle_objet,
    _lib_objet,
    _mois,
    _ref,
    _texte,
    libelle_etat,
    periode,
)
from clusterlib.analyses.planification.suivi import avancement, resume_avancement
from clusterlib.fichiers import retirer_neutralisation
from clusterlib.presentation.format_fr import nombre
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
    "tableau_suivi",
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
