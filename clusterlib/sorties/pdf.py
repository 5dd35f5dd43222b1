"""Documents à imprimer et à envoyer : HTML autonome (hors ligne, téléphone) et PDF A4.

Le PDF est produit par Chromium sans tête (``chromium --headless --print-to-pdf``), le même
navigateur que celui des tests : ce qu'on imprime est exactement la page HTML, avec sa feuille
de style d'impression (A4, marges, tableaux et figures non coupés, titres jamais seuls en bas
de page). Aucune dépendance Python de plus ; sous Debian : ``apt-get install chromium``.

- :func:`finaliser_html` rend une page HTML autonome : plus aucune ressource d'un autre hôte
  (scripts et feuilles de style de CDN retirés), mise en page pour téléphone et pour
  l'impression, typographie française (:func:`clusterlib.presentation.format_fr.typographie_html`) ;
- :func:`imprimer_pdf` imprime une page HTML locale en PDF A4 ;
- :func:`image_html` fait d'une figure matplotlib une image PNG légère intégrée à la page,
  avec son texte alternatif, qui s'ouvre en grand d'une touche.
"""

from __future__ import annotations

import base64
import html
import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from clusterlib.fichiers import ecrire_atomique
from clusterlib.presentation.format_fr import typographie_html

__all__ = ["CSS_DOCUMENT", "ErreurPdf", "chromium", "finaliser_html", "image_html", "imprimer_pdf", "png_leger",
           "tables_au_clavier"]

DELAI_PDF = 120  # secondes

CSS_DOCUMENT = """
/* clusterlib : lecture sur téléphone et impression A4 */
html{-webkit-text-size-adjust:100%}
body{overflow-wrap:break-word}
img{max-width:100%;height:auto}
table{display:block;max-width:100%;overflow-x:auto}
.jp-RenderedHTMLCommon table,.rendered_html table{display:block;max-width:100%;overflow-x:auto}
td,th{vertical-align:top}
pre{white-space:pre-wrap}
.jp-InputPrompt,.jp-OutputPrompt,.anchor-link{display:none}
.figure-cluster{margin:1em 0;text-align:center}
.figure-cluster a{display:inline-block}
.figure-cluster:target{position:fixed;inset:0;z-index:1000;margin:0;background:#fff;overflow:auto;
  text-align:left;padding:2.5em .5em .5em}
.figure-cluster:target img{max-width:none;width:auto}
.figure-cluster .fermer{display:none}
.figure-cluster:target .fermer{display:block;position:fixed;top:.4em;right:.6em;padding:.3em .8em;
  background:#1a4d7a;color:#fff;border-radius:.3em;text-decoration:none}
.titre-cluster{font-size:1.2em}
@media (max-width:600px){
  body{margin:0 .5em}
  main,.jp-Notebook{padding:0 !important}
  .jp-Cell,.jp-OutputArea-output{padding:0 !important;margin:0 !important;min-width:0}
  .jp-OutputArea-child,.jp-Cell-outputWrapper{display:block}
}
@page{size:A4;margin:14mm 13mm 16mm 13mm}
@media print{
  body{font-size:10.5pt;margin:0;max-width:none}
  .jp-Notebook,main{padding:0 !important}
  a{color:inherit;text-decoration:none}
  h1,h2,h3{break-after:avoid;page-break-after:avoid}
  table{display:table;overflow:visible;width:100%;font-size:9pt}
  thead{display:table-header-group}
  tr,img,.figure-cluster{break-inside:avoid;page-break-inside:avoid}
  .figure-cluster img{max-height:235mm;width:auto}
  /* Un bloc qui défile (overflow) ou une boîte flexible ne se coupe pas d'une page à l'autre :
     à l'impression, tout redevient un bloc ordinaire. */
  .jp-Cell,.jp-OutputArea,.jp-Cell-outputWrapper,.jp-OutputArea-child,.jp-OutputArea-output,
  .jp-RenderedHTMLCommon,.jp-RenderedHTML,.jp-Notebook{display:block !important;overflow:visible !important;
    break-inside:auto}
  .figure-cluster .fermer{display:none !important}
}
"""

_EXTERNE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']?(?:https?:)?//[^>]*>\s*</script>", re.I)
_EXTERNE_LIEN = re.compile(r"<link\b[^>]*\bhref=[\"']?(?:https?:)?//[^>]*>", re.I)
_MATHJAX = re.compile(r"<script\b[^>]*>(?:(?!</script>).)*MathJax(?:(?!</script>).)*</script>", re.I | re.S)
_PREMIER_H1 = re.compile(r"<h1\b[^>]*>.*?</h1>", re.S)


class ErreurPdf(RuntimeError):
    """Le PDF n'a pas pu être produit (Chromium absent ou en échec) ; message en français."""


def chromium() -> str | None:
    """Le navigateur qui imprime les PDF : ``$CLUSTERLIB_CHROMIUM``, sinon chromium ou Chrome du système."""
    choisi = os.environ.get("CLUSTERLIB_CHROMIUM")
    if choisi:
        return choisi if os.access(choisi, os.X_OK) else shutil.which(choisi)
    for nom in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        trouve = shutil.which(nom)
        if trouve:
            return trouve
    return None


_TABLE_SANS_TABINDEX = re.compile(r'<table\b(?![^>]*\btabindex=)(?![^>]*\bhighlighttable\b)', re.I)


def tables_au_clavier(document: str) -> str:
    """Rend chaque tableau atteignable au clavier (``tabindex="0"``).

    Sur un écran étroit, les tableaux larges défilent horizontalement (feuille de style du
    terrain) : sans point de focus, une personne qui navigue au clavier ne peut pas les faire
    défiler. Les blocs de code colorés (``highlighttable``) et les tableaux qui ont déjà un
    ``tabindex`` sont laissés tels quels.
    """
    return _TABLE_SANS_TABINDEX.sub('<table tabindex="0"', document)


def finaliser_html(document: str, titre: str | None = None, css: str = CSS_DOCUMENT) -> str:
    """Une page HTML prête pour le terrain : hors ligne, lisible sur téléphone, imprimable.

    Retire tout script ou feuille de style venant d'un autre hôte (les pages exportées par
    nbconvert chargent require.js et MathJax depuis des CDN), ajoute la feuille de style
    ``css``, remplace le premier titre ``<h1>`` par ``titre`` s'il est donné et applique la
    typographie française au texte (jamais au code).
    """
    document = _EXTERNE_SCRIPT.sub("", document)
    document = _EXTERNE_LIEN.sub("", document)
    document = _MATHJAX.sub("", document)
    if titre is not None:
        document = _PREMIER_H1.sub(lambda _m: f"<h1>{html.escape(titre)}</h1>", document, count=1)
    if "<meta name=\"viewport\"" not in document:
        document = document.replace("<head>", '<head>\n<meta name="viewport" content="width=device-width, '
                                    'initial-scale=1">', 1)
    document = document.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    return typographie_html(tables_au_clavier(document))


def imprimer_pdf(page: str | Path, pdf: str | Path, *, delai: int = DELAI_PDF,
                 arguments: Sequence[str] = ()) -> Path:
    """Imprime la page HTML locale ``page`` en PDF A4 (``pdf``), par Chromium sans tête.

    Le PDF est écrit dans un temporaire puis déplacé : un échec ne laisse pas de PDF à moitié
    écrit. Lève :class:`ErreurPdf` (message en français) si Chromium manque ou échoue.
    """
    navigateur = chromium()
    if navigateur is None:
        raise ErreurPdf("PDF non produit : Chromium est introuvable ; installez-le (sudo apt-get install chromium) "
                        "ou donnez son chemin dans CLUSTERLIB_CHROMIUM, ou demandez --formats html,ipynb")
    page, pdf = Path(page).resolve(), Path(pdf)
    with tempfile.TemporaryDirectory(prefix=".chromium-") as profil:
        temporaire = pdf.with_name(f".{pdf.name}.{os.getpid()}.tmp")
        commande = [navigateur, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-first-run", "--disable-extensions", "--hide-scrollbars", f"--user-data-dir={profil}",
                    "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
                    "--virtual-time-budget=10000", f"--print-to-pdf={temporaire}", *arguments, page.as_uri()]
        try:
            resultat = subprocess.run(commande, capture_output=True, text=True, timeout=delai, check=False,
                                      stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            temporaire.unlink(missing_ok=True)
            raise ErreurPdf(f"PDF non produit : Chromium n'a pas fini en {delai} s ({page.name})") from exc
        if resultat.returncode != 0 or not temporaire.exists() or temporaire.stat().st_size == 0:
            temporaire.unlink(missing_ok=True)
            derniere = (resultat.stderr.strip().splitlines() or ["sans message"])[-1][:200]
            raise ErreurPdf(f"PDF non produit : Chromium a échoué sur {page.name} ({derniere})")
        os.replace(temporaire, pdf)
    return pdf


def png_leger(figure: object, dpi: int = 150) -> bytes:
    """La figure en PNG à palette (128 couleurs) : trois fois plus léger, sans perte visible sur un graphique."""
    from PIL import Image

    from clusterlib.graphiques import rendu_recadre

    pixels = rendu_recadre(figure, dpi, fond="white")  # type: ignore[arg-type]
    if pixels is not None:  # un seul dessin, recadré sur le contenu
        image = Image.fromarray(pixels, "RGBA").convert("RGB")
    else:  # le contenu déborde de la figure : matplotlib agrandit la zone et redessine
        tampon = io.BytesIO()
        figure.savefig(tampon, format="png", dpi=dpi, bbox_inches="tight", facecolor="white")  # type: ignore[attr-defined]
        image = Image.open(io.BytesIO(tampon.getvalue())).convert("RGB")
    # Octree rapide, sans tramage : aplats nets, et deux fois plus vite que la coupe médiane.
    palette = image.quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    sortie = io.BytesIO()
    palette.save(sortie, format="PNG", compress_level=6)
    return sortie.getvalue()


def image_html(figure: object, nom: str, description: str, dossier: str | Path | None = None,
               dpi: int = 150) -> str:
    """Une figure matplotlib en image PNG intégrée (``<img>`` avec son texte alternatif ``description``).

    L'image tient dans la largeur de l'écran ; d'une touche (ou d'un clic) elle s'ouvre en
    grand, à sa taille réelle, pour lire les étiquettes d'une carte sur un téléphone. Avec un
    ``dossier``, le PNG y est aussi enregistré (``<dossier>/<nom>.png``).
    """
    donnees = png_leger(figure, dpi)
    if dossier is not None:
        ecrire_atomique(Path(dossier) / f"{nom}.png", donnees)
    from clusterlib.sorties.gabarits import rendre

    largeur = int(figure.get_figwidth() * 100)  # type: ignore[attr-defined]
    return rendre("image.html.j2", ident="figure-" + re.sub(r"[^a-z0-9-]+", "-", nom.lower()),
                  base64=base64.b64encode(donnees).decode("ascii"), description=description, largeur=largeur)
