"""Mesure des rapports, moteur papermill et moteur clusterlib côte à côte (python benchmarks/bench_rapports.py).

Une seule exécution, sur la même machine :
  (a) le plancher papermill : un notebook qui importe pandas, matplotlib et networkx et trace une figure ;
  (b) un rapport complet (notebook, HTML, resume.json) avec chaque moteur, processus de travail compris,
      puis avec rapport.pdf (Chromium sans tête ; le temps du PDF est affiché à part) ;
      (a) et (b) sont des médianes de trois essais (``--essais``) ;
  (c) un lot de N clusters (20 par défaut) avec 1 puis 2 processus, pour chaque moteur, puis un lot
      de N clusters tous différents (filières, profils et noms d'acteurs) à 2 processus, et la part des
      textes des figures que la mémoire des textes du moteur clusterlib reprend d'un rapport à l'autre ;
  (d) la mémoire de chaque processus de travail du moteur clusterlib ;
  (e) le coût de chaque figure du rapport (construction + image PNG intégrée au rapport, 150 points par pouce) ;
  (f) ``report --banque`` sur une banque des N clusters : premier passage (N rapports, moteur clusterlib à
      2 processus) puis second passage, où tout est à jour et sauté.
Objectifs : (c) clusterlib à 2 processus ≤ 0,5 × (c) papermill à 2 processus ; (b) clusterlib ≤ 1,5 × (a) ;
(b) avec PDF ≤ 2,5 × (a) ;
la figure la plus lente < 0,3 s.

La machine de développement est partagée : les temps absolus sont bruités, les rapports entre
mesures d'une même exécution le sont moins. ``--lot`` change la taille du lot, ``--sans-papermill``
saute les lots papermill (les plus longs), ``--sans-banque`` les passages de ``report --banque``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import papermill

from clusterlib.donnees import echantillons
from clusterlib.sorties import rapports

PLANCHER = """import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import networkx as nx
fig, ax = plt.subplots()
nx.draw(nx.path_graph(5), ax=ax)
fig.savefig("plancher.png")
"""


def temps_cpu() -> float:
    """Temps processeur de ce processus et de tous ses descendants déjà attendus (noyaux, enfants forkés)."""
    soi, enfants = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return soi.ru_utime + soi.ru_stime + enfants.ru_utime + enfants.ru_stime


CPU: dict[str, float] = {}  # temps processeur de la dernière mesure, par nom


def chrono(fonction: Callable[[], Any], nom: str = "") -> float:
    """Durée (horloge) ; le temps processeur est gardé dans CPU[nom] (moins sensible à une machine chargée)."""
    cpu = temps_cpu()
    debut = time.perf_counter()
    fonction()
    duree = time.perf_counter() - debut
    CPU[nom] = temps_cpu() - cpu
    return duree


def mediane(mesure: Callable[[int], float], nom: str, essais: int) -> float:
    """Médiane de ``essais`` durées (``mesure(i)`` pour l'essai ``i``) ; ``CPU[nom]`` devient la médiane du
    temps processeur. Une mesure isolée varie d'un tiers d'une exécution à l'autre sur la machine partagée."""
    durees, processeur = [], []
    for i in range(essais):
        durees.append(mesure(i))
        processeur.append(CPU[nom])
    CPU[nom] = statistics.median(processeur)
    return statistics.median(durees)


def lot_synthetique(dossier: Path, n: int) -> list[Path]:
    """N copies du cluster riz-glazoue, chacune avec son propre identifiant."""
    source = echantillons.chemin("riz-glazoue")
    chemins = []
    for i in range(n):
        copie = dossier / f"riz-{i:03d}"
        shutil.copytree(source, copie)
        fiche = copie / "cluster.yml"
        texte = re.sub(r"^id: .*$", f"id: riz-{i:03d}", fiche.read_text(encoding="utf-8"), flags=re.M)
        fiche.write_text(texte, encoding="utf-8")
        chemins.append(copie)
    return chemins


SANS_PDF = ("html", "ipynb")


def lot(chemins: list[Path], sortie: Path, travaux: int, moteur: str, nom: str,
        formats: tuple[str, ...] = SANS_PDF) -> float:
    resultats: list[rapports.Resultat] = []
    duree = chrono(lambda: resultats.extend(rapports.executer_lot(chemins, sortie, travaux=travaux, moteur=moteur,
                                                                  formats=formats)), nom)
    rates = [r for r in resultats if r.etat != "fait"]
    if rates:
        raise SystemExit(f"{len(rates)} rapport(s) en échec avec le moteur {moteur} : {rates[0].messages}")
    return duree


def lot_divers(dossier: Path, n: int) -> list[Path]:
    """N clusters tous différents (générateur de ``bench_banque.py`` : filières, profils, noms d'acteurs)."""
    from bench_banque import generer

    return generer(dossier, n, 3)


def taux_memoire_textes(chemins: list[Path]) -> tuple[float, int, float]:
    """Part des textes des figures déjà mis en forme par les rapports précédents, du deuxième cluster au dernier.

    Les neuf figures de chaque cluster sont dessinées l'une après l'autre, dans ce processus,
    mémoire des textes vide au départ, comme les rapports successifs d'un processus de travail.
    Renvoie aussi le nombre d'entrées de la mémoire à la fin et sa taille une fois sérialisée (Mio).
    """
    import pickle

    import matplotlib.pyplot as plt

    from clusterlib.graphiques import _rendu_agg, rendu_recadre

    memoire = _rendu_agg.MemoireTextes()
    ancienne, _rendu_agg.MEMOIRE_TEXTES = _rendu_agg.MEMOIRE_TEXTES, memoire
    trouves = calcules = 0
    try:
        for rang, chemin in enumerate(chemins):
            memoire.marquer()
            for fabrique in fabriques_figures(chemin).values():
                figure = fabrique()
                rendu_recadre(figure, 150, fond="white")
                plt.close(figure)
            if rang:
                trouves, calcules = trouves + memoire.trouves, calcules + memoire.calcules
        tables = {nom: getattr(memoire, nom) for nom in memoire.TABLES}
        taille = len(pickle.dumps(tables, protocol=pickle.HIGHEST_PROTOCOL)) / 2**20
    finally:
        _rendu_agg.MEMOIRE_TEXTES = ancienne
    return trouves / max(trouves + calcules, 1), len(memoire), taille


def _plafond_memoire() -> int:
    from clusterlib.graphiques._rendu_agg import MemoireTextes

    return MemoireTextes.TAILLE_MAX


def fabriques_figures(chemin: Path | None = None) -> dict[str, Callable[[], Any]]:
    """Les neuf figures du rapport d'un cluster (riz-glazoue par défaut), construites comme le fait le notebook."""
    import clusterlib
    from clusterlib.analyses import comptes, notation, planification, qqrp, reseau
    from clusterlib.graphiques import comptes as g_comptes
    from clusterlib.graphiques import notation as g_notation
    from clusterlib.graphiques import plan as g_plan
    from clusterlib.graphiques import qqrp as g_qqrp
    from clusterlib.graphiques.carte import dessiner_carte

    cluster = clusterlib.load(chemin or echantillons.chemin("riz-glazoue"))
    campagne = cluster.campagne
    analyse = comptes.analyser_comptes(cluster, campagne)
    reference = dt.date.today()
    carte = reseau.reseau_carte(cluster)  # comme le notebook : calculée une fois, dessinée deux fois
    return {
        "carte_valuelinks": lambda: dessiner_carte(carte, style="valuelinks"),
        "carte_case": lambda: dessiner_carte(carte, style="case"),
        "cascade_va": lambda: g_comptes.graphique_cascade_va(analyse.par_maillon),
        "partage_va": lambda: g_comptes.graphique_partage_va(analyse.repartition),
        "qqrp": lambda: g_qqrp.graphique_qqrp(qqrp.qqrp_par_marche(cluster)),
        "barres_indicateurs": lambda: g_notation.barres_indicateurs(notation.scores_indicateurs(cluster, campagne)),
        "radar_axes": lambda: g_notation.radar_axes(notation.scores_axes(cluster, campagne), None, campagne, None),
        "evolution_notes": lambda: g_notation.evolution_campagnes(notation.scores_campagnes(cluster)),
        "calendrier_plan": lambda: g_plan.gantt(planification.avancement(cluster, reference), reference),
    }


def cout_figures(dossier: Path, repetitions: int = 3) -> dict[str, tuple[float, float]]:
    """Pour chaque figure : (construction, image du rapport) en secondes, médianes de ``repetitions`` essais.

    L'image est celle que le rapport intègre : rendu unique recadré, PNG à palette à 150 ppp
    (:func:`clusterlib.sorties.pdf.image_html`, enregistrée aussi dans ``dossier``).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from clusterlib.sorties.pdf import image_html

    couts = {}
    for nom, fabrique in fabriques_figures().items():
        plt.close(fabrique())  # premier essai : polices et caches chauds, comme dans un rapport
        construction, enregistrement = [], []
        for _ in range(repetitions):
            debut = time.perf_counter()
            figure = fabrique()
            milieu = time.perf_counter()
            image_html(figure, nom, nom, dossier=dossier)
            fin = time.perf_counter()
            plt.close(figure)
            construction.append(milieu - debut)
            enregistrement.append(fin - milieu)
        couts[nom] = (statistics.median(construction), statistics.median(enregistrement))
    return couts


def duree(secondes: float) -> str:
    if secondes < 120:
        return f"{secondes:.0f} s"
    if secondes < 2 * 3600:
        return f"{secondes / 60:.0f} min"
    return f"{secondes / 3600:.1f} h"


def main() -> int:
    parseur = argparse.ArgumentParser(description="Mesure des rapports : moteurs papermill et clusterlib")
    parseur.add_argument("--lot", type=int, default=20, help="nombre de clusters du lot (20)")
    parseur.add_argument("--sans-papermill", action="store_true", help="ne pas mesurer les lots papermill")
    parseur.add_argument("--sans-banque", action="store_true", help="ne pas mesurer report --banque")
    parseur.add_argument("--essais", type=int, default=3, help="essais du plancher et des rapports seuls (3)")
    arguments = parseur.parse_args()
    n = arguments.lot
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(PLANCHER)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, tmp / "plancher.ipynb")
        papermill.execute_notebook(tmp / "plancher.ipynb", tmp / "p0.ipynb", kernel_name="python3", cwd=tmp,
                                   progress_bar=False)  # premier lancement : caches disque chauds
        essais = arguments.essais
        a = mediane(lambda i: chrono(lambda: papermill.execute_notebook(
            tmp / "plancher.ipynb", tmp / f"p{i}.ipynb", kernel_name="python3", cwd=tmp, progress_bar=False), "a"),
            "a", essais)
        print(f"(a) plancher papermill                        : {a:6.1f} s   [processeur {CPU['a']:5.1f} s]")
        riz = [echantillons.chemin("riz-glazoue")]
        b_pm = mediane(lambda i: lot(riz, tmp / "un-papermill" / f"essai-{i}", 1, "papermill", "b_pm"), "b_pm", essais)
        print(f"(b) un rapport, moteur papermill              : {b_pm:6.1f} s   {b_pm / a:4.2f} × le plancher"
              f"   [processeur {CPU['b_pm']:5.1f} s]")
        b_cl = mediane(lambda i: lot(riz, tmp / "un-clusterlib" / f"essai-{i}", 1, "clusterlib", "b_cl"), "b_cl",
                       essais)
        print(f"(b) un rapport, moteur clusterlib             : {b_cl:6.1f} s   {b_cl / a:4.2f} × le plancher"
              f" (objectif ≤ 1,5 ; démarrage du processus de travail compris)   [processeur {CPU['b_cl']:5.1f} s]")
        b_pdf = mediane(lambda i: lot(riz, tmp / "un-pdf" / f"essai-{i}", 1, "clusterlib", "b_pdf",
                                      formats=rapports.FORMATS), "b_pdf", essais)
        pdf = tmp / "un-pdf" / "essai-0" / "riz-glazoue" / "rapport.pdf"
        taille = pdf.stat().st_size / 2**20 if pdf.exists() else float("nan")
        print(f"(b) le même avec rapport.pdf (clusterlib)     : {b_pdf:6.1f} s   {b_pdf / a:4.2f} × le plancher"
              f" (objectif ≤ 2,5)   dont PDF (Chromium) ≈ {b_pdf - b_cl:4.1f} s, {taille:.2f} Mo")
        for moteur in ("papermill", "clusterlib"):
            rapport = nbformat.read(tmp / f"un-{moteur}" / "essai-0" / "riz-glazoue" / "rapport.ipynb", as_version=4)
            cellules = [c for c in rapport.cells if c.cell_type == "code"]
            total = sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in cellules)
            print(f"    dont cellules du notebook ({moteur:10s}) : {total:6.1f} s ({len(cellules)} cellules)")

        chemins = lot_synthetique(tmp / "lot", n)
        temps: dict[tuple[str, int], float] = {}
        moteurs = ("clusterlib",) if arguments.sans_papermill else ("papermill", "clusterlib")
        for moteur in moteurs:
            for travaux in (1, 2):
                nom = f"c_{moteur}_{travaux}"
                temps[moteur, travaux] = lot(chemins, tmp / f"lot-{moteur}-{travaux}", travaux, moteur, nom)
                print(f"(c) lot de {n} clusters, {moteur:10s}, --jobs {travaux} : {temps[moteur, travaux]:6.1f} s"
                      f"   ({temps[moteur, travaux] / n:4.2f} s par rapport)   [processeur {CPU[nom]:5.1f} s]")
        c2 = temps["clusterlib", 2]
        if not arguments.sans_papermill:
            print(f"    clusterlib --jobs 2 / papermill --jobs 2   : {c2 / temps['papermill', 2]:4.2f} (objectif ≤ 0,5)"
                  f"   [processeur : {CPU['c_clusterlib_2'] / CPU['c_papermill_2']:4.2f}]")
        print(f"    clusterlib --jobs 2 / clusterlib --jobs 1  : {c2 / temps['clusterlib', 1]:4.2f}")
        # Les copies de riz-glazoue ont les mêmes textes : la mémoire des textes y sert à plein.
        # Le même lot sur des clusters tous différents montre ce qu'elle vaut sur une vraie banque.
        divers = lot_divers(tmp / "divers", n)
        for moteur in moteurs:
            nom = f"c_divers_{moteur}"
            temps["divers", moteur] = lot(divers, tmp / f"lot-divers-{moteur}", 2, moteur, nom)
            print(f"(c) {n} clusters tous différents, {moteur:10s}, --jobs 2 : {temps['divers', moteur]:6.1f} s"
                  f"   ({temps['divers', moteur] / n:4.2f} s par rapport)   [processeur {CPU[nom]:5.1f} s]")
        if not arguments.sans_papermill:
            print(f"    clusterlib / papermill (clusters différents) : "
                  f"{temps['divers', 'clusterlib'] / temps['divers', 'papermill']:4.2f}"
                  f"   [processeur : {CPU['c_divers_clusterlib'] / CPU['c_divers_papermill']:4.2f}]")
        (taux_divers, entrees, taille), (taux_copies, _, _) = (taux_memoire_textes(divers[:6]),
                                                              taux_memoire_textes(chemins[:3]))
        print(f"    textes des figures repris de la mémoire : {taux_divers:.0%} (clusters différents), "
              f"{taux_copies:.0%} (copies de riz-glazoue) ; après 6 clusters différents : {entrees} entrées, "
              f"{taille:.1f} Mio sérialisées (plafond : {_plafond_memoire()} entrées)")

        if not arguments.sans_banque:
            from clusterlib.banque.stockage import ajouter, ouvrir
            from clusterlib.sorties.lot_banque import rapporter_banque

            with ouvrir(tmp / "banque.duckdb") as banque:
                ajouter(banque, chemins)
            bilans = []
            premier = chrono(lambda: bilans.append(rapporter_banque(tmp / "banque.duckdb", tmp / "lot-banque",
                                                                    travaux=2, formats=SANS_PDF)), "f1")
            second = chrono(lambda: bilans.append(rapporter_banque(tmp / "banque.duckdb", tmp / "lot-banque",
                                                                   travaux=2, formats=SANS_PDF)), "f2")
            if len(bilans[0].par_etat("fait")) != n or len(bilans[1].sautes) != n:
                raise SystemExit("lot de la banque : rapports manquants ou second passage qui refait des rapports")
            print(f"(f) --banque, {n} clusters, premier passage   : {premier:6.1f} s   "
                  f"({premier / n:4.2f} s par rapport)   [processeur {CPU['f1']:5.1f} s]")
            print(f"(f) --banque, second passage (tout sauté)     : {second:6.1f} s   ({second / n * 1000:4.0f} ms par "
                  f"cluster)   [processeur {CPU['f2']:5.1f} s]")

        from clusterlib.sorties.reserve import Atelier

        with Atelier(2) as atelier:
            memoires = atelier.memoire_par_travailleur()
        print("(d) mémoire par processus de travail          : "
              + ", ".join(f"{m / 2**20:.0f} Mio" for m in memoires)
              + " (résidente, après les imports ; chaque enfant forké la partage et y ajoute son rapport)")

        couts = cout_figures(tmp / "figures")
        print("(e) coût des figures (construction + image PNG du rapport à 150 ppp, médiane de 3) :")
        for nom, (construction, enregistrement) in couts.items():
            print(f"    {nom:20s} : {construction + enregistrement:5.2f} s"
                  f"  ({construction:4.2f} + {enregistrement:4.2f})")
        lent_nom, (lc, le) = max(couts.items(), key=lambda kv: sum(kv[1]))
        print(f"    la plus lente : {lent_nom} ({lc + le:4.2f} s ; objectif < 0,3 s)")

        par_rapport = c2 / n
        print("Projection (débit du lot clusterlib à 2 processus, rapports semblables à riz-glazoue) :")
        for taille in (500, 5000):
            ici = taille * par_rapport
            seize = ici * 2 / 16  # même débit par cœur sur 16 cœurs, un processus de travail par cœur
            print(f"    {taille:5d} clusters : {duree(ici)} sur cette machine (2 cœurs), environ {duree(seize)} "
                  "sur 16 cœurs")

        objectifs = [b_cl <= 1.5 * a, b_pdf <= 2.5 * a]
        if not arguments.sans_papermill:
            objectifs.append(c2 <= 0.5 * temps["papermill", 2])
        objectifs.append(lc + le < 0.3)
        print("Objectifs atteints." if all(objectifs) else "Objectif(s) manqué(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
