"""Les tableaux du livre portent le numéro du guide national (« Tableau 13 » = tableau 13 du guide).

Sphinx (``numfig``) numérote les tableaux dans l'ordre où il les rencontre : le quinzième
tableau du livre deviendrait « Tableau 15 » même s'il reproduit le tableau 12 du guide, et un
formateur qui cite le guide perdrait ses apprenants. Cette extension reprend, juste après ce
calcul, le numéro de chaque tableau :

- un tableau nommé dans ``clusterlib/referentiel/tableaux_guide.yml`` (clé ``etiquette`` ou
  ``reprises``) reçoit le numéro du guide ;
- tout autre tableau numéroté reçoit le préfixe du dossier de sa page (« A.1 », « A.2 » en
  annexe, « F.n » pour la formation, « L.n » ailleurs), compté dans l'ordre du livre.

Les figures suivent la même logique (``clusterlib/referentiel/figures_guide.yml``) : le guide
ne numérote pas ses schémas, une figure qui en reproduit un reçoit « G.n » (n = son rang dans le
guide) ; toute autre figure numérotée reçoit le préfixe du dossier de sa page, comme un tableau.

Les renvois ``{numref}`` et les légendes HTML (donc les PDF imprimés depuis le HTML) suivent.
L'édition xelatex aussi : LaTeX compte ses tableaux et ses figures lui-même, alors chacun y est
précédé d'une redéfinition de ``\thetable`` ou ``\thefigure`` qui impose le même numéro (légende
et renvois).
Une étiquette du référentiel qui ne correspond à aucun tableau du livre est signalée par un
avertissement, qui fait échouer la construction stricte (``-W``).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # clusterlib du dépôt

journal = logging.getLogger(__name__)

Numero = tuple[int | str, ...]


def numeros_du_guide(referentiel: dict[str, Any]) -> dict[tuple[str, str], int]:
    """(page, identifiant du tableau) → numéro du guide, pour l'étiquette et chaque reprise."""
    numeros: dict[tuple[str, str], int] = {}
    for tableau in referentiel["tableaux"]:
        lieux = [tableau, *tableau.get("reprises", [])]
        for lieu in lieux:
            numeros[(lieu["page"], nodes.make_id(lieu["etiquette"]))] = int(tableau["numero"])
    return numeros


def prefixe(page: str, prefixes: dict[str, str]) -> str:
    """Le préfixe d'un tableau propre au livre : celui du dossier le plus long qui contient la page."""
    dossiers = sorted((d for d in prefixes if d != "defaut" and page.startswith(d)), key=len, reverse=True)
    return prefixes[dossiers[0]] if dossiers else prefixes["defaut"]


def renumeroter(tableaux: Iterable[tuple[str, str]], referentiel: dict[str, Any]) -> dict[tuple[str, str], Numero]:
    """Le numéro de chaque tableau, donnés dans l'ordre du livre comme couples (page, identifiant).

    Les tableaux du guide gardent son numéro, les autres sont comptés par préfixe (« A », 1) ;
    jamais un numéro seul pour un tableau qui n'est pas du guide.
    """
    du_guide = numeros_du_guide(referentiel)
    compteurs: dict[str, int] = {}
    resultat: dict[tuple[str, str], Numero] = {}
    for cle in tableaux:
        if cle in du_guide:
            resultat[cle] = (du_guide[cle],)
            continue
        lettre = prefixe(cle[0], referentiel["prefixes"])
        compteurs[lettre] = compteurs.get(lettre, 0) + 1
        resultat[cle] = (lettre, compteurs[lettre])
    return resultat


def numeros_figures_du_guide(figures: dict[str, Any]) -> dict[tuple[str, str], Numero]:
    """(page, identifiant) → numéro (« G », n) de chaque figure qui reproduit un schéma du guide."""
    return {(f["page"], nodes.make_id(f["etiquette"])): (figures["prefixe_guide"], int(f["numero"]))
            for f in figures["figures"] if f["origine"] == "guide"}


def renumeroter_figures(ordre: Iterable[tuple[str, str]], figures: dict[str, Any],
                        prefixes: dict[str, str]) -> dict[tuple[str, str], Numero]:
    """Le numéro de chaque figure, données dans l'ordre du livre comme couples (page, identifiant).

    Un schéma du guide garde sa désignation (« G », n) ; les autres figures sont comptées par
    préfixe de dossier (« L », 1), comme les tableaux propres au livre.
    """
    du_guide = numeros_figures_du_guide(figures)
    compteurs: dict[str, int] = {}
    resultat: dict[tuple[str, str], Numero] = {}
    for cle in ordre:
        if cle in du_guide:
            resultat[cle] = du_guide[cle]
            continue
        lettre = prefixe(cle[0], prefixes)
        compteurs[lettre] = compteurs.get(lettre, 0) + 1
        resultat[cle] = (lettre, compteurs[lettre])
    return resultat


def _appliquer_figures(env: BuildEnvironment, prefixes: dict[str, str]) -> set[str]:
    from clusterlib import referentiel

    figures = referentiel.figures_guide()
    ordre = [(page, ident) for page, types in env.toc_fignumbers.items() for ident in types.get("figure", {})]
    modifiees = set()
    for (page, ident), numero in renumeroter_figures(ordre, figures, prefixes).items():
        if env.toc_fignumbers[page]["figure"][ident] != numero:
            env.toc_fignumbers[page]["figure"][ident] = numero
            modifiees.add(page)
    presents = set(ordre)
    for f in figures["figures"]:
        cle = (f["page"], nodes.make_id(f["etiquette"]))
        if f["page"] in env.found_docs and cle not in presents:
            journal.warning("figure %s : aucune figure numérotée « %s » dans %s (voir "
                            "clusterlib/referentiel/figures_guide.yml)", f["cle"], f["etiquette"], f["page"],
                            type="numeros_guide")
    return modifiees


def _appliquer(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Après la numérotation de Sphinx : remplace les numéros des tableaux."""
    if not env.config.numfig:
        return []
    from clusterlib import referentiel

    ref = referentiel.lire("tableaux_guide.yml")
    ordre = [(page, ident) for page, types in env.toc_fignumbers.items()
             for ident in types.get("table", {})]
    nouveaux = renumeroter(ordre, ref)
    modifiees = set()
    for (page, ident), numero in nouveaux.items():
        if env.toc_fignumbers[page]["table"][ident] != numero:
            env.toc_fignumbers[page]["table"][ident] = numero
            modifiees.add(page)
    presents = set(ordre)
    for (page, ident), numero in numeros_du_guide(ref).items():
        if page in env.found_docs and (page, ident) not in presents:
            journal.warning("tableau %s du guide : aucun tableau numéroté « %s » dans %s (voir "
                            "clusterlib/referentiel/tableaux_guide.yml)", numero, ident, page,
                            type="numeros_guide")
    modifiees |= _appliquer_figures(env, ref["prefixes"])
    return sorted(modifiees)


def numero_affiche(numero: Numero) -> str:
    """Le numéro tel que la légende le montre : « 13 », « A.3 »."""
    return ".".join(str(partie) for partie in numero)


_COMPTEURS_LATEX = {"table": (nodes.table, "thetable"), "figure": (nodes.figure, "thefigure")}
"""Type numéroté par Sphinx → (nœud docutils, compteur LaTeX dont on impose l'affichage)."""


def _pages_des_noeuds(doctree: nodes.document, page: str, classe: type[nodes.Element]) -> dict[int, str]:
    """La page d'origine de chaque nœud de la classe donnée (par ``id`` du nœud).

    L'arbre LaTeX réunit toutes les pages, chacune sous un ``start_of_file`` ; Sphinx y range les
    pages sans leur donner de parent, d'où un parcours depuis la racine (le plus profond l'emporte).
    """
    pages = {id(n): page for n in doctree.findall(classe)}
    for fichier in doctree.findall(addnodes.start_of_file):
        for noeud in fichier.findall(classe):
            pages[id(noeud)] = fichier["docname"]
    return pages


def _numeros_latex(app: Sphinx, doctree: nodes.document, page: str) -> None:
    """Édition LaTeX : impose à chaque tableau et figure numérotés le numéro calculé par ``_appliquer``."""
    if app.builder.format != "latex" or not app.env.config.numfig:
        return
    for genre, (classe, compteur) in _COMPTEURS_LATEX.items():
        pages = _pages_des_noeuds(doctree, page, classe)
        for noeud in list(doctree.findall(classe)):
            numeros = app.env.toc_fignumbers.get(pages[id(noeud)], {}).get(genre, {})
            numero = next((numeros[i] for i in noeud["ids"] if i in numeros), None)
            if numero is None or noeud.parent is None:
                continue
            commande = "\\renewcommand{\\" + compteur + "}{" + numero_affiche(numero) + "}"
            noeud.parent.insert(noeud.parent.index(noeud), nodes.raw("", commande, format="latex"))


def setup(app: Sphinx) -> dict[str, Any]:
    """Branche la renumérotation après celle de Sphinx (priorité plus tardive)."""
    app.connect("env-get-updated", _appliquer, priority=900)
    app.connect("doctree-resolved", _numeros_latex)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
