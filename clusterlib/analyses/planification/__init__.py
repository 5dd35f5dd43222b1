"""Les tableaux de l'atelier de planification et le suivi du plan d'actions.

Après le diagnostic, le cluster se réunit en atelier (section 4.3.4 du guide) et remplit une
série de tableaux : la synthèse des informations (tableau 7), les forces et faiblesses par
maillon et par relation (tableau 8), la vision avec ses opportunités et menaces (tableau 9),
les changements souhaités (tableau 10) et les actions prioritaires (tableau 11). Ce module
prépare ces tableaux à partir des données du cluster, pour que l'atelier parte de ce qui est
déjà connu, ou vierges, pour être imprimés. Les données n'ont ni vision ni conditions de
réalisation : ces cases restent à remplir et le tableau le dit.

Il calcule ensuite l'avancement du plan à une date de référence (réalisé, en cours, en
retard, prévu, abandonné), le budget prévu et dépensé, les indicateurs visés et atteints, et
le tableau de la revue de campagne (section 4.3.6, tableau 13) qui dit ce qui a changé depuis
la revue précédente.

Toutes les fonctions sont pures : elles ne modifient ni le cluster ni les tableaux reçus.
La structure des tableaux (rubriques, lignes, correspondance avec les maillons) est dans
``referentiel/planification.yml``.

Le sous-paquet se range par responsabilité :

- :mod:`~clusterlib.analyses.planification.tableaux` : les tableaux 7 à 11 de l'atelier ;
- :mod:`~clusterlib.analyses.planification.suivi` : avancement, budget et indicateurs du plan ;
- :mod:`~clusterlib.analyses.planification.revue` : la revue de campagne (tableau 13) ;
- :mod:`~clusterlib.analyses.planification._commun` : référentiel, états et outils partagés.
"""

from clusterlib.analyses.planification._commun import (
    A_COMPLETER,
    ETATS,
    ErreurPlanification,
    TableauAtelier,
    libelle_etat,
    maillon_agregateur,
    periode,
)
from clusterlib.analyses.planification.revue import (
    evolution_ffom,
    evolution_notes,
    fin_campagne,
    lire_plan_precedent,
    revue_campagne,
    suivi_campagne,
    tableau_suivi,
)
from clusterlib.analyses.planification.suivi import (
    avancement,
    budget_plan,
    indicateurs_plan,
    lire_date,
    resume_avancement,
)
from clusterlib.analyses.planification.tableaux import (
    actions_prioritaires,
    changements_souhaites,
    forces_faiblesses,
    style_tableau,
    synthese_informations,
    tableaux_atelier,
    tableaux_vierges,
    vision_opportunites_menaces,
)

__all__ = [
    "A_COMPLETER",
    "ETATS",
    "ErreurPlanification",
    "TableauAtelier",
    "actions_prioritaires",
    "avancement",
    "budget_plan",
    "changements_souhaites",
    "evolution_ffom",
    "evolution_notes",
    "fin_campagne",
    "forces_faiblesses",
    "indicateurs_plan",
    "libelle_etat",
    "lire_date",
    "lire_plan_precedent",
    "maillon_agregateur",
    "periode",
    "resume_avancement",
    "revue_campagne",
    "style_tableau",
    "suivi_campagne",
    "synthese_informations",
    "tableau_suivi",
    "tableaux_atelier",
    "tableaux_vierges",
    "vision_opportunites_menaces",
]
