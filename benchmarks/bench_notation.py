"""Banc d'essai de la notation : une banque nationale synthétique de clusters.

1 000 clusters × 5 campagnes × 24 indicateurs × 3 évaluateurs = 360 000 notes. On mesure le
calcul vectorisé des notes d'axes et globales de tous les clusters et de toutes les campagnes
(:func:`clusterlib.analyses.notation.scores_banque`), objectif : moins d'une seconde sur une machine à
deux cœurs, puis on le compare à une boucle naïve qui traite les clusters un par un.

Lancer : ``.venv/bin/python benchmarks/bench_notation.py`` (option ``--clusters N``).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses import notation

OBJECTIF_SECONDES = 1.0


def banque_synthetique(nb_clusters: int = 1000, nb_campagnes: int = 5, nb_evaluateurs: int = 3,
                       graine: int = 2026) -> pd.DataFrame:
    """Une table de notes inventée : toutes les combinaisons, notes tirées au hasard de 1 à 4."""
    rng = np.random.default_rng(graine)
    ids = referentiel.indicateurs()["indicateur"].to_numpy()
    campagnes = np.array([f"{a}-{a + 1}" for a in range(2021, 2021 + nb_campagnes)])
    clusters = np.array([f"cluster-{k:04d}" for k in range(nb_clusters)])
    evaluateurs = np.array([f"Évaluateur {k + 1}" for k in range(nb_evaluateurs)])
    c, a, i, e = np.meshgrid(np.arange(nb_clusters), np.arange(nb_campagnes), np.arange(len(ids)),
                             np.arange(nb_evaluateurs), indexing="ij")
    return pd.DataFrame({
        "cluster": pd.Series(clusters[c.ravel()], dtype="str"),
        "campagne": pd.Series(campagnes[a.ravel()], dtype="str"),
        "indicateur": pd.Series(ids[i.ravel()], dtype="str"),
        "score": rng.integers(1, 5, size=c.size).astype("int64"),
        "justification": pd.Series("", index=range(c.size), dtype="str"),
        "evaluateur": pd.Series(evaluateurs[e.ravel()], dtype="str"),
    })


def boucle_naive(table: pd.DataFrame) -> pd.DataFrame:
    """Référence lente : un cluster et une campagne à la fois, avec les fonctions d'un cluster."""
    lignes = []
    for cluster, notes in table.groupby("cluster", sort=True):
        for campagne in sorted(notes["campagne"].unique()):
            axes = notation.scores_axes(notes, campagne)
            ligne = {"cluster": cluster, "campagne": campagne, "global": axes["score"].mean()}
            ligne.update({f"axe_{a}": s for a, s in zip(axes["axe"], axes["score"], strict=True)})
            lignes.append(ligne)
    return pd.DataFrame(lignes).set_index(["cluster", "campagne"])


def mesurer(fonction, *args, repetitions: int = 3):
    """Meilleur temps de ``repetitions`` exécutions (secondes) et le dernier résultat."""
    meilleur, resultat = float("inf"), None
    for _ in range(repetitions):
        debut = time.perf_counter()
        resultat = fonction(*args)
        meilleur = min(meilleur, time.perf_counter() - debut)
    return meilleur, resultat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clusters", type=int, default=1000, help="nombre de clusters (1000 par défaut)")
    parser.add_argument("--naifs", type=int, default=100,
                        help="clusters traités par la boucle naïve, dont on extrapole le temps (100 par défaut)")
    args = parser.parse_args()

    table = banque_synthetique(args.clusters)
    print(f"Banque synthétique : {args.clusters} clusters × 5 campagnes × 24 indicateurs × 3 évaluateurs "
          f"= {len(table):,} notes".replace(",", " "))
    print(f"Processeurs disponibles : {os.cpu_count()}")

    duree, resultat = mesurer(notation.scores_banque, table)
    print(f"Notes d'axes et globales, vectorisées : {duree:.3f} s pour {len(resultat)} couples "
          f"(cluster, campagne) ; objectif < {OBJECTIF_SECONDES:.1f} s : "
          f"{'atteint' if duree < OBJECTIF_SECONDES else 'NON ATTEINT'} "
          f"({duree / OBJECTIF_SECONDES:.0%} du budget)")

    duree_ind, _ = mesurer(notation.scores_banque, table, ("cluster", "campagne"), True)
    print(f"Avec les 24 notes d'indicateurs en plus : {duree_ind:.3f} s")

    # Boucle naïve sur un sous-ensemble, temps extrapolé à toute la banque.
    naifs = min(args.naifs, args.clusters)
    sous_table = table[table["cluster"].isin(sorted(table["cluster"].unique())[:naifs])]
    duree_naive, reference = mesurer(boucle_naive, sous_table, repetitions=1)
    extrapole = duree_naive * args.clusters / naifs
    print(f"Boucle naïve par cluster : {duree_naive:.2f} s pour {naifs} clusters, soit environ "
          f"{extrapole:.1f} s pour {args.clusters} clusters")
    print(f"Rapport boucle naïve / vectorisé : environ {extrapole / duree:.0f} fois plus lent")

    # Les deux calculs donnent les mêmes notes.
    colonnes = ["global"] + [f"axe_{a}" for a in range(1, 7)]
    comparaison = resultat.loc[reference.index, colonnes]
    ecart = float(np.nanmax(np.abs(comparaison.to_numpy() - reference[colonnes].to_numpy())))
    print(f"Écart maximal entre les deux calculs : {ecart:.2e}")


if __name__ == "__main__":
    main()
