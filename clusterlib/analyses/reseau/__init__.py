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
from clusterlib.analyses.reseau.carte import *  # noqa: F403
from clusterlib.analyses.reseau.carte import __all__ as _noms_carte
from clusterlib.analyses.reseau.diagnostics import *  # noqa: F403
from clusterlib.analyses.reseau.diagnostics import __all__ as _noms_diagnostics
from clusterlib.analyses.reseau.graphe import *  # noqa: F403
from clusterlib.analyses.reseau.graphe import __all__ as _noms_graphe
from clusterlib.analyses.reseau.prealables import *  # noqa: F403
from clusterlib.analyses.reseau.prealables import __all__ as _noms_prealables

# Les noms publics du sous-paquet : ceux que déclare chacun de ses modules, et le référentiel partagé,
# par ordre alphabétique (l'ordre de la page de référence du livre).
__all__ = ["referentiel_cartographie", *_noms_carte, *_noms_diagnostics, *_noms_graphe, *_noms_prealables]
__all__.sort()
