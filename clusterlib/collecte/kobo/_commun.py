"""Ce que partagent les modules de l'import Kobo : la colonne des soumissions et le fichier des réponses."""

from __future__ import annotations

COLONNE_SOUMISSION = "soumission"
FICHIER_REPONSES = "reponses_collecte"
