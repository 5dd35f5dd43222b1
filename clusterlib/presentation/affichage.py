"""Afficher dans un notebook ou une page du livre : figures, libellés, petits tableaux.

Les notebooks et les pages n'écrivent pas leurs propres aides : ils importent celles-ci, de
sorte qu'une figure s'affiche et s'enregistre partout de la même façon.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from io import BytesIO
from pathlib import Path
from typing import Any

from clusterlib import referentiel

_BLANCS = re.compile(r"[ \t\r\n\f\v]+")

__all__ = ["cellule_md", "dire", "ecart", "image_png", "montrer", "montrer_decrite", "montrer_table_format",
           "nom_maillon", "nombre_court", "part", "tableau_md", "tableau_sans_index", "tableau_style", "texte_brut",
           "valeur_comparaison"]


def nom_maillon(code: str) -> str:
    """Le libellé d'un maillon (« commercant » → « Commerçant » ; « ensemble » → « Ensemble du cluster »)."""
    return "Ensemble du cluster" if code == "ensemble" else referentiel.libelle("maillons", code)


def montrer(figure: Any, nom: str | None = None, dossier: str | Path | None = None,
            formats: Iterable[str] = ("png",), afficher: bool = True, dpi: int = 200,
            depuis_fichier: bool = False) -> None:
    """Affiche une figure matplotlib et, si ``dossier`` est donné, l'y enregistre sous ``nom``.

    ``formats`` : les extensions à écrire (``png``, ``svg``, ``pdf``), en ``dpi`` points par
    pouce. Avec ``depuis_fichier`` (et un dossier), c'est le premier fichier écrit qui s'affiche,
    à la largeur de la figure : ce que l'on voit est ce qui est enregistré. La figure est fermée
    ensuite, pour qu'un notebook de nombreuses figures ne garde pas leur mémoire.
    """
    import matplotlib.pyplot as plt

    from clusterlib.graphiques import enregistrer

    fichiers = []
    if dossier is not None:
        if not nom:
            raise ValueError("nom de fichier manquant pour enregistrer la figure")
        for format_ in formats:
            fichiers.append(enregistrer(figure, Path(dossier) / f"{nom}.{format_}", dpi=dpi))
    if afficher:
        from IPython.display import Image, display

        if depuis_fichier and fichiers:
            display(Image(filename=str(fichiers[0]), width=int(figure.get_figwidth() * 100)))
        else:
            display(figure)
    plt.close(figure)


def montrer_decrite(figure: Any, nom: str, description: str, dossier: str | Path | None = None) -> None:
    """Affiche une figure avec sa description (texte alternatif), comme dans les rapports.

    L'image PNG légère est intégrée en HTML et s'ouvre en grand d'une touche ; avec un
    ``dossier``, elle y est aussi enregistrée (``<dossier>/<nom>.png``). La figure est fermée.
    """
    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    from clusterlib.presentation.format_fr import typographie
    from clusterlib.sorties.pdf import image_html

    display(HTML(image_html(figure, nom, typographie(description), dossier)))
    plt.close(figure)


def dire(texte: str) -> None:
    """Affiche une phrase (Markdown) avec la typographie française (espaces insécables)."""
    from IPython.display import Markdown, display

    from clusterlib.presentation.format_fr import typographie

    display(Markdown(typographie(texte)))


def texte_brut(valeur: Any) -> str:
    """Un texte saisi, à placer dans du Markdown ou du HTML : il s'affiche tel quel, jamais interprété."""
    return html.escape(str(valeur)).replace("*", "&#42;").replace("_", "&#95;")


def nombre_court(valeur: float) -> str:
    """Un nombre à la française sans zéros inutiles : ``1.75`` → « 1,75 » ; ``2.0`` → « 2 »."""
    return f"{valeur:g}".replace(".", ",")


def part(valeur: Any, decimales: int = 0) -> str:
    """Une part entre 0 et 1 écrite en pourcentage : ``0.257`` → « 26 % » ; manquante → « — »."""
    from clusterlib.presentation.format_fr import pourcentage

    return pourcentage(valeur, decimales, fraction=True)


def ecart(valeur: Any, decimales: int = 2) -> str:
    """Une variation avec son signe : ``0.25`` → « +0,25 » ; ``-0.5`` → « -0,50 » ; manquante → « — »."""
    from clusterlib.presentation.format_fr import nombre

    texte = nombre(valeur, decimales)
    try:
        hausse = float(valeur) > 0
    except (TypeError, ValueError):
        hausse = False
    return ("+" if hausse and texte != "—" else "") + texte


def valeur_comparaison(chemin: str, valeur: Any) -> str:
    """Une valeur du résumé d'un cluster, lisible selon son chemin dans ``resume.json``.

    ``reseau/…`` : une part écrite en pourcentage ; ``economie/…`` : un montant en millions de
    FCFA ; le reste (notes de la grille) : deux décimales. Une valeur manquante donne « — ».
    """
    from clusterlib.presentation.format_fr import millions_fcfa, nombre, pourcentage

    if chemin.startswith("reseau/"):
        return pourcentage(valeur, fraction=True)
    if chemin.startswith("economie/"):
        return millions_fcfa(valeur)
    return nombre(valeur, 2)


def tableau_sans_index(cadre: Any) -> Any:
    """Un tableau tel quel, sans son index (``Styler``) : pour les valeurs déjà écrites, comme celles du référentiel.

    Rien n'est reformaté (une année 2025 reste « 2025 ») ; voir :func:`tableau_style` pour des nombres.
    """
    return cadre.style.hide(axis="index")


def montrer_table_format(table: str) -> None:
    """Affiche les colonnes d'une table du format des données puis, sauf pour la fiche ``cluster``, un exemple.

    Les deux tableaux viennent du référentiel (``description_colonnes`` et ``exemple_table``).
    """
    from IPython.display import display

    display(tableau_sans_index(referentiel.description_colonnes(table)))
    if table != "cluster":
        dire("Exemple de ligne :")
        display(tableau_sans_index(referentiel.exemple_table(table)))


def tableau_style(cadre: Any, decimales: int = 2) -> Any:
    """Un tableau sans index (``Styler``) : texte échappé, nombres à la française, cases vides en « — »."""
    return cadre.style.hide(axis="index").format(escape="html", precision=decimales, decimal=",",
                                                 thousands="\u202f", na_rep="—")


def image_png(figure: Any, largeur: int = 680, dpi: int = 150, leger: bool = False,
              description: str | None = None) -> Any:
    """La figure en image PNG (objet ``IPython.display.Image``), qui s'affiche en HTML comme en PDF.

    Avec ``leger``, le PNG est à palette (trois fois plus léger, sans perte visible sur une carte).
    ``description`` devient le texte alternatif de l'image (typographie française appliquée).
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image

    if leger:
        from clusterlib.sorties.pdf import png_leger

        donnees = png_leger(figure, dpi)
    else:
        tampon = BytesIO()
        figure.savefig(tampon, format="png", dpi=dpi, bbox_inches="tight")
        donnees = tampon.getvalue()
    plt.close(figure)
    if description is None:
        return Image(donnees, width=largeur)
    from clusterlib.presentation.format_fr import typographie

    return Image(donnees, width=largeur, alt=typographie(description))


def cellule_md(valeur: Any) -> str:
    """Le texte d'une case de tableau Markdown : sur une ligne, HTML échappé, ``|`` et crochets neutralisés.

    Seuls les retours à la ligne, tabulations et espaces ordinaires sont ramenés à une espace : les
    espaces insécables de la typographie française (« 93\u202f% ») restent en place.
    """
    texte = html.escape(_BLANCS.sub(" ", str(valeur)).strip(" "), quote=False)
    return texte.replace("|", "/").replace("[", "&#91;").replace("]", "&#93;")


def tableau_md(lignes: Sequence[Sequence[Any]], entetes: Sequence[str]) -> Any:
    """Un tableau Markdown (objet ``IPython.display.Markdown``) dont les cellules restent du texte."""
    from IPython.display import Markdown

    texte = ["| " + " | ".join(cellule_md(e) for e in entetes) + " |", "|" + "---|" * len(entetes)]
    texte += ["| " + " | ".join(cellule_md(c) for c in ligne) + " |" for ligne in lignes]
    return Markdown("\n".join(texte))
