"""Temps de construction du livre : à froid (cache vide) et reconstruction sans changement.

Cibles (sur une machine à 2 cœurs) : construction à froid en moins de 3 minutes,
reconstruction sans changement en moins de 15 secondes. Le livre est construit avec les
options officielles (``-W -n --keep-going``) dans un dossier temporaire : le ``_build`` du
dépôt et son cache ne sont pas touchés.

Usage : ``.venv/bin/python benchmarks/bench_livre.py``
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
CIBLE_FROID = 180.0
CIBLE_RECONSTRUCTION = 15.0


def construire(sortie: Path) -> float:
    """Construit le livre dans ``sortie`` et renvoie la durée en secondes (arrêt si échec)."""
    executable = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1",
               JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))
    debut = time.perf_counter()
    resultat = subprocess.run(
        [str(executable), "build", str(RACINE), "--path-output", str(sortie), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, env=env, check=False,
    )
    duree = time.perf_counter() - debut
    if resultat.returncode != 0:
        print(resultat.stdout[-3000:], resultat.stderr[-3000:], sep="\n")
        raise SystemExit(f"La construction du livre a échoué (code {resultat.returncode}).")
    return duree


def ligne(nom: str, duree: float, cible: float) -> str:
    verdict = "OK" if duree <= cible else "TROP LENT"
    return f"{nom:<34} {duree:7.1f} s   cible {cible:5.0f} s   ratio {duree / cible:5.2f}   {verdict}"


def main() -> None:
    print(f"Livre : {RACINE}  ({os.cpu_count()} cœurs)")
    with tempfile.TemporaryDirectory(prefix="bench-livre-") as dossier:
        sortie = Path(dossier)
        froid = construire(sortie)
        print(ligne("Construction à froid (cache vide)", froid, CIBLE_FROID))
        chaud = construire(sortie)
        print(ligne("Reconstruction sans changement", chaud, CIBLE_RECONSTRUCTION))
        pages = len(list((sortie / "_build" / "html").rglob("*.html")))
        print(f"Pages HTML produites : {pages}")


if __name__ == "__main__":
    main()
