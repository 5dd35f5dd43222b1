"""Les lignes d'un export, réponses converties, rattachées à leur soumission (groupes répétés compris)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterlib.collecte.kobo.correspondance import _associer, _colonne_meta, _Colonnes, _questions_de
from clusterlib.collecte.kobo.lecture import FeuilleExport, lire_export
from clusterlib.collecte.kobo.valeurs import _convertir, _vrai
from clusterlib.collecte.xlsform import Formulaire, QuestionFormulaire
from clusterlib.donnees.problemes import Probleme
from clusterlib.referentiel import cle_normalisee


@dataclass
class _Ligne:
    """Une ligne d'une feuille de l'export, réponses converties."""

    origine: str
    numero: int
    valeurs: dict[str, Any]
    uuid: str = ""
    index: str = ""
    parent: str = ""


def _lire_lignes(feuille: FeuilleExport, colonnes: dict[str, _Colonnes], questions: list[QuestionFormulaire],
                 formulaire: Formulaire, principale: bool, problemes: list[Probleme]) -> list[_Ligne]:
    j_uuid = _colonne_meta(feuille, "_uuid", "meta/instanceID", "instanceID", "KEY") if principale else None
    j_index = _colonne_meta(feuille, "_index")
    j_parent_uuid = None if principale else _colonne_meta(feuille, "_submission__uuid", "PARENT_KEY")
    j_parent = None if principale else _colonne_meta(feuille, "_parent_index")
    if principale and j_uuid is None:
        problemes.append(Probleme(feuille.origine, "colonne « _uuid » absente ; attendu : l'identifiant de chaque "
                                  "soumission (exportez avec les métadonnées de KoboToolbox)", ligne=1))
    if not principale and j_parent_uuid is None and j_parent is None:
        problemes.append(Probleme(feuille.origine, "colonnes « _parent_index » et « _submission__uuid » absentes ; "
                                  "attendu : le lien de chaque ligne avec sa soumission", ligne=1))
    lignes = []
    for numero, cellules in feuille.lignes:
        def cellule(j: int | None, cellules: list[str] = cellules) -> str:
            return cellules[j].strip() if j is not None and j < len(cellules) else ""

        valeurs: dict[str, Any] = {}
        for q in questions:
            c = colonnes.get(q.nom)
            if c is None:
                continue
            texte = cellule(c.principale)
            if q.type == "select_multiple" and not texte and c.choix:
                inconnus = [code for code in c.choix if code not in formulaire.choix.get(q.liste or "", {})]
                for code in inconnus:
                    problemes.append(Probleme(feuille.origine, f"colonne de choix « {code} » inconnue de la liste "
                                              f"« {q.liste} » du formulaire", ligne=numero, colonne=q.nom))
                texte = " ".join(code for code, j in c.choix.items() if _vrai(cellule(j)) and code not in inconnus)
            if q.type == "geopoint" and not texte and c.latitude is not None and c.longitude is not None \
                    and cellule(c.latitude) and cellule(c.longitude):
                texte = f"{cellule(c.latitude)} {cellule(c.longitude)}"
            if not texte:
                continue
            valeur, erreur = _convertir(q, texte, formulaire)
            if erreur:
                problemes.append(Probleme(feuille.origine, erreur, ligne=numero, colonne=q.nom))
            else:
                valeurs[q.nom] = valeur
        uuid = cellule(j_uuid).removeprefix("uuid:")
        if principale and j_uuid is not None and not uuid:
            problemes.append(Probleme(feuille.origine, "soumission sans « _uuid » ; attendu : l'identifiant donné "
                                      "par KoboToolbox", ligne=numero, colonne="_uuid"))
        lignes.append(_Ligne(feuille.origine, numero, valeurs, uuid, cellule(j_index),
                             cellule(j_parent_uuid).removeprefix("uuid:") or cellule(j_parent)))
    return lignes


@dataclass
class _Soumission:
    ligne: _Ligne
    repetitions: dict[str, list[_Ligne]] = field(default_factory=dict)


def _feuille_repetition(feuilles: list[FeuilleExport], nom: str) -> FeuilleExport | None:
    for feuille in feuilles[1:]:
        if feuille.nom == nom or feuille.nom == nom[:31] or cle_normalisee(feuille.nom) == cle_normalisee(nom):
            return feuille
    return None


def _lire_soumissions(chemin: Path, formulaire: Formulaire, problemes: list[Probleme]) -> list[_Soumission]:
    feuilles = lire_export(chemin, problemes)
    if not feuilles:
        return []
    principale = feuilles[0]
    questions = _questions_de(formulaire, None)
    colonnes = _associer(principale, questions, formulaire, problemes)
    if not colonnes:
        return []
    soumissions = [_Soumission(ligne) for ligne in
                   _lire_lignes(principale, colonnes, questions, formulaire, True, problemes)]
    vus: dict[str, int] = {}
    for s in soumissions:
        if s.ligne.uuid in vus:
            problemes.append(Probleme(principale.origine, f"soumission « {s.ligne.uuid} » en double (déjà ligne "
                                      f"{vus[s.ligne.uuid]})", ligne=s.ligne.numero, colonne="_uuid"))
        elif s.ligne.uuid:
            vus[s.ligne.uuid] = s.ligne.numero
    par_uuid = {s.ligne.uuid: s for s in soumissions if s.ligne.uuid}
    par_index = {s.ligne.index: s for s in soumissions if s.ligne.index}
    for repetition in formulaire.repetitions:
        feuille = _feuille_repetition(feuilles, repetition)
        if feuille is None:
            if chemin.suffix.lower() in (".csv", ".txt"):
                problemes.append(Probleme(
                    chemin.name, f"l'export CSV ne contient pas le groupe répété « {repetition} » (partenaires "
                    "d'affaires) : aucune relation ne sera importée ; exportez en XLSX pour les avoir",
                    gravite="avertissement"))
            else:
                problemes.append(Probleme(
                    chemin.name, f"feuille « {repetition} » absente ; attendu : une feuille par groupe répété du "
                    "formulaire (export XLSX de KoboToolbox)"))
            continue
        questions_r = _questions_de(formulaire, repetition)
        colonnes_r = _associer(feuille, questions_r, formulaire, problemes)
        if not colonnes_r:
            continue
        for ligne in _lire_lignes(feuille, colonnes_r, questions_r, formulaire, False, problemes):
            parent = par_uuid.get(ligne.parent) or par_index.get(ligne.parent)
            if parent is None:
                problemes.append(Probleme(feuille.origine, f"ligne rattachée à une soumission absente de la feuille "
                                          f"principale (« {ligne.parent or 'vide'} »)", ligne=ligne.numero))
                continue
            parent.repetitions.setdefault(repetition, []).append(ligne)
    return soumissions
