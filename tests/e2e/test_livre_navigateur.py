"""Le livre publié, tel qu'un lecteur le voit dans Chromium.

- La construction à froid réussit sans aucun avertissement (``-W -n --keep-going``).
- Chaque page du sommaire répond 200, sans erreur dans la console, en français
  (``<html lang="fr">``), avec un titre et un titre de niveau 1 ; chaque image, en particulier
  chaque figure produite par une cellule de code, est réellement chargée (``naturalWidth > 0``).
- Un lien de glossaire (``{term}``) mène au terme dans la page du glossaire.
- La recherche trouve « agrégateur » avec et sans accent et propose la page du glossaire.
- Le corrigé d'un exercice est caché, puis s'ouvre d'un clic.
- Des captures d'écran vont dans ``_build/artefacts/livre/``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import Livre, Onglet, chronometrer, dossier_artefacts, pages_du_sommaire

pytestmark = pytest.mark.lent

PAGES = pages_du_sommaire()
CAPTURES = {"book/index", "book/annexes/glossaire", "notebooks/cartographie", "book/02-objectif/index"}

# Chromium demande /favicon.ico à la racine de tout site sans icône : ce n'est pas une ressource du livre.
_IGNOREES = ("/favicon.ico",)

_IMAGES = """async () => {
  const imgs = Array.from(document.querySelectorAll('img'));
  for (const img of imgs) { img.loading = 'eager'; }
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.map(img => ({src: img.getAttribute('src'), largeur: img.naturalWidth,
                          cellule: !!img.closest('.cell_output, .output'), alt: img.getAttribute('alt')}));
}"""


def _erreurs(onglet: Onglet) -> list[str]:
    return [e for e in onglet.erreurs if not any(i in e for i in _IGNOREES)]


def test_livre_construit_sans_avertissement(livre: Livre) -> None:
    """Construction à froid (cache vide) dans un dossier temporaire : succès et aucun avertissement."""
    if livre.reutilise:
        pytest.skip("livre déjà construit réutilisé (CLUSTERLIB_E2E_HTML) : construction non testée")
    print(f"construction du livre : {livre.duree:.0f} s")
    assert livre.code_retour == 0, "la construction du livre a échoué :\n" + "\n".join(
        livre.problemes or [livre.sortie[-3000:]])
    assert not livre.problemes, "avertissements pendant la construction :\n" + "\n".join(livre.problemes)
    assert (livre.html / "index.html").is_file()


@pytest.mark.parametrize("document", PAGES)
def test_page_se_charge_en_francais(document: str, site: str, onglet: Onglet, html: Path) -> None:
    page = onglet.page
    debut = time.perf_counter()
    reponse = page.goto(site + document + ".html", wait_until="load")
    assert reponse is not None and reponse.status == 200, f"{document} : HTTP {reponse and reponse.status}"
    images: list[dict[str, Any]] = page.evaluate(_IMAGES)
    page.wait_for_timeout(100)  # laisse les scripts différés signaler leurs erreurs
    chronometrer("livre dans Chromium (pages)", debut)

    assert page.evaluate("document.documentElement.lang") == "fr", f"{document} : <html lang> n'est pas « fr »"
    assert page.title().strip(), f"{document} : page sans <title>"
    assert page.locator("main h1, article h1").count() >= 1, f"{document} : aucun titre <h1>"
    assert not _erreurs(onglet), f"{document} : erreurs dans le navigateur :\n" + "\n".join(_erreurs(onglet))
    cassees = [i["src"] for i in images if i["largeur"] == 0]
    assert not cassees, f"{document} : images non chargées : {cassees}"
    if document.startswith("notebooks/"):
        assert any(i["cellule"] for i in images), f"{document} : aucune figure produite par une cellule de code"
    if onglet.externes:
        print(f"{document} : ressources externes non chargées pendant le test : {sorted(set(onglet.externes))}")
    if document in CAPTURES:
        nom = document.replace("/", "_") + ".png"
        page.screenshot(path=str(dossier_artefacts("livre") / nom), full_page=False)


def test_lien_de_glossaire_mene_au_terme(site: str, onglet: Onglet) -> None:
    page = onglet.page
    page.goto(site + "book/01-contexte/index.html")
    lien = page.locator("a.reference.internal:has(span.std-term):visible").first
    assert lien.count() == 1, "aucun lien {term} visible dans le chapitre 1"
    lien.click()
    page.wait_for_load_state("load")
    assert "annexes/glossaire.html#term-" in page.url, page.url
    ancre = page.url.split("#", 1)[1]
    assert page.locator(f"[id='{ancre}']").count() == 1, f"le terme visé (#{ancre}) n'existe pas dans le glossaire"
    assert page.locator(f"[id='{ancre}']").is_visible()


@pytest.mark.parametrize("mot", ["agrégateur", "agregateur"])
def test_recherche_avec_et_sans_accent(mot: str, site: str, onglet: Onglet) -> None:
    page = onglet.page
    page.goto(site + "search.html?q=" + mot)
    # Le résumé (« … page(s) trouvée(s) ») n'apparaît qu'une fois la recherche terminée.
    page.wait_for_selector("#search-results .search-summary", timeout=20_000)
    liens = page.locator("#search-results ul.search li a").evaluate_all("l => l.map(a => a.getAttribute('href'))")
    assert any("annexes/glossaire" in (lien or "") for lien in liens), (
        f"la recherche de « {mot} » ne propose pas le glossaire ; résultats : {liens[:15]}")
    if mot == "agregateur":
        page.screenshot(path=str(dossier_artefacts("livre") / "recherche_agregateur.png"))


def test_boite_de_recherche_en_francais(site: str, onglet: Onglet) -> None:
    page = onglet.page
    page.goto(site + "book/index.html")
    textes = page.locator("input[name='q']").evaluate_all("l => l.map(i => i.placeholder + ' ' + (i.ariaLabel || ''))")
    assert textes, "aucune boîte de recherche"
    for texte in textes:
        assert "Search" not in texte and "Rechercher" in texte, f"boîte de recherche pas en français : {texte!r}"


def test_corrige_d_exercice_s_ouvre_au_clic(site: str, onglet: Onglet) -> None:
    page = onglet.page
    page.goto(site + "book/02-objectif/index.html")
    corrige = page.locator(".solution.dropdown").first
    assert corrige.count() == 1, "aucun corrigé repliable dans le chapitre 2"
    contenu = corrige.locator("section, p:not(.admonition-title)").first
    page.wait_for_selector(".solution.dropdown button.toggle-button", timeout=10_000)
    assert not contenu.is_visible(), "le corrigé est visible avant le clic"
    corrige.locator("button.toggle-button").first.click()
    contenu.wait_for(state="visible", timeout=5_000)
    corrige.scroll_into_view_if_needed()
    corrige.screenshot(path=str(dossier_artefacts("livre") / "corrige_ouvert.png"))
