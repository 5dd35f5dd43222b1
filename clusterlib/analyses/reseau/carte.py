"""Les données de la carte du réseau : nœuds (acteurs ou groupes d'acteurs) et liens agrégés."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.reseau._commun import _ref
from clusterlib.analyses.reseau.diagnostics import (
    ReseauVide,
    acteurs_isoles,
    agregateur,
    maillons_manquants,
    reseau_vide,
)
from clusterlib.donnees.modele import Cluster

__all__ = ["CarteReseau", "reseau_carte"]


@dataclass(frozen=True)
class CarteReseau:
    """Ce que la carte dessine : les nœuds (acteurs ou groupes d'acteurs) et les liens agrégés.

    ``noeuds`` : ``id``, ``nom``, ``maillon``, ``forme``, ``commune``, ``effectif``,
    ``femmes``, ``nb_acteurs`` (1, ou la taille du groupe), ``regroupe``,
    ``agregateur_declare``, ``agregateur_central``. ``liens`` : ``source``, ``cible``,
    ``type``, ``contrat``, ``nb_relations``, ``volume`` (somme, si une seule unité),
    ``unite``. ``niveau`` : 0 sans regroupement ; 1 producteurs individuels par commune ;
    2 acteurs individuels par maillon et commune ; 3 acteurs individuels par maillon ;
    4 tous les acteurs par maillon et commune ; 5 tous les acteurs par maillon.
    ``nb_acteurs`` : les acteurs du cluster ; ``nb_groupes`` et ``nb_acteurs_groupes`` : les
    nœuds regroupés et les acteurs qu'ils rassemblent. ``vide`` : le cas d'un réseau sans
    diagnostic (:func:`~clusterlib.analyses.reseau.reseau_vide`), sinon None ; ``etapes`` :
    l'état des étapes de la chaîne (:func:`~clusterlib.analyses.reseau.maillons_manquants`) ;
    ``isoles`` : les acteurs sans relation (:func:`~clusterlib.analyses.reseau.acteurs_isoles`).
    ``nom`` et ``donnees_fictives`` viennent de la fiche du cluster.
    """

    noeuds: pd.DataFrame
    liens: pd.DataFrame
    niveau: int
    agregateur: str | None
    central: str | None
    nom: str
    donnees_fictives: bool
    nb_acteurs: int
    nb_groupes: int
    nb_acteurs_groupes: int
    vide: ReseauVide | None
    etapes: pd.DataFrame
    isoles: pd.DataFrame


def _etiquette_groupe(maillon: str, commune: str | None, n: int, individuels: bool) -> str:
    pluriel = _ref()["pluriels"].get(maillon, referentiel.libelle("maillons", maillon).lower())
    texte = f"{n} {pluriel}" + (" individuels" if individuels else "")
    return f"{texte}, {commune}" if commune else texte


def reseau_carte(cluster: Cluster, regrouper: bool | None = None) -> CarteReseau:
    """Prépare la carte : regroupe les acteurs quand ils sont trop nombreux et agrège les liens.

    ``regrouper=None`` décide selon le référentiel (au-delà de ``seuil_acteurs`` acteurs) ;
    on retient le premier niveau de regroupement qui laisse au plus ``max_noeuds`` nœuds.
    L'agrégateur déclaré et l'acteur le plus relié ne sont jamais regroupés.
    """
    reglages = _ref()["regroupement"]
    acteurs = cluster.acteurs.reset_index(drop=True)
    infos = agregateur(cluster)
    declare, central = infos["declare"], infos["central"]
    proteges = acteurs["id"].isin([a for a in (declare, central) if a])
    if regrouper is None:
        regrouper = len(acteurs) > reglages["seuil_acteurs"]
    communes = acteurs["commune"].fillna(reglages["commune_inconnue"])
    individuels = acteurs["forme"].isin(reglages["formes_individuelles"])
    identifiants = acteurs["id"].astype(object)
    noeud = identifiants
    etiquettes: dict[str, tuple[str, str | None, bool]] = {}
    niveau = 0

    def regrouper_masque(masque: pd.Series, par_commune: bool, individuel: bool
                         ) -> tuple[pd.Series, dict[str, tuple[str, str | None, bool]]]:
        cles = acteurs["maillon"] + ("@" + communes if par_commune else "")
        tailles = cles[masque].value_counts()
        a_grouper = masque & cles.map(tailles).fillna(0).gt(1)
        nouveau = identifiants.copy()
        nouveau[a_grouper] = "groupe:" + cles[a_grouper]
        noms: dict[str, tuple[str, str | None, bool]] = {}
        for cle in cles[a_grouper].unique().tolist():
            maillon, _, commune = cle.partition("@")
            noms["groupe:" + cle] = (maillon, commune or None, individuel)
        return nouveau, noms

    if regrouper:
        # Du plus léger au plus fort ; on garde le premier niveau qui tient dans max_noeuds.
        niveaux = [
            (individuels & acteurs["maillon"].isin(reglages["maillons_premier_niveau"]) & ~proteges, True, True),
            (individuels & ~proteges, True, True),
            (individuels & ~proteges, False, True),
            (~proteges, True, False),
            (~proteges, False, False),
        ]
        for i, (masque, par_commune, individuel) in enumerate(niveaux, start=1):
            noeud, etiquettes = regrouper_masque(masque, par_commune, individuel)
            niveau = i
            if noeud.nunique() <= reglages["max_noeuds"]:
                break
    # Nœuds
    nb_par_noeud = noeud.value_counts()
    regroupes = acteurs.assign(noeud=noeud)
    simples = regroupes[~noeud.str.startswith("groupe:")]
    lignes = [
        pd.DataFrame({
            "id": simples["id"].astype(object), "nom": simples["nom"].astype(object),
            "maillon": simples["maillon"].astype(object), "forme": simples["forme"].astype(object),
            "commune": simples["commune"].astype(object), "effectif": simples["effectif"].astype("Float64"),
            "femmes": simples["femmes"].astype("Float64"), "nb_acteurs": 1, "regroupe": False,
        })
    ]
    groupes = regroupes[noeud.str.startswith("groupe:")]
    if not groupes.empty:
        somme = groupes.groupby("noeud").agg(effectif=("effectif", lambda s: s.sum(min_count=1)),
                                             femmes=("femmes", lambda s: s.sum(min_count=1)))
        g_lignes = []
        for ident, (maillon, commune, individuel) in etiquettes.items():
            if ident not in nb_par_noeud.index:
                continue
            n = int(nb_par_noeud[ident])
            g_lignes.append({
                "id": ident, "nom": _etiquette_groupe(maillon, commune, n, individuel), "maillon": maillon,
                "forme": "groupe d'acteurs", "commune": commune,
                "effectif": somme.loc[ident, "effectif"], "femmes": somme.loc[ident, "femmes"],
                "nb_acteurs": n, "regroupe": True,
            })
        lignes.append(pd.DataFrame(g_lignes).astype({"effectif": "Float64", "femmes": "Float64"}))
    noeuds = pd.concat(lignes, ignore_index=True) if len(lignes) > 1 else lignes[0].reset_index(drop=True)
    noeuds["agregateur_declare"] = noeuds["id"].eq(declare) if declare else False
    noeuds["agregateur_central"] = noeuds["id"].eq(central) if central else False
    # Liens
    correspondance = dict(zip(acteurs["id"].tolist(), noeud.tolist(), strict=True))
    rel = cluster.relations
    colonnes_liens = ["source", "cible", "type", "contrat", "nb_relations", "volume", "unite"]
    if rel.empty:
        liens = pd.DataFrame(columns=colonnes_liens)
    else:
        t = pd.DataFrame({
            "source": rel["source"].map(correspondance).astype(object),
            "cible": rel["cible"].map(correspondance).astype(object),
            "type": rel["type"].astype(object), "contrat": rel["contrat"].astype(object),
            "volume": rel["volume"], "unite": rel["unite"].fillna("").astype(object),
        })
        t = t[t["source"] != t["cible"]]
        liens = t.groupby(["source", "cible", "type", "contrat"], sort=False).agg(
            nb_relations=("volume", "size"), volume=("volume", lambda s: s.sum(min_count=1)),
            nb_unites=("unite", "nunique"), unite=("unite", "first"),
        ).reset_index()
        liens["volume"] = liens["volume"].where(liens["nb_unites"] <= 1)
        liens["unite"] = liens["unite"].where(liens["unite"] != "")
        liens = liens[colonnes_liens]
    return CarteReseau(
        noeuds=noeuds, liens=liens, niveau=niveau, agregateur=declare, central=central,
        nom=cluster.nom, donnees_fictives=bool(cluster.fiche.donnees_fictives), nb_acteurs=len(acteurs),
        nb_groupes=int(noeuds["regroupe"].sum()),
        nb_acteurs_groupes=int(noeuds.loc[noeuds["regroupe"], "nb_acteurs"].sum()),
        vide=reseau_vide(cluster), etapes=maillons_manquants(cluster), isoles=acteurs_isoles(cluster),
    )
