"""Figures du guide (annexe 4) et des chapitres 1, 2, 5, 7 : données, dessin, alt, directive.

Chaque figure se dessine depuis ``referentiel/figures_guide.yml`` : ses textes sont ceux des
données, aucun ne sort du cadre ni n'en chevauche un autre (mesuré avec le moteur de rendu),
le plus petit reste lisible réduit à 390 pixels. Le référentiel est contrôlé à chaque
chargement. La directive ``{figure-guide}`` est essayée dans un petit livre Sphinx.
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from clusterlib import referentiel
from clusterlib.graphiques import guide
from clusterlib.presentation.format_fr import typographie

RACINE = Path(__file__).resolve().parent.parent
FIGURES = referentiel.figures_guide()["figures"]
CLES = [f["cle"] for f in FIGURES]


def _textes_des_donnees(donnees: object) -> list[str]:
    """Toutes les chaînes des données d'une figure, sauf les codes (identifiants sans espace)."""
    if isinstance(donnees, str):
        return [donnees]
    if isinstance(donnees, dict):
        return [t for cle, v in donnees.items() if cle not in {"code", "de", "vers", "famille", "rangees"}
                for t in _textes_des_donnees(v)]
    if isinstance(donnees, list):
        return [t for v in donnees for t in _textes_des_donnees(v)]
    return []


def _textes_de_la_figure(figure: Figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _a_plat(texte: str) -> str:
    return " ".join(texte.replace("\n", " ").split())


@pytest.fixture(scope="module")
def dessins() -> dict[str, Figure]:
    figures = {cle: guide.dessiner(cle) for cle in CLES}
    for figure in figures.values():
        figure.canvas.draw()
    return figures


def test_referentiel_conforme() -> None:
    assert referentiel.verifier("figures_guide.yml") == []
    assert set(CLES) == {"carte_valuelinks_riz", "schema_pole_case", "frise_clusters_benin",
                         "utilisateurs_guide", "dispositif_animation", "phases_autonomie"}
    assert [f["numero"] for f in FIGURES if f["origine"] == "guide"] == [1, 2]


@pytest.mark.parametrize("modifier, attendu", [
    (lambda d: d["figures"][0]["donnees"]["maillons"][0].update(acteures=["x"]), "acteures"),
    (lambda d: d["figures"][2].update(legnde="x"), "legnde"),
    (lambda d: d["figures"][4]["donnees"]["acteurs"][0].update(famille="apui"), "apui"),
    (lambda d: d["figures"][1].pop("numero"), "numero"),
    (lambda d: d["figures"][5]["donnees"]["phases"][0].update(nom=3), "mauvais type"),
])
def test_faute_de_frappe_echoue_au_chargement(modifier, attendu: str) -> None:
    contenu = copy.deepcopy(referentiel.lire("figures_guide.yml"))
    modifier(contenu)
    with pytest.raises(ValueError, match=re.escape(attendu)):
        referentiel.figures_guide(contenu)
    cle = contenu["figures"][0]["cle"]
    with pytest.raises(ValueError):
        guide.dessiner(cle, contenu)


@pytest.mark.parametrize("cle", CLES)
def test_textes_viennent_des_donnees(cle: str, dessins: dict[str, Figure]) -> None:
    figure = dessins[cle]
    assert isinstance(figure, Figure)
    dessines = _a_plat(" | ".join(t.get_text() for t in _textes_de_la_figure(figure)))
    donnees = referentiel.figure_guide(cle)["donnees"]
    for texte in _textes_des_donnees(donnees):
        if cle == "dispositif_animation" and texte in donnees["etapes"]:
            continue  # numérotées « 1. … » : vérifiées ci-dessous
        assert _a_plat(typographie(texte)).lower() in dessines.lower(), (cle, texte)
    if cle == "dispositif_animation":
        for i, etape in enumerate(donnees["etapes"], 1):
            assert _a_plat(f"{i}. {typographie(etape)}") in dessines


def test_apostrophes_typographiques_dans_les_dessins(dessins: dict[str, Figure]) -> None:
    for cle, figure in dessins.items():
        textes = " ".join(t.get_text() for t in _textes_de_la_figure(figure))
        assert "'" not in textes, cle
        assert "’" in textes or cle in {"frise_clusters_benin"}, cle


def test_une_donnee_changee_change_le_dessin() -> None:
    contenu = copy.deepcopy(referentiel.lire("figures_guide.yml"))
    contenu["figures"][0]["donnees"]["maillons"][1]["libelle"] = "Usinage du paddy"
    textes = _a_plat(" ".join(t.get_text() for t in _textes_de_la_figure(guide.dessiner("carte_valuelinks_riz",
                                                                                         contenu))))
    assert "Usinage du paddy" in textes and "Transformation" not in textes.replace("Transformateurs", "")


@pytest.mark.parametrize("cle", CLES)
def test_aucun_texte_hors_cadre_ni_chevauche(cle: str, dessins: dict[str, Figure]) -> None:
    figure = dessins[cle]
    moteur = figure.canvas.get_renderer()
    cadre = figure.bbox
    boites = []
    for texte in _textes_de_la_figure(figure):
        boite = texte.get_window_extent(moteur)
        assert boite.x0 >= cadre.x0 - 0.5 and boite.x1 <= cadre.x1 + 0.5, (cle, texte.get_text())
        assert boite.y0 >= cadre.y0 - 0.5 and boite.y1 <= cadre.y1 + 0.5, (cle, texte.get_text())
        boites.append((texte.get_text(), boite))
    for i, (a, boite_a) in enumerate(boites):
        for b, boite_b in boites[i + 1:]:
            assert not boite_a.overlaps(boite_b), (cle, a, b)
    assert not any("$" in t.get_text() and t.get_parse_math() for t in _textes_de_la_figure(figure))


@pytest.mark.parametrize("cle", CLES)
def test_lisible_sur_telephone(cle: str, dessins: dict[str, Figure]) -> None:
    figure = dessins[cle]
    largeur, hauteur = figure.get_size_inches()
    assert largeur == pytest.approx(guide.LARGEUR) and hauteur > largeur  # haute et étroite
    reduction = (390 / 96) / largeur  # 390 pixels CSS à 96 pixels par pouce
    plus_petit = min(t.get_fontsize() for t in _textes_de_la_figure(figure))
    assert plus_petit * reduction >= 9


@pytest.mark.parametrize("cle", CLES)
def test_texte_alternatif_nomme_les_elements(cle: str) -> None:
    alt = guide.texte_alternatif(cle)
    donnees = referentiel.figure_guide(cle)["donnees"]
    noms: list[str] = {
        "carte_valuelinks_riz": [m["libelle"] for m in donnees.get("maillons", [])]
        + [a for m in donnees.get("maillons", []) for a in m["acteurs"]]
        + [p["libelle"] for p in donnees.get("produits", [])],
        "schema_pole_case": [*donnees.get("acteurs_directs", []), *donnees.get("fournisseurs", []),
                             *donnees.get("appuis", [])],
        "frise_clusters_benin": [j["quand"] for j in donnees.get("jalons", [])],
        "utilisateurs_guide": [u["qui"] for u in donnees.get("utilisateurs", [])],
        "dispositif_animation": [a["libelle"] for a in donnees.get("acteurs", [])],
        "phases_autonomie": [p["nom"] for p in donnees.get("phases", [])],
    }[cle]
    assert noms
    for nom in noms:
        assert nom.lower() in alt.lower(), (cle, nom)
    assert "\n" not in alt and "$" not in alt and " :" not in alt and " ;" not in alt
    assert "« " not in alt and " »" not in alt  # espaces fines dans les guillemets


def test_alt_garde_par_le_livre() -> None:
    """L'extension ``terrain`` remplace un alt qui ressemble à un chemin : jamais les nôtres."""
    sys.path.insert(0, str(RACINE / "book" / "_ext"))
    import terrain

    for cle in CLES:
        assert not terrain._ALT_CHEMIN.search(guide.texte_alternatif(cle)), cle
    assert terrain._ALT_CHEMIN.search("../images/carte.png") and terrain._ALT_CHEMIN.search("_build/x/carte")


def test_chaque_figure_placee_dans_sa_page() -> None:
    for figure in FIGURES:
        page = (RACINE / f"{figure['page']}.md").read_text(encoding="utf-8")
        assert re.search(rf"```{{figure-guide}} {figure['cle']}\s*\n", page), figure["page"]
        assert f"{{numref}}`{figure['etiquette']}`" in page, figure["etiquette"]
    pages = {f["page"] for f in FIGURES}
    assert {"book/01-contexte/index", "book/02-objectif/index", "book/05-animation/index",
            "book/07-autonomie/index", "book/annexes/cartographie"} <= pages


def test_numerotation_des_figures() -> None:
    sys.path.insert(0, str(RACINE / "book" / "_ext"))
    import numeros_guide

    prefixes = referentiel.lire("tableaux_guide.yml")["prefixes"]
    ref = referentiel.figures_guide()
    ordre = [("book/01-contexte/index", "fig-frise-clusters"), ("book/03-enjeux/index", "fig-schema-membres"),
             ("book/annexes/cartographie", "fig-guide-valuelinks-riz"),
             ("book/annexes/cartographie", "fig-guide-pole-case"), ("book/annexes/cartographie", "fig-carte-case")]
    numeros = numeros_guide.renumeroter_figures(ordre, ref, prefixes)
    assert numeros[("book/01-contexte/index", "fig-frise-clusters")] == ("L", 1)
    assert numeros[("book/03-enjeux/index", "fig-schema-membres")] == ("L", 2)
    assert numeros[("book/annexes/cartographie", "fig-guide-valuelinks-riz")] == ("G", 1)
    assert numeros[("book/annexes/cartographie", "fig-guide-pole-case")] == ("G", 2)
    assert numeros[("book/annexes/cartographie", "fig-carte-case")] == ("A", 1)


def test_directive_produit_une_image_numerotee(tmp_path: Path) -> None:
    """Un petit livre Sphinx avec deux pages : la directive écrit le PNG et insère la figure."""
    sphinx_app = pytest.importorskip("sphinx.application")
    pytest.importorskip("myst_parser")
    source = tmp_path / "source"
    for page, cles in (("book/02-objectif/index", ["utilisateurs_guide"]),
                       ("book/annexes/cartographie", ["carte_valuelinks_riz", "schema_pole_case"])):
        fichier = source / f"{page}.md"
        fichier.parent.mkdir(parents=True)
        texte = "# Page\n\n"
        for cle in cles:
            etiquette = referentiel.figure_guide(cle)["etiquette"]
            texte += f"Voir la {{numref}}`{etiquette}`.\n\n```{{figure-guide}} {cle}\n```\n\n"
        fichier.write_text(texte, encoding="utf-8")
    sommaire = "# Essai\n\n```{toctree}\nbook/02-objectif/index\nbook/annexes/cartographie\n```\n"
    (source / "index.md").write_text(sommaire, encoding="utf-8")
    (source / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(RACINE / 'book' / '_ext')!r})\n"
        "extensions = ['myst_parser', 'figures_guide', 'numeros_guide']\n"
        "numfig = True\nlanguage = 'fr'\nnumfig_format = {'figure': 'Figure %s'}\n", encoding="utf-8")
    app = sphinx_app.Sphinx(str(source), str(source), str(tmp_path / "html"), str(tmp_path / "doctrees"), "html",
                            status=None, warning=None, freshenv=True, warningiserror=True)
    app.build()
    for cle, page, numero in (("utilisateurs_guide", "book/02-objectif/index", "L.1"),
                              ("carte_valuelinks_riz", "book/annexes/cartographie", "G.1")):
        assert (source / "_build" / "figures_guide" / f"{cle}.png").stat().st_size > 10_000
        html = (tmp_path / "html" / f"{page}.html").read_text(encoding="utf-8")
        image = re.search(r'<img[^>]*src="[^"]*_images/' + cle + r'\.png"[^>]*>', html)
        assert image, cle
        alt = re.search(r'alt="([^"]*)"', image.group(0)).group(1)
        premier = referentiel.figure_guide(cle)["donnees"]
        nom = premier["utilisateurs"][0]["qui"] if "utilisateurs" in premier else premier["maillons"][0]["libelle"]
        assert nom in alt
        assert f"Figure {numero}" in html, (cle, numero)


def test_livre_construit_figures_numerotees() -> None:
    """Si le livre a été construit : chaque figure est dans sa page, avec son image et son numéro."""
    html = RACINE / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.skip("livre non construit (jupyter-book build .)")
    for figure in FIGURES:
        page = (html / f"{figure['page']}.html").read_text(encoding="utf-8")
        assert f"_images/{figure['cle']}.png" in page, figure["cle"]
        bloc = re.search(rf'id="{re.escape(figure["etiquette"])}".*?<span class="caption-number">Figure ([^ <]+)',
                         page, re.S)
        assert bloc, figure["etiquette"]
        if figure["origine"] == "guide":
            assert bloc.group(1) == f"G.{figure['numero']}"
        else:
            assert re.fullmatch(r"[A-Z]\.[0-9]+", bloc.group(1)), bloc.group(1)
    for page in html.rglob("*.html"):
        assert not re.search(r'<span class="caption-number">Figure [0-9]', page.read_text(encoding="utf-8")), page
