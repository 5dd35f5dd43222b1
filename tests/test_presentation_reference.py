"""La référence de l'API écrite depuis le code (page « Référence de clusterlib » du livre)."""

from __future__ import annotations

from clusterlib.presentation import reference


def _exemple(a, b=1, *reste, c, **options):
    """Première phrase, avec :func:`clusterlib.load` et une | barre.

    Second paragraphe, absent du tableau.
    """


def test_forme_appel_et_premiere_phrase() -> None:
    assert reference.forme_appel("f", _exemple) == "`f(a, b=…, *reste, c, **options)`"
    assert reference.premiere_phrase(_exemple) == "Première phrase, avec `load` et une \\| barre."
    assert reference.forme_appel("n", 3) == "`n`"


def test_nature() -> None:
    assert reference.nature(ValueError) == "exception"
    assert reference.nature(dict) == "classe"
    assert reference.nature(_exemple) == "fonction"
    assert reference.nature(reference) == "module"
    assert reference.nature(2.5) == "constante (float)"


def test_tous_les_modules_et_tableaux() -> None:
    modules = reference.tous_les_modules({"clusterlib.cli"})
    assert modules[0] == "clusterlib" and "clusterlib.presentation.reference" in modules
    assert "clusterlib.cli" not in modules
    bloc = reference.tableau_module("clusterlib.presentation.reference")
    assert bloc.startswith("**`clusterlib.presentation.reference`** — La référence de clusterlib")
    assert "| `tableau_module(nom_module)` | fonction | Le bloc Markdown d'un module" in bloc
    groupe = reference.tableau_groupe(["clusterlib.presentation.reference"],
                                      {"clusterlib.presentation.reference": ["clusterlib.presentation.affichage"]})
    assert groupe.count("**`clusterlib.presentation.") == 2
