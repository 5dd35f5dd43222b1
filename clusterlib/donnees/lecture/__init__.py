"""Lecture brute des fichiers d'un cluster : dossier de CSV ou classeur Excel.

Ce sous-paquet ne juge pas les valeurs : il retrouve les fichiers, devine l'encodage et le
séparateur, lit les cellules comme texte et note le numéro de ligne que montre un
tableur (l'en-tête est la ligne 1). La validation (:mod:`clusterlib.donnees.validation`) fait
le reste. Rien n'est jamais écrit dans les données lues.

Il se range par responsabilité :

- :mod:`~clusterlib.donnees.lecture.fichiers` : les octets d'un fichier ordinaire, sans
  jamais bloquer (tube, périphérique) et dans la limite de taille ;
- :mod:`~clusterlib.donnees.lecture.cellules` : les cellules en texte et la table brute
  (:class:`TableBrute`) construite depuis des lignes, en-tête compris ;
- :mod:`~clusterlib.donnees.lecture.tableaux_csv` : les tables en CSV (encodage, séparateur,
  lignes bornées) ;
- :mod:`~clusterlib.donnees.lecture.classeur` : les classeurs ``.xlsx`` (archive vérifiée,
  feuilles lues cellule par cellule, cellules fusionnées) ;
- :mod:`~clusterlib.donnees.lecture.fiche` : la fiche du cluster (:class:`FicheBrute`),
  ``cluster.yml`` ou feuille « cluster » ;
- :mod:`~clusterlib.donnees.lecture.jeu` : le jeu complet (:class:`JeuBrut`), dossier ou
  classeur, lu par :func:`lire_jeu` ;
- :mod:`~clusterlib.donnees.lecture._commun` : limites de ``referentiel/limites.yml``, refus
  situé, nombres et tailles en français, partagés par les modules ci-dessus.
"""

from clusterlib.donnees.lecture.cellules import TableBrute, table_depuis_lignes
from clusterlib.donnees.lecture.classeur import lignes_feuille, ouvrir_classeur
from clusterlib.donnees.lecture.classeur import lire_feuille_table as lire_feuille_table
from clusterlib.donnees.lecture.fiche import FicheBrute
from clusterlib.donnees.lecture.fiche import lire_fiche_yaml as lire_fiche_yaml
from clusterlib.donnees.lecture.fichiers import lire_octets
from clusterlib.donnees.lecture.jeu import EXTENSIONS_TABLE as EXTENSIONS_TABLE
from clusterlib.donnees.lecture.jeu import NOMS_FICHE as NOMS_FICHE
from clusterlib.donnees.lecture.jeu import SUFFIXES_CLASSEUR as SUFFIXES_CLASSEUR
from clusterlib.donnees.lecture.jeu import JeuBrut, lire_jeu
from clusterlib.donnees.lecture.tableaux_csv import decoder, separateur
from clusterlib.donnees.lecture.tableaux_csv import lire_csv as lire_csv

# Les noms publics du sous-paquet, ceux du module d'avant le découpage. Les autres noms
# importés ci-dessus (« nom as nom ») restent lisibles ici pour les appelants :
# SUFFIXES_CLASSEUR (cli.py), lire_csv (collecte/) et les autres lectures d'un fichier.
__all__ = [
    "FicheBrute",
    "JeuBrut",
    "TableBrute",
    "decoder",
    "lignes_feuille",
    "lire_jeu",
    "lire_octets",
    "ouvrir_classeur",
    "separateur",
    "table_depuis_lignes",
]
