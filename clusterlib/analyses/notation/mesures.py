"""Les notes que suggèrent les données (contrats, volumes, qualité, pertes, valeur ajoutée)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from clusterlib.analyses.notation._commun import CampagneAbsente, _grille
from clusterlib.analyses.notation.scores import _campagnes_notees, _table_scores, scores_indicateurs

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "niveau_seuils",
    "suggestions",
]


# --- Suggestions tirées des données -------------------------------------------------------


@dataclass(frozen=True)
class _Constat:
    """Ce qu'une mesure tire des données : la valeur, le cas (code), ses faits, et un niveau imposé éventuel."""

    valeur: float | None
    cas: str
    faits: dict[str, Any] = field(default_factory=dict)
    niveau: int | None = None


def niveau_seuils(valeur: float, seuils: Iterable[float], sens: str = "croissant") -> int:
    """Le niveau (1 à 4) d'une valeur mesurée selon les seuils d'une règle de suggestion.

    Sens croissant : 1 + nombre de seuils atteints (valeur ≥ seuil). Sens décroissant : 1 +
    nombre de seuils respectés (valeur ≤ seuil).
    """
    seuils = list(seuils)
    if sens == "decroissant":
        return 1 + sum(valeur <= s for s in seuils)
    return 1 + sum(valeur >= s for s in seuils)


def _annee(campagne: str) -> int:
    return int(str(campagne)[:4])


def _fenetre(campagnes: Iterable[str], campagne: str, longueur: int = 3) -> list[str]:
    """Les campagnes présentes parmi ``campagne`` et les ``longueur - 1`` précédentes."""
    fin = _annee(campagne)
    return sorted(c for c in set(campagnes) if fin - longueur < _annee(c) <= fin)


def _moyenne_ponderee(valeurs: pd.Series, poids: pd.Series) -> tuple[float, bool]:
    """Moyenne pondérée par ``poids`` si tous sont connus et positifs au total, sinon simple."""
    if poids.notna().all() and poids.sum() > 0:
        return float((valeurs * poids).sum() / poids.sum()), True
    return float(valeurs.mean()), False


def _campagne_courante(cluster: Cluster, campagne: str) -> _Constat | None:
    if campagne != cluster.campagne:
        return _Constat(None, "hors_campagne_relations", {"campagne_relations": cluster.campagne, "campagne": campagne})
    return None


def _maillon_source(cluster: Cluster) -> pd.Series:
    maillons = dict(zip(cluster.acteurs["id"], cluster.acteurs["maillon"], strict=True))
    return cluster.relations["source"].map(maillons)


def _livraisons_producteurs(cluster: Cluster) -> tuple[pd.DataFrame, dict[str, Any]]:
    rel = cluster.relations
    choix = rel[(rel["type"] == "produit") & (_maillon_source(cluster) == "producteur")]
    agregateur = cluster.fiche.agregateur
    if agregateur and (choix["cible"] == agregateur).any():
        return choix[choix["cible"] == agregateur], {"perimetre": "producteurs_agregateur", "agregateur": agregateur}
    return choix, {"perimetre": "producteurs_acheteurs"}


def _fournitures_agregateur(cluster: Cluster) -> tuple[pd.DataFrame | None, dict[str, Any]]:
    agregateur = cluster.fiche.agregateur
    if not agregateur:
        return None, {}
    rel = cluster.relations
    choix = rel[rel["type"].isin(["intrants", "equipement", "service", "credit"]) & (rel["cible"] == agregateur)]
    return choix, {"perimetre": "fournitures_agregateur", "agregateur": agregateur}


def _part_ecrit(choix: pd.DataFrame, perimetre: dict[str, Any], par_volume: bool) -> _Constat:
    if choix.empty:
        return _Constat(None, "aucune_relation", dict(perimetre))
    ecrit = choix["contrat"] == "ecrit"
    volumes = choix["volume"]
    if par_volume and volumes.notna().all() and choix["unite"].nunique(dropna=False) == 1 and volumes.sum() > 0:
        part = float(volumes[ecrit].sum() / volumes.sum() * 100)
        base = {"volume": float(volumes.sum()), "unite": choix["unite"].iloc[0]}
    else:
        part = float(ecrit.mean() * 100)
        base = {"nb_relations": len(choix)}
    return _Constat(part, "part_contrat_ecrit", {**base, **perimetre})


def _respect(choix: pd.DataFrame, perimetre: dict[str, Any], par_volume: bool) -> _Constat:
    sous_contrat = choix[choix["contrat"].isin(["ecrit", "verbal"]) & choix["respect"].notna()]
    if sous_contrat.empty:
        return _Constat(None, "aucun_respect", dict(perimetre))
    unites = sous_contrat["unite"].nunique(dropna=False)
    poids = sous_contrat["volume"] if par_volume and unites == 1 else pd.Series(np.nan, index=sous_contrat.index)
    moyenne, ponderee = _moyenne_ponderee(sous_contrat["respect"], poids)
    return _Constat(moyenne, "respect_contrats", {"ponderee": ponderee, "nb_relations": len(sous_contrat),
                                                  **perimetre})


def _mesure_contrats(
    selection: Callable[[Cluster], tuple[pd.DataFrame | None, dict[str, Any]]],
    calcul: Callable[..., _Constat],
    par_volume: bool,
) -> Callable[[Cluster, str, dict[str, Any]], _Constat]:
    """Une mesure des contrats (3.1 à 3.4) : relations retenues par ``selection``, mesurées par ``calcul``."""

    def mesure(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
        hors = _campagne_courante(cluster, campagne)
        if hors:
            return hors
        choix, perimetre = selection(cluster)
        if choix is None:
            return _Constat(None, "sans_agregateur")
        return calcul(choix, perimetre, par_volume=par_volume)

    return mesure


def _table_de_campagne(table: pd.DataFrame | None, campagne: str, absente: str,
                       sans_campagne: str) -> tuple[pd.DataFrame | None, _Constat | None]:
    """La table si elle a des lignes de la campagne ; sinon le constat qui dit pourquoi il n'y a pas de mesure."""
    if table is None:
        return None, _Constat(None, absente)
    if not (table["campagne"] == campagne).any():
        return None, _Constat(None, sans_campagne, {"campagne": campagne})
    return table, None


def _performances(cluster: Cluster, campagne: str) -> tuple[pd.DataFrame | None, _Constat | None]:
    return _table_de_campagne(cluster.performances, campagne, "sans_performances", "performances_sans_campagne")


def _mesure_evolution_volumes(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    perf, absent = _performances(cluster, campagne)
    if absent:
        return absent
    fenetre = _fenetre(perf["campagne"], campagne)
    lignes = perf[perf["campagne"].isin(fenetre) & perf["volume"].notna()]
    unite = lignes["unite"].fillna("").value_counts().index[0] if not lignes.empty else ""
    autres = int((lignes["unite"].fillna("") != unite).sum())
    lignes = lignes[lignes["unite"].fillna("") == unite]
    totaux = lignes.groupby("campagne")["volume"].sum().reindex(fenetre).dropna()
    if len(totaux) < 2 or campagne not in totaux.index:
        return _Constat(None, "volumes_insuffisants")
    premier, dernier = float(totaux.iloc[0]), float(totaux.iloc[-1])
    if premier <= 0:
        return _Constat(None, "volume_nul", {"campagne": totaux.index[0]})
    variation = (dernier - premier) / premier * 100
    niv = niveau_seuils(variation, regle["seuils"], regle.get("sens", "croissant"))
    recul = bool((totaux.diff().dropna() < 0).any())
    plafonne = niv == 4 and recul
    if plafonne:
        niv = 3
    faits = {"unite": unite, "totaux": tuple((c, float(v)) for c, v in totaux.items()), "variation": variation,
             "autres_unites": autres, "recul_plafonne": plafonne}
    return _Constat(variation, "evolution_volumes", faits, niv)


def _moyenne_perf(perf: pd.DataFrame, campagne: str, colonne: str) -> tuple[float | None, bool]:
    lignes = perf[(perf["campagne"] == campagne) & perf[colonne].notna()]
    if lignes.empty:
        return None, False
    poids = lignes["volume"] if lignes["unite"].nunique(dropna=False) == 1 else pd.Series(np.nan, index=lignes.index)
    return _moyenne_ponderee(lignes[colonne], poids)


def _moyenne_mesuree(cluster: Cluster, campagne: str, colonne: str, cas: str,
                     cas_absent: str) -> tuple[pd.DataFrame | None, _Constat]:
    """Les performances et la moyenne de ``colonne`` sur les livraisons de ``campagne`` (constat ``cas``,
    faits ``campagne`` et ``ponderee``) ; sans mesure possible, ``None`` et le constat qui dit pourquoi."""
    perf, absent = _performances(cluster, campagne)
    if absent:
        return None, absent
    moyenne, ponderee = _moyenne_perf(perf, campagne, colonne)
    if moyenne is None:
        return None, _Constat(None, cas_absent, {"campagne": campagne})
    return perf, _Constat(moyenne, cas, {"campagne": campagne, "ponderee": ponderee})


def _mesure_conformite(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    perf, constat = _moyenne_mesuree(cluster, campagne, "taux_conformite", "conformite", "conformite_absente")
    if perf is None:
        return constat
    moyenne, faits = constat.valeur, dict(constat.faits)
    niv = niveau_seuils(moyenne, regle["seuils"], regle.get("sens", "croissant"))
    anterieures = [c for c in _fenetre(perf["campagne"], campagne) if c != campagne]
    for ancienne in anterieures:
        avant, _ = _moyenne_perf(perf, ancienne, "taux_conformite")
        if avant is None:
            continue
        faits.update(campagne_precedente=ancienne, valeur_precedente=avant, baisse_penalisee=False)
        if avant - moyenne >= regle.get("baisse_penalisee", np.inf) and niv > 1:
            niv -= 1
            faits["baisse_penalisee"] = True
        break
    return _Constat(moyenne, "conformite", faits, niv)


def _mesure_pertes(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    return _moyenne_mesuree(cluster, campagne, "pertes", "pertes", "pertes_absentes")[1]


def _comptes_par_maillon(cluster: Cluster) -> pd.DataFrame | None:
    """Crochet vers le module d'analyse économique : valeur ajoutée par campagne et maillon.

    Renvoie un tableau avec au moins ``campagne``, ``maillon`` et ``valeur_ajoutee`` (FCFA),
    ou ``None`` si le module :mod:`clusterlib.analyses.comptes` n'est pas disponible.
    """
    try:
        from clusterlib.analyses.comptes import comptes_par_maillon
    except ImportError:
        return None
    return comptes_par_maillon(cluster.comptes)


def _valeur_ajoutee(cluster: Cluster, campagne: str) -> tuple[pd.DataFrame | None, _Constat | None]:
    if cluster.comptes is None:
        return None, _Constat(None, "sans_comptes")
    return _table_de_campagne(_comptes_par_maillon(cluster), campagne, "comptes_indisponibles",
                              "comptes_sans_campagne")


def _mesure_evolution_valeur_ajoutee(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    va, absent = _valeur_ajoutee(cluster, campagne)
    if absent:
        return absent
    fenetre = _fenetre(va["campagne"], campagne)
    totaux = va[va["campagne"].isin(fenetre)].groupby("campagne")["valeur_ajoutee"].sum().reindex(fenetre)
    if len(totaux) < 2:
        return _Constat(None, "valeur_ajoutee_insuffisante")
    premier, dernier = float(totaux.iloc[0]), float(totaux.iloc[-1])
    if premier <= 0:
        return _Constat(None, "valeur_ajoutee_nulle_debut", {"campagne": totaux.index[0]})
    variation = (dernier - premier) / premier * 100
    return _Constat(variation, "evolution_valeur_ajoutee",
                    {"totaux": tuple((c, float(v)) for c, v in totaux.items()), "variation": variation})


def _mesure_repartition_valeur_ajoutee(cluster: Cluster, campagne: str, regle: dict[str, Any]) -> _Constat:
    va, absent = _valeur_ajoutee(cluster, campagne)
    if absent:
        return absent
    par_maillon = va[va["campagne"] == campagne].groupby("maillon")["valeur_ajoutee"].sum()
    negatifs = par_maillon[par_maillon < 0]
    total = float(par_maillon.sum())
    if total <= 0:
        return _Constat(None, "valeur_ajoutee_totale_nulle", {"campagne": campagne}, 1 if len(negatifs) else None)
    part = float(par_maillon.max() / total * 100)
    faits = {"maillon": str(par_maillon.idxmax()), "campagne": campagne,
             "negatifs": tuple(str(m) for m in negatifs.index)}
    return _Constat(part, "repartition_valeur_ajoutee", faits, 1 if len(negatifs) else None)


_MESURES: dict[str, Callable[[Any, str, dict[str, Any]], _Constat]] = {
    "part_contrat_ecrit_producteurs": _mesure_contrats(_livraisons_producteurs, _part_ecrit, par_volume=True),
    "respect_contrats_producteurs": _mesure_contrats(_livraisons_producteurs, _respect, par_volume=True),
    "part_contrat_ecrit_fournisseurs": _mesure_contrats(_fournitures_agregateur, _part_ecrit, par_volume=False),
    "respect_contrats_fournisseurs": _mesure_contrats(_fournitures_agregateur, _respect, par_volume=False),
    "evolution_volumes": _mesure_evolution_volumes,
    "conformite": _mesure_conformite,
    "pertes": _mesure_pertes,
    "evolution_valeur_ajoutee": _mesure_evolution_valeur_ajoutee,
    "repartition_valeur_ajoutee": _mesure_repartition_valeur_ajoutee,
}


def suggestions(cluster: Cluster, campagne: str | None = None) -> pd.DataFrame:
    """Les notes que proposent les données, à côté de celles des évaluateurs, sans les remplacer.

    Une ligne par indicateur qui a une règle ``suggestion`` dans le référentiel (3.1 à 3.4,
    5.1, 5.2, 5.4, 6.2, 6.3). Colonnes : ``indicateur``, ``nom``, ``score_evaluateurs``
    (moyenne des évaluateurs, vide si non noté), ``score_suggere`` (1 à 4, vide quand les
    données ne suffisent pas), ``ecart`` (suggérée − évaluateurs), ``valeur`` (le fait mesuré,
    en % pour toutes les règles actuelles), ``cas`` (code de ce qui a été mesuré, ou de ce qui
    manque pour mesurer), ``faits`` (dictionnaire des nombres, campagnes et codes qui fondent le
    cas) et ``regle`` (la règle du référentiel). La raison en toutes lettres :
    :func:`clusterlib.presentation.notation.table_suggestions`.
    """
    campagne = campagne or cluster.campagne
    if campagne not in cluster.campagnes():
        raise CampagneAbsente(campagne, cluster.campagnes(), quoi="des données du cluster")
    table = _table_scores(cluster)
    notes: dict[str, float] = {}
    if campagne in _campagnes_notees(table):
        ind = scores_indicateurs(table, campagne)
        notes = dict(zip(ind["indicateur"], ind["score"], strict=True))
    lignes = []
    for axe in _grille()["axes"]:
        for indicateur in axe["indicateurs"]:
            regle = indicateur.get("suggestion")
            if not regle:
                continue
            mesure = _MESURES.get(regle["mesure"])
            if mesure is None:
                constat = _Constat(None, "mesure_inconnue", {"mesure": regle["mesure"]})
            else:
                constat = mesure(cluster, campagne, regle)
            suggere = constat.niveau
            if suggere is None and constat.valeur is not None:
                suggere = niveau_seuils(constat.valeur, regle["seuils"], regle.get("sens", "croissant"))
            lignes.append({
                "indicateur": indicateur["id"],
                "nom": indicateur["nom"],
                "score_evaluateurs": notes.get(indicateur["id"], np.nan),
                "score_suggere": suggere,
                "valeur": constat.valeur,
                "cas": constat.cas,
                "faits": constat.faits,
                "regle": " ".join(regle["regle"].split()),
            })
    resultat = pd.DataFrame(lignes)
    resultat["score_evaluateurs"] = resultat["score_evaluateurs"].astype("float64")
    resultat["score_suggere"] = resultat["score_suggere"].astype("Int64")
    resultat["valeur"] = pd.to_numeric(resultat["valeur"]).astype("float64")
    resultat.insert(4, "ecart", resultat["score_suggere"].astype("float64") - resultat["score_evaluateurs"])
    return resultat
