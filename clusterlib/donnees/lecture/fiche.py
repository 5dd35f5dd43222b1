"""La fiche du cluster : ``cluster.yml`` lu sans rien construire de dangereux, ou feuille « cluster » d'un classeur."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from clusterlib import referentiel
from clusterlib.donnees.lecture import _commun
from clusterlib.donnees.lecture.cellules import TableBrute
from clusterlib.donnees.lecture.fichiers import lire_octets
from clusterlib.donnees.lecture.tableaux_csv import decoder
from clusterlib.donnees.problemes import Probleme

__all__ = ["FicheBrute"]


@dataclass
class FicheBrute:
    """La fiche du cluster telle que lue : clé → (valeur brute, ligne)."""

    origine: str
    valeurs: dict[str, tuple[Any, int | None]]


class _Developpement:
    """Développe les nœuds YAML en valeurs, avec un budget : renvois récursifs et bombes arrêtés."""

    def __init__(self) -> None:
        self.reste = _commun.limite("noeuds_yaml")
        self.profondeur_max = _commun.limite("profondeur_yaml")
        self.chemin: set[int] = set()

    def valeur(self, noeud: yaml.Node, profondeur: int = 0) -> Any:
        """Valeur d'un nœud où chaque scalaire reste le texte écrit (« 007 » reste « 007 »)."""
        self.reste -= 1
        if self.reste < 0:
            raise _commun.Refus(
                f"les renvois « *nom » développent plus de {_commun.nombre_fr(_commun.limite('noeuds_yaml'))} "
                "valeurs ; attendu : une fiche courte, sans renvois en cascade", ligne=noeud.start_mark.line + 1)
        if isinstance(noeud, yaml.ScalarNode):
            return "" if noeud.tag.endswith(":null") else str(noeud.value).strip()
        if id(noeud) in self.chemin:
            raise _commun.Refus("renvoi récursif : une ancre « &nom » se contient elle-même ; attendu : des valeurs "
                                "écrites en toutes lettres", ligne=noeud.start_mark.line + 1)
        if profondeur >= self.profondeur_max:
            raise _commun.Refus(f"plus de {self.profondeur_max} niveaux de listes ou de dictionnaires imbriqués ; "
                                "attendu : des lignes « cle: valeur »", ligne=noeud.start_mark.line + 1)
        self.chemin.add(id(noeud))
        try:
            if isinstance(noeud, yaml.SequenceNode):
                return [self.valeur(n, profondeur + 1) for n in noeud.value]
            if isinstance(noeud, yaml.MappingNode):
                return {str(self.valeur(k, profondeur + 1)): self.valeur(v, profondeur + 1) for k, v in noeud.value}
            return ""
        finally:
            self.chemin.discard(id(noeud))


def _verifier_evenements(texte: str, chargeur: Any) -> None:
    """Parcourt le YAML sans rien construire : profondeur et nombre de renvois bornés (:class:`_commun.Refus`)."""
    profondeur_max, alias_max = _commun.limite("profondeur_yaml"), _commun.limite("alias_yaml")
    profondeur = alias = 0
    for evenement in yaml.parse(texte, Loader=chargeur):
        if isinstance(evenement, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            profondeur += 1
            if profondeur > profondeur_max:
                raise _commun.Refus(f"plus de {profondeur_max} niveaux de listes ou de dictionnaires imbriqués ; "
                                    "attendu : des lignes « cle: valeur »", ligne=evenement.start_mark.line + 1)
        elif isinstance(evenement, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            profondeur -= 1
        elif isinstance(evenement, yaml.AliasEvent):
            alias += 1
            if alias > alias_max:
                raise _commun.Refus(
                    f"plus de {alias_max} renvois « *nom » à des ancres ; attendu : des valeurs écrites "
                    "en toutes lettres", ligne=evenement.start_mark.line + 1)


_ERREURS_YAML = (
    ("expected ',' or ']'", "crochet « [ » non fermé"),
    ("expected ',' or '}'", "accolade « { » non fermée"),
    ("found unexpected end of stream", "guillemet non fermé"),
    ("could not find expected ':'", "deux-points « : » manquant après une clé"),
    ("mapping values are not allowed", "deux-points inattendu (mettez entre guillemets une valeur qui contient « : »)"),
    ("found character '\\t'", "tabulation : indentez avec des espaces"),
    ("found a tab character", "tabulation : indentez avec des espaces"),
    ("did not find expected key", "indentation incohérente"),
    ("found duplicate anchor", "ancre en double"),
    ("found undefined alias", "renvoi « *nom » à une ancre qui n'existe pas"),
    ("expected a single document", "plusieurs documents séparés par « --- » ; attendu : un seul"),
    ("found unknown escape character", "caractère d'échappement « \\ » inconnu entre guillemets"),
    ("found unexpected ':'", "deux-points inattendu"),
    ("expected <block end>", "indentation incohérente"),
    ("found undefined tag handle", "étiquette « ! » inconnue"),
    ("while scanning an alias", "renvoi « * » sans nom"),
    ("while scanning an anchor", "ancre « & » sans nom"),
)


def _explication_yaml(exc: yaml.YAMLError) -> str:
    """Traduit en français l'explication d'une erreur de syntaxe YAML."""
    probleme = str(getattr(exc, "problem", "") or "")
    explication = next((fr for en, fr in _ERREURS_YAML if en in probleme), "syntaxe invalide")
    debut = getattr(exc, "context_mark", None)
    fin = getattr(exc, "problem_mark", None)
    if debut is not None and fin is not None and debut.line != fin.line:
        explication += f", ouvert ligne {debut.line + 1}"
    return explication


def lire_fiche_yaml(chemin: Path, problemes: list[Probleme]) -> FicheBrute | None:
    origine = chemin.name
    contenu = lire_octets(chemin, origine, problemes, int(_commun.limite("taille_fiche_ko") * 1024))
    if contenu is None:
        return None
    nature = _commun.nature_binaire(contenu)
    if nature:
        problemes.append(Probleme(origine, f"ce n'est pas un fichier YAML mais {nature}"))
        return None
    texte = decoder(contenu)
    chargeur = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        _verifier_evenements(texte, chargeur)
        noeud = yaml.compose(texte, Loader=chargeur)
    except _commun.Refus as refus:
        problemes.append(Probleme(origine, f"YAML refusé : {refus.message}", ligne=refus.ligne))
        return None
    except yaml.reader.ReaderError as exc:
        position = exc.position if isinstance(exc.position, int) else 0
        problemes.append(Probleme(
            origine, f"YAML illisible (caractère interdit, de code {exc.character!r}) ; attendu : du texte "
            "sans caractères de contrôle", ligne=texte.count("\n", 0, position) + 1))
        return None
    except yaml.YAMLError as exc:
        marque = getattr(exc, "problem_mark", None)
        explication = _explication_yaml(exc)
        problemes.append(Probleme(
            origine, f"YAML illisible ({explication}) ; attendu : des lignes « cle: valeur »",
            ligne=marque.line + 1 if marque else None))
        return None
    except RecursionError:
        problemes.append(Probleme(origine, "YAML refusé : imbrication trop profonde ; attendu : des lignes "
                                  "« cle: valeur »"))
        return None
    if not isinstance(noeud, yaml.MappingNode):
        problemes.append(Probleme(
            origine, "le fichier ne contient pas de clés ; attendu : des lignes « cle: valeur » "
            "(id, nom, filiere, campagne…)"))
        return None
    valeurs: dict[str, tuple[Any, int | None]] = {}
    developpement = _Developpement()
    try:
        for cle, valeur in noeud.value:
            nom = referentiel.cle_normalisee(developpement.valeur(cle))
            ligne = cle.start_mark.line + 1
            contenu_cle = developpement.valeur(valeur)
            if nom == "territoire" and isinstance(contenu_cle, dict):
                for sous_cle, sous_valeur in contenu_cle.items():
                    valeurs[referentiel.cle_normalisee(sous_cle)] = (sous_valeur, ligne)
            else:
                valeurs[nom] = (contenu_cle, ligne)
    except _commun.Refus as refus:
        problemes.append(Probleme(origine, f"YAML refusé : {refus.message}", ligne=refus.ligne))
        return None
    return FicheBrute(origine, valeurs)


def _fiche_depuis_table(table: TableBrute, problemes: list[Probleme]) -> FicheBrute | None:
    for colonne in ("cle", "valeur"):
        if colonne not in table.entetes:
            problemes.append(Probleme(
                table.origine, f"colonne « {colonne} » absente ; attendu : deux colonnes "
                "« cle » et « valeur »", ligne=table.ligne_entete))
            return None
    i_cle, i_valeur = table.entetes.index("cle"), table.entetes.index("valeur")
    valeurs = {
        referentiel.cle_normalisee(cellules[i_cle]): (cellules[i_valeur], ligne)
        for ligne, cellules in table.lignes
        if cellules[i_cle]
    }
    return FicheBrute(table.origine, valeurs)
