"""Écriture sûre des fichiers produits : jamais de fichier à moitié écrit.

Tout ce que clusterlib écrit (figures, classeurs, rapports, notes saisies) passe par
:func:`ecriture_atomique` : le contenu va d'abord dans un fichier temporaire du même
dossier, qui ne remplace la cible qu'une fois complet.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["ecrire_atomique", "ecriture_atomique"]


@contextmanager
def ecriture_atomique(cible: str | Path, suffixe: str | None = None) -> Iterator[Path]:
    """Donne un chemin temporaire à remplir ; il remplace ``cible`` si le bloc réussit.

    En cas d'erreur dans le bloc, le temporaire est supprimé et ``cible`` reste intacte.

    >>> with ecriture_atomique("figure.png") as tmp:  # doctest: +SKIP
    ...     fig.savefig(tmp)
    """
    cible = Path(cible)
    cible.parent.mkdir(parents=True, exist_ok=True)
    descripteur, nom = tempfile.mkstemp(
        prefix=f".{cible.name}.", suffix=suffixe if suffixe is not None else cible.suffix,
        dir=cible.parent,
    )
    os.close(descripteur)
    temporaire = Path(nom)
    try:
        yield temporaire
        # mkstemp crée le fichier en 0600 : on lui donne les droits habituels (ceux de la
        # cible si elle existe, sinon 0666 moins le masque de l'utilisateur).
        if cible.exists():
            mode = cible.stat().st_mode & 0o777
        else:
            masque = os.umask(0)
            os.umask(masque)
            mode = 0o666 & ~masque
        os.chmod(temporaire, mode)
        os.replace(temporaire, cible)
    except BaseException:
        temporaire.unlink(missing_ok=True)
        raise


def ecrire_atomique(cible: str | Path, contenu: str | bytes, encodage: str = "utf-8") -> Path:
    """Écrit ``contenu`` (texte ou octets) dans ``cible`` de façon atomique."""
    with ecriture_atomique(cible) as temporaire:
        if isinstance(contenu, bytes):
            temporaire.write_bytes(contenu)
        else:
            temporaire.write_text(contenu, encoding=encodage)
    return Path(cible)
