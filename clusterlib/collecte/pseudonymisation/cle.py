"""La clé secrète des pseudonymes : lecture, création (droits 600) et avertissement sur les droits."""

from __future__ import annotations

import os
import secrets
import stat
import tempfile
from pathlib import Path

__all__ = ["ErreurCle", "avertissement_droits_cle", "lire_cle"]

LONGUEUR_CLE_MIN = 32
LONGUEUR_CLE_MAX = 4096


class ErreurCle(ValueError):
    """Le fichier de clé est illisible, corrompu ou trop court ; le message est en français."""


def _creer_cle(chemin: Path) -> str:
    """Écrit une nouvelle clé, lisible par son seul propriétaire dès sa création."""
    cle = secrets.token_hex(32)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur, nom = tempfile.mkstemp(prefix=f".{chemin.name}.", dir=chemin.parent)  # droits 600
    temporaire = Path(nom)
    try:
        with os.fdopen(descripteur, "w", encoding="utf-8") as f:
            f.write(cle + "\n")
        try:
            os.link(temporaire, chemin)  # ne remplace jamais une clé apparue entre-temps
        except FileExistsError:
            raise
        except OSError:
            os.replace(temporaire, chemin)  # système de fichiers sans liens
    finally:
        temporaire.unlink(missing_ok=True)
    return cle


def lire_cle(chemin: str | Path, creer: bool = True) -> tuple[bytes, bool]:
    """La clé secrète du fichier ``chemin`` ; la crée (aléatoire, 64 caractères, droits 600) s'il n'existe pas.

    Renvoie ``(clé, créée)``. Lève :class:`ErreurCle` (« clé illisible ») si le fichier existe
    mais ne peut pas être lu, n'est pas du texte ou contient une clé trop courte, et si le
    fichier manque alors que ``creer`` est faux.
    """
    chemin = Path(chemin)
    if not chemin.exists() and not chemin.is_symlink():
        if not creer:
            raise ErreurCle(f"{chemin} : fichier de clé introuvable")
        try:
            return _creer_cle(chemin).encode("utf-8"), True
        except FileExistsError:
            pass  # créée au même moment par une autre exécution : on la lit
    if not chemin.is_file():
        raise ErreurCle(f"{chemin} : clé illisible : ce n'est pas un fichier")
    try:
        with chemin.open("rb") as f:
            octets = f.read(LONGUEUR_CLE_MAX + 1)
    except OSError:
        raise ErreurCle(f"{chemin} : clé illisible : le fichier ne peut pas être ouvert (droits de lecture ?) ; "
                        "lancez la commande avec le compte qui a créé la clé") from None
    if len(octets) > LONGUEUR_CLE_MAX:
        raise ErreurCle(f"{chemin} : clé illisible : fichier trop long pour une clé (plus de {LONGUEUR_CLE_MAX} "
                        "octets) ; vérifiez le chemin donné à --key-file")
    try:
        texte = octets.decode("utf-8").strip()
    except UnicodeDecodeError:
        texte = None
    if texte is None or any(not c.isprintable() for c in texte):
        raise ErreurCle(f"{chemin} : clé illisible : le fichier ne contient pas une clé en texte (fichier corrompu "
                        "ou autre fichier) ; reprenez la sauvegarde de la clé")
    if len(texte) < LONGUEUR_CLE_MIN:
        raise ErreurCle(f"{chemin} : clé illisible : clé trop courte ({len(texte)} caractères) ; attendu : au moins "
                        f"{LONGUEUR_CLE_MIN} caractères (reprenez la sauvegarde de la clé, ou supprimez le fichier "
                        "pour qu'une nouvelle clé soit créée : les pseudonymes changeront)")
    return texte.encode("utf-8"), False


def avertissement_droits_cle(chemin: str | Path) -> str | None:
    """Un avertissement si d'autres comptes que le propriétaire peuvent lire le fichier de clé (POSIX)."""
    if os.name != "posix":
        return None
    try:
        mode = stat.S_IMODE(Path(chemin).stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    return (f"attention : le fichier de clé {chemin} est lisible par d'autres utilisateurs de cet ordinateur "
            f"(droits {mode:o}) ; réservez-le à votre compte avec « chmod 600 {chemin} »")
