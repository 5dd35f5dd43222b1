"""Comptes d'exploitation par maillon, valeur ajoutée du cluster et son partage.

Méthode : celle des études de chaînes de valeur VCA4D (Union européenne), que suivent aussi
VCA-Tool (FAO) et AFA (CIRAD), appliquée ici à un seul cluster, campagne après campagne :

- montant d'une ligne = ``montant × multiplicateur`` (ou ``quantite × prix_unitaire ×
  multiplicateur`` quand ``montant`` est vide ; multiplicateur vide = 1) ;
- valeur ajoutée = produit brut − consommations intermédiaires ;
- revenu net d'exploitation = valeur ajoutée − main-d'œuvre − frais financiers − impôts et
  taxes − amortissement − location de la terre + subventions.

Le cœur (:func:`comptes_par_maillon`) prend une simple table ``comptes`` ; si elle porte une
colonne ``cluster``, les comptes de plusieurs clusters sont calculés d'un coup. Les fonctions
qui prennent un :class:`~clusterlib.donnees.modele.Cluster` (:func:`analyser_comptes`,
:func:`evolution_va`, :func:`synthese_economie`) l'enveloppent.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from clusterlib import referentiel

if TYPE_CHECKING:
    from collections.abc import Mapping

    from clusterlib.donnees.modele import Cluster

__all__ = [
    "SOLDES",
    "AnalyseComptes",
    "ErreurRepartition",
    "analyser_comptes",
    "cle_produit",
    "comptes_par_maillon",
    "controles_comptes",
    "effectifs_par_maillon",
    "evolution_va",
    "evolution_va_par_maillon",
    "gini_pondere",
    "indice_gini",
    "libelle_beneficiaire",
    "libelle_controle",
    "libelle_solde",
    "montant_lignes",
    "nom_produit",
    "part_producteurs_prix_final",
    "poste_correspond",
    "referentiel_comptes",
    "repartition_va",
    "repartition_va_par_maillon",
    "revenus_par_personne",
    "synthese_economie",
    "totaux_cluster",
]

# Rubriques du compte (codes de la liste « categories_compte ») et soldes calculés.
RUBRIQUES_CHARGES = ("main_oeuvre", "frais_financiers", "impots_taxes", "amortissement", "location_terre")
SOLDES = (
    "produit_brut",
    "consommations_intermediaires",
    "valeur_ajoutee",
    *RUBRIQUES_CHARGES,
    "subvention",
    "revenu_net_exploitation",
)
"""Colonnes des comptes par maillon, dans l'ordre de présentation."""

_VERS_SOLDE = {"produit": "produit_brut", "consommation_intermediaire": "consommations_intermediaires"}


class ErreurRepartition(ValueError):
    """Le partage de la valeur ajoutée ne retombe pas sur la valeur ajoutée totale."""


# --- Référentiel ---------------------------------------------------------------------------


_lire_referentiel = partial(referentiel.lire, "comptes.yml")
"""Le référentiel des comptes (contenu partagé : ne pas le modifier)."""


def referentiel_comptes() -> dict[str, Any]:
    """Le référentiel des comptes (``referentiel/comptes.yml``) : soldes, bénéficiaires, seuils…"""
    return copy.deepcopy(_lire_referentiel())


def libelle_solde(code: str) -> str:
    """Le libellé français d'un solde ou d'une rubrique du compte (``valeur_ajoutee`` → « Valeur ajoutée »)."""
    return referentiel.libelle_de(_lire_referentiel()["soldes"], code)


def libelle_beneficiaire(code: str) -> str:
    """Le libellé français d'un bénéficiaire de la valeur ajoutée (``etat`` → « État et communes… »)."""
    return referentiel.libelle_de(_lire_referentiel()["beneficiaires_va"], code)


def libelle_controle(code: str) -> str:
    """Le libellé français d'un contrôle de cohérence (``produit_nul`` → « Ligne de produit égale à zéro »)."""
    return referentiel.libelle_de(_lire_referentiel()["controles"], code)


def _ordre_maillons() -> dict[str, int]:
    return {code: i for i, code in enumerate(referentiel.codes("maillons"))}


def _cles(comptes: pd.DataFrame) -> list[str]:
    """Colonnes de regroupement : ``cluster`` (s'il existe), ``campagne``."""
    return (["cluster"] if "cluster" in comptes.columns else []) + ["campagne"]


def _trier(cadre: pd.DataFrame, cles: list[str]) -> pd.DataFrame:
    ordre = _ordre_maillons()
    par = [*cles, "maillon"] if "maillon" in cadre.columns else cles
    return cadre.sort_values(
        par, key=lambda s: s.map(ordre).fillna(len(ordre)) if s.name == "maillon" else s, kind="stable"
    ).reset_index(drop=True)


# --- Montants des lignes et comptes par maillon ------------------------------------------


def montant_lignes(comptes: pd.DataFrame) -> pd.Series:
    """Le montant en FCFA de chaque ligne du compte.

    ``montant × multiplicateur`` ; quand ``montant`` est vide, ``quantite × prix_unitaire ×
    multiplicateur`` ; un multiplicateur vide vaut 1. Les lignes sans montant calculable
    donnent ``NaN`` (la validation les refuse déjà).
    """
    montant = comptes["montant"].to_numpy(dtype="float64", na_value=np.nan)
    if "quantite" in comptes.columns and "prix_unitaire" in comptes.columns:
        calcule = (comptes["quantite"].to_numpy(dtype="float64", na_value=np.nan)
                   * comptes["prix_unitaire"].to_numpy(dtype="float64", na_value=np.nan))
        montant = np.where(np.isnan(montant), calcule, montant)
    if "multiplicateur" in comptes.columns:
        multiplicateur = comptes["multiplicateur"].to_numpy(dtype="float64", na_value=np.nan)
        montant = montant * np.where(np.isnan(multiplicateur), 1.0, multiplicateur)
    return pd.Series(montant, index=comptes.index, name="montant_ligne", dtype="float64")


def _colonnes_vides(cles: list[str]) -> pd.DataFrame:
    colonnes = {c: pd.Series(dtype="str") for c in [*cles, "maillon"]}
    colonnes.update({c: pd.Series(dtype="float64") for c in [*SOLDES, "part_va", "ratio_va_ci"]})
    return pd.DataFrame(colonnes)


def comptes_par_maillon(comptes: pd.DataFrame, campagne: str | None = None) -> pd.DataFrame:
    """Le compte d'exploitation de chaque maillon, pour chaque campagne.

    Une ligne par (``cluster`` s'il y a cette colonne,) ``campagne`` et ``maillon`` ; colonnes
    :data:`SOLDES` (montants en FCFA), puis ``part_va`` (part du maillon dans la valeur
    ajoutée du cluster pour la campagne, en %) et ``ratio_va_ci`` (valeur ajoutée du maillon
    pour 1 FCFA de consommations intermédiaires). ``campagne`` limite le calcul à une campagne.
    Les maillons sont rangés dans l'ordre de la chaîne. Calcul vectorisé : un million de
    lignes se traite en moins d'une seconde.
    """
    cles = _cles(comptes)
    if campagne is not None:
        comptes = comptes[comptes["campagne"] == campagne]
    if comptes.empty:
        return _colonnes_vides(cles)
    lignes = pd.DataFrame({c: comptes[c] for c in [*cles, "maillon", "categorie"]})
    lignes["montant_ligne"] = montant_lignes(comptes)
    somme = (
        lignes.groupby([*cles, "maillon", "categorie"], sort=False, observed=True)["montant_ligne"]
        .sum()
        .unstack("categorie", fill_value=0.0)
    )
    somme = somme.reindex(columns=list(referentiel.codes("categories_compte")), fill_value=0.0)
    somme = somme.rename(columns=_VERS_SOLDE)
    somme["valeur_ajoutee"] = somme["produit_brut"] - somme["consommations_intermediaires"]
    somme["revenu_net_exploitation"] = (
        somme["valeur_ajoutee"] - somme[list(RUBRIQUES_CHARGES)].sum(axis=1) + somme["subvention"]
    )
    resultat = somme[list(SOLDES)].reset_index()
    resultat.columns.name = None
    total_va = resultat.groupby(cles, sort=False)["valeur_ajoutee"].transform("sum")
    resultat["part_va"] = (resultat["valeur_ajoutee"] / total_va.where(total_va != 0)) * 100
    ci = resultat["consommations_intermediaires"]
    resultat["ratio_va_ci"] = resultat["valeur_ajoutee"] / ci.where(ci != 0)
    return _trier(resultat, cles)


def totaux_cluster(par_maillon: pd.DataFrame) -> pd.DataFrame:
    """Les totaux du cluster par campagne, à partir de :func:`comptes_par_maillon`.

    Colonnes : les :data:`SOLDES` additionnés sur les maillons, ``nb_maillons`` et
    ``ratio_va_ci`` = valeur ajoutée totale / consommations intermédiaires totales. Ce ratio
    se calcule sur les totaux, jamais comme la moyenne des ratios des maillons (qui donnerait
    le même poids à un petit maillon qu'au plus gros).
    """
    cles = _cles(par_maillon)
    if par_maillon.empty:
        colonnes = {c: pd.Series(dtype="str") for c in cles}
        colonnes.update({c: pd.Series(dtype="float64") for c in [*SOLDES, "nb_maillons", "ratio_va_ci"]})
        return pd.DataFrame(colonnes)
    totaux = par_maillon.groupby(cles, sort=True)[list(SOLDES)].sum()
    totaux["nb_maillons"] = par_maillon.groupby(cles, sort=True)["maillon"].nunique().astype("float64")
    ci = totaux["consommations_intermediaires"]
    totaux["ratio_va_ci"] = totaux["valeur_ajoutee"] / ci.where(ci != 0)
    return totaux.reset_index()


# --- Partage de la valeur ajoutée -----------------------------------------------------------


def repartition_va_par_maillon(par_maillon: pd.DataFrame) -> pd.DataFrame:
    """Ce que chaque maillon verse à chaque bénéficiaire de sa valeur ajoutée.

    Une ligne par (cluster,) campagne et maillon ; une colonne par bénéficiaire du référentiel
    (``salaries``, ``preteurs``, ``etat`` (impôts nets des subventions), ``proprietaires_terre``,
    ``amortissement``, ``exploitants``), en FCFA, plus ``valeur_ajoutee``. Sur chaque ligne,
    la somme des bénéficiaires vaut la valeur ajoutée du maillon ; sinon
    :class:`ErreurRepartition` est levée.
    """
    cles = _cles(par_maillon)
    sortie = par_maillon[[*cles, "maillon", "valeur_ajoutee"]].copy()
    codes = []
    for b in _lire_referentiel()["beneficiaires_va"]:
        if "solde" in b:
            sortie[b["code"]] = par_maillon[b["solde"]]
        else:
            sortie[b["code"]] = sum(signe * par_maillon[r] for r, signe in b["rubriques"].items())
        codes.append(b["code"])
    ecart = (sortie[codes].sum(axis=1) - sortie["valeur_ajoutee"]).abs()
    tolerance = 1e-6 * np.maximum(1.0, sortie["valeur_ajoutee"].abs())
    if (ecart > tolerance).any():
        ligne = sortie[ecart > tolerance].iloc[0]
        raise ErreurRepartition(
            f"le partage de la valeur ajoutée du maillon « {ligne['maillon']} » ({ligne['campagne']}) ne "
            "retombe pas sur sa valeur ajoutée : vérifiez la liste beneficiaires_va de referentiel/comptes.yml"
        )
    return sortie


def repartition_va(par_maillon: pd.DataFrame) -> pd.DataFrame:
    """Qui reçoit la valeur ajoutée du cluster, par campagne.

    Une ligne par (cluster,) campagne et bénéficiaire : ``beneficiaire`` (code), ``libelle``,
    ``montant`` (FCFA) et ``part`` (% de la valeur ajoutée totale). Vérifié : pour chaque
    campagne, les montants additionnés redonnent exactement la valeur ajoutée totale
    (sinon :class:`ErreurRepartition`).
    """
    cles = _cles(par_maillon)
    detail = repartition_va_par_maillon(par_maillon)
    codes = [b["code"] for b in _lire_referentiel()["beneficiaires_va"]]
    if detail.empty:
        return pd.DataFrame({**{c: pd.Series(dtype="str") for c in [*cles, "beneficiaire", "libelle"]},
                             "montant": pd.Series(dtype="float64"), "part": pd.Series(dtype="float64")})
    par_campagne = detail.groupby(cles, sort=True)[[*codes, "valeur_ajoutee"]].sum()
    ecart = (par_campagne[codes].sum(axis=1) - par_campagne["valeur_ajoutee"]).abs()
    if (ecart > 1e-6 * np.maximum(1.0, par_campagne["valeur_ajoutee"].abs())).any():
        raise ErreurRepartition("le partage de la valeur ajoutée ne retombe pas sur la valeur ajoutée totale")
    longue = par_campagne[codes].stack().rename("montant").reset_index()
    longue = longue.rename(columns={longue.columns[len(cles)]: "beneficiaire"})
    va = longue.groupby(cles)["montant"].transform("sum")
    longue["part"] = longue["montant"] / va.where(va != 0) * 100
    longue.insert(len(cles) + 1, "libelle", longue["beneficiaire"].map(libelle_beneficiaire).astype("str"))
    return longue


# --- Équité : revenus par personne et indice de Gini ----------------------------------------


def effectifs_par_maillon(acteurs: pd.DataFrame) -> pd.Series:
    """Le nombre de personnes de chaque maillon (somme de ``effectif`` dans la table acteurs)."""
    effectifs = acteurs.groupby("maillon", sort=False)["effectif"].sum(min_count=1).astype("float64")
    return effectifs.dropna()


def gini_pondere(valeurs: Any, poids: Any = None) -> float:
    """Indice de Gini de ``valeurs`` pondérées par ``poids`` (0 = égalité parfaite).

    G = Σᵢ Σⱼ pᵢ pⱼ |xᵢ − xⱼ| / (2 · P² · moyenne). Avec des revenus négatifs l'indice peut
    dépasser 1 ; il vaut ``NaN`` si la moyenne pondérée est nulle ou négative, ou sans valeur.
    """
    x = np.asarray(valeurs, dtype="float64")
    p = np.ones_like(x) if poids is None else np.asarray(poids, dtype="float64")
    garde = ~(np.isnan(x) | np.isnan(p)) & (p > 0)
    x, p = x[garde], p[garde]
    if x.size == 0:
        return float("nan")
    total = p.sum()
    moyenne = float((p * x).sum() / total)
    if moyenne <= 0:
        return float("nan")
    # Forme triée, en O(n log n) : somme des écarts pondérés via les cumuls.
    ordre = np.argsort(x, kind="stable")
    x, p = x[ordre], p[ordre]
    cum_p = np.cumsum(p) - p
    cum_px = np.cumsum(p * x) - p * x
    somme_ecarts = 2 * float((p * (x * cum_p - cum_px)).sum())
    return somme_ecarts / (2 * total**2 * moyenne)


def revenus_par_personne(par_maillon: pd.DataFrame, effectifs: Mapping[str, float] | pd.Series) -> pd.DataFrame:
    """Revenu net d'exploitation par personne de chaque maillon (FCFA par personne et campagne).

    ``effectifs`` : nombre de personnes par maillon (voir :func:`effectifs_par_maillon`). Les
    maillons sans effectif connu ont ``revenu_par_personne`` vide.
    """
    cles = _cles(par_maillon)
    sortie = par_maillon[[*cles, "maillon", "revenu_net_exploitation"]].copy()
    effectifs = pd.Series(effectifs, dtype="float64")
    sortie["effectif"] = sortie["maillon"].map(effectifs).astype("float64")
    sortie["revenu_par_personne"] = sortie["revenu_net_exploitation"] / sortie["effectif"].where(sortie["effectif"] > 0)
    return sortie


def indice_gini(par_maillon: pd.DataFrame, effectifs: Mapping[str, float] | pd.Series) -> pd.DataFrame:
    """Indice de Gini du revenu net par personne entre maillons, pondéré par les effectifs.

    Chaque personne d'un maillon est comptée avec le revenu moyen de son maillon ; 0 veut dire
    que chacun gagne autant, quel que soit son maillon. Une ligne par (cluster,) campagne :
    ``gini`` et ``nb_maillons`` (maillons pris en compte, ceux dont l'effectif est connu).
    """
    cles = _cles(par_maillon)
    revenus = revenus_par_personne(par_maillon, effectifs).dropna(subset=["revenu_par_personne"])
    lignes = []
    for cle, groupe in revenus.groupby(cles, sort=True):
        cle = cle if isinstance(cle, tuple) else (cle,)
        lignes.append({**dict(zip(cles, cle, strict=True)),
                       "gini": gini_pondere(groupe["revenu_par_personne"], groupe["effectif"]),
                       "nb_maillons": len(groupe)})
    if not lignes:
        return pd.DataFrame({**{c: pd.Series(dtype="str") for c in cles},
                             "gini": pd.Series(dtype="float64"), "nb_maillons": pd.Series(dtype="int64")})
    return pd.DataFrame(lignes)


# --- Repérage des lignes par leur libellé ----------------------------------------------------


def _normaliser(texte: str) -> str:
    return referentiel.cle_normalisee(texte)


def poste_correspond(postes: pd.Series, motifs: str | list[str] | tuple[str, ...], debut: bool = False) -> pd.Series:
    """Les lignes dont le libellé (``poste``) contient l'un des ``motifs``.

    La comparaison ignore accents, majuscules et ponctuation, et se fait au début d'un mot :
    « paddy » repère « Paddy acheté » et « Sacs du paddy », pas « Lepaddy ». Avec
    ``debut=True``, seul le début du libellé compte (« paddy » ne repère plus « Sacs du paddy »).
    """
    if isinstance(motifs, str):
        motifs = [motifs]
    motifs_norm = [m for m in (_normaliser(m) for m in motifs) if m]
    if not motifs_norm:
        return pd.Series(False, index=postes.index)
    alternatives = "|".join(re.escape(m) for m in motifs_norm)
    motif = re.compile(rf"^(?:{alternatives})" if debut else rf"(?:^|_)(?:{alternatives})")
    uniques = pd.unique(postes.dropna())
    trouve = {p: bool(motif.search(_normaliser(p))) for p in uniques}
    return postes.map(trouve).fillna(False).astype(bool)


def nom_produit(poste: str) -> str:
    """Le nom du produit dans un libellé de vente ou d'achat.

    Les mots qui précèdent le verbe ou la ponctuation : « Riz étuvé vendu : Supermarchés » →
    « Riz étuvé » ; « Paddy acheté aux producteurs » → « Paddy » ; « Achat de paddy » → « paddy ».
    """
    motifs = _lire_referentiel()["motifs"]
    fin = {_normaliser(m) for m in motifs["fin_nom_produit"]}
    debut = {_normaliser(m) for m in motifs["debut_nom_produit"]}
    texte = str(poste)
    for signe in (":", "(", ",", ";"):
        texte = texte.split(signe)[0]
    mots = texte.replace("'", "' ").replace("’", "’ ").split()
    while mots and _normaliser(mots[0]) in debut:
        mots = mots[1:]
    garde: list[str] = []
    for mot in mots:
        if _normaliser(mot) in fin or len(garde) == 4:
            break
        garde.append(mot)
    return " ".join(garde).replace("' ", "'").replace("’ ", "’").strip() or str(poste).strip()


def cle_produit(poste: str) -> str:
    """Le premier mot (sans accents, en minuscules) du nom du produit d'un libellé : « Riz étuvé vendu » → ``riz``."""
    return _normaliser(nom_produit(poste)).split("_")[0]


# --- Contrôles de cohérence -----------------------------------------------------------------


_COLONNES_ALERTE = ("campagne", "maillon", "poste", "controle", "gravite", "produit", "amont", "aval")
_NOMBRES_ALERTE = ("montant", "reference", "ecart", "seuil")


def _alerte(campagne: Any, maillon: Any, poste: Any, controle: str, gravite: str, cluster: Any = None,
            **faits: Any) -> dict[str, Any]:
    ligne = {"campagne": campagne, "maillon": maillon, "poste": poste, "controle": controle,
             "gravite": gravite, **faits}
    if cluster is not None:
        ligne = {"cluster": cluster, **ligne}
    return ligne


def _controle_achats_ventes(comptes: pd.DataFrame, montants: pd.Series, ref: dict[str, Any]) -> list[dict[str, Any]]:
    """Compare, produit par produit, les achats des maillons en aval aux ventes du maillon en amont."""
    seuil = ref["seuils"]["ecart_achats_ventes"]
    chaine = ref["chaine_produit"]
    achat = ((comptes["categorie"] == "consommation_intermediaire")
             & poste_correspond(comptes["poste"], ref["motifs"]["achat_produit"])).to_numpy()
    vente = ((comptes["categorie"] == "produit")
             & ~poste_correspond(comptes["poste"], ref["motifs"]["autoconsommation"])).to_numpy()
    garde = (achat | vente) & comptes["maillon"].isin(chaine).to_numpy()
    if not garde.any():
        return []
    cles = _cles(comptes)
    lignes = pd.DataFrame({c: comptes[c].to_numpy()[garde] for c in [*cles, "maillon", "poste"]})
    lignes["sens"] = np.where(achat[garde], "achat", "vente")
    lignes["montant"] = montants.to_numpy()[garde]
    produits = {p: (cle_produit(p), nom_produit(p)) for p in pd.unique(lignes["poste"].dropna())}
    lignes["produit"] = lignes["poste"].map(lambda p: produits[p][0] if p in produits else "")
    rang = {m: i for i, m in enumerate(chaine)}
    alertes = []
    for cle, groupe in lignes.groupby(cles, sort=True):
        cle = cle if isinstance(cle, tuple) else (cle,)
        valeurs = dict(zip(cles, cle, strict=True))
        ventes = groupe[groupe["sens"] == "vente"].groupby(["maillon", "produit"])["montant"].sum()
        noms_vendus = {(m, pr): nom_produit(po) for m, pr, po in
                       groupe.loc[groupe["sens"] == "vente", ["maillon", "produit", "poste"]].itertuples(index=False)}
        achats: dict[tuple[str, str], float] = {}
        acheteurs: dict[tuple[str, str], list[str]] = {}
        for (aval, produit), montant in (groupe[groupe["sens"] == "achat"]
                                         .groupby(["maillon", "produit"])["montant"].sum().items()):
            amonts = [m for m in chaine[: rang[aval]] if (m, produit) in ventes.index]
            if not amonts:
                continue  # achat à un acteur du même maillon ou hors de la chaîne : rien à comparer
            source = (amonts[-1], produit)
            achats[source] = achats.get(source, 0.0) + float(montant)
            acheteurs.setdefault(source, []).append(aval)
        for (amont, produit), total_achats in achats.items():
            total_ventes = float(ventes[(amont, produit)])
            if total_ventes <= 0 or total_achats <= 0:
                continue
            ecart = (total_achats - total_ventes) / total_ventes
            if abs(ecart) <= seuil:
                continue
            qui = sorted(acheteurs[(amont, produit)], key=lambda m: rang[m])
            alertes.append(_alerte(
                valeurs["campagne"], qui[0] if len(qui) == 1 else amont, pd.NA, "ecart_achats_ventes", "attention",
                valeurs.get("cluster"), produit=noms_vendus.get((amont, produit), produit), amont=amont,
                aval=",".join(qui), montant=total_achats, reference=total_ventes, ecart=ecart, seuil=float(seuil)))
    return alertes


def controles_comptes(comptes: pd.DataFrame, campagne: str | None = None) -> pd.DataFrame:
    """Les incohérences probables des comptes, chacune expliquée (des avertissements, jamais une erreur).

    Contrôles :

    - ``ecart_achats_ventes`` : les achats du produit par un maillon (lignes de consommation
      intermédiaire dont le libellé parle d'achat) s'écartent de plus de 10 % des ventes du
      maillon qui le précède dans la chaîne (hors autoconsommation) ;
    - ``produit_nul`` : une ligne de produit vaut zéro ;
    - ``revenu_negatif`` : un maillon perd de l'argent (cela arrive, il faut le montrer) ;
    - ``montant_incoherent`` : ``montant`` et ``quantite × prix_unitaire``, tous deux remplis,
      diffèrent de plus de 1 %.

    Une ligne par alerte : (``cluster``,) ``campagne``, ``maillon``, ``poste`` (vide pour un
    maillon entier), ``controle``, ``gravite`` (``attention`` ou ``information``), puis les faits
    qui fondent l'alerte (vides quand le contrôle n'en a pas) : ``produit`` (nom du produit tiré
    des libellés), ``amont`` (maillon vendeur) et ``aval`` (maillons acheteurs, codes séparés
    par des virgules) pour ``ecart_achats_ventes`` ; ``montant`` (FCFA : montant de la ligne,
    revenu net d'exploitation, ou achats du produit), ``reference`` (FCFA : quantite ×
    prix_unitaire, ou ventes du produit), ``ecart`` (écart relatif, en fraction) et ``seuil``
    (seuil du référentiel, en fraction). L'explication à lire :
    :func:`clusterlib.presentation.comptes.table_controles`.
    """
    ref = _lire_referentiel()
    seuils = ref["seuils"]
    if campagne is not None:
        comptes = comptes[comptes["campagne"] == campagne]
    avec_cluster = "cluster" in comptes.columns
    alertes: list[dict[str, Any]] = []
    if not comptes.empty:
        montants = montant_lignes(comptes)
        clu = comptes["cluster"] if avec_cluster else pd.Series(None, index=comptes.index, dtype="object")

        # Lignes de produit à zéro.
        nul = (comptes["categorie"] == "produit") & ~(montants.abs() > 0)
        for i in comptes.index[nul.to_numpy()]:
            alertes.append(_alerte(
                comptes.at[i, "campagne"], comptes.at[i, "maillon"], comptes.at[i, "poste"], "produit_nul",
                "attention", clu[i]))

        # montant ≠ quantite × prix_unitaire.
        qp = comptes["quantite"] * comptes["prix_unitaire"]
        m = comptes["montant"]
        incoherent = (m.notna() & qp.notna()
                      & ((m - qp).abs() > seuils["ecart_montant_quantite_prix"] * np.maximum(m.abs(), qp.abs())))
        incoherent = incoherent.fillna(False).astype(bool)
        for i in comptes.index[incoherent.to_numpy()]:
            montant, produit = float(m[i]), float(qp[i])
            alertes.append(_alerte(
                comptes.at[i, "campagne"], comptes.at[i, "maillon"], comptes.at[i, "poste"],
                "montant_incoherent", "attention", clu[i], montant=montant, reference=produit,
                ecart=abs(montant - produit) / max(abs(montant), abs(produit)),
                seuil=float(seuils["ecart_montant_quantite_prix"])))

        par_maillon = comptes_par_maillon(comptes)
        # Revenus négatifs.
        for _, ligne in par_maillon[par_maillon["revenu_net_exploitation"] < 0].iterrows():
            alertes.append(_alerte(
                ligne["campagne"], ligne["maillon"], pd.NA, "revenu_negatif", "information",
                ligne["cluster"] if avec_cluster else None, montant=float(ligne["revenu_net_exploitation"])))

        # Achats d'un produit ≠ ventes de ce produit par le maillon en amont.
        alertes.extend(_controle_achats_ventes(comptes, montants, ref))

    textes = (["cluster"] if avec_cluster else []) + list(_COLONNES_ALERTE)
    sortie = pd.DataFrame(alertes, columns=[*textes, *_NOMBRES_ALERTE])
    for c in textes:
        sortie[c] = sortie[c].astype("str")
    for c in _NOMBRES_ALERTE:
        sortie[c] = sortie[c].astype("float64")
    ordre = _ordre_maillons()
    par = ([c for c in ("cluster",) if avec_cluster]) + ["campagne", "maillon"]
    return sortie.sort_values(par, key=lambda s: s.map(ordre) if s.name == "maillon" else s,
                              kind="stable").reset_index(drop=True)


# --- Part des producteurs dans le prix final -------------------------------------------------


def _kg_par_unite(unite: Any) -> float:
    if unite is None or pd.isna(unite):
        return float("nan")
    texte = str(unite).strip().lower()
    table = _lire_referentiel()["unites_kg"]
    if texte in table:
        return float(table[texte])
    sac = re.fullmatch(r"(?:sac|sacs|bassine|panier|carton)s?\s+de\s+(\d+(?:[.,]\d+)?)\s*kg", texte)
    if sac:
        return float(sac.group(1).replace(",", "."))
    return float("nan")


def part_producteurs_prix_final(
    comptes: pd.DataFrame,
    performances: pd.DataFrame | None,
    campagne: str,
    filiere: str | None = None,
    kg_matiere_par_kg_produit: float | None = None,
) -> dict[str, float] | None:
    """La part du prix final payé sur les marchés qui revient aux producteurs, en %.

    - prix producteur au kg : lignes de produit du maillon producteur avec quantité, prix et
      unité en poids (kg, tonne, sac de 50 kg…), moyenne pondérée par les quantités ;
    - prix final au kg : prix moyens de ``performances`` pondérés par les volumes livrés ;
    - ``kg_matiere_par_kg_produit`` : kg de produit du producteur pour 1 kg de produit vendu
      (1,5 kg de paddy pour 1 kg de riz étuvé, par exemple) ; à défaut, la valeur du
      référentiel pour la ``filiere``, ou 1 quand le cluster n'a pas de transformateur.

    Renvoie ``{"prix_producteur_kg", "prix_final_kg", "kg_matiere_par_kg_produit",
    "part_producteurs"}`` ou ``None`` si l'un des éléments manque (pas de performances,
    unités inconnues, coefficient inconnu).
    """
    if performances is None or comptes is None:
        return None
    c = comptes[(comptes["campagne"] == campagne) & (comptes["maillon"] == "producteur")
                & (comptes["categorie"] == "produit")]
    c = c[c["quantite"].notna() & c["prix_unitaire"].notna()]
    if c.empty:
        return None
    multiplicateur = c["multiplicateur"].fillna(1.0) if "multiplicateur" in c.columns else 1.0
    kg = c["unite"].map(_kg_par_unite).astype("float64") if "unite" in c.columns else pd.Series(np.nan)
    poids = c["quantite"] * kg * multiplicateur
    valeur = c["quantite"] * c["prix_unitaire"] * multiplicateur
    garde = poids.notna() & (poids > 0)
    if not garde.any():
        return None
    prix_producteur = float(valeur[garde].sum() / poids[garde].sum())

    p = performances[(performances["campagne"] == campagne)]
    p = p[p["volume"].notna() & p["prix_moyen"].notna()]
    kg_p = p["unite"].map(_kg_par_unite).astype("float64")
    poids_p = p["volume"] * kg_p
    garde_p = poids_p.notna() & (poids_p > 0)
    if not garde_p.any():
        return None
    prix_final = float((p["volume"] * p["prix_moyen"])[garde_p].sum() / poids_p[garde_p].sum())

    coefficient = kg_matiere_par_kg_produit
    if coefficient is None:
        maillons = set(comptes.loc[comptes["campagne"] == campagne, "maillon"])
        if "transformateur" not in maillons:
            coefficient = 1.0
        elif filiere:
            table = {_normaliser(k): v for k, v in _lire_referentiel()["kg_matiere_par_kg_produit"].items()}
            coefficient = table.get(_normaliser(filiere))
    if coefficient is None or prix_final <= 0:
        return None
    return {
        "prix_producteur_kg": prix_producteur,
        "prix_final_kg": prix_final,
        "kg_matiere_par_kg_produit": float(coefficient),
        "part_producteurs": prix_producteur * float(coefficient) / prix_final * 100,
    }


# --- Analyse d'un cluster -----------------------------------------------------------------


@dataclass(frozen=True)
class AnalyseComptes:
    """Tous les résultats économiques d'un cluster pour une campagne (et son historique).

    - ``par_maillon`` : comptes de la campagne par maillon (:func:`comptes_par_maillon`) ;
    - ``totaux`` : totaux du cluster, toutes campagnes (:func:`totaux_cluster`) ;
    - ``repartition`` : qui reçoit la valeur ajoutée de la campagne (:func:`repartition_va`) ;
    - ``repartition_par_maillon`` : la même chose maillon par maillon ;
    - ``revenus`` : revenus par personne et par maillon ; ``gini`` : indice de Gini (ou NaN) ;
    - ``part_producteurs`` : part des producteurs dans le prix final (dict ou None) ;
    - ``evolution`` : :func:`evolution_va` ; ``controles`` : :func:`controles_comptes`.
    """

    campagne: str
    par_maillon: pd.DataFrame
    totaux: pd.DataFrame
    repartition: pd.DataFrame
    repartition_par_maillon: pd.DataFrame
    revenus: pd.DataFrame
    gini: float
    part_producteurs: dict[str, float] | None
    evolution: pd.DataFrame
    controles: pd.DataFrame

    @property
    def valeur_ajoutee_totale(self) -> float:
        """Valeur ajoutée du cluster pour la campagne, en FCFA."""
        return float(self.par_maillon["valeur_ajoutee"].sum())

    @property
    def ratio_va_ci(self) -> float:
        """Valeur ajoutée totale / consommations intermédiaires totales de la campagne."""
        ligne = self.totaux[self.totaux["campagne"] == self.campagne]
        return float(ligne["ratio_va_ci"].iloc[0]) if len(ligne) else float("nan")


def _comptes_de(source: Cluster | pd.DataFrame) -> pd.DataFrame | None:
    if isinstance(source, pd.DataFrame):
        return source
    return source.comptes


def evolution_va(source: Cluster | pd.DataFrame, effectifs: Mapping[str, float] | pd.Series | None = None
                 ) -> pd.DataFrame:
    """L'évolution de la valeur ajoutée du cluster d'une campagne à l'autre (indicateur 6.2).

    ``source`` : un cluster ou sa table comptes. Une ligne par campagne : ``produit_brut``,
    ``consommations_intermediaires``, ``valeur_ajoutee_totale``, ``variation_va`` (% par rapport
    à la campagne précédente), ``revenu_net_total``, ``ratio_va_ci`` et ``gini`` (si les
    effectifs sont connus : ceux du cluster, ou ``effectifs``). Table vide sans comptes.
    """
    comptes = _comptes_de(source)
    colonnes = ["campagne", "produit_brut", "consommations_intermediaires", "valeur_ajoutee_totale",
                "variation_va", "revenu_net_total", "ratio_va_ci", "gini"]
    if comptes is None or comptes.empty:
        return pd.DataFrame({c: pd.Series(dtype="str" if c == "campagne" else "float64") for c in colonnes})
    if "cluster" in comptes.columns and comptes["cluster"].nunique() > 1:
        raise ValueError("evolution_va attend les comptes d'un seul cluster")
    comptes = comptes.drop(columns=["cluster"], errors="ignore")
    par_maillon = comptes_par_maillon(comptes)
    totaux = totaux_cluster(par_maillon).sort_values("campagne").reset_index(drop=True)
    sortie = pd.DataFrame({
        "campagne": totaux["campagne"].astype("str"),
        "produit_brut": totaux["produit_brut"],
        "consommations_intermediaires": totaux["consommations_intermediaires"],
        "valeur_ajoutee_totale": totaux["valeur_ajoutee"],
    })
    precedent = sortie["valeur_ajoutee_totale"].shift(1)
    sortie["variation_va"] = (sortie["valeur_ajoutee_totale"] - precedent) / precedent.abs().where(precedent != 0) * 100
    sortie["revenu_net_total"] = totaux["revenu_net_exploitation"]
    sortie["ratio_va_ci"] = totaux["ratio_va_ci"]
    if effectifs is None and not isinstance(source, pd.DataFrame):
        effectifs = effectifs_par_maillon(source.acteurs)
    if effectifs is not None:
        gini = indice_gini(par_maillon, effectifs).set_index("campagne")["gini"]
        sortie["gini"] = sortie["campagne"].map(gini).astype("float64")
    else:
        sortie["gini"] = np.nan
    return sortie


def evolution_va_par_maillon(source: Cluster | pd.DataFrame, solde: str = "valeur_ajoutee") -> pd.DataFrame:
    """Un solde (la valeur ajoutée par défaut) par campagne (lignes) et par maillon (colonnes), en FCFA."""
    comptes = _comptes_de(source)
    if comptes is None or comptes.empty:
        return pd.DataFrame()
    par_maillon = comptes_par_maillon(comptes.drop(columns=["cluster"], errors="ignore"))
    tableau = par_maillon.pivot_table(index="campagne", columns="maillon", values=solde, aggfunc="sum",
                                      sort=True)
    ordre = _ordre_maillons()
    tableau = tableau[sorted(tableau.columns, key=lambda m: ordre.get(m, len(ordre)))]
    tableau.columns.name = None
    return tableau


def analyser_comptes(cluster: Cluster, campagne: str | None = None) -> AnalyseComptes | None:
    """Toute l'analyse économique d'un cluster pour une campagne (la campagne en cours par défaut).

    Renvoie ``None`` si le cluster n'a pas de table comptes, ou pas de ligne pour la campagne.
    """
    comptes = cluster.comptes
    campagne = campagne or cluster.campagne
    if comptes is None or not (comptes["campagne"] == campagne).any():
        return None
    tous = comptes_par_maillon(comptes)
    par_maillon = tous[tous["campagne"] == campagne].reset_index(drop=True)
    effectifs = effectifs_par_maillon(cluster.acteurs)
    gini = indice_gini(par_maillon, effectifs)
    return AnalyseComptes(
        campagne=campagne,
        par_maillon=par_maillon,
        totaux=totaux_cluster(tous),
        repartition=repartition_va(par_maillon),
        repartition_par_maillon=repartition_va_par_maillon(par_maillon),
        revenus=revenus_par_personne(par_maillon, effectifs),
        gini=float(gini["gini"].iloc[0]) if len(gini) else float("nan"),
        part_producteurs=part_producteurs_prix_final(comptes, cluster.performances, campagne,
                                                     filiere=cluster.fiche.filiere),
        evolution=evolution_va(cluster, effectifs),
        controles=controles_comptes(comptes),
    )


def synthese_economie(cluster: Cluster, campagne: str | None = None) -> dict[str, Any] | None:
    """Le résumé économique d'un cluster pour le rapport (nombres Python ordinaires).

    ``{"valeur_ajoutee_totale": float, "par_maillon": {maillon: {"produit_brut",
    "consommations_intermediaires", "valeur_ajoutee", "revenu_net_exploitation", "part_va"}}}``
    (``part_va`` en %, ``None`` si la valeur ajoutée totale est nulle). ``None`` quand le
    cluster n'a pas de comptes pour la campagne (la campagne en cours par défaut).
    """
    comptes = cluster.comptes
    campagne = campagne or cluster.campagne
    if comptes is None or not (comptes["campagne"] == campagne).any():
        return None
    par_maillon = comptes_par_maillon(comptes, campagne)

    def nombre_py(v: Any) -> float | None:
        return None if pd.isna(v) else float(v)

    return {
        "valeur_ajoutee_totale": float(par_maillon["valeur_ajoutee"].sum()),
        "par_maillon": {
            str(ligne["maillon"]): {
                cle: nombre_py(ligne[cle])
                for cle in ("produit_brut", "consommations_intermediaires", "valeur_ajoutee",
                            "revenu_net_exploitation", "part_va")
            }
            for _, ligne in par_maillon.iterrows()
        },
    }
