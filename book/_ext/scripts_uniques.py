"""Retire des pages HTML les scripts en ligne ajoutés deux fois.

sphinx-thebe (chargé par Jupyter Book) enregistre sa configuration en ligne
(``const THEBE_JS_URL = …``) une fois de trop : le navigateur signale alors l'erreur
« Identifier 'THEBE_JS_URL' has already been declared » sur chaque page. On garde la
première occurrence de chaque script identique (même fichier, même contenu).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def _dedoublonner(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    vus: set[tuple[str, str]] = set()
    uniques = []
    for script in scripts:
        cle = (str(getattr(script, "filename", script) or ""), str(getattr(script, "attributes", {}).get("body", "")))
        if cle in vus:
            continue
        vus.add(cle)
        uniques.append(script)
    context["script_files"] = uniques


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", _dedoublonner, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
