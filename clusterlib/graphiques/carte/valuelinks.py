"""Mise en page ValueLinks : une colonne par fonction de la chaîne, l'appui dans une bande en bas."""

from __future__ import annotations

from clusterlib import referentiel
from clusterlib.analyses.reseau import CarteReseau, referentiel_cartographie
from clusterlib.graphiques.carte import _commun
from clusterlib.graphiques.carte._commun import Mise, Noeud, diametre_points, envelopper, ordre_barycentre
from clusterlib.presentation.reseau import nom_court


def _mise_valuelinks(carte: CarteReseau, largeur: float, police: float, hauteur_max: float) -> Mise:
    ref = referentiel_cartographie()
    vl = ref["valuelinks"]
    colonnes = vl["colonnes"]
    colonne_de = {m: k for k, c in enumerate(colonnes) for m in c["maillons"]}
    groupes_appui = vl["groupes_appui"]
    noeuds_df = carte.noeuds
    lh = _commun.hauteur_ligne(police)
    cw = largeur / len(colonnes)
    noeuds: dict[str, Noeud] = {}
    for ligne in noeuds_df.itertuples(index=False):
        noeuds[ligne.id] = Noeud(id=ligne.id, diametre=diametre_points(ligne.effectif))
    voisins: dict[str, list[str]] = {}
    for s, c in zip(carte.liens["source"], carte.liens["cible"], strict=True):
        voisins.setdefault(s, []).append(c)
        voisins.setdefault(c, []).append(s)
    maillon = dict(zip(noeuds_df["id"], noeuds_df["maillon"], strict=True))
    regroupe = dict(zip(noeuds_df["id"], noeuds_df["regroupe"], strict=True))
    noms = dict(zip(noeuds_df["id"], noeuds_df["nom"], strict=True))
    ordre_maillons = {m: i for i, m in enumerate(referentiel.codes("maillons"))}

    # Colonnes de la chaîne : blocs par maillon, ordre initial par identifiant.
    par_colonne: list[list[str]] = [[] for _ in colonnes]
    appui: dict[str, list[str]] = {g: [] for g in groupes_appui}
    autres: list[str] = []
    for ident in sorted(noeuds, key=lambda i: (ordre_maillons.get(maillon[i], 99), regroupe[i], i)):
        m = maillon[ident]
        if m in colonne_de:
            par_colonne[colonne_de[m]].append(ident)
        elif m in appui:
            appui[m].append(ident)
        else:
            autres.append(ident)
    if autres:
        appui.setdefault("autre", []).extend(autres)

    # Réduction des croisements : quelques balayages, à l'intérieur de chaque bloc de maillon.
    def rangs() -> dict[str, float]:
        r: dict[str, float] = {}
        for col in par_colonne:
            for k, ident in enumerate(col):
                r[ident] = k / max(len(col) - 1, 1)
        return r

    for _ in range(4):
        for sens in (range(len(colonnes)), reversed(range(len(colonnes)))):
            for k in sens:
                r = rangs()
                col = par_colonne[k]
                blocs: dict[str, list[str]] = {}
                for ident in col:
                    blocs.setdefault(maillon[ident], []).append(ident)
                par_colonne[k] = [i for b in blocs.values() for i in ordre_barycentre(b, voisins, r)]

    # Hauteurs : zone de carte bornée pour tenir sur une page A4.
    car_titre = int((cw - 0.06) / _commun.largeur_caractere(police + 1))
    titres = [envelopper(c["libelle"], car_titre, 2) for c in colonnes]
    haut_entete = 0.14 + max(t.count("\n") + 1 for t in titres) * _commun.hauteur_ligne(police + 1)
    def hauteur_noeud(ident: str, car: int) -> float:
        texte = envelopper(nom_court(noms[ident], regroupe[ident]), car, 4)
        noeuds[ident].texte = texte
        return noeuds[ident].diametre / 72 + 0.03 + (texte.count("\n") + 1) * lh + 0.08

    # Bande d'appui : cases de la largeur d'une colonne, rangées en lignes (les grands groupes
    # d'abord, dans la première ligne où ils tiennent), puis dans l'ordre du référentiel.
    cases_par_ligne = len(colonnes)
    car_case = int((cw - 0.1) / _commun.largeur_caractere(police))
    ordre_groupes = {g: k for k, g in enumerate(appui)}
    morceaux = [(g, membres[d:d + cases_par_ligne]) for g, membres in appui.items()
                for d in range(0, len(membres), cases_par_ligne)]
    morceaux.sort(key=lambda gm: -len(gm[1]))
    lignes_bande: list[list[tuple[str, list[str]]]] = []
    for g, membres in morceaux:
        for lb in lignes_bande:
            if sum(len(m) for _, m in lb) + len(membres) <= cases_par_ligne:
                lb.append((g, membres))
                break
        else:
            lignes_bande.append([(g, membres)])
    for lb in lignes_bande:
        lb.sort(key=lambda gm: ordre_groupes[gm[0]])
    lignes_bande = [lb for lb in lignes_bande if lb]
    haut_titre_groupe = 0.16
    hauteurs_bande = [
        haut_titre_groupe + max(hauteur_noeud(i, car_case) for _, m in lb for i in m) + 0.04 for lb in lignes_bande
    ]
    haut_bande = (0.26 + sum(hauteurs_bande) + 0.06 * len(hauteurs_bande)) if lignes_bande else 0.0

    # Colonnes : étiquette sous le nœud ; colonne trop haute : étiquette à droite du nœud
    # (mode compact), puis, en dernier recours, deux ou trois sous-colonnes compactes.
    dispo = hauteur_max - haut_entete - haut_bande - 0.12

    def hauteur_compacte(ident: str, largeur_sc: float) -> float:
        n = noeuds[ident]
        car = int((largeur_sc - n.diametre / 72 - 0.1) / _commun.largeur_caractere(police))
        n.texte = envelopper(nom_court(noms[ident], regroupe[ident]), car, 2)
        return max(n.diametre / 72, (n.texte.count("\n") + 1) * lh) + 0.06

    dispositions = []      # par colonne : (mode, nombre de sous-colonnes, hauteurs)
    for col in par_colonne:
        car = int((cw - 0.08) / _commun.largeur_caractere(police))
        hauteurs = [hauteur_noeud(i, car) for i in col]
        mode, k = "dessous", 1
        if sum(hauteurs) > dispo:
            mode = "droite"
            while True:
                hauteurs = [hauteur_compacte(i, cw / k) for i in col]
                if max((sum(hauteurs[j::k]) for j in range(k)), default=0.0) <= dispo or k >= 3:
                    break
                k += 1
        dispositions.append((mode, k, hauteurs))
    haut_chaine = max(
        [max((sum(h[j::k]) for j in range(k)), default=0.0) for _, k, h in dispositions] + [0.6]
    )
    hauteur = haut_entete + haut_chaine + 0.12 + haut_bande
    mise = Mise(largeur=largeur, hauteur=hauteur, noeuds=noeuds, courbure=0.1)

    # Placement de la chaîne.
    haut_zone = hauteur - haut_entete
    for k_col, (col, (mode, k, hauteurs)) in enumerate(zip(par_colonne, dispositions, strict=True)):
        x0 = k_col * cw
        mise.decors.append(("bande_colonne", (x0, hauteur - haut_entete - haut_chaine - 0.06, cw,
                                              haut_chaine + 0.06, k_col % 2 == 0)))
        mise.decors.append(("titre_colonne", (x0 + cw / 2, hauteur - 0.04, titres[k_col])))
        if not col:
            mise.decors.append(("vide", (x0 + cw / 2, haut_zone - 0.1, "aucun acteur")))
            continue
        for j in range(k):
            membres = col[j::k]
            hs = hauteurs[j::k]
            y = haut_zone - (haut_chaine - sum(hs)) / 2
            for ident, h in zip(membres, hs, strict=True):
                n = noeuds[ident]
                r = n.diametre / 144
                if mode == "dessous":
                    n.x, n.y = x0 + cw / 2, y - r - 0.02
                    n.dx, n.dy, n.ha, n.va = 0.0, -(r + 0.02), "center", "top"
                else:
                    n.x, n.y = x0 + j * cw / k + 0.05 + r, y - h / 2
                    n.dx, n.dy, n.ha, n.va = r + 0.03, 0.0, "left", "center"
                y -= h

    # Placement de la bande d'appui.
    if lignes_bande:
        y = haut_bande - 0.04
        mise.decors.append(("titre_bande", (0.02, y, vl["bande_appui"])))
        mise.decors.append(("trait_bande", (haut_bande + 0.04,)))
        y -= 0.22
        for lb, h in zip(lignes_bande, hauteurs_bande, strict=True):
            case = 0
            for g, membres in lb:
                x0 = case * cw
                mise.decors.append(("boite_groupe", (x0 + 0.03, y - h, len(membres) * cw - 0.06, h,
                                                     referentiel.libelle("maillons", g) if g != "autre"
                                                     else "Autres acteurs")))
                for ident in membres:
                    n = noeuds[ident]
                    r = n.diametre / 144
                    n.x, n.y = case * cw + cw / 2, y - haut_titre_groupe - r - 0.02
                    n.dx, n.dy, n.ha, n.va = 0.0, -(r + 0.02), "center", "top"
                    case += 1
            y -= h + 0.06
    return mise
