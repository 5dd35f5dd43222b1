"""Mesure de la banque de clusters sur une banque synthétique (générée, jamais commitée).

    python benchmarks/bench_banque.py                    # 300 clusters × 5, extrapolés à 1 000 × 5
    python benchmarks/bench_banque.py --clusters 1000    # la taille de l'issue, sans extrapolation
    python benchmarks/bench_banque.py --jobs 2 --garder /tmp/banque-bench

Cibles : construction de la banque en 3 minutes au plus et sous 2 Go de mémoire sur la
machine à deux cœurs ; ré-ajout d'un cluster modifié en moins de 2 s ; chaque analyse de
hub en moins de 1 s. Les clusters sont produits par le générateur de l'échantillon de hub
(``data/generer_hub.py``), avec cinq campagnes et une soixantaine d'acteurs chacun.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE))

from clusterlib.banque import analyses  # noqa: E402
from clusterlib.banque.stockage import ajouter, ouvrir  # noqa: E402

CIBLES = {"construction": 180.0, "memoire_mo": 2048.0, "reajout": 2.0, "analyse": 1.0}
DEPARTEMENTS = {"Collines": ["Dassa-Zoumè", "Glazoué", "Savè", "Bantè"], "Ouémé": ["Dangbo", "Adjohoun"],
                "Alibori": ["Malanville", "Karimama", "Kandi"]}
FILIERES = ["riz", "riz", "mais", "soja", "manioc"]


def _generateur():
    spec = importlib.util.spec_from_file_location("generer_hub", RACINE / "data" / "generer_hub.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generer(dossier: Path, nb: int, nb_campagnes: int) -> list[Path]:
    """Écrit ``nb`` clusters synthétiques (``nb_campagnes`` campagnes, ~60 acteurs) dans ``dossier``."""
    gen = _generateur()
    gen.CAMPAGNES = tuple(f"{a}-{a + 1}" for a in range(2026 - nb_campagnes, 2026))
    for profil in gen.PROFILS.values():  # chaque profil étiré sur nb_campagnes campagnes
        for cle in ("notes", "respect", "volumes"):
            depart, fin = profil[cle][0], profil[cle][-1]
            if depart is None:
                depart = profil[cle][1]
            profil[cle] = tuple(None if (cle == "notes" and profil[cle][0] is None and k == 0) else
                                depart + (fin - depart) * k / max(nb_campagnes - 1, 1) for k in range(nb_campagnes))
    alea = random.Random(17)
    chemins = []
    for i in range(nb):
        departement = alea.choice(list(DEPARTEMENTS))
        communes = alea.sample(DEPARTEMENTS[departement], k=1)
        profil = alea.choice(list(gen.PROFILS))
        filiere = FILIERES[i % len(FILIERES)]
        spec = {"id": f"{filiere}-synthetique-{i:04d}", "nom": f"Cluster {filiere} synthétique n° {i}",
                "departement": departement, "communes": communes, "profil": profil, "modele": "ESOP",
                "producteurs": 38, "agregateur": None if profil == "emergent" else f"Union n° {i}"}
        gen.CLUSTERS = [spec]
        cible = dossier / spec["id"]
        cible.mkdir(parents=True)
        fiche = gen._fiche(spec).replace('filiere: "riz"', f'filiere: "{filiere}"')
        (cible / "cluster.yml").write_text(fiche, encoding="utf-8")
        tables = gen._cluster(alea, spec)
        for acteur in tables["acteurs"]:  # des noms propres à chaque cluster, sauf les structures communes
            if acteur["maillon"] in ("producteur", "transformateur", "commercant") and not acteur["id_national"] \
                    and not acteur["id"].startswith(("C5", "M5")):
                acteur["nom"] = f"{acteur['nom']} (groupe {i})"
        for table, lignes in tables.items():
            gen._ecrire_csv(cible / f"{table}.csv", gen.COLONNES[table], lignes)
        chemins.append(cible)
    return chemins


def _memoire_mo() -> float:
    soi = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    enfants = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(soi, enfants) / 1024


def main() -> int:
    parseur = argparse.ArgumentParser(description="Mesure de la banque de clusters (banque synthétique).")
    parseur.add_argument("--clusters", type=int, default=300,
                         help="clusters mesurés (300 par défaut : assez pour que l'extrapolation soit honnête)")
    parseur.add_argument("--campagnes", type=int, default=5)
    parseur.add_argument("--jobs", type=int, default=2)
    parseur.add_argument("--garder", type=Path, default=None, help="dossier où garder jeux et banque")
    arguments = parseur.parse_args()
    dossier = arguments.garder or Path(tempfile.mkdtemp(prefix="bench-banque-"))
    shutil.rmtree(dossier / "jeux", ignore_errors=True)
    (dossier / "banque.duckdb").unlink(missing_ok=True)
    debut = time.perf_counter()
    chemins = generer(dossier / "jeux", arguments.clusters, arguments.campagnes)
    print(f"Génération : {len(chemins)} clusters en {time.perf_counter() - debut:.1f} s")
    resultats: dict[str, float] = {}
    with ouvrir(dossier / "banque.duckdb") as banque:
        debut = time.perf_counter()
        issues = ajouter(banque, chemins, travaux=arguments.jobs)
        resultats["construction"] = time.perf_counter() - debut
        etats = {e: sum(1 for i in issues if i.etat == e) for e in {i.etat for i in issues}}
        nb_acteurs = banque.connexion.execute("SELECT count(*) FROM acteurs").fetchone()[0]
        nb_indicateurs = banque.connexion.execute("SELECT count(*) FROM indicateurs").fetchone()[0]
        print(f"Construction : {resultats['construction']:.1f} s pour {len(chemins)} clusters × "
              f"{arguments.campagnes} campagnes ({etats}) ; {nb_acteurs} acteurs "
              f"({nb_acteurs / len(chemins):.0f} par cluster), {nb_indicateurs} lignes d'indicateurs")
        resultats["memoire_mo"] = _memoire_mo()
        print(f"Mémoire maximale (processus le plus gros) : {resultats['memoire_mo']:.0f} Mo")
        modifie = chemins[len(chemins) // 2]
        with (modifie / "ffom.csv").open("a", encoding="utf-8") as flux:
            flux.write(f"{2025}-{2026},maillon,producteur,force,Ligne ajoutée par la mesure.\n")
        debut = time.perf_counter()
        (issue,) = ajouter(banque, [modifie])
        resultats["reajout"] = time.perf_counter() - debut
        print(f"Ré-ajout d'un cluster modifié : {resultats['reajout']:.2f} s ({issue.etat})")
        debut = time.perf_counter()
        inchanges = ajouter(banque, chemins, travaux=arguments.jobs)
        resultats["reajout_inchanges"] = time.perf_counter() - debut
        assert all(i.etat == "inchange" for i in inchanges)
        print(f"Ré-ajout des {len(chemins)} clusters inchangés : {resultats['reajout_inchanges']:.2f} s")
        pires = 0.0
        for perimetre in (None, ["Collines"]):
            for nom, fonction in (("repartition_niveaux", analyses.repartition_niveaux),
                                  ("trajectoires", analyses.trajectoires),
                                  ("comparaison_filiere", analyses.comparaison_filiere),
                                  ("totaux", analyses.totaux),
                                  ("maillons_manquants_recurrents", analyses.maillons_manquants_recurrents),
                                  ("acteurs_communs", analyses.acteurs_communs),
                                  ("reseau_clusters", analyses.reseau_clusters)):
                debut = time.perf_counter()
                fonction(banque, "riz", perimetre)
                duree = time.perf_counter() - debut
                pires = max(pires, duree)
                print(f"  {nom:<32} riz, {'national' if perimetre is None else 'Collines':<9} : {duree:.3f} s")
        resultats["analyse"] = pires
    print(f"Taille du fichier de la banque : {(dossier / 'banque.duckdb').stat().st_size / 1e6:.0f} Mo")
    echelle = 1000 / arguments.clusters * 5 / arguments.campagnes
    mesure = resultats["construction"]
    # La cible vaut pour 1 000 × 5 : on la juge sur l'extrapolation linéaire de la taille mesurée.
    resultats["construction"] *= echelle
    print()
    taille = f"mesuré {arguments.clusters} × {arguments.campagnes}"
    print(f"{taille:>16} | {'extrapolé 1000 × 5':>18} | "
          f"{'ratio à 180 s':>13} | {'ré-ajout inchangé':>17} | {'mémoire':>9} | jobs")
    print(f"{mesure:>14.1f} s | {resultats['construction']:>16.0f} s | {resultats['construction'] / 180:>13.2f} | "
          f"{resultats['reajout_inchanges']:>15.2f} s | {resultats['memoire_mo']:>6.0f} Mo | {arguments.jobs}")
    print()
    ok = True
    for cle, cible in CIBLES.items():
        atteint = resultats[cle] <= cible
        ok &= atteint
        print(f"{'OK  ' if atteint else 'HORS'} {cle} : {resultats[cle]:.2f} (cible ≤ {cible})")
    if arguments.garder is None:
        shutil.rmtree(dossier, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
