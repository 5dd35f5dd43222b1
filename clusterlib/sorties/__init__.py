"""Sorties : rapports par cluster (papermill), documents imprimables d'atelier."""
