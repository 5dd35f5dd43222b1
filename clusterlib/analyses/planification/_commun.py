"""Ce que partagent les tableaux de l'atelier et le suivi du plan : référentiel, états, outils."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.presentation.dates import mois_court

if TYPE_CHECKING:

    from clusterlib.donnees.modele import Cluster

__all__ = [
    "A_COMPLETER",
    "ETATS",
    "ErreurPlanification",
    "TableauAtelier",
    "libelle_etat",
    "maillon_agregateur",
    "periode",
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
