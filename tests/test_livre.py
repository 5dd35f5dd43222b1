"""Le livre : la directive des fiches synthèse, les schémas du chapitre 3 et la construction complète.

Les tests rapides vérifient la lecture des fiches (messages en français) et les figures. La
construction complète (et la lecture du livre dans Chromium) est dans ``tests/e2e/``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE / "book" / "_ext"))

import fiche_synthese  # noqa: E402


def _ecrire(dossier: Path, contenu: object) -> Path:
    chemin = dossier / "fiche.yml"
    chemin.write_text(contenu if isinstance(contenu, str) else yaml.safe_dump(contenu, allow_unicode=True),
                      encoding="utf-8")
    return chemin


# --- Directive fiche-synthese ----------------------------------------------------------------


def test_fiche_valide_lue(tmp_path: Path) -> None:
    chemin = _ecrire(tmp_path, {"titre": "Sélection", "quoi": "Choisir", "comment": ["a", "b"],
                                "tableau_guide": 2})
    fiche = fiche_synthese.lire_fiche(chemin)
    assert fiche["titre"] == "Sélection"
    assert fiche["comment"] == ["a", "b"]


@pytest.mark.parametrize(
    ("contenu", "attendu"),
    [
        ({"quoi": "x"}, "« titre »"),
        ({"titre": "T", "qui": [1, 2]}, "« qui » doit être un texte ou une liste de textes"),
        ({"titre": "T", "tableau_guide": [2]}, "« tableau_guide » doit être un numéro"),
        ("- une\n- liste\n", "attendu un dictionnaire"),
        ("titre: [non fermé\n", "YAML illisible"),
    ],
)
def test_fiche_invalide_message_francais(tmp_path: Path, contenu: object, attendu: str) -> None:
    chemin = _ecrire(tmp_path, contenu)
    with pytest.raises(fiche_synthese.ErreurFiche, match=re.escape(attendu)):
        fiche_synthese.lire_fiche(chemin)


def test_fiche_absente(tmp_path: Path) -> None:
    with pytest.raises(fiche_synthese.ErreurFiche, match="introuvable"):
        fiche_synthese.lire_fiche(tmp_path / "absente.yml")


def test_markdown_des_rubriques() -> None:
    assert fiche_synthese._markdown("Un texte.\n") == ["Un texte."]
    assert fiche_synthese._markdown(["un", "deux\nsuite"]) == ["- un", "- deux", "  suite"]


def test_fiches_du_livre_toutes_valides() -> None:
    fiches = sorted((RACINE / "book" / "fiches").glob("*.yml"))
    assert fiches, "aucune fiche dans book/fiches"
    for chemin in fiches:
        fiche = fiche_synthese.lire_fiche(chemin)
        inconnues = set(fiche) - fiche_synthese.CLES_AUTORISEES
        assert not inconnues, f"{chemin.name} : clés inconnues {inconnues}"


# --- Schémas du chapitre 3 -------------------------------------------------------------------


def test_schemas_dessines_en_francais() -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from clusterlib.graphiques import schema

    for fabrique, attendus in [
        (schema.schema_membres, {"Territoire du cluster", "Marchés\n(acheteurs\nfinaux)"}),
        (schema.schema_contours, {"MARCHÉ", "Tissu de relations d'intérêts mutuels"}),
    ]:
        figure = fabrique()
        textes = {t.get_text() for ax in figure.axes for t in ax.texts}
        assert attendus <= textes
        plt.close(figure)


# La construction complète du livre (lente, cache vide, ``-W -n --keep-going``) est faite une seule
# fois par session par la fixture ``livre`` de tests/e2e/conftest.py, et vérifiée par
# tests/e2e/test_livre_navigateur.py::test_livre_construit_sans_avertissement.
