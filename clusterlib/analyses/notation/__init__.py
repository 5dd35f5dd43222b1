"""Notation de la grille de fonctionnement (annexe 3 du guide) : notes, niveaux, évolution.

La grille compte six axes de quatre indicateurs, notés de 1 à 4 (voir
``referentiel/grille.yml``). Règles de calcul, pour une campagne :

- note d'un indicateur = moyenne des notes de ses évaluateurs ; on garde l'écart entre la
  note la plus haute et la plus basse, et un écart d'au moins ``regles.desaccord`` points
  signale un désaccord à discuter ;
- note d'un axe = moyenne des indicateurs notés de l'axe ;
- note globale = moyenne des axes qui ont au moins un indicateur noté ;
- pourcentage = (note − 1) / 3 × 100.

Un indicateur sans note n'est **pas évalué** : il ne compte jamais pour zéro, il fait
baisser la couverture (indicateurs notés / 24). Les niveaux (« Très faible » … « Fort »)
viennent de ``niveaux_global`` dans le référentiel.

Tout est vectorisé : :func:`scores_banque` calcule les notes de milliers de clusters et de
campagnes d'un coup (une colonne ``cluster`` en plus dans la table). Les fonctions prennent
un :class:`~clusterlib.donnees.modele.Cluster` ou directement une table ``scores`` et ne modifient
jamais ce qu'elles reçoivent.

Le sous-paquet se range par responsabilité :

- :mod:`~clusterlib.analyses.notation.niveaux` : niveaux et pourcentages des notes ;
- :mod:`~clusterlib.analyses.notation.scores` : les notes d'une campagne et leur résumé ;
- :mod:`~clusterlib.analyses.notation.tendances` : évolution entre campagnes et priorités ;
- :mod:`~clusterlib.analyses.notation.comparaisons` : plusieurs campagnes, plusieurs clusters ;
- :mod:`~clusterlib.analyses.notation.mesures` : les notes que suggèrent les données ;
- :mod:`~clusterlib.analyses.notation._commun` : exceptions, tendances et grille partagées.
"""

from clusterlib.analyses.notation._commun import (
    TENDANCES,
    CampagneAbsente,
    ScoresInvalides,
    regles,
)
from clusterlib.analyses.notation.comparaisons import (
    comparer_clusters,
    scores_banque,
    scores_campagnes,
)
from clusterlib.analyses.notation.mesures import (
    niveau_seuils,
    suggestions,
)
from clusterlib.analyses.notation.niveaux import (
    libelle_niveau,
    niveau,
    niveaux,
    pourcentage_score,
)
from clusterlib.analyses.notation.scores import (
    couverture,
    notes_par_evaluateur,
    score_global,
    scores_axes,
    scores_indicateurs,
    synthese_scores,
)
from clusterlib.analyses.notation.tendances import (
    evolution,
    priorites,
)

__all__ = [
    "TENDANCES",
    "CampagneAbsente",
    "ScoresInvalides",
    "comparer_clusters",
    "couverture",
    "evolution",
    "libelle_niveau",
    "niveau",
    "niveau_seuils",
    "niveaux",
    "notes_par_evaluateur",
    "pourcentage_score",
    "priorites",
    "regles",
    "score_global",
    "scores_axes",
    "scores_banque",
    "scores_campagnes",
    "scores_indicateurs",
    "suggestions",
    "synthese_scores",
]
