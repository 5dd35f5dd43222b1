"""La commande ``clusterlib pseudonymise`` : chemins vérifiés, copie pseudonymisée écrite à part puis mise en place."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from clusterlib import referentiel
from clusterlib.collecte.kobo import FICHIER_REPONSES
from clusterlib.collecte.modeles_excel import ecrire_dossier, ecrire_modele, lire_jeu_texte
from clusterlib.collecte.pseudonymisation.cle import avertissement_droits_cle, lire_cle
from clusterlib.collecte.pseudonymisation.jeu import pseudonymiser_jeu
from clusterlib.donnees.lecture import lire_jeu
from clusterlib.donnees.problemes import ErreurDonnees
from clusterlib.donnees.validation import valider_jeu
from clusterlib.fichiers import ErreurSortie, est_jeu_de_donnees, verifier_sortie
from clusterlib.referentiel import cle_normalisee

__all__ = ["BilanPseudonymisation", "ErreurCommande", "noms_ecrits", "pseudonymiser"]

_FICHIERS_SYSTEME = {".DS_Store", "Thumbs.db", "desktop.ini"}  # recréés par le système : tolérés dans la sortie


@dataclass
class BilanPseudonymisation:
    """Ce que la pseudonymisation a changé : cellules par colonne, personnes, fichiers laissés de côté."""

    source: Path
    destination: Path
    colonnes: Counter = field(default_factory=Counter)  # « table.colonne » → cellules changées
    personnes: int = 0
    cle_creee: bool = False
    fichier_cle: Path | None = None
    ignores: list[str] = field(default_factory=list)
    avertissements: list[str] = field(default_factory=list)

    def resume(self) -> str:
        """Le résumé en français, tel que l'affiche la ligne de commande."""
        lignes = [f"Jeu pseudonymisé écrit : {self.destination} (source intacte : {self.source})."]
        if self.cle_creee:
            lignes.append(f"Clé créée : {self.fichier_cle} — gardez-la secrète et hors du dossier partagé ; "
                          "la même clé redonne les mêmes pseudonymes.")
        lignes.append(f"{self.personnes} personne(s) pseudonymisée(s).")
        if self.colonnes:
            lignes.append("Colonnes modifiées :")
            lignes += [f"  - {nom} : {n} cellule(s)" for nom, n in sorted(self.colonnes.items())]
        else:
            lignes.append("Aucune colonne modifiée : pas de nom de personne, de courriel ni de téléphone trouvé.")
        if self.ignores:
            lignes.append("Fichiers non copiés (hors du format, à vérifier à la main avant tout partage) : "
                          + ", ".join(self.ignores))
        return "\n".join(lignes)


class ErreurCommande(ValueError):
    """Arguments inutilisables (chemins qui se recouvrent, sortie existante…) ; message en français."""


def _dedans(chemin: Path, dossier: Path) -> bool:
    try:
        chemin.resolve().relative_to(dossier.resolve())
    except ValueError:
        return False
    return True


def noms_ecrits() -> set[str]:
    """Les noms de fichiers que la commande peut écrire dans un dossier de sortie."""
    return {"cluster.yml", f"{FICHIER_REPONSES}.csv", *(f"{t}.csv" for t in referentiel.tables())}


def _marquee_pseudonymisee(chemin: Path) -> bool:
    brut = lire_jeu(chemin)
    return brut.fiche is not None and cle_normalisee(str(brut.fiche.valeurs.get("pseudonymise", ("",))[0])) == "true"


def _verifier_destination(destination: Path) -> None:
    """Refuse une sortie existante qui contient autre chose qu'une pseudonymisation précédente."""
    if not destination.exists() and not destination.is_symlink():
        return
    autre = (f"{destination} existe déjà et n'est pas une sortie de « clusterlib pseudonymise » ; rien n'a été "
             "écrit : choisissez un dossier nouveau ou vide")
    if destination.suffix.lower() == ".xlsx":
        if destination.is_symlink() or not destination.is_file() or not _marquee_pseudonymisee(destination):
            raise ErreurCommande(autre)
        return
    if destination.is_symlink() or not destination.is_dir():
        raise ErreurCommande(f"{destination} existe déjà et n'est pas un dossier ; rien n'a été écrit : "
                             "choisissez un dossier nouveau ou vide")
    try:
        contenu = list(destination.iterdir())
    except OSError:
        raise ErreurCommande(f"{destination} : dossier de sortie illisible (droits ?) ; rien n'a été écrit") from None
    permis = noms_ecrits()
    etrangers = sorted(f.name + ("/" if f.is_dir() else "") for f in contenu
                       if f.name not in _FICHIERS_SYSTEME
                       and (f.name not in permis or f.is_symlink() or not f.is_file()))
    if etrangers:
        liste = ", ".join(etrangers[:5]) + (f" et {len(etrangers) - 5} autre(s)" if len(etrangers) > 5 else "")
        raise ErreurCommande(f"{destination} contient des fichiers que « clusterlib pseudonymise » n'a pas écrits "
                             f"({liste}) ; rien n'a été écrit et rien n'a été effacé : choisissez un dossier nouveau "
                             "ou vide, ou déplacez ces fichiers")
    if any(f.name in permis for f in contenu) and not _marquee_pseudonymisee(destination):
        raise ErreurCommande(autre)


def _verifier_chemins(source: Path, destination: Path, fichier_cle: Path) -> None:
    if not source.exists():
        raise ErreurCommande(f"{source} : jeu introuvable")
    if destination.resolve() == source.resolve() or _dedans(destination, source) or _dedans(source, destination):
        raise ErreurCommande(f"{destination} : la sortie ne peut pas être le jeu d'origine ni se trouver dedans ; "
                             "choisissez un autre dossier (le jeu d'origine n'est jamais modifié)")
    if _dedans(fichier_cle, destination):
        raise ErreurCommande(f"{fichier_cle} : la clé ne doit pas être rangée dans le jeu partagé ; gardez-la ailleurs")
    # Règle commune à toutes les sorties (liens symboliques, autre jeu de données englobant…).
    commande = "clusterlib pseudonymise"
    try:
        verifier_sortie(destination, [source], commande=commande, dossier=destination.suffix.lower() != ".xlsx",
                        jeu_admis=True)
    except ErreurSortie as exc:
        raise ErreurCommande(str(exc).removeprefix(f"{commande} : ")) from None
    if _dedans(fichier_cle, source) or (fichier_cle.exists() and est_jeu_de_donnees(fichier_cle)):
        raise ErreurCommande(f"{fichier_cle} : la clé ne doit pas être rangée dans le jeu d'origine ; gardez-la "
                             "ailleurs, hors des données")
    _verifier_destination(destination)


def _nom_libre(dossier: Path, prefixe: str) -> Path:
    while True:
        chemin = dossier / f"{prefixe}{secrets.token_hex(4)}"
        if not chemin.exists() and not chemin.is_symlink():
            return chemin


def pseudonymiser(source: str | Path, destination: str | Path, fichier_cle: str | Path) -> BilanPseudonymisation:
    """Écrit dans ``destination`` (dossier, ou classeur ``.xlsx``) une copie pseudonymisée du jeu ``source``.

    La source n'est jamais modifiée ; une sortie existante n'est remplacée que si elle ne
    contient que des fichiers écrits par une pseudonymisation précédente. La sortie est
    vérifiée (elle doit être valide) avant d'être mise en place. Lève :class:`ErreurCommande`
    ou :class:`ErreurCle` pour des arguments inutilisables,
    :class:`~clusterlib.donnees.problemes.ErreurDonnees` si le jeu source n'est pas valide.
    """
    source, destination, fichier_cle = Path(source), Path(destination), Path(fichier_cle)
    _verifier_chemins(source, destination, fichier_cle)
    verification = valider_jeu(lire_jeu(source))
    if verification.erreurs:
        raise ErreurDonnees(str(source), verification.problemes)
    cle, creee = lire_cle(fichier_cle)
    jeu = lire_jeu_texte(source, annexes=(FICHIER_REPONSES,))
    resultat, changes, personnes = pseudonymiser_jeu(jeu, cle)
    bilan = BilanPseudonymisation(source, destination, changes, personnes, creee, fichier_cle)
    avertissement = avertissement_droits_cle(fichier_cle)
    if avertissement:
        bilan.avertissements.append(avertissement)
    if source.is_dir():
        connus = {*referentiel.tables(), FICHIER_REPONSES, "cluster"}
        bilan.ignores = sorted(f.name + ("/" if f.is_dir() else "") for f in source.iterdir()
                               if not f.name.startswith((".", "~$")) and cle_normalisee(f.stem) not in connus)
    commentaire = ("Copie pseudonymisée par clusterlib pseudonymise : noms de personnes, courriels et téléphones "
                   "remplacés, position des personnes arrondie.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.suffix.lower() == ".xlsx":
        temporaire = _nom_libre(destination.parent, f".{destination.stem}.")
        temporaire = temporaire.with_name(temporaire.name + ".xlsx")
        try:
            ecrire_modele(temporaire, resultat)
            essai = valider_jeu(lire_jeu(temporaire))
            if essai.erreurs:
                raise ErreurDonnees(str(destination), essai.erreurs)
            _verifier_destination(destination)  # rien n'a changé pendant l'écriture
            os.replace(temporaire, destination)
        finally:
            temporaire.unlink(missing_ok=True)
        return bilan
    temporaire = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    masque = os.umask(0)
    os.umask(masque)
    os.chmod(temporaire, 0o777 & ~masque)  # mkdtemp crée le dossier en 700 : droits habituels pour la copie
    try:
        ecrire_dossier(resultat, temporaire, commentaire)
        essai = valider_jeu(lire_jeu(temporaire))
        if essai.erreurs:
            raise ErreurDonnees(str(destination), essai.erreurs)
        _verifier_destination(destination)  # rien n'a changé pendant l'écriture
        ancien = None
        if destination.exists():
            ancien = _nom_libre(destination.parent, f".{destination.name}.ancien.")
            os.replace(destination, ancien)
        os.replace(temporaire, destination)
        if ancien is not None:
            shutil.rmtree(ancien, ignore_errors=True)  # seulement des fichiers écrits par la commande (vérifié)
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)
    return bilan
