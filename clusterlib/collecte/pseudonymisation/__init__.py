"""Pseudonymisation d'un jeu de données avant de le partager ou de publier un rapport.

Les noms de personnes, les adresses électroniques et les numéros de téléphone sont
remplacés par des pseudonymes stables : un HMAC-SHA256 calculé avec une clé secrète gardée
dans un fichier. La même personne reçoit le même pseudonyme dans tous les fichiers et à
chaque exécution avec la même clé ; sans la clé, on ne peut pas retrouver le nom. Les
identifiants, les codes et les nombres restent tels quels (sauf la position GPS des
personnes, arrondie) : les analyses donnent les mêmes résultats.

**Qui est une personne.** Sont relevés comme noms de personnes :

- le nom des acteurs de forme ``individu`` (la partie avant la première virgule, la suite
  « riziculteur à Glazoué » est gardée) ;
- les coachs de la fiche du cluster ;
- les colonnes qui peuvent nommer une personne (``scores.evaluateur``,
  ``plan_actions.responsable``), sauf quand la valeur désigne un rôle ou une organisation
  (« Coach externe », « Union des étuveuses ») ;
- les réponses de collecte qui nomment une personne (enquêteur, répondant) ;
- dans tous les textes libres, les mots à majuscule qui suivent une civilité (« Mme
  Agossou », « M. Jean Agbo », « Dr Houénou ») : la liste des civilités est dans
  ``fiches_collecte.yml``.

**Où on les remplace.** Partout, en comparant sans accents ni majuscules (« Felicite
KPONOU » est « Félicité Kponou ») et par parties : un nom est découpé en mots, et une suite
de mots qui appartiennent tous au même nom connu est remplacée par le pseudonyme de ce nom
(« Kponou Félicité », « Mme Kponou », « Félicité » seule). Pour éviter les faux positifs :

- une partie de moins de 3 lettres (« Da », « Bi ») n'est jamais remplacée seule ;
- une partie qui est un mot courant ou du vocabulaire agricole (« félicité », « bio »,
  « riz », liste ``mots_courants``), un mot des listes du format, une particule (« de »,
  « da »), une commune, un département, un produit ou un marché du jeu, ou un mot du nom
  d'une organisation du jeu (« Cabinet Akowé »), n'est pas remplacée seule : elle l'est avec
  le reste du nom (« Félicité Bio », « Sévérin Akowé ») ou après une civilité (« Mme Bio ») ;
- une partie partagée par plusieurs personnes (« Kponou » pour Félicité et Jean Kponou)
  reçoit son propre pseudonyme, qui ne désigne aucune des deux.

**Adresses et téléphones.** Les adresses électroniques sont remplacées par ``Courriel-…``.
Les numéros béninois (8 chiffres de l'ancien plan, 10 chiffres commençant par 01 du
nouveau, avec ou sans +229), les numéros nationaux à 10 chiffres commençant par 0 et tous
les numéros internationaux (+228…, +33…, 00…) sont remplacés par ``Tél-…``.

**Positions.** La latitude et la longitude des acteurs de forme ``individu`` sont arrondies
au centième de degré (environ 1,1 km) : la carte garde le village, plus la parcelle ni la
maison. Celles des organisations (groupements, unions, entreprises…) sont gardées.

Le sous-paquet se range par responsabilité :

- :mod:`~clusterlib.collecte.pseudonymisation.cle` : la clé secrète (lecture, création, droits) ;
- :mod:`~clusterlib.collecte.pseudonymisation.pseudonymiseur` : les pseudonymes et leur
  remplacement dans un texte (noms, courriels, téléphones) ;
- :mod:`~clusterlib.collecte.pseudonymisation.jeu` : la pseudonymisation d'un jeu en texte
  (tables, réponses de collecte, fiche du cluster, positions) ;
- :mod:`~clusterlib.collecte.pseudonymisation.commande` : la commande ``clusterlib pseudonymise``
  (vérification des chemins, écriture de la copie, bilan).
"""

from __future__ import annotations

from clusterlib.collecte.pseudonymisation.cle import ErreurCle, avertissement_droits_cle, lire_cle
from clusterlib.collecte.pseudonymisation.commande import (
    BilanPseudonymisation,
    ErreurCommande,
    noms_ecrits,
    pseudonymiser,
)
from clusterlib.collecte.pseudonymisation.jeu import pseudonymiser_jeu
from clusterlib.collecte.pseudonymisation.pseudonymiseur import Pseudonymiseur, plier

__all__ = [
    "BilanPseudonymisation",
    "ErreurCle",
    "ErreurCommande",
    "Pseudonymiseur",
    "avertissement_droits_cle",
    "lire_cle",
    "noms_ecrits",
    "plier",
    "pseudonymiser",
    "pseudonymiser_jeu",
]
