"""Rapports de diagnostic par cluster : papermill, export HTML, ``resume.json``, synthèse.

Chaque cluster est d'abord validé ; un cluster invalide est signalé avec ses messages et
n'est pas exécuté. Chaque rapport s'exécute dans un **processus séparé** (papermill dans
``multiprocessing`` est fragile) et s'écrit dans un dossier temporaire, déplacé à sa place
seulement en cas de succès : un échec ne laisse jamais de rapport à moitié écrit et ne
détruit pas le rapport précédent.

Le dossier des rapports n'est jamais un jeu de données ni autour ou dans l'un d'eux. Chaque
rapport porte une marque (``.clusterlib-rapport``, avec la liste de ses fichiers) : un dossier
sans elle, ou qui contient d'autres fichiers, n'est jamais remplacé. Un verrou
(``.clusterlib-rapports``) fait attendre puis refuser un second run vers le même dossier ;
``index.html`` et ``synthese.csv`` décrivent les rapports présents sur le disque, et les
restes d'un run tué (dossiers ``.clusterlib-tmp-…``) sont nettoyés par le suivant.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clusterlib import __version__
from clusterlib.donnees.lecture import lire_jeu
from clusterlib.donnees.modele import Cluster, cluster_depuis_jeu
from clusterlib.donnees.validation import probleme_identifiant_cluster, valider_jeu
from clusterlib.fichiers import (
    ErreurSortie,
    ecrire_atomique,
    message_systeme,
    neutraliser_tableau,
    proteger_classeur,
    verifier_sortie,
    verrou,
)
from clusterlib.ressources import dossier_carnets

__all__ = [
    "ATTENTE_VERROU",
    "FORMATS",
    "MARQUEUR_LOT",
    "MARQUEUR_RAPPORT",
    "BilanRapports",
    "Resultat",
    "ecrire_synthese",
    "executer_lot",
    "image_rapport",
    "lire_marqueur",
    "nettoyer_restes",
    "notebook_rapport",
    "produire_rapports",
    "rapports_presents",
    "resume_cluster",
    "resumes_cluster",
    "verifier_ecriture",
    "verifier_sortie_rapports",
    "verrou_rapports",
]

FORMATS = ("html", "pdf", "ipynb")
DELAI_CELLULE = 600  # secondes par cellule
# Moteurs d'exécution des notebooks : « clusterlib » (cellules exécutées dans des processus de
# travail qui ont tout importé une fois, voir clusterlib.sorties.travailleur) ou « papermill » (un
# processus et un noyau neufs par rapport). Les deux donnent les mêmes rapports.
MOTEURS = ("clusterlib", "papermill")
MOTEUR_DEFAUT = "clusterlib"
_EN_COURS: set[Any] = set()  # ce qu'il faut arrêter sur Ctrl-C (processus ou processus de travail)
_ARRET = threading.Event()


def notebook_rapport() -> Path:
    """Le notebook du rapport (``notebooks/rapport_cluster.ipynb``, livré avec le paquet)."""
    dossier = dossier_carnets()
    chemin = dossier / "rapport_cluster.ipynb" if dossier else None
    if chemin is None or not chemin.exists():
        raise FileNotFoundError("notebook du rapport introuvable dans le paquet installé : réinstallez clusterlib")
    return chemin


def image_rapport(figure: Any, nom: str, description: str, dossier: str | Path | None = None) -> str:
    """Une figure du rapport en HTML : PNG léger intégré, texte alternatif français, ouverture en grand.

    Avec un ``dossier`` (les figures du rapport), le PNG y est aussi enregistré.
    """
    from clusterlib.sorties.pdf import image_html

    return image_html(figure, nom, description, dossier)


# --- Le résumé lisible par machine -------------------------------------------------------


def _nettoyer(valeur: Any) -> Any:
    """Valeurs JSON propres : NaN → None, types numpy → types Python."""
    if isinstance(valeur, dict):
        return {str(k): _nettoyer(v) for k, v in valeur.items()}
    if isinstance(valeur, (list, tuple)):
        return [_nettoyer(v) for v in valeur]
    if hasattr(valeur, "item") and not isinstance(valeur, (str, bytes)):
        valeur = valeur.item()
    if isinstance(valeur, float) and not math.isfinite(valeur):
        return None
    if valeur is pd.NA:
        return None
    return valeur


def _section(calcul: Callable[[], Any]) -> Any:
    """Une section du résumé : ``None`` si l'analyse n'a pas les données nécessaires."""
    from clusterlib.donnees.modele import TableAbsente

    try:
        return calcul()
    except TableAbsente:
        return None


def resume_cluster(cluster: Cluster, campagne: str | None = None) -> dict[str, Any]:
    """Le résumé d'un cluster pour une campagne, tel qu'écrit dans ``resume.json``.

    Les sections sans données valent ``None`` : rien n'est inventé.
    """
    return resumes_cluster(cluster, [campagne or cluster.campagne])[0]


def resumes_cluster(cluster: Cluster, campagnes: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Les résumés de plusieurs campagnes (toutes par défaut), chacun égal à :func:`resume_cluster`.

    Les sections qui ne dépendent pas de la campagne (réseau, préalables) ne sont calculées
    qu'une fois : la banque de clusters s'en sert pour ses indicateurs.
    """
    from clusterlib.analyses import comptes, notation, reseau

    campagnes = list(campagnes) if campagnes is not None else cluster.campagnes()
    synthese_reseau = _section(lambda: reseau.synthese_reseau(cluster))
    prealables = _section(lambda: reseau.synthese_prealables(cluster))
    resumes = []
    for campagne in campagnes:
        resumes.append(_nettoyer({
            "cluster": cluster.id,
            "nom": cluster.nom,
            "campagne": campagne,
            "donnees_fictives": cluster.fiche.donnees_fictives,
            "reseau": synthese_reseau,
            "prealables": prealables,
            "economie": _section(lambda c=campagne: comptes.synthese_economie(cluster, c)),
            "scores": _section(lambda c=campagne: notation.synthese_scores(cluster, c)),
        }))
    return resumes


# --- Le dossier des rapports : marques, verrou, restes d'un run interrompu --------------------

MARQUEUR_RAPPORT = ".clusterlib-rapport"
"""Fichier caché écrit dans chaque dossier de rapport : sans lui, un dossier n'est jamais remplacé."""
MARQUEUR_LOT = ".clusterlib-rapports"
"""Fichier caché à la racine du dossier des rapports : sa marque, et le verrou des runs simultanés."""
ATTENTE_VERROU = 30.0
"""Secondes pendant lesquelles un second ``report`` vers le même dossier attend que le premier finisse."""
_PREFIXE_TEMPORAIRE = ".clusterlib-tmp-"
_PREFIXE_ANCIEN = ".clusterlib-ancien-"
_TEMOIN_TEMPORAIRE = ".clusterlib-temporaire"
_TEMPORAIRE_SYNTHESE = re.compile(r"^\.(index\.html|synthese\.csv)\.[A-Za-z0-9_]{8}\.(html|csv)$")
_JOURNAUX = "_journaux"
_COMMANDE = "clusterlib report"


def _fichiers(dossier: Path) -> list[str]:
    """Les fichiers sous ``dossier`` (chemins relatifs, ``/``), liens symboliques compris, sans les suivre."""
    trouves = []
    for racine, dossiers, noms in os.walk(dossier, followlinks=False):
        base = Path(racine)
        liens = [d for d in dossiers if (base / d).is_symlink()]
        for nom in [*noms, *liens]:
            trouves.append((base / nom).relative_to(dossier).as_posix())
    return sorted(trouves)


def lire_marqueur(dossier: str | Path) -> dict[str, Any] | None:
    """La marque d'un dossier de rapport écrit par clusterlib (``.clusterlib-rapport``), ou ``None``."""
    dossier = Path(dossier)
    marqueur = dossier / MARQUEUR_RAPPORT
    if dossier.is_symlink() or not dossier.is_dir() or marqueur.is_symlink() or not marqueur.is_file():
        return None
    try:
        contenu = json.loads(marqueur.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(contenu, dict) or contenu.get("outil") != "clusterlib" or not isinstance(
            contenu.get("fichiers"), list):
        return None
    return contenu


def _ecrire_marqueur(dossier: Path, ident: str, chemin: Path, complements: dict[str, Any] | None = None) -> None:
    """Écrit la marque ; ``complements`` y ajoute des clés (origine dans une banque, empreinte du contenu…)."""
    fichiers = _fichiers(dossier)
    contenu = {
        "outil": "clusterlib",
        "version": __version__,
        "nature": "rapport de diagnostic d'un cluster",
        "cluster": ident,
        "donnees": str(chemin),
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        **(complements or {}),
        "fichiers": [*fichiers, MARQUEUR_RAPPORT],
    }
    (dossier / MARQUEUR_RAPPORT).write_text(json.dumps(contenu, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8")


def _refus_remplacement(cible: Path) -> str | None:
    """Pourquoi ``cible`` ne peut pas être remplacé par un nouveau rapport ; ``None`` s'il le peut.

    Seul un dossier qui porte la marque de clusterlib est remplacé, et seulement s'il ne contient
    que les fichiers que clusterlib y a écrits : rien d'autre n'est jamais supprimé.
    """
    if not os.path.lexists(cible):
        return None
    conseil = "renommez-le ou déplacez-le, ou choisissez un autre dossier de sortie"
    if cible.is_symlink() or not cible.is_dir():
        return f"{cible} existe et n'est pas un dossier de rapport de clusterlib : il n'est pas remplacé ; {conseil}"
    marque = lire_marqueur(cible)
    if marque is None:
        return (f"{cible} existe et ne porte pas la marque d'un rapport de clusterlib (fichier {MARQUEUR_RAPPORT}) : "
                f"il n'est pas remplacé ; {conseil}")
    etrangers = sorted(set(_fichiers(cible)) - set(map(str, marque["fichiers"])))
    if etrangers:
        liste = ", ".join(etrangers[:5]) + (" …" if len(etrangers) > 5 else "")
        return (f"{cible} contient des fichiers que clusterlib n'a pas écrits ({liste}) : le rapport n'est pas "
                "remplacé ; déplacez ces fichiers ailleurs puis relancez")
    return None


def _deplacer_en_place(temporaire: Path, cible: Path, ident: str) -> None:
    """Remplace ``cible`` par ``temporaire`` ; l'ancien rapport (marqué) n'est supprimé qu'après."""
    refus = _refus_remplacement(cible)
    if refus:
        raise ErreurSortie(refus)
    ancien = None
    if cible.exists():
        ancien = cible.with_name(f"{_PREFIXE_ANCIEN}{ident}-{os.getpid()}")
        cible.rename(ancien)
    try:
        temporaire.rename(cible)
    except OSError:
        if ancien is not None:
            ancien.rename(cible)
        raise
    if ancien is not None:
        shutil.rmtree(ancien, ignore_errors=True)


def _temporaire_a_nous(dossier: Path) -> bool:
    """Un dossier temporaire d'un rapport : nom reconnaissable, et vide ou marqué par clusterlib."""
    if dossier.is_symlink() or not dossier.is_dir():
        return False
    if not (dossier.name.startswith(_PREFIXE_TEMPORAIRE) or dossier.name.startswith(_PREFIXE_ANCIEN)):
        return False
    contenu = list(dossier.iterdir())
    return not contenu or (dossier / _TEMOIN_TEMPORAIRE).is_file() or lire_marqueur(dossier) is not None


def nettoyer_restes(sortie: str | Path) -> list[str]:
    """Supprime ce qu'un run interrompu (``kill -9``, coupure) a laissé dans ``sortie`` ; renvoie leurs noms.

    Seuls les restes de clusterlib sont touchés : dossiers temporaires ``.clusterlib-tmp-…``
    (vides ou marqués), anciens rapports ``.clusterlib-ancien-…`` (remis en place si le
    nouveau n'a pas été posé), temporaires d'``index.html`` et de ``synthese.csv``. À appeler
    sous le verrou du dossier, quand aucun autre run n'y écrit.
    """
    sortie = Path(sortie)
    nettoyes: list[str] = []
    if not sortie.is_dir():
        return nettoyes
    for entree in sorted(sortie.iterdir()):
        nom = entree.name
        if nom.startswith(_PREFIXE_ANCIEN) and _temporaire_a_nous(entree):
            marque = lire_marqueur(entree)
            ident = str(marque.get("cluster", "")) if marque else ""
            cible = sortie / ident
            if ident and probleme_identifiant_cluster(ident) is None and not os.path.lexists(cible):
                entree.rename(cible)  # le nouveau rapport n'a pas été posé : l'ancien reprend sa place
            elif marque is None or _refus_remplacement(entree) is None:
                shutil.rmtree(entree, ignore_errors=True)
            else:
                continue
            nettoyes.append(nom)
        elif nom.startswith(_PREFIXE_TEMPORAIRE) and _temporaire_a_nous(entree):
            shutil.rmtree(entree, ignore_errors=True)
            nettoyes.append(nom)
        elif (_TEMPORAIRE_SYNTHESE.match(nom) or nom.startswith(".clusterlib-essai-")) and entree.is_file() \
                and not entree.is_symlink():
            entree.unlink(missing_ok=True)
            nettoyes.append(nom)
    return nettoyes


def verifier_sortie_rapports(sortie: str | Path, chemins: Iterable[str | Path] = ()) -> None:
    """Vérifie, sans rien écrire, qu'on peut produire les rapports de ``chemins`` dans ``sortie``.

    Le dossier des rapports n'est ni un jeu de données, ni dans l'un d'eux, ni autour d'un jeu
    d'entrée ; s'il contient déjà ``index.html`` ou ``synthese.csv``, il doit porter la marque
    ``.clusterlib-rapports`` (ces fichiers sont alors à clusterlib). Lève :class:`ErreurSortie`.
    """
    sortie = Path(sortie)
    verifier_sortie(sortie, chemins, commande=_COMMANDE, dossier=True, suggestion="rapports")
    if sortie.is_dir() and not (sortie / MARQUEUR_LOT).is_file():
        existants = [n for n in ("index.html", "synthese.csv") if os.path.lexists(sortie / n)]
        if existants:
            raise ErreurSortie(
                f"{_COMMANDE} : {sortie} contient déjà {' et '.join(existants)} sans être un dossier de rapports "
                f"de clusterlib (fichier {MARQUEUR_LOT} absent) : ces fichiers ne sont pas remplacés ; choisissez "
                "un autre dossier de sortie (rien n'a été écrit)")


def verrou_rapports(sortie: str | Path, attente: float | None = None,
                    annonce: Callable[[str], None] | None = None) -> AbstractContextManager[Path]:
    """Le verrou du dossier des rapports (fichier ``.clusterlib-rapports``, qui le marque aussi).

    Un second run vers le même dossier attend au plus ``attente`` secondes (par défaut
    :data:`ATTENTE_VERROU`) puis refuse avec :class:`~clusterlib.fichiers.ErreurVerrou`.
    """
    sortie = Path(sortie)
    return verrou(sortie / MARQUEUR_LOT, attente=ATTENTE_VERROU if attente is None else attente,
                  commande=_COMMANDE, annonce=annonce,
                  contenu={"outil": "clusterlib", "version": __version__,
                           "nature": "dossier des rapports de clusterlib report"})


# --- Exécution d'un rapport (dans un processus à part : voir clusterlib.sorties._execution) ----------


@dataclass
class Resultat:
    """Issue du rapport d'un cluster : ``fait``, ``invalide`` ou ``echec``."""

    chemin: Path
    etat: str
    cluster: str | None = None
    dossier: Path | None = None
    messages: list[str] = field(default_factory=list)
    journal: Path | None = None
    duree: float = 0.0


def _nom_journal(texte: str) -> str:
    nom = re.sub(r"[^a-z0-9-]+", "-", texte.lower()).strip("-")[:60]
    return nom or "cluster"


def _garder_journal(sortie: Path, nom: str, texte: str) -> Path | None:
    """Écrit ``_journaux/<nom>.log`` ; ``None`` si c'est impossible (le lot continue quand même)."""
    dossier = sortie / _JOURNAUX
    try:
        if dossier.is_symlink():
            return None
        dossier.mkdir(exist_ok=True)
        return ecrire_atomique(dossier / f"{nom}.log", texte)
    except OSError:
        return None


def _lancer_execution(fichier_parametres: Path, journal: Path) -> subprocess.Popen:
    """Exécute ``python -m clusterlib.sorties._execution fichier_parametres`` (journal dans ``journal``) et attend."""
    with journal.open("w", encoding="utf-8") as flux:
        processus = subprocess.Popen(
            [sys.executable, "-m", "clusterlib.sorties._execution", str(fichier_parametres)],
            stdout=flux, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        )
        _EN_COURS.add(processus)
        try:
            processus.wait()
        finally:
            _EN_COURS.discard(processus)
    return processus



def _lancer_papermill(fichier_parametres: Path, journal: Path) -> int:
    """Moteur papermill : un processus neuf (``clusterlib.sorties._execution``) et son noyau."""
    return _lancer_execution(fichier_parametres, journal).returncode


@contextmanager
def lanceur(moteur: str, delai: int = DELAI_CELLULE, travaux: int = 1) -> Iterator[Callable[[Path, Path], int]]:
    """Le lanceur des rapports avec ``moteur`` (``"clusterlib"`` ou ``"papermill"``).

    ``lancer(fichier_parametres, journal)`` exécute le notebook décrit par les paramètres et
    renvoie le code de sortie ; il peut servir depuis plusieurs fils. Avec le moteur
    clusterlib, ``travaux`` processus de travail démarrent à l'entrée du bloc ``with`` et
    s'arrêtent à sa sortie.
    """
    if moteur not in MOTEURS:
        raise ValueError(f"moteur « {moteur} » inconnu ; moteurs possibles : {', '.join(MOTEURS)}")
    if moteur == "papermill":
        yield _lancer_papermill
        return
    from clusterlib.sorties.reserve import Atelier

    with Atelier(travaux) as atelier:
        yield _lanceur_clusterlib(atelier, delai)


def _lanceur_clusterlib(atelier: Any, delai: int) -> Callable[[Path, Path], int]:
    """Moteur clusterlib : un enfant forké d'un processus de travail de ``atelier``."""

    def lancer(fichier_parametres: Path, journal: Path) -> int:
        with atelier.travailleur() as travailleur:
            _EN_COURS.add(travailleur)
            try:
                return travailleur.executer(fichier_parametres, journal, delai)
            finally:
                _EN_COURS.discard(travailleur)

    return lancer

def _echec_inattendu(chemin: Path, sortie: Path, ident: str | None, exc: BaseException, debut: float) -> Resultat:
    """Un échec imprévu d'un cluster : message en français, détails techniques dans le journal."""
    if isinstance(exc, ErreurSortie):
        return Resultat(chemin, "echec", cluster=ident, messages=[str(exc)], duree=time.monotonic() - debut)
    cause = message_systeme(exc) if isinstance(exc, OSError) else "erreur inattendue de clusterlib"
    journal = _garder_journal(sortie, _nom_journal(ident or chemin.stem), "".join(traceback.format_exception(exc)))
    message = f"rapport impossible : {cause}" + ("" if journal is None else " (détails dans le journal)")
    return Resultat(chemin, "echec", cluster=ident, journal=journal, messages=[message],
                    duree=time.monotonic() - debut)


@dataclass
class _Prepare:
    chemin: Path
    cluster: Cluster


def _preparer(chemin: Path, campagne: str | None) -> Resultat | _Prepare:
    """Valide un cluster avant toute exécution : ses données, son identifiant, la campagne demandée."""
    jeu = valider_jeu(lire_jeu(chemin))
    if not jeu.valide:
        return Resultat(chemin, "invalide", messages=[str(p) for p in jeu.erreurs])
    cluster = cluster_depuis_jeu(jeu)
    ident = cluster.id
    probleme = probleme_identifiant_cluster(ident)  # déjà vérifié par la validation : même règle
    if probleme:
        return Resultat(chemin, "invalide", messages=[f"identifiant du cluster : {probleme}"])
    campagnes = cluster.campagnes()
    if campagne is not None and campagne not in campagnes:
        return Resultat(chemin, "invalide", cluster=ident, messages=[
            f"campagne « {campagne} » absente de ce cluster ; campagnes disponibles : {', '.join(campagnes)}"])
    return _Prepare(chemin, cluster)


def _rapport_un(prepare: _Prepare, sortie: Path, campagne: str | None, disposition: str,
                formats: Sequence[str], delai: int, notebook: Path,
                lancer: Callable[[Path, Path], int] = _lancer_papermill,
                complements: dict[str, Any] | None = None) -> Resultat:
    debut = time.monotonic()
    chemin, ident = prepare.chemin, prepare.cluster.id
    try:
        return _executer_rapport(chemin, ident, sortie, campagne, disposition, formats, delai, notebook, debut,
                                 lancer, complements)
    except Exception as exc:  # l'échec d'un cluster, quel qu'il soit, n'arrête pas le lot
        return _echec_inattendu(chemin, sortie, ident, exc, debut)


def _executer_rapport(chemin: Path, ident: str, sortie: Path, campagne: str | None, disposition: str,
                      formats: Sequence[str], delai: int, notebook: Path, debut: float,
                      lancer: Callable[[Path, Path], int], complements: dict[str, Any] | None = None) -> Resultat:
    cible = sortie / ident
    refus = _refus_remplacement(cible)
    if refus:
        return Resultat(chemin, "echec", cluster=ident, messages=[refus])
    # Chemin absolu : le noyau travaille dans ce dossier (cwd), un chemin relatif y serait relu de travers.
    temporaire = Path(tempfile.mkdtemp(prefix=f"{_PREFIXE_TEMPORAIRE}{ident}-", dir=os.path.abspath(sortie)))
    try:
        temoin = temporaire / _TEMOIN_TEMPORAIRE
        temoin.write_text(f"dossier temporaire de clusterlib report (processus {os.getpid()})\n", encoding="utf-8")
        masque = os.umask(0)
        os.umask(masque)
        os.chmod(temporaire, 0o777 & ~masque)  # mkdtemp crée le dossier en 0700 : droits habituels pour le rapport
        journal = temporaire / "journal.txt"
        parametres = {
            "temporaire": str(temporaire),
            "notebook": str(notebook),
            "chemin_donnees": str(chemin.resolve()),
            "campagne": campagne,
            "disposition": disposition,
            # Le PDF s'imprime depuis la page HTML : l'enfant l'exporte toujours quand un PDF est demandé.
            "formats": sorted({f for f in formats if f != "pdf"} | ({"html"} if "pdf" in formats else set())),
            "delai": delai,
        }
        fichier_parametres = temporaire / "parametres.json"
        fichier_parametres.write_text(json.dumps(parametres), encoding="utf-8")
        journal.touch()
        code = lancer(fichier_parametres, journal)
        if _ARRET.is_set():
            return Resultat(chemin, "echec", cluster=ident, messages=["interrompu"], duree=time.monotonic() - debut)
        if code != 0:
            texte = journal.read_text(encoding="utf-8", errors="replace")
            garde = _garder_journal(sortie, ident, texte)
            return Resultat(chemin, "echec", cluster=ident, journal=garde, messages=[_raison(texte)],
                            duree=time.monotonic() - debut)
        for fichier in (journal, fichier_parametres, temoin):
            fichier.unlink()
        avertissements = _finaliser_rapport(temporaire, formats)
        _ecrire_marqueur(temporaire, ident, chemin, complements)
        _deplacer_en_place(temporaire, cible, ident)
        return Resultat(chemin, "fait", cluster=ident, dossier=cible, messages=avertissements,
                        duree=time.monotonic() - debut)
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)


def _finaliser_rapport(dossier: Path, formats: Sequence[str]) -> list[str]:
    """Rapport HTML autonome (hors ligne, téléphone, typographie) puis ``rapport.pdf`` ; renvoie les avertissements."""
    from clusterlib.sorties.pdf import ErreurPdf, finaliser_html, imprimer_pdf

    page = dossier / "rapport.html"
    if not page.exists():
        return []
    resume = json.loads((dossier / "resume.json").read_text(encoding="utf-8"))
    page.write_text(finaliser_html(page.read_text(encoding="utf-8"), f"Rapport de diagnostic : {resume['nom']}"),
                    encoding="utf-8")
    avertissements = []
    if "pdf" in formats:
        try:
            imprimer_pdf(page, dossier / "rapport.pdf")
        except ErreurPdf as exc:
            avertissements.append(str(exc))
    if "html" not in formats:
        page.unlink()
    return avertissements


def _raison(journal: str) -> str:
    """La raison d'un échec, tirée de la fin du journal (la dernière ligne d'erreur)."""
    lignes = [ligne.strip() for ligne in journal.splitlines() if ligne.strip()]
    for ligne in reversed(lignes):
        if re.search(r"(Error|Exception|Timeout|erreur|Erreur|dépassé)", ligne):
            return ligne[:300]
    return lignes[-1][:300] if lignes else "le processus s'est arrêté sans message"


def _sans_doublons(chemins: Sequence[Path]) -> list[Path]:
    """Les chemins, chacun une fois (deux écritures du même jeu ne comptent qu'une fois)."""
    vus: set[str] = set()
    uniques = []
    for c in chemins:
        cle = os.path.normcase(os.path.realpath(c))
        if cle not in vus:
            vus.add(cle)
            uniques.append(c)
    return uniques


def executer_lot(
    chemins: Iterable[str | Path],
    sortie: str | Path,
    *,
    campagne: str | None = None,
    disposition: str = "valuelinks",
    formats: Sequence[str] = FORMATS,
    travaux: int = 1,
    delai: int = DELAI_CELLULE,
    notebook: str | Path | None = None,
    progression: Callable[[Resultat], None] | None = None,
    moteur: str = MOTEUR_DEFAUT,
) -> list[Resultat]:
    """Produit les rapports de plusieurs clusters dans ``sortie/<id du cluster>/``.

    ``travaux`` rapports tournent en parallèle, chacun dans son propre processus.
    ``progression`` est appelé après chaque cluster (barre de progression). Avant toute
    écriture, ``sortie`` est vérifiée (:func:`verifier_sortie_rapports`) et verrouillée ;
    deux clusters du lot qui ont le même identifiant sont refusés tous les deux. L'échec
    d'un cluster, quel qu'il soit, n'arrête pas les autres.
    ``moteur`` : ``"clusterlib"`` (par défaut) ou ``"papermill"`` (voir :data:`MOTEURS`).
    """
    if moteur not in MOTEURS:
        raise ValueError(f"moteur « {moteur} » inconnu ; moteurs possibles : {', '.join(MOTEURS)}")
    # Chemin absolu : le noyau tourne dans le dossier temporaire du rapport, un chemin relatif
    # y serait relu à partir de ce dossier (et y laisserait une copie des figures).
    sortie = Path(sortie).resolve()
    chemins = _sans_doublons([Path(c) for c in chemins])
    verifier_sortie_rapports(sortie, chemins)
    sortie.mkdir(parents=True, exist_ok=True)
    notebook = Path(notebook) if notebook else notebook_rapport()
    with verrou_rapports(sortie):
        nettoyer_restes(sortie)
        return _executer_sous_verrou(chemins, sortie, campagne, disposition, formats, travaux, delai, notebook,
                                     progression, moteur)


def _executer_sous_verrou(chemins: list[Path], sortie: Path, campagne: str | None, disposition: str,
                          formats: Sequence[str], travaux: int, delai: int, notebook: Path,
                          progression: Callable[[Resultat], None] | None, moteur: str,
                          marques: dict[Path, dict[str, Any]] | None = None) -> list[Resultat]:
    """Le lot, sous le verrou de ``sortie`` ; ``marques[chemin]`` complète la marque du rapport de ce jeu."""
    resultats: list[Resultat] = []

    def noter(resultat: Resultat) -> None:
        resultats.append(resultat)
        if progression:
            progression(resultat)

    if not chemins:
        return resultats
    # Avec le moteur clusterlib, les processus de travail démarrent avant la validation : leurs
    # imports (2 s) se font pendant que ce processus lit et valide les clusters.
    with lanceur(moteur, delai, travaux=min(max(1, travaux), len(chemins))) as lancer:
        prepares: list[_Prepare] = []
        for chemin in chemins:
            debut = time.monotonic()
            try:
                issue = _preparer(chemin, campagne)
            except Exception as exc:  # une lecture qui échoue n'arrête pas le lot
                issue = _echec_inattendu(chemin, sortie, None, exc, debut)
            if isinstance(issue, Resultat):
                noter(issue)
            else:
                prepares.append(issue)
        par_id: dict[str, list[_Prepare]] = {}
        for p in prepares:
            par_id.setdefault(p.cluster.id, []).append(p)
        a_executer = []
        for ident, groupe in par_id.items():
            if len(groupe) == 1:
                a_executer.append(groupe[0])
                continue
            liste = " et ".join(str(p.chemin) for p in groupe)
            for p in groupe:
                noter(Resultat(p.chemin, "invalide", cluster=ident, messages=[
                    f"identifiant de cluster « {ident} » en double dans ce lot : {liste} ; chaque cluster doit avoir "
                    "son propre identifiant (clé id de la fiche) : aucun de ces rapports n'est produit"]))
        _ARRET.clear()
        pool = ThreadPoolExecutor(max_workers=max(1, travaux))
        try:
            futurs = [pool.submit(_rapport_un, p, sortie, campagne, disposition, formats, delai, notebook, lancer,
                                  (marques or {}).get(p.chemin))
                      for p in a_executer]
            for futur in as_completed(futurs):
                noter(futur.result())
        except BaseException:
            # Ctrl-C ou erreur : on arrête les noyaux en cours ; leurs dossiers temporaires sont supprimés.
            _ARRET.set()
            for processus in list(_EN_COURS):
                processus.terminate()
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    ordre = {c: i for i, c in enumerate(chemins)}
    return sorted(resultats, key=lambda r: ordre[r.chemin])


# --- Synthèse du lot ----------------------------------------------------------------------


def _ligne_synthese(resume: dict[str, Any]) -> dict[str, Any]:
    reseau = resume.get("reseau") or {}
    economie = resume.get("economie") or {}
    scores = resume.get("scores") or {}
    ligne = {
        "cluster": resume["cluster"],
        "nom": resume.get("nom"),
        "campagne": resume.get("campagne"),
        "donnees_fictives": resume.get("donnees_fictives"),
        "score_global": scores.get("global"),
        "niveau": scores.get("niveau"),
        "couverture": scores.get("couverture"),
        "valeur_ajoutee_totale": economie.get("valeur_ajoutee_totale"),
        "taux_contractualisation": reseau.get("taux_contractualisation"),
        "maillons_manquants": "; ".join(reseau.get("maillons_manquants") or []),
        "nb_acteurs": reseau.get("nb_acteurs"),
    }
    for axe, valeur in (scores.get("axes") or {}).items():
        ligne[f"axe_{axe}"] = valeur
    return ligne


def rapports_presents(sortie: str | Path) -> list[dict[str, Any]]:
    """Les résumés (``resume.json``) des rapports réellement présents dans ``sortie``, par identifiant.

    Seuls comptent les dossiers marqués par clusterlib (``.clusterlib-rapport``) dont la
    marque nomme bien ce dossier : ce sont ceux que décrivent ``index.html`` et ``synthese.csv``.
    """
    sortie = Path(sortie)
    resumes = []
    for dossier in sorted(sortie.iterdir()):
        if dossier.name.startswith((".", "_")):
            continue
        marque = lire_marqueur(dossier)
        if marque is None or marque.get("cluster") != dossier.name:
            continue
        fichier = dossier / "resume.json"
        try:
            resume = json.loads(fichier.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(resume, dict) and resume.get("cluster") == dossier.name:
            resumes.append(resume)
    return resumes


# Les colonnes de la synthèse : libellé lisible (classeur Excel), décimales, format de nombre Excel.
COLONNES_SYNTHESE: dict[str, tuple[str, int | None, str | None]] = {
    "cluster": ("Identifiant", None, None),
    "nom": ("Cluster", None, None),
    "campagne": ("Campagne", None, None),
    "donnees_fictives": ("Données fictives", None, None),
    "score_global": ("Note globale (1 à 4)", 2, "0.00"),
    "niveau": ("Niveau", None, None),
    "couverture": ("Couverture de la grille", 3, "0%"),
    "valeur_ajoutee_totale": ("Valeur ajoutée totale (FCFA)", 0, '#,##0" FCFA"'),
    "taux_contractualisation": ("Relations sous contrat écrit", 3, "0%"),
    "maillons_manquants": ("Maillons manquants", None, None),
    "nb_acteurs": ("Acteurs", 0, "0"),
}


def _pour_tableur(synthese: pd.DataFrame) -> pd.DataFrame:
    """La synthèse telle qu'un tableur la lit : valeurs arrondies, « oui » / « non », cases vides pour l'absent.

    C'est ici que passent toutes les cellules écrites dans ``synthese.csv`` et ``synthese.xlsx`` :
    le point d'appel de la neutralisation des textes qui ressemblent à des formules (= + - @).
    """
    tableur = synthese.copy()
    for colonne in tableur.columns:
        decimales = COLONNES_SYNTHESE.get(colonne, (None, 2 if colonne.startswith("axe_") else None, None))[1]
        if colonne == "donnees_fictives":
            textes = ["" if pd.isna(v) else ("oui" if bool(v) else "non") for v in tableur[colonne]]
            tableur[colonne] = pd.Series(textes, index=tableur.index, dtype="str")
        elif decimales is not None:
            valeurs = pd.to_numeric(tableur[colonne], errors="coerce").round(decimales)
            tableur[colonne] = valeurs.astype("Int64") if decimales == 0 else valeurs
    return neutraliser_tableau(tableur)  # un texte qui commence par = + - @ n'est jamais lu comme une formule


def _libelle_colonne(colonne: str) -> str:
    from clusterlib.referentiel import axes as axes_grille

    if colonne in COLONNES_SYNTHESE:
        return COLONNES_SYNTHESE[colonne][0]
    if colonne.startswith("axe_"):
        noms = dict(zip(axes_grille()["axe"].astype(str), axes_grille()["nom_court"], strict=True))
        numero = colonne.removeprefix("axe_")
        return f"Axe {numero} : {noms.get(numero, '')} (1 à 4)".replace(" :  (", " (")
    return colonne


def classeur_synthese(synthese: pd.DataFrame) -> bytes:
    """``synthese.xlsx`` : une feuille « Synthèse », en-têtes lisibles, formats de nombre (notes, %, FCFA)."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from clusterlib.presentation.format_fr import typographie

    tableur = _pour_tableur(synthese)
    classeur = Workbook()
    feuille = classeur.active
    feuille.title = "Synthèse"
    colonnes = list(tableur.columns)
    feuille.append([typographie(_libelle_colonne(c)) for c in colonnes])
    for cellule in feuille[1]:
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor="DDE7F0")
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
    for _, ligne in tableur.iterrows():
        feuille.append([None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in ligne])
    for i, colonne in enumerate(colonnes, start=1):
        format_nombre = COLONNES_SYNTHESE.get(colonne, (None, None, "0.00" if colonne.startswith("axe_") else None))[2]
        lettre = get_column_letter(i)
        if format_nombre:
            for (cellule,) in feuille.iter_rows(min_row=2, min_col=i, max_col=i):
                cellule.number_format = format_nombre
        largeur = max([len(str(feuille.cell(1, i).value or "")) // 2 + 2]
                      + [len(str(v)) + 2 for v in tableur[colonne].tolist()])
        feuille.column_dimensions[lettre].width = min(max(largeur, 10), 45)
    feuille.freeze_panes = "C2"
    feuille.auto_filter.ref = feuille.dimensions
    tampon = io.BytesIO()
    proteger_classeur(classeur)  # aucune cellule venue des données n'est une formule
    classeur.save(tampon)
    return tampon.getvalue()


def ecrire_synthese(sortie: str | Path, resultats: Sequence[Resultat], *, pdf: bool = False,
                    annonce: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Écrit la synthèse : ``synthese.csv`` (Excel en français), ``synthese.xlsx``, ``index.html`` et, avec
    ``pdf=True``, ``synthese.pdf`` (la page d'index imprimée) — tous les rapports présents dans ``sortie``
    et les clusters de ``resultats`` qui n'ont pas pu être traités.

    Les rapports produits par des runs précédents dans le même dossier y figurent aussi : la synthèse
    décrit toujours ce qui est sur le disque. Le dossier est verrouillé pendant l'écriture.
    ``synthese.csv`` : séparateur « ; », virgule décimale, UTF-8 avec BOM, valeurs arrondies,
    « oui » / « non » — ce que lit Excel réglé en français, sans assistant d'import.
    Si le PDF ne peut pas être imprimé, le message va à ``annonce`` (par défaut un avertissement
    Python) et le reste de la synthèse est écrit.
    """
    sortie = Path(sortie)
    with verrou_rapports(sortie):
        synthese = pd.DataFrame([_ligne_synthese(r) for r in rapports_presents(sortie)])
        csv = _pour_tableur(synthese).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n")
        ecrire_atomique(sortie / "synthese.csv", "\ufeff" + csv)
        ecrire_atomique(sortie / "synthese.xlsx", classeur_synthese(synthese))
        ecrire_atomique(sortie / "index.html", _page_index(sortie, synthese, resultats, pdf=pdf))
        if pdf:
            from clusterlib.sorties.pdf import ErreurPdf, imprimer_pdf

            try:
                imprimer_pdf(sortie / "index.html", sortie / "synthese.pdf")
            except ErreurPdf as exc:
                (annonce or _avertir)(f"{_COMMANDE} : {exc}")
    return synthese


def _avertir(message: str) -> None:
    warnings.warn(message, stacklevel=3)


def _page_index(sortie: Path, synthese: pd.DataFrame, resultats: Sequence[Resultat], *, pdf: bool = False) -> str:
    from clusterlib.graphiques.notation import carte_chaleur_html
    from clusterlib.presentation.format_fr import fcfa, nombre, pluriel, pourcentage
    from clusterlib.sorties.gabarits import html_sur, rendre
    from clusterlib.sorties.pdf import finaliser_html

    def cellule(valeur: Any, formateur: Callable[[Any], str]) -> str:
        return "—" if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)) else formateur(valeur)

    lignes = [
        {
            "ident": str(ligne["cluster"]),
            "nom": str(ligne["nom"]),
            "pdf": (sortie / str(ligne["cluster"]) / "rapport.pdf").exists(),
            "cases": [
                str(ligne["campagne"]),
                cellule(ligne["score_global"], lambda v: nombre(v, 2)),
                cellule(ligne["couverture"], lambda v: pourcentage(v, fraction=True)),
                cellule(ligne["valeur_ajoutee_totale"], fcfa),
                cellule(ligne["taux_contractualisation"], lambda v: pourcentage(v, fraction=True)),
                str(ligne["maillons_manquants"] or "—"),
            ],
        }
        for _, ligne in synthese.iterrows()
    ]
    problemes = [
        {"chemin": str(r.chemin), "etat": "invalide" if r.etat == "invalide" else "échec", "messages": r.messages[:5]}
        for r in resultats if r.etat != "fait"
    ]
    fichiers = [{"lien": "synthese.xlsx", "nature": "Excel"},
                {"lien": "synthese.csv", "nature": "tableur, séparateur « ; »"}]
    if pdf:
        fichiers.insert(0, {"lien": "synthese.pdf", "nature": "à imprimer"})
    bilan = f"{pluriel(len(synthese), 'rapport produit', 'rapports produits')}"
    if problemes:
        bilan += f", {pluriel(len(problemes), 'cluster non traité', 'clusters non traités')}"
    page = rendre("index_rapports.html.j2", bilan=bilan, fichiers=fichiers, lignes=lignes, problemes=problemes,
                  carte=html_sur(carte_chaleur_html(synthese)) if not synthese.empty else "")
    return finaliser_html(page)


def verifier_ecriture(sortie: str | Path, commande: str = _COMMANDE) -> None:
    """Crée ``sortie`` si besoin et y essaie l'écriture d'un fichier (effacé aussitôt).

    Lève :class:`~clusterlib.fichiers.ErreurSortie` (message en français préfixé par
    ``commande``) si le dossier ne peut pas être créé ou si l'on ne peut pas y écrire.
    """
    sortie = Path(sortie)
    try:
        sortie.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=sortie, prefix=".clusterlib-essai-"):
            pass
    except OSError as exc:
        raise ErreurSortie(f"{commande} : impossible d'écrire dans le dossier de sortie {sortie} "
                           f"({message_systeme(exc)})") from None


@dataclass(frozen=True)
class BilanRapports:
    """Ce que :func:`produire_rapports` a fait : un :class:`Resultat` par cluster, la synthèse écrite."""

    sortie: Path
    resultats: list[Resultat]
    synthese: pd.DataFrame
    formats: tuple[str, ...]

    def par_etat(self, etat: str) -> list[Resultat]:
        """Les résultats dans l'état ``etat`` (``"fait"``, ``"invalide"`` ou ``"echec"``), dans l'ordre du lot."""
        return [r for r in self.resultats if r.etat == etat]

    @property
    def complet(self) -> bool:
        """Vrai si chaque cluster du lot a son rapport."""
        return all(r.etat == "fait" for r in self.resultats)

    @property
    def fichier_principal(self) -> str:
        """Le fichier du rapport qui le représente : HTML s'il est gardé, sinon PDF, sinon le notebook."""
        return "rapport.html" if "html" in self.formats else "rapport.pdf" if "pdf" in self.formats else "rapport.ipynb"


def produire_rapports(
    chemins: Sequence[Path],
    sortie: Path,
    *,
    travaux: int = 1,
    campagne: str | None = None,
    formats: Sequence[str] = FORMATS,
    disposition: str = "valuelinks",
    delai: int = DELAI_CELLULE,
    moteur: str = MOTEUR_DEFAUT,
    progression: Callable[[Resultat], None] | None = None,
    annonce: Callable[[str], None] | None = None,
) -> BilanRapports:
    """Ce que fait ``clusterlib report`` : vérifie la sortie, produit les rapports, écrit la synthèse.

    ``progression`` est appelé après chaque cluster ; ``annonce`` reçoit les messages à dire
    pendant le travail (attente du verrou, PDF de la synthèse impossible). Lève
    :class:`~clusterlib.fichiers.ErreurSortie` si la sortie est refusée (rien n'est écrit),
    ``OSError`` si l'écriture échoue en route ; un Ctrl-C (``KeyboardInterrupt``) ne laisse
    aucun rapport à moitié écrit.
    """
    verifier_sortie_rapports(sortie, chemins)
    verifier_ecriture(sortie)
    with verrou_rapports(sortie, annonce=annonce):
        resultats = executer_lot(chemins, sortie, campagne=campagne, disposition=disposition, formats=formats,
                                 travaux=travaux, delai=delai, progression=progression, moteur=moteur)
        synthese = ecrire_synthese(sortie, resultats, pdf="pdf" in formats, annonce=annonce)
    return BilanRapports(Path(sortie), resultats, synthese, tuple(formats))
