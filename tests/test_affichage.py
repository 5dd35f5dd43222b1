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


def test_formateurs_de_nombres_et_de_textes() -> None:
    from clusterlib.presentation.affichage import ecart, nombre_court, part, texte_brut, valeur_comparaison

    assert nombre_court(1.75) == "1,75" and nombre_court(2.0) == "2"
    assert ecart(0.25) == "+0,25" and ecart(-0.5) == "-0,50" and ecart(float("nan")) == "—"
    assert part(0.257) == "26\u202f%" and part(None) == "—"
    assert texte_brut("<b>*x*_y</b>") == "&lt;b&gt;&#42;x&#42;&#95;y&lt;/b&gt;"
    assert valeur_comparaison("reseau/taux_respect", 0.5) == "50,0\u202f%"
    assert valeur_comparaison("economie/valeur_ajoutee_totale", 2_500_000) == "2,5\u202fM\u202fFCFA"
    assert valeur_comparaison("scores/global", 2.456) == "2,46"
    assert valeur_comparaison("scores/global", float("nan")) == "—"


def test_image_png_legere_plus_petite() -> None:
    figure, ax = plt.subplots()
    ax.plot(range(50), [i * i for i in range(50)])
    normale = image_png(figure).data
    figure, ax = plt.subplots()
    ax.plot(range(50), [i * i for i in range(50)])
    legere = image_png(figure, leger=True).data
    assert legere[:4] == b"\x89PNG" and len(legere) < len(normale)


def test_montrer_depuis_le_fichier_enregistre(tmp_path: Path) -> None:
    figure, ax = plt.subplots(figsize=(4, 3))
    ax.plot([1, 2], [3, 4])
    montrer(figure, "essai", tmp_path, dpi=150, depuis_fichier=True, afficher=False)
    assert (tmp_path / "essai.png").exists() and not plt.fignum_exists(figure.number)
    import pytest

    with pytest.raises(ValueError, match="nom de fichier manquant"):
        montrer(plt.subplots()[0], None, tmp_path)


def test_cellule_md_garde_les_espaces_insecables() -> None:
    from clusterlib.presentation.affichage import cellule_md

    assert cellule_md("61 acteurs (100\u202f%)\n  forment\tun réseau") == "61 acteurs (100\u202f%) forment un réseau"
    assert cellule_md("1\u00a0000 <b>") == "1\u00a0000 &lt;b&gt;"


def test_image_png_texte_alternatif() -> None:
    figure, _ = plt.subplots()
    from clusterlib.presentation.format_fr import typographie

    _, meta = image_png(figure, description="Schéma : dix actions")._repr_png_()
    assert meta["alt"] == typographie("Schéma : dix actions") != "Schéma : dix actions"
    _, meta = image_png(plt.subplots()[0])._repr_png_()
    assert "alt" not in meta


def test_tableau_sans_index_ne_reformate_rien() -> None:
    import pandas as pd

    from clusterlib.presentation.affichage import tableau_sans_index

    html = tableau_sans_index(pd.DataFrame({"annee": [2025], "code": ["T01"]}, index=[7])).to_html()
    assert ">2025<" in html and ">T01<" in html and ">7<" not in html


def test_montrer_table_format_affiche_colonnes_et_exemple(monkeypatch) -> None:
    import IPython.display

    from clusterlib import referentiel
    from clusterlib.presentation import affichage

    affiches = []
    monkeypatch.setattr(IPython.display, "display", affiches.append)
    affichage.montrer_table_format("acteurs")
    tableaux = [a for a in affiches if hasattr(a, "to_html")]
    assert len(tableaux) == 2
    assert tableaux[0].data.equals(referentiel.description_colonnes("acteurs"))
    assert tableaux[1].data.equals(referentiel.exemple_table("acteurs"))
    from IPython.display import Markdown

    from clusterlib.presentation.format_fr import typographie

    assert [a.data for a in affiches if isinstance(a, Markdown)] == [typographie("Exemple de ligne :")]
    affiches.clear()
    affichage.montrer_table_format("cluster")
    assert len(affiches) == 1
