"""Une seule couche parle à l'utilisateur : la ligne de commande (``clusterlib/cli.py``).

Les autres modules rendent des résultats ou lèvent les exceptions du projet ; ils n'affichent
rien (``print``), ne demandent rien (``input``), ne quittent pas le processus (``sys.exit``)
et ne lisent pas la ligne de commande (``argparse``). Vérifié sur le code lui-même (ast).
Les messages d'argparse sont traduits par un catalogue gettext, jamais en remplaçant une
fonction privée d'argparse.

Les analyses rendent des nombres, des codes et des identifiants : aucun module de
``clusterlib/analyses`` n'importe les couches qui rédigent, dessinent ou écrivent
(``presentation``, ``graphiques``, ``sorties``, ``formulaires``, ``cli``).
"""

from __future__ import annotations

import argparse
import ast
import gettext
import inspect
import os
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import RACINE

from clusterlib.cli import main

PAQUET = RACINE / "clusterlib"
COUCHE_CLI = {PAQUET / "cli.py", PAQUET / "__main__.py"}
CATALOGUE = PAQUET / "traductions" / "fr" / "LC_MESSAGES"


def _interdits(chemin: Path) -> list[str]:
    """Les appels à print, input, sys.exit (ou exit, quit) et les imports d'argparse d'un module."""
    trouves = []
    for noeud in ast.walk(ast.parse(chemin.read_text(encoding="utf-8"), filename=str(chemin))):
        lieu = f"{chemin.relative_to(RACINE)}:{getattr(noeud, 'lineno', '?')}"
        if isinstance(noeud, ast.Call):
            fonction = noeud.func
            if isinstance(fonction, ast.Name) and fonction.id in {"print", "input", "exit", "quit"}:
                trouves.append(f"{lieu} : {fonction.id}()")
            elif (isinstance(fonction, ast.Attribute) and fonction.attr == "exit"
                  and isinstance(fonction.value, ast.Name) and fonction.value.id == "sys"):
                trouves.append(f"{lieu} : sys.exit()")
        elif isinstance(noeud, ast.Import):
            trouves += [f"{lieu} : import {a.name}" for a in noeud.names if a.name.split(".")[0] == "argparse"]
        elif isinstance(noeud, ast.ImportFrom):
            if (noeud.module or "").split(".")[0] == "argparse":
                trouves.append(f"{lieu} : from {noeud.module} import …")
            if noeud.module == "sys" and any(a.name == "exit" for a in noeud.names):
                trouves.append(f"{lieu} : from sys import exit")
    return trouves


def test_rien_n_est_affiche_ni_quitte_sous_la_ligne_de_commande() -> None:
    modules = [p for p in PAQUET.rglob("*.py") if "__pycache__" not in p.parts and p not in COUCHE_CLI]
    assert len(modules) > 40  # tout le paquet est parcouru, sous-paquets compris
    trouves = [t for module in modules for t in _interdits(module)]
    assert not trouves, "à ranger dans clusterlib/cli.py :\n" + "\n".join(trouves)


def test_la_verification_reconnait_ce_qu_elle_cherche() -> None:
    """La couche CLI, elle, affiche et lit argparse : la recherche la voit (elle peut donc échouer)."""
    dans_cli = _interdits(PAQUET / "cli.py")
    assert any("print()" in t for t in dans_cli) and any("import argparse" in t for t in dans_cli)
    assert any("sys.exit()" in t for t in _interdits(PAQUET / "__main__.py"))


COUCHES_AU_DESSUS_DES_ANALYSES = ("clusterlib.presentation", "clusterlib.graphiques", "clusterlib.sorties",
                                  "clusterlib.formulaires", "clusterlib.cli")


def _imports_interdits(source: str, nom: str, module: str) -> list[str]:
    """Les imports, même différés dans une fonction, des couches au-dessus des analyses.

    ``module`` (``clusterlib.analyses.reseau.graphe``) situe les imports relatifs.
    """
    paquet = module.split(".")
    trouves = []
    for noeud in ast.walk(ast.parse(source, filename=nom)):
        if isinstance(noeud, ast.Import):
            cibles = [a.name for a in noeud.names]
        elif isinstance(noeud, ast.ImportFrom):
            base = noeud.module or ""
            if noeud.level:  # « from ..presentation import x » : relatif au paquet du module
                base = ".".join([*paquet[:-noeud.level], *([base] if base else [])])
            cibles = [base, *(f"{base}.{a.name}" for a in noeud.names)]
        else:
            continue
        for cible in cibles:
            if any(cible == c or cible.startswith(c + ".") for c in COUCHES_AU_DESSUS_DES_ANALYSES):
                trouves.append(f"{nom}:{noeud.lineno} : {cible}")
                break
    return trouves


def _modules_analyses() -> list[Path]:
    return sorted(p for p in (PAQUET / "analyses").rglob("*.py") if "__pycache__" not in p.parts)


def test_les_analyses_n_importent_ni_presentation_ni_sorties() -> None:
    modules = _modules_analyses()
    assert len(modules) > 15  # sous-paquets reseau/, notation/, planification/ compris
    trouves = []
    for chemin in modules:
        relatif = chemin.relative_to(RACINE)
        module = ".".join(relatif.with_suffix("").parts)
        trouves += _imports_interdits(chemin.read_text(encoding="utf-8"), str(relatif), module)
    assert not trouves, "une analyse rend des nombres et des codes ; à rédiger dans presentation/ :\n" + "\n".join(
        trouves)


@pytest.mark.parametrize("source", [
    "from clusterlib.presentation.format_fr import nombre",
    "import clusterlib.graphiques.plan",
    "from clusterlib import sorties",
    "from clusterlib.formulaires import notation as f",
    "def f():\n    from clusterlib.cli import main\n    return main",
    "from ...presentation import reseau",
])
def test_la_verification_des_analyses_reconnait_un_import_interdit(source: str) -> None:
    trouves = _imports_interdits(source, "essai.py", "clusterlib.analyses.reseau.graphe")
    assert len(trouves) == 1 and trouves[0].startswith("essai.py:")


def test_la_verification_des_analyses_laisse_passer_les_couches_basses() -> None:
    source = ("from clusterlib import referentiel\nfrom clusterlib.fichiers import ecrire_atomique\n"
              "from clusterlib.analyses.planification._commun import _texte\nimport clusterlib.presentationx\n"
              "from . import _commun\n")
    assert _imports_interdits(source, "essai.py", "clusterlib.analyses.reseau.graphe") == []
    # Le vrai code de présentation, lui, est reconnu : la recherche peut échouer.
    chemin = PAQUET / "presentation" / "planification.py"
    assert _imports_interdits(chemin.read_text(encoding="utf-8"), "planification.py",
                              "clusterlib.presentation.planification")


def test_argparse_n_est_pas_modifie_et_gettext_est_rendu(capsys: pytest.CaptureFixture[str]) -> None:
    source = (PAQUET / "cli.py").read_text(encoding="utf-8")
    assert "argparse._ " not in source and "argparse._," not in source and "argparse.ngettext" not in source
    domaine, langue = gettext.textdomain(), os.environ.get("LANGUAGE")
    assert main(["validate"]) == 2
    assert "arguments obligatoires manquants : CHEMIN" in capsys.readouterr().err
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    assert gettext.textdomain() == domaine and os.environ.get("LANGUAGE") == langue


def _figer(texte: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return texte if isinstance(texte, str) else tuple(texte)


def test_le_catalogue_compile_suit_le_po() -> None:
    """Le .mo commité est celui du .po (sinon : msgfmt -o argparse.mo argparse.po)."""
    def messages(catalogue: Catalog) -> dict[object, object]:
        return {_figer(m.id): _figer(m.string) for m in catalogue if m.id}

    with (CATALOGUE / "argparse.po").open("rb") as fichier:
        po = messages(read_po(fichier))
    with (CATALOGUE / "argparse.mo").open("rb") as fichier:
        mo = messages(read_mo(fichier))
    assert po == mo
    assert all(po.values()), "message sans traduction"


def test_chaque_message_du_catalogue_est_un_message_d_argparse() -> None:
    """Une faute de frappe dans un msgid le rendrait inutile sans que rien ne le dise."""
    source = inspect.getsource(argparse)
    with (CATALOGUE / "argparse.po").open("rb") as fichier:
        identifiants = [i for m in read_po(fichier) if m.id for i in ([m.id] if isinstance(m.id, str) else m.id)]
    absents = [i for i in identifiants if i.replace("\n", "\\n") not in source]
    assert not absents, absents
