"""Les aides d'affichage partagées par les notebooks et les pages du livre."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from clusterlib.presentation.affichage import image_png, montrer, nom_maillon, tableau_md


def test_nom_maillon() -> None:
    assert nom_maillon("commercant") == "Commerçant"
    assert nom_maillon("ensemble") == "Ensemble du cluster"


def test_montrer_enregistre_chaque_format_et_ferme(tmp_path: Path) -> None:
    figure, ax = plt.subplots()
    ax.plot([1, 2], [3, 4])
    montrer(figure, "essai", tmp_path, formats=("png", "svg"), afficher=False)
    assert (tmp_path / "essai.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "essai.svg").read_bytes()
    assert not plt.fignum_exists(figure.number)


def test_image_png() -> None:
    figure, _ = plt.subplots()
    image = image_png(figure, largeur=300)
    assert image.data[:4] == b"\x89PNG" and image.width == 300


def test_tableau_md_garde_le_texte_des_cellules() -> None:
    md = tableau_md([["<script>alert(1)</script>", "a|b", "[lien](javascript:x)"]], ["Nom", "Valeur", "Note"]).data
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert md.count("|") == 12 and "a/b" in md  # 3 lignes de 4 barres : la barre de « a|b » est neutralisée
    assert "](javascript" not in md
