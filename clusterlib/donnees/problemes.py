"""Problèmes trouvés dans les données d'un cluster, et l'erreur qui les réunit."""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["ErreurDonnees", "Probleme", "abrege", "lettre_colonne", "raison_systeme", "visible"]

_RAISONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "droits insuffisants (le fichier ou le dossier n'est pas lisible pour vous)",
    errno.EPERM: "opération refusée par le système (droits insuffisants)",
    errno.EISDIR: "c'est un dossier, pas un fichier",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.ELOOP: "lien symbolique qui renvoie à lui-même (boucle de liens)",
    errno.ENAMETOOLONG: "nom de fichier trop long pour le système",
    errno.EEXIST: "un fichier ou un dossier de ce nom existe déjà",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "disque en lecture seule",
    errno.EIO: "erreur de lecture du disque (support abîmé ou retiré ?)",
    errno.ENXIO: "périphérique absent",
    errno.EMFILE: "trop de fichiers ouverts en même temps",
    errno.ENFILE: "trop de fichiers ouverts en même temps",
    errno.EBUSY: "fichier occupé par un autre programme",
    errno.ETXTBSY: "fichier occupé par un autre programme",
    errno.EINVAL: "chemin ou nom de fichier invalide",
}


def raison_systeme(exc: OSError) -> str:
    """La cause d'une erreur du système de fichiers, en français (jamais le texte anglais du système).

    >>> raison_systeme(PermissionError(13, "Permission denied"))
    "droits insuffisants (le fichier ou le dossier n'est pas lisible pour vous)"
    """
    if exc.errno in _RAISONS:
        return _RAISONS[exc.errno]
    if isinstance(exc, PermissionError):
        return _RAISONS[errno.EACCES]
    if isinstance(exc, FileNotFoundError):
        return _RAISONS[errno.ENOENT]
    return f"erreur du système (code {exc.errno})" if exc.errno else "erreur du système"


_INVISIBLES = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7f, *range(0x80, 0xa0))} | {
    0x2028: "\\u2028", 0x2029: "\\u2029", 0x202e: "\\u202e", 0x202d: "\\u202d", 0xfeff: "\\ufeff"}


def visible(texte: str) -> str:
    """Un texte sûr à afficher sur une ligne : caractères de contrôle et sauts de ligne écrits ``\\x0b``.

    Un saut de ligne caché dans une cellule ne peut ainsi ni couper un message ni en imiter un autre.

    >>> visible("a\\x0bb\\nc")
    'a\\\\x0bb\\\\x0ac'
    """
    return str(texte).translate(_INVISIBLES)


def abrege(texte: str, longueur: int = 80) -> str:
    """Un texte saisi, raccourci pour être cité dans un message (« … » marque la coupe).

    >>> abrege("x" * 100, 10)
    'xxxxxxxxx…'
    """
    texte = str(texte)
    return texte if len(texte) <= longueur else texte[: longueur - 1] + "…"


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
        return visible(f"{self.lieu()} : {prefixe}{self.message}")


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
