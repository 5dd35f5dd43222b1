"""Les tableaux du livre portent le numéro du guide ; les tableaux propres au livre, un préfixe.

Tests rapides : le référentiel (16 tableaux, numéros 1 à 16 une fois chacun), la renumérotation
(fonction pure de ``book/_ext/numeros_guide.py``), la présence de chaque étiquette dans sa page.
Si le livre a été construit (``_build/html``), ses légendes sont aussi vérifiées : chaque
« Tableau n » (numéro seul) est le tableau n du guide, et les 16 y sont.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from clusterlib import referentiel

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE / "book" / "_ext"))

import numeros_guide  # noqa: E402

REF = referentiel.lire("tableaux_guide.yml")


def test_referentiel_conforme_et_complet() -> None:
    assert referentiel.verifier("tableaux_guide.yml") == []
    assert sorted(t["numero"] for t in REF["tableaux"]) == list(range(1, 17))


def test_titres_du_guide_dans_le_texte_du_guide() -> None:
    guide = Path("/work/shared/seeds/000_21664644f5c5baf8.txt")
    if not guide.is_file():
        pytest.skip("texte du guide absent de cette machine")
    texte = re.sub(r"\s+", " ", guide.read_text(encoding="utf-8").replace("’", "'"))
    for t in REF["tableaux"]:
        debut = " ".join(t["titre"].split()[:6])
        assert f"Tableau {t['numero']} : {debut}" in texte, t["numero"]


@pytest.mark.parametrize("tableau", REF["tableaux"], ids=lambda t: f"tableau-{t['numero']}")
def test_etiquette_presente_dans_sa_page(tableau: dict) -> None:
    page = RACINE / f"{tableau['page']}.md"
    assert page.is_file(), tableau["page"]
    texte = page.read_text(encoding="utf-8")
    assert re.search(rf":name: {re.escape(tableau['etiquette'])}\b", texte), (tableau["page"], tableau["etiquette"])


def test_renumerotation_garde_le_numero_du_guide() -> None:
    ordre = [("book/01-contexte/index", "tab-modeles-benin"), ("book/04-accompagnement/mise-en-oeuvre",
             "fiche-suivi-evaluation"), ("book/annexes/glossaire", "tab-x"), ("book/annexes/glossaire", "tab-y"),
             ("book/formation/module-4", "tab-z"), ("book/04-accompagnement/index", "tab-demarches-modeles")]
    numeros = numeros_guide.renumeroter(ordre, REF)
    assert numeros[("book/04-accompagnement/mise-en-oeuvre", "fiche-suivi-evaluation")] == (13,)
    assert numeros[("book/04-accompagnement/index", "tab-demarches-modeles")] == (1,)
    assert numeros[("book/01-contexte/index", "tab-modeles-benin")] == ("L", 1)
    assert numeros[("book/annexes/glossaire", "tab-x")] == ("A", 1)
    assert numeros[("book/annexes/glossaire", "tab-y")] == ("A", 2)
    assert numeros[("book/formation/module-4", "tab-z")] == ("F", 1)


def test_reprise_porte_le_meme_numero() -> None:
    ref = {**REF, "tableaux": [{**REF["tableaux"][6], "reprises": [{"page": "book/supports/tableaux-vierges",
                                                                     "etiquette": "vierge-7"}]}]}
    numeros = numeros_guide.renumeroter([("book/supports/tableaux-vierges", "vierge-7"),
                                         ("book/supports/tableaux-vierges", "autre")], ref)
    assert numeros[("book/supports/tableaux-vierges", "vierge-7")] == (7,)
    assert numeros[("book/supports/tableaux-vierges", "autre")] == ("S", 1)


def test_aucun_tableau_propre_au_livre_sans_prefixe() -> None:
    ordre = [(f"book/page-{i}", f"t{i}") for i in range(20)]
    assert all(isinstance(n[0], str) for n in numeros_guide.renumeroter(ordre, REF).values())


def test_legendes_du_livre_construit() -> None:
    html = RACINE / "_build" / "html"
    if not (html / "index.html").is_file():
        pytest.skip("livre non construit (jupyter-book build .)")
    vus: dict[int, str] = {}
    for t in REF["tableaux"]:
        page = (html / f"{t['page']}.html").read_text(encoding="utf-8")
        m = re.search(rf'<table[^>]*id="{re.escape(t["etiquette"])}".*?<span class="caption-number">Tableau '
                      r'([^<\s]+)', page, re.DOTALL)
        assert m, (t["page"], t["etiquette"])
        assert m.group(1) == str(t["numero"]), (t["etiquette"], m.group(1))
        vus[t["numero"]] = t["etiquette"]
    assert sorted(vus) == list(range(1, 17))
    guide = {(t["page"], t["etiquette"]) for t in REF["tableaux"]}
    for fichier in html.rglob("*.html"):
        texte = fichier.read_text(encoding="utf-8")
        for ident, numero in re.findall(r'<table[^>]*id="([^"]+)".*?<span class="caption-number">Tableau ([^<\s]+)',
                                        texte, re.DOTALL):
            if numero.isdigit():
                page = str(fichier.relative_to(html).with_suffix(""))
                assert (page, ident) in guide, f"{page} : « Tableau {numero} » n'est pas un tableau du guide"


def _tableau_rst(etiquette: str, titre: str) -> str:
    return (f".. table:: {titre}\n   :name: {etiquette}\n\n   =====  =====\n   a      b\n   =====  =====\n"
            "   1      2\n   =====  =====\n\n")


def test_edition_latex_impose_les_numeros_du_livre(tmp_path: Path) -> None:
    """LaTeX compte ses tableaux lui-même : chaque tableau reçoit le numéro calculé pour le HTML."""
    guide = REF["tableaux"][0]
    source = tmp_path / "source"
    page = source / f"{guide['page']}.rst"
    page.parent.mkdir(parents=True)
    (source / "annexes").mkdir()
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(RACINE / 'book' / '_ext')!r})\n"
        "extensions = ['numeros_guide']\nnumfig = True\nlanguage = 'fr'\n"
        "latex_documents = [('index', 'essai.tex', 'Essai', 'Auteur', 'manual')]\n", encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (4, 4), "white").save(source / "point.png")
    (source / "index.rst").write_text(
        f"Essai\n=====\n\n.. toctree::\n\n   {guide['page']}\n   book/annexes/outil\n\n"
        + _tableau_rst("tab-propre", "Propre au livre")
        + ".. figure:: point.png\n   :name: fig-propre\n   :alt: Un point\n\n   Figure du livre\n",
        encoding="utf-8")
    page.write_text("Chapitre\n========\n\n" + _tableau_rst(guide["etiquette"], "Du guide"), encoding="utf-8")
    annexe = source / "book" / "annexes" / "outil.rst"
    annexe.parent.mkdir(parents=True, exist_ok=True)
    annexe.write_text("Annexe\n======\n\n" + _tableau_rst("tab-annexe", "En annexe"), encoding="utf-8")

    # Dans un processus à part : Sphinx, lancé deux fois dans le même processus (d'autres tests
    # construisent aussi un petit livre), avertit que ses nœuds sont déjà enregistrés.
    construction = subprocess.run([sys.executable, "-m", "sphinx", "-b", "latex", "-q", "-W", str(source),
                                   str(tmp_path / "latex")], capture_output=True, text=True, check=False)
    assert construction.returncode == 0, construction.stderr
    tex = (tmp_path / "latex" / "essai.tex").read_text(encoding="utf-8")
    ordre = [(m.group(1), tex.index(m.group(0))) for m in re.finditer(r"\\renewcommand\{\\thetable\}\{([^}]+)\}", tex)]
    # Le sommaire de l'index précède son tableau : les pages incluses viennent d'abord.
    assert [numero for numero, _ in ordre] == [str(guide["numero"]), "A.1", "L.1"]
    for (numero, position), titre in zip(ordre, ["Du guide", "En annexe", "Propre au livre"], strict=True):
        suite = tex[position:]
        assert suite.index(titre) < suite.index(r"\sphinxattableend"), f"{numero} : légende hors de son tableau"
    figure = re.search(r"\\renewcommand\{\\thefigure\}\{([^}]+)\}", tex)
    assert figure and figure.group(1) == "L.1"
    assert tex.index("Figure du livre") > figure.start()
