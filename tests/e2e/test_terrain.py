"""Prêt pour le terrain : le livre et les rapports hors ligne, sur téléphone, sur papier, dans Excel.

Dans un vrai Chromium (pages ouvertes depuis ``file://``, comme copiées sur une clé USB) :

- aucune requête vers un autre hôte (toutes sont bloquées et comptées : 0 permise) ;
- à 390 × 844 pixels (un téléphone), aucune page ne défile de côté ;
- aucune espace sécable devant ; : ! ? » ni après « dans le texte affiché (hors code) ;
- poids : première visite ≤ 1 Mo, chaque page avec ses images ≤ 1 Mo, rapport HTML ≤ 1,5 Mo.

Les PDF (rapports, synthèse, livre entier, chapitres) s'ouvrent avec pypdf, en A4, contiennent
le nom du cluster et restent dans leurs bornes ; ``synthese.csv`` s'ouvre dans LibreOffice réglé
en français avec les bons nombres. Captures et pages dans ``_build/artefacts/terrain/``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from clusterlib.donnees import echantillons
from clusterlib.sorties import rapports

from .conftest import Onglet, dossier_artefacts, exiger, pages_du_sommaire

pytestmark = pytest.mark.lent

PAGES = pages_du_sommaire()
MO = 1024 * 1024
TELEPHONE = {"width": 390, "height": 844}

_ESPACES_SECABLES = r"""() => {
  const exclus = 'pre,code,script,style,kbd,samp,textarea,.math,mjx-container,.highlight,svg,.MathJax';
  const racine = document.querySelector('main') || document.body;
  const marcheur = document.createTreeWalker(racine, NodeFilter.SHOW_TEXT, {acceptNode: (n) =>
    n.parentElement && n.parentElement.closest(exclus) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  let texte = '', noeud;
  while ((noeud = marcheur.nextNode())) texte += noeud.data;
  return [...texte.matchAll(/.{0,30}(?:[ \t\r\n]+[;:!?»]|«[ \t\r\n]+).{0,10}/gs)].map((m) => m[0]);
}"""

_DEBORDEMENT = """() => {
  const largeur = document.documentElement.clientWidth;
  const fautifs = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > largeur + 1 && !el.closest('[style*="position:absolute"], .figure-cluster:target')) {
      let parent = el.parentElement, coupe = false;
      while (parent) {
        const s = getComputedStyle(parent);
        if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)) { coupe = true; break; }
        parent = parent.parentElement;
      }
      if (!coupe) fautifs.push(el.tagName.toLowerCase() + '.' + (el.className || '').toString().slice(0, 40));
    }
  }
  return {defile: document.documentElement.scrollWidth - largeur, fautifs: fautifs.slice(0, 8)};
}"""


def _verifier_page(onglet: Onglet, url: str, nom: str, capture: bool = False) -> list[str]:
    """Charge ``url`` (bureau puis téléphone) ; renvoie les problèmes trouvés."""
    page = onglet.page
    problemes = []
    page.goto(url, wait_until="load")
    page.wait_for_timeout(150)
    fautes = page.evaluate(_ESPACES_SECABLES)
    if fautes:
        problemes.append(f"{nom} : {len(fautes)} espace(s) sécable(s) devant ; : ! ? » ou après « : {fautes[:5]}")
    page.set_viewport_size(TELEPHONE)
    page.reload(wait_until="load")
    page.wait_for_timeout(150)
    mesure = page.evaluate(_DEBORDEMENT)
    if mesure["defile"] > 1:
        problemes.append(f"{nom} : à 390 px la page défile de {mesure['defile']} px de côté ; "
                         f"éléments : {mesure['fautifs']}")
    if capture:
        dossier = dossier_artefacts("terrain")
        page.screenshot(path=str(dossier / f"{nom}-390.png"))
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(dossier / f"{nom}-1280.png"))
    if onglet.externes:
        externes = sorted(set(onglet.externes))[:5]
        problemes.append(f"{nom} : {len(onglet.externes)} requête(s) vers un autre hôte : {externes}")
    return problemes


# --- Le livre ------------------------------------------------------------------------------------

CAPTURES = {"book/index", "book/04-accompagnement/planification", "notebooks/cartographie",
            "notebooks/grille_fonctionnement", "book/annexes/format-donnees"}


@pytest.mark.parametrize("document", PAGES)
def test_page_du_livre_hors_ligne_sur_telephone(document: str, html: Path, onglet: Onglet) -> None:
    fichier = html / f"{document}.html"
    problemes = _verifier_page(onglet, fichier.as_uri(), document.replace("/", "_"), document in CAPTURES)
    assert not problemes, "\n".join(problemes)


def _ressources(page: Path, racine: Path) -> dict[str, list[Path]]:
    texte = page.read_text(encoding="utf-8")
    trouvees: dict[str, list[Path]] = {"theme": [], "images": []}
    motifs = {"theme": r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"#]+\.(?:js|css)[^"]*)"',
              "images": r'<img\b[^>]*\bsrc="([^"#]+)"'}
    for sorte, motif in motifs.items():
        for adresse in re.findall(motif, texte):
            if adresse.startswith("data:"):
                continue
            chemin = (page.parent / adresse.split("?")[0]).resolve()
            if chemin.is_file() and racine in chemin.parents:
                trouvees[sorte].append(chemin)
    return trouvees


def test_poids_des_pages_du_livre(html: Path) -> None:
    racine = html.resolve()
    accueil = html / "book" / "index.html"
    premiere = _ressources(accueil, racine)
    premiere_visite = accueil.stat().st_size + sum(p.stat().st_size for s in premiere.values() for p in set(s))
    print(f"première visite : {premiere_visite / MO:.2f} Mo")
    trop_lourdes = []
    for document in PAGES:
        page = html / f"{document}.html"
        images = set(_ressources(page, racine)["images"])
        poids = page.stat().st_size + sum(p.stat().st_size for p in images)
        if poids > MO:
            trop_lourdes.append(f"{document} : {poids / MO:.2f} Mo")
    assert premiere_visite <= MO, f"première visite : {premiere_visite / MO:.2f} Mo (> 1 Mo)"
    assert not trop_lourdes, "pages de plus de 1 Mo avec leurs images : " + ", ".join(trop_lourdes)


def test_pdf_du_livre_et_des_chapitres(html: Path) -> None:
    from pypdf import PdfReader

    accueil = (html / "book" / "index.html").read_text(encoding="utf-8")
    liens = re.findall(r'href="\.\./(telechargements/[^"]+\.pdf)"', accueil)
    assert "telechargements/livre-complet.pdf" in liens and len(liens) >= 10, liens
    for lien in liens:
        lecteur = PdfReader(html / lien)
        boite = lecteur.pages[0].mediabox
        assert abs(float(boite.width) - 595) < 3 and abs(float(boite.height) - 842) < 3, f"{lien} : pas en A4"
        texte = "".join(lecteur.pages[i].extract_text() or "" for i in range(min(3, len(lecteur.pages))))
        assert len(texte) > 200, f"{lien} : PDF sans texte"
    complet = PdfReader(html / "telechargements" / "livre-complet.pdf")
    assert len(complet.pages) > 50
    texte = "".join(p.extract_text() or "" for p in complet.pages[:40])
    assert "cluster" in texte.lower()


def test_formulaire_de_notation_imprimable_sans_noyau(html: Path, onglet: Onglet) -> None:
    page = onglet.page
    page.goto((html / "notebooks" / "grille_fonctionnement.html").as_uri(), wait_until="load")
    fiche = page.locator(".fiche-papier").first
    assert fiche.count() == 1, "la page de la grille ne montre pas de fiche de notation imprimable"
    assert fiche.locator("text=1.1").count() >= 1 and "☐" in fiche.inner_text()
    assert not onglet.externes


def test_fiche_de_notation_de_la_grille_sur_deux_pages_a4(html: Path, onglet: Onglet) -> None:
    """La page du livre imprimée par le navigateur (A4, marges d'un centimètre) : une feuille recto
    verso, les 24 indicateurs compris ; chaque page rendue en PNG dans ``_build/artefacts/supports/``."""
    from pypdf import PdfReader

    page = onglet.page
    page.goto((html / "book" / "supports" / "fiche-notation-grille.html").as_uri(), wait_until="load")
    cible = dossier_artefacts("supports")
    pdf = cible / "fiche-notation-grille.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True,
             margin={"top": "1cm", "bottom": "1cm", "left": "1cm", "right": "1cm"})
    lecteur = PdfReader(str(pdf))
    assert len(lecteur.pages) == 2, f"fiche de notation imprimée sur {len(lecteur.pages)} pages A4, 2 attendues"
    texte = "".join(p.extract_text() or "" for p in lecteur.pages)
    assert "1.1" in (lecteur.pages[0].extract_text() or ""), "le tableau ne commence pas sur la première page"
    assert "6.4" in texte
    subprocess.run([exiger("pdftoppm"), "-png", "-r", "60", str(pdf), str(cible / pdf.stem)], check=True, timeout=120)


# --- Les rapports --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Les rapports de tous les clusters d'exemple, PDF compris, et leur synthèse."""
    exiger("/usr/bin/chromium")
    sortie = tmp_path_factory.mktemp("rapports")
    resultats = rapports.executer_lot([echantillons.chemin(n) for n in echantillons.noms()], sortie, travaux=2)
    assert all(r.etat == "fait" for r in resultats), [(r.chemin, r.messages) for r in resultats]
    assert not [m for r in resultats for m in r.messages], [r.messages for r in resultats]
    rapports.ecrire_synthese(sortie, resultats, pdf=True)
    return sortie


def test_rapports_hors_ligne_sur_telephone(lot: Path, onglet: Onglet) -> None:
    problemes = []
    for dossier in sorted(p for p in lot.iterdir() if p.is_dir()):
        page = dossier / "rapport.html"
        assert page.stat().st_size <= 1.5 * MO, f"{dossier.name} : rapport HTML de {page.stat().st_size / MO:.2f} Mo"
        problemes += _verifier_page(onglet, page.as_uri(), f"rapport-{dossier.name}", capture=True)
        onglet.page.set_viewport_size({"width": 1280, "height": 900})
    problemes += _verifier_page(onglet, (lot / "index.html").as_uri(), "rapports-index", capture=True)
    assert not problemes, "\n".join(problemes)


def test_pdf_des_rapports(lot: Path) -> None:
    import json

    from pypdf import PdfReader

    for dossier in sorted(p for p in lot.iterdir() if p.is_dir()):
        nom = json.loads((dossier / "resume.json").read_text(encoding="utf-8"))["nom"]
        pdf = dossier / "rapport.pdf"
        assert pdf.stat().st_size <= 1.5 * MO, f"{dossier.name} : PDF de {pdf.stat().st_size / MO:.2f} Mo"
        lecteur = PdfReader(pdf)
        assert 4 <= len(lecteur.pages) <= 20, f"{dossier.name} : {len(lecteur.pages)} pages"
        for numero, feuille in enumerate(lecteur.pages, start=1):
            boite = feuille.mediabox
            assert abs(float(boite.width) - 595) < 3 and abs(float(boite.height) - 842) < 3
            texte = feuille.extract_text() or ""
            assert texte.strip() or feuille.images, f"{dossier.name} : page {numero} blanche"
        def normal(texte: str) -> str:  # espaces insécables et apostrophes typographiques comparées au texte brut
            return re.sub(r"\s+", " ", texte.replace("’", "'"))

        premiere = lecteur.pages[0].extract_text() or ""
        assert normal(nom) in normal(premiere), f"{nom} absent de la première page"
        assert "(s)" not in "".join(p.extract_text() or "" for p in lecteur.pages)
        index = (lot / "index.html").read_text(encoding="utf-8")
        assert f"{dossier.name}/rapport.pdf" in index
    synthese = PdfReader(lot / "synthese.pdf")
    assert 1 <= len(synthese.pages) <= 3
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(lot / "riz-glazoue" / "rapport.pdf"),
                    str(dossier_artefacts("terrain") / "rapport-riz")], check=False, capture_output=True)


def test_synthese_csv_dans_libreoffice_en_francais(lot: Path, tmp_path: Path) -> None:
    import openpyxl

    soffice = exiger("soffice")
    # Filtre CSV : séparateur « ; » (59), guillemets « " » (34), UTF-8 (76), langue fr-FR (1036).
    resultat = subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless", "--norestore",
         "--infilter=CSV:59,34,76,1,,1036", "--convert-to", "xlsx", "--outdir", str(tmp_path),
         str(lot / "synthese.csv")],
        capture_output=True, text=True, timeout=180, check=False, env={"LANG": "fr_FR.UTF-8", "HOME": str(tmp_path)},
    )
    classeur = tmp_path / "synthese.xlsx"
    assert classeur.exists(), resultat.stdout + resultat.stderr
    feuille = openpyxl.load_workbook(classeur).active
    entetes = [c.value for c in feuille[1]]
    assert entetes[:3] == ["cluster", "nom", "campagne"], entetes
    lignes = {r[0]: dict(zip(entetes, r, strict=True)) for r in feuille.iter_rows(min_row=2, values_only=True)}
    riz = lignes["riz-glazoue"]
    attendu = rapports.resume_cluster(__import__("clusterlib").load(echantillons.chemin("riz-glazoue")))
    assert isinstance(riz["score_global"], float) and riz["score_global"] == pytest.approx(
        attendu["scores"]["global"], abs=0.005)
    assert riz["valeur_ajoutee_totale"] == pytest.approx(attendu["economie"]["valeur_ajoutee_totale"], abs=1)
    assert riz["nom"] == attendu["nom"] and riz["donnees_fictives"] == "oui"
