"""Auto-évaluation de fin de chapitre : données des quiz, renvois et rendu de la directive ``quiz``."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
import yaml

RACINE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RACINE / "book" / "_ext"))

import quiz  # noqa: E402

FICHIERS = {n: RACINE / "book" / "quiz" / f"chapitre-{n}.yml" for n in range(1, 8)}


def _donnees(n: int) -> dict:
    return yaml.safe_load(FICHIERS[n].read_text(encoding="utf-8"))


def _titres(document: str) -> set[str]:
    texte = (RACINE / f"{document.lstrip('/')}.md").read_text(encoding="utf-8")
    texte = re.sub(r"```\{code-cell\}.*?\n```", "", texte, flags=re.S)
    return {quiz._normal(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", texte, flags=re.M)}


@pytest.mark.parametrize("n", range(1, 8))
def test_chaque_chapitre_a_son_quiz_conforme(n: int) -> None:
    donnees = _donnees(n)
    assert quiz.ecarts_quiz(donnees) == []
    assert donnees["chapitre"] == n
    assert 5 <= len(donnees["questions"]) <= 8
    page = next((RACINE / "book").glob(f"0{n}-*/index.md")).read_text(encoding="utf-8")
    assert page.rstrip().endswith(f"```{{quiz}} /book/quiz/chapitre-{n}.yml\n```")


@pytest.mark.parametrize("n", range(1, 8))
def test_bonne_reponse_et_retour_pour_chaque_choix(n: int) -> None:
    for question in _donnees(n)["questions"]:
        if question["type"] == "calcul":
            assert question["reponse"].strip() and question["retour"].strip()
            continue
        assert all(c["retour"].strip() for c in question["choix"])
        if question["type"] == "ordre":
            assert sorted(c["rang"] for c in question["choix"]) == list(range(1, len(question["choix"]) + 1))
        else:
            assert any(c["juste"] for c in question["choix"]), question["id"]


@pytest.mark.parametrize("n", range(1, 8))
def test_renvois_vers_des_sections_existantes(n: int) -> None:
    for question in _donnees(n)["questions"]:
        renvoi = question["renvoi"]
        assert (RACINE / f"{renvoi['document'].lstrip('/')}.md").is_file(), renvoi
        assert quiz._normal(renvoi["section"]) in _titres(renvoi["document"]), renvoi


def test_types_varies() -> None:
    types = {q["type"] for n in FICHIERS for q in _donnees(n)["questions"]}
    assert types == {"choix_unique", "choix_multiple", "vrai_faux", "ordre", "calcul"}


def test_schema_refuse_une_question_sans_bonne_reponse() -> None:
    donnees = _donnees(2)
    donnees["questions"][0]["choix"] = [{**c, "juste": False} for c in donnees["questions"][0]["choix"]]
    assert any("aucune bonne réponse" in e for e in quiz.ecarts_quiz(donnees))
    donnees["questions"][0]["choix"][0].pop("retour")
    assert any("retour" in e for e in quiz.ecarts_quiz(donnees))


def test_bonne_reponse_en_clair() -> None:
    q = {"type": "ordre", "choix": [{"rang": 2}, {"rang": 3}, {"rang": 1}]}
    assert quiz.bonne_reponse(q) == "C, A, B"
    q = {"type": "choix_multiple", "choix": [{"juste": True}, {"juste": False}, {"juste": True}]}
    assert quiz.bonne_reponse(q) == "A et C"


def _construire(tmp_path: Path, constructeur: str) -> Path:
    from sphinx.application import Sphinx

    source = tmp_path / "src"
    (source / "quiz").mkdir(parents=True)
    (source / "quiz" / "q.yml").write_text(yaml.safe_dump({"chapitre": 1, "questions": [
        {"id": f"q{k}", "type": "choix_unique", "enonce": f"Question {k} ?",
         "choix": [{"texte": "Oui", "juste": True, "retour": "Parce que."},
                   {"texte": "Non", "juste": False, "retour": "Hélas."},
                   {"texte": "Peut-être", "juste": False, "retour": "Non plus."}],
         "renvoi": {"document": "/book/cible", "section": "Une section"}} for k in range(4)] + [
        {"id": "calc", "type": "calcul", "enonce": "2 + 2 ?", "reponse": "4", "retour": "On additionne.",
         "renvoi": {"document": "/book/cible", "section": "Une section"}}]}, allow_unicode=True), encoding="utf-8")
    (source / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(RACINE / 'book' / '_ext')!r})\n"
                                    "extensions = ['quiz']\nlanguage = 'fr'\n", encoding="utf-8")
    (source / "index.rst").write_text("Titre\n=====\n\n.. toctree::\n\n   book/cible\n\n.. quiz:: /quiz/q.yml\n",
                                      encoding="utf-8")
    (source / "book").mkdir()
    (source / "book" / "cible.rst").write_text("Cible\n=====\n\nUne section\n-----------\n\nTexte.\n", encoding="utf-8")
    sortie = tmp_path / constructeur
    journal = io.StringIO()
    app = Sphinx(str(source), str(source), str(sortie), str(tmp_path / f"doctrees-{constructeur}"),
                 constructeur, status=None, warning=journal)
    app.build()
    # Plusieurs projets Sphinx dans un même processus réenregistrent les nœuds : seul cet avis est admis.
    avertissements = [ligne for ligne in journal.getvalue().splitlines()
                      if "WARNING" in ligne and "is already registered" not in ligne]
    assert avertissements == []
    return sortie


def test_directive_rend_le_html_attendu(tmp_path: Path) -> None:
    html = (_construire(tmp_path, "html") / "index.html").read_text(encoding="utf-8")
    assert html.count('<details class="quiz-proposition">') == 12
    assert html.count('<details class="quiz-reponse">') == 1
    assert "<summary><strong>A.</strong> Oui</summary>" in html
    assert "Bonne réponse." in html and "Mauvaise réponse." in html
    assert 'href="book/cible.html#une-section"' in html
    assert 'class="quiz-corrige' in html and "Corrigé de l" in html
    assert "<script" not in html.split('class="quiz')[1].split("</main>")[0]
    assert (tmp_path / "html" / "_static" / "quiz.css").is_file()


def test_directive_hors_html_cases_puis_corrige(tmp_path: Path) -> None:
    texte = (_construire(tmp_path, "text") / "index.txt").read_text(encoding="utf-8")
    assert "[ ] **A.** Oui" in texte
    assert "<details" not in texte and "Choisissez votre réponse" not in texte
    assert texte.index("[ ] **A.** Oui") < texte.index("Corrigé de")
    assert "**Réponse : **A" in texte.replace("\u00a0", " ")


def test_quiz_illisible_message_francais(tmp_path: Path) -> None:
    """Un fichier de quiz enregistré dans un autre encodage qu'UTF-8 donne un message clair, pas une trace."""
    chemin = tmp_path / "chapitre-9.yml"
    chemin.write_bytes("énoncé: vrai".encode("cp1252"))
    with pytest.raises(quiz.ErreurQuiz, match="encodé en UTF-8"):
        quiz.lire_quiz(chemin)
    with pytest.raises(quiz.ErreurQuiz, match="introuvable"):
        quiz.lire_quiz(tmp_path / "absent.yml")
