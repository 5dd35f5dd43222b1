"""Ligne de commande ``clusterlib`` (messages en français).

Codes de sortie : 0 tout est valide, 1 données invalides, 2 ligne de commande erronée.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from clusterlib import __version__
from clusterlib.donnees.lecture import SUFFIXES_CLASSEUR, lire_jeu
from clusterlib.donnees.modele import Cluster, cluster_depuis_jeu
from clusterlib.donnees.validation import valider_jeu
from clusterlib.referentiel import regles

__all__ = ["main"]

# Messages d'argparse traduits (argparse les passe par gettext).
_TRADUCTIONS = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "show program's version number and exit": "affiche la version et quitte",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "expected one argument": "une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)\n":
        "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut désigner %(matches)s",
    "ignored explicit argument %r": "valeur explicite ignorée : %r",
}


@contextmanager
def _argparse_en_francais() -> Iterator[None]:
    originaux = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def traduire(message: str) -> str:
        return _TRADUCTIONS.get(message, message)

    def traduire_pluriel(singulier: str, pluriel: str, n: int) -> str:
        return traduire(singulier if n == 1 else pluriel)

    argparse._, argparse.ngettext = traduire, traduire_pluriel  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = originaux  # type: ignore[attr-defined]


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
    modeles.add_argument("--out", required=True, metavar="DOSSIER", type=Path,
                         help="dossier où écrire les modèles (créé s'il n'existe pas)")
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
    kobo.add_argument("--out", required=True, metavar="JEU", type=Path,
                      help="dossier du cluster à compléter (créé s'il n'existe pas)")
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
    pseudo.add_argument("--out", required=True, metavar="SORTIE", type=Path,
                        help="dossier (ou classeur .xlsx) de la copie pseudonymisée")
    pseudo.add_argument("--key-file", required=True, metavar="FICHIER_CLE", type=Path, dest="fichier_cle",
                        help="fichier de la clé secrète, à garder hors du dossier partagé et lisible par vous seul "
                        "(chmod 600)")
    exemples = commandes.add_parser(
        "exemples",
        help="copie les clusters d'exemple (fictifs) livrés avec clusterlib dans un dossier",
        description="Copie dans DOSSIER (nouveau ou vide) les clusters d'exemple inventés livrés avec "
        "clusterlib, pour essayer validate et report sur des données qui marchent.",
    )
    exemples.add_argument("--out", required=True, metavar="DOSSIER", type=Path,
                          help="dossier où copier les exemples (nouveau ou vide)")
    rapport = commandes.add_parser(
        "report",
        help="produit le rapport de diagnostic de chaque cluster et la synthèse du lot",
        description="Pour chaque cluster (dossier ou classeur), vérifie les données puis exécute le notebook "
        "du rapport (papermill) et écrit dans DOSSIER/<id du cluster>/ le rapport HTML, le notebook exécuté et "
        "resume.json ; écrit aussi DOSSIER/index.html et DOSSIER/synthese.csv. Un cluster invalide est signalé "
        "et sauté ; un échec ne laisse jamais de rapport à moitié écrit.",
    )
    rapport.add_argument("chemins", nargs="+", metavar="CHEMIN", type=Path,
                         help="dossier d'un cluster ou classeur Excel")
    rapport.add_argument("--out", required=True, metavar="DOSSIER", type=Path, help="dossier des rapports")
    rapport.add_argument("--jobs", type=_entier_positif, default=1, metavar="N", dest="travaux",
                         help="nombre de rapports exécutés en parallèle (un processus chacun ; 1 par défaut)")
    rapport.add_argument("--campagne", metavar=regles.format_campagne(), default=None,
                         help="campagne étudiée (par défaut : la campagne en cours de chaque cluster)")
    rapport.add_argument("--formats", type=_formats, default=("html", "pdf", "ipynb"), metavar="LISTE",
                         help="formats à garder, séparés par des virgules : html, pdf, ipynb (par défaut les trois ; "
                              "le PDF demande Chromium)")
    rapport.add_argument("--disposition", choices=("valuelinks", "case"), default="valuelinks",
                         help="carte principale du rapport (par défaut valuelinks)")
    rapport.add_argument("--delai", type=_entier_positif, default=600, metavar="SECONDES",
                         help="temps maximal d'exécution d'une cellule du notebook (600 s par défaut)")
    rapport.add_argument("--moteur", choices=("clusterlib", "papermill"), default="clusterlib",
                         help="exécution des notebooks : clusterlib (par défaut : processus de travail qui ont "
                         "tout importé une fois, cellules exécutées sans noyau) ou papermill (un noyau neuf "
                         "par rapport) ; les rapports sont les mêmes")
    from clusterlib.banque.commandes import ajouter_parseurs

    ajouter_parseurs(commandes, _entier_positif)
    hub = commandes.add_parser(
        "report-hub",
        help="produit le rapport de hub d'une filière à partir de la banque de clusters",
        description="Exécute le notebook du rapport de hub (papermill) sur la banque : niveaux et trajectoires des "
        "clusters, comparaison à la filière, totaux, maillons manquants, acteurs communs et réseau des clusters. "
        "Écrit DOSSIER/<filière>-<départements>/rapport.html ; un échec ne laisse jamais de rapport à moitié écrit.",
    )
    hub.add_argument("banque", metavar="BANQUE", type=Path, help="fichier de la banque (clusterlib banque ajouter)")
    hub.add_argument("--filiere", required=True, metavar="FILIERE", help="filière étudiée (par exemple riz)")
    hub.add_argument("--departement", action="append", metavar="DEPARTEMENT", dest="departements",
                     help="département du périmètre (à répéter ; par défaut : tout le pays)")
    hub.add_argument("--out", required=True, metavar="DOSSIER", type=Path, help="dossier des rapports")
    hub.add_argument("--campagne", metavar=regles.format_campagne(), default=None,
                     help="campagne de la comparaison (par défaut : la plus récente)")
    hub.add_argument("--formats", type=_formats, default=("html", "ipynb"), metavar="LISTE",
                     help="formats à garder, séparés par des virgules : html, ipynb (par défaut les deux)")
    hub.add_argument("--delai", type=_entier_positif, default=600, metavar="SECONDES",
                     help="temps maximal d'exécution d'une cellule du notebook (600 s par défaut)")
    return parseur


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


def _commande_validate(chemins: Sequence[Path]) -> int:
    introuvables = [c for c in chemins if not c.exists()]
    if introuvables:
        for chemin in introuvables:
            print(f"clusterlib validate : chemin introuvable : {chemin}", file=sys.stderr)
        return 2
    invalides = 0
    for chemin in chemins:
        jeu = valider_jeu(lire_jeu(chemin))
        erreurs = jeu.erreurs
        avertissements = [p for p in jeu.problemes if not p.est_erreur]
        if erreurs:
            invalides += 1
            print(f"INVALIDE  {chemin} : {len(erreurs)} erreur(s)")
        else:
            print(f"VALIDE    {chemin}")
            print(_resume(cluster_depuis_jeu(jeu)))  # le jeu déjà validé : pas de seconde lecture
        for probleme in [*erreurs, *avertissements]:
            print(f"  - {probleme}")
    total = len(chemins)
    if total > 1:
        print(f"\n{total - invalides} cluster(s) valide(s), {invalides} invalide(s) sur {total}.")
    return 1 if invalides else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Point d'entrée de la commande ``clusterlib``."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")  # accents lisibles même sous Windows
    with _argparse_en_francais():
        try:
            arguments = _parseur().parse_args(argv)
        except SystemExit as sortie:
            return int(sortie.code or 0)
    try:
        if arguments.commande == "validate":
            return _commande_validate(arguments.chemins)
        if arguments.commande == "templates":
            from clusterlib.collecte.modeles_excel import commande_templates

            return commande_templates(arguments.out)
        if arguments.commande == "import-kobo":
            from clusterlib.collecte.kobo import commande_import_kobo

            return commande_import_kobo(arguments.export, arguments.form, arguments.out)
        if arguments.commande == "report":
            from clusterlib.sorties.rapports import MARQUEUR_LOT, MARQUEUR_RAPPORT, commande_report

            introuvables = [c for c in arguments.chemins if not c.exists()]
            for chemin in introuvables:
                print(f"clusterlib report : chemin introuvable : {chemin}", file=sys.stderr)
            if introuvables:
                return 2
            # Un motif comme data/samples/* attrape aussi README.md, ou le dossier des rapports d'un run
            # précédent : ces chemins sont écartés, et dits.
            chemins = []
            for chemin in arguments.chemins:
                if not (chemin.is_dir() or chemin.suffix.lower() in SUFFIXES_CLASSEUR):
                    print(f"clusterlib report : ignoré, ni un dossier ni un classeur Excel : {chemin}",
                          file=sys.stderr)
                elif chemin.is_dir() and any((chemin / m).is_file() for m in (MARQUEUR_LOT, MARQUEUR_RAPPORT)):
                    print(f"clusterlib report : ignoré, c'est un dossier de rapports de clusterlib : {chemin}",
                          file=sys.stderr)
                else:
                    chemins.append(chemin)
            if not chemins:
                print("clusterlib report : aucun cluster à traiter (attendu : des dossiers de cluster "
                      "ou des classeurs .xlsx)", file=sys.stderr)
                return 2
            return commande_report(chemins, arguments.out, travaux=arguments.travaux,
                                   campagne=arguments.campagne, formats=arguments.formats,
                                   disposition=arguments.disposition, delai=arguments.delai,
                                   moteur=arguments.moteur)
        if arguments.commande == "exemples":
            from clusterlib.donnees import echantillons

            try:
                copies = echantillons.copier(arguments.out)
            except (FileExistsError, FileNotFoundError) as exc:
                print(f"clusterlib exemples : {exc}", file=sys.stderr)
                return 2
            except OSError:
                print(f"clusterlib exemples : impossible d'écrire dans {arguments.out} (droits, disque plein ?) ; "
                      "rien n'a été copié", file=sys.stderr)
                return 2
            print(f"{len(copies)} clusters d'exemple copiés dans {arguments.out} : {', '.join(copies)}")
            return 0
        if arguments.commande == "banque":
            from clusterlib.banque.commandes import commande_banque

            return commande_banque(arguments)
        if arguments.commande == "report-hub":
            from clusterlib.banque.hub import commande_report_hub

            if not arguments.banque.exists():
                print(f"clusterlib report-hub : banque introuvable : {arguments.banque}", file=sys.stderr)
                return 2
            return commande_report_hub(arguments.banque, arguments.filiere, arguments.out,
                                       departements=arguments.departements, campagne=arguments.campagne,
                                       formats=arguments.formats, delai=arguments.delai)
        if arguments.commande == "pseudonymise":
            from clusterlib.collecte.pseudonymisation import commande_pseudonymise

            return commande_pseudonymise(arguments.jeu, arguments.out, arguments.fichier_cle)
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
