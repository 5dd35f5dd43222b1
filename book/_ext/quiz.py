"""Directive ``quiz`` : l'auto-évaluation de fin de chapitre, à l'écran, sur papier et en PDF.

Les questions vivent dans un fichier YAML par chapitre (dossier ``book/quiz/``), contrôlé par le
schéma ``book/quiz/schema.yml`` ; la page l'affiche avec :

.. code-block:: markdown

    ```{quiz} /book/quiz/chapitre-1.yml
    ```

Cinq types de questions : ``choix_unique``, ``choix_multiple``, ``vrai_faux`` (chaque proposition
porte ``juste`` et un ``retour``), ``ordre`` (chaque élément porte son ``rang`` et un ``retour``) et
``calcul`` (``reponse`` attendue et ``retour`` qui détaille le calcul). Chaque question renvoie à la
section du livre à relire : ``renvoi.document`` (nom de document, ``/book/…``) et
``renvoi.section`` (titre exact d'une section de ce document) ; un renvoi qui ne mène nulle part
provoque un avertissement, donc un échec de la construction stricte.

Rendu :

- **HTML** : sans aucun script. Chaque proposition est un ``<details>`` : le lecteur ouvre celle
  qu'il a choisie (souris, doigt ou clavier) et lit si elle est juste, pourquoi, et où relire. Les
  questions d'ordre et de calcul ont un seul ``<details>`` « Voir la réponse ». À l'impression, les
  propositions deviennent des cases à cocher et un corrigé regroupé, caché à l'écran, s'imprime à
  la fin du quiz (``quiz_static/quiz.css``).
- **LaTeX/PDF** et autres formats : les questions avec leurs cases, puis le corrigé.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from docutils import nodes
from outils_livre import lire_yaml, servir_statique
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

journal = logging.getLogger(__name__)

DOSSIER = Path(__file__).resolve().parent
SCHEMA = DOSSIER.parent / "quiz" / "schema.yml"

#: Consigne affichée sous l'énoncé, selon le type de question.
CONSIGNES: dict[str, str] = {
    "choix_unique": "Une seule réponse.",
    "choix_multiple": "Plusieurs réponses possibles : cochez toutes les bonnes.",
    "vrai_faux": "Vrai ou faux ?",
    "ordre": "Remettez dans l'ordre : numérotez les éléments à partir de 1.",
    "calcul": "Faites le calcul sur une feuille.",
}
LETTRES = "ABCDEFGHIJ"


class ErreurQuiz(Exception):
    """Fichier de quiz illisible ou non conforme à son schéma (message en français)."""


@cache
def _schema() -> dict[str, Any]:
    return yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))


def ecarts_quiz(donnees: Any) -> list[str]:
    """Les écarts d'un quiz à son schéma et à ses règles de cohérence ; liste vide s'il est conforme.

    Outre le schéma : au moins une bonne réponse (une seule pour ``choix_unique`` et
    ``vrai_faux``), des rangs ``1…n`` sans trou ni doublon pour ``ordre``, des identifiants de
    questions uniques.
    """
    import jsonschema

    ecarts = []
    for erreur in sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(donnees),
                         key=lambda e: list(e.absolute_path)):
        lieu = " → ".join(str(p) for p in erreur.absolute_path) or "racine"
        ecarts.append(f"{lieu} : {erreur.message}")
    if ecarts:
        return ecarts
    vus: set[str] = set()
    for question in donnees["questions"]:
        qid, type_ = question["id"], question["type"]
        if qid in vus:
            ecarts.append(f"question {qid} : identifiant en double")
        vus.add(qid)
        choix = question.get("choix", [])
        if type_ == "ordre":
            rangs = sorted(c["rang"] for c in choix)
            if rangs != list(range(1, len(choix) + 1)):
                ecarts.append(f"question {qid} : les rangs doivent aller de 1 à {len(choix)}, sans trou ni doublon")
            elif [c["rang"] for c in choix] == rangs:
                ecarts.append(f"question {qid} : les éléments sont déjà dans l'ordre ; mélangez-les")
        elif type_ != "calcul":
            justes = sum(1 for c in choix if c["juste"])
            if justes == 0:
                ecarts.append(f"question {qid} : aucune bonne réponse")
            if type_ in ("choix_unique", "vrai_faux") and justes > 1:
                ecarts.append(f"question {qid} : une seule bonne réponse attendue ({justes} trouvées)")
            if type_ == "choix_multiple" and justes == len(choix):
                ecarts.append(f"question {qid} : toutes les propositions sont justes")
    return ecarts


def lire_quiz(chemin: Path) -> dict[str, Any]:
    """Lit un fichier de quiz et le contrôle ; lève :class:`ErreurQuiz` s'il n'est pas conforme."""
    donnees = lire_yaml(chemin, ErreurQuiz, "quiz")
    ecarts = ecarts_quiz(donnees)
    if ecarts:
        raise ErreurQuiz(f"{chemin.name} : " + " ; ".join(ecarts))
    return donnees


def bonne_reponse(question: dict[str, Any]) -> str:
    """La bonne réponse en clair : lettres (« B », « A et C »), ordre (« C, A, B ») ou résultat."""
    choix = question.get("choix", [])
    if question["type"] == "calcul":
        return str(question["reponse"])
    if question["type"] == "ordre":
        ordre = sorted(range(len(choix)), key=lambda k: choix[k]["rang"])
        return ", ".join(LETTRES[k] for k in ordre)
    if question["type"] == "vrai_faux":
        return next(c["texte"] for c in choix if c["juste"])
    lettres = [LETTRES[k] for k, c in enumerate(choix) if c["juste"]]
    return lettres[0] if len(lettres) == 1 else ", ".join(lettres[:-1]) + " et " + lettres[-1]


# --- Nœuds ---------------------------------------------------------------------------------


class quiz_details(nodes.General, nodes.Element):
    """Un volet dépliable (``<details>``) : une proposition et son retour, ou la réponse."""


class quiz_summary(nodes.General, nodes.TextElement):
    """L'intitulé toujours visible d'un volet (``<summary>``)."""


class quiz_renvoi(nodes.General, nodes.Inline, nodes.TextElement):
    """Renvoi vers une section du livre, résolu après la lecture de tous les documents."""


def _visiter_details(self: Any, node: quiz_details) -> None:
    self.body.append(self.starttag(node, "details"))


def _quitter_details(self: Any, node: quiz_details) -> None:
    self.body.append("</details>\n")


def _visiter_summary(self: Any, node: quiz_summary) -> None:
    self.body.append(self.starttag(node, "summary", ""))


def _quitter_summary(self: Any, node: quiz_summary) -> None:
    self.body.append("</summary>\n")


def _ignorer(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


# --- Directive -----------------------------------------------------------------------------


class Quiz(SphinxDirective):
    """Affiche le quiz décrit par un fichier YAML (chemin relatif à la page, ou depuis ``/``)."""

    required_arguments = 1
    final_argument_whitespace = True
    has_content = False

    def _inline(self, texte: str) -> list[nodes.Node]:
        noeuds, messages = self.state.inline_text(" ".join(str(texte).split()), self.lineno)
        return [*noeuds, *messages]

    def _renvoi(self, renvoi: dict[str, str]) -> nodes.inline:
        cible = quiz_renvoi("", renvoi["section"], document=renvoi["document"].lstrip("/"),
                            section=renvoi["section"])
        return nodes.inline("", "", nodes.Text("À relire : "), cible, nodes.Text("."),
                            classes=["quiz-renvoi"])

    def _retour(self, verdict: str, juste: bool, texte: str, renvoi: dict[str, str]) -> nodes.paragraph:
        classe = "quiz-juste" if juste else "quiz-faux"
        return nodes.paragraph("", "", nodes.strong(verdict, verdict, classes=[classe]), nodes.Text(" "),
                               *self._inline(texte), nodes.Text(" "), self._renvoi(renvoi))

    @staticmethod
    def _verdict(question: dict[str, Any], juste: bool) -> str:
        if question["type"] == "choix_multiple":
            return "À cocher." if juste else "À ne pas cocher."
        return "Bonne réponse." if juste else "Mauvaise réponse."

    def _question(self, numero: int, question: dict[str, Any]) -> nodes.list_item:
        type_, renvoi = question["type"], question["renvoi"]
        item = nodes.list_item(classes=["quiz-question", f"quiz-{type_.replace('_', '-')}"])
        item += nodes.paragraph("", "", *self._inline(question["enonce"]), classes=["quiz-enonce"])
        item += nodes.paragraph("", "", nodes.emphasis(CONSIGNES[type_], CONSIGNES[type_]), classes=["quiz-consigne"])
        choix = question.get("choix", [])
        if type_ in ("ordre", "calcul"):
            if type_ == "ordre":
                liste = nodes.bullet_list(classes=["quiz-elements"])
                for k, element in enumerate(choix):
                    liste += nodes.list_item("", nodes.paragraph(
                        "", "", nodes.strong(f"{LETTRES[k]}.", f"{LETTRES[k]}."), nodes.Text(" "),
                        *self._inline(element["texte"]), classes=["quiz-a-numeroter"]))
                item += liste
            else:
                item += nodes.paragraph("", "Votre résultat : ……………………", classes=["quiz-resultat"])
            reponse = quiz_details(classes=["quiz-reponse"])
            reponse += quiz_summary("", "Voir la réponse et les explications")
            reponse += self._corps_reponse(question)
            item += reponse
            return item
        liste = nodes.bullet_list(classes=["quiz-choix"])
        for k, proposition in enumerate(choix):
            volet = quiz_details(classes=["quiz-proposition"])
            volet += quiz_summary("", "", nodes.strong(f"{LETTRES[k]}.", f"{LETTRES[k]}."), nodes.Text(" "),
                                  *self._inline(proposition["texte"]))
            volet += nodes.container("", self._retour(self._verdict(question, proposition["juste"]),
                                                      proposition["juste"], proposition["retour"], renvoi),
                                     classes=["quiz-retour"])
            liste += nodes.list_item("", volet)
        item += liste
        return item

    def _corps_reponse(self, question: dict[str, Any]) -> list[nodes.Node]:
        """Réponse détaillée : bonne réponse, puis le retour de chaque proposition ou élément."""
        type_, renvoi, choix = question["type"], question["renvoi"], question.get("choix", [])
        corps: list[nodes.Node] = [nodes.paragraph("", "", nodes.strong("Réponse : ", "Réponse : "),
                                                   *self._inline(bonne_reponse(question)))]
        if type_ == "calcul":
            corps.append(nodes.paragraph("", "", *self._inline(question["retour"]), nodes.Text(" "),
                                         self._renvoi(renvoi)))
            return corps
        liste = nodes.bullet_list()
        if type_ == "ordre":
            for k in sorted(range(len(choix)), key=lambda j: choix[j]["rang"]):
                liste += nodes.list_item("", nodes.paragraph(
                    "", "", nodes.strong(f"{choix[k]['rang']}. {LETTRES[k]}", f"{choix[k]['rang']}. {LETTRES[k]}"),
                    nodes.Text(" — "), *self._inline(choix[k]["retour"])))
            corps += [liste, nodes.paragraph("", "", self._renvoi(renvoi))]
            return corps
        for k, proposition in enumerate(choix):
            paragraphe = self._retour(self._verdict(question, proposition["juste"]), proposition["juste"],
                                      proposition["retour"], renvoi)
            paragraphe.insert(0, nodes.Text(" "))
            paragraphe.insert(0, nodes.strong(f"{LETTRES[k]}.", f"{LETTRES[k]}."))
            liste += nodes.list_item("", paragraphe)
        corps.append(liste)
        return corps

    def run(self) -> list[nodes.Node]:
        relatif, absolu = self.env.relfn2path(self.arguments[0].strip(), self.env.docname)
        self.env.note_dependency(relatif)
        self.env.note_dependency(str(SCHEMA))
        try:
            quiz = lire_quiz(Path(absolu))
        except ErreurQuiz as exc:
            raise self.error(f"quiz : {exc}") from None
        nombre = len(quiz["questions"])
        bloc = nodes.container(classes=["quiz"])
        bloc += nodes.paragraph("", (
            f"{nombre} questions pour vérifier ce que vous avez retenu. Choisissez votre réponse, puis "
            "ouvrez-la (touchez-la, ou Tab puis Entrée) : vous lisez si elle est juste, pourquoi, et "
            "quelle section relire."), classes=["quiz-mode-ecran"])
        bloc += nodes.paragraph("", (
            f"{nombre} questions : cochez les cases (ou numérotez, ou calculez) au crayon, puis "
            "comparez avec le corrigé qui suit les questions."), classes=["quiz-mode-papier"])
        questions = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".", classes=["quiz-questions"])
        for numero, question in enumerate(quiz["questions"], start=1):
            questions += self._question(numero, question)
        bloc += questions
        corrige = nodes.container(classes=["quiz-corrige"])
        corrige += nodes.rubric("", f"Corrigé de l'auto-évaluation du chapitre {quiz['chapitre']}")
        liste = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".")
        for question in quiz["questions"]:
            liste += nodes.list_item("", *self._corps_reponse(question))
        corrige += liste
        bloc += corrige
        return [bloc]


# --- Résolution des renvois et rendu hors HTML ----------------------------------------------


def _normal(texte: str) -> str:
    """Titre comparable : espaces (insécables comprises) unifiées, apostrophes droites."""
    texte = unicodedata.normalize("NFC", texte).replace("\u2019", "'")
    return " ".join(texte.replace("\u00a0", " ").replace("\u202f", " ").split())


def ancre_section(doctree: nodes.document, titre: str) -> str | None:
    """L'identifiant HTML de la section titrée ``titre`` ; ``""`` pour le titre de la page, sinon None."""
    for k, section in enumerate(doctree.findall(nodes.section)):
        titres = [c for c in section.children if isinstance(c, nodes.title)]
        if titres and _normal(titres[0].astext()) == _normal(titre):
            return "" if k == 0 else section["ids"][0]
    return None


class ResoudreRenvois(SphinxPostTransform):
    """Change chaque renvoi en lien vers la section (avertit si le document ou le titre manque)."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        for renvoi in list(self.document.findall(quiz_renvoi)):
            document, titre = renvoi["document"], renvoi["section"]
            texte = nodes.Text(titre)
            ancre = None
            if document in self.env.all_docs:
                ancre = ancre_section(self.env.get_doctree(document), titre)
            if ancre is None:
                journal.warning("quiz : renvoi vers « %s » introuvable dans le document %s", titre, document,
                                location=renvoi, type="quiz")
                renvoi.replace_self(nodes.emphasis("", "", texte))
                continue
            uri = self.app.builder.get_relative_uri(self.env.docname, document)
            reference = nodes.reference("", "", texte, internal=True, refuri=uri + (f"#{ancre}" if ancre else ""))
            renvoi.replace_self(reference)


class QuizHorsHtml(SphinxPostTransform):
    """Hors HTML (LaTeX, texte…) : questions avec cases à cocher, puis le corrigé ; rien de dépliable."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        if self.app.builder.format == "html":
            return
        latex = self.app.builder.format == "latex"
        for noeud in list(self.document.findall(nodes.Element)):
            if "quiz-mode-ecran" in noeud.get("classes", ()):
                noeud.parent.remove(noeud)
        for volet in list(self.document.findall(quiz_details)):
            if "quiz-reponse" in volet["classes"]:
                volet.parent.remove(volet)
                continue
            intitule = next(c for c in volet.children if isinstance(c, quiz_summary))
            case = nodes.raw("", r"$\square$\enspace ", format="latex") if latex else nodes.Text("[ ] ")
            volet.replace_self(nodes.paragraph("", "", case, *intitule.children))
        for paragraphe in list(self.document.findall(nodes.paragraph)):
            if "quiz-a-numeroter" in paragraphe["classes"]:
                case = nodes.raw("", r"\fbox{\rule{0pt}{1ex}\hspace{1.2em}}\enspace ", format="latex") \
                    if latex else nodes.Text("[__] ")
                paragraphe.insert(0, case)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(quiz_details, html=(_visiter_details, _quitter_details))
    app.add_node(quiz_summary, html=(_visiter_summary, _quitter_summary))
    app.add_node(quiz_renvoi, html=(_ignorer, None))
    app.add_directive("quiz", Quiz)
    app.add_post_transform(ResoudreRenvois)
    app.add_post_transform(QuizHorsHtml)
    servir_statique(app, DOSSIER / "quiz_static", "quiz.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
