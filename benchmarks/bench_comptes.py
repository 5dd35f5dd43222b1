"""Banc d'essai des comptes d'exploitation : 1 000 clusters × 5 campagnes × 8 maillons × 25 lignes.

Objectif : calculer les comptes par maillon de 1 000 000 de lignes en moins de 2 s sur
2 cœurs. Lancer avec ``python benchmarks/bench_comptes.py`` (options : ``--clusters``,
``--repetitions``). Le script affiche les temps et le rapport à l'objectif ; il ne
fait pas échouer les tests.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.comptes import comptes_par_maillon, repartition_va, totaux_cluster

OBJECTIF_S = 2.0
CAMPAGNES = [f"{a}-{a + 1}" for a in range(2021, 2026)]
MAILLONS = list(referentiel.codes("maillons"))[:8]
LIGNES_PAR_MAILLON = 25


def jeu_synthetique(nb_clusters: int, graine: int = 0) -> pd.DataFrame:
    """Une table comptes de ``nb_clusters × 5 × 8 × 25`` lignes, au format du jeu de données."""
    rng = np.random.default_rng(graine)
    categories = np.array(referentiel.codes("categories_compte"))
    n = nb_clusters * len(CAMPAGNES) * len(MAILLONS) * LIGNES_PAR_MAILLON
    i = np.arange(n)
    par_cluster = len(CAMPAGNES) * len(MAILLONS) * LIGNES_PAR_MAILLON
    par_campagne = len(MAILLONS) * LIGNES_PAR_MAILLON
    ligne = i % LIGNES_PAR_MAILLON
    # 5 lignes de produit, 10 de consommations intermédiaires, puis les autres rubriques.
    rubrique = np.where(ligne < 5, 0, np.where(ligne < 15, 1, 2 + (ligne - 15) % (len(categories) - 2)))
    avec_montant = rng.random(n) < 0.5
    quantite = rng.uniform(1, 500, n)
    prix = rng.uniform(100, 50_000, n)
    return pd.DataFrame({
        "cluster": pd.array(np.char.add("c", (i // par_cluster).astype(str)), dtype="str"),
        "campagne": pd.array(np.array(CAMPAGNES)[(i // par_campagne) % len(CAMPAGNES)], dtype="str"),
        "maillon": pd.array(np.array(MAILLONS)[(i // LIGNES_PAR_MAILLON) % len(MAILLONS)], dtype="str"),
        "poste": pd.array(np.char.add("poste ", ligne.astype(str)), dtype="str"),
        "categorie": pd.array(categories[rubrique], dtype="str"),
        "montant": np.where(avec_montant, np.round(quantite * prix, 0), np.nan),
        "quantite": np.where(avec_montant, np.nan, quantite),
        "prix_unitaire": np.where(avec_montant, np.nan, prix),
        "unite": pd.array(np.full(n, "kg"), dtype="str"),
        "multiplicateur": np.where(rng.random(n) < 0.3, np.nan, rng.integers(1, 400, n).astype("float64")),
    })


def _n(entier: int) -> str:
    return f"{entier:_}".replace("_", " ")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=1000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()

    debut = time.perf_counter()
    comptes = jeu_synthetique(args.clusters)
    preparation = time.perf_counter() - debut
    print(f"Jeu synthétique : {_n(len(comptes))} lignes, {args.clusters} clusters "
          f"(préparé en {preparation:.2f} s, {os.cpu_count()} cœurs visibles)")

    temps = []
    for _ in range(args.repetitions):
        debut = time.perf_counter()
        par_maillon = comptes_par_maillon(comptes)
        temps.append(time.perf_counter() - debut)
    meilleur, median = min(temps), float(np.median(temps))
    print(f"comptes_par_maillon : meilleur {meilleur:.3f} s, médian {median:.3f} s "
          f"sur {args.repetitions} essais -> {_n(len(par_maillon))} comptes de maillon")

    debut = time.perf_counter()
    totaux = totaux_cluster(par_maillon)
    repartition = repartition_va(par_maillon)
    suite = time.perf_counter() - debut
    print(f"totaux_cluster + repartition_va : {suite:.3f} s ({len(totaux)} campagnes de cluster, "
          f"{len(repartition)} lignes de partage)")

    print(f"Objectif : {OBJECTIF_S:.1f} s pour les comptes ; médian / objectif = {median / OBJECTIF_S:.2f} "
          f"({'atteint' if median <= OBJECTIF_S else 'NON atteint'})")


if __name__ == "__main__":
    main()
