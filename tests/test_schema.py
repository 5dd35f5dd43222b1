"""Le schéma des actions d'animation (chapitre 6 du livre), dessiné par clusterlib.graphiques.schema."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from clusterlib.graphiques.schema import description_actions_animation, schema_actions_animation

FAMILLES = [
    ("Relier les acteurs", ["Mise en relation", "Médiation"]),
    ("Former", ["Formations à 5 $ la séance"]),
    ("Outiller", ["Matériel", "Visibilité", "Financements"]),
]


def test_schema_actions_numerote_chaque_action_sous_sa_famille() -> None:
    figure = schema_actions_animation(FAMILLES)
    textes = [t.get_text() for t in figure.axes[0].texts]
    assert textes[0] == "Le coach anime le cluster"
    assert {"Relier les\nacteurs", "Former", "Outiller"} <= set(textes)
    numeros = [int(t.split("\n")[0]) for t in textes if t.split("\n")[0].isdigit()]
    assert numeros == list(range(1, 7))
    assert "3\nFormations à 5 $ la\nséance" in textes  # le « $ » reste un caractère, pas une formule
    assert all(not t.get_parse_math() for t in figure.axes[0].texts)
    figure.canvas.draw()  # un « $ » isolé ne fait pas échouer le rendu
    plt.close(figure)


def test_description_actions_animation() -> None:
    texte = description_actions_animation(FAMILLES)
    assert "3 familles d'actions en colonnes, 6 actions numérotées en tout" in texte
    assert "Relier les acteurs (actions 1 et 2) : Mise en relation ; Médiation" in texte
    assert "Former (action 3)" in texte and "Outiller (actions 4 à 6)" in texte


def test_schema_actions_refuse_trop_de_familles() -> None:
    with pytest.raises(ValueError, match="de 1 à 4 familles"):
        schema_actions_animation([(f"F{i}", ["a"]) for i in range(5)])
    with pytest.raises(ValueError, match="au moins une action"):
        description_actions_animation([("Vide", [])])
