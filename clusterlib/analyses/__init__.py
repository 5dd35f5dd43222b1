"""Analyses d'un cluster : des fonctions pures qui calculent des nombres.

Elles reçoivent un :class:`~clusterlib.donnees.modele.Cluster` (ou des ``DataFrame``) et renvoient
des ``DataFrame`` ou des résultats figés ; la mise en mots et les figures viennent après
(:mod:`clusterlib.presentation`, :mod:`clusterlib.graphiques`).
"""
