"""Le livre pour le terrain : hors ligne, léger, lisible sur téléphone, imprimable.

- **Léger** : le thème charge ``fontawesome.js`` (1,5 Mo) pour une quinzaine d'icônes ; il est
  retiré et les icônes deviennent des caractères (``terrain.css``). L'index de recherche
  (``searchindex.js``) n'est chargé que par la page de recherche.
- **Téléphone** : tableaux larges qui défilent dans leur boîte, lignes de code qui défilent
  dans leur cadre, images à la largeur de l'écran (``terrain.css``) ; chaque cellule de code
  est repliée derrière « Afficher le code » (ses sorties restent visibles).
- **Papier** : à la fin de la construction HTML, Chromium sans tête imprime le livre entier et
  chaque chapitre en PDF A4 dans ``telechargements/`` ; la page d'accueil les propose.
  Sans Chromium, la construction continue et l'accueil ne propose pas les PDF.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from outils_livre import servir_statique
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # clusterlib du dépôt

journal = logging.getLogger(__name__)

DOSSIER_PDF = "telechargements"
_RETIRES_PARTOUT = ("fontawesome.js",)
_RECHERCHE = ("searchindex.js", "searchtools.js", "language_data.js")
_PRESENTATION = ("Chaque chapitre existe en PDF A4 : à imprimer comme support de formation ou à envoyer par "
                 "messagerie. Le site marche aussi sans réseau, copié sur une clé USB : ouvrez index.html.")
_DEBUT_BLOC, _FIN_BLOC = "<!-- telechargements -->", "<!-- /telechargements -->"


class ReplierLeCode(SphinxPostTransform):
    """Replie la source de chaque cellule de code (« Afficher le code ») ; les sorties restent visibles."""

    default_priority = 198  # juste avant HideInputCells de myst-nb (199)
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        config = self.app.config
        for conteneur in self.document.findall(nodes.container):
            if conteneur.get("nb_element") != "cell_code" or conteneur.get("hide_mode") or not conteneur.children:
                continue
            if conteneur.children[0].get("nb_element") != "cell_code_source":
                continue
            conteneur["hide_mode"] = "input"
            conteneur["prompt_show"] = config.nb_code_prompt_show
            conteneur["prompt_hide"] = config.nb_code_prompt_hide


# Un chemin de fichier : un texte sans espace qui contient une barre, ou qui finit par une
# extension d'image. Une vraie description peut contenir une barre (« DCAIFE/MAEP »).
_ALT_CHEMIN = re.compile(r"^\S*[/\\]\S*$|\.(?:png|svg|jpe?g|gif)$", re.I)


class TexteAlternatif(SphinxPostTransform):
    """Une image sans description (ou décrite par son chemin de fichier) reçoit un texte en français.

    La légende de la figure s'il y en a une, sinon le titre de la section où la figure est tracée.
    """

    default_priority = 900

    def run(self, **kwargs: Any) -> None:
        for image in self.document.findall(nodes.image):
            alt = str(image.get("alt", "")).strip()
            if alt and not _ALT_CHEMIN.search(alt) and alt != image.get("uri"):
                continue
            parent, legende, section = image.parent, None, None
            while parent is not None:
                if legende is None and isinstance(parent, nodes.figure):
                    legende = next((c.astext() for c in parent.children if isinstance(c, nodes.caption)), None)
                if isinstance(parent, nodes.section) and section is None:
                    titres = [c for c in parent.children if isinstance(c, nodes.title)]
                    section = titres[0].astext() if titres else None
                parent = parent.parent
            if legende:
                image["alt"] = legende
            elif section:
                image["alt"] = f"Figure de la section « {section} »"
            else:
                image["alt"] = "Figure"


def _nom_script(script: Any) -> str:
    return str(getattr(script, "filename", script) or "")


def _alleger(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if scripts:
        retires = _RETIRES_PARTOUT + (() if pagename == "search" else _RECHERCHE)
        context["script_files"] = [s for s in scripts
                                   if not any(_nom_script(s).split("?")[0].endswith(r) for r in retires)]
    if "body" in context:
        # Dernière passe typographique sur la page entière : les titres d'exercices et la
        # bibliographie sont écrits après les transformations du document.
        from clusterlib.presentation.format_fr import typographie_html
        from clusterlib.sorties.pdf import tables_au_clavier

        context["body"] = typographie_html(tables_au_clavier(context["body"]))
        if pagename == app.config.root_doc:
            context["body"] = context["body"] + _bloc_telechargements(app, pagename)


# --- Les PDF à télécharger ---------------------------------------------------------------------


def _chapitres(racine: Path) -> list[tuple[str, list[str]]]:
    """Les chapitres du sommaire : (titre du fichier, [documents du chapitre et de ses sections])."""
    sommaire = yaml.safe_load((racine / "_toc.yml").read_text(encoding="utf-8"))
    chapitres: list[tuple[str, list[str]]] = [(sommaire["root"], [sommaire["root"]])]

    def documents(entree: dict[str, Any]) -> list[str]:
        liste = [entree["file"]] if "file" in entree else []
        for section in entree.get("sections", []):
            liste += documents(section)
        return liste

    for partie in sommaire.get("parts", []):
        for chapitre in partie.get("chapters", []):
            if "file" in chapitre:
                chapitres.append((chapitre["file"], documents(chapitre)))
    return [(c, [re.sub(r"\.(md|ipynb)$", "", d) for d in docs]) for c, docs in chapitres]


def _nom_pdf(document: str) -> str:
    morceaux = [m for m in document.split("/") if m not in ("book", "index")] or ["accueil"]
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(morceaux).lower()).strip("-") + ".pdf"


def _titre(app: Sphinx, document: str) -> str:
    titre = app.env.titles.get(document)
    return titre.astext() if titre is not None else document


def _bloc_telechargements(app: Sphinx, pagename: str) -> str:
    from html import escape

    from clusterlib.presentation.format_fr import typographie

    racine = Path(app.srcdir)
    prefixe = "../" * pagename.count("/")
    lignes = [f'<li><a href="{prefixe}{DOSSIER_PDF}/livre-complet.pdf"><strong>Le livre entier</strong></a> '
              "(un seul PDF, pour une impression complète)</li>"]
    for chapitre, _documents in _chapitres(racine)[1:]:
        lignes.append(f'<li><a href="{prefixe}{DOSSIER_PDF}/{_nom_pdf(chapitre)}">'
                      f"{escape(typographie(_titre(app, chapitre)))}</a></li>")
    return (f'{_DEBUT_BLOC}<section id="telecharger-pour-imprimer"><h2>Télécharger pour imprimer</h2>'
            f"<p>{escape(typographie(_PRESENTATION))}</p>"
            f'<ul class="telechargements">{"".join(lignes)}</ul></section>{_FIN_BLOC}')


_SCRIPT_THEME = re.compile(r'<script\b[^>]*\bsrc="[^"]*(?:fontawesome\.js|searchindex\.js)[^"]*"[^>]*>\s*</script>\s*')


def alleger_pages(dossier: Path) -> int:
    """Retire des pages écrites les scripts que le gabarit du thème ajoute en dur : ``fontawesome.js``
    (1,5 Mo, remplacé par des caractères) et ``searchindex.js`` (hors de la page de recherche)."""
    modifiees = 0
    for page in dossier.rglob("*.html"):
        if page.name == "search.html" and page.parent == dossier:
            continue
        texte = page.read_text(encoding="utf-8")
        allege = _SCRIPT_THEME.sub("", texte)
        if allege != texte:
            page.write_text(allege, encoding="utf-8")
            modifiees += 1
    return modifiees


def _finir_livre(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    alleger_pages(Path(app.outdir))
    if app.config.terrain_pdf:
        _imprimer_livre(app)


def _imprimer_livre(app: Sphinx) -> None:
    from pypdf import PdfWriter

    from clusterlib.sorties.pdf import ErreurPdf, chromium, imprimer_pdf

    sortie = Path(app.outdir)
    accueil = sortie / "index.html"
    if chromium() is None:
        journal.info("PDF du livre non produits : Chromium est introuvable (sudo apt-get install chromium).")
        _retirer_bloc(sortie / f"{app.config.root_doc}.html")
        return
    dossier = sortie / DOSSIER_PDF
    dossier.mkdir(exist_ok=True)
    pages: dict[str, Path] = {}
    journal.info("PDF du livre : impression des pages par Chromium…")
    with tempfile.TemporaryDirectory(prefix="pdf-livre-") as tmp:
        try:
            for chapitre, documents in _chapitres(Path(app.srcdir)):
                for document in documents:
                    page = sortie / f"{document}.html"
                    if page.exists() and document not in pages:
                        pages[document] = imprimer_pdf(page, Path(tmp) / f"{len(pages):03d}.pdf")
                if chapitre != app.config.root_doc:
                    _assembler([pages[d] for d in documents if d in pages], dossier / _nom_pdf(chapitre), PdfWriter)
        except ErreurPdf as exc:
            journal.info(f"PDF du livre non produits : {exc}")
            _retirer_bloc(sortie / f"{app.config.root_doc}.html")
            return
        _assembler(list(pages.values()), dossier / "livre-complet.pdf", PdfWriter)
    del accueil
    journal.info(f"PDF du livre : {dossier}")


def _assembler(morceaux: list[Path], cible: Path, PdfWriter: Any) -> None:
    ecrivain = PdfWriter()
    for morceau in morceaux:
        ecrivain.append(str(morceau))
    # Les pages d'un chapitre partagent polices et images : une seule copie dans le PDF.
    ecrivain.compress_identical_objects()
    temporaire = cible.with_name(f".{cible.name}.tmp")
    with temporaire.open("wb") as flux:
        ecrivain.write(flux)
    temporaire.replace(cible)


def retirer_entre(page: Path, debut: str, fin: str) -> None:
    """Ôte d'une page HTML écrite tout ce qui se trouve entre les marques ``debut`` et ``fin`` (incluses)."""
    if page.exists():
        texte = page.read_text(encoding="utf-8")
        page.write_text(re.sub(re.escape(debut) + ".*?" + re.escape(fin), "", texte, flags=re.S), encoding="utf-8")


def _retirer_bloc(page: Path) -> None:
    retirer_entre(page, _DEBUT_BLOC, _FIN_BLOC)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("terrain_pdf", True, "html")
    servir_statique(app, Path(__file__).parent / "terrain_static", "terrain.css")
    app.connect("html-page-context", _alleger, priority=950)
    app.connect("build-finished", _finir_livre)
    app.add_post_transform(ReplierLeCode)
    app.add_post_transform(TexteAlternatif)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
