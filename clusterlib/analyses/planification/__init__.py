"""Les tableaux de l'atelier de planification et le suivi du plan d'actions.

Après le diagnostic, le cluster se réunit en atelier (section 4.3.4 du guide) et remplit une
série de tableaux : la synthèse des informations (tableau 7), les forces et faiblesses par
maillon et par relation (tableau 8), la vision avec ses opportunités et menaces (tableau 9),
les changements souhaités (tableau 10) et les actions prioritaires (tableau 11). Ce module
rassemble ce que les données du cluster apportent à ces tableaux, pour que l'atelier parte de
ce qui est déjà connu : des faits, des codes et des nombres rangés dans les rubriques et les
lignes du guide. :mod:`clusterlib.presentation.planification` en écrit les cases, les
intitulés et les notes, et donne les modèles vierges à imprimer. Les données n'ont ni vision
ni conditions de réalisation : ces cases restent à remplir et le tableau le dit.

Il calcule ensuite l'avancement du plan à une date de référence (réalisé, en cours, en
retard, prévu, abandonné), le budget prévu et dépensé, les indicateurs visés et atteints, et
le suivi de la revue de campagne (section 4.3.6, tableau 13) qui dit ce qui a changé depuis
la revue précédente.

Toutes les fonctions sont pures : elles ne modifient ni le cluster ni les tableaux reçus.
La structure des tableaux (rubriques, lignes, correspondance avec les maillons) est dans
``referentiel/planification.yml``.

Le sous-paquet se range par responsabilité :

- :mod:`~clusterlib.analyses.planification.tableaux` : les faits des tableaux 7 à 11 de l'atelier ;
- :mod:`~clusterlib.analyses.planification.suivi` : avancement, budget et indicateurs du plan ;
- :mod:`~clusterlib.analyses.planification.revue` : la revue de campagne (tableau 13) ;
- :mod:`~clusterlib.analyses.planification._commun` : référentiel, états et outils partagés.
"""

from clusterlib.analyses.planification._commun import (
    ETATS,
    ErreurPlanification,
    libelle_etat,
    lire_mois,
    maillon_agregateur,
)
from clusterlib.analyses.planification.revue import (
    evolution_ffom,
    evolution_notes,
    fin_campagne,
    lire_plan_precedent,
    revue_campagne,
    suivi_campagne,
)
from clusterlib.analyses.planification.suivi import (
    avancement,
    budget_plan,
    indicateurs_plan,
    lire_date,
    resume_avancement,
)
from clusterlib.analyses.planification.tableaux import (
    actions_du_plan,
    changements_par_ligne,
    faits_synthese,
    ffom_par_ligne,
    opportunites_menaces,
)

__all__ = [
    "ETATS",
    "ErreurPlanification",
    "actions_du_plan",
    "avancement",
    "budget_plan",
    "changements_par_ligne",
    "evolution_ffom",
    "evolution_notes",
    "faits_synthese",
    "ffom_par_ligne",
    "fin_campagne",
    "indicateurs_plan",
    "libelle_etat",
    "lire_date",
    "lire_mois",
    "lire_plan_precedent",
    "maillon_agregateur",
    "opportunites_menaces",
    "resume_avancement",
    "revue_campagne",
    "suivi_campagne",
]
