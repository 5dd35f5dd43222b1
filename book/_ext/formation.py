"""Plans de séance de la formation des coachs, tirés du référentiel ``clusterlib/referentiel/cours.yml``.

Directives (les pages ``book/formation/`` n'écrivent à la main ni horaire ni durée) :

- ``{formation-vue-ensemble}`` : le parcours, une ligne par module, puis le stage ;
- ``{formation-module} N`` avec ``:partie:`` parmi ``objectifs``, ``duree``, ``deroule``,
  ``materiel``, ``evaluation``, ``liens``, ``consignes``, ``tableaux`` et ``support`` (le lien
  de téléchargement du support imprimable).

Le déroulé s'affiche en un bloc par créneau (horaire et activité, puis méthode, qui anime,
matériel et exercices en liste) : rien ne défile sur un téléphone de 390 px, rien ne se coupe
à l'impression. Le calcul vient de :mod:`clusterlib.presentation.formation` ; cette extension
ne fait que la mise en page.

À la fin de la construction HTML, Chromium imprime le support de chaque module
(``telechargements/support-module-N.pdf``, même route que les PDF des chapitres dans
``terrain.py``) : plan de séance, consignes, cartes de rôle, énoncés des exercices du livre
tirés des pages construites, et tableaux à remplir. Sans Chromium, le lien est retiré.
"""

from __future__ import annotations

import re
import sys
import tempfile
from html import unescape
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from outils_livre import servir_statique
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # clusterlib du dépôt

journal = logging.getLogger(__name__)

DOSSIER_PDF = "telechargements"  # le même dossier que terrain.py
_DEBUT, _FIN = "<!-- support-module -->", "<!-- /support-module -->"
PARTIES = ("objectifs", "duree", "deroule", "materiel", "evaluation", "liens", "consignes", "tableaux", "support")


def nom_support(numero: int) -> str:
    """Le nom du PDF du support du module ``numero``."""
    return f"support-module-{numero}.pdf"


def _md(texte: str) -> str:
    from clusterlib.presentation.echappement import echapper_markdown

    return echapper_markdown(texte)


def _lien_doc(document: str, env: Any) -> str:
    return f"{{doc}}`/{document}`" if document in env.found_docs else _md(document)


def _lien_materiel(objet: str, document: str, env: Any) -> str:
    if document and document in env.found_docs:
        texte = objet.replace("`", "'").replace("<", "‹").replace(">", "›")  # pas d'échappement dans un rôle
        return f"{{doc}}`{texte} </{document}>`"
    return _md(objet)


def lignes_vue_ensemble(env: Any) -> list[str]:
    """Le MyST de la vue d'ensemble : un tableau de trois colonnes étroites, puis le stage."""
    from clusterlib import referentiel
    from clusterlib.presentation.formation import duree_libelle, vue_ensemble

    vue = vue_ensemble()
    lignes = ["| Module | Durée | Temps de travail |", "|---|---|---|"]
    for r in vue.itertuples():
        heures = f"{r.heures_travail:g}".replace(".", ",")
        lignes.append(f"| {{doc}}`{r.module}. {_md(r.titre)} <module-{r.module}>` | {r.duree} | {heures} h |")
    stage = referentiel.cours()["stage"]
    total = duree_libelle(float(vue["duree_jours"].sum()))
    heures_total = f"{vue['heures_travail'].sum():g}".replace(".", ",")
    lignes.append(f"| **Total en salle** | **{total}** | **{heures_total} h** |")
    lignes.append(f"| {_md(stage['titre'])} | {_md(stage['duree'])} | sur le terrain |")
    return lignes


def lignes_module(numero: int, partie: str, env: Any) -> list[str]:
    """Le MyST d'une partie de la page du module ``numero``."""
    from clusterlib.presentation import formation

    m = formation.module(numero)
    if partie == "objectifs":
        return [f"- {_md(o)}" for o in m["objectifs"]]
    if partie == "duree":
        d = formation.deroule(numero)
        heures = f"{d.loc[~d['pause'], 'duree_minutes'].sum() / 60:g}".replace(".", ",")
        return [f"**{formation.duree_libelle(m['duree_jours'])}**, soit {heures} heures de travail hors pauses."]
    if partie == "deroule":
        return _lignes_deroule(numero, env)
    if partie == "materiel":
        return [f"- {_lien_materiel(r.materiel, r.document, env)} — {_md(r.creneaux)}"
                for r in formation.materiel(numero).itertuples()]
    if partie == "evaluation":
        return [f"- **{_md(x['moyen'])}** : {_md(x['critere'])}" for x in m["evaluation"]]
    if partie == "liens":
        lignes = ["Pages du livre", ": " + ", ".join(_lien_doc(p, env) for p in m["pages"])]
        if m["outils"]:
            lignes += ["", "Outils", ": " + ", ".join(_lien_doc(p, env) for p in m["outils"])]
        exercices = [x for liste in formation.deroule(numero)["exercices"] for x in liste]
        if exercices:
            lignes += ["", "Exercices", ": " + ", ".join(f"{{numref}}`{x}`" for x in exercices)]
        return lignes
    if partie == "consignes":
        lignes: list[str] = []
        for consigne in m["support"]["consignes"]:
            lignes += ["", f"**{_md(consigne['titre'])}**", ""]
            lignes += [f"{k}. {_md(etape)}" for k, etape in enumerate(consigne["etapes"], 1)]
        for carte in m["support"].get("cartes_role", []):
            lignes += ["", f"- **Carte de rôle — {_md(carte['role'])}** : {_md(carte['texte'])}"]
        return lignes
    if partie == "tableaux":
        return [f"- **Tableau {t['numero']}** — {_md(t['titre'])} : colonnes « "
                + " », « ".join(_md(c) for c in t["colonnes"]) + f" » ; {len(t['lignes'])} lignes."
                for t in formation.tableaux_a_remplir(numero)]
    raise ValueError(partie)


def _lignes_deroule(numero: int, env: Any) -> list[str]:
    from clusterlib.presentation import formation

    d = formation.deroule(numero)
    documents = {r.materiel: r.document for r in formation.materiel(numero).itertuples()}
    plusieurs_jours = d["jour"].nunique() > 1
    lignes: list[str] = []
    for jour, creneaux in d.groupby("jour"):
        if plusieurs_jours:
            lignes += ["", f"```{{rubric}} Jour {jour}", "```"]
        for c in creneaux.itertuples():
            classe = "creneau pause" if c.pause else "creneau"
            lignes += ["", f":::{{container}} {classe}", f"**{c.horaire}** · {_md(c.activite)}"]
            if not c.pause:
                lignes += ["", f"- Méthode : {_md(c.methode)}", f"- Anime : {_md(c.anime)}"]
                if c.materiel:
                    lignes.append("- Matériel : " + ", ".join(_lien_materiel(o, documents.get(o, ""), env)
                                                             for o in c.materiel))
                if c.exercices:
                    lignes.append("- Exercices : " + ", ".join(f"{{numref}}`{x}`" for x in c.exercices))
            lignes.append(":::")
    return lignes


class VueEnsemble(SphinxDirective):
    """Le parcours de formation (tous les modules), tiré du référentiel du cours."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        return _analyser(self, lignes_vue_ensemble(self.env), ["formation-vue-ensemble"])


class PartieModule(SphinxDirective):
    """Une partie de la page d'un module (objectifs, déroulé, matériel…), tirée du référentiel."""

    required_arguments = 1
    has_content = False
    option_spec: dict[str, Any] = {"partie": lambda v: directives.choice(v, PARTIES)}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        from clusterlib.presentation import formation

        try:
            numero = int(self.arguments[0])
            formation.module(numero)
        except (ValueError, KeyError) as exc:
            raise self.error(f"formation-module : {exc}") from None
        partie = self.options.get("partie", "deroule")
        self.env.note_dependency(str(Path(formation.__file__).parents[1] / "referentiel" / "cours.yml"))
        if partie == "support":
            lien = (f'{_DEBUT}<p class="support-module"><a class="reference download" '
                    f'href="../../{DOSSIER_PDF}/{nom_support(numero)}" download>'
                    f"Télécharger le support imprimable du module {numero} (PDF A4)</a></p>{_FIN}")
            return [nodes.raw("", lien, format="html")]
        return _analyser(self, lignes_module(numero, partie, self.env), [f"formation-{partie}"])


def _analyser(directive: SphinxDirective, lignes: list[str], classes: list[str]) -> list[nodes.Node]:
    conteneur = nodes.container(classes=classes)
    source = directive.get_source_info()[0]
    directive.state.nested_parse(StringList(lignes, source=source), directive.content_offset, conteneur)
    return [conteneur]


# --- Supports imprimables -------------------------------------------------------------------------

_OUVRANTE = re.compile(r"<div\b|</div>", re.I)
_TITRE_ADMONITION = re.compile(r'<p class="admonition-title">(.*?)</p>', re.S)
_BALISE = re.compile(r"<[^>]+>")
_LIEN = re.compile(r"</?a\b[^>]*>", re.I)


def bloc_par_id(page: str, ident: str) -> str | None:
    """Le ``<div>`` d'identifiant ``ident`` d'une page HTML, balises imbriquées comprises (ou ``None``)."""
    debut = re.search(rf'<div\b[^>]*\bid="{re.escape(ident)}"[^>]*>', page)
    if debut is None:
        return None
    profondeur, position = 1, debut.end()
    for balise in _OUVRANTE.finditer(page, position):
        profondeur += -1 if balise.group(0).lower() == "</div>" else 1
        if profondeur == 0:
            return page[debut.start():balise.end()]
    return None


def enonce_exercice(page: str, etiquette: str) -> tuple[str, str] | None:
    """Le titre (« Exercice 12 (…) ») et l'énoncé HTML d'un exercice de sphinx-exercise, sans liens."""
    bloc = bloc_par_id(page, etiquette)
    if bloc is None:
        return None
    titre = _TITRE_ADMONITION.search(bloc)
    texte_titre = " ".join(unescape(_BALISE.sub("", titre.group(1))).split()) if titre else etiquette
    corps = _TITRE_ADMONITION.sub("", bloc, count=1)
    corps = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", corps, flags=re.S)
    return texte_titre, _LIEN.sub("", corps)


def _imprimer_supports(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html" or not app.config.formation_supports_pdf \
            or not getattr(app.config, "terrain_pdf", True):
        return
    from clusterlib.presentation import formation
    from clusterlib.sorties.pdf import ErreurPdf, chromium, imprimer_pdf

    sortie = Path(app.outdir)
    pages_modules = [sortie / "book" / "formation" / f"module-{n}.html" for n in formation.numeros_modules()]
    if chromium() is None:
        journal.info("Supports des modules non imprimés : Chromium est introuvable (sudo apt-get install chromium).")
        _retirer_liens(pages_modules)
        return
    registre = getattr(app.env, "sphinx_exercise_registry", {})
    titres = {doc: t.astext() for doc, t in app.env.titles.items()}
    dossier = sortie / DOSSIER_PDF
    dossier.mkdir(exist_ok=True)
    lues: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="supports-") as tmp:
        for numero in formation.numeros_modules():
            exercices: dict[str, tuple[str, str]] = {}
            for etiquette in (x for liste in formation.deroule(numero)["exercices"] for x in liste):
                document = registre.get(etiquette, {}).get("docname")
                page = sortie / f"{document}.html"
                if document is None or not page.exists():
                    continue
                if document not in lues:
                    lues[document] = page.read_text(encoding="utf-8")
                trouve = enonce_exercice(lues[document], etiquette)
                if trouve is not None:
                    source = titres.get(document, document)
                    exercices[etiquette] = (trouve[0], f'<p class="source">Dans le livre : {source}</p>{trouve[1]}')
            html = Path(tmp) / f"support-module-{numero}.html"
            from clusterlib.presentation.format_fr import typographie_html

            html.write_text(typographie_html(formation.support_html(numero, exercices, titres)), encoding="utf-8")
            try:
                imprimer_pdf(html, dossier / nom_support(numero))
            except ErreurPdf as exc:
                journal.info(f"Supports des modules non imprimés : {exc}")
                _retirer_liens(pages_modules)
                return
    journal.info(f"Supports des modules : {dossier}")


#: Anciennes adresses de pages devenues une partie « Former » : adresse → nouvelle page (relative).
REDIRECTIONS = {"book/former-des-coachs.html": "formation/index.html"}


def _rediriger(app: Sphinx, exception: BaseException | None) -> None:
    """Écrit une petite page qui renvoie de l'ancienne adresse du parcours vers la nouvelle."""
    if exception is not None or app.builder.format != "html":
        return
    for ancienne, nouvelle in REDIRECTIONS.items():
        cible = Path(app.outdir) / ancienne
        cible.write_text(
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={nouvelle}"><title>Former des coachs</title></head>'
            f'<body><p>Cette page a déménagé : <a href="{nouvelle}">Former des coachs</a>.</p></body></html>',
            encoding="utf-8")


def _retirer_liens(pages: list[Path]) -> None:
    from terrain import retirer_entre  # extension voisine (book/_ext), qui imprime les PDF du livre

    for page in pages:
        retirer_entre(page, _DEBUT, _FIN)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("formation_supports_pdf", True, "html")
    app.add_directive("formation-vue-ensemble", VueEnsemble)
    app.add_directive("formation-module", PartieModule)
    servir_statique(app, Path(__file__).parent / "formation_static", "formation.css")
    app.connect("build-finished", _imprimer_supports)
    app.connect("build-finished", _rediriger)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
