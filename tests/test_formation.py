"""Référentiel du cours, tableaux de la formation, supports et éditions apprenants / formateur."""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path
from typing import ClassVar

import pytest
import yaml

from clusterlib import referentiel
from clusterlib.presentation import formation

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE / "book" / "_ext"))

import edition  # noqa: E402
import formation as ext_formation  # noqa: E402


def test_cours_conforme_au_schema_et_coherent() -> None:
    assert referentiel.verifier("cours.yml") == []
    assert formation.ecarts_cours() == []


def test_parcours_de_sept_modules_et_demi_jours() -> None:
    vue = formation.vue_ensemble()
    assert vue["module"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert vue["duree_jours"].sum() == 7.5
    for r in vue.itertuples():
        d = formation.deroule(r.module)
        assert r.heures_travail == d.loc[~d["pause"], "duree_minutes"].sum() / 60
        assert r.jours == -(-r.duree_jours // 1)


def test_chevauchement_detecte(monkeypatch: pytest.MonkeyPatch) -> None:
    casse = referentiel.cours()
    casse["modules"][0]["deroule"][1]["debut"] = "08:45"
    casse["modules"][1]["duree_jours"] = 2
    monkeypatch.setattr(referentiel, "cours", lambda: copy.deepcopy(casse))
    ecarts = formation.ecarts_cours()
    assert any("module 1, jour 1" in e and "08:45" in e for e in ecarts)
    assert any(e.startswith("module 2 : 2 journées annoncée") for e in ecarts)


def test_journee_type_controlee(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chaque jour d'un module suit la journée type ; un écart est signalé en français."""
    casse = referentiel.cours()
    deroule = casse["modules"][1]["deroule"]  # module 2, une journée complète
    pause_apres_midi = next(c for c in deroule if c["methode"] == "pause" and c["debut"] == "15:45")
    pause_apres_midi["debut"], pause_apres_midi["fin"] = "15:30", "15:45"
    casse["cours"]["journee_type"]["debut"] = "08:00"
    monkeypatch.setattr(referentiel, "cours", lambda: copy.deepcopy(casse))
    ecarts = formation.ecarts_cours()
    assert "module 1, jour 1 : commence à 08:30, la journée type à 08:00" in ecarts
    assert any(e.startswith("module 2, jour 1 : pauses") and "Pause 15:30–15:45" in e
               and "Pause 15:45–16:00" in e for e in ecarts)


def test_heures_de_la_page_d_ensemble_viennent_du_referentiel() -> None:
    valeurs = formation.valeurs_formation()
    j = referentiel.cours()["cours"]["journee_type"]
    assert valeurs["formation_journee_debut"] == formation.horaire(j["debut"]) == "08\u00a0h\u00a030"
    assert valeurs["formation_journee_pauses"] == (
        "une pause de 10\u00a0h\u00a030 à 10\u00a0h\u00a045, le déjeuner de 13\u00a0h\u00a000 à 14\u00a0h\u00a000 "
        "et une pause de 15\u00a0h\u00a045 à 16\u00a0h\u00a000")
    # La page cite chaque valeur par sa substitution et n'écrit aucune heure à la main.
    for page in sorted((RACINE / "book/formation").glob("*.md")):
        texte = page.read_text(encoding="utf-8")
        assert not re.search(r"\b\d{1,2} ?h ?\d{2}\b|\b\d{1,2}:\d{2}\b", texte), f"{page.name} : heure écrite à la main"
    index = (RACINE / "book/formation/index.md").read_text(encoding="utf-8")
    assert set(re.findall(r"\{\{ (formation_\w+) \}\}", index)) == set(valeurs)


def test_materiel_regroupe_les_creneaux(monkeypatch: pytest.MonkeyPatch) -> None:
    cours = referentiel.cours()
    cours["modules"][0]["deroule"] = [
        {"jour": 1, "debut": "08:30", "fin": "09:00", "activite": "A", "methode": "exposé",
         "materiel": ["craie", "fiche de notation de la grille"], "anime": "formateur"},
        {"jour": 1, "debut": "09:00", "fin": "10:00", "activite": "B", "methode": "discussion",
         "materiel": ["craie"], "anime": "formateur"},
    ]
    monkeypatch.setattr(referentiel, "cours", lambda: copy.deepcopy(cours))
    m = formation.materiel(1).set_index("materiel")
    assert m.loc["craie", "nombre_creneaux"] == 2
    assert m.loc["craie", "creneaux"] == "08\u00a0h\u00a030 ; 09\u00a0h\u00a000"
    assert m.loc["fiche de notation de la grille", "document"] == "book/supports/fiche-notation-grille"


def test_tableaux_numerotes_f() -> None:
    numeros = [t["numero"] for t in formation.tableaux_a_remplir()]
    assert numeros == [f"F.{k}" for k in range(1, len(numeros) + 1)]
    assert all(t["module"] == 4 for t in formation.tableaux_a_remplir(4))


def test_pages_de_module_lisent_le_referentiel() -> None:
    """Vue d'ensemble et pages de module : mêmes modules, même titre, aucun horaire écrit à la main."""
    sommaire = yaml.safe_load((RACINE / "_toc.yml").read_text(encoding="utf-8"))
    former = next(p for p in sommaire["parts"] if p["caption"] == "Former")["chapters"][0]
    assert former["file"] == "book/formation/index"
    attendues = [f"book/formation/module-{n}" for n in formation.numeros_modules()]
    assert [s["file"] for s in former["sections"]] == attendues
    assert "{formation-vue-ensemble}" in (RACINE / "book/formation/index.md").read_text(encoding="utf-8")
    for n in formation.numeros_modules():
        texte = (RACINE / f"book/formation/module-{n}.md").read_text(encoding="utf-8")
        assert f"# Module {n} — {formation.module(n)['titre']}\n" in texte
        appels = re.findall(r"\{formation-module\} (\d+)\n:partie: (\w+)", texte)
        assert {int(a) for a, _ in appels} == {n}
        assert {p for _, p in appels} >= {"objectifs", "duree", "deroule", "materiel", "evaluation", "liens", "support"}
        assert not re.search(r"\b\d{1,2} ?h ?\d{2}\b", texte), f"module-{n}.md : horaire écrit à la main"


class _Env:
    found_docs: ClassVar[set[str]] = {"book/supports/tableaux-vierges", "book/annexes/fiches-collecte"}


def test_vue_et_page_de_module_donnent_la_meme_duree() -> None:
    vue = "\n".join(ext_formation.lignes_vue_ensemble(_Env()))
    for r in formation.vue_ensemble().itertuples():
        page = "\n".join(ext_formation.lignes_module(r.module, "duree", _Env()))
        assert f"**{r.duree}**" in page
        ligne = next(li for li in vue.splitlines() if f"<module-{r.module}>`" in li)
        assert f"| {r.duree} |" in ligne


def test_deroule_un_bloc_par_creneau_avec_liens() -> None:
    lignes = "\n".join(ext_formation.lignes_module(5, "deroule", _Env()))
    d = formation.deroule(5)
    assert lignes.count(":::{container} creneau") == len(d)
    assert "Jour 2" in lignes
    assert "{doc}`tableaux vierges 7 à 11 </book/supports/tableaux-vierges>`" in lignes
    assert "{numref}`ex-accomp-tableau11`" in lignes
    module4 = "\n".join(ext_formation.lignes_module(4, "deroule", _Env()))
    assert "{doc}`fiches de collecte imprimées (annexe 2) </book/annexes/fiches-collecte>`" in module4
    assert "|" not in lignes  # pas de tableau large


def test_support_html_complet_et_echappe() -> None:
    page = formation.support_html(4, {"ex-accomp-va": ("Exercice 9", "<p>Calculez <b>à la main</b></p>")})
    for c in formation.deroule(4).itertuples():
        assert c.activite.replace("'", "&#x27;").replace("\"", "&quot;") in page
    assert "Tableau F.4" in page and "Tableau F.5" in page
    assert "<b>à la main</b>" in page and "Cartes de rôle" in page
    assert "Entretien de collecte avec un transformateur" in page


def test_enonce_extrait_des_divs_imbriques() -> None:
    html = ('<div class="exercise admonition" id="ex-a"><p class="admonition-title">Exercice 3 (Titre)</p>'
            '<section><div><p>Texte <a href="x.html">lien</a></p></div></section></div><div>après</div>')
    titre, corps = ext_formation.enonce_exercice(html, "ex-a")
    assert titre == "Exercice 3 (Titre)"
    assert "Texte lien" in corps and "après" not in corps and "<a" not in corps
    assert ext_formation.enonce_exercice(html, "ex-b") is None


_PAGE = """# Essai

```{exercise}
:label: ex-essai

Combien ?
```

```{solution} ex-essai
:class: dropdown

Quatre.
```

```{exercise}
:label: ex-deux

Et là ?
```

````{solution-start} ex-deux
:class: dropdown
````

Cinq.

````{solution-end}
````

:::{admonition} Note pour le formateur
:class: note-formateur
Minutage : dix minutes.
:::
"""


def _construire(tmp_path: Path, nom: str, valeur: str) -> str:
    from sphinx.application import Sphinx

    source = tmp_path / nom / "src"
    source.mkdir(parents=True)
    (source / "conf.py").write_text(
        "extensions = ['myst_parser', 'sphinx_exercise', 'edition']\n"
        "myst_enable_extensions = ['colon_fence']\n", encoding="utf-8")
    (source / "index.md").write_text(_PAGE, encoding="utf-8")
    app = Sphinx(str(source), str(source), str(tmp_path / nom / "html"), str(tmp_path / nom / "doctrees"), "html",
                 confoverrides={"edition": valeur}, status=None, warning=None, freshenv=True)
    app.build()
    return (tmp_path / nom / "html" / "index.html").read_text(encoding="utf-8")


def test_editions_apprenants_et_formateur(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(edition.VARIABLE, raising=False)
    apprenants = _construire(tmp_path, "a", "apprenants")
    assert "note-formateur" not in apprenants and "Minutage" not in apprenants
    solutions = re.findall(r'<div class="([^"]*solution[^"]*)"', apprenants)
    assert len(solutions) == 2 and all("dropdown" in c for c in solutions)

    formateur = _construire(tmp_path, "f", "formateur")
    assert "note-formateur" in formateur and "Minutage" in formateur
    solutions = re.findall(r'<div class="([^"]*solution[^"]*)"', formateur)
    assert len(solutions) == 2 and not any("dropdown" in c for c in solutions)
    assert "Quatre." in formateur and "Cinq." in formateur


def test_edition_inconnue_refusee() -> None:
    from docutils.utils import new_document

    with pytest.raises(ValueError, match="inconnue"):
        edition.appliquer_edition(new_document("x"), "eleves")
