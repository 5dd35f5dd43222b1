"""Collecte sur le terrain : modèle Excel, formulaires Kobo/ODK, import des exports, pseudonymisation."""
