"""Mesure du réseau : graphe et diagnostics d'un cluster synthétique de 5 000 acteurs et 20 000 relations.

Cibles (sur 2 cœurs) : graphe + tous les diagnostics en moins de 2 s ; carte regroupée en
moins de 5 s. Lancer depuis la racine du dépôt :

    .venv/bin/python benchmarks/bench_reseau.py [--acteurs 5000] [--relations 20000] [--sortie /tmp]

Le script affiche les temps et leur rapport à la cible ; il ne fait échouer personne.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import matplotlib
from _commun import limiter_coeurs

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from clusterlib.analyses import reseau  # noqa: E402
from clusterlib.donnees.modele import Cluster, Fiche  # noqa: E402
from clusterlib.graphiques import enregistrer  # noqa: E402
from clusterlib.graphiques.carte import dessiner_carte  # noqa: E402

CIBLE_DIAGNOSTICS = 2.0
CIBLE_CARTE = 5.0

# Composition du cluster synthétique : (maillon, forme, part des acteurs).
COMPOSITION = [
    ("fournisseur_intrants_production", "entreprise", 0.006),
    ("fournisseur_intrants_transformation", "entreprise", 0.002),
    ("fournisseur_equipements", "entreprise", 0.002),
    ("transformateur", "groupement", 0.004),
    ("commercant", "individu", 0.012),
    ("distributeur", "entreprise", 0.002),
    ("marche", "entreprise", 0.003),
    ("services_financiers", "sfd", 0.002),
    ("services_non_financiers", "ong", 0.002),
    ("services_publics", "structure_publique", 0.002),
    ("recherche", "structure_publique", 0.001),
    ("formation", "structure_publique", 0.001),
    ("organisation_professionnelle", "union", 0.001),
    ("autorite", "structure_publique", 0.001),
    ("producteur", "cooperative", 0.04),
]


def cluster_synthetique(n_acteurs: int = 5000, n_relations: int = 20000, graine: int = 2026) -> Cluster:
    """Un cluster fictif réaliste : un agrégateur, des milliers de producteurs, des relations de tous types."""
    rng = np.random.default_rng(graine)
    communes = [f"Commune {k:02d}" for k in range(30)]
    lignes = [("A0", "Agrégateur central", "transformateur", "union", communes[0], 400, 300)]
    for rang, (maillon, forme, part) in enumerate(COMPOSITION):
        n = max(1, round(part * n_acteurs))
        prefixe = f"{maillon[:2].upper()}{rang:02d}-"
        for k in range(n):
            effectif = 1 if forme == "individu" else int(rng.integers(3, 400))
            lignes.append((f"{prefixe}{k:04d}", f"{maillon} {k}", maillon, forme, communes[int(rng.integers(30))],
                           effectif, int(rng.integers(0, effectif + 1))))
    reste = n_acteurs - len(lignes)
    for k in range(reste):
        lignes.append((f"P{k:05d}", f"Producteur {k}", "producteur", "individu", communes[int(rng.integers(30))],
                       1, int(rng.integers(0, 2))))
    acteurs = pd.DataFrame(lignes, columns=["id", "nom", "maillon", "forme", "commune", "effectif", "femmes"])
    acteurs = acteurs.astype({c: "str" for c in ("id", "nom", "maillon", "forme", "commune")}).astype(
        {"effectif": "Int64", "femmes": "Int64"})
    acteurs["latitude"] = np.nan
    acteurs["longitude"] = np.nan

    par_maillon = {m: acteurs.loc[acteurs["maillon"] == m, "id"].to_numpy() for m in acteurs["maillon"].unique()}
    acheteurs = np.concatenate([["A0"] * 40, par_maillon["transformateur"], par_maillon["commercant"]])
    aval = np.concatenate([par_maillon["distributeur"], par_maillon["marche"]])
    appui = np.concatenate([par_maillon[m] for m in ("services_financiers", "services_non_financiers",
                                                     "services_publics", "recherche", "formation",
                                                     "organisation_professionnelle", "autorite")])
    producteurs = par_maillon["producteur"]
    # (part des relations, sources, cibles, types possibles)
    plan = [
        (0.40, producteurs, acheteurs, ["produit"]),
        (0.25, par_maillon["fournisseur_intrants_production"], producteurs, ["intrants"]),
        (0.03, np.concatenate([par_maillon["transformateur"], par_maillon["commercant"], ["A0"] * 20]), aval,
         ["produit"]),
        (0.02, np.concatenate([par_maillon["fournisseur_intrants_transformation"],
                               par_maillon["fournisseur_equipements"]]),
         np.concatenate([["A0"] * 5, par_maillon["transformateur"]]), ["intrants", "equipement"]),
        (0.30, appui, np.concatenate([producteurs, par_maillon["transformateur"]]),
         ["conseil", "information", "credit", "service"]),
    ]
    morceaux = []
    for part, sources, cibles, types in plan:
        n = round(part * n_relations)
        morceaux.append(pd.DataFrame({"source": rng.choice(sources, n), "cible": rng.choice(cibles, n),
                                      "type": rng.choice(types, n)}))
    relations = pd.concat(morceaux, ignore_index=True).iloc[:n_relations]
    relations = relations[relations["source"] != relations["cible"]].reset_index(drop=True)
    n = len(relations)
    relations["contrat"] = rng.choice(["ecrit", "verbal", "aucun"], n, p=[0.3, 0.4, 0.3])
    relations["respect"] = np.where(relations["contrat"] == "aucun", np.nan, rng.uniform(40, 100, n).round())
    relations["volume"] = np.where(relations["type"].isin(["conseil", "information"]), np.nan,
                                   rng.uniform(0.5, 30, n).round(1))
    relations["unite"] = np.where(relations["type"] == "credit", "FCFA",
                                  np.where(relations["type"].isin(["conseil", "information"]), None, "tonne"))
    relations["prix_unitaire"] = np.where(relations["type"] == "produit", 200000.0, np.nan)
    relations["depuis"] = pd.array(rng.integers(2010, 2026, n), dtype="Int64")
    relations = relations.astype({c: "str" for c in ("source", "cible", "type", "contrat", "unite")})
    fiche = Fiche(id="synthetique", nom=f"Cluster synthétique de {n_acteurs} acteurs", filiere="riz",
                  campagne="2025-2026", agregateur="A0", communes=tuple(communes[:20]), donnees_fictives=True)
    return Cluster(fiche=fiche, acteurs=acteurs, relations=relations)


def chrono(fonction, *args, **kwargs):
    debut = time.perf_counter()
    resultat = fonction(*args, **kwargs)
    return resultat, time.perf_counter() - debut


def main() -> int:
    parseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parseur.add_argument("--acteurs", type=int, default=5000)
    parseur.add_argument("--relations", type=int, default=20000)
    parseur.add_argument("--sortie", type=Path, default=None, help="dossier où enregistrer les cartes (PNG)")
    args = parseur.parse_args()
    limiter_coeurs()

    cluster = cluster_synthetique(args.acteurs, args.relations)
    print(f"Cluster synthétique : {len(cluster.acteurs)} acteurs, {len(cluster.relations)} relations.")
    reseau.diagnostic_reseau(cluster)       # échauffement (lecture des référentiels, imports)

    temps: dict[str, float] = {}
    g, temps["graphe"] = chrono(reseau.graphe, cluster)
    for nom in ("prealables", "maillons_manquants", "contractualisation", "agregateur", "dependance",
                "acteurs_isoles", "couverture_appui", "part_femmes", "synthese_reseau", "synthese_prealables"):
        _, temps[nom] = chrono(getattr(reseau, nom), cluster)
    total = sum(temps.values())
    for nom, t in temps.items():
        print(f"  {nom:<22} {t * 1000:8.1f} ms")
    print(f"Graphe ({g.number_of_nodes()} nœuds, {g.number_of_edges()} arêtes) + diagnostics : {total:.2f} s "
          f"(cible {CIBLE_DIAGNOSTICS:.0f} s, rapport {total / CIBLE_DIAGNOSTICS:.2f}) "
          f"{'OK' if total < CIBLE_DIAGNOSTICS else 'TROP LENT'}")

    sortie = args.sortie or Path(tempfile.mkdtemp(prefix="bench_reseau_"))
    for style in ("valuelinks", "case"):
        debut = time.perf_counter()
        carte = reseau.reseau_carte(cluster)
        fig = dessiner_carte(carte, style=style)
        png = enregistrer(fig, sortie / f"carte_{style}.png", dpi=150)
        duree = time.perf_counter() - debut
        plt.close(fig)
        print(f"Carte {style:<10} regroupée (niveau {carte.niveau}, {len(carte.noeuds)} nœuds, "
              f"{len(carte.liens)} liens), PNG compris : {duree:.2f} s (cible {CIBLE_CARTE:.0f} s, rapport "
              f"{duree / CIBLE_CARTE:.2f}) {'OK' if duree < CIBLE_CARTE else 'TROP LENT'} → {png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
