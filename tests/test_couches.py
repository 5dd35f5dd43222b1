"""Une seule couche parle à l'utilisateur : la ligne de commande (``clusterlib/cli.py``).

Les autres modules rendent des résultats ou lèvent les exceptions du projet ; ils n'affichent
rien (``print``), ne demandent rien (``input``), ne quittent pas le processus (``sys.exit``)
et ne lisent pas la ligne de commande (``argparse``). Vérifié sur le code lui-même (ast).
Les messages d'argparse sont traduits par un catalogue gettext, jamais en remplaçant une
fonction privée d'argparse.
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
