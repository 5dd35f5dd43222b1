"""Le rapport de hub : ``clusterlib report-hub BANQUE --filiere riz [--departement ...] --out DOSSIER``.

Le notebook ``notebooks/rapport_hub.ipynb`` est exécuté par papermill avec le même
mécanisme que les rapports de cluster (:mod:`clusterlib.sorties.rapports` : processus séparé,
délai par cellule, dossier temporaire mis en place seulement en cas de succès). Les
paramètres sont vérifiés avant : banque lisible, filière et départements présents,
campagne connue.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from clusterlib.banque.stockage import ErreurBanque, ajouter, ouvrir
from clusterlib.donnees import echantillons
from clusterlib.ressources import dossier_carnets, dossier_exemples_hub
from clusterlib.sorties.rapports import (
    DELAI_CELLULE,
    MOTEUR_DEFAUT,
    Resultat,
    _deplacer_en_place,
    _ecrire_marqueur,
    _raison,
    lanceur,
    verifier_ecriture,
)

__all__ = ["banque_exemple", "dossier_hub", "executer_rapport_hub", "notebook_hub",
           "verifier_parametres"]


def notebook_hub() -> Path:
    """Le notebook du rapport de hub (``notebooks/rapport_hub.ipynb``, livré avec le paquet)."""
    dossier = dossier_carnets()
    chemin = dossier / "rapport_hub.ipynb" if dossier else None
    if chemin is None or not chemin.exists():
        raise FileNotFoundError("notebook du rapport de hub introuvable dans le paquet installé : "
                                "réinstallez clusterlib")
    return chemin


def dossier_hub() -> Path:
    """Le dossier de l'échantillon de hub (``data/hub`` : huit clusters de riz fictifs, livrés avec le paquet)."""
    dossier = dossier_exemples_hub()
    if dossier is None:
        raise FileNotFoundError("échantillon de hub introuvable dans le paquet installé : réinstallez clusterlib")
    return dossier


def banque_exemple(chemin: str | Path) -> Path:
    """Construit (si besoin) une banque avec les exemples de ``data/samples`` et l'échantillon de hub."""
    chemin = Path(chemin)
    jeux = [echantillons.chemin(n) for n in echantillons.noms()]
    jeux += sorted(p for p in dossier_hub().iterdir() if (p / "cluster.yml").exists())
    with ouvrir(chemin) as banque:
        ajouter(banque, jeux)
    return chemin


def _slug(texte: str) -> str:
    sans_accents = "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", sans_accents.lower()).strip("-")


def verifier_parametres(chemin_banque: Path, filiere: str, departements: Sequence[str] | None,
                        campagne: str | None) -> tuple[str, list[str]]:
    """Vérifie les paramètres du rapport ; renvoie (nom du dossier du rapport, clusters du périmètre).

    Lève :class:`ErreurBanque` avec un message en français quand un paramètre ne va pas.
    """
    from clusterlib.banque.analyses import clusters_du_perimetre

    if not filiere or not filiere.strip():
        raise ErreurBanque("filière vide : indiquez --filiere (par exemple --filiere riz)")
    with ouvrir(chemin_banque, lecture_seule=True) as banque:
        perimetre = clusters_du_perimetre(banque, filiere, departements)
        if perimetre.empty:
            filieres = banque.requete("SELECT filiere, count(*) AS n FROM clusters GROUP BY 1 ORDER BY 1")
            if not departements:
                connues = ", ".join(f"{f} ({n})" for f, n in zip(filieres["filiere"], filieres["n"], strict=True))
                raise ErreurBanque(f"aucun cluster de la filière « {filiere} » dans {chemin_banque} ; filières "
                                   f"présentes : {connues or 'aucune (banque vide)'}")
            deps = banque.requete(
                "SELECT DISTINCT unnest(departements) AS d FROM clusters WHERE lower(filiere) = lower(?) ORDER BY 1",
                [filiere])["d"].tolist()
            raise ErreurBanque(f"aucun cluster de la filière « {filiere} » dans le(s) département(s) "
                               f"{', '.join(departements)} ; départements présents pour cette filière : "
                               f"{', '.join(deps) or 'aucun'}")
        if campagne is not None:
            campagnes = banque.requete(
                "SELECT DISTINCT campagne FROM indicateurs WHERE cluster IN (SELECT unnest(?::VARCHAR[])) ORDER BY 1",
                [perimetre["cluster"].tolist()])["campagne"].tolist()
            if campagne not in campagnes:
                raise ErreurBanque(f"campagne « {campagne} » absente de ce périmètre ; campagnes disponibles : "
                                   f"{', '.join(campagnes)}")
    nom = "-".join(p for p in [_slug(filiere), *[_slug(d) for d in departements or []]] if p) or "hub"
    if not departements:
        nom += "-national"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", nom):
        raise ErreurBanque(f"nom de dossier « {nom} » inutilisable pour ce rapport")
    return nom, perimetre["cluster"].tolist()


def executer_rapport_hub(chemin_banque: str | Path, filiere: str, sortie: str | Path, *,
                         departements: Sequence[str] | None = None, campagne: str | None = None,
                         formats: Sequence[str] = ("html", "ipynb"), delai: int = DELAI_CELLULE,
                         notebook: str | Path | None = None, moteur: str = MOTEUR_DEFAUT) -> Resultat:
    """Produit le rapport de hub dans ``sortie/<filière>-<départements>/`` (``rapport.html`` et notebook).

    ``moteur`` : ``"clusterlib"`` (un processus de travail, cellules exécutées sans noyau) ou
    ``"papermill"`` (un noyau neuf) ; le rapport est le même.

    Les paramètres invalides lèvent :class:`ErreurBanque` ; un dossier de sortie où l'on ne
    peut pas écrire, :class:`~clusterlib.fichiers.ErreurSortie` ; un échec d'exécution est rendu
    comme pour les rapports de cluster (``etat="echec"``, journal gardé).
    """
    debut = time.monotonic()
    chemin_banque = Path(chemin_banque).resolve()
    sortie = Path(sortie)
    verifier_ecriture(sortie, "clusterlib report-hub")
    departements = [d.strip() for d in departements or [] if d.strip()] or None
    nom, _ = verifier_parametres(chemin_banque, filiere, departements, campagne)
    notebook = Path(notebook) if notebook else notebook_hub()
    sortie.mkdir(parents=True, exist_ok=True)
    temporaire = Path(tempfile.mkdtemp(prefix=f".{nom}.", dir=sortie))
    masque = os.umask(0)
    os.umask(masque)
    os.chmod(temporaire, 0o777 & ~masque)
    perimetre = f"{filiere}, {', '.join(departements)}" if departements else f"{filiere}, tout le pays"
    parametres = {
        "temporaire": str(temporaire), "notebook": str(notebook), "formats": list(formats), "delai": delai,
        "titre": f"Rapport de hub — {perimetre}",
        "parametres_notebook": {"chemin_banque": str(chemin_banque), "filiere": filiere,
                                "departements": departements, "campagne": campagne,
                                "dossier_sortie": str(temporaire)},
    }
    fichier_parametres = temporaire / "parametres.json"
    fichier_parametres.write_text(json.dumps(parametres, ensure_ascii=False), encoding="utf-8")
    journal = temporaire / "journal.txt"
    journal.touch()
    try:
        with lanceur(moteur, delai) as lancer:
            code = lancer(fichier_parametres, journal)
        if code != 0:
            dossier_journaux = sortie / "_journaux"
            dossier_journaux.mkdir(exist_ok=True)
            garde = dossier_journaux / f"hub-{nom}.log"
            shutil.copyfile(journal, garde)
            return Resultat(chemin_banque, "echec", cluster=nom, journal=garde, duree=time.monotonic() - debut,
                            messages=[_raison(journal.read_text(encoding="utf-8", errors="replace"))])
        journal.unlink()
        fichier_parametres.unlink()
        cible = sortie / nom
        _ecrire_marqueur(temporaire, nom, Path(chemin_banque))
        _deplacer_en_place(temporaire, cible, nom)
        return Resultat(chemin_banque, "fait", cluster=nom, dossier=cible, duree=time.monotonic() - debut)
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)
