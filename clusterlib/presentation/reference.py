"""La référence de clusterlib écrite depuis le code : modules, noms exportés, première phrase de leur aide.

La page « Référence de clusterlib » du livre ne décrit pas l'API à la main : elle demande ici,
module par module, les noms exportés (liste ``__all__``), leur forme d'appel et le premier
paragraphe de leur documentation, mis en tableaux Markdown (MyST).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["forme_appel", "nature", "premiere_phrase", "tableau_groupe", "tableau_module", "tous_les_modules"]

_ROLE_SPHINX = re.compile(r":[a-z]+:`~?(?:[\w.]+\.)?([^`]+)`")


def tous_les_modules(ignores: Iterable[str] = ()) -> list[str]:
    """Les noms de tous les modules du paquet ``clusterlib``, sous-paquets compris, sauf ceux de ``ignores``."""
    import clusterlib

    ecartes = set(ignores)
    noms = ["clusterlib"] + [info.name for info in pkgutil.walk_packages(clusterlib.__path__, prefix="clusterlib.")]
    return [nom for nom in noms if nom not in ecartes]


def premiere_phrase(objet: Any) -> str:
    """Le premier paragraphe de la documentation d'un objet, sur une ligne, prêt pour une case de tableau MyST.

    Les renvois Sphinx deviennent du code (le nom seul) et les barres verticales sont protégées,
    pour ne pas couper la case.
    """
    doc = inspect.getdoc(objet) or ""
    texte = " ".join(doc.strip().split("\n\n")[0].split())
    texte = _ROLE_SPHINX.sub(r"`\1`", texte)
    return texte.replace("``", "`").replace("|", "\\|")


def forme_appel(nom: str, objet: Any) -> str:
    """Le nom suivi de ses paramètres (sans les types, « =… » pour une valeur par défaut), entre accents graves."""
    try:
        signature = inspect.signature(objet)
    except (TypeError, ValueError):
        return f"`{nom}`"
    morceaux, etoile = [], False
    for parametre in signature.parameters.values():
        if parametre.kind is parametre.VAR_POSITIONAL:
            morceaux.append(f"*{parametre.name}")
            etoile = True
            continue
        if parametre.kind is parametre.VAR_KEYWORD:
            morceaux.append(f"**{parametre.name}")
            continue
        if parametre.kind is parametre.KEYWORD_ONLY and not etoile:
            morceaux.append("*")
            etoile = True
        morceaux.append(parametre.name + ("=…" if parametre.default is not parametre.empty else ""))
    return f"`{nom}({', '.join(morceaux)})`"


def nature(objet: Any) -> str:
    """Ce qu'est un nom exporté : « exception », « classe », « fonction », « module » ou « constante (type) »."""
    if inspect.isclass(objet):
        return "exception" if issubclass(objet, BaseException) else "classe"
    if callable(objet):
        return "fonction"
    if inspect.ismodule(objet):
        return "module"
    return f"constante ({type(objet).__name__})"


def tableau_module(nom_module: str) -> str:
    """Le bloc Markdown d'un module : son nom, sa première phrase, puis le tableau de ses noms exportés."""
    module = importlib.import_module(nom_module)
    lignes = [f"**`{nom_module}`** — {premiere_phrase(module)}", ""]
    exportes = [nom for nom in getattr(module, "__all__", []) if not nom.startswith("_")]
    if not exportes:
        lignes.append("*Sous-paquet sans fonction exportée : voir ses modules ci-dessous.*")
        return "\n".join(lignes)
    lignes += ["| Nom | Nature | Description |", "| --- | --- | --- |"]
    for nom in exportes:
        objet = getattr(module, nom)
        if inspect.isclass(objet) or callable(objet):
            lignes.append(f"| {forme_appel(nom, objet)} | {nature(objet)} | {premiere_phrase(objet)} |")
        else:
            lignes.append(f"| `{nom}` | {nature(objet)} | |")
    return "\n".join(lignes)


def tableau_groupe(modules: Sequence[str], sous_modules: Mapping[str, Sequence[str]]) -> str:
    """Les blocs Markdown d'un groupe de modules, chacun suivi de ses sous-modules (``sous_modules[nom]``)."""
    blocs = []
    for nom in modules:
        blocs.append(tableau_module(nom))
        blocs.extend(tableau_module(sous) for sous in sous_modules.get(nom, []))
    return "\n\n".join(blocs)
