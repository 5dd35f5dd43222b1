"""Pseudonymisation d'un jeu de données avant de le partager ou de publier un rapport.

Les noms de personnes, les adresses électroniques et les numéros de téléphone sont
remplacés par des pseudonymes stables : un HMAC-SHA256 calculé avec une clé secrète gardée
dans un fichier. La même personne reçoit le même pseudonyme dans tous les fichiers et à
chaque exécution avec la même clé ; sans la clé, on ne peut pas retrouver le nom. Les
identifiants, les codes et les nombres restent tels quels (sauf la position GPS des
personnes, arrondie) : les analyses donnent les mêmes résultats.

**Qui est une personne.** Sont relevés comme noms de personnes :

- le nom des acteurs de forme ``individu`` (la partie avant la première virgule, la suite
  « riziculteur à Glazoué » est gardée) ;
- les coachs de la fiche du cluster ;
- les colonnes qui peuvent nommer une personne (``scores.evaluateur``,
  ``plan_actions.responsable``), sauf quand la valeur désigne un rôle ou une organisation
  (« Coach externe », « Union des étuveuses ») ;
- les réponses de collecte qui nomment une personne (enquêteur, répondant) ;
- dans tous les textes libres, les mots à majuscule qui suivent une civilité (« Mme
  Agossou », « M. Jean Agbo », « Dr Houénou ») : la liste des civilités est dans
  ``fiches_collecte.yml``.

**Où on les remplace.** Partout, en comparant sans accents ni majuscules (« Felicite
KPONOU » est « Félicité Kponou ») et par parties : un nom est découpé en mots, et une suite
de mots qui appartiennent tous au même nom connu est remplacée par le pseudonyme de ce nom
(« Kponou Félicité », « Mme Kponou », « Félicité » seule). Pour éviter les faux positifs :

- une partie de moins de 3 lettres (« Da », « Bi ») n'est jamais remplacée seule ;
- une partie qui est un mot courant ou du vocabulaire agricole (« félicité », « bio »,
  « riz », liste ``mots_courants``), un mot des listes du format, une particule (« de »,
  « da »), une commune, un département, un produit ou un marché du jeu, ou un mot du nom
  d'une organisation du jeu (« Cabinet Akowé »), n'est pas remplacée seule : elle l'est avec
  le reste du nom (« Félicité Bio », « Sévérin Akowé ») ou après une civilité (« Mme Bio ») ;
- une partie partagée par plusieurs personnes (« Kponou » pour Félicité et Jean Kponou)
  reçoit son propre pseudonyme, qui ne désigne aucune des deux.

**Adresses et téléphones.** Les adresses électroniques sont remplacées par ``Courriel-…``.
Les numéros béninois (8 chiffres de l'ancien plan, 10 chiffres commençant par 01 du
nouveau, avec ou sans +229), les numéros nationaux à 10 chiffres commençant par 0 et tous
les numéros internationaux (+228…, +33…, 00…) sont remplacés par ``Tél-…``.

**Positions.** La latitude et la longitude des acteurs de forme ``individu`` sont arrondies
au centième de degré (environ 1,1 km) : la carte garde le village, plus la parcelle ni la
maison. Celles des organisations (groupements, unions, entreprises…) sont gardées.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import shutil
import stat
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
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
from clusterlib.fichiers import ErreurSortie, est_jeu_de_donnees, verifier_sortie
from clusterlib.referentiel import cle_normalisee

__all__ = [
    "BilanPseudonymisation",
    "ErreurCle",
    "ErreurCommande",
    "Pseudonymiseur",
    "avertissement_droits_cle",
    "lire_cle",
    "noms_ecrits",
    "plier",
    "pseudonymiser",
    "pseudonymiser_jeu",
]

LONGUEUR_CLE_MIN = 32
LONGUEUR_CLE_MAX = 4096
LONGUEUR_PARTIE_MIN = 3
"""Une partie de nom plus courte n'est jamais remplacée seule (« Da », « Bi »)."""
DECIMALES_POSITION = 2
"""Décimales gardées pour la latitude et la longitude des personnes (0,01° ≈ 1,1 km)."""
TYPES_INTACTS = {"identifiant", "enum", "campagne", "mois", "indicateur", "objet_ffom", "nombre", "entier",
                 "annee", "booleen"}
COLONNES_REPONSES_INTACTES = {COLONNE_SOUMISSION, "fiche", "acteur", "partenaire", "annexe", "question", "libelle"}
_TELEPHONE = re.compile(
    r"(?<!\d)(?<![\d+][\s.-])"
    r"(?P<pays>(?:\+|00)\s?229[\s.-]?|229[\s.-])?"
    r"(?P<nouveau>0[1-9][\s.-]?)?"
    r"(?P<numero>\d{2}(?P<s1>[\s.-]?)\d{2}(?P<s2>[\s.-]?)\d{2}(?P<s3>[\s.-]?)\d{2})"
    r"(?!\d)(?![\s.-]\d)"
)
_TELEPHONE_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?:\+|00)\s?[1-9](?:[\s.-]?(?:\(0\)[\s.-]?)?\d){6,14}(?!\d)"
)
_MONTANT_SIGNE = re.compile(r"^\+\d{1,3}(?:[\s.\u202f\u00a0]\d{3})+$")  # « +5 000 000 » : un montant
_UNITE_APRES = re.compile(r"^\s*(f\b|fcfa|cfa|xof|francs?|kg|t\b|tonnes?|sacs?|ha\b|%|€|\$)", re.IGNORECASE)
_COURRIEL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MOT = re.compile(r"[^\W_]+")
_LIEN_NOM = re.compile(r"[\s'-]+")
_APRES_CIVILITE = re.compile(r"\.?\s+|\.")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'", "`": "'", "œ": "oe", "Œ": "OE",
                              "æ": "ae", "Æ": "AE"})
_FICHIERS_SYSTEME = {".DS_Store", "Thumbs.db", "desktop.ini"}  # recréés par le système : tolérés dans la sortie


def plier(texte: str) -> tuple[str, list[int]]:
    """Le texte en minuscules sans accents, et pour chaque caractère sa position dans ``texte``.

    >>> plier("Félicité")[0]
    'felicite'
    """
    sortie: list[str] = []
    positions: list[int] = []
    for i, c in enumerate(str(texte).translate(_APOSTROPHES)):
        for x in unicodedata.normalize("NFKD", c.lower()):
            if not unicodedata.combining(x):
                sortie.append(x)
                positions.append(i)
    return "".join(sortie), positions


def _mots_plies(texte: str) -> list[str]:
    return _MOT.findall(plier(texte)[0])


def _plie(mot: str) -> str:
    return plier(mot)[0]


class ErreurCle(ValueError):
    """Le fichier de clé est illisible, corrompu ou trop court ; le message est en français."""


def _creer_cle(chemin: Path) -> str:
    """Écrit une nouvelle clé, lisible par son seul propriétaire dès sa création."""
    cle = secrets.token_hex(32)
    chemin.parent.mkdir(parents=True, exist_ok=True)
    descripteur, nom = tempfile.mkstemp(prefix=f".{chemin.name}.", dir=chemin.parent)  # droits 600
    temporaire = Path(nom)
    try:
        with os.fdopen(descripteur, "w", encoding="utf-8") as f:
            f.write(cle + "\n")
        try:
            os.link(temporaire, chemin)  # ne remplace jamais une clé apparue entre-temps
        except FileExistsError:
            raise
        except OSError:
            os.replace(temporaire, chemin)  # système de fichiers sans liens
    finally:
        temporaire.unlink(missing_ok=True)
    return cle


def lire_cle(chemin: str | Path, creer: bool = True) -> tuple[bytes, bool]:
    """La clé secrète du fichier ``chemin`` ; la crée (aléatoire, 64 caractères, droits 600) s'il n'existe pas.

    Renvoie ``(clé, créée)``. Lève :class:`ErreurCle` (« clé illisible ») si le fichier existe
    mais ne peut pas être lu, n'est pas du texte ou contient une clé trop courte, et si le
    fichier manque alors que ``creer`` est faux.
    """
    chemin = Path(chemin)
    if not chemin.exists() and not chemin.is_symlink():
        if not creer:
            raise ErreurCle(f"{chemin} : fichier de clé introuvable")
        try:
            return _creer_cle(chemin).encode("utf-8"), True
        except FileExistsError:
            pass  # créée au même moment par une autre exécution : on la lit
    if not chemin.is_file():
        raise ErreurCle(f"{chemin} : clé illisible : ce n'est pas un fichier")
    try:
        with chemin.open("rb") as f:
            octets = f.read(LONGUEUR_CLE_MAX + 1)
    except OSError:
        raise ErreurCle(f"{chemin} : clé illisible : le fichier ne peut pas être ouvert (droits de lecture ?) ; "
                        "lancez la commande avec le compte qui a créé la clé") from None
    if len(octets) > LONGUEUR_CLE_MAX:
        raise ErreurCle(f"{chemin} : clé illisible : fichier trop long pour une clé (plus de {LONGUEUR_CLE_MAX} "
                        "octets) ; vérifiez le chemin donné à --key-file")
    try:
        texte = octets.decode("utf-8").strip()
    except UnicodeDecodeError:
        texte = None
    if texte is None or any(not c.isprintable() for c in texte):
        raise ErreurCle(f"{chemin} : clé illisible : le fichier ne contient pas une clé en texte (fichier corrompu "
                        "ou autre fichier) ; reprenez la sauvegarde de la clé")
    if len(texte) < LONGUEUR_CLE_MIN:
        raise ErreurCle(f"{chemin} : clé illisible : clé trop courte ({len(texte)} caractères) ; attendu : au moins "
                        f"{LONGUEUR_CLE_MIN} caractères (reprenez la sauvegarde de la clé, ou supprimez le fichier "
                        "pour qu'une nouvelle clé soit créée : les pseudonymes changeront)")
    return texte.encode("utf-8"), False


def avertissement_droits_cle(chemin: str | Path) -> str | None:
    """Un avertissement si d'autres comptes que le propriétaire peuvent lire le fichier de clé (POSIX)."""
    if os.name != "posix":
        return None
    try:
        mode = stat.S_IMODE(Path(chemin).stat().st_mode)
    except OSError:
        return None
    if not mode & 0o077:
        return None
    return (f"attention : le fichier de clé {chemin} est lisible par d'autres utilisateurs de cet ordinateur "
            f"(droits {mode:o}) ; réservez-le à votre compte avec « chmod 600 {chemin} »")


@dataclass
class _Mot:
    """Un mot d'un texte, plié (minuscules, sans accents), et sa place dans le texte plié."""

    plie: str
    debut: int
    fin: int


class Pseudonymiseur:
    """Calcule les pseudonymes (HMAC-SHA256 avec la clé) et remplace noms, courriels et téléphones d'un texte.

    On enregistre d'abord les noms de personnes (:meth:`ajouter_nom`, :meth:`relever_civilites`),
    puis on remplace (:meth:`remplacer`, :meth:`pseudonyme`).
    """

    def __init__(self, cle: bytes):
        self.cle = cle
        ref = fiches_collecte()["pseudonymisation"]
        self.mots_roles = {cle_normalisee(m) for m in ref["mots_roles"]}
        self.civilites = {_plie(m) for m in ref["civilites"]}
        self.particules = {_plie(m) for m in ref["particules"]}
        vocabulaire: set[str] = set()
        for liste in referentiel.enumerations().values():
            for valeur in liste.get("valeurs", []):
                vocabulaire.update(_mots_plies(f"{valeur.get('code', '')} {valeur.get('libelle', '')}"))
        self.proteges = ({_plie(m) for m in ref["mots_courants"]} | self.mots_roles | self.civilites
                         | self.particules | vocabulaire)
        self.noms: dict[str, str] = {}  # nom tel qu'écrit → nom de référence (mêmes mots)
        self._personnes: dict[frozenset[str], str] = {}  # mots du nom → nom de référence
        self._index: dict[str, set[frozenset[str]]] = {}  # mot → noms qui le contiennent
        self._maximaux: set[frozenset[str]] | None = None

    # --- Codes --------------------------------------------------------------------------------------

    def _code(self, nature: str, valeur: str) -> str:
        empreinte = hmac.new(self.cle, f"{nature}:{valeur}".encode(), hashlib.sha256).digest()
        return base64.b32encode(empreinte).decode("ascii")[:8]

    def personne(self, nom: str) -> str:
        """Le code d'un nom (même nom, à la casse et aux accents près → même code), sans rapprochement."""
        return f"Personne {self._code('personne', cle_normalisee(nom))}"

    def telephone(self, numero: str) -> str:
        """Le pseudonyme d'un numéro ; l'ancien numéro à 8 chiffres et le nouveau (01…) donnent le même."""
        chiffres = re.sub(r"\D", "", numero.replace("(0)", ""))
        international = numero.lstrip().startswith(("+", "00"))
        if chiffres.startswith("00"):
            chiffres = chiffres[2:]
        if international and not chiffres.startswith("229"):
            return f"Tél-{self._code('telephone', '+' + chiffres)}"
        if chiffres.startswith("229") and len(chiffres) >= 11:
            chiffres = chiffres[3:]
        if len(chiffres) == 10 and chiffres.startswith("01"):
            chiffres = chiffres[2:]
        return f"Tél-{self._code('telephone', chiffres)}"

    def courriel(self, adresse: str) -> str:
        """Le pseudonyme d'une adresse électronique (à la casse près)."""
        return f"Courriel-{self._code('courriel', adresse.lower())}"

    # --- Reconnaître un nom -------------------------------------------------------------------------

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
        propres = [m for m in mots if m[:1].isupper()]
        return (2 <= len(mots) <= 5 and len(propres) >= 2
                and all(m[:1].isupper() or _plie(m) in self.particules for m in mots))

    def ressemble_a_un_nom_seul(self, valeur: str) -> bool:
        """Vrai pour un seul mot qui a la forme d'un nom de famille (« Agossou ») dans une colonne de personnes.

        Au moins 3 lettres, une majuscule puis des minuscules (un sigle « SDAA » n'en est pas un),
        ni rôle ni mot courant.
        """
        mot = valeur.strip()
        return (len(mot) >= LONGUEUR_PARTIE_MIN and mot.isalpha() and mot[0].isupper() and not mot.isupper()
                and not self.est_role(mot) and _plie(mot) not in self.proteges)

    def _mots_du_nom(self, nom: str) -> list[str]:
        mots = _mots_plies(nom)
        while mots and mots[0] in self.civilites:
            mots = mots[1:]
        return mots

    def ajouter_nom(self, nom: str) -> None:
        """Enregistre un nom de personne, pour le remplacer partout (voir :meth:`pseudonyme`)."""
        nom = " ".join(str(nom).split())
        mots = self._mots_du_nom(nom)
        if not mots or any(m.isdigit() for m in mots):
            return
        # « N'Dah », « Marie-Claire » s'écrivent aussi « Ndah », « Marieclaire » : ces formes comptent.
        colles = {re.sub(r"['-]", "", m) for m in re.findall(r"[^\W_]+(?:['-][^\W_]+)+", plier(nom)[0])}
        cle = frozenset(mots) | colles
        if cle not in self._personnes:
            self._personnes[cle] = " ".join(mots)
            for m in cle:
                self._index.setdefault(m, set()).add(cle)
            self._maximaux = None
        self.noms.setdefault(nom, self._personnes[cle])

    def proteger(self, textes: Iterable[str]) -> None:
        """Ajoute aux mots jamais remplacés seuls les mots de ces textes (communes, produits, marchés…)."""
        for texte in textes:
            self.proteges.update(_mots_plies(texte))

    def proteger_organisation(self, nom: str) -> bool:
        """Protège les mots du nom d'une organisation (« Cabinet Akowé »), sauf s'il contient un nom de personne entier.

        Le nom d'une organisation reste ainsi lisible même quand une personne porte le même nom
        de famille ; « Ets Romaric Olou et fils », qui contient le nom entier d'une personne
        connue, n'est pas protégé. Renvoie vrai si les mots ont été protégés.
        """
        mots = set(_mots_plies(nom))
        proches = {cle for m in mots for cle in self._index.get(m, ())}
        if any(len(cle) >= 2 and cle <= mots for cle in proches):
            return False
        self.proteges.update(mots)
        return True

    def relever_civilites(self, texte: str) -> int:
        """Enregistre les noms annoncés par une civilité dans un texte (« Mme Agossou ») ; en renvoie le nombre."""
        trouves = 0
        mots = list(_MOT.finditer(texte))
        for k, m in enumerate(mots):
            if not self._est_civilite(texte, m, mots[k + 1] if k + 1 < len(mots) else None):
                continue
            nom: list[re.Match[str]] = []
            for suivant in mots[k + 1:k + 6]:
                ecart = texte[(nom[-1] if nom else m).end():suivant.start()]
                if not (_LIEN_NOM.fullmatch(ecart) or (not nom and _APRES_CIVILITE.fullmatch(ecart))):
                    break
                mot = suivant[0]
                propre = mot[0].isupper() and not mot.isdigit() and not self.est_role(mot) \
                    and _plie(mot) not in self.civilites
                if not (propre or (_plie(mot) in self.particules and len(nom) < 4)):
                    break
                nom.append(suivant)
            while nom and _plie(nom[-1][0]) in self.particules:
                nom.pop()
            if nom and any(_plie(x[0]) not in self.particules for x in nom):
                self.ajouter_nom(texte[nom[0].start():nom[-1].end()])
                trouves += 1
        return trouves

    def _est_civilite(self, texte: str, mot: re.Match[str], suivant: re.Match[str] | None) -> bool:
        plie = _plie(mot[0])
        if plie not in self.civilites or suivant is None:
            return False
        ecart = texte[mot.end():suivant.start()]
        if not _APRES_CIVILITE.fullmatch(ecart):
            return False
        if plie in ("m", "me", "mm") and not mot[0][0].isupper():
            return False  # « 12 m de long », « il me dit »
        return not (plie == "m" and "." not in ecart and not suivant[0][0].isupper())

    # --- Pseudonymes --------------------------------------------------------------------------------

    @property
    def nombre_personnes(self) -> int:
        """Le nombre de personnes distinctes enregistrées (« Mme Kponou » compte avec « Félicité Kponou »)."""
        return len(self._noms_maximaux())

    def _noms_maximaux(self) -> set[frozenset[str]]:
        """Les noms qui ne sont pas une partie d'un autre nom connu (« Kponou » l'est de « Félicité Kponou »)."""
        if self._maximaux is None:
            self._maximaux = {cle for cle in self._personnes if len(self._contenant(cle)) == 1}
        return self._maximaux

    def _contenant(self, mots: frozenset[str]) -> set[frozenset[str]]:
        """Les noms connus qui contiennent tous ces mots."""
        ensembles = sorted((self._index.get(m, set()) for m in mots), key=len)
        if not ensembles:
            return set()
        resultat = set(ensembles[0])
        for e in ensembles[1:]:
            resultat &= e
            if not resultat:
                break
        return resultat

    def _resoudre(self, mots: list[str]) -> str:
        """Le pseudonyme d'une mention faite de ces mots (tous dans un même nom connu)."""
        cle = frozenset(mots)
        candidats = self._contenant(cle) & self._noms_maximaux()
        if len(candidats) == 1:
            return self.personne(self._personnes[next(iter(candidats))])
        if cle in self._personnes:
            return self.personne(self._personnes[cle])
        return self.personne(" ".join(mots))  # partie commune à plusieurs personnes : son propre code

    def pseudonyme(self, nom: str) -> str:
        """Le pseudonyme d'un nom de personne (civilité comprise) ; une valeur sans lettres reste telle quelle."""
        mots = self._mots_du_nom(nom)
        if not mots:
            return nom
        if not self._contenant(frozenset(mots)):
            return self.personne(" ".join(mots))
        return self._resoudre(mots)

    # --- Remplacements ------------------------------------------------------------------------------

    def remplacer_courriels(self, texte: str) -> str:
        """Remplace les adresses électroniques d'un texte par leur pseudonyme."""
        return _COURRIEL.sub(lambda m: self.courriel(m[0]), texte)

    def remplacer_telephones(self, texte: str, champ_telephone: bool = False) -> str:
        """Remplace les numéros de téléphone (béninois, nationaux à 10 chiffres, internationaux) d'un texte."""
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

        def international(m: re.Match[str]) -> str:
            if _MONTANT_SIGNE.match(m[0]) or _UNITE_APRES.match(texte[m.end():]):
                return m[0]
            return self.telephone(m[0])

        texte = _TELEPHONE.sub(remplacement, texte)
        return _TELEPHONE_INTERNATIONAL.sub(international, texte)

    def remplacer_noms(self, texte: str) -> str:
        """Remplace les noms de personnes connus d'un texte, sans tenir compte des accents ni de la casse."""
        if not self._personnes or not texte:
            return texte
        plie, positions = plier(texte)
        mots = [_Mot(m[0], m.start(), m.end()) for m in _MOT.finditer(plie)]
        morceaux: list[tuple[int, int, str]] = []  # (début, fin) dans le texte plié → pseudonyme
        k = 0
        while k < len(mots):
            if mots[k].plie not in self._index and mots[k].plie not in self.particules:
                k += 1
                continue
            # Une suite de mots de noms connus (ou de particules), liés par espaces, tirets, apostrophes.
            fin = k + 1
            while fin < len(mots) and (mots[fin].plie in self._index or mots[fin].plie in self.particules) \
                    and _LIEN_NOM.fullmatch(plie[mots[fin - 1].fin:mots[fin].debut]):
                fin += 1
            civilite = None
            if k > 0 and self._est_civilite_pliee(texte, positions, plie, mots[k - 1], mots[k]):
                civilite = mots[k - 1]
            morceaux += self._mentions(mots[k:fin], civilite)
            k = fin
        if not morceaux:
            return texte
        resultat, precedent = [], 0
        for debut, fin, pseudonyme in morceaux:
            a, b = positions[debut], positions[fin - 1] + 1
            resultat += [texte[precedent:a], pseudonyme]
            precedent = b
        resultat.append(texte[precedent:])
        return "".join(resultat)

    def _est_civilite_pliee(self, texte: str, positions: list[int], plie: str, mot: _Mot, suivant: _Mot) -> bool:
        if mot.plie not in self.civilites or not _APRES_CIVILITE.fullmatch(plie[mot.fin:suivant.debut]):
            return False
        initiale = texte[positions[mot.debut]]
        return not (mot.plie in ("m", "me", "mm") and not initiale.isupper())

    def _mentions(self, suite: list[_Mot], civilite: _Mot | None) -> list[tuple[int, int, str]]:
        """Découpe une suite de mots en mentions de personnes à remplacer (plus longues d'abord)."""
        trouvees = []
        i = 0
        while i < len(suite):
            if suite[i].plie not in self._index and not (i == 0 and civilite is not None):
                i += 1  # une particule seule n'ouvre pas une mention
                continue
            meilleur = None
            for j in range(i + 1, len(suite) + 1):
                noms = [m.plie for m in suite[i:j] if m.plie in self._index]
                if not noms:
                    continue
                if not self._contenant(frozenset(noms)):
                    break
                if suite[j - 1].plie in self._index:
                    meilleur = j
            if meilleur is None:
                i += 1
                continue
            noms = [m.plie for m in suite[i:meilleur] if m.plie in self._index]
            avec_civilite = civilite is not None and i == 0
            cle = frozenset(noms)
            if (avec_civilite
                    or any(len(m) >= LONGUEUR_PARTIE_MIN and m not in self.proteges for m in noms)
                    or (len(cle) >= 2 and cle in self._personnes)):
                debut = civilite.debut if avec_civilite else suite[i].debut
                trouvees.append((debut, suite[meilleur - 1].fin, self._resoudre(noms)))
                i = meilleur
            else:
                i += 1
        return trouvees

    def remplacer(self, texte: str, champ_telephone: bool = False) -> str:
        """Remplace dans un texte les courriels, les noms de personnes connus et les numéros de téléphone."""
        if not texte:
            return texte
        texte = self.remplacer_courriels(texte)
        texte = self.remplacer_noms(texte)
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


def _colonnes_a_traiter(table: str, cadre: pd.DataFrame) -> list[str]:
    if table == FICHIER_REPONSES:
        return [c for c in cadre.columns if c not in COLONNES_REPONSES_INTACTES]
    types = {c.nom: c.type for c in referentiel.colonnes(table)} if table in referentiel.tables() else {}
    return [c for c in cadre.columns if types.get(c) not in TYPES_INTACTS and c != COLONNE_SOUMISSION]


def _questions_marquees(marque: str) -> set[str]:
    ref = fiches_collecte()
    blocs = [ref["enquete"], ref["identification"], ref["partenaires"], ref["grille"]["entete"]]
    return {q["nom"] for b in blocs for q in b["questions"] if q.get(marque)}


def _entrees_coachs(valeur: Any, nommer: Callable[[str], str]) -> tuple[Any, int]:
    """Applique ``nommer`` au nom de chaque coach de la fiche (liste de {nom, type} ou texte « nom (type); … »)."""
    changes = 0
    if isinstance(valeur, list):
        resultat = []
        for entree in valeur:
            if isinstance(entree, dict) and entree.get("nom"):
                resultat.append({**entree, "nom": nommer(str(entree["nom"]))})
                changes += 1
            elif isinstance(entree, str):
                nouveau, n = _entrees_coachs(entree, nommer)
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
                morceaux.append(f"{nommer(m['nom'])} {m['type'] or ''}".strip())
                changes += 1
            elif morceau.strip():
                morceaux.append(morceau.strip())
        return "; ".join(morceaux), changes
    return valeur, 0


def _textes_fiche(valeur: Any) -> Iterable[str]:
    """Tous les textes d'une valeur de la fiche (texte, liste, dictionnaire imbriqués)."""
    if isinstance(valeur, str):
        yield valeur
    elif isinstance(valeur, list):
        for v in valeur:
            yield from _textes_fiche(v)
    elif isinstance(valeur, dict):
        for v in valeur.values():
            yield from _textes_fiche(v)


def _arrondir_position(texte: str) -> str:
    """Une latitude ou une longitude arrondie à :data:`DECIMALES_POSITION` décimales, virgule gardée."""
    brut = str(texte).strip()
    if not brut:
        return texte
    try:
        nombre = float(brut.replace(",", ".").replace(" ", ""))
    except ValueError:
        return texte  # le jeu a été validé : ne se produit pas
    if round(nombre, DECIMALES_POSITION) == nombre:
        return texte  # déjà assez grossière
    arrondi = f"{round(nombre, DECIMALES_POSITION):.{DECIMALES_POSITION}f}"
    return arrondi.replace(".", ",") if "," in brut else arrondi


def pseudonymiser_jeu(jeu: JeuTexte, cle: bytes) -> tuple[JeuTexte, Counter, int]:
    """Pseudonymise un jeu en texte.

    Renvoie le nouveau jeu, les cellules changées par colonne (« table.colonne » → nombre) et
    le nombre de personnes pseudonymisées. Le jeu reçu n'est pas modifié ; identifiants,
    codes et nombres restent identiques, sauf la position des acteurs de forme ``individu``,
    arrondie.
    """
    p = Pseudonymiseur(cle)
    ref = fiches_collecte()["pseudonymisation"]
    changes: Counter = Counter()
    questions_personnes = _questions_marquees("personne")
    questions_telephones = _questions_marquees("telephone")
    tables = {nom: cadre.copy() for nom, cadre in jeu.tables.items()}
    annexes = {nom: cadre.copy() for nom, cadre in jeu.annexes.items()}
    fiche = dict(jeu.fiche)
    a_traiter = [(nom, cadre, _colonnes_a_traiter(nom, cadre)) for nom, cadre in (*tables.items(), *annexes.items())]

    # 0. Les lieux et produits du jeu ne sont jamais pris seuls pour une partie de nom.
    for cle_fiche in ("territoire", "filiere", "produits_finis", "marches"):
        p.proteger(_textes_fiche(fiche.get(cle_fiche)))
    for cadre in tables.values():
        if "commune" in cadre:
            p.proteger(cadre["commune"].fillna("").astype(str))

    # 1. Les noms de personnes : là où la structure dit qu'il y en a, puis après une civilité.
    acteurs = tables.get("acteurs")
    individus: dict[int, tuple[str, str]] = {}
    if acteurs is not None and {"nom", "forme"} <= set(acteurs.columns):
        for i, (nom, forme) in enumerate(zip(acteurs["nom"], acteurs["forme"], strict=True)):
            if cle_normalisee(forme or "") == "individu" and nom:
                personne, virgule, reste = str(nom).partition(",")
                individus[i] = (personne.strip(), virgule + reste)
                p.ajouter_nom(personne)
    def enregistrer(nom: str) -> str:
        p.ajouter_nom(nom)
        return nom

    if "coachs" in fiche:
        _entrees_coachs(fiche["coachs"], enregistrer)
    cellules_personnes: dict[str, set[str]] = {}  # table.colonne → valeurs qui sont un nom de personne entier
    for table, colonnes in ref["colonnes_personnes"].items():
        if table in tables:
            for colonne in colonnes:
                if colonne in tables[table]:
                    for valeur in tables[table][colonne].fillna("").astype(str):
                        if valeur and (p.ressemble_a_un_nom(valeur) or p.ressemble_a_un_nom_seul(valeur)):
                            p.ajouter_nom(valeur)
                            cellules_personnes.setdefault(f"{table}.{colonne}", set()).add(valeur)
    reponses = annexes.get(FICHIER_REPONSES)
    reponses_personnes: set[int] = set()
    if reponses is not None and {"question", "reponse"} <= set(reponses.columns):
        for i, (question, valeur) in enumerate(zip(reponses["question"], reponses["reponse"], strict=True)):
            if question in questions_personnes and valeur and not p.est_role(str(valeur)):
                p.ajouter_nom(str(valeur))
                reponses_personnes.add(i)
    for _, cadre, colonnes in a_traiter:
        for colonne in colonnes:
            for valeur in cadre[colonne].fillna("").astype(str):
                if valeur:
                    p.relever_civilites(valeur)
    for cle_fiche, valeur in fiche.items():
        if cle_fiche not in ("id", "campagne", "donnees_fictives", "agregateur", "modele"):
            for texte in _textes_fiche(valeur):
                p.relever_civilites(texte)
    if acteurs is not None and {"nom", "forme"} <= set(acteurs.columns):
        for i, nom in enumerate(acteurs["nom"].fillna("").astype(str)):
            if i not in individus and nom:
                p.proteger_organisation(nom)

    # 2. Remplacement dans toutes les cellules de texte.
    def traiter(nom_table: str, cadre: pd.DataFrame, colonnes: list[str],
                special: Callable[[int, str, str], str] | None = None) -> None:
        for colonne in colonnes:
            avant = cadre[colonne].fillna("").astype(str).tolist()
            apres = [special(i, colonne, v) if special else p.remplacer(v) for i, v in enumerate(avant)]
            n = sum(a != b for a, b in zip(avant, apres, strict=True))
            if n:
                cadre[colonne] = pd.Series(apres, index=cadre.index, dtype="str")
                changes[f"{nom_table}.{colonne}"] += n

    questions = reponses["question"].fillna("").astype(str).tolist() if reponses is not None and \
        "question" in reponses else []

    def cellule(nom_table: str) -> Callable[[int, str, str], str]:
        def special(i: int, colonne: str, valeur: str) -> str:
            if nom_table == "acteurs" and colonne == "nom" and i in individus:
                personne, reste = individus[i]
                return p.pseudonyme(personne) + p.remplacer(reste)
            if valeur in cellules_personnes.get(f"{nom_table}.{colonne}", ()):
                return p.pseudonyme(valeur)
            if nom_table == FICHIER_REPONSES and colonne == "reponse" and valeur and questions:
                if i in reponses_personnes:
                    return p.pseudonyme(valeur)
                if questions[i] in questions_telephones:
                    nouveau = p.remplacer(valeur, champ_telephone=True)
                    return nouveau if nouveau != valeur else p.telephone(valeur)
            return p.remplacer(valeur)
        return special

    for nom_table, cadre, colonnes in a_traiter:
        traiter(nom_table, cadre, colonnes, cellule(nom_table))

    # 3. La position des personnes, arrondie.
    if individus and acteurs is not None:
        acteurs = tables["acteurs"]
        for colonne in ("latitude", "longitude"):
            if colonne in acteurs:
                avant = acteurs[colonne].fillna("").astype(str).tolist()
                apres = [_arrondir_position(v) if i in individus else v for i, v in enumerate(avant)]
                n = sum(a != b for a, b in zip(avant, apres, strict=True))
                if n:
                    acteurs[colonne] = pd.Series(apres, index=acteurs.index, dtype="str")
                    changes[f"acteurs.{colonne} (arrondie)"] += n

    # 4. La fiche du cluster.
    for cle_fiche, valeur in list(fiche.items()):
        if cle_fiche in ("id", "campagne", "donnees_fictives", "agregateur", "modele"):
            continue
        if cle_fiche == "coachs":
            nouveau, _ = _entrees_coachs(valeur, p.pseudonyme)
        elif isinstance(valeur, str):
            nouveau = p.remplacer(valeur)
        elif isinstance(valeur, list):
            nouveau = [p.remplacer(v) if isinstance(v, str) else
                       {k: (p.remplacer(x) if k == "nom" and isinstance(x, str) else x) for k, x in v.items()}
                       if isinstance(v, dict) else v for v in valeur]
        else:
            continue
        if nouveau != valeur:
            fiche[cle_fiche] = nouveau
            n = sum(1 for a, b in zip(valeur, nouveau, strict=True) if a != b) if cle_fiche == "coachs" and \
                isinstance(valeur, list) else 1
            changes[f"cluster (fiche) : {cle_fiche}"] += n
    fiche["pseudonymise"] = "true"
    return JeuTexte(fiche, tables, annexes), changes, p.nombre_personnes


# --- Commande ----------------------------------------------------------------------------------------


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
