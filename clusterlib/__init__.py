"""clusterlib : diagnostic des clusters agricoles du Bénin.

Point d'entrée : :func:`load` charge et valide un cluster (dossier de CSV ou classeur
Excel) et renvoie un :class:`Cluster` dont les analyses se servent.

>>> import clusterlib
>>> cluster = clusterlib.load("data/samples/riz-glazoue")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster, Coach, Fiche, Marche, TableAbsente, load
    from clusterlib.donnees.problemes import ErreurDonnees, Probleme
    from clusterlib.donnees.validation import valider

# Les noms publics sont importés à la première utilisation : ``import clusterlib`` reste
# instantané pour les outils qui n'ont pas besoin de pandas (processus des rapports, CLI).
_ORIGINES = {
    "Cluster": "donnees.modele", "Coach": "donnees.modele", "Fiche": "donnees.modele",
    "Marche": "donnees.modele", "TableAbsente": "donnees.modele", "load": "donnees.modele",
    "ErreurDonnees": "donnees.problemes", "Probleme": "donnees.problemes",
    "valider": "donnees.validation",
}

__version__ = "0.1.0"

# Une liste littérale, que ruff et les vérificateurs de types savent lire.
__all__ = [
    "Cluster",
    "Coach",
    "ErreurDonnees",
    "Fiche",
    "Marche",
    "Probleme",
    "TableAbsente",
    "__version__",
    "load",
    "valider",
]


def __getattr__(nom: str) -> Any:
    if nom in _ORIGINES:
        valeur = getattr(importlib.import_module(f".{_ORIGINES[nom]}", __name__), nom)
        globals()[nom] = valeur
        return valeur
    raise AttributeError(f"module 'clusterlib' has no attribute {nom!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
