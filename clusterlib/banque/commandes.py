"""Les commandes ``clusterlib banque ajouter | lister | retirer | exporter`` (messages en français)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # la base n'est importée qu'à l'exécution d'une commande : l'aide reste instantanée
    from clusterlib.banque.stockage import Issue

__all__ = ["ajouter_parseurs", "commande_banque"]

_ETATS = {"ajoute": "ajouté", "remplace": "mis à jour", "inchange": "inchangé", "invalide": "invalide",
          "refuse": "refusé", "echec": "échec"}


def ajouter_parseurs(commandes: argparse._SubParsersAction, entier_positif: type) -> None:
    """Déclare ``banque`` (et ses sous-commandes) dans le parseur de ``clusterlib``."""
    banque = commandes.add_parser(
        "banque",
        help="banque de clusters (DuckDB) : ajouter, lister, retirer, exporter",
        description="La banque de clusters réunit dans un seul fichier DuckDB les données et les indicateurs "
        "(ceux de resume.json) de tous les clusters suivis, campagne par campagne. Elle sert au rapport de hub "
        "(clusterlib report-hub) et aux requêtes SQL.",
    )
    actions = banque.add_subparsers(dest="action", metavar="ACTION", title="actions")
    actions.required = True
    ajout = actions.add_parser(
        "ajouter", help="ajoute ou met à jour des clusters (la banque est créée si besoin)",
        description="Vérifie chaque cluster (dossier ou classeur) puis l'écrit dans la banque en une transaction. "
        "Un cluster invalide est signalé et laissé de côté ; un cluster dont le contenu n'a pas changé est sauté.")
    ajout.add_argument("banque", metavar="BANQUE", type=Path, help="fichier de la banque (par exemple banque.duckdb)")
    ajout.add_argument("chemins", nargs="+", metavar="CHEMIN", type=Path, help="dossier d'un cluster ou classeur")
    ajout.add_argument("--remplacer", action="store_true",
                       help="accepte un cluster dont l'identifiant existe déjà sous un autre nom")
    ajout.add_argument("--jobs", type=entier_positif, default=1, metavar="N", dest="travaux",
                       help="clusters préparés en parallèle (un processus chacun ; 1 par défaut)")
    liste = actions.add_parser("lister", help="liste les clusters de la banque",
                               description="Liste les clusters de la banque (sans rien modifier).")
    liste.add_argument("banque", metavar="BANQUE", type=Path, help="fichier de la banque")
    retrait = actions.add_parser("retirer", help="retire un cluster et toutes ses lignes",
                                 description="Retire un cluster de la banque (toutes ses tables, en une transaction).")
    retrait.add_argument("banque", metavar="BANQUE", type=Path, help="fichier de la banque")
    retrait.add_argument("ident", metavar="ID", help="identifiant du cluster (clé id de cluster.yml)")
    export = actions.add_parser(
        "exporter", help="exporte la banque en Parquet (par filière et campagne) et en classeur Excel",
        description="Écrit DOSSIER/parquet/<table>/filiere=…/campagne=…/ (à lire avec DuckDB, Spark ou Trino) et "
        "DOSSIER/banque.xlsx (une feuille par table, pour le tableur).")
    export.add_argument("banque", metavar="BANQUE", type=Path, help="fichier de la banque")
    export.add_argument("--out", required=True, metavar="DOSSIER", type=Path, help="dossier de l'export")


def _ajouter(arguments: argparse.Namespace) -> int:
    from tqdm import tqdm

    from clusterlib.banque.stockage import ajouter, ouvrir

    chemins = list(arguments.chemins)
    with ouvrir(arguments.banque) as banque:
        barre = tqdm(total=len(chemins), desc="Banque", unit="cluster", file=sys.stderr, disable=None,
                     bar_format="{desc} : {n_fmt}/{total_fmt} |{bar}| {elapsed}")
        try:
            issues = ajouter(banque, chemins, remplacer=arguments.remplacer, travaux=arguments.travaux,
                             progression=lambda _i: barre.update(1))
        finally:
            barre.close()
        total = banque.connexion.execute("SELECT count(*) FROM clusters").fetchone()[0]
    _bilan(issues, arguments.banque, total)
    return 0 if all(i.etat in ("ajoute", "remplace", "inchange") for i in issues) else 1


def _bilan(issues: Sequence[Issue], chemin: Path, total: int) -> None:
    compte = {e: sum(1 for i in issues if i.etat == e) for e in _ETATS}
    print(f"Banque {chemin} : {compte['ajoute']} ajouté(s), {compte['remplace']} mis à jour, {compte['inchange']} "
          f"inchangé(s), {compte['invalide']} invalide(s), {compte['refuse']} refusé(s), {compte['echec']} échec(s) ; "
          f"{total} cluster(s) dans la banque.")
    for issue in issues:
        nom = f" → {issue.cluster}" if issue.cluster else ""
        print(f"  {_ETATS[issue.etat]:<11} {issue.chemin}{nom}")
        for message in issue.messages:
            print(f"    - {message}")


def _lister(arguments: argparse.Namespace) -> int:
    from clusterlib.banque.stockage import lister, ouvrir

    with ouvrir(arguments.banque, lecture_seule=True) as banque:
        table = lister(banque)
    if table.empty:
        print(f"Banque {arguments.banque} : aucun cluster.")
        return 0
    print(f"Banque {arguments.banque} : {len(table)} cluster(s).")
    for ligne in table.itertuples():
        fictif = " (données fictives)" if ligne.donnees_fictives else ""
        print(f"  {ligne.cluster} — {ligne.nom}{fictif}\n    filière {ligne.filiere}, {ligne.departements or '—'} ; "
              f"{ligne.nb_acteurs} acteurs ; campagnes {ligne.campagnes} ; ajouté le {ligne.ajoute_le:%d/%m/%Y %H:%M}")
    return 0


def _retirer(arguments: argparse.Namespace) -> int:
    from clusterlib.banque.stockage import ouvrir, retirer

    with ouvrir(arguments.banque, creer=False) as banque:
        lignes = retirer(banque, arguments.ident)
    print(f"Cluster « {arguments.ident} » retiré de {arguments.banque} ({lignes} ligne(s)).")
    return 0


def _exporter(arguments: argparse.Namespace) -> int:
    from clusterlib.banque.stockage import exporter, ouvrir

    with ouvrir(arguments.banque, lecture_seule=True) as banque:
        fichiers = exporter(banque, arguments.out)
    print(f"Export : {fichiers['parquet']} (Parquet) et {fichiers['excel']} (Excel).")
    return 0


def commande_banque(arguments: argparse.Namespace) -> int:
    """Exécute ``clusterlib banque ACTION`` ; renvoie le code de sortie (0, 1 données, 2 banque inutilisable)."""
    from clusterlib.banque.stockage import ErreurBanque

    actions = {"ajouter": _ajouter, "lister": _lister, "retirer": _retirer, "exporter": _exporter}
    try:
        return actions[arguments.action](arguments)
    except ErreurBanque as exc:
        print(f"clusterlib banque {arguments.action} : {exc}", file=sys.stderr)
        return 2
