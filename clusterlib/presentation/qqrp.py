"""Le tableau QQRP à la française (:mod:`clusterlib.analyses.qqrp`).

L'analyse rend les quatre facteurs (quantité, qualité, régularité, prix) en nombres ; ce
module écrit le tableau à lire : libellé de la ligne d'ensemble, quantités avec leur unité,
pourcentages signés, prix en FCFA par unité. Il ne recalcule rien.
"""

from __future__ import annotations

import pandas as pd

from clusterlib.presentation.format_fr import ESPACE_FINE, fcfa, nombre, pourcentage

__all__ = ["ENSEMBLE", "nom_marche", "tableau_qqrp"]

ENSEMBLE = "Ensemble des marchés"
"""Le libellé des lignes d'ensemble (colonne ``ensemble`` vraie)."""


def nom_marche(ligne: pd.Series) -> str:
    """Le nom du marché d'une ligne QQRP, ou « Ensemble des marchés » pour une ligne d'ensemble."""
    return ENSEMBLE if bool(ligne["ensemble"]) else str(ligne["marche"])


def tableau_qqrp(resume: pd.DataFrame) -> pd.DataFrame:
    """Le tableau compact (:func:`clusterlib.analyses.qqrp.resume_qqrp`) mis en forme à la
    française, prêt à afficher (textes).

    Colonnes : Marché, Quantité livrée, Évolution, Croissance par an, Qualité (conformité),
    Régularité (à temps), Prix moyen (FCFA par unité), Évolution du prix.
    """
    def signe(v: float) -> str:
        return pourcentage(v, signe=True)

    lignes = []
    for _, r in resume.iterrows():
        lignes.append({
            "Marché": nom_marche(r),
            "Quantité livrée": f"{nombre(r['volume'])}{ESPACE_FINE}{r['unite']}".strip(),
            "Évolution": signe(r["evolution_volume"]),
            "Croissance par an": signe(r["croissance_annuelle"]),
            "Qualité (conformité)": pourcentage(r["taux_conformite"]),
            "Régularité (à temps)": pourcentage(r["regularite"]),
            "Prix moyen": f"{fcfa(r['prix_moyen'])}/{r['unite']}" if r["unite"] else fcfa(r["prix_moyen"]),
            "Évolution du prix": signe(r["evolution_prix"]),
        })
    return pd.DataFrame(lignes, dtype="str") if lignes else pd.DataFrame()
