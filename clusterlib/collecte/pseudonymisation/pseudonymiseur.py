"""Les pseudonymes (HMAC-SHA256 avec la clé) et leur remplacement dans un texte : noms, courriels, téléphones."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from clusterlib import referentiel
from clusterlib.collecte.xlsform import fiches_collecte
from clusterlib.referentiel import cle_normalisee

__all__ = ["Pseudonymiseur", "plier"]

LONGUEUR_PARTIE_MIN = 3
"""Une partie de nom plus courte n'est jamais remplacée seule (« Da », « Bi »)."""
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
