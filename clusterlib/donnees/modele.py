"""Le modèle en mémoire d'un cluster : sa fiche et ses tables, chargées et validées."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.donnees.lecture import lire_jeu
from clusterlib.donnees.problemes import ErreurDonnees, Probleme
from clusterlib.donnees.validation import JeuValide, valider_jeu

__all__ = ["Cluster", "Coach", "Fiche", "Marche", "TableAbsente", "cluster_depuis_jeu", "load"]


@dataclass(frozen=True)
class Marche:
    """Un débouché du cluster et sa portée (local, national, sous-régional, international)."""

    nom: str
    type: str


@dataclass(frozen=True)
class Coach:
    """Un coach du cluster, externe ou interne."""

    nom: str
    type: str


@dataclass(frozen=True)
class Fiche:
    """Carte d'identité d'un cluster (``cluster.yml`` ou feuille ``cluster``)."""

    id: str
    nom: str
    filiere: str
    campagne: str
    produits_finis: tuple[str, ...] = ()
    marches: tuple[Marche, ...] = ()
    departements: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    modele: str | None = None
    agregateur: str | None = None
    structure_promotion: str | None = None
    coachs: tuple[Coach, ...] = ()
    donnees_fictives: bool = False
    autres: dict[str, Any] = field(default_factory=dict)


class TableAbsente(LookupError):
    """Une analyse demande une table facultative que le cluster ne fournit pas."""


@dataclass(frozen=True)
class Cluster:
    """Un cluster chargé : la fiche, les tables typées et les avertissements de lecture.

    Les tables facultatives absentes valent ``None`` ; :meth:`table` les demande avec
    un message clair.
    """

    fiche: Fiche
    acteurs: pd.DataFrame
    relations: pd.DataFrame
    comptes: pd.DataFrame | None = None
    performances: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None
    ffom: pd.DataFrame | None = None
    plan_actions: pd.DataFrame | None = None
    source: Path | None = None
    avertissements: tuple[Probleme, ...] = ()

    @property
    def id(self) -> str:
        return self.fiche.id

    @property
    def nom(self) -> str:
        return self.fiche.nom

    @property
    def campagne(self) -> str:
        """La campagne en cours, déclarée dans la fiche."""
        return self.fiche.campagne

    def table(self, nom: str) -> pd.DataFrame:
        """Une table du cluster ; lève :class:`TableAbsente` (message en français) si elle manque."""
        if nom not in referentiel.tables():
            connues = ", ".join(referentiel.tables())
            raise KeyError(f"table « {nom} » inconnue ; tables du format : {connues}")
        cadre = getattr(self, nom)
        if cadre is None:
            raise TableAbsente(
                f"le cluster « {self.id} » n'a pas de table {nom} : ajoutez {nom}.csv au dossier "
                f"(ou une feuille « {nom} » au classeur) pour obtenir cette analyse"
            )
        return cadre

    def campagnes(self) -> list[str]:
        """Toutes les campagnes présentes dans la fiche et les tables, dans l'ordre."""
        vues = {self.campagne}
        for nom in ("comptes", "performances", "scores", "ffom"):
            cadre = getattr(self, nom)
            if cadre is not None:
                vues.update(cadre["campagne"].dropna())
        return sorted(vues)

    def resume(self) -> dict[str, Any]:
        """Quelques chiffres pour présenter le cluster (effectifs, tables, campagnes)."""
        presentes = [n for n in referentiel.tables() if getattr(self, n) is not None]
        return {
            "id": self.id,
            "nom": self.nom,
            "filiere": self.fiche.filiere,
            "campagne": self.campagne,
            "donnees_fictives": self.fiche.donnees_fictives,
            "nb_acteurs": len(self.acteurs),
            "nb_relations": len(self.relations),
            "effectif_total": int(self.acteurs["effectif"].sum()),
            "femmes": int(self.acteurs["femmes"].sum()),
            "agregateur": self.fiche.agregateur,
            "tables": presentes,
            "campagnes": self.campagnes(),
        }


def _fiche(d: dict[str, Any]) -> Fiche:
    return Fiche(
        id=d["id"],
        nom=d["nom"],
        filiere=d["filiere"],
        campagne=d["campagne"],
        produits_finis=tuple(d.get("produits_finis") or ()),
        marches=tuple(Marche(**m) for m in d.get("marches") or ()),
        departements=tuple(d.get("departements") or ()),
        communes=tuple(d.get("communes") or ()),
        modele=d.get("modele"),
        agregateur=d.get("agregateur"),
        structure_promotion=d.get("structure_promotion"),
        coachs=tuple(Coach(**c) for c in d.get("coachs") or ()),
        donnees_fictives=bool(d.get("donnees_fictives")),
        autres=dict(d.get("autres") or {}),
    )


def load(chemin: str | Path) -> Cluster:
    """Charge un cluster depuis un dossier ou un classeur ``.xlsx`` et le valide.

    Lève :class:`~clusterlib.donnees.problemes.ErreurDonnees` avec la liste complète des problèmes
    (fichier, ligne, colonne, valeur trouvée, valeur attendue) si les données ne
    respectent pas le format. Les fichiers ne sont jamais modifiés.
    """
    jeu = valider_jeu(lire_jeu(chemin))
    if not jeu.valide:
        raise ErreurDonnees(str(chemin), jeu.problemes)
    return cluster_depuis_jeu(jeu)


def cluster_depuis_jeu(jeu: JeuValide) -> Cluster:
    """Le :class:`Cluster` d'un jeu déjà validé sans erreur (évite de relire les fichiers)."""
    if not jeu.valide:
        raise ErreurDonnees(str(jeu.chemin), jeu.problemes)
    return Cluster(
        fiche=_fiche(jeu.fiche),
        source=Path(jeu.chemin),
        avertissements=tuple(p for p in jeu.problemes if not p.est_erreur),
        **jeu.tables,
    )
