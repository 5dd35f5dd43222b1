"""Les derniers mots d'anglais de l'interface, remplacés par du français.

- Les infobulles de sphinx-book-theme que son catalogue français ne traduit pas (boutons qui
  affichent ou masquent les barres latérales) : corrigées dans la page par un court script.
- Le titre des corrigés de sphinx-exercise : son catalogue donne « Solution de Exercice 3 » ;
  on écrit « Corrigé — Exercice 3 ».
"""

from __future__ import annotations

import json
from typing import Any

from sphinx.application import Sphinx
from sphinx.locale import translators

INFOBULLES: dict[str, str] = {
    "Toggle primary sidebar": "Afficher ou masquer le sommaire",
    "Toggle secondary sidebar": "Afficher ou masquer le plan de la page",
    "Search this book...": "Rechercher dans le livre…",
}

TITRE_CORRIGE = "Corrigé —"

_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  var traductions = %s;
  ["title", "aria-label", "placeholder", "data-bs-title", "data-bs-original-title"].forEach(function (attribut) {
    document.querySelectorAll("[" + attribut + "]").forEach(function (element) {
      var valeur = element.getAttribute(attribut);
      if (traductions[valeur]) { element.setAttribute(attribut, traductions[valeur]); }
    });
  });
});
"""


def _corriger_sphinx_exercise(app: Sphinx) -> None:
    catalogue = translators.get(("general", "exercise"))
    messages = getattr(catalogue, "_catalog", None)
    if isinstance(messages, dict) and app.config.language == "fr":
        messages["Solution to"] = TITRE_CORRIGE


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_js_file(None, body=_SCRIPT % json.dumps(INFOBULLES, ensure_ascii=False))
    app.connect("builder-inited", _corriger_sphinx_exercise)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
