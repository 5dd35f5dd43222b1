"""Le réseau d'un cluster : graphe des acteurs et des relations, exports et diagnostics.

Ce sous-paquet lit les tables ``acteurs`` et ``relations`` d'un :class:`~clusterlib.Cluster`
et calcule ce que le coach lit d'habitude sur la cartographie (annexe 4 du guide). Il se
range par responsabilité :

- :mod:`~clusterlib.analyses.reseau.graphe` : le graphe networkx, la table des relations
  enrichie et leurs exports (GraphML, GEXF, CSV) ;
- :mod:`~clusterlib.analyses.reseau.diagnostics` : agrégateur, dépendance, étapes de la
  chaîne, contractualisation, acteurs isolés, appui, place des femmes, synthèse ;
- :mod:`~clusterlib.analyses.reseau.prealables` : les préalables de la section 4.1 ;
- :mod:`~clusterlib.analyses.reseau.carte` : les nœuds et liens que la carte dessine.

Toutes les fonctions sont pures et rendent des nombres, des codes et des tableaux ; leur
mise en mots est dans :mod:`clusterlib.presentation.reseau`. Seuils, étapes et règles de
regroupement sont des données : ``clusterlib/referentiel/cartographie.yml``.
"""

from clusterlib.analyses.reseau._commun import referentiel_cartographie
from clusterlib.analyses.reseau.carte import CarteReseau, reseau_carte
from clusterlib.analyses.reseau.diagnostics import (
    ReseauVide,
    acteurs_isoles,
    agregateur,
    contractualisation,
    couverture_appui,
    dependance,
    diagnostic_reseau,
    maillons_manquants,
    part_femmes,
    reseau_vide,
    synthese_reseau,
)
from clusterlib.analyses.reseau.graphe import (
    exporter_gexf,
    exporter_graphml,
    exporter_table_relations,
    graphe,
    table_relations,
)
from clusterlib.analyses.reseau.prealables import prealables, synthese_prealables

__all__ = [
    "CarteReseau",
    "ReseauVide",
    "acteurs_isoles",
    "agregateur",
    "contractualisation",
    "couverture_appui",
    "dependance",
    "diagnostic_reseau",
    "exporter_gexf",
    "exporter_graphml",
    "exporter_table_relations",
    "graphe",
    "maillons_manquants",
    "part_femmes",
    "prealables",
    "referentiel_cartographie",
    "reseau_carte",
    "reseau_vide",
    "synthese_prealables",
    "synthese_reseau",
    "table_relations",
]
