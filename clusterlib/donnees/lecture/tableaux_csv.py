"""Tables en CSV : encodage et séparateur devinés, lignes lues dans les limites de ``limites.yml``."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from clusterlib.donnees.lecture import _commun
from clusterlib.donnees.lecture.cellules import TableBrute, table_depuis_lignes
from clusterlib.donnees.lecture.fichiers import lire_octets
from clusterlib.donnees.problemes import Probleme

__all__ = ["decoder", "separateur"]


def decoder(contenu: bytes) -> str:
    """Décode un CSV : UTF-16 si marqué, sinon UTF-8 (avec ou sans BOM), sinon Windows-1252."""
    if contenu.startswith((b"\xff\xfe", b"\xfe\xff")):
        return contenu.decode("utf-16")
    try:
        return contenu.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return contenu.decode("cp1252")
    except UnicodeDecodeError:
        return contenu.decode("latin-1")


def separateur(texte: str) -> str:
    """Le séparateur le plus fréquent dans la première ligne non vide, hors guillemets."""
    for ligne in io.StringIO(texte, newline=""):
        if ligne.strip():
            comptes = {sep: 0 for sep in (";", "\t", ",")}
            entre_guillemets = False
            for c in ligne[:100_000]:
                if c == '"':
                    entre_guillemets = not entre_guillemets
                elif not entre_guillemets and c in comptes:
                    comptes[c] += 1
            meilleur = max(comptes, key=lambda s: comptes[s])
            return meilleur if comptes[meilleur] else ","
    return ","


def _lignes_bornees(texte: str) -> Iterator[str]:
    """Les lignes physiques d'un texte ; une ligne démesurée arrête la lecture."""
    maximum = _commun.limite("caracteres_ligne")
    for numero, ligne in enumerate(io.StringIO(texte, newline=""), 1):
        if len(ligne) > maximum:
            raise _commun.Refus(f"ligne de {_commun.nombre_fr(len(ligne))} caractères ; attendu : au plus "
                                f"{_commun.nombre_fr(maximum)} caractères par ligne", ligne=numero)
        yield ligne


def _lignes_csv(texte: str) -> list[list[str]]:
    """Les lignes d'un CSV, dans les limites de ``limites.yml`` ; lève :class:`_commun.Refus` sinon."""
    max_lignes = _commun.limite("lignes_table") + 1  # avec l'en-tête
    max_colonnes = _commun.limite("colonnes_table")
    max_cellule = _commun.limite("caracteres_cellule")
    lecteur = csv.reader(_lignes_bornees(texte), delimiter=separateur(texte))
    lignes: list[list[str]] = []
    try:
        for cellules in lecteur:
            if len(lignes) >= max_lignes:
                raise _commun.Refus(
                    f"plus de {_commun.nombre_fr(max_lignes - 1)} lignes de données ; attendu : au plus "
                    f"{_commun.nombre_fr(max_lignes - 1)} lignes par table (lignes vides comprises)",
                    ligne=len(lignes) + 1)
            if len(cellules) > max_colonnes:
                if any(c.strip() for c in cellules[max_colonnes:]):
                    raise _commun.Refus(f"plus de {max_colonnes} colonnes ; attendu : au plus {max_colonnes} "
                                        "colonnes par table", ligne=len(lignes) + 1)
                cellules = cellules[:max_colonnes]
            if cellules and max(map(len, cellules)) > max_cellule:
                j = next(j for j, cellule in enumerate(cellules) if len(cellule) > max_cellule)
                raise _commun.Refus(_commun.cellule_trop_longue(_commun.nombre_fr(len(cellules[j]))),
                                    ligne=len(lignes) + 1, j=j, entetes=lignes[0] if lignes else None)
            lignes.append(cellules)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _commun.Refus(_commun.cellule_trop_longue(f"plus de {_commun.nombre_fr(csv.field_size_limit())}"),
                                ligne=len(lignes) + 1) from None
        raise _commun.Refus("CSV mal formé ; attendu : des valeurs séparées par des virgules ou des points-virgules, "
                            "les guillemets « \" » allant par paires", ligne=len(lignes) + 1) from None
    return lignes


def lire_csv(chemin: Path, nom: str, origine: str, problemes: list[Probleme]) -> TableBrute | None:
    """Lit un CSV tel que les gens l'enregistrent (encodage, séparateur, lignes vides)."""
    contenu = lire_octets(chemin, origine, problemes)
    if contenu is None:
        return None
    nature = _commun.nature_binaire(contenu)
    if nature:
        problemes.append(Probleme(
            origine, f"ce n'est pas un fichier CSV mais {nature} ; attendu : un texte "
            "CSV (dans Excel : « Enregistrer sous » > « CSV UTF-8 »)"))
        return None
    texte = decoder(contenu)
    if "\x00" in texte:
        ligne = texte.count("\n", 0, texte.index("\x00")) + 1
        problemes.append(Probleme(origine, "caractère nul (octet 0) dans le texte : le fichier est abîmé ou "
                                  "n'est pas un CSV ; attendu : un texte CSV", ligne=ligne))
        return None
    try:
        lignes = _lignes_csv(texte)
    except _commun.Refus as refus:
        problemes.append(refus.probleme(origine))
        return None
    return table_depuis_lignes(nom, origine, lignes, problemes)
