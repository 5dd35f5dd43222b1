"""Rapports, modèles et documents tels que les utilisateurs les ouvrent.

- Le rapport HTML d'un cluster (``clusterlib report``) s'ouvre dans Chromium : toutes ses
  images sont chargées et aucune cellule de code n'est visible.
- Le modèle Excel (``clusterlib templates``) et les documents Word (``clusterlib.sorties.documents``)
  sont convertis en PDF par LibreOffice sans interface : le nombre de pages est dans la
  fourchette attendue ; chaque page est rendue en PNG (``pdftoppm``) dans
  ``_build/artefacts/documents/``.
- Les listes déroulantes du modèle Excel survivent : chaque colonne énumérée de chaque table
  garde sa validation « liste » (relue avec openpyxl), dans le fichier écrit et après un
  aller-retour par LibreOffice (ouvrir puis enregistrer en .xlsx, comme un utilisateur).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter

from .conftest import RACINE, Onglet, chronometrer, dossier_artefacts, environnement_jupyter, exiger

pytestmark = pytest.mark.lent

CLUSTERLIB = str(Path(sys.executable).with_name("clusterlib"))
EXEMPLE = RACINE / "data" / "samples" / "riz-glazoue"


# --- Outils ---------------------------------------------------------------------------------------


def convertir(fichiers: list[Path], format_sortie: str, dossier: Path, profil: Path) -> list[Path]:
    """Convertit avec LibreOffice sans interface (profil utilisateur jetable) ; les fichiers produits."""
    soffice = exiger("soffice")
    dossier.mkdir(parents=True, exist_ok=True)
    debut = time.perf_counter()
    resultat = subprocess.run(
        [soffice, f"-env:UserInstallation={profil.as_uri()}", "--headless", "--norestore", "--convert-to",
         format_sortie, "--outdir", str(dossier), *map(str, fichiers)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    chronometrer("LibreOffice (conversions)", debut)
    extension = format_sortie.split(":")[0]
    sorties = [dossier / f"{f.stem}.{extension}" for f in fichiers]
    absents = [s.name for s in sorties if not s.is_file()]
    assert not absents, f"LibreOffice n'a pas produit {absents} :\n{resultat.stdout}\n{resultat.stderr}"
    return sorties


def pages_pdf(chemin: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(chemin)).pages)


def rendre_png(pdf: Path, dossier: Path) -> list[Path]:
    """Chaque page du PDF en PNG (72 points par pouce) ; les images produites."""
    pdftoppm = exiger("pdftoppm")
    dossier.mkdir(parents=True, exist_ok=True)
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(dossier / pdf.stem)], check=True, timeout=120)
    return sorted(dossier.glob(f"{pdf.stem}*.png"))


def sauts_de_page_docx(chemin: Path) -> int:
    """Le nombre minimal de pages d'un .docx : 1 + sauts de page explicites + changements de section."""
    import docx

    document = docx.Document(str(chemin))
    corps = document.element.body.xml
    return 1 + corps.count('w:type="page"') + max(0, len(document.sections) - 1)


def _plages(validation: Any) -> list[tuple[int, int]]:
    """Les colonnes (première, dernière) couvertes par une validation."""
    colonnes = []
    for plage in str(validation.sqref).split():
        lettres = re.findall(r"[A-Z]+", plage)
        debut = column_index_from_string(lettres[0])
        colonnes.append((debut, column_index_from_string(lettres[-1]) if len(lettres) > 1 else debut))
    return colonnes


def colonnes_sans_liste(chemin: Path) -> list[str]:
    """Les colonnes énumérées (référentiel) du modèle qui n'ont pas de validation « liste »."""
    from clusterlib import referentiel

    classeur = openpyxl.load_workbook(chemin)
    noms_definis = set(classeur.defined_names)
    manquantes = []
    for table in referentiel.tables():
        if table not in classeur.sheetnames:
            manquantes.append(f"{table} : feuille absente")
            continue
        feuille = classeur[table]
        entetes = {referentiel.cle_normalisee(str(c.value or "")): c.column for c in feuille[1]}
        listes = [v for v in feuille.data_validations.dataValidation if v.type == "list"]
        for colonne in referentiel.colonnes(table):
            if colonne.type != "enum":
                continue
            numero = entetes.get(colonne.nom)
            if numero is None:
                manquantes.append(f"{table}.{colonne.nom} : colonne absente de l'en-tête")
                continue
            couvrantes = [v for v in listes if any(a <= numero <= b for a, b in _plages(v))]
            if not couvrantes:
                manquantes.append(f"{table}.{colonne.nom} (colonne {get_column_letter(numero)}) : liste perdue")
                continue
            formule = str(couvrantes[0].formula1 or "").lstrip("=")
            if re.fullmatch(r"[A-Za-z_]\w*", formule) and formule not in noms_definis:
                manquantes.append(f"{table}.{colonne.nom} : la liste « {formule} » n'est plus définie")
    return manquantes


@pytest.fixture(scope="module")
def profil_libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("profil_libreoffice")


@pytest.fixture(scope="module")
def modele_excel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dossier = tmp_path_factory.mktemp("modeles")
    resultat = subprocess.run([CLUSTERLIB, "templates", "--out", str(dossier)], capture_output=True, text=True,
                              timeout=120, check=False)
    assert resultat.returncode == 0, resultat.stderr
    modele = dossier / "modele_cluster.xlsx"
    assert modele.is_file(), f"clusterlib templates n'a pas écrit {modele.name} : {resultat.stdout}"
    return modele


# --- Le modèle Excel ------------------------------------------------------------------------------


def test_verificateur_voit_une_liste_perdue(modele_excel: Path, tmp_path: Path) -> None:
    classeur = openpyxl.load_workbook(modele_excel)
    feuille = classeur["acteurs"]
    feuille.data_validations.dataValidation = [v for v in feuille.data_validations.dataValidation
                                               if v.type != "list"]
    abime = tmp_path / "abime.xlsx"
    classeur.save(abime)
    perdues = colonnes_sans_liste(abime)
    assert any(p.startswith("acteurs.maillon") for p in perdues), perdues


def test_listes_deroulantes_du_modele(modele_excel: Path) -> None:
    assert colonnes_sans_liste(modele_excel) == []


def test_listes_deroulantes_apres_libreoffice(modele_excel: Path, tmp_path: Path, profil_libreoffice: Path) -> None:
    [relu] = convertir([modele_excel], "xlsx:Calc MS Excel 2007 XML", tmp_path / "relu", profil_libreoffice)
    assert colonnes_sans_liste(relu) == [], "LibreOffice a perdu des listes déroulantes"


def test_modele_excel_en_pdf(modele_excel: Path, tmp_path: Path, profil_libreoffice: Path) -> None:
    [pdf] = convertir([modele_excel], "pdf", tmp_path, profil_libreoffice)
    feuilles = [f for f in openpyxl.load_workbook(modele_excel).worksheets if f.sheet_state == "visible"]
    pages = pages_pdf(pdf)
    print(f"{pdf.name} : {pages} pages pour {len(feuilles)} feuilles visibles")
    assert len(feuilles) <= pages <= 4 * len(feuilles), f"{pages} pages pour {len(feuilles)} feuilles visibles"
    cible = dossier_artefacts("documents")
    shutil.copy(pdf, cible / pdf.name)
    assert len(rendre_png(pdf, cible)) == pages


# --- Les documents Word ---------------------------------------------------------------------------


def test_documents_word_en_pdf(tmp_path: Path, profil_libreoffice: Path) -> None:
    import clusterlib
    from clusterlib.analyses.atelier import planning_atelier
    from clusterlib.sorties import documents

    cluster = clusterlib.load(EXEMPLE)
    fichiers = [
        documents.modeles_vierges(tmp_path / "modeles_vierges.docx"),
        documents.dossier_atelier(cluster, tmp_path / "dossier_atelier.docx"),
        documents.document_suivi(cluster, tmp_path / "revue_campagne.docx", date_reference="2026-02-15"),
        documents.document_agenda(planning_atelier(["Riz", "Soja"], date_debut="2026-03-09"),
                                  tmp_path / "planning_atelier.docx"),
    ]
    pdfs = convertir([Path(f) for f in fichiers], "pdf", tmp_path / "pdf", profil_libreoffice)
    cible = dossier_artefacts("documents")
    for docx_, pdf in zip(fichiers, pdfs, strict=True):
        minimum = sauts_de_page_docx(Path(docx_))
        pages = pages_pdf(pdf)
        print(f"{pdf.name} : {pages} pages (au moins {minimum} attendues)")
        assert minimum <= pages <= 4 * minimum + 4, f"{pdf.name} : {pages} pages, {minimum} attendues au moins"
        shutil.copy(pdf, cible / pdf.name)
        assert len(rendre_png(pdf, cible)) == pages
        if pdf.stem == "planning_atelier":
            # Les trois jours du tableau 6, groupes et rôles compris, sur deux pages A4 paysage.
            assert pages == 2, f"planning de l'atelier sur {pages} pages, 2 attendues"


# --- Le rapport HTML ------------------------------------------------------------------------------


def test_rapport_html_dans_chromium(tmp_path: Path, onglet: Onglet) -> None:
    if not (RACINE / "notebooks" / "rapport_cluster.ipynb").is_file():
        pytest.skip("notebooks/rapport_cluster.ipynb n'existe pas encore : la commande « clusterlib report » "
                    "n'a rien à exécuter")
    debut = time.perf_counter()
    resultat = subprocess.run([CLUSTERLIB, "report", str(EXEMPLE), "--out", str(tmp_path)], capture_output=True,
                              text=True, timeout=600, check=False, env=environnement_jupyter())
    chronometrer("rapport HTML (clusterlib report)", debut)
    assert resultat.returncode == 0, f"clusterlib report a échoué :\n{resultat.stdout}\n{resultat.stderr}"
    rapports = sorted(tmp_path.glob("*/rapport.html"))
    assert len(rapports) == 1, f"rapport.html attendu dans un sous-dossier de {tmp_path} : {resultat.stdout}"

    page = onglet.page
    page.goto(rapports[0].as_uri(), wait_until="load")
    images = page.evaluate("""async () => {
      const imgs = Array.from(document.querySelectorAll('img'));
      await Promise.all(imgs.map(i => i.decode().catch(() => null)));
      return imgs.map(i => ({src: (i.getAttribute('src') || '').slice(0, 80), largeur: i.naturalWidth}));
    }""")
    assert images, "le rapport ne contient aucune figure"
    cassees = [i["src"] for i in images if i["largeur"] == 0]
    assert not cassees, f"images du rapport non chargées : {cassees}"
    code = ".jp-CodeCell .jp-InputArea, .jp-CodeCell .jp-InputPrompt, div.input_area, .jp-CodeMirrorEditor"
    code_visible = page.locator(code).evaluate_all("l => l.filter(e => e.offsetParent !== null).length")
    assert code_visible == 0, f"{code_visible} cellule(s) de code visible(s) dans le rapport"
    texte = page.locator("body").inner_text()
    assert "import clusterlib" not in texte and "clusterlib.load(" not in texte, "du code apparaît dans le rapport"
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert not onglet.erreurs, "erreurs dans le navigateur :\n" + "\n".join(onglet.erreurs)
    page.screenshot(path=str(dossier_artefacts("documents") / "rapport_riz-glazoue.png"), full_page=False)
