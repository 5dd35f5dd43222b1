"""Lecture des octets d'un fichier ordinaire : jamais bloquante, bornée en taille, refus en français."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from clusterlib.donnees.lecture import _commun
from clusterlib.donnees.problemes import Probleme, raison_systeme

__all__ = ["lire_octets"]


def _nature_speciale(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISFIFO(mode):
        return "un tube nommé (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une prise réseau (socket)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    return "un fichier spécial"


def lire_octets(
    chemin: Path, origine: str, problemes: list[Probleme], limite_octets: int | None = None
) -> bytes | None:
    """Le contenu d'un fichier ordinaire, ou ``None`` avec un problème en français.

    Ne bloque jamais : un tube (FIFO), un périphérique ou une prise réseau sont refusés sans
    être lus ; un lien symbolique est suivi s'il mène à un fichier ordinaire. Au-delà de
    ``limite_octets`` (par défaut la limite ``taille_fichier_mo``), le fichier est refusé.
    """
    if limite_octets is None:
        limite_octets = int(_commun.limite("taille_fichier_mo") * 1024 * 1024)
    drapeaux = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descripteur = os.open(chemin, drapeaux)
    except OSError as exc:
        raison = raison_systeme(exc)
        if exc.errno == errno.ENOENT and os.path.islink(chemin):
            raison = "lien symbolique cassé (il mène à un fichier qui n'existe pas)"
        problemes.append(Probleme(origine, f"lecture impossible : {raison}"))
        return None
    try:
        etat = os.fstat(descripteur)
        if not stat.S_ISREG(etat.st_mode):
            problemes.append(Probleme(
                origine, f"ce n'est pas un fichier ordinaire mais {_nature_speciale(etat.st_mode)} ; "
                "attendu : un fichier enregistré sur le disque"))
            return None
        if etat.st_size > limite_octets:
            problemes.append(Probleme(
                origine, f"fichier trop gros ({_commun.taille_lisible(etat.st_size)}) ; attendu : au plus "
                f"{_commun.taille_lisible(limite_octets)} (limite de clusterlib, voir l'annexe "
                "« Format des données »)"))
            return None
        morceaux = []
        lu = 0
        while lu <= limite_octets:
            morceau = os.read(descripteur, min(1 << 20, limite_octets + 1 - lu))
            if not morceau:
                break
            morceaux.append(morceau)
            lu += len(morceau)
        if lu > limite_octets:
            problemes.append(Probleme(
                origine, f"fichier trop gros (plus de {_commun.taille_lisible(limite_octets)}) ; attendu : au plus "
                f"{_commun.taille_lisible(limite_octets)}"))
            return None
        return b"".join(morceaux)
    except OSError as exc:
        problemes.append(Probleme(origine, f"lecture impossible : {raison_systeme(exc)}"))
        return None
    finally:
        os.close(descripteur)
