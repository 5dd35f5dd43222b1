"""Tests des documents imprimables (Word et Excel) de l'atelier, du planning et du suivi."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import creer_cluster

import clusterlib
import clusterlib.donnees.echantillons
from clusterlib.analyses import listes_controle as lc
from clusterlib.analyses.atelier import planning_atelier
from clusterlib.sorties import documents as d

REF = "2026-02-15"


@pytest.fixture(scope="module")
def riz() -> clusterlib.Cluster:
    return clusterlib.load(clusterlib.donnees.echantillons.chemin("riz-glazoue"))


def _brut(texte: str) -> str:
    """Le texte sans la typographie française (espaces insécables, apostrophe), pour comparer aux libellés."""
    return texte.replace("\u202f", " ").replace("\u00a0", " ").replace("’", "'")


def _titres(chemin: Path) -> list[str]:
    return [_brut(p.text) for p in docx.Document(str(chemin)).paragraphs if p.style.name.startswith("Heading")]


def _cellules(table: docx.table.Table) -> list[list[str]]:
    return [[_brut(c.text) for c in rang.cells] for rang in table.rows]


def test_dossier_atelier_word(riz: clusterlib.Cluster, tmp_path: Path) -> None:
    chemin = d.dossier_atelier(riz, tmp_path / "atelier.docx")
    doc = docx.Document(str(chemin))
    assert _titres(chemin) == [
        "Tableau 7 : Synthèse des informations sur le cluster", "Tableau 8 : Forces et faiblesses du cluster",
        "Tableau 9 : Vision, opportunités et menaces du cluster",
        "Tableau 10 : Changements souhaités et conditions de réalisation",
        "Tableau 11 : Actions prioritaires du cluster"]
    assert len(doc.tables) == 5
    assert "données fictives" in doc.paragraphs[1].text
    t8 = _cellules(doc.tables[1])
    assert t8[0] == ["Maillon ou relation", "Forces", "Faiblesses"]
    ligne = next(r for r in t8 if r[0] == "Producteurs")
    assert "Coopératives bien structurées" in ligne[1]
    # les parties du tableau deviennent des intertitres (cellule fusionnée sur toute la largeur)
    assert ["Au niveau des maillons (acteurs directs)"] * 3 in t8
    t11 = _cellules(doc.tables[4])
    assert t11[0] == ["N°", "Actions", "Moyens nécessaires", "Responsables", "Structures d'appui",
                      "Période de réalisation"]
    assert any(r[0] == "A1" and r[5] == "oct. 2025 – janv. 2026" for r in t11)
    # l'en-tête se répète à chaque page
    assert doc.tables[0].rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    assert doc.sections[0].page_width > doc.sections[0].page_height  # A4 paysage


def test_dossier_atelier_excel(riz: clusterlib.Cluster, tmp_path: Path) -> None:
    chemin = d.dossier_atelier(riz, tmp_path / "atelier.xlsx")
    classeur = openpyxl.load_workbook(chemin)
    assert classeur.sheetnames == ["Tableau 7", "Tableau 8", "Tableau 9", "Tableau 10", "Tableau 11"]
    f = classeur["Tableau 8"]
    assert f["A1"].value == "Tableau 8 : Forces et faiblesses du cluster"
    assert [c.value for c in f[4]] == ["Niveau d'appréciation", "Maillon ou relation", "Forces", "Faiblesses"]
    assert f.page_setup.orientation == "landscape"


@pytest.mark.parametrize("extension", ["docx", "xlsx"])
def test_modeles_vierges(extension: str, tmp_path: Path) -> None:
    chemin = d.modeles_vierges(tmp_path / f"vierges.{extension}")
    if extension == "docx":
        doc = docx.Document(str(chemin))
        assert len(doc.tables) == 6  # tableaux 7 à 11 et tableau de suivi
        t8 = _cellules(doc.tables[1])
        producteurs = next(r for r in t8 if r[0] == "Producteurs")
        assert producteurs[1:] == ["", ""]
        assert _titres(chemin)[-1] == "Suivi du plan d'actions pour la revue de campagne"
    else:
        classeur = openpyxl.load_workbook(chemin)
        assert classeur.sheetnames[-1] == "Suivi"
        f = classeur["Tableau 11"]
        assert all(c.value is None or c.value == "" for rang in f.iter_rows(min_row=5) for c in rang)


def test_document_agenda(tmp_path: Path) -> None:
    agenda = planning_atelier(["Riz", "Soja"], jours=3, date_debut="2026-03-09")
    chemin = d.document_agenda(agenda, tmp_path / "planning.docx")
    titres = _titres(chemin)
    assert titres[:3] == ["Groupes de travail", "Qui fait quoi", "Jour 1 — lundi 9 mars 2026"]
    assert titres[-1] == "Jour 3 — mercredi 11 mars 2026"
    doc = docx.Document(str(chemin))
    roles = _cellules(doc.tables[1])
    assert roles[0] == ["Rôle", "Ce qu'il fait"] and roles[-1][0] == "Chef de village"
    jour1 = _cellules(doc.tables[2])
    assert jour1[0] == ["Horaire", "Séance", "Activités et méthodes", "Format", "Intervenants"]
    assert jour1[1][:2] == ["09:00 – 09:15", "Ouverture officielle"]
    n = len(agenda.seances[agenda.seances["jour"] == 1])
    assert len(jour1) == n + 1
    classeur = openpyxl.load_workbook(d.document_agenda(agenda, tmp_path / "planning.xlsx"))
    assert classeur.sheetnames == ["Planning", "Groupes de travail", "Qui fait quoi"]
    assert classeur["Planning"].max_row == 4 + len(agenda.seances)


def test_document_suivi(riz: clusterlib.Cluster, tmp_path: Path) -> None:
    chemin = d.document_suivi(riz, tmp_path / "revue.docx", REF)
    titres = _titres(chemin)
    assert "État du plan d'actions" in titres
    assert "Suivi du plan d'actions pour la revue de campagne 2025-2026" in titres
    doc = docx.Document(str(chemin))
    assert "situation au 15/02/2026" in doc.paragraphs[1].text
    suivi = next(t for t in doc.tables if t.rows[0].cells[0].text == "N°")
    assert len(suivi.rows) == 1 + len(riz.plan_actions)
    classeur = openpyxl.load_workbook(d.document_suivi(riz, tmp_path / "revue.xlsx", REF))
    assert classeur.sheetnames == ["Suivi", "Etat du plan", "FFOM", "Grille"]


def test_document_suivi_avec_figure(tmp_path: Path) -> None:
    from PIL import Image

    cluster = clusterlib.load(creer_cluster(tmp_path / "c"))
    image = tmp_path / "f.png"
    Image.new("RGB", (40, 20), "white").save(image)
    doc = docx.Document(str(d.document_suivi(cluster, tmp_path / "revue.docx", REF, figures=[image])))
    assert len(doc.inline_shapes) == 1


@pytest.mark.parametrize("nom", lc.noms_listes())
def test_listes_a_imprimer(nom: str, tmp_path: Path) -> None:
    chemin = d.document_liste(nom, tmp_path / f"{nom}.docx")
    doc = docx.Document(str(chemin))
    cellules = _cellules(doc.tables[0])
    assert cellules[0][:3] == ["N°", "Question", "À regarder"]
    assert len(cellules) == 1 + len(lc.items(nom))
    assert set(cellules[1][3:-1]) == {"☐"}


def test_liste_remplie(tmp_path: Path) -> None:
    r = lc.noter("prealables", {"P0": "oui", "P1": "oui", "P2": "non", "P3": "oui", "P4": "oui"})
    doc = docx.Document(str(d.document_liste("prealables", tmp_path / "p.docx", r)))
    assert _brut(doc.paragraphs[2].text).startswith("Score : 90 %")
    p2 = next(rang for rang in _cellules(doc.tables[0]) if rang[0] == "P2")
    assert p2[3:6] == ["☒", "☐", "☐"]  # Non, En partie, Oui


def test_extension_inconnue(riz: clusterlib.Cluster, tmp_path: Path) -> None:
    with pytest.raises(d.ErreurDocument, match=r"format « \.pdf » non prévu"):
        d.dossier_atelier(riz, tmp_path / "atelier.pdf")


def test_ecriture_atomique(riz: clusterlib.Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Un échec pendant l'enregistrement laisse l'ancien document intact et aucun fichier temporaire."""
    chemin = tmp_path / "atelier.docx"
    chemin.write_bytes(b"ancien")

    def panne(self, *args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(docx.document.Document, "save", panne)
    with pytest.raises(OSError, match="disque plein"):
        d.dossier_atelier(riz, chemin)
    assert chemin.read_bytes() == b"ancien"
    assert list(tmp_path.iterdir()) == [chemin]


def test_documents_word_en_typographie_francaise(riz: clusterlib.Cluster, tmp_path: Path) -> None:
    """Chaque passage des documents Word passe par la même typographie que le livre et les rapports :
    aucune espace sécable devant ; : ! ? ni contre les guillemets, apostrophes typographiques."""
    import re

    chemins = [d.dossier_atelier(riz, tmp_path / "atelier.docx"),
               d.document_suivi(riz, tmp_path / "suivi.docx"),
               d.document_agenda(planning_atelier(["Riz"], jours=3), tmp_path / "agenda.docx")]
    fautes = re.compile(r"[ \t][;:!?»]|« |\w'\w")
    for chemin in chemins:
        doc = docx.Document(str(chemin))
        textes = [p.text for p in d._paragraphes(doc)]
        assert any(t.strip() for t in textes), chemin
        assert not [t for t in textes if fautes.search(t)], chemin
    # Une phrase écrite sans soin est corrigée au moment d'enregistrer.
    doc = docx.Document()
    doc.add_paragraph("Pourquoi ? Voir « le guide » : c'est simple ; oui !")
    d.typographier_docx(doc)
    assert doc.paragraphs[0].text == "Pourquoi\u202f? Voir «\u00a0le guide\u00a0»\u00a0: c’est simple\u202f; oui\u202f!"
