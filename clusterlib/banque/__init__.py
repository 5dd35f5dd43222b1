"""La banque de clusters : tous les clusters d'une agence et leurs campagnes dans une base DuckDB.

Le guide appelle *hub* ou *banque de clusters* le niveau qui réunit les clusters d'une
filière dans une région (banque régionale, BRCA) ou dans tout le pays (banque nationale,
BNCA). Ce sous-paquet tient cette banque dans un seul fichier DuckDB, sans serveur :

- :mod:`clusterlib.banque.stockage` : ouverture (versions du schéma, fichiers abîmés, second
  écrivain), ajout et retrait de clusters, export Parquet et Excel ;
- :mod:`clusterlib.banque.analyses` : les analyses d'un hub (fonctions pures, ``DataFrame``) ;
- :mod:`clusterlib.banque.hub` : le rapport de hub (``clusterlib report-hub``).

>>> from clusterlib.banque import ouvrir  # doctest: +SKIP
>>> with ouvrir("banque.duckdb") as banque:  # doctest: +SKIP
...     banque.requete("SELECT cluster, nom FROM clusters")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clusterlib.banque.stockage import (
        VERSION_SCHEMA,
        Banque,
        ErreurBanque,
        Issue,
        ajouter,
        exporter,
        lister,
        ouvrir,
        retirer,
    )

__all__ = ["VERSION_SCHEMA", "Banque", "ErreurBanque", "Issue", "ajouter", "exporter", "lister", "ouvrir",
           "retirer"]


def __getattr__(nom: str) -> Any:
    # duckdb et pandas ne sont importés qu'au premier usage : l'aide de la ligne de commande reste instantanée.
    if nom in __all__:
        valeur = getattr(importlib.import_module(".stockage", __name__), nom)
        globals()[nom] = valeur
        return valeur
    raise AttributeError(f"module 'clusterlib.banque' has no attribute {nom!r}")
