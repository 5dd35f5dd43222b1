"""Petites corrections des pages HTML du livre, relevées par les tests dans Chromium et axe-core.

- Scripts en double : sphinx-thebe (chargé par Jupyter Book) enregistre deux fois sa
  configuration en ligne (``const THEBE_JS_URL = …``) ; le navigateur signale alors l'erreur
  « Identifier 'THEBE_JS_URL' has already been declared » sur chaque page. On ne garde que la
  première occurrence de chaque script identique.
- Accessibilité : les flèches qui déplient les sous-sections du menu (``<summary>`` sans
  texte) reçoivent un nom lu par les lecteurs d'écran ; les entrées de la bibliographie,
  dans une liste ``role="list"``, reçoivent le rôle ``listitem`` attendu ; les liens sont un
  peu plus foncés en mode clair pour rester lisibles sur le fond des encadrés.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from outils_livre import servir_statique
from sphinx.application import Sphinx

_SCRIPT = """document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("details > summary").forEach((resume) => {
    if (resume.textContent.trim() || resume.hasAttribute("aria-label")) return;
    const lien = resume.parentElement.previousElementSibling;
    const titre = lien && lien.textContent.trim();
    resume.setAttribute("aria-label", titre ? "Sous-sections : " + titre : "Afficher les sous-sections");
  });
  document.querySelectorAll(".citation-list[role=list] > .citation").forEach((entree) => {
    entree.setAttribute("role", "listitem");
  });
});"""


def _dedoublonner(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    vus: set[tuple[str, str]] = set()
    uniques = []
    for script in scripts:
        cle = (str(getattr(script, "filename", script) or ""), str(getattr(script, "attributes", {}).get("body", "")))
        if cle not in vus:
            vus.add(cle)
            uniques.append(script)
    context["script_files"] = uniques


def setup(app: Sphinx) -> dict[str, Any]:
    servir_statique(app, Path(__file__).parent / "corrections_html_static", "corrections-html.css")
    app.connect("html-page-context", _dedoublonner, priority=900)
    app.add_js_file(None, body=_SCRIPT)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
