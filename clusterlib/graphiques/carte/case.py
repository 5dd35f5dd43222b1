"""Mise en page CASE : l'agrégateur au centre, les marchés en haut, deux anneaux d'acteurs."""

from __future__ import annotations

import math

import numpy as np

from clusterlib import referentiel
from clusterlib.analyses.reseau import CarteReseau, referentiel_cartographie
from clusterlib.graphiques.carte import _commun
from clusterlib.graphiques.carte._commun import Mise, Noeud, diametre_points, envelopper
from clusterlib.presentation.reseau import nom_court


def _taille_etiquette(texte: str, police: float) -> tuple[float, float]:
    """Largeur et hauteur estimées d'une étiquette, en pouces."""
    lignes = texte.split("\n")
    return (max(len(x) for x in lignes) * _commun.largeur_caractere(police) + 0.06,
            len(lignes) * _commun.hauteur_ligne(police) + 0.04)


def _table_ellipse(rx: float, ry: float, tours: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Paramètre t et longueur d'arc s le long d'une ellipse (sur ``tours`` tours)."""
    t = np.linspace(0, 2 * math.pi * tours, 1500 * tours + 1)
    ds = np.hypot(rx * np.sin(t), ry * np.cos(t))
    s = np.concatenate([[0.0], np.cumsum((ds[1:] + ds[:-1]) / 2 * np.diff(t))])
    return t, s


def _normale(t: float, rx: float, ry: float) -> float:
    """Angle (degrés) de la normale extérieure à l'ellipse au paramètre t."""
    return math.degrees(math.atan2(math.sin(t) / ry, math.cos(t) / rx))


def _en_quinconce(t: float, k: int, quinconce: bool) -> bool:
    return quinconce and k % 2 == 1 and abs(math.sin(t)) > 0.55


def _demandes(noeuds: list[Noeud], ts: np.ndarray, rx: float, ry: float, police: float,
              quinconce: bool) -> np.ndarray:
    """Place qu'il faut à chaque nœud le long de l'anneau, selon son étiquette et sa position."""
    d = []
    for n, t in zip(noeuds, ts, strict=True):
        w, h = _taille_etiquette(n.texte, police)
        tx, ty = abs(rx * math.sin(t)), abs(ry * math.cos(t))
        norme = math.hypot(tx, ty) or 1.0
        tx, ty = tx / norme, ty / norme
        if quinconce and abs(math.sin(t)) > 0.55:
            w /= 2
        d.append(max(n.diametre / 72 + 0.05, tx * w + ty * h + 0.04))
    return np.array(d)


def _repartir(noeuds: list[Noeud], cibles: list[float], rx: float, ry: float, police: float,
              arc: tuple[float, float] | None = None, quinconce: bool = False) -> tuple[np.ndarray, float]:
    """Paramètres t des nœuds le long d'une ellipse, espacés selon la place de leurs étiquettes.

    ``arc`` : (début, étendue) en degrés pour un arc ; sinon l'anneau entier, tourné pour que
    chaque nœud soit au plus près de son angle souhaité (``cibles``). Renvoie aussi le rapport
    place demandée / place disponible (au-dessus de 1, les étiquettes risquent de se toucher).
    """
    n = len(noeuds)
    if n == 0:
        return np.array([]), 0.0
    table_t, table_s = _table_ellipse(rx, ry)
    perimetre = table_s[1500]
    if arc is None:
        ts = np.radians(np.array(_angles_anneau(cibles)))
    else:
        debut, etendue = map(math.radians, arc)
        ts = debut + (np.arange(n) + 0.5) * etendue / n
    rapport = 0.0
    for _ in range(4):
        d = _demandes(noeuds, ts % (2 * math.pi), rx, ry, police, quinconce)
        if arc is None:
            ecarts = (d + np.roll(d, -1)) / 2
            rapport = float(ecarts.sum() / perimetre)
            relatifs = np.concatenate([[0.0], np.cumsum(ecarts[:-1])]) / ecarts.sum() * perimetre
            departs = np.linspace(0, perimetre, 180, endpoint=False)
            essais = np.interp(departs[:, None] + relatifs[None, :], table_s, table_t)
            diff = np.angle(np.exp(1j * (essais - np.radians(cibles)[None, :])))
            meilleur = departs[int(np.argmin((diff**2).sum(axis=1)))]
            ts = np.interp(meilleur + relatifs, table_s, table_t)
        else:
            s_debut = np.interp(math.radians(arc[0]), table_t, table_s)
            s_fin = np.interp(math.radians(arc[0] + arc[1]), table_t, table_s)
            ecarts = np.concatenate([[d[0] / 2], (d[:-1] + d[1:]) / 2, [d[-1] / 2]])
            rapport = float(ecarts.sum() / (s_fin - s_debut))
            positions = s_debut + np.cumsum(ecarts[:-1]) / ecarts.sum() * (s_fin - s_debut)
            ts = np.interp(positions, table_s, table_t)
    return ts % (2 * math.pi), rapport


def _angles_anneau(cibles: list[float]) -> list[float]:
    """Angles régulièrement espacés, dans l'ordre des angles souhaités, au plus près de ceux-ci."""
    n = len(cibles)
    if n == 0:
        return []
    pas = 360.0 / n
    ecarts = [math.radians(c - i * pas) for i, c in enumerate(cibles)]
    depart = math.degrees(math.atan2(sum(math.sin(e) for e in ecarts), sum(math.cos(e) for e in ecarts)))
    return [depart + i * pas for i in range(n)]


def _etiquette_radiale(n: Noeud, angle: float, ecart: float) -> None:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    r = n.diametre / 144 + 0.03 + ecart
    n.dx, n.dy = c * r, s * r
    n.ha = "left" if c > 0.35 else ("right" if c < -0.35 else "center")
    n.va = "bottom" if s > 0.35 else ("top" if s < -0.35 else "center")


def _placer_anneau(ids: list[str], noeuds: dict[str, Noeud], cibles: list[float], cx: float, cy: float,
                   rx: float, ry: float, police: float, arc: tuple[float, float] | None = None) -> None:
    """Place les nœuds sur l'anneau ; en quinconce en haut et en bas seulement s'ils manquent de place."""
    liste = [noeuds[i] for i in ids]
    ts, rapport = _repartir(liste, cibles, rx, ry, police, arc)
    quinconce = rapport > 1.0
    if quinconce:
        ts, _ = _repartir(liste, cibles, rx, ry, police, arc, quinconce=True)
    lh = _commun.hauteur_ligne(police)
    for k, (i, t) in enumerate(zip(ids, ts, strict=True)):
        n = noeuds[i]
        n.x, n.y = cx + rx * math.cos(t), cy + ry * math.sin(t)
        decale = _en_quinconce(t, k, quinconce)
        ecart = (n.texte.count("\n") + 1) * lh + 0.06 if decale else 0.0
        n.fil = decale
        _etiquette_radiale(n, _normale(t, rx, ry), ecart)


def _mise_case(carte: CarteReseau, largeur: float, police: float, hauteur_max: float) -> Mise:
    ref = referentiel_cartographie()
    case = ref["case"]
    noeuds_df = carte.noeuds
    noms = dict(zip(noeuds_df["id"], noeuds_df["nom"], strict=True))
    regroupe = dict(zip(noeuds_df["id"], noeuds_df["regroupe"], strict=True))
    maillon = dict(zip(noeuds_df["id"], noeuds_df["maillon"], strict=True))
    groupes = referentiel.enumeration("maillons").set_index("code")["groupe"].to_dict()
    noeuds = {
        ligne.id: Noeud(id=ligne.id, diametre=diametre_points(ligne.effectif))
        for ligne in noeuds_df.itertuples(index=False)
    }
    centre = next((a for a in (carte.agregateur, carte.central) if a and a in noeuds), None)
    marches = sorted(i for i in noeuds if maillon[i] == "marche" and i != centre)
    interieur = [i for i in noeuds if i not in marches and i != centre and groupes.get(maillon[i]) == "direct"]
    exterieur = [i for i in noeuds if i not in marches and i != centre and i not in interieur]
    ang_int, ang_ext = case["angles_interieur"], case["angles_exterieur"]
    interieur.sort(key=lambda i: (ang_int.get(maillon[i], 0) % 360, regroupe[i], i))
    libre_bas, libre_haut = case["secteur_libre"]

    def cible_ext(i: str) -> float:
        a = ang_ext.get(maillon[i], 200) % 360
        return a + 360 if a < libre_haut else a

    exterieur.sort(key=lambda i: (cible_ext(i), regroupe[i], i))
    car = int(0.74 / _commun.largeur_caractere(police))
    lh = _commun.hauteur_ligne(police)
    for i in noeuds:
        noeuds[i].texte = envelopper(nom_court(noms[i], regroupe[i]), car)

    # Anneaux : largeur fixée par la page ; hauteur augmentée tant que les étiquettes manquent de
    # place, sans dépasser ce qu'une page A4 permet.
    haut_marches = (0.45 + 3 * lh) if marches else 0.0
    ry_ext_max = (hauteur_max - haut_marches - 1.0) / 2
    rx_ext = largeur / 2 - 1.0
    rx_int = rx_ext - 1.05
    ry_int, ry_ext = 1.35, 2.35
    cibles_int = [ang_int.get(maillon[i], 0) % 360 for i in interieur]
    cibles_ext = [cible_ext(i) for i in exterieur]
    arc_ext = (libre_haut, 360 - (libre_haut - libre_bas))
    for _ in range(10):
        _, r_int = _repartir([noeuds[i] for i in interieur], cibles_int, rx_int, ry_int, police)
        if r_int <= 1.0 or ry_int >= ry_ext_max - 1.0:
            break
        ry_int = min(ry_int * min(r_int, 1.1), ry_ext_max - 1.0)
    ry_ext = max(ry_ext, ry_int + 1.0)
    for _ in range(10):
        _, r_ext = _repartir([noeuds[i] for i in exterieur], cibles_ext, rx_ext, ry_ext, police, arc_ext)
        if r_ext <= 1.0 or ry_ext >= ry_ext_max:
            break
        ry_ext = min(ry_ext * min(r_ext, 1.1), ry_ext_max)

    marge_bas = 0.5
    hauteur = marge_bas + 2 * ry_ext + 0.5 + haut_marches
    cx, cy = largeur / 2, marge_bas + ry_ext
    mise = Mise(largeur=largeur, hauteur=hauteur, noeuds=noeuds, courbure=0.14)
    mise.decors.append(("anneau", (cx, cy, 2 * rx_ext, 2 * ry_ext, case["anneau_exterieur"])))
    mise.decors.append(("anneau", (cx, cy, 2 * rx_int, 2 * ry_int, case["anneau_interieur"])))
    if centre:
        n = noeuds[centre]
        n.texte = envelopper(nom_court(noms[centre], regroupe[centre]), int(1.25 / _commun.largeur_caractere(police)))
        n.x, n.y = cx, cy
        n.dx, n.dy, n.ha, n.va = 0.0, -(n.diametre / 144 + 0.03), "center", "top"
    _placer_anneau(interieur, noeuds, cibles_int, cx, cy, rx_int, ry_int, police)
    _placer_anneau(exterieur, noeuds, cibles_ext, cx, cy, rx_ext, ry_ext, police, arc_ext)
    # Marchés : une rangée en haut (deux rangées décalées s'ils sont nombreux), étiquettes au-dessus.
    if marches:
        pas = largeur / len(marches)
        deux_rangs = pas < 0.9
        car_m = int((min(pas * (2 if deux_rangs else 1), 1.6) - 0.1) / _commun.largeur_caractere(police))
        y = hauteur - 0.12 - 3 * lh - 0.1
        mise.decors.append(("titre_marches", (0.04, hauteur - 0.02, "Marchés")))
        for k, i in enumerate(marches):
            n = noeuds[i]
            n.texte = envelopper(nom_court(noms[i], regroupe[i]), car_m, 2 if deux_rangs else 3)
            decalage = (2 * lh + 0.12) if deux_rangs and k % 2 else 0.0
            n.x, n.y = pas * (k + 0.5), y - n.diametre / 144 - decalage
            n.dx, n.dy, n.ha, n.va = 0.0, n.diametre / 144 + 0.03, "center", "bottom"
    return mise
