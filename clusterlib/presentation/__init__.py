"""Présentation : nombres, unités et tableaux à la française pour les personnes qui lisent."""
