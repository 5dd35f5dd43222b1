"""Cellules en texte et table brute : l'en-tête, les colonnes nommées, les numéros de ligne du tableur."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from clusterlib import referentiel
from clusterlib.donnees.problemes import Probleme, abrege, lettre_colonne
from clusterlib.fichiers import retirer_neutralisation

__all__ = ["TableBrute", "table_depuis_lignes"]


@dataclass
class TableBrute:
    """Une table telle que lue : en-têtes normalisés et cellules en texte."""

    nom: str
    origine: str
    entetes: list[str]
    lignes: list[tuple[int, list[str]]]
    ligne_entete: int = 1
    entetes_bruts: list[str] = field(default_factory=list)


def _texte_cellule(valeur: Any) -> str:
    """Une cellule Excel en texte, comme la personne l'a saisie."""
    if valeur is None:
        return ""
    if isinstance(valeur, bool):
        return "true" if valeur else "false"
    if isinstance(valeur, int):
        return str(valeur)
    if isinstance(valeur, float):
        return str(int(valeur)) if valeur.is_integer() else repr(valeur)
    if isinstance(valeur, dt.datetime):
        return valeur.date().isoformat()
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return str(valeur).strip()


def table_depuis_lignes(
    nom: str, origine: str, lignes: list[list[str]], problemes: list[Probleme]
) -> TableBrute | None:
    """Construit une table : la première ligne non vide est l'en-tête."""
    # « '=1+1 » : l'apostrophe qu'écrivent les sorties de clusterlib devant un début de formule.
    numerotees = [(i, [retirer_neutralisation(c.strip()) for c in cellules]) for i, cellules in enumerate(lignes, 1)]
    numerotees = [(i, c) for i, c in numerotees if any(c)]
    if not numerotees:
        problemes.append(
            Probleme(origine, "le fichier est vide ; attendu : une ligne d'en-tête puis les données")
        )
        return None
    ligne_entete, bruts = numerotees[0]
    donnees = numerotees[1:]
    largeur = max(len(c) for _, c in numerotees)
    bruts = bruts + [""] * (largeur - len(bruts))
    # Colonnes vides en fin de ligne (souvent laissées par Excel) : on les retire.
    while bruts and not bruts[-1] and all(len(c) < len(bruts) or not c[len(bruts) - 1]
                                          for _, c in donnees):
        bruts.pop()
    entetes = [referentiel.cle_normalisee(b) for b in bruts]
    vues: dict[str, int] = {}
    for j, (entete, brut) in enumerate(zip(entetes, bruts, strict=True)):
        if not entete:
            if any(j < len(c) and c[j] for _, c in donnees):
                problemes.append(Probleme(
                    origine, "colonne sans en-tête mais avec des valeurs ; elle est ignorée",
                    ligne=ligne_entete, lettre=lettre_colonne(j), colonne="(vide)",
                    gravite="avertissement"))
            continue
        if entete in vues:
            problemes.append(Probleme(
                origine,
                f"l'en-tête « {brut} » apparaît deux fois (déjà en colonne "
                f"{lettre_colonne(vues[entete])}) ; attendu : des noms de colonnes uniques",
                ligne=ligne_entete, colonne=brut, lettre=lettre_colonne(j)))
        else:
            vues[entete] = j
    lignes_finales = []
    largeur_nommee = len(bruts)
    for i, cellules in donnees:
        if len(cellules) < largeur_nommee:
            cellules = cellules + [""] * (largeur_nommee - len(cellules))
        elif len(cellules) > largeur_nommee:
            for j in range(largeur_nommee, len(cellules)):
                if cellules[j]:
                    problemes.append(Probleme(
                        origine, f"valeur « {abrege(cellules[j])} » hors des colonnes nommées ; elle est ignorée",
                        ligne=i, lettre=lettre_colonne(j), colonne="(sans en-tête)",
                        gravite="avertissement"))
            cellules = cellules[:largeur_nommee]
        lignes_finales.append((i, cellules))
    return TableBrute(nom, origine, entetes, lignes_finales, ligne_entete, bruts)
