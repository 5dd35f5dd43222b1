"""Chaque page du sommaire s'ouvre, sous son titre, sur ses objectifs d'apprentissage.

Une seule forme, partout (voir ``book/_ext/objectifs.py``) : une admonition « Objectifs
d'apprentissage » de classe ``objectifs``, une phrase « … vous saurez : », puis 3 à 5 points qui
commencent chacun par un verbe d'action à l'infinitif. Dans un notebook, un intertitre
« Présentation » peut séparer le titre du bloc (squelette des notebooks, voir
``tests/test_squelette_notebooks.py``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE / "book" / "_ext"))

import objectifs  # noqa: E402

# Pages sans objectifs : la bibliographie et la page d'accueil, qui n'enseigne rien et renvoie
# vers les autres.
SANS_OBJECTIFS = {"book/bibliographie", "book/index"}
NB_POINTS = (3, 5)
_OUVERTURE = re.compile(r"^(`{3,}|:{3,})\{admonition\}\s*(.*)$")
_OBJECTIFS_MODULE = re.compile(r"^`{3,}\{formation-module\}\s+(\d+)\s*$")
_INFINITIF = re.compile(r"^(?:s'|se |s’)?[a-zàâçéèêëîïôûùüÿœ]+(?:er|ir|re|oir)$")


def pages_du_sommaire() -> list[str]:
    """Toutes les pages du ``_toc.yml`` (racine, chapitres et sections, à toute profondeur)."""
    sommaire = yaml.safe_load((RACINE / "_toc.yml").read_text(encoding="utf-8"))
    pages = [sommaire["root"]]

    def parcourir(entrees: list[dict]) -> None:
        for entree in entrees:
            if "file" in entree:
                pages.append(entree["file"])
            for cle in ("chapters", "sections"):
                parcourir(entree.get(cle, []))
            for partie in entree.get("parts", []):
                parcourir(partie.get("chapters", []))

    for partie in sommaire.get("parts", []):
        parcourir(partie.get("chapters", []))
    parcourir(sommaire.get("chapters", []))
    return [p.removesuffix(".md").removesuffix(".ipynb") for p in pages]


def fichier(page: str) -> Path:
    for extension in (".md", ".ipynb"):
        if (RACINE / f"{page}{extension}").exists():
            return RACINE / f"{page}{extension}"
    raise FileNotFoundError(page)


def tete(chemin: Path) -> list[str]:
    """Les lignes du début de la page, front matter ôté (pour un notebook : ses premières cellules Markdown)."""
    if chemin.suffix == ".ipynb":
        cellules = json.loads(chemin.read_text(encoding="utf-8"))["cells"]
        morceaux = []
        for cellule in cellules:
            if cellule["cell_type"] != "markdown":
                break
            morceaux.append("".join(cellule["source"]))
        texte = "\n\n".join(morceaux)
    else:
        texte = chemin.read_text(encoding="utf-8")
        if texte.startswith("---\n"):
            texte = texte.split("\n---\n", 1)[1]
    return texte.splitlines()


def objectifs_en_tete(lignes: list[str]) -> list[str]:
    """Les points du bloc d'objectifs qui suit le titre ; ``AssertionError`` qui dit ce qui manque."""
    i = 0
    while i < len(lignes) and (not lignes[i].strip() or re.fullmatch(r"\(.+\)=", lignes[i].strip())):
        i += 1
    assert i < len(lignes) and lignes[i].startswith("# "), "la page ne commence pas par son titre (« # … »)"
    i += 1
    while i < len(lignes) and not lignes[i].strip():
        i += 1
    if i < len(lignes) and lignes[i].strip() == "## Présentation":
        i += 1
        while i < len(lignes) and not lignes[i].strip():
            i += 1
    ouverture = _OUVERTURE.match(lignes[i]) if i < len(lignes) else None
    trouve = lignes[i] if i < len(lignes) else "rien"
    assert ouverture, f"sous le titre, on attend le bloc d'objectifs ; trouvé : {trouve!r}"
    assert ouverture.group(2).strip() == objectifs.TITRE, f"titre du bloc : « {objectifs.TITRE} » attendu"
    cloture = ouverture.group(1)
    fin = next(k for k in range(i + 1, len(lignes)) if lignes[k].strip() == cloture)
    corps = lignes[i + 1:fin]
    assert corps and corps[0].strip() == f":class: {objectifs.CLASSE}", f"« :class: {objectifs.CLASSE} » attendu"
    assert any(ligne.rstrip().endswith("vous saurez :") for ligne in corps), "phrase « … vous saurez : » attendue"
    points = [ligne[2:].strip() for ligne in corps if ligne.startswith("- ")]
    genere = next((m for m in map(_OBJECTIFS_MODULE.match, corps) if m), None)
    if not points and genere and ":partie: objectifs" in (ligne.strip() for ligne in corps):
        # Page d'un module de formation : ses objectifs viennent du référentiel du cours.
        from clusterlib.presentation import formation

        points = list(formation.module(int(genere.group(1)))["objectifs"])
    return points


PAGES = [p for p in pages_du_sommaire() if p not in SANS_OBJECTIFS]


def test_le_sommaire_est_lu() -> None:
    assert len(PAGES) >= 30
    assert "notebooks/rapport_cluster" in PAGES and "book/04-accompagnement/diagnostic" in PAGES
    assert set(pages_du_sommaire()) >= SANS_OBJECTIFS, "une page exemptée n'est plus au sommaire : ôtez-la de la liste"


@pytest.mark.parametrize("page", PAGES)
def test_page_ouverte_par_ses_objectifs(page: str) -> None:
    points = objectifs_en_tete(tete(fichier(page)))
    assert NB_POINTS[0] <= len(points) <= NB_POINTS[1], f"{page} : {len(points)} objectifs, de 3 à 5 attendus"
    for point in points:
        premier = point.split()[0]
        assert _INFINITIF.match(premier), f"{page} : « {point} » ne commence pas par un verbe à l'infinitif"


def test_style_des_objectifs_declare() -> None:
    configuration = yaml.safe_load((RACINE / "_config.yml").read_text(encoding="utf-8"))
    assert "objectifs" in configuration["sphinx"]["local_extensions"]
    feuille = (RACINE / "book" / "_ext" / "objectifs_static" / "objectifs.css").read_text(encoding="utf-8")
    assert f".admonition.{objectifs.CLASSE}" in feuille
    assert "@media print" in feuille and "max-width" in feuille


@pytest.mark.parametrize(("lignes", "message"), [
    (["# Titre", "", "Du texte."], "bloc d'objectifs"),
    (["Texte sans titre"], "titre"),
    (["# Titre", "```{admonition} Objectifs d'apprentissage", ":class: tip", "- lire ;", "```"], ":class: objectifs"),
    (["# Titre", "```{admonition} À retenir", ":class: objectifs", "```"], "titre du bloc"),
])
def test_une_tete_sans_objectifs_est_refusee(lignes: list[str], message: str) -> None:
    with pytest.raises(AssertionError, match=re.escape(message)):
        objectifs_en_tete(lignes)


def test_points_lus_sous_un_titre_et_une_etiquette() -> None:
    lignes = ["(etiquette)=", "# Titre", "", "```{admonition} Objectifs d'apprentissage", ":class: objectifs",
              "À la fin de cette page, vous saurez :", "", "- lire une carte ;", "- calculer une valeur ;",
              "- présenter un plan.", "```", "Suite."]
    assert objectifs_en_tete(lignes) == ["lire une carte ;", "calculer une valeur ;", "présenter un plan."]
