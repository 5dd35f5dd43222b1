"""Vérification des liens du site construit (sans réseau).

Chaque lien interne (``href`` des liens et feuilles de style, ``src`` des images et scripts)
de chaque page HTML mène à un fichier qui existe, et son ancre (``#…``) à un ``id`` de la page
visée — liens de glossaire ``{term}`` compris. Les liens externes ne sont jamais suivis : ils
sont seulement listés dans la sortie du test (et dans ``_build/artefacts/liens_externes.txt``).
"""

from __future__ import annotations

import functools
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from .conftest import chronometrer, dossier_artefacts

pytestmark = pytest.mark.lent

_ATTRIBUTS = {"a": "href", "link": "href", "img": "src", "script": "src", "iframe": "src", "source": "src"}


class _Analyse(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.liens: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        valeurs = dict(attrs)
        for cle in ("id", "name"):
            if valeurs.get(cle):
                self.ids.add(str(valeurs[cle]))
        attribut = _ATTRIBUTS.get(tag)
        if attribut and valeurs.get(attribut):
            self.liens.append((tag, str(valeurs[attribut])))


@functools.cache
def _analyser(chemin: Path) -> _Analyse:
    analyse = _Analyse()
    analyse.feed(chemin.read_text(encoding="utf-8", errors="replace"))
    return analyse


def verifier_liens(racine: Path) -> tuple[list[str], dict[str, set[str]], int]:
    """Les liens internes cassés, les liens externes (URL → pages) et le nombre de liens vus."""
    casses: list[str] = []
    externes: dict[str, set[str]] = {}
    vus = 0
    pages = sorted(p for p in racine.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)
    for page in pages:
        relative = str(page.relative_to(racine))
        for tag, lien in _analyser(page).liens:
            vus += 1
            morceaux = urlsplit(lien)
            if morceaux.scheme in {"http", "https", "mailto", "ftp"} or lien.startswith("//"):
                externes.setdefault(lien, set()).add(relative)
                continue
            if morceaux.scheme in {"data", "javascript"}:
                continue
            cible = page if not morceaux.path else (page.parent / unquote(morceaux.path)).resolve()
            if cible.is_dir():
                cible = cible / "index.html"
            if not cible.is_file() or racine.resolve() not in cible.resolve().parents:
                casses.append(f"{relative} : <{tag}> {lien} → fichier introuvable")
                continue
            ancre = unquote(morceaux.fragment)
            if ancre and tag == "a" and cible.suffix == ".html" and ancre not in _analyser(cible).ids:
                casses.append(f"{relative} : {lien} → ancre « {ancre} » absente de {cible.name}")
    return casses, externes, vus


def test_verificateur_trouve_les_liens_casses(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text('<p id="haut"><a href="b.html#x">b</a><a href="c.html">c</a>'
                                     '<a href="#haut">h</a><a href="https://exemple.org/">e</a>'
                                     '<img src="img/absente.png"></p>', encoding="utf-8")
    (tmp_path / "b.html").write_text('<p id="y">b</p>', encoding="utf-8")
    casses, externes, vus = verifier_liens(tmp_path)
    assert vus == 5
    assert sorted(casses) == ["a.html : <a> c.html → fichier introuvable",
                              "a.html : <img> img/absente.png → fichier introuvable",
                              "a.html : b.html#x → ancre « x » absente de b.html"]
    assert externes == {"https://exemple.org/": {"a.html"}}


def test_liens_internes_du_site(html: Path) -> None:
    debut = time.perf_counter()
    casses, externes, vus = verifier_liens(html)
    chronometrer("vérification des liens", debut)
    liste = "\n".join(f"{url}  ({len(pages)} page(s))" for url, pages in sorted(externes.items()))
    (dossier_artefacts() / "liens_externes.txt").write_text(liste + "\n", encoding="utf-8")
    print(f"{vus} liens vus ; {len(externes)} liens externes (non vérifiés, listés ici) :\n{liste}")
    assert vus > 100
    assert not casses, f"{len(casses)} lien(s) interne(s) cassé(s) :\n" + "\n".join(casses[:60])


def test_liens_de_glossaire_menent_a_un_terme(html: Path) -> None:
    """Chaque lien ``{term}`` du livre vise un terme défini dans le glossaire."""
    glossaire = html / "book" / "annexes" / "glossaire.html"
    termes = {i for i in _analyser(glossaire).ids if i.startswith("term-")}
    assert termes, "aucun terme défini dans le glossaire"
    vus = 0
    for page in html.rglob("*.html"):
        for _tag, lien in _analyser(page).liens:
            if "glossaire.html#term-" in lien:
                vus += 1
                assert lien.split("#", 1)[1] in termes, f"{page.relative_to(html)} : terme inconnu {lien}"
    assert vus >= 10, f"seulement {vus} liens vers le glossaire"
