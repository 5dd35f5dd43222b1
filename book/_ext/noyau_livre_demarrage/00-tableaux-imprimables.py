"""Démarrage des noyaux qui exécutent le livre : tableaux pandas « stylés » lisibles dans le PDF.

Un ``Styler`` pandas ne s'affiche qu'en HTML ; dans l'édition imprimable (LaTeX), on ne
verrait que « <pandas.io.formats.style.Styler at 0x…> ». On lui ajoute une représentation
Markdown (tableau à barres verticales) construite à partir des valeurs déjà mises en forme
(virgule décimale, espaces fines, index masqué…). Le HTML garde sa version HTML, prioritaire.
"""

from __future__ import annotations


def _tableau_markdown(styler) -> str:
    lignes = styler.to_string(delimiter="\x1f").rstrip("\n").split("\n")
    entetes = max(1, styler.data.columns.nlevels)
    cellules = [[c.strip().replace("|", "\\|") for c in ligne.split("\x1f")] for ligne in lignes]
    largeur = max(len(c) for c in cellules)
    cellules = [c + [""] * (largeur - len(c)) for c in cellules]
    titre = [" ".join(x for x in colonne if x).strip() for colonne in zip(*cellules[:entetes], strict=True)]
    sortie = ["| " + " | ".join(titre) + " |", "|" + "---|" * largeur]
    sortie += ["| " + " | ".join(ligne) + " |" for ligne in cellules[entetes:]]
    return "\n".join(sortie)


def _installer() -> None:
    try:
        from IPython import get_ipython
        from pandas.io.formats.style import Styler
    except ImportError:
        return
    ipython = get_ipython()
    if ipython is None:
        return
    ipython.display_formatter.formatters["text/markdown"].for_type(Styler, _tableau_markdown)


_installer()
