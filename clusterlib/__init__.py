"""clusterlib : diagnostic des clusters agricoles du Bénin.

Point d'entrée : :func:`load` charge et valide un cluster (dossier de CSV ou classeur
Excel) et renvoie un :class:`Cluster` dont les analyses se servent.

>>> import clusterlib
>>> cluster = clusterlib.load("data/samples/riz-glazoue")  # doctest: +SKIP
"""

from .modele import Cluster, Coach, Fiche, Marche, TableAbsente, load
from .problemes import ErreurDonnees, Probleme
from .validation import valider

__version__ = "0.1.0"

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
