"""Écriture sûre des fichiers produits : jamais de fichier à moitié écrit, jamais dans les données.

Tout ce que clusterlib écrit (figures, classeurs, rapports, notes saisies) passe par
:func:`ecriture_atomique` : le contenu va d'abord dans un fichier temporaire du même
dossier, qui ne remplace la cible qu'une fois complet. Toute commande qui écrit vérifie
d'abord sa sortie avec :func:`verifier_sortie` : elle n'est ni une entrée, ni dans une
entrée, et ne contient aucune entrée. :func:`verrou` empêche deux commandes d'écrire en
même temps dans le même dossier.

Ce qu'une personne a saisi ne devient jamais une formule de tableur :
:func:`neutraliser_cellule` et :func:`neutraliser_tableau` préparent les valeurs d'un CSV
(préfixe apostrophe recommandé par l'OWASP), :func:`retirer_neutralisation` ôte ce préfixe à
la relecture, :func:`proteger_classeur` marque comme texte, juste avant l'enregistrement d'un
``.xlsx``, toute cellule qui commence par ``=``, ``+``, ``-`` ou ``@``. Ce module est sous
toutes les couches : la lecture des données et les analyses qui écrivent un CSV l'appellent.
"""

from __future__ import annotations

import errno
import json
import os
import re
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEBUTS_FORMULE",
    "ErreurSortie",
    "ErreurVerrou",
    "ecrire_atomique",
    "ecriture_atomique",
    "est_classeur_cluster",
    "est_jeu_de_donnees",
    "meme_fichier",
    "message_systeme",
    "neutraliser_cellule",
    "neutraliser_tableau",
    "proteger_classeur",
    "retirer_neutralisation",
    "verifier_sortie",
    "verrou",
]


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


# --- Sorties et entrées : une sortie ne touche jamais un jeu de données ----------------------

NOMS_FICHE = ("cluster.yml", "cluster.yaml")
"""Fichiers qui font d'un dossier le jeu de données d'un cluster (voir :mod:`clusterlib.donnees.lecture`)."""
_SUFFIXES_CLASSEUR = (".xlsx", ".xlsm")


class ErreurSortie(ValueError):
    """Sortie refusée (elle toucherait un jeu de données, un dossier qui n'est pas à clusterlib…).

    Le message est en français et dit quoi faire ; rien n'a été écrit.
    """


def _reel(chemin: str | Path) -> Path:
    """Le chemin absolu, liens symboliques résolus (y compris pour la partie qui n'existe pas encore)."""
    return Path(os.path.realpath(os.path.abspath(chemin)))


def _identite(chemin: Path) -> tuple[int, int] | None:
    try:
        etat = chemin.stat()
    except OSError:
        return None
    return etat.st_dev, etat.st_ino


def _meme(a: Path, b: Path) -> bool:
    """Vrai si ``a`` et ``b`` (déjà résolus) désignent le même fichier ou dossier."""
    if os.path.normcase(str(a)) == os.path.normcase(str(b)):
        return True
    ia = _identite(a)
    return ia is not None and ia == _identite(b)


def meme_fichier(a: str | Path, b: str | Path) -> bool:
    """Vrai si ``a`` et ``b`` désignent le même fichier (liens symboliques résolus, même sous deux noms)."""
    return _meme(_reel(a), _reel(b))


def _dans(chemin: Path, dossier: Path) -> bool:
    """Vrai si ``chemin`` (résolu) se trouve sous ``dossier`` (résolu), sans être lui."""
    return any(_meme(parent, dossier) for parent in chemin.parents)


def est_classeur_cluster(chemin: str | Path) -> bool:
    """Vrai si ``chemin`` est un classeur Excel qui a une feuille « cluster » (un jeu en un classeur).

    Ne lit que la liste des feuilles (``xl/workbook.xml``), sans ouvrir le classeur.
    """
    chemin = Path(chemin)
    if chemin.suffix.lower() not in _SUFFIXES_CLASSEUR or not chemin.is_file():
        return False
    import re
    import zipfile

    try:
        with zipfile.ZipFile(chemin) as archive:
            classeur = archive.read("xl/workbook.xml")[:1_000_000].decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError):
        return False
    return any(nom.strip().lower() == "cluster" for nom in re.findall(r'<(?:\w+:)?sheet\b[^>]*\bname="([^"]*)"',
                                                                    classeur))


def est_jeu_de_donnees(chemin: str | Path) -> bool:
    """Vrai si ``chemin`` est le jeu de données d'un cluster : dossier avec ``cluster.yml``, ou classeur
    avec une feuille « cluster »."""
    chemin = Path(chemin)
    if chemin.is_dir():
        return any((chemin / nom).is_file() for nom in NOMS_FICHE)
    return est_classeur_cluster(chemin)


def _jeu_englobant(chemin: Path) -> Path | None:
    """Le dossier de jeu de données (avec ``cluster.yml``) qui contient ``chemin``, s'il y en a un."""
    for parent in chemin.parents:
        if any((parent / nom).is_file() for nom in NOMS_FICHE):
            return parent
    return None


def verifier_sortie(
    sortie: str | Path,
    entrees: Iterable[str | Path] = (),
    *,
    commande: str,
    dossier: bool = True,
    jeu_admis: bool = False,
    suggestion: str | None = None,
) -> Path:
    """Vérifie qu'écrire dans ``sortie`` ne touchera aucun jeu de données ; renvoie le chemin résolu.

    Règle commune à toutes les commandes qui écrivent : la sortie n'est pas une entrée, ne
    contient aucune entrée et ne se trouve dans aucune entrée (liens symboliques résolus,
    même fichier sous deux noms compris) ; elle ne se trouve pas non plus dans le dossier d'un
    autre jeu de données. ``dossier`` dit si ``sortie`` est un dossier (sinon un fichier) ;
    avec ``jeu_admis``, la sortie peut elle-même être un jeu de données (l'import Kobo
    complète le jeu qu'on lui donne). ``suggestion`` : nom d'un sous-dossier proposé quand la
    sortie contient une entrée. Lève :class:`ErreurSortie`, avant toute écriture.
    """
    reelle = _reel(sortie)
    nature = "le dossier de sortie" if dossier else "le fichier de sortie"

    def refus(raison: str, exemple: Path | None = None) -> ErreurSortie:
        suite = f" (par exemple {exemple})" if exemple is not None else ""
        return ErreurSortie(f"{commande} : {nature} {sortie} {raison} ; rien n'a été écrit. "
                            f"Choisissez une sortie hors des données{suite}.")

    for entree in entrees:
        e = _reel(entree)
        if _meme(reelle, e):
            raise refus(f"est le jeu de données d'entrée {entree}")
        if _dans(reelle, e):
            raise refus(f"se trouve dans le jeu de données d'entrée {entree}")
        if _dans(e, reelle):
            raise refus(f"contient le jeu de données d'entrée {entree}",
                        Path(sortie) / suggestion if suggestion else None)
    englobant = _jeu_englobant(reelle)
    if englobant is not None:
        raise refus(f"se trouve dans le jeu de données {englobant}")
    if not jeu_admis and reelle.exists() and est_jeu_de_donnees(reelle):
        raise refus("est le jeu de données d'un cluster")
    return reelle


# --- Messages du système en français --------------------------------------------------------

_MESSAGES_ERRNO = {
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOSPC: "disque plein",
    errno.EROFS: "support en lecture seule",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EEXIST: "existe déjà",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTEMPTY: "dossier non vide",
    errno.EXDEV: "déplacement impossible entre deux disques",
    errno.EBUSY: "fichier ou dossier occupé",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.ELOOP: "trop de liens symboliques",
    errno.ENOLCK: "verrous non pris en charge par ce disque",
}
if hasattr(errno, "EDQUOT"):
    _MESSAGES_ERRNO[errno.EDQUOT] = "quota de disque dépassé"


def message_systeme(exc: OSError) -> str:
    """La cause d'une erreur du système de fichiers, en français, avec le chemin concerné."""
    cause = _MESSAGES_ERRNO.get(exc.errno or -1, "opération refusée par le système")
    return f"{cause} : {exc.filename}" if exc.filename else cause


# --- Verrou d'un dossier de sortie -----------------------------------------------------------


class ErreurVerrou(ErreurSortie):
    """Le dossier de sortie est déjà pris par une autre commande (verrou), au-delà du temps d'attente."""


_VERROUS: dict[tuple[str, int], list[Any]] = {}
_REGISTRE = threading.Lock()


def _prendre(descripteur: int) -> bool:
    """Essaie de prendre le verrou exclusif du fichier ouvert ; ``False`` s'il est déjà pris."""
    try:
        if sys.platform == "win32":
            import msvcrt

            os.lseek(descripteur, 0, os.SEEK_SET)
            msvcrt.locking(descripteur, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(descripteur, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, errno.EDEADLK):
            return False
        raise
    return True


def _lacher(descripteur: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(descripteur, 0, os.SEEK_SET)
        msvcrt.locking(descripteur, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    else:
        import fcntl

        fcntl.flock(descripteur, fcntl.LOCK_UN)


def _occupant(fichier: Path) -> str:
    try:
        infos = json.loads(fichier.read_text(encoding="utf-8"))
        return f" (processus {int(infos['processus'])}, commencé le {infos['debut']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


@contextmanager
def verrou(fichier: str | Path, *, attente: float, commande: str, contenu: dict[str, Any] | None = None,
           annonce: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Tient le verrou exclusif ``fichier`` pendant le bloc ; attend au plus ``attente`` secondes.

    Le verrou est celui du système (``flock``) : il disparaît avec le processus, même tué par
    ``kill -9``, et ne reste donc jamais « collé ». Le fichier reste sur le disque ; il reçoit
    ``contenu`` (JSON) plus le numéro du processus et l'heure de début. Un même fil d'exécution
    peut le reprendre (blocs imbriqués). ``annonce`` reçoit un message quand il faut attendre.
    Lève :class:`ErreurVerrou` si l'attente ne suffit pas.
    """
    fichier = Path(fichier)
    cle = (str(_reel(fichier)), threading.get_ident())
    with _REGISTRE:
        tenu = _VERROUS.get(cle)
        if tenu is not None:
            tenu[1] += 1
    if tenu is not None:
        try:
            yield fichier
        finally:
            with _REGISTRE:
                tenu[1] -= 1
        return
    masque = os.umask(0)
    os.umask(masque)
    descripteur = os.open(fichier, os.O_RDWR | os.O_CREAT, 0o666 & ~masque)
    try:
        limite = time.monotonic() + attente
        annonce_faite = False
        while True:
            try:
                if _prendre(descripteur):
                    break
            except OSError as exc:  # disque réseau sans verrous, par exemple
                raise ErreurVerrou(f"{commande} : impossible de verrouiller {fichier.parent} "
                                   f"({message_systeme(exc)}) ; choisissez un dossier de sortie sur un disque "
                                   "local (rien n'a été écrit)") from None
            if annonce is not None and not annonce_faite and attente > 0:
                annonce(f"{commande} : une autre commande écrit dans {fichier.parent}{_occupant(fichier)} ; "
                        f"attente de sa fin ({attente:g} s au plus)…")
                annonce_faite = True
            if time.monotonic() >= limite:
                raise ErreurVerrou(
                    f"{commande} : une autre commande écrit déjà dans {fichier.parent}{_occupant(fichier)} ; "
                    f"attendu {attente:g} s sans qu'elle finisse. Relancez quand elle aura fini, ou choisissez "
                    "un autre dossier de sortie (rien n'a été écrit)")
            time.sleep(0.2)
        infos = {**(contenu or {}), "processus": os.getpid(),
                 "debut": time.strftime("%d/%m/%Y à %H:%M:%S")}
        os.ftruncate(descripteur, 0)
        os.lseek(descripteur, 0, os.SEEK_SET)
        os.write(descripteur, (json.dumps(infos, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        with _REGISTRE:
            _VERROUS[cle] = [descripteur, 1]
        try:
            yield fichier
        finally:
            with _REGISTRE:
                del _VERROUS[cle]
            _lacher(descripteur)
    finally:
        os.close(descripteur)


# --- Tableurs : CSV et XLSX ------------------------------------------------------------------

DEBUTS_FORMULE = ("=", "+", "-", "@", "\t", "\r")
"""Premiers caractères qu'un tableur lit comme le début d'une formule (liste de l'OWASP)."""

_NOMBRE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _a_neutraliser(texte: str) -> bool:
    return texte.startswith(DEBUTS_FORMULE) and not _NOMBRE.fullmatch(texte)


def _apres_apostrophes(texte: str) -> bool:
    """Vrai pour ``=1``, ``'=1``, ``''=1``… : un début de formule, derrière d'éventuelles apostrophes."""
    return _a_neutraliser(texte.lstrip("'"))


def neutraliser_cellule(valeur: Any) -> Any:
    """La valeur à écrire dans une cellule de CSV : jamais le début d'une formule.

    Un texte qui commence par ``=``, ``+``, ``-``, ``@``, une tabulation ou un retour chariot
    reçoit une apostrophe devant (``=1+1`` → ``'=1+1``), comme le recommande l'OWASP. Un nombre
    reste un nombre, même négatif et même écrit en texte (``-2``, ``-2.5``, ``+3``) ; les autres
    valeurs sont rendues telles quelles. Un texte déjà précédé d'apostrophes (``'=1``) en reçoit
    une de plus, pour que :func:`retirer_neutralisation`, qui fait l'inverse, le rende intact.
    """
    if isinstance(valeur, str) and _apres_apostrophes(valeur):
        return "'" + valeur
    return valeur


def retirer_neutralisation(texte: str) -> str:
    """Relit une cellule écrite par :func:`neutraliser_cellule` : ``'=1+1`` redevient ``=1+1``.

    Seule une apostrophe suivie d'un début de formule est ôtée (c'est aussi ce que fait un
    tableur : l'apostrophe y marque un texte, elle ne fait pas partie de la valeur) ; ``'abc``
    reste ``'abc``. Ainsi un jeu réécrit par ``import-kobo`` ou ``pseudonymise`` se relit avec
    exactement les valeurs d'origine.
    """
    if texte.startswith("'") and _apres_apostrophes(texte):
        return texte[1:]
    return texte


def neutraliser_tableau(cadre: pd.DataFrame) -> pd.DataFrame:
    """Copie d'un tableau prêt pour ``to_csv`` : chaque texte passe par :func:`neutraliser_cellule`.

    Les colonnes de nombres ne changent pas ; le tableau reçu n'est pas modifié.
    """
    import pandas as pd

    sortie = cadre.copy()
    for colonne in sortie.columns:
        serie = sortie[colonne]
        if pd.api.types.is_string_dtype(serie) or serie.dtype == object:
            sortie[colonne] = serie.map(neutraliser_cellule, na_action="ignore")
    return sortie


def proteger_classeur(classeur: Any) -> Any:
    """Avant l'enregistrement d'un classeur openpyxl : aucune cellule n'est une formule.

    openpyxl fait d'un texte qui commence par « = » une formule : chaque cellule formule
    redevient un texte. Un texte qui commence par ``=``, ``+``, ``-``, ``@``, une tabulation ou
    un retour chariot est marqué « texte » (``quotePrefix`` : l'apostrophe qu'Excel ajoute
    lui-même, invisible dans la cellule) ; il reste du texte si on le modifie dans Excel. Les
    nombres restent des nombres. Le classeur est modifié sur place et renvoyé.
    """
    for feuille in classeur.worksheets:
        for ligne in feuille.iter_rows():
            for cellule in ligne:
                valeur = cellule.value
                if not isinstance(valeur, str):
                    continue
                if cellule.data_type == "f":
                    cellule.data_type = "s"
                if _a_neutraliser(valeur):
                    cellule.quotePrefix = True
    return classeur
