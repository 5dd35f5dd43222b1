"""Pseudonymisation d'un jeu de données avant de le partager ou de publier un rapport.

Les noms de personnes et les numéros de téléphone béninois sont remplacés par des
pseudonymes stables : un HMAC-SHA256 calculé avec une clé secrète gardée dans un fichier.
La même personne reçoit le même pseudonyme dans tous les fichiers et à chaque exécution
avec la même clé ; sans la clé, on ne peut pas retrouver le nom. Les identifiants, les
codes et tous les nombres restent tels quels : les analyses donnent les mêmes résultats.

Sont traités comme des noms de personnes :

- le nom des acteurs de forme ``individu`` (la partie avant la première virgule, la suite
  « riziculteur à Glazoué » est gardée) ;
- les coachs de la fiche du cluster ;
- les colonnes qui peuvent nommer une personne (``scores.evaluateur``,
  ``plan_actions.responsable``), sauf quand la valeur désigne un rôle ou une organisation
  (« Coach externe », « Union des étuveuses ») ;
- les réponses de collecte qui nomment une personne (enquêteur, répondant).

Chacun de ces noms est ensuite remplacé partout où il apparaît dans les textes libres, et
les numéros de téléphone (8 chiffres de l'ancien plan, 10 chiffres commençant par 01 du
nouveau, avec ou sans +229) sont remplacés dans tous les textes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.collecte.kobo import COLONNE_SOUMISSION, FICHIER_REPONSES
from clusterlib.collecte.modeles_excel import JeuTexte, ecrire_dossier, ecrire_modele, lire_jeu_texte
from clusterlib.collecte.xlsform import fiches_collecte
from clusterlib.donnees.lecture import lire_jeu
from clusterlib.donnees.problemes import ErreurDonnees
from clusterlib.donnees.validation import valider_jeu
from clusterlib.fichiers import ErreurSortie, ecrire_atomique, ecriture_atomique, est_jeu_de_donnees, verifier_sortie
from clusterlib.referentiel import cle_normalisee

__all__ = [
    "BilanPseudonymisation",
    "Pseudonymiseur",
    "commande_pseudonymise",
    "lire_cle",
    "pseudonymiser",
    "pseudonymiser_jeu",
]

LONGUEUR_CLE_MIN = 32
TYPES_INTACTS = {"identifiant", "enum", "campagne", "mois", "indicateur", "objet_ffom", "nombre", "entier",
                 "annee", "booleen"}
COLONNES_REPONSES_INTACTES = {COLONNE_SOUMISSION, "fiche", "acteur", "partenaire", "annexe", "question", "libelle"}
_TELEPHONE = re.compile(
    r"(?<!\d)(?<![\d+][\s.-])"
    r"(?P<pays>(?:\+|00)\s?229[\s.-]?|229[\s.-])?"
    r"(?P<nouveau>01[\s.-]?)?"
    r"(?P<numero>\d{2}(?P<s1>[\s.-]?)\d{2}(?P<s2>[\s.-]?)\d{2}(?P<s3>[\s.-]?)\d{2})"
    r"(?!\d)(?![\s.-]\d)"
)
_UNITE_APRES = re.compile(r"^\s*(f\b|fcfa|cfa|xof|francs?|kg|t\b|tonnes?|sacs?|ha\b|%|€|\$)", re.IGNORECASE)


class ErreurCle(ValueError):
    """Le fichier de clé est illisible ou trop court ; le message est en français."""


def lire_cle(chemin: str | Path, creer: bool = True) -> tuple[bytes, bool]:
    """La clé secrète du fichier ``chemin`` ; la crée (aléatoire, 64 caractères) s'il n'existe pas.

    Renvoie ``(clé, créée)``. Lève :class:`ErreurCle` si le fichier existe mais que la clé est
    trop courte, ou s'il manque et que ``creer`` est faux.
    """
    chemin = Path(chemin)
    if chemin.is_file():
        texte = chemin.read_text(encoding="utf-8", errors="replace").strip()
        if len(texte) < LONGUEUR_CLE_MIN:
            raise ErreurCle(f"{chemin} : clé trop courte ({len(texte)} caractères) ; attendu : au moins "
                            f"{LONGUEUR_CLE_MIN} caractères (supprimez le fichier pour qu'une clé soit créée)")
        return texte.encode("utf-8"), False
    if chemin.exists():
        raise ErreurCle(f"{chemin} : ce n'est pas un fichier")
    if not creer:
        raise ErreurCle(f"{chemin} : fichier de clé introuvable")
    cle = secrets.token_hex(32)
    ecrire_atomique(chemin, cle + "\n")
    os.chmod(chemin, 0o600)
    return cle.encode("utf-8"), True


class Pseudonymiseur:
    """Calcule les pseudonymes (HMAC-SHA256 avec la clé) et remplace noms et téléphones dans un texte."""

    def __init__(self, cle: bytes):
        self.cle = cle
        self.noms: dict[str, str] = {}  # nom tel qu'écrit → pseudonyme
        self._motif: re.Pattern[str] | None = None
        ref = fiches_collecte()["pseudonymisation"]
        self.mots_roles = {cle_normalisee(m) for m in ref["mots_roles"]}

    def _code(self, nature: str, valeur: str) -> str:
        empreinte = hmac.new(self.cle, f"{nature}:{valeur}".encode(), hashlib.sha256).digest()
        return base64.b32encode(empreinte).decode("ascii")[:8]

    def personne(self, nom: str) -> str:
        """Le pseudonyme d'une personne (même nom, à la casse et aux accents près → même pseudonyme)."""
        return f"Personne {self._code('personne', cle_normalisee(nom))}"

    def telephone(self, numero: str) -> str:
        """Le pseudonyme d'un numéro ; l'ancien numéro à 8 chiffres et le nouveau (01…) donnent le même."""
        chiffres = re.sub(r"\D", "", numero)
        if chiffres.startswith("00229"):
            chiffres = chiffres[5:]
        elif chiffres.startswith("229") and len(chiffres) >= 11:
            chiffres = chiffres[3:]
        if len(chiffres) == 10 and chiffres.startswith("01"):
            chiffres = chiffres[2:]
        return f"Tél-{self._code('telephone', chiffres)}"

    def est_role(self, valeur: str) -> bool:
        """Vrai si la valeur désigne un rôle ou une organisation plutôt qu'une personne."""
        mots = cle_normalisee(valeur).split("_")
        return any(m in self.mots_roles or m.removesuffix("s") in self.mots_roles for m in mots)

    def ressemble_a_un_nom(self, valeur: str) -> bool:
        """Vrai pour une valeur qui a la forme d'un nom de personne (« Awa Dossou », « Koffi AGBO »).

        Deux à cinq mots qui commencent par une majuscule (particules « de », « da »… admises),
        sans chiffre, et sans mot de rôle ni d'organisation (« Coach externe », « Union des
        étuveuses »). Un sigle seul (« SDAA ») n'est pas un nom de personne.
        """
        if any(c.isdigit() for c in valeur) or self.est_role(valeur):
            return False
        mots = valeur.replace("-", " ").split()
        particules = {"de", "da", "do", "dos", "du", "le", "la", "van", "von", "ben"}
        propres = [m for m in mots if m[:1].isupper()]
        return 2 <= len(mots) <= 5 and len(propres) >= 2 and all(m[:1].isupper() or m in particules for m in mots)

    def ajouter_nom(self, nom: str) -> str:
        """Enregistre un nom de personne (pour le remplacer partout) ; renvoie son pseudonyme."""
        nom = " ".join(nom.split())
        if not nom:
            return nom
        if nom not in self.noms:
            self.noms[nom] = self.personne(nom)
            self._motif = None
        return self.noms[nom]

    def _motif_noms(self) -> re.Pattern[str] | None:
        if self._motif is None and self.noms:
            noms = sorted(self.noms, key=len, reverse=True)
            self._motif = re.compile(r"(?<!\w)(" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in noms)
                                     + r")(?!\w)", re.IGNORECASE)
        return self._motif

    def remplacer_telephones(self, texte: str, champ_telephone: bool = False) -> str:
        """Remplace les numéros de téléphone béninois d'un texte par leur pseudonyme."""
        def remplacement(m: re.Match[str]) -> str:
            separateurs = {m["s1"], m["s2"], m["s3"]}
            marque = bool(m["pays"] or m["nouveau"])
            if len(separateurs) != 1:  # « 2025-11-12 », « 2025-2026 » : pas un numéro
                return m[0]
            if _UNITE_APRES.match(texte[m.end():]):
                return m[0]
            colle = separateurs == {""}
            if colle and not marque and not champ_telephone and m["numero"][0] not in "4569":
                return m[0]  # huit chiffres collés sans indicatif : un montant plutôt qu'un numéro
            return self.telephone(m[0])

        return _TELEPHONE.sub(remplacement, texte)

    def remplacer(self, texte: str, champ_telephone: bool = False) -> str:
        """Remplace dans un texte les noms de personnes connus et les numéros de téléphone."""
        if not texte:
            return texte
        motif = self._motif_noms()
        if motif is not None:
            texte = motif.sub(lambda m: self.personne(m[0]), texte)
        return self.remplacer_telephones(texte, champ_telephone)


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
            lignes.append("Aucune colonne modifiée : pas de nom de personne ni de téléphone trouvé.")
        if self.ignores:
            lignes.append("Fichiers non copiés (hors du format, à vérifier à la main avant tout partage) : "
                          + ", ".join(self.ignores))
        return "\n".join(lignes)


def _colonnes_a_traiter(table: str, cadre: pd.DataFrame) -> list[str]:
    if table == FICHIER_REPONSES:
        return [c for c in cadre.columns if c not in COLONNES_REPONSES_INTACTES]
    types = {c.nom: c.type for c in referentiel.colonnes(table)} if table in referentiel.tables() else {}
    return [c for c in cadre.columns if types.get(c) not in TYPES_INTACTS and c != COLONNE_SOUMISSION]


def _questions_marquees(marque: str) -> set[str]:
    ref = fiches_collecte()
    blocs = [ref["enquete"], ref["identification"], ref["partenaires"], ref["grille"]["entete"]]
    return {q["nom"] for b in blocs for q in b["questions"] if q.get(marque)}


def _entrees_coachs(valeur: Any, p: Pseudonymiseur) -> tuple[Any, int]:
    """Pseudonymise la clé coachs de la fiche (liste de {nom, type} ou texte « nom (type); … »)."""
    changes = 0
    if isinstance(valeur, list):
        resultat = []
        for entree in valeur:
            if isinstance(entree, dict) and entree.get("nom"):
                resultat.append({**entree, "nom": p.ajouter_nom(str(entree["nom"]))})
                changes += 1
            elif isinstance(entree, str):
                nouveau, n = _entrees_coachs(entree, p)
                resultat.append(nouveau)
                changes += n
            else:
                resultat.append(entree)
        return resultat, changes
    if isinstance(valeur, str):
        morceaux = []
        for morceau in valeur.split(";"):
            m = re.match(r"^\s*(?P<nom>.*?)\s*(?P<type>\([^()]*\))?\s*$", morceau)
            if m and m["nom"]:
                morceaux.append(f"{p.ajouter_nom(m['nom'])} {m['type'] or ''}".strip())
                changes += 1
            elif morceau.strip():
                morceaux.append(morceau.strip())
        return "; ".join(morceaux), changes
    return valeur, 0


def pseudonymiser_jeu(jeu: JeuTexte, cle: bytes) -> tuple[JeuTexte, Counter, int]:
    """Pseudonymise un jeu en texte.

    Renvoie le nouveau jeu, les cellules changées par colonne (« table.colonne » → nombre) et
    le nombre de personnes pseudonymisées. Le jeu reçu n'est pas modifié ; identifiants,
    codes et nombres restent identiques.
    """
    p = Pseudonymiseur(cle)
    ref = fiches_collecte()["pseudonymisation"]
    changes: Counter = Counter()
    questions_personnes = _questions_marquees("personne")
    questions_telephones = _questions_marquees("telephone")
    tables = {nom: cadre.copy() for nom, cadre in jeu.tables.items()}
    annexes = {nom: cadre.copy() for nom, cadre in jeu.annexes.items()}
    fiche = dict(jeu.fiche)

    # 1. Les noms de personnes, là où la structure dit qu'il y en a.
    acteurs = tables.get("acteurs")
    individus: dict[int, tuple[str, str]] = {}
    if acteurs is not None and {"nom", "forme"} <= set(acteurs.columns):
        for i, (nom, forme) in enumerate(zip(acteurs["nom"], acteurs["forme"], strict=True)):
            if cle_normalisee(forme or "") == "individu" and nom:
                personne, virgule, reste = str(nom).partition(",")
                individus[i] = (personne.strip(), virgule + reste)
                p.ajouter_nom(personne)
    if "coachs" in fiche:
        fiche["coachs"], n = _entrees_coachs(fiche["coachs"], p)
        if n:
            changes["cluster (fiche) : coachs"] += n
    for table, colonnes in ref["colonnes_personnes"].items():
        if table in tables:
            for colonne in colonnes:
                if colonne in tables[table]:
                    for valeur in tables[table][colonne]:
                        if valeur and p.ressemble_a_un_nom(str(valeur)):
                            p.ajouter_nom(str(valeur))
    reponses = annexes.get(FICHIER_REPONSES)
    if reponses is not None and {"question", "reponse"} <= set(reponses.columns):
        for question, valeur in zip(reponses["question"], reponses["reponse"], strict=True):
            if question in questions_personnes and valeur and not p.est_role(str(valeur)):
                p.ajouter_nom(str(valeur))

    # 2. Remplacement dans toutes les cellules de texte.
    def traiter(nom_table: str, cadre: pd.DataFrame, special: Callable[[int, str, str], str] | None = None) -> None:
        for colonne in _colonnes_a_traiter(nom_table, cadre):
            avant = cadre[colonne].fillna("").astype(str).tolist()
            apres = [special(i, colonne, v) if special else p.remplacer(v) for i, v in enumerate(avant)]
            n = sum(a != b for a, b in zip(avant, apres, strict=True))
            if n:
                cadre[colonne] = pd.Series(apres, index=cadre.index, dtype="str")
                changes[f"{nom_table}.{colonne}"] += n

    for nom_table, cadre in tables.items():
        if nom_table == "acteurs":
            def acteur(i: int, colonne: str, valeur: str) -> str:
                if colonne == "nom" and i in individus:
                    personne, reste = individus[i]
                    return p.personne(personne) + p.remplacer(reste)
                return p.remplacer(valeur)
            traiter(nom_table, cadre, acteur)
        else:
            traiter(nom_table, cadre)
    for nom_table, cadre in annexes.items():
        if nom_table == FICHIER_REPONSES and "question" in cadre:
            questions = cadre["question"].fillna("").astype(str).tolist()

            def reponse(i: int, colonne: str, valeur: str, questions: list[str] = questions) -> str:
                if questions[i] in questions_telephones and valeur:
                    nouveau = p.remplacer(valeur, champ_telephone=True)
                    return nouveau if nouveau != valeur else p.telephone(valeur)
                return p.remplacer(valeur)
            traiter(nom_table, cadre, reponse)
        else:
            traiter(nom_table, cadre)
    for cle_fiche, valeur in list(fiche.items()):
        if cle_fiche in ("id", "campagne", "coachs", "donnees_fictives", "agregateur", "modele"):
            continue
        if isinstance(valeur, str):
            nouveau = p.remplacer(valeur)
        elif isinstance(valeur, list):
            nouveau = [p.remplacer(v) if isinstance(v, str) else
                       {k: (p.remplacer(x) if k == "nom" and isinstance(x, str) else x) for k, x in v.items()}
                       if isinstance(v, dict) else v for v in valeur]
        else:
            continue
        if nouveau != valeur:
            fiche[cle_fiche] = nouveau
            changes[f"cluster (fiche) : {cle_fiche}"] += 1
    fiche["pseudonymise"] = "true"
    return JeuTexte(fiche, tables, annexes), changes, len(p.noms)


# --- Commande ----------------------------------------------------------------------------------------


def _dedans(chemin: Path, dossier: Path) -> bool:
    try:
        chemin.resolve().relative_to(dossier.resolve())
    except ValueError:
        return False
    return True


def _sortie_precedente(chemin: Path) -> bool:
    """Vrai si ``chemin`` est vide ou a été écrit par une pseudonymisation précédente."""
    if chemin.is_dir() and not any(chemin.iterdir()):
        return True
    brut = lire_jeu(chemin)
    return brut.fiche is not None and cle_normalisee(str(brut.fiche.valeurs.get("pseudonymise", ("",))[0])) == "true"


class ErreurCommande(ValueError):
    """Arguments inutilisables (chemins qui se recouvrent, sortie existante…) ; message en français."""


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
    if destination.exists() and not _sortie_precedente(destination):
        raise ErreurCommande(f"{destination} existe déjà et n'est pas une sortie de « clusterlib pseudonymise » ; "
                             "choisissez un dossier nouveau ou vide")


def pseudonymiser(source: str | Path, destination: str | Path, fichier_cle: str | Path) -> BilanPseudonymisation:
    """Écrit dans ``destination`` (dossier, ou classeur ``.xlsx``) une copie pseudonymisée du jeu ``source``.

    La source n'est jamais modifiée ; la sortie est vérifiée (elle doit se charger avec
    :func:`clusterlib.load`) avant d'être mise en place. Lève :class:`ErreurCommande` ou
    :class:`ErreurCle` pour des arguments inutilisables, :class:`~clusterlib.donnees.problemes.ErreurDonnees`
    si le jeu source n'est pas valide.
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
    if source.is_dir():
        connus = {*referentiel.tables(), FICHIER_REPONSES, "cluster"}
        bilan.ignores = sorted(f.name + ("/" if f.is_dir() else "") for f in source.iterdir()
                               if not f.name.startswith((".", "~$")) and cle_normalisee(f.stem) not in connus)
    commentaire = "Copie pseudonymisée par clusterlib pseudonymise : noms de personnes et téléphones remplacés."
    destination.parent.mkdir(parents=True, exist_ok=True)
    if destination.suffix.lower() == ".xlsx":
        with ecriture_atomique(destination) as temporaire:
            ecrire_modele(temporaire, resultat)
            essai = valider_jeu(lire_jeu(temporaire))
            if essai.erreurs:
                raise ErreurDonnees(str(destination), essai.erreurs)
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
        ancien = None
        if destination.exists():
            ancien = destination.with_name(f".{destination.name}.ancien")
            shutil.rmtree(ancien, ignore_errors=True)
            os.replace(destination, ancien)
        os.replace(temporaire, destination)
        if ancien is not None:
            shutil.rmtree(ancien, ignore_errors=True)
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)
    return bilan


def commande_pseudonymise(source: str | Path, destination: str | Path, fichier_cle: str | Path) -> int:
    """Commande ``clusterlib pseudonymise`` : écrit la copie, affiche les colonnes changées, renvoie le code.

    0 : copie écrite ; 1 : jeu source invalide ; 2 : arguments inutilisables.
    """
    try:
        bilan = pseudonymiser(source, destination, fichier_cle)
    except (ErreurCommande, ErreurCle) as exc:
        print(f"clusterlib pseudonymise : {exc}", file=sys.stderr)
        return 2
    except ErreurDonnees as exc:
        print(str(exc))
        return 1
    except OSError as exc:
        print(f"clusterlib pseudonymise : écriture impossible ({exc.strerror or exc}) : {exc.filename or destination}",
              file=sys.stderr)
        return 1
    print(bilan.resume())
    return 0
