"""Problèmes trouvés dans les données d'un cluster, et l'erreur qui les réunit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ErreurDonnees", "Probleme", "lettre_colonne"]


def lettre_colonne(index: int) -> str:
    """Lettre de colonne d'un tableur pour un index commençant à 0 (0 → A, 26 → AA)."""
    lettres = ""
    index += 1
    while index:
        index, reste = divmod(index - 1, 26)
        lettres = chr(ord("A") + reste) + lettres
    return lettres


@dataclass(frozen=True)
class Probleme:
    """Un problème dans un fichier de données, situé comme un tableur le montre.

    ``ligne`` est le numéro de ligne du tableur (l'en-tête est la ligne 1) ;
    ``lettre`` la lettre de la colonne quand elle est connue.
    """

    fichier: str
    message: str
    ligne: int | None = None
    colonne: str | None = None
    lettre: str | None = None
    gravite: str = "erreur"  # « erreur » ou « avertissement »
    cle: str | None = None  # clé de la fiche du cluster (cluster.yml ou feuille « cluster »)

    @property
    def est_erreur(self) -> bool:
        return self.gravite == "erreur"

    def lieu(self) -> str:
        morceaux = [self.fichier]
        if self.ligne is not None:
            morceaux.append(f"ligne {self.ligne}")
        if self.colonne is not None:
            col = f"colonne « {self.colonne} »"
            if self.lettre:
                col += f" ({self.lettre})"
            morceaux.append(col)
        if self.cle is not None:
            morceaux.append(f"clé « {self.cle} »")
        return ", ".join(morceaux)

    def __str__(self) -> str:
        prefixe = "" if self.est_erreur else "attention : "
        return f"{self.lieu()} : {prefixe}{self.message}"


class ErreurDonnees(ValueError):
    """Les données d'un cluster ne respectent pas le format ; ``problemes`` les liste tous."""

    def __init__(self, chemin: str, problemes: Iterable[Probleme]):
        self.chemin = chemin
        self.problemes = list(problemes)
        erreurs = [p for p in self.problemes if p.est_erreur]
        entete = (
            f"{chemin} : {len(erreurs)} problème(s) empêchent de lire ce cluster"
            if erreurs
            else f"{chemin} : données illisibles"
        )
        super().__init__("\n".join([entete, *(f"  - {p}" for p in erreurs)]))
