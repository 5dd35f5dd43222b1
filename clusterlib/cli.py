"""La ligne de commande ``clusterlib`` : la seule couche qui parle à l'utilisateur.

Elle lit les arguments (argparse, messages en français par un catalogue gettext), appelle les
fonctions du paquet, qui rendent des résultats ou lèvent les exceptions du projet, affiche
ces résultats et choisit le code de sortie. Toutes les erreurs passent par un seul
enveloppeur (:func:`_executer`), qui les change en message français et en code :

- 0 : tout est fait, tout est valide ;
- 1 : données invalides, rapport en échec, écriture impossible ;
- 2 : ligne de commande erronée, chemin introuvable, sortie refusée, fichier inutilisable ;
- 130 : interruption (Ctrl-C).

Aucun module sous ``clusterlib/`` autre que celui-ci n'affiche, ne quitte ni n'importe
argparse (``tests/test_couches.py`` le vérifie).
"""

from __future__ import annotations

import argparse
import gettext
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from clusterlib import __version__
from clusterlib.donnees.lecture import SUFFIXES_CLASSEUR, lire_jeu
from clusterlib.donnees.modele import Cluster, cluster_depuis_jeu
from clusterlib.donnees.validation import valider_jeu
from clusterlib.fichiers import message_systeme
from clusterlib.referentiel import regles

__all__ = ["main"]


# --- Messages d'argparse en français -----------------------------------------------------------
# argparse passe ses messages par gettext.gettext (domaine courant, langue de l'environnement).
# Le catalogue clusterlib/traductions/fr/LC_MESSAGES/argparse.mo est choisi le temps de lire la
# ligne de commande, puis domaine et langue sont rendus : rien ne change pour le reste du processus.
DOMAINE_ARGPARSE = "argparse"


@contextmanager
def _argparse_en_francais() -> Iterator[None]:
    with resources.as_file(resources.files("clusterlib") / "traductions") as dossier:
        domaine, dossier_lie = gettext.textdomain(), gettext.bindtextdomain(DOMAINE_ARGPARSE)
        langue = os.environ.get("LANGUAGE")
        gettext.bindtextdomain(DOMAINE_ARGPARSE, str(dossier))
        gettext.textdomain(DOMAINE_ARGPARSE)
        os.environ["LANGUAGE"] = "fr"
        try:
            yield
        finally:
            gettext.textdomain(domaine)
            gettext.bindtextdomain(DOMAINE_ARGPARSE, dossier_lie)
            if langue is None:
                os.environ.pop("LANGUAGE", None)
            else:
                os.environ["LANGUAGE"] = langue


# --- Analyse des arguments -------------------------------------------------------------------------

def _parseur() -> argparse.ArgumentParser:
    parseur = argparse.ArgumentParser(
        prog="clusterlib",
        description="Diagnostic des clusters agricoles du Bénin.",
        epilog="exemple :\n  clusterlib validate data/samples/riz-glazoue data/samples/soja-djidja.xlsx",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parseur.add_argument("--version", action="version", version=f"clusterlib {__version__}",
                         help="affiche la version et quitte")
    commandes = parseur.add_subparsers(dest="commande", metavar="COMMANDE", title="commandes")
    commandes.required = True
    valider = commandes.add_parser(
        "validate",
        help="vérifie les données d'un ou plusieurs clusters et résume ceux qui sont valides",
        description="Vérifie chaque cluster (dossier ou classeur .xlsx) et liste tous ses "
        "problèmes : fichier, ligne, colonne, valeur trouvée et valeur attendue. "
        "Aucun fichier n'est modifié.",
    )
    valider.add_argument("chemins", nargs="+", metavar="CHEMIN", type=Path,
                         help="dossier d'un cluster ou classeur Excel")
    modeles = commandes.add_parser(
        "templates",
        help="écrit le modèle Excel et les formulaires KoboToolbox / ODK Collect",
        description="Écrit dans DOSSIER le modèle Excel d'un cluster (modele_cluster.xlsx, avec listes "
        "déroulantes) et, dans DOSSIER/kobo, les formulaires XLSForm : la grille des 24 indicateurs et une "
        "fiche par type d'acteur de l'annexe 2 du guide.",
    )
    _option_sortie(modeles, "dossier où écrire les modèles (créé s'il n'existe pas)")
    kobo = commandes.add_parser(
        "import-kobo",
        help="importe un export KoboToolbox / ODK dans le dossier d'un cluster",
        description="Lit un export KoboToolbox (classeur .xlsx avec une feuille par groupe répété, ou CSV de "
        "la section principale, « valeurs et en-têtes XML ») et range les soumissions dans le dossier du "
        "cluster : acteurs et relations pour les fiches de l'annexe 2, scores pour la grille. Les lignes "
        "existantes ne sont pas touchées ; rien n'est écrit si l'export ne correspond pas au formulaire.",
    )
    kobo.add_argument("export", metavar="EXPORT", type=Path, help="fichier exporté de KoboToolbox (.xlsx ou .csv)")
    kobo.add_argument("--form", required=True, metavar="FORMULAIRE", type=Path,
                      help="formulaire XLSForm qui a servi à la collecte (écrit par « clusterlib templates »)")
    _option_sortie(kobo, "dossier du cluster à compléter (créé s'il n'existe pas)", metavar="JEU")
    pseudo = commandes.add_parser(
        "pseudonymise",
        help="copie un cluster en remplaçant noms de personnes, courriels et téléphones par des pseudonymes",
        description="Écrit une copie du cluster où les noms de personnes (sans tenir compte des accents ni des "
        "majuscules, aussi par le seul nom de famille ou après une civilité), les adresses électroniques et les "
        "numéros de téléphone (béninois et internationaux) sont remplacés par des pseudonymes stables (HMAC avec "
        "la clé de FICHIER_CLE, créée si elle n'existe pas) ; la position GPS des personnes est arrondie au "
        "centième de degré. Identifiants et nombres sont gardés ; le jeu d'origine n'est jamais modifié, et une "
        "SORTIE qui contient des fichiers que la commande n'a pas écrits est refusée.",
    )
    pseudo.add_argument("jeu", metavar="JEU", type=Path, help="dossier ou classeur du cluster à pseudonymiser")
    _option_sortie(pseudo, "dossier (ou classeur .xlsx) de la copie pseudonymisée", metavar="SORTIE")
    pseudo.add_argument("--key-file", required=True, metavar="FICHIER_CLE", type=Path, dest="fichier_cle",
                        help="fichier de la clé secrète, à garder hors du dossier partagé et lisible par vous seul "
                        "(chmod 600)")
    exemples = commandes.add_parser(
        "exemples",
        help="copie les clusters d'exemple (fictifs) livrés avec clusterlib dans un dossier",
        description="Copie dans DOSSIER (nouveau ou vide) les clusters d'exemple inventés livrés avec "
        "clusterlib, pour essayer validate et report sur des données qui marchent.",
    )
    _option_sortie(exemples, "dossier où copier les exemples (nouveau ou vide)")
    rapport = commandes.add_parser(
        "report",
        help="produit le rapport de diagnostic de chaque cluster et la synthèse du lot",
        description="Pour chaque cluster (dossier ou classeur), vérifie les données puis exécute le notebook "
        "du rapport (papermill) et écrit dans DOSSIER/<id du cluster>/ le rapport HTML, le notebook exécuté et "
        "resume.json ; écrit aussi DOSSIER/index.html et DOSSIER/synthese.csv. Un cluster invalide est signalé "
        "et sauté ; un échec ne laisse jamais de rapport à moitié écrit. Avec --banque, rapporte chaque cluster "
        "d'une banque (clusterlib banque ajouter) et saute ceux dont les données et le code n'ont pas changé "
        "depuis leur dernier rapport.",
        epilog="exemples :\n  clusterlib report data/samples/riz-glazoue --out rapports\n"
        "  clusterlib report --banque banque.duckdb --filiere riz --out rapports --jobs 2",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rapport.add_argument("chemins", nargs="*", metavar="CHEMIN", type=Path,
                         help="dossier d'un cluster ou classeur Excel (ou --banque)")
    rapport.add_argument("--banque", metavar="BANQUE", type=Path, default=None,
                         help="rapporte chaque cluster de cette banque de clusters (fichier DuckDB) au lieu de CHEMIN")
    rapport.add_argument("--filiere", metavar="FILIERE", default=None,
                         help="avec --banque : seulement les clusters de cette filière (par exemple riz)")
    rapport.add_argument("--tout", action="store_true",
                         help="avec --banque : refait aussi les rapports à jour (données et code inchangés)")
    _option_sortie(rapport, "dossier des rapports")
    rapport.add_argument("--jobs", type=_entier_positif, default=1, metavar="N", dest="travaux",
                         help="nombre de rapports exécutés en parallèle (un processus chacun ; 1 par défaut)")
    rapport.add_argument("--campagne", metavar=regles.format_campagne(), default=None,
                         help="campagne étudiée (par défaut : la campagne en cours de chaque cluster)")
    rapport.add_argument("--formats", type=_formats, default=("html", "pdf", "ipynb"), metavar="LISTE",
                         help="formats à garder, séparés par des virgules : html, pdf, ipynb (par défaut les trois ; "
                              "le PDF demande Chromium)")
    rapport.add_argument("--disposition", choices=("valuelinks", "case"), default="valuelinks",
                         help="carte principale du rapport (par défaut valuelinks)")
    _options_execution(rapport)
    _parseurs_banque(commandes)
    hub = commandes.add_parser(
        "report-hub",
        help="produit le rapport de hub d'une filière à partir de la banque de clusters",
        description="Exécute le notebook du rapport de hub sur la banque : niveaux et trajectoires des "
        "clusters, comparaison à la filière, totaux, maillons manquants, acteurs communs et réseau des clusters. "
        "Écrit DOSSIER/<filière>-<départements>/rapport.html ; un échec ne laisse jamais de rapport à moitié écrit.",
    )
    _argument_banque(hub, "fichier de la banque (clusterlib banque ajouter)")
    hub.add_argument("--filiere", required=True, metavar="FILIERE", help="filière étudiée (par exemple riz)")
    hub.add_argument("--departement", action="append", metavar="DEPARTEMENT", dest="departements",
                     help="département du périmètre (à répéter ; par défaut : tout le pays)")
    _option_sortie(hub, "dossier des rapports")
    hub.add_argument("--campagne", metavar=regles.format_campagne(), default=None,
                     help="campagne de la comparaison (par défaut : la plus récente)")
    hub.add_argument("--formats", type=_formats, default=("html", "ipynb"), metavar="LISTE",
                     help="formats à garder, séparés par des virgules : html, ipynb (par défaut les deux)")
    _options_execution(hub)
    return parseur


def _parseurs_banque(commandes: argparse._SubParsersAction) -> None:
    """Déclare ``banque`` et ses actions dans le parseur de ``clusterlib``."""
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
    _argument_banque(ajout, "fichier de la banque (par exemple banque.duckdb)")
    ajout.add_argument("chemins", nargs="+", metavar="CHEMIN", type=Path, help="dossier d'un cluster ou classeur")
    ajout.add_argument("--remplacer", action="store_true",
                       help="accepte un cluster dont l'identifiant existe déjà sous un autre nom")
    ajout.add_argument("--jobs", type=_entier_positif, default=1, metavar="N", dest="travaux",
                       help="clusters préparés en parallèle (un processus chacun ; 1 par défaut)")
    liste = actions.add_parser("lister", help="liste les clusters de la banque",
                               description="Liste les clusters de la banque (sans rien modifier).")
    _argument_banque(liste)
    retrait = actions.add_parser("retirer", help="retire un cluster et toutes ses lignes",
                                 description="Retire un cluster de la banque (toutes ses tables, en une transaction).")
    _argument_banque(retrait)
    retrait.add_argument("ident", metavar="ID", help="identifiant du cluster (clé id de cluster.yml)")
    export = actions.add_parser(
        "exporter", help="exporte la banque en Parquet (par filière et campagne) et en classeur Excel",
        description="Écrit DOSSIER/parquet/<table>/filiere=…/campagne=…/ (à lire avec DuckDB, Spark ou Trino) et "
        "DOSSIER/banque.xlsx (une feuille par table, pour le tableur).")
    _argument_banque(export)
    _option_sortie(export, "dossier de l'export")


def _option_sortie(parseur: argparse.ArgumentParser, aide: str, metavar: str = "DOSSIER") -> None:
    """L'option obligatoire ``--out`` : où la commande écrit."""
    parseur.add_argument("--out", required=True, metavar=metavar, type=Path, help=aide)


def _argument_banque(parseur: argparse.ArgumentParser, aide: str = "fichier de la banque") -> None:
    """L'argument ``BANQUE`` : le fichier DuckDB de la banque de clusters."""
    parseur.add_argument("banque", metavar="BANQUE", type=Path, help=aide)


def _options_execution(parseur: argparse.ArgumentParser) -> None:
    """Les options ``--delai`` et ``--moteur`` des commandes qui exécutent un notebook."""
    parseur.add_argument("--delai", type=_entier_positif, default=600, metavar="SECONDES",
                         help="temps maximal d'exécution d'une cellule du notebook (600 s par défaut)")
    parseur.add_argument("--moteur", choices=("clusterlib", "papermill"), default="clusterlib",
                         help="exécution des notebooks : clusterlib (par défaut : processus de travail qui ont "
                         "tout importé une fois, cellules exécutées sans noyau) ou papermill (un noyau neuf "
                         "par rapport) ; les rapports sont les mêmes")


def _entier_positif(texte: str) -> int:
    try:
        valeur = int(texte)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {texte} » n'est pas un nombre entier") from None
    if valeur < 1:
        raise argparse.ArgumentTypeError(f"« {texte} » doit être au moins 1")
    return valeur


def _formats(texte: str) -> tuple[str, ...]:
    formats = tuple(f.strip().lower() for f in texte.split(",") if f.strip())
    inconnus = [f for f in formats if f not in ("html", "pdf", "ipynb")]
    if inconnus or not formats:
        raise argparse.ArgumentTypeError(
            f"format(s) inconnu(s) : {', '.join(inconnus) or '(aucun)'} ; formats possibles : html, pdf, ipynb")
    return formats


# --- Affichage -----------------------------------------------------------------------------------

def _dire(texte: str = "") -> None:
    """Une ligne pour l'utilisateur, sur la sortie standard (résultats, bilans)."""
    print(texte)


def _signaler(texte: str) -> None:
    """Une ligne sur la sortie d'erreur (refus, avertissements, messages pendant le travail)."""
    print(texte, file=sys.stderr, flush=True)


def _barre(total: int, titre: str, unite: str) -> Any:
    """La barre de progression de tqdm, sur la sortie d'erreur (invisible hors d'un terminal)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=titre, unit=unite, file=sys.stderr, disable=None,
                bar_format="{desc} : {n_fmt}/{total_fmt} |{bar}| {elapsed}")


def _annonce(barre: Any) -> Callable[[str], None]:
    """Dire un message pendant que la barre est affichée, sans la casser."""
    def annoncer(message: str) -> None:
        barre.write(message, file=sys.stderr)
        sys.stderr.flush()

    return annoncer


def _resume(cluster: Cluster) -> str:
    r = cluster.resume()
    campagnes = r["campagnes"]
    periode = campagnes[0] if len(campagnes) == 1 else f"{campagnes[0]} à {campagnes[-1]}"
    fictif = " (données fictives)" if r["donnees_fictives"] else ""
    agregateur = f"agrégateur {r['agregateur']}" if r["agregateur"] else "sans agrégateur"
    return (
        f"    {r['id']} — {r['nom']}{fictif}\n"
        f"    {r['nb_acteurs']} acteurs ({r['effectif_total']} personnes dont {r['femmes']} femmes), "
        f"{r['nb_relations']} relations, {agregateur}\n"
        f"    campagnes : {periode} (en cours : {r['campagne']}) ; tables : {', '.join(r['tables'])}"
    )



# --- Les commandes : elles rendent un code, ou laissent passer les exceptions du projet -------------

def _introuvables(commande: str, chemins: Sequence[Path], nature: str = "chemin") -> bool:
    """Signale les chemins qui n'existent pas ; vrai s'il y en a."""
    manquants = [c for c in chemins if not c.exists()]
    for chemin in manquants:
        _signaler(f"clusterlib {commande} : {nature} introuvable : {chemin}")
    return bool(manquants)


def _validate(arguments: argparse.Namespace) -> int:
    chemins: list[Path] = arguments.chemins
    if _introuvables("validate", chemins):
        return 2
    invalides = 0
    for chemin in chemins:
        jeu = valider_jeu(lire_jeu(chemin))
        erreurs = jeu.erreurs
        avertissements = [p for p in jeu.problemes if not p.est_erreur]
        if erreurs:
            invalides += 1
            _dire(f"INVALIDE  {chemin} : {len(erreurs)} erreur(s)")
        else:
            _dire(f"VALIDE    {chemin}")
            _dire(_resume(cluster_depuis_jeu(jeu)))  # le jeu déjà validé : pas de seconde lecture
        for probleme in [*erreurs, *avertissements]:
            _dire(f"  - {probleme}")
    total = len(chemins)
    if total > 1:
        _dire(f"\n{total - invalides} cluster(s) valide(s), {invalides} invalide(s) sur {total}.")
    return 1 if invalides else 0


def _templates(arguments: argparse.Namespace) -> int:
    from clusterlib.collecte.modeles_excel import ecrire_modeles

    ecrits = ecrire_modeles(arguments.out)
    _dire(f"Modèle Excel : {ecrits.modele}")
    _dire(f"Formulaires KoboToolbox / ODK Collect (dans {ecrits.dossier_formulaires}) :")
    for chemin, refus in ecrits.formulaires:
        _dire(f"  - {refus or chemin.name}")
    _dire("À charger dans KoboToolbox (Projet > Remplacer le formulaire) ou dans ODK Central ; les exports "
          "s'importent avec « clusterlib import-kobo ».")
    return 1 if ecrits.refuses else 0


def _import_kobo(arguments: argparse.Namespace) -> int:
    from clusterlib.collecte.kobo import importer_kobo

    bilan = importer_kobo(arguments.export, arguments.form, arguments.out)
    _dire(bilan.resume())
    return 1 if bilan.erreurs else 0


def _pseudonymise(arguments: argparse.Namespace) -> int:
    from clusterlib.collecte.pseudonymisation import pseudonymiser

    bilan = pseudonymiser(arguments.jeu, arguments.out, arguments.fichier_cle)
    for avertissement in bilan.avertissements:
        _signaler(f"clusterlib pseudonymise : {avertissement}")
    _dire(bilan.resume())
    return 0


def _exemples(arguments: argparse.Namespace) -> int:
    from clusterlib.donnees import echantillons

    copies = echantillons.copier(arguments.out)
    _dire(f"{len(copies)} clusters d'exemple copiés dans {arguments.out} : {', '.join(copies)}")
    return 0


def _clusters_a_traiter(chemins: Sequence[Path]) -> list[Path]:
    """Les chemins de ``report`` qui désignent un cluster ; les autres sont écartés, et dits.

    Un motif comme data/samples/* attrape aussi README.md, ou le dossier des rapports d'un run
    précédent.
    """
    from clusterlib.sorties.rapports import MARQUEUR_LOT, MARQUEUR_RAPPORT

    retenus = []
    for chemin in chemins:
        if not (chemin.is_dir() or chemin.suffix.lower() in SUFFIXES_CLASSEUR):
            _signaler(f"clusterlib report : ignoré, ni un dossier ni un classeur Excel : {chemin}")
        elif chemin.is_dir() and any((chemin / m).is_file() for m in (MARQUEUR_LOT, MARQUEUR_RAPPORT)):
            _signaler(f"clusterlib report : ignoré, c'est un dossier de rapports de clusterlib : {chemin}")
        else:
            retenus.append(chemin)
    return retenus


def _report(arguments: argparse.Namespace) -> int:
    from clusterlib.sorties.lot_banque import verifier_options
    from clusterlib.sorties.rapports import produire_rapports

    verifier_options(arguments.chemins, arguments.banque, arguments.filiere, arguments.tout)
    if arguments.banque is not None:
        return _report_banque(arguments)
    if _introuvables("report", arguments.chemins):
        return 2
    chemins = _clusters_a_traiter(arguments.chemins)
    if not chemins:
        _signaler("clusterlib report : aucun cluster à traiter (attendu : des dossiers de cluster "
                  "ou des classeurs .xlsx)")
        return 2
    sortie: Path = arguments.out
    with _barre(len(chemins), "Rapports", "cluster") as barre:
        bilan = produire_rapports(chemins, sortie, travaux=arguments.travaux, campagne=arguments.campagne,
                                  formats=arguments.formats, disposition=arguments.disposition,
                                  delai=arguments.delai, moteur=arguments.moteur,
                                  progression=lambda _r: barre.update(1), annonce=_annonce(barre))
    faits, invalides, echecs = bilan.par_etat("fait"), bilan.par_etat("invalide"), bilan.par_etat("echec")
    _dire(f"Rapports : {len(faits)} produit(s), {len(invalides)} cluster(s) invalide(s), "
          f"{len(echecs)} échec(s), sur {len(bilan.resultats)} — dossier {sortie}")
    return _detailler_bilan(bilan, sortie, faits, invalides, echecs, nom=lambda r: r.chemin)


def _detailler_bilan(bilan: Any, sortie: Path, faits: list, invalides: list, echecs: list, *,
                     nom: Callable[[Any], object], sautes: Sequence[tuple[str, Path]] = ()) -> int:
    """Une ligne par rapport (fait, à jour, invalide, échec), la synthèse, puis le code de sortie."""
    for r in faits:
        _dire(f"  fait      {nom(r)} → {r.dossier}/{bilan.fichier_principal} ({r.duree:.0f} s)")
        for message in r.messages:
            _dire(f"    - {message}")
    for ident, dossier in sautes:
        _dire(f"  à jour    {ident} → {dossier}/{bilan.fichier_principal}")
    for r in invalides:
        _dire(f"  invalide  {r.chemin}")
        for message in r.messages:
            _dire(f"    - {message}")
    for r in echecs:
        _dire(f"  échec     {r.chemin} : {r.messages[0] if r.messages else 'cause inconnue'}"
              + (f" (journal : {r.journal})" if r.journal else ""))
    if len(bilan.synthese):
        _dire(f"Synthèse ({len(bilan.synthese)} rapport(s) dans le dossier) : {sortie / 'index.html'}, "
              f"{sortie / 'synthese.xlsx'} et {sortie / 'synthese.csv'}")
    return 0 if bilan.complet else 1


class _BarreLot:
    """La progression de ``report --banque`` sur la sortie d'erreur : une ligne redessinée dans un
    terminal, une ligne par rapport sinon (journal d'un travail planifié, fichier)."""

    def __init__(self) -> None:
        self.terminal = sys.stderr.isatty()
        self.avancement: Any = None
        self._largeur = 0

    def depart(self, avancement: Any) -> None:
        self.avancement = avancement
        if avancement.sautes:
            _signaler(f"clusterlib report : {avancement.sautes} rapport(s) à jour sauté(s) (données et code "
                      "inchangés ; --tout pour les refaire)")
        if avancement.total:
            self._afficher(avancement.ligne())

    def progression(self, resultat: Any, avancement: Any) -> None:
        ligne = avancement.ligne()
        if not self.terminal:
            etat = {"fait": "fait", "invalide": "invalide", "echec": "échec"}.get(resultat.etat, resultat.etat)
            ligne = f"{ligne} — {resultat.cluster or resultat.chemin} : {etat}"
        self._afficher(ligne)

    def _afficher(self, ligne: str) -> None:
        if self.terminal:
            sys.stderr.write("\r" + ligne.ljust(self._largeur))
            self._largeur = len(ligne)
            sys.stderr.flush()
        else:
            _signaler(ligne)

    def annonce(self, message: str) -> None:
        if self.terminal and self._largeur:
            sys.stderr.write("\r" + " " * self._largeur + "\r")
            self._largeur = 0
        _signaler(message)

    def fermer(self) -> None:
        if self.terminal and self._largeur:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._largeur = 0


def _report_banque(arguments: argparse.Namespace) -> int:
    from clusterlib.sorties.lot_banque import rapporter_banque

    if _introuvables("report", [arguments.banque], "banque"):
        return 2
    sortie: Path = arguments.out
    barre = _BarreLot()
    try:
        bilan = rapporter_banque(arguments.banque, sortie, filiere=arguments.filiere, tout=arguments.tout,
                                 travaux=arguments.travaux, campagne=arguments.campagne, formats=arguments.formats,
                                 disposition=arguments.disposition, delai=arguments.delai, moteur=arguments.moteur,
                                 depart=barre.depart, progression=barre.progression, annonce=barre.annonce)
    finally:
        barre.fermer()
    faits, invalides, echecs = bilan.par_etat("fait"), bilan.par_etat("invalide"), bilan.par_etat("echec")
    _dire(f"Rapports de la banque {arguments.banque} : {len(faits)} produit(s), {len(bilan.sautes)} à jour "
          f"sauté(s), {len(invalides)} cluster(s) invalide(s), {len(echecs)} échec(s), sur "
          f"{len(bilan.resultats) + len(bilan.sautes)} — dossier {sortie}")
    return _detailler_bilan(bilan, sortie, faits, invalides, echecs, nom=lambda r: r.cluster,
                            sautes=[(i, bilan.sortie / i) for i in bilan.sautes])


def _report_hub(arguments: argparse.Namespace) -> int:
    from clusterlib.banque.hub import executer_rapport_hub

    if _introuvables("report-hub", [arguments.banque], "banque"):
        return 2
    with _barre(1, "Rapport de hub", "rapport") as barre:
        resultat = executer_rapport_hub(arguments.banque, arguments.filiere, arguments.out,
                                        departements=arguments.departements, campagne=arguments.campagne,
                                        formats=arguments.formats, delai=arguments.delai, moteur=arguments.moteur)
        barre.update(1)
    if resultat.etat != "fait":
        _dire(f"Échec du rapport de hub : {resultat.messages[0] if resultat.messages else 'cause inconnue'}"
              + (f" (journal : {resultat.journal})" if resultat.journal else ""))
        return 1
    _dire(f"Rapport de hub : {resultat.dossier}/rapport.html ({resultat.duree:.0f} s)")
    return 0


_ETATS_BANQUE = {"ajoute": "ajouté", "remplace": "mis à jour", "inchange": "inchangé", "invalide": "invalide",
                 "refuse": "refusé", "echec": "échec"}


def _banque_ajouter(arguments: argparse.Namespace) -> int:
    from clusterlib.banque.stockage import ajouter, ouvrir

    chemins = list(arguments.chemins)
    with ouvrir(arguments.banque) as banque:
        with _barre(len(chemins), "Banque", "cluster") as barre:
            issues = ajouter(banque, chemins, remplacer=arguments.remplacer, travaux=arguments.travaux,
                             progression=lambda _i: barre.update(1))
        total = banque.connexion.execute("SELECT count(*) FROM clusters").fetchone()[0]
    compte = {e: sum(1 for i in issues if i.etat == e) for e in _ETATS_BANQUE}
    _dire(f"Banque {arguments.banque} : {compte['ajoute']} ajouté(s), {compte['remplace']} mis à jour, "
          f"{compte['inchange']} inchangé(s), {compte['invalide']} invalide(s), {compte['refuse']} refusé(s), "
          f"{compte['echec']} échec(s) ; {total} cluster(s) dans la banque.")
    for issue in issues:
        nom = f" → {issue.cluster}" if issue.cluster else ""
        _dire(f"  {_ETATS_BANQUE[issue.etat]:<11} {issue.chemin}{nom}")
        for message in issue.messages:
            _dire(f"    - {message}")
    return 0 if all(i.etat in ("ajoute", "remplace", "inchange") for i in issues) else 1


def _banque_lister(arguments: argparse.Namespace) -> int:
    from clusterlib.banque.stockage import lister, ouvrir

    with ouvrir(arguments.banque, lecture_seule=True) as banque:
        table = lister(banque)
    if table.empty:
        _dire(f"Banque {arguments.banque} : aucun cluster.")
        return 0
    _dire(f"Banque {arguments.banque} : {len(table)} cluster(s).")
    for ligne in table.itertuples():
        fictif = " (données fictives)" if ligne.donnees_fictives else ""
        _dire(f"  {ligne.cluster} — {ligne.nom}{fictif}\n    filière {ligne.filiere}, {ligne.departements or '—'} ; "
              f"{ligne.nb_acteurs} acteurs ; campagnes {ligne.campagnes} ; ajouté le {ligne.ajoute_le:%d/%m/%Y %H:%M}")
    return 0


def _banque_retirer(arguments: argparse.Namespace) -> int:
    from clusterlib.banque.stockage import ouvrir, retirer

    with ouvrir(arguments.banque, creer=False) as banque:
        lignes = retirer(banque, arguments.ident)
    _dire(f"Cluster « {arguments.ident} » retiré de {arguments.banque} ({lignes} ligne(s)).")
    return 0


def _banque_exporter(arguments: argparse.Namespace) -> int:
    from clusterlib.banque.stockage import exporter, ouvrir

    with ouvrir(arguments.banque, lecture_seule=True) as banque:
        fichiers = exporter(banque, arguments.out)
    _dire(f"Export : {fichiers['parquet']} (Parquet) et {fichiers['excel']} (Excel).")
    return 0


_ACTIONS_BANQUE = {"ajouter": _banque_ajouter, "lister": _banque_lister, "retirer": _banque_retirer,
                   "exporter": _banque_exporter}


# --- L'enveloppeur : exceptions du projet → message en français et code de sortie -------------------

@dataclass(frozen=True)
class _Commande:
    """Une commande : sa fonction, et ce qui change pour elle dans la traduction des erreurs."""

    action: Callable[[argparse.Namespace], int]
    interruption: str = "Interrompu."
    codes: Mapping[str, int] = field(default_factory=dict)  # nom de l'exception → code, à la place du code commun


_RAPPORT_INTERROMPU = "Interrompu : aucun rapport à moitié écrit n'a été laissé"
_COMMANDES = {
    "validate": _Commande(_validate),
    "templates": _Commande(_templates),
    "import-kobo": _Commande(_import_kobo),
    "pseudonymise": _Commande(_pseudonymise),
    "exemples": _Commande(_exemples, codes={"OSError": 2}),  # rien n'est copié : la commande est à refaire
    "report": _Commande(_report, f"{_RAPPORT_INTERROMPU} ; les rapports déjà faits sont gardés."),
    "report-hub": _Commande(_report_hub, f"{_RAPPORT_INTERROMPU}.", codes={"ErreurBanque": 1}),
    "banque": _Commande(lambda arguments: _ACTIONS_BANQUE[arguments.action](arguments)),
}

# Les exceptions du projet, dans l'ordre où on les reconnaît : (module, classe, code, préfixe).
# Le message d'une ErreurDonnees est la liste des problèmes (sortie standard, comme le bilan de
# validate) ; celui d'une ErreurSortie nomme déjà la commande ; les autres sont préfixés par elle.
_ERREURS = (
    ("clusterlib.donnees.problemes", "ErreurDonnees", 1, False),
    ("clusterlib.fichiers", "ErreurSortie", 2, False),
    ("clusterlib.collecte.xlsform", "ErreurFormulaire", 2, True),
    ("clusterlib.collecte.pseudonymisation", "ErreurCle", 2, True),
    ("clusterlib.collecte.pseudonymisation", "ErreurCommande", 2, True),
    ("clusterlib.banque.stockage", "ErreurBanque", 2, True),
)


def _reconnaitre(exc: BaseException) -> tuple[str, int, bool] | None:
    """(nom de la classe, code, préfixe) d'une exception du projet, ``None`` pour une autre.

    Le module d'une classe n'est pas importé pour la reconnaître (duckdb, pandas…) : s'il n'est
    pas chargé, l'exception ne peut pas venir de lui.
    """
    for module, nom, code, prefixe in _ERREURS:
        classe = getattr(sys.modules.get(module), nom, None)
        if classe is not None and isinstance(exc, classe):
            return nom, code, prefixe
    return None


def _executer(nom: str, commande: _Commande, arguments: argparse.Namespace) -> int:
    """Exécute une commande ; change ses erreurs prévues en message français et en code de sortie.

    Une exception qui n'est pas du projet (une erreur de programmation) n'est pas cachée.
    """
    try:
        return commande.action(arguments)
    except KeyboardInterrupt:
        _signaler(f"\n{commande.interruption}")
        return 130
    except Exception as exc:
        prefixe = f"clusterlib {nom}" + (f" {arguments.action}" if nom == "banque" else "")
        connue = _reconnaitre(exc)
        if connue is not None:
            classe, code, avec_prefixe = connue
            if classe == "ErreurDonnees":
                _dire(str(exc))
            else:
                _signaler(f"{prefixe} : {exc}" if avec_prefixe else str(exc))
            return commande.codes.get(classe, code)
        if isinstance(exc, BrokenPipeError) and exc.filename is None:
            # La sortie est lue par un programme qui s'est arrêté (clusterlib validate … | head) : rien à dire.
            sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (fermé avec le processus)
            return 141
        if isinstance(exc, OSError):
            # Sans errno, le message a été écrit par clusterlib (en français) ; sinon, la cause du système.
            cause = str(exc) if exc.errno is None else f"écriture impossible ({message_systeme(exc)})"
            _signaler(f"{prefixe} : {cause}")
            return commande.codes.get("OSError", 1)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    """Point d'entrée de la commande ``clusterlib`` ; renvoie le code de sortie."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")  # accents lisibles même sous Windows
    with _argparse_en_francais():
        try:
            arguments = _parseur().parse_args(argv)
        except SystemExit as sortie:  # aide, version ou ligne erronée : argparse a déjà écrit son message
            return int(sortie.code or 0)
    return _executer(arguments.commande, _COMMANDES[arguments.commande], arguments)


if __name__ == "__main__":
    sys.exit(main())
