"""Les rapports de tous les clusters d'une banque (``clusterlib report --banque``).

Le notebook du rapport lit un jeu de données (dossier ou classeur) : c'est ce qui le rend
utilisable tel quel dans JupyterLab, dans le livre et par ``clusterlib report``. Plutôt que de
lui apprendre à lire une banque, le lot **reconstitue le jeu de chaque cluster** à partir de
la banque (``cluster.yml`` et un CSV par table, les lignes dans l'ordre de l'ajout) dans un
dossier caché du dossier des rapports (``.clusterlib-tmp-banque-…``), supprimé à la fin du lot
et, après un arrêt brutal, par le run suivant. Le rapport produit est alors exactement celui
du jeu d'origine (même notebook, mêmes deux moteurs, mêmes promesses de ``report``), la
banque n'est ouverte que le temps de lire les clusters (une autre commande peut y écrire
pendant le lot) et rien du rapport ne dépend de DuckDB.

Un cluster dont le rapport est à jour est sauté : la marque du rapport (``.clusterlib-rapport``)
garde l'empreinte de ce qui l'a produit — le contenu du jeu reconstitué, le code de clusterlib
(tous les fichiers du paquet), le notebook du rapport, les versions des bibliothèques qui
dessinent et exportent, les options du rapport et la date de référence du suivi du plan.
Si l'une change, le rapport est refait ; ``tout=True`` les refait tous.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from clusterlib import __version__
from clusterlib.fichiers import ErreurSortie
from clusterlib.sorties.rapports import BilanRapports

__all__ = [
    "Avancement",
    "BilanBanque",
    "JeuBanque",
    "empreinte_code",
    "empreinte_rapport",
    "jeux_de_la_banque",
    "rapport_a_jour",
    "rapporter_banque",
]

PREFIXE_JEUX = ".clusterlib-tmp-banque-"
"""Dossier caché des jeux reconstitués (préfixe des temporaires de rapports : le run suivant nettoie ses restes)."""

# Bibliothèques dont la version change les figures, les tableaux ou le HTML des rapports.
BIBLIOTHEQUES = ("pandas", "numpy", "matplotlib", "networkx", "nbconvert", "nbformat", "papermill", "jinja2",
                 "mistune", "pygments", "duckdb")


# --- Les jeux reconstitués ----------------------------------------------------------------------


@dataclass(frozen=True)
class JeuBanque:
    """Le jeu de données d'un cluster relu dans la banque : ses fichiers (nom → texte) et leur empreinte."""

    cluster: str
    nom: str
    filiere: str
    campagne: str
    fichiers: dict[str, str]

    @property
    def empreinte(self) -> str:
        """SHA-256 du contenu des fichiers (noms compris), dans l'ordre des noms."""
        h = hashlib.sha256()
        for nom in sorted(self.fichiers):
            h.update(f"\n{nom}\n".encode())
            h.update(self.fichiers[nom].encode("utf-8"))
        return h.hexdigest()

    def ecrire(self, dossier: Path) -> Path:
        """Écrit le jeu dans ``dossier/<id du cluster>/`` ; renvoie ce dossier."""
        cible = dossier / self.cluster
        cible.mkdir()
        for nom, texte in self.fichiers.items():
            (cible / nom).write_text(texte, encoding="utf-8", newline="")
        return cible


def _liste(valeur: Any) -> list[Any]:
    if valeur is None or (isinstance(valeur, float) and valeur != valeur):
        return []
    return [v for v in list(valeur) if v is not None]


def _cellule(valeur: Any, type_colonne: str) -> str:
    """Une valeur de la banque écrite comme dans un CSV de cluster (nombres exacts, vide pour l'absent)."""
    if valeur is None or valeur is pd.NA or (isinstance(valeur, float) and valeur != valeur):
        return ""
    if type_colonne in ("entier", "annee", "nombre") and not isinstance(valeur, (str, bool)):
        nombre = float(valeur)
        return str(int(nombre)) if nombre.is_integer() else repr(nombre)
    if type_colonne == "booleen" and not isinstance(valeur, str):
        return "true" if bool(valeur) else "false"
    return str(valeur)


def _fiche(ligne: dict[str, Any]) -> dict[str, Any]:
    """La fiche (``cluster.yml``) d'un cluster à partir de sa ligne de la table ``clusters``."""
    def texte(cle: str) -> str | None:
        valeur = ligne.get(cle)
        return None if valeur is None or (isinstance(valeur, float) and valeur != valeur) else str(valeur)

    fiche: dict[str, Any] = {
        "id": ligne["cluster"], "nom": texte("nom"), "filiere": texte("filiere"),
        "produits_finis": [str(v) for v in _liste(ligne.get("produits_finis"))],
        "marches": json.loads(ligne["marches"]) if texte("marches") else [],
        "departements": [str(v) for v in _liste(ligne.get("departements"))],
        "communes": [str(v) for v in _liste(ligne.get("communes"))],
        "modele": texte("modele"), "agregateur": texte("agregateur"), "campagne": texte("campagne"),
        "structure_promotion": texte("structure_promotion"),
        "coachs": json.loads(ligne["coachs"]) if texte("coachs") else [],
    }
    if ligne.get("donnees_fictives") is not None and not pd.isna(ligne.get("donnees_fictives")):
        fiche["donnees_fictives"] = bool(ligne["donnees_fictives"])
    return fiche


def jeux_de_la_banque(banque: Any, filiere: str | None = None) -> list[JeuBanque]:
    """Les jeux de données des clusters de ``banque`` (d'une seule ``filiere`` si elle est donnée).

    Lève :class:`~clusterlib.banque.stockage.ErreurBanque` si la banque est vide ou si aucun de
    ses clusters n'est de cette filière (le message donne les filières présentes).
    """
    from clusterlib import referentiel
    from clusterlib.banque.stockage import TABLES_DONNEES, ErreurBanque
    from clusterlib.collecte.modeles_excel import texte_csv, texte_fiche_yaml

    clusters = banque.requete("SELECT * FROM clusters ORDER BY filiere, cluster")
    if clusters.empty:
        raise ErreurBanque(f"{banque.chemin} : la banque ne contient aucun cluster ; ajoutez-en avec « clusterlib "
                           f"banque ajouter {banque.chemin} DOSSIER... » (rien n'a été écrit)")
    if filiere is not None:
        filieres = sorted({str(f) for f in clusters["filiere"].dropna()})
        clusters = clusters[clusters["filiere"] == filiere]
        if clusters.empty:
            raise ErreurBanque(f"{banque.chemin} : aucun cluster de la filière « {filiere} » dans la banque ; "
                               f"filières présentes : {', '.join(filieres) or '(aucune)'} (rien n'a été écrit)")
    idents = clusters["cluster"].astype(str).tolist()
    par_table: dict[str, dict[str, pd.DataFrame]] = {}
    for nom in TABLES_DONNEES:
        colonnes = [c.nom for c in referentiel.colonnes(nom)]
        cadre = banque.requete(
            f"SELECT cluster, {', '.join(colonnes)} FROM {nom} WHERE cluster IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY rowid", [idents])
        par_table[nom] = {str(k): g for k, g in cadre.groupby("cluster", sort=False)}
    jeux = []
    for ligne in clusters.to_dict("records"):
        ident = str(ligne["cluster"])
        fichiers = {"cluster.yml": texte_fiche_yaml(_fiche(ligne), "Jeu reconstitué depuis la banque de clusters "
                                                                  "par clusterlib report --banque.")}
        for nom in TABLES_DONNEES:
            cadre = par_table[nom].get(ident)
            if cadre is None or cadre.empty:
                continue
            types = {c.nom: c.type for c in referentiel.colonnes(nom)}
            # Les colonnes facultatives absentes du jeu d'origine (toutes vides) ne sont pas écrites.
            colonnes = [c.nom for c in referentiel.colonnes(nom) if c.requise or cadre[c.nom].notna().any()]
            textes = pd.DataFrame({c: [_cellule(v, types[c]) for v in cadre[c].tolist()] for c in colonnes},
                                  columns=colonnes, dtype="str")
            fichiers[f"{nom}.csv"] = texte_csv(textes)
        jeux.append(JeuBanque(ident, str(ligne.get("nom") or ""), str(ligne.get("filiere") or ""),
                              str(ligne.get("campagne") or ""), fichiers))
    return jeux


# --- Empreintes -----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _empreinte_paquet(racine: str) -> str:
    """Empreinte des fichiers du paquet et des versions (une fois par processus : le code ne change pas en route)."""
    h = hashlib.sha256(f"clusterlib {__version__}\npython {sys.version.split()[0]}\n".encode())
    for nom in BIBLIOTHEQUES:
        try:
            version = metadata.version(nom)
        except metadata.PackageNotFoundError:
            version = "absente"
        h.update(f"{nom} {version}\n".encode())
    base = Path(racine)
    fichiers = sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                      and p.suffix not in (".pyc", ".pyo"))
    for fichier in fichiers:
        h.update(f"\n{fichier.relative_to(base).as_posix()}\n".encode())
        h.update(fichier.read_bytes())
    return h.hexdigest()


def empreinte_code(notebook: str | Path | None = None) -> str:
    """Empreinte du code qui produit les rapports : fichiers du paquet clusterlib, notebook du rapport,
    versions de Python et des bibliothèques de :data:`BIBLIOTHEQUES`."""
    import clusterlib
    from clusterlib.sorties.rapports import notebook_rapport

    paquet = _empreinte_paquet(str(Path(clusterlib.__file__).resolve().parent))
    carnet = Path(notebook) if notebook else notebook_rapport()
    return hashlib.sha256(f"{paquet}\n".encode() + carnet.read_bytes()).hexdigest()


def empreinte_rapport(jeu: JeuBanque, code: str, *, campagne: str | None, disposition: str,
                      formats: Sequence[str], aujourd_hui: dt.date | None = None) -> str:
    """L'empreinte d'un rapport : données, code, options et date de référence du suivi du plan.

    La date de référence est celle du notebook (fin de la campagne étudiée, ou aujourd'hui si
    elle n'est pas finie) : le rapport d'une campagne en cours est refait chaque jour.
    """
    from clusterlib.analyses.planification import fin_campagne

    etudiee = campagne or jeu.campagne
    aujourd_hui = aujourd_hui or dt.date.today()
    try:
        reference = min(fin_campagne(etudiee), aujourd_hui).isoformat()
    except (ValueError, KeyError, TypeError):
        reference = aujourd_hui.isoformat()
    contenu = {"donnees": jeu.empreinte, "code": code, "campagne": campagne, "disposition": disposition,
               "formats": sorted(set(formats)), "reference": reference}
    return hashlib.sha256(json.dumps(contenu, sort_keys=True).encode()).hexdigest()


def rapport_a_jour(dossier: Path, ident: str, empreinte: str) -> bool:
    """Vrai si ``dossier`` est le rapport complet de ``ident`` produit avec cette ``empreinte``."""
    from clusterlib.sorties.rapports import _fichiers, lire_marqueur

    marque = lire_marqueur(dossier)
    if marque is None or marque.get("cluster") != ident or marque.get("empreinte") != empreinte:
        return False
    return set(map(str, marque["fichiers"])) == set(_fichiers(dossier))


# --- La progression ---------------------------------------------------------------------------


@dataclass
class Avancement:
    """Où en est le lot : rapports traités sur le total, débit (rapports par minute), temps restant."""

    total: int
    sautes: int = 0
    faits: int = 0
    debut: float = field(default_factory=time.monotonic)

    def noter(self) -> None:
        """Un rapport de plus traité (fait, invalide ou en échec)."""
        self.faits += 1

    def debit(self, maintenant: float | None = None) -> float | None:
        """Rapports par minute depuis le début du lot (``None`` avant le premier)."""
        ecoule = (maintenant or time.monotonic()) - self.debut
        return self.faits * 60 / ecoule if self.faits and ecoule > 0 else None

    def reste(self, maintenant: float | None = None) -> float | None:
        """Secondes restantes estimées au débit actuel (``None`` tant qu'il n'est pas connu)."""
        debit = self.debit(maintenant)
        return (self.total - self.faits) * 60 / debit if debit else None

    def ligne(self, maintenant: float | None = None) -> str:
        """« Rapports : 7/20, 3,4 rapports/min, reste environ 4 min » (typographie française)."""
        from clusterlib.presentation.format_fr import ESPACE_FINE, nombre, typographie

        debit, reste = self.debit(maintenant), self.reste(maintenant)
        morceaux = [f"Rapports : {self.faits}/{self.total}"]
        morceaux.append("débit à venir" if debit is None else f"{nombre(debit, 1)}{ESPACE_FINE}rapports/min")
        if reste is not None:
            morceaux.append("terminé" if self.faits >= self.total else f"reste environ {_duree(reste)}")
        return typographie(", ".join(morceaux))


def _duree(secondes: float) -> str:
    """« 40 s », « 3 min », « 2 h 05 » (espaces fines insécables devant l'unité)."""
    fine = "\u202f"
    if secondes < 60:
        return f"{max(1, round(secondes))}{fine}s"
    if secondes < 3600:
        return f"{round(secondes / 60)}{fine}min"
    heures, minutes = divmod(round(secondes / 60), 60)
    return f"{heures}{fine}h{fine}{minutes:02d}"


# --- Le lot ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BilanBanque(BilanRapports):
    """Ce que :func:`rapporter_banque` a fait : le bilan d'un lot de rapports (refaits), plus la
    banque lue et les clusters sautés parce que leur rapport était à jour."""

    banque: Path = Path()
    sautes: list[str] = field(default_factory=list)


def _libelle(banque: Path, ident: str) -> Path:
    return Path(f"{banque} [cluster {ident}]")


def rapporter_banque(
    banque: str | Path,
    sortie: str | Path,
    *,
    filiere: str | None = None,
    tout: bool = False,
    travaux: int = 1,
    campagne: str | None = None,
    formats: Sequence[str] | None = None,
    disposition: str = "valuelinks",
    delai: int | None = None,
    moteur: str | None = None,
    notebook: str | Path | None = None,
    depart: Callable[[Avancement], None] | None = None,
    progression: Callable[[Any, Avancement], None] | None = None,
    annonce: Callable[[str], None] | None = None,
) -> BilanBanque:
    """Le rapport de chaque cluster de ``banque`` (d'une ``filiere``) dans ``sortie``, et la synthèse.

    Les clusters dont le rapport est à jour (voir :func:`rapport_a_jour`) sont sautés, sauf avec
    ``tout=True``. ``depart`` est appelé une fois, quand on sait combien de rapports sont à
    faire ; ``progression`` après chaque rapport. Tout ce que promet ``report`` tient : la
    banque introuvable, une filière absente ou une sortie refusée lèvent une erreur avant toute
    écriture ; un cluster qui échoue n'arrête pas le lot ; un Ctrl-C ne laisse ni rapport à
    moitié écrit ni jeu reconstitué.
    """
    from clusterlib.banque.stockage import ouvrir
    from clusterlib.sorties import rapports

    formats = tuple(formats or rapports.FORMATS)
    delai = delai or rapports.DELAI_CELLULE
    moteur = moteur or rapports.MOTEUR_DEFAUT
    if moteur not in rapports.MOTEURS:
        raise ValueError(f"moteur « {moteur} » inconnu ; moteurs possibles : {', '.join(rapports.MOTEURS)}")
    banque = Path(banque)
    with ouvrir(banque, lecture_seule=True, creer=False) as base:  # fermée avant les rapports
        jeux = jeux_de_la_banque(base, filiere)
    sortie = Path(sortie).resolve()
    rapports.verifier_sortie_rapports(sortie, [banque])
    rapports.verifier_ecriture(sortie)
    notebook = Path(notebook) if notebook else rapports.notebook_rapport()
    code = empreinte_code(notebook)
    with rapports.verrou_rapports(sortie, annonce=annonce):
        rapports.nettoyer_restes(sortie)
        empreintes = {j.cluster: empreinte_rapport(j, code, campagne=campagne, disposition=disposition,
                                                   formats=formats) for j in jeux}
        a_faire = [j for j in jeux if tout or not rapport_a_jour(sortie / j.cluster, j.cluster, empreintes[j.cluster])]
        sautes = [j.cluster for j in jeux if j not in a_faire]
        avancement = Avancement(total=len(a_faire), sautes=len(sautes))
        if depart:
            depart(avancement)
        resultats: list[Any] = []
        if a_faire:
            resultats = _executer(a_faire, empreintes, banque, sortie, avancement, progression,
                                  campagne=campagne, disposition=disposition, formats=formats, travaux=travaux,
                                  delai=delai, notebook=notebook, moteur=moteur)
        synthese = rapports.ecrire_synthese(sortie, resultats, pdf="pdf" in formats, annonce=annonce)
    return BilanBanque(sortie, resultats, synthese, formats, banque=banque, sautes=sautes)


def _executer(jeux: list[JeuBanque], empreintes: dict[str, str], banque: Path, sortie: Path,
              avancement: Avancement, progression: Callable[[Any, Avancement], None] | None, *,
              campagne: str | None, disposition: str, formats: tuple[str, ...], travaux: int, delai: int,
              notebook: Path, moteur: str) -> list[Any]:
    """Reconstitue les jeux dans un dossier caché de ``sortie``, exécute le lot, puis supprime le dossier."""
    from clusterlib.sorties import rapports

    dossier = Path(tempfile.mkdtemp(prefix=PREFIXE_JEUX, dir=sortie))
    try:
        (dossier / rapports._TEMOIN_TEMPORAIRE).write_text(
            f"jeux reconstitués depuis {banque} par clusterlib report --banque (processus {os.getpid()})\n",
            encoding="utf-8")
        chemins: dict[Path, JeuBanque] = {}
        marques: dict[Path, dict[str, Any]] = {}
        for jeu in jeux:
            chemin = jeu.ecrire(dossier)
            chemins[chemin] = jeu
            marques[chemin] = {"donnees": f"{banque.resolve()} (banque de clusters, cluster {jeu.cluster})",
                               "banque": str(banque.resolve()), "empreinte": empreintes[jeu.cluster]}

        def suivre(resultat: Any) -> None:
            avancement.noter()
            if progression:
                progression(_situer(resultat, chemins, banque), avancement)

        resultats = rapports._executer_sous_verrou(list(chemins), sortie, campagne, disposition, formats, travaux,
                                                   delai, notebook, suivre, moteur, marques)
        return [_situer(r, chemins, banque) for r in resultats]
    finally:
        shutil.rmtree(dossier, ignore_errors=True)


def _situer(resultat: Any, chemins: dict[Path, JeuBanque], banque: Path) -> Any:
    """Le résultat d'un rapport, situé dans la banque plutôt que dans le jeu reconstitué (supprimé)."""
    jeu = chemins.get(resultat.chemin)
    if jeu is None:
        return resultat
    libelle = _libelle(banque, jeu.cluster)
    temporaire = str(resultat.chemin)
    messages = [m.replace(temporaire, str(libelle)) for m in resultat.messages]
    return replace(resultat, chemin=libelle, messages=messages)


def verifier_options(chemins: Sequence[Path], banque: Path | None, filiere: str | None, tout: bool) -> None:
    """Les combinaisons d'options de ``report`` : des chemins ou ``--banque``, ``--filiere`` et ``--tout``
    seulement avec ``--banque``. Lève :class:`~clusterlib.fichiers.ErreurSortie` (rien n'est écrit)."""
    if banque is not None and chemins:
        raise ErreurSortie("clusterlib report : donnez soit des dossiers de clusters, soit --banque, pas les deux "
                           "(rien n'a été écrit)")
    if banque is None and not chemins:
        raise ErreurSortie("clusterlib report : donnez au moins un dossier de cluster (ou classeur .xlsx), ou "
                           "--banque BANQUE (rien n'a été écrit)")
    if banque is None and (filiere is not None or tout):
        option = "--filiere" if filiere is not None else "--tout"
        raise ErreurSortie(f"clusterlib report : {option} ne s'emploie qu'avec --banque (rien n'a été écrit)")
