"""Texte saisi = texte : jamais du balisage dans le HTML, une formule dans un tableur ni du mathtext.

Reproduction de l'issue 14 (« Reports run injected script ») : un jeu d'exemple copié reçoit du
balisage, des liens ``javascript:``, du mathtext et des formules dans ses champs texte ; le
rapport produit n'a aucun balisage vivant, porte sa politique de sécurité (CSP), dessine ses
figures, et les tableurs écrits n'ont aucune formule.
"""

from __future__ import annotations

import csv
import html
import io
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

import clusterlib
from clusterlib import cli
from clusterlib.analyses import planification, qqrp, reseau
from clusterlib.collecte.modeles_excel import ecrire_modele, lire_jeu_texte, texte_csv
from clusterlib.donnees.echantillons import chemin as echantillon
from clusterlib.fichiers import neutraliser_cellule, neutraliser_tableau, proteger_classeur, retirer_neutralisation
from clusterlib.graphiques import comptes as graphiques_comptes
from clusterlib.graphiques import notation as graphiques_notation
from clusterlib.graphiques import plan as graphiques_plan
from clusterlib.graphiques import qqrp as graphiques_qqrp
from clusterlib.graphiques.carte import dessiner_carte
from clusterlib.presentation import planification as textes_planification
from clusterlib.presentation.echappement import CSP_RAPPORT, echapper_html, echapper_markdown
from clusterlib.presentation.format_fr import tableau_fr
from clusterlib.sorties import documents

PIEGES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[lien](javascript:alert(1))",
    "$\\\\alpha$ $x^$",
    "=1+1",
    "@SUM(A1)",
    "-2+3",
]
FORMULES = ("=1+1", "@SUM(A1)", "-2+3")


class Balises(HTMLParser):
    """Ce qu'un navigateur exécuterait : balises script, attributs on*, liens javascript:."""

    def __init__(self) -> None:
        super().__init__()
        self.balises: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.evenements: list[tuple[str, str]] = []
        self.liens_js: list[tuple[str, str]] = []
        self.metas: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.balises.append(tag)
        if tag == "script":
            self.scripts.append(dict(attrs))
        if tag == "meta":
            self.metas.append(dict(attrs))
        for nom, valeur in attrs:
            if nom.lower().startswith("on"):
                self.evenements.append((tag, nom))
            if valeur and "javascript:" in "".join(valeur.split()).lower():
                self.liens_js.append((tag, nom))


def analyser(texte: str) -> Balises:
    analyse = Balises()
    analyse.feed(texte)
    analyse.close()
    return analyse


def jeu_piege(dossier: Path) -> Path:
    """Copie de riz-glazoue dont les champs texte portent les pièges de :data:`PIEGES`."""
    shutil.copytree(echantillon("riz-glazoue"), dossier)
    fiche = yaml.safe_load((dossier / "cluster.yml").read_text(encoding="utf-8"))
    fiche["nom"] = "Riz " + " ".join(PIEGES[:5])
    fiche["filiere"] = PIEGES[1]
    fiche["produits_finis"][0] = "=1+1"
    fiche["marches"][0]["nom"] = "<svg onload=alert(1)> $\\\\alpha$ marché"
    fiche["territoire"]["communes"][0] = "@SUM(A1)"
    fiche["coachs"][0]["nom"] = "-2+3 <b>coach</b>"
    fiche["structure_promotion"] = PIEGES[3]
    (dossier / "cluster.yml").write_text(yaml.safe_dump(fiche, allow_unicode=True, sort_keys=False),
                                         encoding="utf-8")

    def changer(table: str, modifier) -> None:
        cadre = pd.read_csv(dossier / f"{table}.csv", dtype="str", keep_default_na=False)
        modifier(cadre)
        (dossier / f"{table}.csv").write_text(cadre.to_csv(index=False), encoding="utf-8")

    def acteurs(a: pd.DataFrame) -> None:
        for k, piege in enumerate(PIEGES):
            a.loc[k, "nom"] = f"{piege} acteur {k}"
        a.loc[len(PIEGES), "commune"] = PIEGES[2]

    def performances(p: pd.DataFrame) -> None:
        p["marche"] = p["marche"].replace(p.loc[0, "marche"], fiche["marches"][0]["nom"])
        p.loc[p.index[-1], "unite"] = "<b>t</b>"

    def ffom(f: pd.DataFrame) -> None:
        f.loc[0, "description"] = " ".join(PIEGES)
        f.loc[1, "description"] = "-2+3"

    def comptes(c: pd.DataFrame) -> None:
        c.loc[0, "poste"] = PIEGES[1] + " $\\\\alpha$"
        c.loc[0, "unite"] = PIEGES[2]

    def plan(p: pd.DataFrame) -> None:
        p.loc[0, "action"] = PIEGES[0] + " $x^$"
        p.loc[0, "responsable"] = "=1+1"
        p.loc[1, "indicateur"] = "@SUM(A1) $\\\\alpha$"

    changer("acteurs", acteurs)
    changer("performances", performances)
    changer("ffom", ffom)
    changer("comptes", comptes)
    changer("plan_actions", plan)
    return dossier


def formules_xlsx(chemin: Path) -> list[str]:
    """Les cellules formules d'un classeur (feuille!cellule = valeur)."""
    classeur = openpyxl.load_workbook(chemin)
    return [f"{f.title}!{c.coordinate} = {c.value}" for f in classeur.worksheets for ligne in f.iter_rows()
            for c in ligne if c.data_type == "f"]


# --- Échappement HTML et Markdown -------------------------------------------------------------


@given(st.text())
def test_echapper_html_ne_laisse_que_du_texte(texte: str) -> None:
    analyse = analyser(f'<p title="{echapper_html(texte)}">{echapper_html(texte)}</p>')
    assert analyse.balises == ["p"] and not analyse.evenements


@pytest.mark.parametrize("piege", PIEGES)
def test_echapper_html_des_pieges(piege: str) -> None:
    analyse = analyser(f"<td>{echapper_html(piege)}</td>")
    assert analyse.balises == ["td"] and not analyse.scripts and not analyse.evenements


@given(st.text(alphabet=st.sampled_from(list("<>[]()*_`$#!-+=:/&\"' \nabjs1.\\"))) | st.sampled_from(PIEGES))
def test_echapper_markdown_ne_donne_ni_html_ni_lien(texte: str) -> None:
    # Pire cas : le rendu Markdown de nbconvert qui laisse passer le HTML brut.
    rendu = markdown2html_mistune("- " + echapper_markdown(texte))
    analyse = analyser(rendu)
    assert set(analyse.balises) <= {"ul", "li", "p", "br", "pre", "code"}, rendu
    assert not analyse.evenements and not analyse.liens_js


@pytest.mark.parametrize("piege", PIEGES)
def test_echapper_markdown_garde_le_texte(piege: str) -> None:
    rendu = markdown2html_mistune(echapper_markdown(piege))
    assert analyser(rendu).balises == ["p"]
    assert html.unescape(rendu.strip().removeprefix("<p>").removesuffix("</p>")) == piege


def test_tableaux_styles_echappes() -> None:
    cadre = pd.DataFrame({"Nom <i>": PIEGES, "Montant": range(len(PIEGES))})
    styles = (textes_planification.style_tableau(cadre), tableau_fr(cadre, fcfa_colonnes=["Montant"], aligner=True))
    for style in styles:
        analyse = analyser(style.to_html())
        assert not analyse.scripts and not analyse.evenements and "img" not in analyse.balises
        assert "svg" not in analyse.balises and "i" not in analyse.balises
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in style.to_html()


def test_carte_de_chaleur_html_echappee() -> None:
    tableau = pd.DataFrame({"nom": PIEGES[:3], "global": [2.5, None, 3.0],
                            **{f"axe_{a}": [2.0, 3.0, 1.5] for a in range(1, 7)}})
    analyse = analyser(graphiques_notation.carte_chaleur_html(tableau))
    assert not analyse.scripts and not analyse.evenements and "img" not in analyse.balises


# --- Tableurs : CSV et XLSX -------------------------------------------------------------------


@given(st.text())
def test_neutralisation_aller_retour(texte: str) -> None:
    ecrit = neutraliser_cellule(texte)
    assert retirer_neutralisation(ecrit) == texte
    if texte[:1] in ("=", "+", "-", "@", "\t", "\r") and ecrit == texte:  # non préfixé : un nombre
        float(texte.replace(",", "."))


@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_nombres_restent_des_nombres(valeur: float) -> None:
    assert neutraliser_cellule(valeur) == valeur
    assert neutraliser_cellule(str(valeur)) == str(valeur)  # « -2 », « -2.5 », « 1e-05 » en texte


@pytest.mark.parametrize(("valeur", "attendu"), [
    ("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("-2+3", "'-2+3"), ("+229 97 00 00 00", "'+229 97 00 00 00"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("-2", "-2"), ("-2,5", "-2,5"), ("Coopérative", "Coopérative"),
    ("'=1", "''=1"), ("'abc", "'abc"),
])
def test_neutralisation_owasp(valeur: str, attendu: str) -> None:
    assert neutraliser_cellule(valeur) == attendu


def test_csv_ecrit_neutralise_et_se_relit(tmp_path: Path) -> None:
    cadre = pd.DataFrame({"nom": [*FORMULES, "'=1", "ordinaire"], "volume": [-2.5, 3, -1, 0, 7]})
    texte = texte_csv(cadre)
    cellules = [ligne[0] for ligne in csv.reader(io.StringIO(texte))][1:]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cellules)
    assert "-2.5" in texte  # un nombre négatif reste un nombre
    assert list(neutraliser_tableau(cadre)["volume"]) == list(cadre["volume"])
    # Aller-retour par la lecture des jeux : valeurs d'origine.
    copie = jeu_piege(tmp_path / "piege")
    jeu = lire_jeu_texte(copie)
    from clusterlib.collecte.modeles_excel import ecrire_dossier

    ecrire_dossier(jeu, tmp_path / "reecrit")
    assert "'=1+1" in (tmp_path / "reecrit" / "plan_actions.csv").read_text(encoding="utf-8")
    avant, apres = clusterlib.load(copie), clusterlib.load(tmp_path / "reecrit")
    for table in ("acteurs", "plan_actions", "ffom", "comptes"):
        pd.testing.assert_frame_equal(getattr(avant, table), getattr(apres, table))


def test_classeurs_sans_formule(tmp_path: Path) -> None:
    cluster = clusterlib.load(jeu_piege(tmp_path / "piege"))
    ecrits = [
        documents.dossier_atelier(cluster, tmp_path / "atelier.xlsx"),
        documents.document_suivi(cluster, tmp_path / "suivi.xlsx", date_reference="2026-02-15"),
        ecrire_modele(tmp_path / "modele.xlsx", lire_jeu_texte(tmp_path / "piege")),
    ]
    for chemin in ecrits:
        assert formules_xlsx(chemin) == [], chemin.name
    # Les valeurs sont intactes (sans apostrophe visible) et marquées comme texte.
    classeur = openpyxl.load_workbook(ecrits[2])
    cellules = [c for f in classeur.worksheets for ligne in f.iter_rows() for c in ligne if c.value == "=1+1"]
    assert cellules and all(c.data_type == "s" and c.quotePrefix for c in cellules)
    assert clusterlib.load(ecrits[2]).plan_actions["responsable"].iloc[0] == "=1+1"


def test_proteger_classeur_garde_les_nombres() -> None:
    classeur = openpyxl.Workbook()
    classeur.active.append(["=1+1", "@SUM(A1)", "-2+3", -2, 3.5, "texte"])
    proteger_classeur(classeur)
    cellules = list(classeur.active[1])
    assert [c.data_type for c in cellules] == ["s", "s", "s", "n", "n", "s"]
    assert [c.value for c in cellules[3:5]] == [-2, 3.5]


# --- Graphiques : pas de mathtext -------------------------------------------------------------


def test_graphiques_dessinent_le_texte_tel_quel(tmp_path: Path) -> None:
    from clusterlib.analyses import comptes, notation

    cluster = clusterlib.load(jeu_piege(tmp_path / "piege"))
    campagne = cluster.campagne
    analyse = comptes.analyser_comptes(cluster, campagne)
    avancement = planification.avancement(cluster, "2026-02-15")
    figures = [
        dessiner_carte(reseau.reseau_carte(cluster)), dessiner_carte(reseau.reseau_carte(cluster), style="case"),
        graphiques_comptes.graphique_cascade_va(analyse.par_maillon),
        graphiques_comptes.graphique_partage_va(analyse.repartition),
        graphiques_qqrp.graphique_qqrp(qqrp.qqrp_par_marche(cluster)),
        graphiques_notation.barres_indicateurs(notation.scores_indicateurs(cluster, campagne)),
        graphiques_plan.gantt(avancement, "2026-02-15"),
        graphiques_plan.indicateurs(avancement),
        graphiques_plan.budget(planification.budget_plan(cluster)),
    ]
    for figure in figures:
        figure.canvas.draw()  # mathtext lèverait ici une erreur d'analyse
        textes = [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_parse_math"))]
        assert all(not t.get_parse_math() for t in figure.findobj(lambda a: hasattr(a, "get_parse_math")))
        plt.close(figure)
        assert textes
    carte = dessiner_carte(reseau.reseau_carte(cluster))
    assert any("$x^$" in t.get_text() for t in carte.findobj(lambda a: hasattr(a, "get_parse_math")))
    plt.close(carte)


# --- Reproduction : le rapport d'un jeu piégé --------------------------------------------------


@pytest.mark.lent
def test_rapport_d_un_jeu_piege_sans_balisage_vivant(tmp_path: Path) -> None:
    jeu = jeu_piege(tmp_path / "piege")
    sortie = tmp_path / "rapports"
    assert cli.main(["report", str(jeu), "--out", str(sortie)]) == 0
    page = (sortie / "riz-glazoue" / "rapport.html").read_text(encoding="utf-8")
    analyse = analyser(page)
    assert analyse.scripts == []  # le modèle du rapport n'a aucun script
    assert analyse.evenements == [] and analyse.liens_js == []
    assert "svg" not in analyse.balises and "<b>coach</b>" not in page
    csp = [m for m in analyse.metas if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert [m["content"] for m in csp] == [CSP_RAPPORT] and "script-src 'none'" in CSP_RAPPORT
    assert page.index("Content-Security-Policy") < page.index("<style")
    # Le texte piégé est affiché, échappé, dans les tableaux 7 et 8 et les listes Markdown.
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    # Les figures se dessinent (aucune erreur mathtext) : carte, comptes, QQRP, grille, plan.
    assert analyse.balises.count("img") >= 8
    assert len(list((sortie / "riz-glazoue" / "figures").glob("*.png"))) >= 8
    # synthese.csv : le nom du cluster n'y est pas une formule ; index.html l'échappe.
    index = analyser((sortie / "index.html").read_text(encoding="utf-8"))
    assert not index.scripts and not index.evenements and not index.liens_js
    lignes = list(csv.DictReader(io.StringIO((sortie / "synthese.csv").read_text(encoding="utf-8-sig")),
                                 delimiter=";"))
    assert lignes
    for ligne in lignes:
        assert not any(v.startswith(("=", "+", "@")) for v in ligne.values())
    classeur = openpyxl.load_workbook(sortie / "synthese.xlsx")
    assert not [c for f in classeur for r in f.iter_rows() for c in r if c.data_type == "f"]


def test_export_html_sans_script_et_markdown_des_sorties_echappe() -> None:
    import nbformat

    from clusterlib.presentation.echappement import html_rapport

    nb = nbformat.v4.new_notebook()
    cellule = nbformat.v4.new_code_cell("")
    cellule.outputs = [
        nbformat.v4.new_output("display_data", {"text/markdown": "**" + " ".join(PIEGES) + "**"}),
        nbformat.v4.new_output("display_data", {"application/javascript": "alert(1)"}),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# Titre\n\n[aide](javascript:alert(1))"), cellule]
    page = html_rapport(nb, "Rapport — " + PIEGES[0])
    analyse = analyser(page)
    assert analyse.scripts == [] and analyse.evenements == [] and analyse.liens_js == []
    assert "svg" not in analyse.balises and "img" not in analyse.balises
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert any(m.get("content") == CSP_RAPPORT for m in analyse.metas)
