"""Ce que partagent les tableaux de l'atelier et le suivi du plan : référentiel, états, outils.

Des codes et des identifiants seulement : les libellés des lignes, les puces et les périodes
écrites en clair sont dans :mod:`clusterlib.presentation.planification`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel

if TYPE_CHECKING:

    from clusterlib.donnees.modele import Cluster

__all__ = [
    "ETATS",
    "ErreurPlanification",
    "libelle_etat",
    "lire_mois",
    "maillon_agregateur",
]


class ErreurPlanification(ValueError):
    """Un paramètre du suivi est inutilisable (date illisible, dépense négative…) ; message en français."""


_ref = partial(referentiel.lire, "planification.yml")
"""Le référentiel de la planification (contenu partagé : ne pas le modifier)."""


ETATS: tuple[str, ...] = tuple(e["code"] for e in _ref()["etats"])
"""Les états d'une action à une date de référence, dans l'ordre de présentation."""


def libelle_etat(code: str) -> str:
    """Le libellé français d'un état d'action (``en_retard`` → « En retard »)."""
    return referentiel.libelle_de(_ref()["etats"], code)


# --- Outils communs ----------------------------------------------------------------------------


def _texte(valeur: Any) -> str:
    if valeur is None or valeur is pd.NA:
        return ""
    if isinstance(valeur, float) and math.isnan(valeur):
        return ""
    return str(valeur).strip()


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

    Renvoie une ligne par ligne du tableau (et des lignes ajoutées pour les objets qu'aucune
    ligne ne cite), avec les colonnes ``partie`` (code de la partie), ``rang`` (position de la
    ligne dans la partie du référentiel ; vide pour une ligne ajoutée) et ``objets`` (liste de
    clés ; pour une ligne ajoutée, la seule clé qu'elle porte).
    """
    cles = list(dict.fromkeys(_cle_objet(o) for o in objets if _texte(o)))
    lignes: list[dict[str, Any]] = [
        {"partie": p["code"], "rang": rang, "objets": []} for p in parties for rang, _lg in enumerate(p["lignes"])
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
        position = max(i for i, lg in enumerate(lignes) if lg["partie"] == partie["code"]) + 1
        lignes.insert(position, {"partie": partie["code"], "rang": None, "objets": [cle]})
    cadre = pd.DataFrame(lignes, columns=["partie", "rang", "objets"])
    cadre["rang"] = cadre["rang"].astype("Int64")
    return cadre


def lire_mois(texte: Any) -> pd.Period | None:
    """Un mois « AAAA-MM » (``debut``, ``fin`` du plan d'actions) ; ``None`` s'il est vide ou illisible."""
    t = _texte(texte)
    if not t:
        return None
    try:
        return pd.Period(t, freq="M")
    except (ValueError, TypeError):
        return None


def _cle_id(ident: Any) -> tuple[Any, ...]:
    """Tri naturel des identifiants : A2 avant A10."""
    return tuple(int(m) if m.isdigit() else m for m in re.split(r"(\d+)", str(ident)))


def _campagne(cluster: Cluster, campagne: str | None) -> str:
    return campagne or cluster.campagne
