"""Formulaires interactifs (ipywidgets) pour les ateliers : notation, listes de contrôle,
scénarios. Ils appellent les fonctions d'analyse ; ils ne calculent rien eux-mêmes et
écrivent toujours de façon atomique (:mod:`clusterlib.fichiers`)."""
