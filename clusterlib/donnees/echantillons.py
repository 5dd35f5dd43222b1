"""Accès aux clusters d'exemple (fictifs) : ``data/samples`` du dépôt, livrés dans le paquet.

Les notebooks et le livre s'en servent quand aucun chemin de données n'est donné, sans
dépendre du dossier de travail. La variable d'environnement ``CLUSTERLIB_ECHANTILLONS``
peut désigner un autre dossier.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from clusterlib.ressources import dossier_exemples

__all__ = ["chemin", "copier", "dossier", "noms"]


def dossier() -> Path:
    """Le dossier des clusters d'exemple."""
    autre = os.environ.get("CLUSTERLIB_ECHANTILLONS")
    d = Path(autre) if autre else dossier_exemples()
    if d is None or not d.is_dir():
        raise FileNotFoundError(
            f"dossier des clusters d'exemple introuvable{f' : {d}' if d else ''} ; réinstallez "
            "clusterlib ou indiquez le dossier dans CLUSTERLIB_ECHANTILLONS"
        )
    return d


def noms() -> list[str]:
    """Les noms des clusters d'exemple (dossiers et classeurs), dans l'ordre alphabétique."""
    return sorted(
        p.name for p in dossier().iterdir()
        if (p.is_dir() and (p / "cluster.yml").exists()) or p.suffix.lower() == ".xlsx"
    )


def chemin(nom: str) -> Path:
    """Le chemin d'un cluster d'exemple, par son nom (``riz-glazoue``, ``soja-djidja.xlsx``…)."""
    d = dossier()
    for candidat in (d / nom, d / f"{nom}.xlsx"):
        if candidat.exists():
            return candidat
    raise FileNotFoundError(
        f"cluster d'exemple « {nom} » introuvable dans {d} ; exemples disponibles : "
        + ", ".join(noms())
    )


def copier(destination: str | Path) -> list[str]:
    """Copie les clusters d'exemple dans ``destination`` (créé) et renvoie leurs noms.

    Le dossier ne doit pas exister, ou être vide : rien n'est jamais écrasé. La copie se fait
    dans un dossier temporaire voisin, déplacé en place à la fin ; une erreur ne laisse rien.
    Lève ``FileExistsError`` (message en français) si ``destination`` n'est pas un dossier vide.
    """
    destination = Path(destination)
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        raise FileExistsError(
            f"{destination} existe déjà et n'est pas un dossier vide : choisissez un nouveau dossier "
            "(rien n'a été copié)"
        )
    source = dossier()
    destination.parent.mkdir(parents=True, exist_ok=True)
    temporaire = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        copies = []
        for nom in noms():
            origine = source / nom
            if origine.is_dir():
                shutil.copytree(origine, temporaire / nom)
            else:
                shutil.copy2(origine, temporaire / nom)
            copies.append(nom)
        if destination.exists():
            destination.rmdir()
        temporaire.rename(destination)
    except BaseException:
        shutil.rmtree(temporaire, ignore_errors=True)
        raise
    return copies
