"""Import des exports KoboToolbox / ODK dans un jeu de données de cluster.

L'export attendu est celui que KoboToolbox propose avec « valeurs et en-têtes XML » :

- un classeur ``.xlsx`` dont la première feuille contient une ligne par soumission et chaque
  groupe répété (les partenaires d'affaires) une feuille à part, reliée par ``_parent_index``
  (ou ``_submission__uuid``) ;
- ou le CSV de la section principale (séparateur point-virgule), qui ne contient pas les
  groupes répétés.

Les en-têtes peuvent porter le chemin des groupes (``acteur/nom_acteur``, séparateur ``/``) ou
non ; une deuxième ligne d'étiquettes HXL est ignorée ; les questions à choix multiple
peuvent être une colonne de codes séparés par des espaces ou une colonne 0/1 par choix ; les
nombres et les dates peuvent être du texte. Les colonnes de métadonnées de Kobo (``_id``,
``_submission_time``, ``start``…) sont laissées de côté, sauf ``_uuid`` qui identifie la
soumission.

Les soumissions des fiches de l'annexe 2 donnent des acteurs et des relations (et les
réponses qualitatives, rangées dans ``reponses_collecte.csv``) ; celles de la grille donnent
``scores.csv``. L'import fusionne avec le jeu existant sans toucher aux lignes qu'il n'a pas
importées : une soumission déjà importée (même ``_uuid``, colonne ``soumission``) met à jour
ses propres lignes au lieu d'en ajouter. Tout est vérifié avant d'écrire : si l'export ne
correspond pas au formulaire, rien n'est écrit.

Le sous-paquet se range par responsabilité :

- :mod:`~clusterlib.collecte.kobo.lecture` : la lecture de l'export (feuilles, lignes HXL) ;
- :mod:`~clusterlib.collecte.kobo.correspondance` : les colonnes de l'export qui portent chaque
  question du formulaire, et les métadonnées de Kobo ;
- :mod:`~clusterlib.collecte.kobo.valeurs` : la conversion d'une réponse selon le type de sa question ;
- :mod:`~clusterlib.collecte.kobo.soumissions` : les lignes de l'export, rattachées à leur soumission ;
- :mod:`~clusterlib.collecte.kobo.fusion` : la fusion des soumissions dans les tables du jeu ;
- :mod:`~clusterlib.collecte.kobo.bilan` : ce que l'import a fait, et son résumé ;
- :mod:`~clusterlib.collecte.kobo.importation` : l'import complet, vérifié avant d'écrire ;
- :mod:`~clusterlib.collecte.kobo._commun` : les noms de colonne et de fichier partagés.
"""

from __future__ import annotations

from clusterlib.collecte.kobo._commun import COLONNE_SOUMISSION, FICHIER_REPONSES
from clusterlib.collecte.kobo.bilan import BilanImport
from clusterlib.collecte.kobo.importation import importer_kobo
from clusterlib.collecte.kobo.lecture import FeuilleExport, lire_export

__all__ = [
    "COLONNE_SOUMISSION",
    "FICHIER_REPONSES",
    "BilanImport",
    "FeuilleExport",
    "importer_kobo",
    "lire_export",
]
