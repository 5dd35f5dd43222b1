"""Les figures du guide national (schémas de son annexe 4) et celles que le livre ajoute.

Chaque fonction dessine une figure de ``referentiel/figures_guide.yml`` à partir de ses
``donnees`` (contrôlées par le schéma du référentiel) : aucun intitulé n'est écrit ici. Les
figures sont hautes et étroites (4 pouces de large) pour rester lisibles sur un téléphone :
réduites à 390 pixels de large, leur plus petit texte garde un corps d'au moins 9 points. Les
textes sont coupés en lignes d'après leur largeur mesurée, jamais d'après un nombre de
caractères. :func:`texte_alternatif` décrit chaque figure en français à partir des mêmes
données ; :func:`dessiner` choisit la fonction d'après la clé de la figure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon

from clusterlib import referentiel
from clusterlib.graphiques import PALETTE, textes_litteraux
from clusterlib.presentation.format_fr import typographie

__all__ = [
    "LARGEUR",
    "TAILLE_MIN",
    "carte_valuelinks_riz",
    "dessiner",
    "dispositif_animation",
    "frise_clusters_benin",
    "phases_autonomie",
    "schema_pole_case",
    "texte_alternatif",
    "utilisateurs_guide",
]

LARGEUR = 4.0
"""Largeur des figures, en pouces : 390 pixels d'écran en font 4,06."""
TAILLE_MIN = 9.5
"""Corps du plus petit texte, en points (9,7 points une fois la figure réduite à 390 pixels)."""
_TAILLE_TITRE = 11.5
_INTERLIGNE = 1.28
_MARGE = 0.08
_PAD = 0.07

_BLEU, _ORANGE, _VERT, _ROUGE, _ROSE = PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[3], PALETTE[4]
_GRIS = "#555555"
_FONDS = {_BLEU: "#E3EEF7", _ORANGE: "#FCEFD9", _ROSE: "#F7E6EF", _VERT: "#DDF1EA", _ROUGE: "#F8E2D6", _GRIS: "#EEEEEE"}


# --- Mesure et coupure des textes -----------------------------------------------------------


@cache
def _moteur() -> RendererAgg:
    return RendererAgg(10, 10, 72)  # à 72 points par pouce : les mesures sont en points


def _largeur_pt(texte: str, taille: float, gras: bool = False) -> float:
    police = FontProperties(size=taille, weight="bold" if gras else "normal")
    largeur, _, _ = _moteur().get_text_width_height_descent(texte, police, ismath=False)
    return largeur


def _couper(texte: str, largeur: float, taille: float = TAILLE_MIN, gras: bool = False) -> list[str]:
    """Les lignes de ``texte`` qui tiennent chacune dans ``largeur`` pouces (coupure aux espaces)."""
    limite = largeur * 72
    lignes: list[str] = []
    for paragraphe in texte.split("\n"):
        courante = ""
        for mot in paragraphe.split(" "):
            essai = f"{courante} {mot}" if courante else mot
            if courante and _largeur_pt(essai, taille, gras) > limite:
                lignes.append(courante)
                courante = mot
            else:
                courante = essai
        lignes.append(courante)
    return lignes


def _hauteur(nb_lignes: int, taille: float = TAILLE_MIN) -> float:
    """Hauteur en pouces d'un bloc de ``nb_lignes`` lignes."""
    return nb_lignes * taille * _INTERLIGNE / 72


@dataclass
class _Bloc:
    """Un texte déjà coupé : ses lignes, son corps, sa graisse."""

    lignes: list[str]
    taille: float = TAILLE_MIN
    gras: bool = False
    italique: bool = False
    couleur: str = "black"

    @property
    def hauteur(self) -> float:
        return _hauteur(len(self.lignes), self.taille)


def _bloc(texte: str, largeur: float, taille: float = TAILLE_MIN, *, gras: bool = False,
          italique: bool = False, couleur: str = "black") -> _Bloc:
    # Typographie française (apostrophe ’, espaces insécables) sur tout texte dessiné.
    return _Bloc(_couper(typographie(texte), largeur, taille, gras), taille, gras, italique, couleur)


# --- Toile : coordonnées en pouces, y vers le bas ----------------------------------------------


class _Toile:
    """Une figure dessinée en pouces depuis le coin haut gauche ; sa hauteur se fixe à la fin."""

    def __init__(self) -> None:
        self.figure = Figure(figsize=(LARGEUR, 1))
        FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_axes((0, 0, 1, 1))
        self.ax.axis("off")

    def texte(self, x: float, y: float, bloc: _Bloc, ha: str = "left", va: str = "top", **options: Any) -> None:
        """Écrit un bloc dont le coin (selon ``ha``/``va``) est en (x, y)."""
        self.ax.text(x, y, "\n".join(bloc.lignes), ha=ha, va=va, fontsize=bloc.taille,
                     fontweight="bold" if bloc.gras else "normal", fontstyle="italic" if bloc.italique else "normal",
                     color=bloc.couleur, linespacing=_INTERLIGNE * 0.94, zorder=4, **options)

    def boite(self, x: float, y: float, largeur: float, hauteur: float, *, couleur: str, plein: bool = False,
              fond: str | None = None, pointille: bool = False, epaisseur: float = 1.3, hachures: str | None = None,
              zorder: float = 2) -> None:
        self.ax.add_patch(FancyBboxPatch(
            (x, y), largeur, hauteur, boxstyle="round,pad=0,rounding_size=0.06",
            facecolor=couleur if plein else (fond or "white"), edgecolor=couleur, linewidth=epaisseur,
            linestyle=(0, (4, 2.5)) if pointille else "solid", hatch=hachures, zorder=zorder,
        ))

    def cartouche(self, x: float, y: float, largeur: float, blocs: list[_Bloc], *, couleur: str,
                  plein: bool = False, fond: str | None = None, centre: bool = True,
                  hachures: str | None = None) -> float:
        """Une boîte qui contient des blocs empilés ; renvoie sa hauteur."""
        hauteur = sum(b.hauteur for b in blocs) + 2 * _PAD
        self.boite(x, y, largeur, hauteur, couleur=couleur, plein=plein, fond=fond, hachures=hachures)
        haut = y + _PAD
        for b in blocs:
            if centre:
                self.texte(x + largeur / 2, haut, b, ha="center", multialignment="center")
            else:
                self.texte(x + _PAD, haut, b)
            haut += b.hauteur
        return hauteur

    def fleche(self, depart: tuple[float, float], arrivee: tuple[float, float], *, couleur: str = "black",
               pointille: bool = False, epaisseur: float = 1.4, double: bool = False) -> None:
        self.ax.add_patch(FancyArrowPatch(
            depart, arrivee, arrowstyle="<|-|>" if double else "-|>", mutation_scale=12, color=couleur,
            linewidth=epaisseur, linestyle=(0, (4, 2)) if pointille else "solid", shrinkA=0, shrinkB=0, zorder=3,
        ))

    def etiquette(self, x: float, y: float, bloc: _Bloc) -> None:
        """Un texte centré en (x, y) sur fond blanc (posé sur une flèche)."""
        self.texte(x, y, bloc, ha="center", va="center", multialignment="center",
                   bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})

    def finir(self, hauteur: float) -> Figure:
        hauteur += _MARGE
        self.figure.set_size_inches(LARGEUR, hauteur)
        self.ax.set_xlim(0, LARGEUR)
        self.ax.set_ylim(hauteur, 0)
        return self.figure


def _titre(toile: _Toile, y: float, titre: str, sous_titre: str | None = None) -> float:
    """Le titre (et le sous-titre) centrés en haut ; renvoie l'ordonnée sous eux."""
    largeur = LARGEUR - 2 * _MARGE
    bloc = _bloc(titre, largeur, _TAILLE_TITRE, gras=True)
    toile.texte(LARGEUR / 2, y, bloc, ha="center", multialignment="center")
    y += bloc.hauteur
    if sous_titre:
        bloc = _bloc(sous_titre, largeur, TAILLE_MIN, italique=True, couleur=_GRIS)
        toile.texte(LARGEUR / 2, y, bloc, ha="center", multialignment="center")
        y += bloc.hauteur
    return y + 0.1


def _grille(toile: _Toile, y: float, x0: float, x1: float, textes: list[str], colonnes: int, *,
            couleur: str, plein: bool = False, fond: str | None = None, ecart: float = 0.1,
            gras: bool = False) -> tuple[float, list[tuple[float, float, float, float]]]:
    """Des boîtes rangées en ``colonnes`` colonnes, de même hauteur par rangée.

    Renvoie la hauteur occupée et le cadre (x, y, largeur, hauteur) de chaque boîte.
    """
    colonnes = max(1, min(colonnes, len(textes)))
    largeur = (x1 - x0 - ecart * (colonnes - 1)) / colonnes
    couleur_texte = "white" if plein else "black"
    cadres = []
    haut = y
    for debut in range(0, len(textes), colonnes):
        rangee = textes[debut:debut + colonnes]
        blocs = [_bloc(t, largeur - 2 * _PAD, gras=gras, couleur=couleur_texte) for t in rangee]
        h = max(b.hauteur for b in blocs) + 2 * _PAD
        # une rangée incomplète est centrée
        decalage = (colonnes - len(rangee)) * (largeur + ecart) / 2
        for i, b in enumerate(blocs):
            x = x0 + decalage + i * (largeur + ecart)
            toile.boite(x, haut, largeur, h, couleur=couleur, plein=plein, fond=fond)
            toile.texte(x + largeur / 2, haut + h / 2, b, ha="center", va="center", multialignment="center")
            cadres.append((x, haut, largeur, h))
        haut += h + ecart
    return haut - ecart - y, cadres


# --- Les figures ------------------------------------------------------------------------------


@textes_litteraux
def carte_valuelinks_riz(donnees: dict[str, Any]) -> Figure:
    """Carte de chaîne de valeur (ValueLinks) de l'exemple du riz du guide (annexe 4).

    Une bande par maillon, de haut en bas, avec ses acteurs ; la matière première entre dans
    la transformation, qui en tire les produits ; chaque produit a sa couleur et son trait
    (plein, tirets, pointillés) jusqu'à son marché ; les acteurs d'appui ferment la carte.
    """
    toile = _Toile()
    x0, x1 = _MARGE, LARGEUR - _MARGE
    y = _titre(toile, _MARGE, donnees["titre"], donnees["sous_titre"])
    produits = donnees["produits"]
    couleurs = [_BLEU, _ORANGE, _ROSE]
    traits = [False, True, True]
    # abscisse de chaque produit : les produits se partagent la largeur
    pas = (x1 - x0) / len(produits)
    abscisses = [x0 + pas * (i + 0.5) for i in range(len(produits))]
    maillons = donnees["maillons"]
    dernier = len(maillons) - 1
    bas_precedent = None
    for n, maillon in enumerate(maillons):
        if bas_precedent is not None:
            # flux entre deux bandes : la matière première avant la transformation, les produits après
            if n == 1:
                bloc = _bloc(donnees["matiere_premiere"], 1.6, gras=True)
                ecart = bloc.hauteur + 0.3
                toile.fleche((LARGEUR / 2, bas_precedent), (LARGEUR / 2, bas_precedent + ecart), epaisseur=2)
                toile.etiquette(LARGEUR / 2, bas_precedent + ecart / 2, bloc)
            else:
                blocs = [_bloc(p["libelle"], pas - 0.2, gras=True, couleur=couleurs[i]) for i, p in enumerate(produits)]
                ecart = max(b.hauteur for b in blocs) + 0.3
                for i, b in enumerate(blocs):
                    toile.fleche((abscisses[i], bas_precedent), (abscisses[i], bas_precedent + ecart),
                                 couleur=couleurs[i], pointille=traits[i], epaisseur=2)
                    toile.etiquette(abscisses[i], bas_precedent + ecart / 2, b)
            y = bas_precedent + ecart
        # la bande du maillon : son nom, puis ses acteurs
        nom = _bloc(maillon["libelle"], x1 - x0 - 2 * _PAD, 10.5, gras=True, couleur=_BLEU)
        haut_acteurs = y + _PAD + nom.hauteur + 0.04
        h_acteurs, _ = _grille(toile, haut_acteurs, x0 + _PAD, x1 - _PAD, maillon["acteurs"],
                               min(2, len(maillon["acteurs"])), couleur=_BLEU)
        hauteur = haut_acteurs - y + h_acteurs + _PAD
        toile.boite(x0, y, x1 - x0, hauteur, couleur=_BLEU, fond=_FONDS[_BLEU], zorder=1)
        toile.texte(x0 + _PAD, y + _PAD, nom)
        bas_precedent = y + hauteur
        if n == dernier:
            y = bas_precedent
    # les produits vont chacun vers son marché
    blocs = [_bloc(p["libelle"], pas - 0.2, gras=True, couleur=couleurs[i]) for i, p in enumerate(produits)]
    ecart = max(b.hauteur for b in blocs) + 0.3
    marches = []
    for i, p in enumerate(produits):
        toile.fleche((abscisses[i], y), (abscisses[i], y + ecart), couleur=couleurs[i], pointille=traits[i],
                     epaisseur=2)
        toile.etiquette(abscisses[i], y + ecart / 2, blocs[i])
        marches.append(p["marche"])
    y += ecart
    h, _ = _grille(toile, y, x0, x1, marches, len(produits), couleur=_ROUGE, plein=True, gras=True)
    y += h + 0.22
    # acteurs d'appui
    appuis = donnees["appuis"]
    nom = _bloc(appuis["libelle"], x1 - x0 - 2 * _PAD, 10.5, gras=True, couleur=_VERT)
    haut_acteurs = y + _PAD + nom.hauteur + 0.04
    h_acteurs, _ = _grille(toile, haut_acteurs, x0 + _PAD, x1 - _PAD, appuis["acteurs"], 2, couleur=_VERT)
    hauteur = haut_acteurs - y + h_acteurs + _PAD
    toile.boite(x0, y, x1 - x0, hauteur, couleur=_VERT, fond=_FONDS[_VERT], pointille=True, zorder=1)
    toile.texte(x0 + _PAD, y + _PAD, nom)
    return toile.finir(y + hauteur)


@textes_litteraux
def schema_pole_case(donnees: dict[str, Any]) -> Figure:
    """Schéma d'un pôle d'entreprises agricoles selon l'approche CASE (annexe 4 du guide).

    Le marché visé en haut ; dans le pôle (cadre en tirets), l'agrégateur au centre, les
    acteurs directs et les fournisseurs qui l'approvisionnent, et les services d'appui au pied.
    """
    toile = _Toile()
    x0, x1 = _MARGE, LARGEUR - _MARGE
    y = _MARGE
    h, _ = _grille(toile, y, 0.8, LARGEUR - 0.8, [donnees["marche"]], 1, couleur=_ROUGE, plein=True, gras=True)
    y += h
    liens = donnees["liens"]
    bloc = _bloc(liens["produit"], 2.4)
    ecart = bloc.hauteur + 0.36
    cadre_haut = y + ecart - 0.1
    toile.fleche((LARGEUR / 2, y + ecart), (LARGEUR / 2, y), epaisseur=2)
    toile.texte(LARGEUR / 2 + 0.1, y + ecart / 2, bloc, va="center")
    y += ecart
    # agrégateur
    centre = [_bloc(donnees["centre"], 2.2, 11, gras=True, couleur="white"),
              _bloc(donnees["centre_detail"], 2.2, couleur="white")]
    largeur_centre = 2.5
    h_centre = toile.cartouche(LARGEUR / 2 - largeur_centre / 2, y, largeur_centre, centre, couleur=_ORANGE, plein=True)
    bas_centre = y + h_centre
    # deux colonnes : acteurs directs, fournisseurs
    bloc_lien = _bloc(liens["approvisionnement"], 2.6)
    y = bas_centre + bloc_lien.hauteur + 0.34
    largeur_col = (x1 - x0 - 2 * _PAD - 0.12) / 2
    colonnes = [(x0 + _PAD, donnees["acteurs_directs"], _BLEU), (x0 + _PAD + largeur_col + 0.12,
                                                                 donnees["fournisseurs"], _ROSE)]
    bas = y
    for x, textes, couleur in colonnes:
        h, _ = _grille(toile, y, x, x + largeur_col, textes, 1, couleur=couleur, fond=_FONDS.get(couleur))
        bas = max(bas, y + h)
        toile.fleche((x + largeur_col / 2, y), (LARGEUR / 2 + (x + largeur_col / 2 - LARGEUR / 2) * 0.45, bas_centre),
                     couleur=couleur, epaisseur=1.8)
    toile.etiquette(LARGEUR / 2, bas_centre + (y - bas_centre) / 2, bloc_lien)
    y = bas + 0.12
    # services d'appui au pied du pôle
    bloc_appui = _bloc(liens["appui"][0].upper() + liens["appui"][1:], 2.6, gras=True, couleur=_VERT)
    h_lien = bloc_appui.hauteur + 0.1
    h, _ = _grille(toile, y + h_lien, x0 + _PAD, x1 - _PAD, donnees["appuis"], 1, couleur=_VERT, fond="white")
    toile.boite(x0 + 0.03, y - 0.05, x1 - x0 - 0.06, h + h_lien + 0.12, couleur=_VERT, fond=_FONDS[_VERT], zorder=1)
    toile.texte(LARGEUR / 2, y, bloc_appui, ha="center", multialignment="center")
    y += h + h_lien + 0.12
    # le cadre du pôle et son nom, au pied
    titre = _bloc(donnees["titre"], x1 - x0 - 0.2, 10.5, gras=True, italique=True, couleur=_GRIS)
    y += 0.06
    toile.texte(LARGEUR / 2, y, titre, ha="center", multialignment="center")
    y += titre.hauteur + 0.04
    toile.boite(x0 - 0.04, cadre_haut, x1 - x0 + 0.08, y - cadre_haut, couleur=_GRIS, pointille=True,
                fond="white", zorder=0.5)
    return toile.finir(y + 0.06)


@textes_litteraux
def frise_clusters_benin(donnees: dict[str, Any]) -> Figure:
    """Frise verticale des jalons de la promotion des clusters au Bénin (section 1.1 du guide).

    À gauche du trait, la date ou la période telle que le guide la donne ; à droite, le jalon
    et son détail.
    """
    toile = _Toile()
    y = _titre(toile, _MARGE, donnees["titre"])
    trait = 1.12
    largeur_date = trait - 0.14 - _MARGE
    x_texte = trait + 0.16
    largeur_texte = LARGEUR - _MARGE - x_texte
    debut = y
    centres = []
    for jalon in donnees["jalons"]:
        quand = _bloc(jalon["quand"], largeur_date, 10, gras=True, couleur=_BLEU)
        titre = _bloc(jalon["titre"], largeur_texte, 10, gras=True)
        detail = _bloc(jalon["detail"], largeur_texte)
        toile.texte(trait - 0.14, y, quand, ha="right", multialignment="right")
        toile.texte(x_texte, y, titre)
        toile.texte(x_texte, y + titre.hauteur, detail)
        centres.append(y + _hauteur(1, 10) / 2)
        y += max(quand.hauteur, titre.hauteur + detail.hauteur) + 0.16
    toile.ax.plot([trait, trait], [debut, y - 0.1], color=_GRIS, linewidth=2, zorder=1)
    toile.ax.plot([trait] * len(centres), centres, "o", color=_BLEU, markersize=8, markeredgecolor="white",
                  markeredgewidth=1.2, zorder=3)
    return toile.finir(y - 0.08)


@textes_litteraux
def utilisateurs_guide(donnees: dict[str, Any]) -> Figure:
    """Qui utilise le guide et pour quoi (section 2.2 du guide) : une carte par famille d'utilisateurs."""
    toile = _Toile()
    x1 = LARGEUR - _MARGE
    haut = _MARGE
    blocs = [_bloc(donnees["titre"], 3.0, 11.5, gras=True, couleur="white"),
             _bloc(donnees["sous_titre"], 3.0, couleur="white")]
    h = toile.cartouche(0.45, haut, LARGEUR - 0.9, blocs, couleur=_BLEU, plein=True)
    y = haut + h + 0.22
    axe = 0.3
    x_carte = 0.55
    largeur = x1 - x_carte
    fin_axe = y
    for utilisateur in donnees["utilisateurs"]:
        blocs = [_bloc(utilisateur["qui"], largeur - 2 * _PAD, 10.5, gras=True, couleur=_ORANGE),
                 _bloc(utilisateur["detail"], largeur - 2 * _PAD, italique=True, couleur=_GRIS)]
        usages = [_bloc("• " + u, largeur - 2 * _PAD - 0.12) for u in utilisateur["usages"]]
        hauteur = sum(b.hauteur for b in blocs) + sum(b.hauteur for b in usages) + 2 * _PAD + 0.06
        toile.boite(x_carte, y, largeur, hauteur, couleur=_ORANGE, fond=_FONDS[_ORANGE])
        ligne = y + _PAD
        for b in blocs:
            toile.texte(x_carte + _PAD, ligne, b)
            ligne += b.hauteur
        ligne += 0.06
        for b in usages:
            # les lignes suivantes d'une puce sont alignées sous son texte
            b.lignes = [b.lignes[0], *("   " + ligne_suite for ligne_suite in b.lignes[1:])]
            toile.texte(x_carte + _PAD, ligne, b)
            ligne += b.hauteur
        milieu = y + _PAD + blocs[0].hauteur / 2
        toile.fleche((axe, milieu), (x_carte, milieu), couleur=_BLEU, epaisseur=1.6)
        fin_axe = milieu
        y += hauteur + 0.16
    toile.ax.plot([axe, axe], [haut + h, fin_axe], color=_BLEU, linewidth=1.6, zorder=3)
    return toile.finir(y - 0.16)


@textes_litteraux
def dispositif_animation(donnees: dict[str, Any]) -> Figure:
    """Le dispositif d'animation d'un cluster (chapitre 5 du guide) : acteurs et liens.

    Les acteurs sont rangés par rangées (une ou deux cases) ; chaque lien est une flèche
    étiquetée ; les quatre étapes de la mise en place ferment la figure.
    """
    toile = _Toile()
    x0, x1 = _MARGE, LARGEUR - _MARGE
    ecart_col = 0.9
    largeur_case = (x1 - x0 - ecart_col) / 2
    styles = {"appui": (_VERT, False, _FONDS[_VERT]), "coach": (_ORANGE, True, None), "cluster": (_BLEU, True, None)}
    acteurs = {a["code"]: a for a in donnees["acteurs"]}
    position: dict[str, tuple[float, float]] = {}  # code → (x gauche, largeur) ; la hauteur vient après
    rang: dict[str, int] = {}
    for r, rangee in enumerate(donnees["rangees"]):
        for i, code in enumerate(rangee):
            rang[code] = r
            if len(rangee) == 1:
                position[code] = (x0, x1 - x0)
            else:
                position[code] = (x0 + i * (largeur_case + ecart_col), largeur_case)
    # étiquettes des liens : leur place dépend de la disposition des deux acteurs
    etiquettes = []
    for lien in donnees["liens"]:
        a, b = lien["de"], lien["vers"]
        if rang[a] == rang[b]:
            bloc = _bloc(lien["libelle"], ecart_col - 0.08)
        else:
            bloc = _bloc(lien["libelle"], largeur_case - 0.1)
        etiquettes.append((lien, bloc))
    ecarts = []
    for r in range(len(donnees["rangees"]) - 1):
        dans_ecart = [b.hauteur for lien, b in etiquettes if {rang[lien["de"]], rang[lien["vers"]]} == {r, r + 1}]
        ecarts.append(max(dans_ecart, default=0) + 0.4)
    cadres: dict[str, tuple[float, float, float, float]] = {}
    y = _MARGE
    for r, rangee in enumerate(donnees["rangees"]):
        blocs = {}
        for code in rangee:
            couleur, plein, _ = styles[acteurs[code]["famille"]]
            blocs[code] = _bloc(acteurs[code]["libelle"], position[code][1] - 2 * _PAD, 10.5, gras=True,
                                couleur="white" if plein else "black")
        h = max(b.hauteur for b in blocs.values()) + 2 * _PAD
        for code in rangee:
            couleur, plein, fond = styles[acteurs[code]["famille"]]
            x, largeur = position[code]
            toile.boite(x, y, largeur, h, couleur=couleur, plein=plein, fond=fond)
            toile.texte(x + largeur / 2, y + h / 2, blocs[code], ha="center", va="center", multialignment="center")
            cadres[code] = (x, y, largeur, h)
        y += h + (ecarts[r] if r < len(ecarts) else 0)
    # les liens
    for lien, bloc in etiquettes:
        xa, ya, la, ha = cadres[lien["de"]]
        xb, yb, lb, hb = cadres[lien["vers"]]
        if rang[lien["de"]] == rang[lien["vers"]]:
            yy = min(ya + ha, yb + hb) / 2 + max(ya, yb) / 2
            depart = (xa + la, yy) if xa < xb else (xa, yy)
            arrivee = (xb, yy) if xa < xb else (xb + lb, yy)
        else:
            # l'abscisse de la flèche : celle de la case étroite (une case pleine largeur suit l'autre)
            xx = xa + la / 2 if la <= lb else xb + lb / 2
            depart = (xx, ya + ha) if ya < yb else (xx, ya)
            arrivee = (xx, yb) if ya < yb else (xx, yb + hb)
        toile.fleche(depart, arrivee, couleur=_GRIS, epaisseur=1.6, double=lien.get("double", False))
        toile.etiquette((depart[0] + arrivee[0]) / 2, (depart[1] + arrivee[1]) / 2, bloc)
    # les quatre étapes
    y += 0.22
    largeur = x1 - x0
    etapes = [_bloc(f"{i}. {e}", largeur - 2 * _PAD - 0.1) for i, e in enumerate(donnees["etapes"], 1)]
    chapeau = _bloc(donnees["titre_etapes"], largeur - 2 * _PAD, 10.5, gras=True, couleur=_VERT)
    toile.cartouche(x0, y, largeur, [chapeau, *etapes], couleur=_VERT, fond=_FONDS[_VERT], centre=False)
    y += chapeau.hauteur + sum(b.hauteur for b in etapes) + 2 * _PAD
    return toile.finir(y)


@textes_litteraux
def phases_autonomie(donnees: dict[str, Any]) -> Figure:
    """Les phases de développement d'un cluster vers son autonomie (chapitre 7 du guide).

    À gauche, les phases de l'ONUDI empilées, du point de départ au point d'arrivée ; à droite,
    la part de l'appui externe qui décroît et celle de l'animation interne qui croît.
    """
    toile = _Toile()
    x0 = _MARGE
    largeur = 2.45
    x_barre = x0 + largeur + 0.18
    x_fin = LARGEUR - _MARGE
    y = _MARGE
    h, _ = _grille(toile, y, x0 + 0.3, x0 + largeur - 0.3, [donnees["depart"]], 1, couleur=_GRIS, fond=_FONDS[_GRIS])
    y += h
    haut_barre = None
    bas = y
    for i, phase in enumerate(donnees["phases"], 1):
        toile.fleche((x0 + largeur / 2, y), (x0 + largeur / 2, y + 0.24), epaisseur=1.8)
        y += 0.24
        if haut_barre is None:
            haut_barre = y
        blocs = [_bloc(f"{i}. {phase['nom']}", largeur - 2 * _PAD, 10.5, gras=True, couleur="white"),
                 _bloc(phase["contenu"], largeur - 2 * _PAD, couleur="white")]
        y += toile.cartouche(x0, y, largeur, blocs, couleur=_BLEU, plein=True)
        bas = y
    toile.fleche((x0 + largeur / 2, y), (x0 + largeur / 2, y + 0.24), epaisseur=1.8)
    y += 0.24
    h, _ = _grille(toile, y, x0 + 0.15, x0 + largeur - 0.15, [donnees["arrivee"]], 1, couleur=_VERT, plein=True,
                   gras=True)
    y += h
    # la barre : appui externe (à gauche, large en haut), animation interne (à droite, large en bas)
    assert haut_barre is not None
    toile.ax.add_patch(Polygon([(x_barre, haut_barre), (x_fin, haut_barre), (x_barre, bas)], closed=True,
                               facecolor=_FONDS[_ORANGE], edgecolor=_ORANGE, linewidth=1.3, hatch="///", zorder=1))
    toile.ax.add_patch(Polygon([(x_fin, haut_barre), (x_fin, bas), (x_barre, bas)], closed=True,
                               facecolor=_FONDS[_VERT], edgecolor=_VERT, linewidth=1.3, zorder=1))
    largeur_barre = x_fin - x_barre
    appui = _bloc(donnees["appui_externe"], largeur_barre - 0.12, gras=True, couleur="#6B4100")
    interne = _bloc(donnees["animation_interne"], largeur_barre - 0.12, gras=True, couleur="#00533A")
    fond = {"boxstyle": "round,pad=0.08", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
    toile.texte(x_barre + 0.06, haut_barre + 0.06, appui, bbox=fond)
    toile.texte(x_fin - 0.06, bas - 0.06, interne, ha="right", va="bottom", multialignment="right", bbox=fond)
    return toile.finir(y)


_DESSINS: dict[str, Callable[[dict[str, Any]], Figure]] = {
    "carte_valuelinks_riz": carte_valuelinks_riz,
    "schema_pole_case": schema_pole_case,
    "frise_clusters_benin": frise_clusters_benin,
    "utilisateurs_guide": utilisateurs_guide,
    "dispositif_animation": dispositif_animation,
    "phases_autonomie": phases_autonomie,
}


def dessiner(cle: str, contenu: dict[str, Any] | None = None) -> Figure:
    """La figure ``cle`` de ``figures_guide.yml`` (ou de ``contenu``, contrôlé par le même schéma)."""
    return _DESSINS[cle](referentiel.figure_guide(cle, contenu)["donnees"])


# --- Textes alternatifs ---------------------------------------------------------------------


def _liste(elements: list[str]) -> str:
    elements = [e for e in elements if e]
    if len(elements) <= 1:
        return "".join(elements)
    return ", ".join(elements[:-1]) + " et " + elements[-1]


def _min(texte: str) -> str:
    """Le texte avec une minuscule initiale, sauf s'il commence par un sigle (« SNCA 2 », « OP »)."""
    if len(texte) > 1 and texte[1].isupper():
        return texte
    return texte[:1].lower() + texte[1:]


def _g(texte: str) -> str:
    """Le texte entre guillemets français (espaces fines insécables)."""
    return f"«\u202f{texte}\u202f»"


def _alt_valuelinks(d: dict[str, Any]) -> str:
    maillons = "\u202f; ".join(f"{m['libelle']}, avec {_liste([_min(a) for a in m['acteurs']])}" for m in d["maillons"])
    produits = "\u202f; ".join(f"{p['libelle']}, débouché {_min(p['marche'])}" for p in d["produits"])
    premier, second = d["maillons"][0]["libelle"], d["maillons"][1]["libelle"]
    return (f"Carte de chaîne de valeur selon ValueLinks, {_g(d['titre'] + ' ' + d['sous_titre'])}. "
            f"Maillons de haut en bas\u202f: {maillons}. Flux de {_min(d['matiere_premiere'])} de "
            f"{_g(premier)} vers {_g(second)}, qui en tire {len(d['produits'])} produits suivis chacun "
            f"jusqu'à son marché\u202f: {produits}. {d['appuis']['libelle']}\u202f: "
            f"{_liste([_min(a) for a in d['appuis']['acteurs']])}.")


def _alt_case(d: dict[str, Any]) -> str:
    return (f"Schéma d'un {_min(d['titre'])} selon l'approche CASE. Au centre du pôle\u202f: {d['centre']}, "
            f"{d['centre_detail']}. Au-dessus, hors du pôle\u202f: {_min(d['marche'])}, où va le produit. "
            f"Approvisionnent l'agrégateur ({d['liens']['approvisionnement']})\u202f: les acteurs directs "
            f"({_liste([_min(a) for a in d['acteurs_directs']])}) et les fournisseurs "
            f"({_liste([_min(a) for a in d['fournisseurs']])}). Au pied du pôle, {d['liens']['appui']}\u202f: "
            f"{_liste([_min(a) for a in d['appuis']])}.")


def _alt_frise(d: dict[str, Any]) -> str:
    jalons = " ".join(f"{j['quand']}\u202f: {_min(j['titre'])}. {j['detail'].rstrip('.')}." for j in d["jalons"])
    return f"Frise chronologique {_g(d['titre'])}, {len(d['jalons'])} jalons de haut en bas. {jalons}"


def _alt_utilisateurs(d: dict[str, Any]) -> str:
    familles = "\u202f; ".join(f"{u['qui']} ({u['detail']}), pour {_liste([_min(x) for x in u['usages']])}"
                               for u in d["utilisateurs"])
    return (f"Schéma. {d['titre']}, {d['sous_titre']}, sert {len(d['utilisateurs'])} "
            f"familles d'utilisateurs\u202f: {familles}.")


def _alt_dispositif(d: dict[str, Any]) -> str:
    noms = {a["code"]: a["libelle"] for a in d["acteurs"]}
    liens = "\u202f; ".join(
        f"{noms[lien['de']]} {'↔' if lien.get('double') else '→'} {_min(noms[lien['vers']])} ({lien['libelle']})"
        for lien in d["liens"])
    etapes = _liste([_min(e) for e in d["etapes"]])
    return (f"Schéma du dispositif d'animation d'un cluster. Acteurs\u202f: {_liste(list(noms.values()))}. "
            f"Liens\u202f: {liens}. {d['titre_etapes']}\u202f: {etapes}.")


def _alt_phases(d: dict[str, Any]) -> str:
    phases = "\u202f; ".join(f"{i}. {p['nom']} ({_min(p['contenu'])})" for i, p in enumerate(d["phases"], 1))
    return (f"Schéma des {len(d['phases'])} phases de développement d'un cluster, du point de départ "
            f"{_g(d['depart'])} au point d'arrivée {_g(d['arrivee'])}\u202f: {phases}. À côté, une bande "
            f"montre la part de l'{_min(d['appui_externe'])}, qui décroît au fil des phases, et celle de "
            f"l'{_min(d['animation_interne'])}, qui croît.")


_ALTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "carte_valuelinks_riz": _alt_valuelinks,
    "schema_pole_case": _alt_case,
    "frise_clusters_benin": _alt_frise,
    "utilisateurs_guide": _alt_utilisateurs,
    "dispositif_animation": _alt_dispositif,
    "phases_autonomie": _alt_phases,
}


def texte_alternatif(cle: str, contenu: dict[str, Any] | None = None) -> str:
    """Le texte alternatif (en français) de la figure ``cle``, tiré des mêmes données que le dessin.

    Il nomme chaque élément dessiné (maillons, acteurs, jalons, phases, liens), pour qu'un
    lecteur qui n'a pas l'image en ait le contenu.
    """
    return _ALTS[cle](referentiel.figure_guide(cle, contenu)["donnees"])
