"""Mesure du coût des rapports papermill (à lancer : python benchmarks/bench_rapports.py [--lot N]).

Mesure, sur la même machine et dans la même exécution :
  (a) le plancher : papermill sur un notebook qui importe pandas, matplotlib et networkx et trace une figure ;
  (b) un rapport complet (notebook du rapport + export HTML + resume.json), sans PDF, puis avec
      le PDF (Chromium sans tête) ; le temps du PDF est affiché à part ;
  (c) un lot de N clusters (20 par défaut) avec --jobs 1 puis --jobs 2 (sans PDF).
Objectifs : (b) sans PDF ≤ 2 × (a) ; (b) avec PDF ≤ 2,5 × (a) ; (c) avec 2 processus ≤ 0,6 × le temps avec 1.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

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


def chrono(fonction) -> float:
    debut = time.perf_counter()
    fonction()
    return time.perf_counter() - debut


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


def main() -> int:
    parseur = argparse.ArgumentParser(description="Mesure des rapports papermill")
    parseur.add_argument("--lot", type=int, default=20, help="nombre de clusters du lot (20)")
    n = parseur.parse_args().lot
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(PLANCHER)]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, tmp / "plancher.ipynb")
        papermill.execute_notebook(tmp / "plancher.ipynb", tmp / "p0.ipynb", kernel_name="python3", cwd=tmp,
                                   progress_bar=False)  # premier lancement : caches disque chauds
        a = chrono(lambda: papermill.execute_notebook(tmp / "plancher.ipynb", tmp / "p.ipynb", kernel_name="python3",
                                                      cwd=tmp, progress_bar=False))
        print(f"(a) plancher papermill                : {a:6.1f} s")
        sans_pdf = ("html", "ipynb")
        b = chrono(lambda: rapports.executer_lot([echantillons.chemin("riz-glazoue")], tmp / "un", formats=sans_pdf))
        print(f"(b) un rapport complet (avec HTML)    : {b:6.1f} s   rapport b/a = {b / a:4.2f} (objectif ≤ 2)")
        b_pdf = chrono(lambda: rapports.executer_lot([echantillons.chemin("riz-glazoue")], tmp / "un-pdf"))
        pdf = tmp / "un-pdf" / "riz-glazoue" / "rapport.pdf"
        taille = pdf.stat().st_size / 1024 / 1024 if pdf.exists() else float("nan")
        print(f"(b) le même avec rapport.pdf          : {b_pdf:6.1f} s   "
              f"rapport /a = {b_pdf / a:4.2f} (objectif ≤ 2,5)")
        print(f"    dont PDF (Chromium)               : {b_pdf - b:6.1f} s   ({taille:.2f} Mo)")
        rapport = nbformat.read(tmp / "un" / "riz-glazoue" / "rapport.ipynb", as_version=4)
        cellules = [c for c in rapport.cells if c.cell_type == "code"]
        duree = sum(c.metadata.get("papermill", {}).get("duration") or 0 for c in cellules)
        print(f"    dont cellules du notebook         : {duree:6.1f} s ({len(cellules)} cellules de code)")
        chemins = lot_synthetique(tmp / "lot", n)
        c1 = chrono(lambda: rapports.executer_lot(chemins, tmp / "lot1", travaux=1, formats=sans_pdf))
        print(f"(c) lot de {n} clusters, --jobs 1       : {c1:6.1f} s")
        c2 = chrono(lambda: rapports.executer_lot(chemins, tmp / "lot2", travaux=2, formats=sans_pdf))
        print(f"(c) lot de {n} clusters, --jobs 2       : {c2:6.1f} s   rapport = {c2 / c1:4.2f} (objectif ≤ 0,6)")
        ok = b <= 2 * a and b_pdf <= 2.5 * a and c2 <= 0.6 * c1
        print("Objectifs atteints." if ok else "Objectif(s) manqué(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
