"""Accessibilité de chaque page du livre, mesurée par axe-core dans Chromium.

Aucune violation d'impact « serious » ou « critical » n'est admise ; les autres (« moderate »,
« minor ») sont listées dans la sortie du test et dans ``_build/artefacts/accessibilite.txt``.
Les figures des pages doivent en outre porter un texte de remplacement (``alt``) non vide.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from .conftest import Onglet, chronometrer, dossier_artefacts, pages_du_sommaire

pytestmark = pytest.mark.lent

PAGES = pages_du_sommaire()
GRAVES = {"serious", "critical"}
_MINEURES: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def axe() -> Any:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        pytest.fail("module « axe-playwright-python » absent : installez les dépendances de développement")
    return Axe()


def _resume(violation: dict[str, Any]) -> str:
    cibles = [", ".join(n.get("target", [])) for n in violation.get("nodes", [])][:5]
    return (f"[{violation['impact']}] {violation['id']} — {violation['help']} "
            f"({len(violation.get('nodes', []))} élément(s) : {'; '.join(cibles)})")


@pytest.mark.parametrize("document", PAGES)
def test_page_accessible(document: str, site: str, onglet: Onglet, axe: Any) -> None:
    page = onglet.page
    page.goto(site + document + ".html", wait_until="load")
    debut = time.perf_counter()
    resultat = axe.run(page)
    chronometrer("accessibilité (axe-core)", debut)
    violations = resultat.response["violations"]
    graves = [_resume(v) for v in violations if v.get("impact") in GRAVES]
    autres = [_resume(v) for v in violations if v.get("impact") not in GRAVES]
    if autres:
        _MINEURES[document] = autres
        print(f"\n{document} : violations mineures ou modérées :\n  " + "\n  ".join(autres))
        with (dossier_artefacts() / "accessibilite.txt").open("a", encoding="utf-8") as sortie:
            sortie.write(f"{document}\n  " + "\n  ".join(autres) + "\n")
    assert not graves, f"{document} : violations graves d'accessibilité :\n" + "\n".join(graves)

    sans_alt = page.locator("main img:not([alt]), main img[alt='']").evaluate_all(
        "l => l.filter(i => !i.closest('[aria-hidden=true]') && i.getAttribute('role') !== 'presentation')"
        ".map(i => i.getAttribute('src'))")
    assert not sans_alt, f"{document} : figures sans texte de remplacement (alt) : {sans_alt}"
