"""Écriture des nombres à la française : espaces fines, virgule décimale, FCFA, pourcentages.

Les milliers sont séparés par une espace fine insécable (U+202F), la partie décimale par une
virgule, et une espace fine insécable précède l'unité (« FCFA », « % ») pour qu'elle ne passe
jamais seule à la ligne :

>>> fcfa(1234567)
'1\u202f234\u202f567\u202fFCFA'
>>> pourcentage(12.345)
'12,3\u202f%'
>>> millions_fcfa(158_217_600_000)
'158\u202f217,6\u202fM\u202fFCFA'

Les valeurs manquantes (``None``, ``NaN``) s'écrivent « — ». Le signe moins est le trait
d'union ordinaire, pour que les chiffres collés dans un tableur restent des nombres.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from numbers import Real
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from clusterlib.presentation.echappement import styler_echappe
from clusterlib.referentiel import regles

__all__ = [
    "ESPACE_FINE",
    "ESPACE_INSECABLE",
    "MANQUANT",
    "accorder",
    "fcfa",
    "fcfa_auto",
    "millions_fcfa",
    "nombre",
    "pluriel",
    "pourcentage",
    "tableau_fr",
    "typographie",
    "typographie_html",
    "uuid_stable",
]

ESPACE_FINE = "\u202f"
"""Espace fine insécable (U+202F), séparateur des milliers et devant les unités."""

ESPACE_INSECABLE = "\u00a0"
"""Espace insécable (U+00A0), devant « : » et à l'intérieur des guillemets « »."""

MANQUANT = "—"
"""Ce qu'on écrit à la place d'une valeur absente."""

SEUIL_MILLIONS = 10_000_000
"""À partir de ce montant (en valeur absolue), :func:`fcfa_auto` écrit en millions."""


def _manquant(valeur: Any) -> bool:
    if valeur is None or valeur is pd.NA or valeur is pd.NaT:
        return True
    try:
        return bool(pd.isna(valeur))
    except (TypeError, ValueError):
        return False


def nombre(valeur: Real | None, decimales: int = 0) -> str:
    """Un nombre écrit à la française : ``1234567.891`` → « 1 234 567,89 » (``decimales=2``).

    Les milliers sont séparés par une espace fine insécable, la décimale par une virgule, selon
    la règle :func:`clusterlib.referentiel.regles.nombre_ecrit` ; ``None`` ou ``NaN`` donnent « — ».
    """
    if _manquant(valeur):
        return MANQUANT
    return regles.nombre_ecrit(valeur, decimales)


def fcfa(valeur: Real | None, decimales: int = 0) -> str:
    """Un montant en francs CFA : ``1234567`` → « 1 234 567 FCFA » (espaces fines insécables)."""
    texte = nombre(valeur, decimales)
    return texte if texte == MANQUANT else f"{texte}{ESPACE_FINE}FCFA"


def millions_fcfa(valeur: Real | None, decimales: int = 1) -> str:
    """Un montant en millions de FCFA : ``158217600000`` → « 158 217,6 M FCFA »."""
    if _manquant(valeur):
        return MANQUANT
    return f"{nombre(float(valeur) / 1e6, decimales)}{ESPACE_FINE}M{ESPACE_FINE}FCFA"


def fcfa_auto(valeur: Real | None, seuil: float = SEUIL_MILLIONS) -> str:
    """Un montant en FCFA, écrit en millions (une décimale) à partir de ``seuil`` (10 millions).

    ``850000`` → « 850 000 FCFA » ; ``258350000`` → « 258,4 M FCFA ».
    """
    if _manquant(valeur):
        return MANQUANT
    return millions_fcfa(valeur) if abs(float(valeur)) >= seuil else fcfa(valeur)


def pourcentage(valeur: Real | None, decimales: int = 1, fraction: bool = False, signe: bool = False) -> str:
    """Un pourcentage à la française : ``12.345`` → « 12,3 % ».

    La valeur est lue en pour cent (``12.3`` pour 12,3 %), comme les colonnes du format de
    données ; avec ``fraction=True`` elle est lue comme une part de 1 (``0.123``). Avec
    ``signe=True``, une hausse porte un « + » (« +12,3 % »), pour écrire des variations.
    """
    if _manquant(valeur):
        return MANQUANT
    x = float(valeur) * (100 if fraction else 1)
    texte = nombre(x, decimales)
    if signe and x > 0 and texte.strip("0,") != "":
        texte = "+" + texte
    return f"{texte}{ESPACE_FINE}%"


def uuid_stable(cadre: pd.DataFrame, *cles: object) -> str:
    """Identifiant d'un tableau mis en forme (``Styler.set_uuid``) tiré de son contenu.

    pandas en tire un au hasard à chaque affichage : le HTML d'un rapport changerait d'une
    exécution à l'autre. Deux tableaux identiques mis en forme de même reçoivent le même
    identifiant, donc les mêmes règles CSS : rien ne se mélange.
    """
    empreinte = hashlib.sha1(cadre.to_json(orient="split", force_ascii=False).encode("utf-8"))
    empreinte.update(repr(cles).encode("utf-8"))
    return empreinte.hexdigest()[:10]


def tableau_fr(
    tableau: pd.DataFrame,
    formats: dict[str, Callable[[Any], str]] | None = None,
    *,
    fcfa_colonnes: Iterable[str] = (),
    millions: bool = False,
    pourcent_colonnes: Iterable[str] = (),
    libelles: dict[str, str] | None = None,
    aligner: bool = False,
) -> pd.DataFrame | Styler:
    """Copie d'un tableau dont les nombres sont devenus des textes à la française.

    - ``fcfa_colonnes`` : montants, écrits « 1 234 567 FCFA » (en millions si ``millions``) ;
    - ``pourcent_colonnes`` : pourcentages (en pour cent), écrits « 12,3 % » ;
    - ``formats`` : pour d'autres colonnes, une fonction qui écrit une valeur ;
    - ``libelles`` : renomme les colonnes pour l'affichage ;
    - ``aligner`` : renvoie un tableau mis en page pour l'affichage (:class:`pandas.io.formats.style.Styler`),
      nombres alignés à droite et numéros de ligne masqués ; cellules et en-têtes y sont échappés
      (:func:`clusterlib.presentation.echappement.styler_echappe`).

    Le tableau d'origine n'est pas modifié ; les colonnes non citées restent telles quelles.
    """
    sortie = tableau.copy()
    ecrire_montant = millions_fcfa if millions else fcfa
    regles: dict[str, Callable[[Any], str]] = {}
    for colonne in fcfa_colonnes:
        regles[colonne] = ecrire_montant
    for colonne in pourcent_colonnes:
        regles[colonne] = pourcentage
    regles.update(formats or {})
    for colonne, regle in regles.items():
        if colonne in sortie.columns:
            sortie[colonne] = pd.Series([regle(v) for v in sortie[colonne]], index=sortie.index, dtype="str")
    if libelles:
        sortie = sortie.rename(columns=libelles)
    if not aligner:
        return sortie
    a_droite = [(libelles or {}).get(c, c) for c in regles if c in tableau.columns]
    style = sortie.style.set_uuid(uuid_stable(sortie, a_droite, aligner))
    if isinstance(sortie.index, pd.RangeIndex):
        style = style.hide(axis="index")
    if a_droite:
        style = style.set_properties(subset=a_droite, **{"text-align": "right", "white-space": "nowrap"})
    style = style.set_table_styles([{"selector": "th.col_heading", "props": [("text-align", "center")]}])
    return styler_echappe(style)  # le texte saisi (noms, constats) reste du texte dans le HTML


# --- Typographie française du texte courant -------------------------------------------------

_LETTRE = r"[^\W\d_]"
# Espaces qu'un navigateur ou un traitement de texte peut couper (et les insécables à normaliser).
_BLANCS = r"[ \t\r\n\u00a0\u202f]+"
_APOSTROPHE = re.compile(rf"(?<={_LETTRE})'(?={_LETTRE})")
_AVANT_FINE = re.compile(rf"{_BLANCS}(?=[;!?])")
_COLLE_FINE = re.compile(r"(?<=[\w»)\]…\"’*])(?=[;!?](?:\s|$|[)»\]\"’]))")
_AVANT_DEUX_POINTS = re.compile(rf"{_BLANCS}(?=:)")
_COLLE_DEUX_POINTS = re.compile(r"(?<=[^\W\d_»)\]…’*])(?=:(?:\s|$))")
_APRES_OUVRANT = re.compile(rf"«(?:{_BLANCS})?")
_AVANT_FERMANT = re.compile(rf"(?:{_BLANCS})?»")


def pluriel(n: float, singulier: str, forme_plurielle: str | None = None) -> str:
    """Le nombre suivi du mot accordé, à la française (pluriel à partir de 2).

    « 1 acteur », « 0 acteur », « 3 acteurs » :


    >>> pluriel(125, "tonne")
    '125\u202ftonnes'
    """
    mot = (forme_plurielle or singulier + "s") if abs(float(n)) >= 2 else singulier
    return f"{nombre(n, 0 if float(n).is_integer() else 1)}{ESPACE_FINE}{mot}"


_NOMBRE_OU_MOT = re.compile(r"(?P<nombre>(?<![\w,])\d+(?:[\u202f\u00a0 ]\d{3})*(?:,\d+)?)"
                            r"|(?P<mot>[^\W\d_][\w’'-]*)\(s\)"
                            r"|(?P<fin>[;:.—()\n?!])")


def accorder(texte: str) -> str:
    """Accorde les « (s) » d'un texte avec le nombre qui les précède dans la même proposition.

    « 5 acteur(s) enregistré(s) » devient « 5 acteurs enregistrés », « 1 relation(s) » devient
    « 1 relation » ; un « (s) » sans nombre devant (« colonne(s) absente(s) ») reste tel quel.
    Le nombre vaut jusqu'au prochain signe ; : . — ( ) ou au prochain nombre.
    """
    if "(s)" not in texte:
        return texte
    courant: float | None = None
    morceaux: list[str] = []
    dernier = 0
    for trouve in _NOMBRE_OU_MOT.finditer(texte):
        if trouve.group("nombre"):
            chiffres = re.sub(r"[\u202f\u00a0 ]", "", trouve.group("nombre")).replace(",", ".")
            courant = float(chiffres)
        elif trouve.group("fin"):
            courant = None
        elif courant is not None:
            morceaux.append(texte[dernier:trouve.start()])
            mot = trouve.group("mot")
            morceaux.append(mot + "s" if abs(courant) >= 2 and not mot.endswith(("s", "x")) else mot)
            dernier = trouve.end()
    morceaux.append(texte[dernier:])
    return "".join(morceaux)


def typographie(texte: str) -> str:
    """Le texte courant avec la typographie française, pour tout ce qu'une personne lit.

    - une espace fine insécable (U+202F) devant ``;``, ``!`` et ``?`` ;
    - une espace insécable (U+00A0) devant ``:`` et à l'intérieur des guillemets « » ;
    - l'apostrophe typographique (’) entre deux lettres ;
    - les « (s) » accordés avec le nombre qui les précède (:func:`accorder`).

    Une espace ordinaire déjà présente est remplacée ; une ponctuation collée à un mot reçoit
    son espace. Les heures (« 10:30 »), les adresses (``https://…``, ``page.html?q=…``) et les
    signes suivis d'autre chose qu'une espace ne sont pas touchés. Le code ne doit pas passer
    par ici (voir :func:`typographie_html`, qui saute ``<code>`` et ``<pre>``) :

    >>> typographie("Pourquoi ? Voir « le guide » : c'est simple ; à 10:30 !")
    'Pourquoi\u202f? Voir «\u00a0le guide\u00a0»\u00a0: c’est simple\u202f; à 10:30\u202f!'
    """
    if not texte:
        return texte
    texte = _APOSTROPHE.sub("’", accorder(texte))
    texte = _AVANT_FINE.sub(ESPACE_FINE, texte)
    texte = _COLLE_FINE.sub(ESPACE_FINE, texte)
    texte = _AVANT_DEUX_POINTS.sub(ESPACE_INSECABLE, texte)
    texte = _COLLE_DEUX_POINTS.sub(ESPACE_INSECABLE, texte)
    texte = _APRES_OUVRANT.sub("«" + ESPACE_INSECABLE, texte)
    return _AVANT_FERMANT.sub(ESPACE_INSECABLE + "»", texte)


_ELEMENTS_BRUTS = {"code", "pre", "kbd", "samp", "tt", "var", "script", "style", "textarea", "math", "svg"}
_CLASSES_BRUTES = re.compile(r"\b(math|highlight|MathJax|jp-RenderedText|output_stream|notranslate)\b")
_VIDES = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Typographe(HTMLParser):
    """Recopie un document HTML en appliquant :func:`typographie` au texte hors code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.morceaux: list[str] = []
        self.pile: list[tuple[str, bool]] = []
        self.texte: list[str] = []

    def _brut(self) -> bool:
        return any(brut for _, brut in self.pile)

    def _vider(self) -> None:
        if not self.texte:
            return
        morceau = "".join(self.texte)
        self.texte = []
        if self._brut() or not morceau.strip():
            self.morceaux.append(morceau)
            return
        lu = html.unescape(morceau)
        corrige = typographie(lu)
        self.morceaux.append(morceau if corrige == lu else html.escape(corrige, quote=False))

    def _recopier(self, balise: str) -> None:
        """Recopie telle quelle une balise (ou un commentaire, une déclaration), après le texte en attente."""
        self._vider()
        self.morceaux.append(balise)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._recopier(self.get_starttag_text() or "")
        if tag in _VIDES:
            return
        classes = dict(attrs).get("class") or ""
        self.pile.append((tag, tag in _ELEMENTS_BRUTS or bool(_CLASSES_BRUTES.search(classes))))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._recopier(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self._recopier(f"</{tag}>")
        for i in range(len(self.pile) - 1, -1, -1):
            if self.pile[i][0] == tag:
                del self.pile[i:]
                break

    def handle_data(self, data: str) -> None:
        self.texte.append(data)

    def handle_entityref(self, name: str) -> None:
        self.texte.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.texte.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self._recopier(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._recopier(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._recopier(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._recopier(f"<![{data}]>")


def typographie_html(document: str) -> str:
    """Un document (ou fragment) HTML dont le texte suit la typographie française.

    Seul le texte est modifié, jamais les balises ni les attributs ; le contenu de ``<code>``,
    ``<pre>``, ``<script>``, ``<style>``, des formules (classe ``math``) et du code coloré
    (classe ``highlight``) est recopié tel quel.
    """
    typographe = _Typographe()
    typographe.feed(document)
    typographe.close()
    typographe._vider()
    return "".join(typographe.morceaux)
