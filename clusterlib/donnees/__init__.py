"""Données d'un cluster : lecture des fichiers, validation, et le modèle :class:`Cluster`.

Première couche du paquet : ``lecture`` lit les fichiers bruts (encodages, classeurs, numéros de
ligne), ``validation`` contrôle chaque valeur et les règles entre tables d'après
:mod:`clusterlib.referentiel`, ``modele`` assemble le :class:`Cluster` que les analyses reçoivent.
"""
