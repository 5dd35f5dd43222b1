"""Ce que partagent les modules de la lecture : limites de ``limites.yml``, refus situé, nombres et tailles.

Les noms sont publics dans ce module privé : les autres modules du sous-paquet l'importent
(``from clusterlib.donnees.lecture import _commun``) et écrivent ``_commun.limite(…)``.
"""

from __future__ import annotations

from typing import Any

from clusterlib import referentiel
from clusterlib.donnees.problemes import Probleme, abrege, lettre_colonne

SIGNATURES_BINAIRES = {
    b"PK\x03\x04": "un classeur Excel ou une archive compressée",
    b"%PDF": "un document PDF",
    b"\xd0\xcf\x11\xe0": "un ancien fichier Office (.xls ou .doc)",
    b"\x89PNG": "une image PNG",
    b"\xff\xd8\xff": "une image JPEG",
}


def limite(nom: str) -> Any:
    """Une limite de lecture (voir ``referentiel/limites.yml`` et l'annexe « Format des données »)."""
    return referentiel.lire("limites.yml")[nom]


def nombre_fr(n: float) -> str:
    """Un entier écrit à la française : 500 000."""
    return f"{int(n):,}".replace(",", "\u202f")


class Refus(Exception):
    """Lecture arrêtée : ``message`` (en français) dit pourquoi, ``ligne`` où."""

    def __init__(self, message: str, ligne: int | None = None, j: int | None = None,
                 entetes: list[str] | None = None):
        super().__init__(message)
        self.message, self.ligne = message, ligne
        self.lettre = lettre_colonne(j) if j is not None else None
        self.colonne = None
        if j is not None:
            nom = entetes[j].strip() if entetes and j < len(entetes) else ""
            self.colonne = abrege(nom, 40) if nom else "(vide)"

    def probleme(self, origine: str) -> Probleme:
        return Probleme(origine, self.message, ligne=self.ligne, colonne=self.colonne, lettre=self.lettre)


def taille_lisible(octets: int) -> str:
    if octets < 1024 * 1024:
        return f"{max(1, round(octets / 1024))} Ko"
    return f"{octets / (1024 * 1024):.1f} Mo".replace(".", ",")


def nature_binaire(contenu: bytes) -> str | None:
    for signature, nature in SIGNATURES_BINAIRES.items():
        if contenu.startswith(signature):
            return nature
    debut = contenu[:8192]
    if b"\x00" in debut and not debut.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "un fichier binaire"
    return None


def cellule_trop_longue(longueur: str) -> str:
    return (f"cellule de {longueur} caractères ; attendu : au plus "
            f"{nombre_fr(limite('caracteres_cellule'))} caractères par cellule (un guillemet « \" » "
            "ouvert et jamais fermé avale souvent la suite du fichier)")
