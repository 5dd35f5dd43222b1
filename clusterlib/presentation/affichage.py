"""Afficher dans un notebook ou une page du livre : figures, libellés, petits tableaux.

Les notebooks et les pages n'écrivent pas leurs propres aides : ils importent celles-ci, de
sorte qu'une figure s'affiche et s'enregistre partout de la même façon.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from clusterlib import referentiel

__all__ = ["image_png", "montrer", "nom_maillon", "tableau_md"]


def nom_maillon(code: str) -> str:
    """Le libellé d'un maillon (« commercant » → « Commerçant » ; « ensemble » → « Ensemble du cluster »)."""
    return "Ensemble du cluster" if code == "ensemble" else referentiel.libelle("maillons", code)


def montrer(figure: Any, nom: str | None = None, dossier: str | Path | None = None,
            formats: Iterable[str] = ("png",), afficher: bool = True) -> None:
    """Affiche une figure matplotlib et, si ``dossier`` est donné, l'y enregistre sous ``nom``.

    ``formats`` : les extensions à écrire (``png``, ``svg``, ``pdf``). La figure est fermée
    ensuite, pour qu'un notebook de nombreuses figures ne garde pas leur mémoire.
    """
    import matplotlib.pyplot as plt

    from clusterlib.graphiques import enregistrer

    if dossier is not None:
        if not nom:
            raise ValueError("nom de fichier manquant pour enregistrer la figure")
        for format_ in formats:
            enregistrer(figure, Path(dossier) / f"{nom}.{format_}")
    if afficher:
        from IPython.display import display

        display(figure)
    plt.close(figure)


def image_png(figure: Any, largeur: int = 680, dpi: int = 150) -> Any:
    """La figure en image PNG (objet ``IPython.display.Image``), qui s'affiche en HTML comme en PDF."""
    import matplotlib.pyplot as plt
    from IPython.display import Image

    tampon = BytesIO()
    figure.savefig(tampon, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    return Image(tampon.getvalue(), width=largeur)


def _cellule_md(valeur: Any) -> str:
    # Du texte, jamais du balisage : HTML échappé, barres verticales et crochets neutralisés.
    texte = html.escape(" ".join(str(valeur).split()), quote=False)
    return texte.replace("|", "/").replace("[", "&#91;").replace("]", "&#93;")


def tableau_md(lignes: Sequence[Sequence[Any]], entetes: Sequence[str]) -> Any:
    """Un tableau Markdown (objet ``IPython.display.Markdown``) dont les cellules restent du texte."""
    from IPython.display import Markdown

    texte = ["| " + " | ".join(_cellule_md(e) for e in entetes) + " |", "|" + "---|" * len(entetes)]
    texte += ["| " + " | ".join(_cellule_md(c) for c in ligne) + " |" for ligne in lignes]
    return Markdown("\n".join(texte))
