"""Les analyses d'un hub (banque régionale ou nationale de clusters) : fonctions pures sur la banque.

Chaque fonction prend une banque ouverte (:func:`clusterlib.banque.ouvrir`), une filière
et un périmètre (``departements`` : un ou plusieurs départements ; ``None`` : tout le
pays) et renvoie un ``DataFrame``. Les chiffres de chaque cluster sont ceux de la table
``indicateurs`` (les valeurs de ``resume.json``) : rien n'est recalculé ici, les analyses
comparent, comptent et additionnent.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

from clusterlib import referentiel
from clusterlib.banque.stockage import Banque

__all__ = [
    "acteurs_communs",
    "clusters_du_perimetre",
    "comparaison_filiere",
    "maillons_manquants_recurrents",
    "repartition_niveaux",
    "reseau_clusters",
    "totaux",
    "trajectoires",
]

_NORMALISER = "trim(regexp_replace(lower(strip_accents({})), '[^a-z0-9]+', ' ', 'g'))"


def _departements(departements: str | Sequence[str] | None) -> list[str] | None:
    if departements is None:
        return None
    liste = [departements] if isinstance(departements, str) else list(departements)
    return [d.strip() for d in liste if d and d.strip()] or None


def _filtre(filiere: str, departements: str | Sequence[str] | None, alias: str = "c") -> tuple[str, list]:
    """La clause SQL du périmètre (filière, départements), insensible à la casse et aux accents."""
    clause = f"{_NORMALISER.format(alias + '.filiere')} = {_NORMALISER.format('?')}"
    parametres: list = [filiere]
    deps = _departements(departements)
    if deps:
        norme = _NORMALISER.format("d")
        clause += (f" AND len(list_intersect(list_transform({alias}.departements, lambda d: {norme}), "
                   f"list_transform(?::VARCHAR[], lambda d: {norme}))) > 0")
        parametres.append(deps)
    return clause, parametres


def clusters_du_perimetre(banque: Banque, filiere: str,
                          departements: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Les clusters d'une filière dans le périmètre : ``cluster``, ``nom``, ``departements``, ``campagnes``."""
    clause, parametres = _filtre(filiere, departements)
    return banque.requete(
        f"SELECT cluster, nom, array_to_string(departements, ', ') AS departements, "
        f"array_to_string(communes, ', ') AS communes, campagne AS campagne_en_cours, campagnes, donnees_fictives "
        f"FROM clusters c WHERE {clause} ORDER BY cluster", parametres)


def _vue(banque: Banque, filiere: str, departements: str | Sequence[str] | None) -> pd.DataFrame:
    clause, parametres = _filtre(filiere, departements)
    vue = banque.requete(
        f"SELECT v.*, array_to_string(v.departements, ', ') AS departement FROM indicateurs_cluster v "
        f"JOIN clusters c USING (cluster) WHERE {clause} ORDER BY v.cluster, v.campagne", parametres)
    return vue.drop(columns=["departements", "communes"])


def _ordre_niveaux() -> list[str]:
    return [*referentiel.niveaux_notes()["libelle"].tolist(), "non noté"]


def repartition_niveaux(banque: Banque, filiere: str, departements: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Nombre de clusters par niveau de fonctionnement (note globale de la grille) et par campagne.

    Une ligne par campagne ; une colonne par niveau (de « Très faible » à « Fort ») et
    « non noté » pour les clusters présents à la campagne mais sans note.
    """
    vue = _vue(banque, filiere, departements)
    if vue.empty:
        return pd.DataFrame(columns=["campagne", *_ordre_niveaux(), "total"])
    niveaux = vue.assign(niveau=vue["niveau"].fillna("non noté"))
    tableau = pd.crosstab(niveaux["campagne"], niveaux["niveau"]).reindex(columns=_ordre_niveaux(), fill_value=0)
    tableau["total"] = tableau.sum(axis=1)
    tableau.columns.name = None
    return tableau.reset_index()


def trajectoires(banque: Banque, filiere: str, departements: str | Sequence[str] | None = None) -> pd.DataFrame:
    """La trajectoire de chaque cluster : note globale à chaque campagne, évolution, tendance.

    Colonnes : ``cluster``, ``nom``, ``departement``, une colonne par campagne (note globale),
    ``premiere_campagne``, ``derniere_campagne`` (les campagnes notées extrêmes),
    ``evolution`` (écart de note entre elles), ``axe_3_evolution`` (contractualisation),
    ``trajectoire`` (« progresse », « stable », « recule » ou « non comparable », avec le
    seuil de stabilité de la grille) et ``niveau_actuel``.
    """
    from clusterlib.analyses.notation import regles

    vue = _vue(banque, filiere, departements)
    campagnes = sorted(vue["campagne"].unique()) if not vue.empty else []
    colonnes = ["cluster", "nom", "departement", *campagnes, "premiere_campagne", "derniere_campagne", "evolution",
                "axe_3_evolution", "trajectoire", "niveau_actuel"]
    if vue.empty:
        return pd.DataFrame(columns=colonnes)
    seuil = regles()["tendance_stable"]
    base = vue.groupby("cluster", sort=True)[["nom", "departement"]].first()
    notes = vue.pivot(index="cluster", columns="campagne", values="score_global").reindex(columns=campagnes)
    notees = vue.dropna(subset=["score_global"]).sort_values(["cluster", "campagne"])
    premiere = notees.groupby("cluster").head(1).set_index("cluster")
    derniere = notees.groupby("cluster").tail(1).set_index("cluster")
    nb_notees = notees.groupby("cluster").size().reindex(base.index, fill_value=0)
    table = base.join(notes.astype("float64"))
    table["premiere_campagne"] = premiere["campagne"].reindex(base.index)
    table["derniere_campagne"] = derniere["campagne"].reindex(base.index)
    comparable = nb_notees >= 2
    evolution = (derniere["score_global"] - premiere["score_global"]).reindex(base.index).astype("float64")
    axe3 = (derniere["axe_3"] - premiere["axe_3"]).reindex(base.index).astype("float64")
    table["evolution"] = evolution.where(comparable)
    table["axe_3_evolution"] = axe3.where(comparable)
    table["trajectoire"] = np.select(
        [~comparable, evolution >= seuil, evolution <= -seuil], ["non comparable", "progresse", "recule"], "stable")
    table["niveau_actuel"] = derniere["niveau"].reindex(base.index).fillna("non noté").astype("str")
    return table.reset_index()[colonnes]


def _derniere_campagne(vue: pd.DataFrame, campagne: str | None) -> str | None:
    if campagne is not None:
        return campagne
    return str(vue["campagne"].max()) if not vue.empty else None


def _libelles_indicateurs() -> dict[str, str]:
    libelles = {"scores/global": "Note globale de la grille",
                "economie/valeur_ajoutee_totale": "Valeur ajoutée totale (FCFA)",
                "reseau/taux_contractualisation": "Taux de contractualisation",
                "reseau/taux_respect": "Taux de respect des contrats"}
    for axe in referentiel.axes().itertuples():
        libelles[f"scores/axes/{axe.axe}"] = f"Axe {axe.axe} – {axe.nom_court}"
    for ind in referentiel.indicateurs().itertuples():
        libelles[f"scores/indicateurs/{ind.indicateur}"] = f"{ind.indicateur} – {ind.nom}"
    return libelles


def comparaison_filiere(banque: Banque, filiere: str, departements: str | Sequence[str] | None = None,
                        campagne: str | None = None, *, reference: str = "filiere") -> pd.DataFrame:
    """Chaque cluster face à la médiane et aux quartiles de sa filière, par axe et par indicateur.

    Pour la ``campagne`` (par défaut la plus récente du périmètre), une ligne par cluster du
    périmètre et par indicateur (note globale, six axes, 24 indicateurs, valeur ajoutée
    totale, taux de contractualisation et de respect) : ``valeur``, ``q1``, ``mediane``,
    ``q3``, ``nb_reference`` (clusters qui ont la valeur), ``ecart_mediane`` et ``position``
    (« sous le 1er quartile », « entre les quartiles », « au-dessus du 3e quartile »).
    ``reference="filiere"`` compare à toute la filière (tout le pays) ; ``"perimetre"``
    aux seuls clusters du périmètre.
    """
    perimetre = clusters_du_perimetre(banque, filiere, departements)
    colonnes = ["cluster", "nom", "campagne", "chemin", "indicateur", "valeur", "q1", "mediane", "q3",
                "nb_reference", "ecart_mediane", "position"]
    if perimetre.empty:
        return pd.DataFrame(columns=colonnes)
    clause, parametres = _filtre(filiere, None if reference == "filiere" else departements)
    if campagne is None:
        campagne = banque.connexion.execute(
            f"SELECT max(i.campagne) FROM indicateurs i JOIN clusters c USING (cluster) WHERE {clause} "
            "AND i.cluster IN (SELECT unnest(?::VARCHAR[]))",
            [*parametres, perimetre["cluster"].tolist()]).fetchone()[0]
    libelles = _libelles_indicateurs()
    valeurs = banque.requete(
        f"SELECT i.cluster, c.nom, i.chemin, i.nombre AS valeur FROM indicateurs i JOIN clusters c USING (cluster) "
        f"WHERE {clause} AND i.campagne = ? AND i.nombre IS NOT NULL AND i.chemin IN "
        "(SELECT unnest(?::VARCHAR[]))", [*parametres, campagne, list(libelles)])
    stats = valeurs.groupby("chemin")["valeur"].agg(
        q1=lambda s: s.quantile(0.25), mediane="median", q3=lambda s: s.quantile(0.75), nb_reference="count")
    resultat = valeurs[valeurs["cluster"].isin(perimetre["cluster"])].join(stats, on="chemin")
    resultat["campagne"] = campagne
    resultat["indicateur"] = resultat["chemin"].map(libelles)
    resultat["ecart_mediane"] = resultat["valeur"] - resultat["mediane"]
    resultat["position"] = np.select(
        [resultat["valeur"] < resultat["q1"], resultat["valeur"] > resultat["q3"]],
        ["sous le 1er quartile", "au-dessus du 3e quartile"], "entre les quartiles")
    ordre = {c: i for i, c in enumerate(libelles)}
    resultat = resultat.assign(_ordre=resultat["chemin"].map(ordre)).sort_values(["cluster", "_ordre"])
    return resultat[colonnes].reset_index(drop=True)


def totaux(banque: Banque, filiere: str, departements: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Les totaux du hub par campagne.

    Colonnes : ``campagne``, ``nb_clusters``, ``nb_clusters_notes``, ``valeur_ajoutee_totale``
    (somme des clusters qui ont des comptes), ``nb_clusters_comptes``, ``taux_contractualisation_moyen``,
    ``taux_respect_moyen`` (moyennes des clusters), ``personnes``, ``femmes``, ``part_femmes``.
    Les personnes et les femmes viennent de la table des acteurs (l'état en cours) ; un
    acteur commun à plusieurs clusters par son ``id_national`` n'est compté qu'une fois.
    """
    vue = _vue(banque, filiere, departements)
    colonnes = ["campagne", "nb_clusters", "nb_clusters_notes", "valeur_ajoutee_totale", "nb_clusters_comptes",
                "taux_contractualisation_moyen", "taux_respect_moyen", "personnes", "femmes", "part_femmes"]
    if vue.empty:
        return pd.DataFrame(columns=colonnes)
    clause, parametres = _filtre(filiere, departements)
    personnes, femmes = banque.connexion.execute(f"""
        SELECT coalesce(sum(effectif), 0), coalesce(sum(femmes), 0) FROM (
            SELECT a.effectif, a.femmes, row_number() OVER (
                PARTITION BY coalesce(a.id_national, a.cluster || '/' || a.id)) AS rang
            FROM acteurs a JOIN clusters c USING (cluster) WHERE {clause}) WHERE rang = 1""", parametres).fetchone()
    table = vue.groupby("campagne").agg(
        nb_clusters=("cluster", "nunique"), nb_clusters_notes=("score_global", "count"),
        valeur_ajoutee_totale=("valeur_ajoutee_totale", "sum"), nb_clusters_comptes=("valeur_ajoutee_totale", "count"),
        taux_contractualisation_moyen=("taux_contractualisation", "mean"), taux_respect_moyen=("taux_respect", "mean"),
    ).reset_index()
    table["personnes"] = int(personnes)
    table["femmes"] = int(femmes)
    table["part_femmes"] = femmes / personnes if personnes else np.nan
    return table[colonnes]


def maillons_manquants_recurrents(banque: Banque, filiere: str, departements: str | Sequence[str] | None = None,
                                  campagne: str | None = None) -> pd.DataFrame:
    """Les étapes de la chaîne qui manquent (absentes ou non reliées) dans plusieurs clusters.

    Pour la dernière campagne de chaque cluster (ou ``campagne``) : ``etape``, ``libelle``,
    ``nb_clusters``, ``part`` (sur les clusters du périmètre) et ``clusters``, de la plus
    fréquente à la plus rare.
    """
    vue = _vue(banque, filiere, departements)
    colonnes = ["etape", "libelle", "nb_clusters", "part", "clusters"]
    if vue.empty:
        return pd.DataFrame(columns=colonnes)
    if campagne is not None:
        vue = vue[vue["campagne"] == campagne]
    derniere = vue.sort_values("campagne").groupby("cluster").tail(1)
    etapes = {e["code"]: e["libelle"] for e in referentiel.lire("cartographie.yml")["etapes"]}
    comptes: dict[str, list[str]] = {}
    for ident, texte in zip(derniere["cluster"], derniere["maillons_manquants"], strict=True):
        for etape in json.loads(texte) if isinstance(texte, str) else []:
            comptes.setdefault(etape, []).append(ident)
    total = derniere["cluster"].nunique()
    lignes = [{"etape": e, "libelle": etapes.get(e, e), "nb_clusters": len(c), "part": len(c) / total,
               "clusters": ", ".join(sorted(c))} for e, c in comptes.items()]
    return pd.DataFrame(lignes, columns=colonnes).sort_values(["nb_clusters", "etape"], ascending=[False, True],
                                                              ignore_index=True)


def _membres_sql(filiere: str | None, departements: str | Sequence[str] | None) -> tuple[str, list]:
    """SQL des acteurs communs : une ligne par acteur d'un groupe présent dans au moins deux clusters."""
    if filiere is None:
        clause, parametres = "TRUE", []
    else:
        clause, parametres = _filtre(filiere, departements)
    commune = _NORMALISER.format("coalesce(a.commune, '')")
    cle_nom = f"{_NORMALISER.format('a.nom')} || '|' || {commune}"
    sql = f"""
        WITH a AS (
            SELECT a.cluster, a.id, a.nom, a.maillon, a.commune,
                   CASE WHEN a.id_national IS NOT NULL THEN 'exacte' ELSE 'probable' END AS correspondance,
                   coalesce(a.id_national, {cle_nom}) AS cle
            FROM acteurs a JOIN clusters c USING (cluster) WHERE {clause}),
        groupes AS (
            SELECT correspondance, cle FROM a GROUP BY correspondance, cle HAVING count(DISTINCT cluster) >= 2)
        SELECT a.* FROM a JOIN groupes USING (correspondance, cle)"""
    return sql, parametres


def acteurs_communs(banque: Banque, filiere: str | None = None,
                    departements: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Les acteurs présents dans plusieurs clusters.

    ``correspondance`` vaut « exacte » quand les acteurs portent le même ``id_national``, et
    « probable » quand seuls leur nom et leur commune coïncident une fois normalisés
    (casse, accents, ponctuation) : à confirmer sur le terrain. Colonnes : ``correspondance``,
    ``cle``, ``nom``, ``commune``, ``maillon``, ``nb_clusters``, ``clusters``, ``noms_saisis``
    et ``acteurs`` (les paires ``cluster/id``).
    """
    membres, parametres = _membres_sql(filiere, departements)
    resultat = banque.requete(f"""
        SELECT correspondance, cle, mode(nom ORDER BY nom) AS nom, mode(commune ORDER BY commune) AS commune,
               mode(maillon ORDER BY maillon) AS maillon, count(DISTINCT cluster) AS nb_clusters,
               list(DISTINCT cluster ORDER BY cluster) AS clusters, list(DISTINCT nom ORDER BY nom) AS noms_saisis,
               list(cluster || '/' || id ORDER BY cluster, id) AS acteurs
        FROM ({membres}) GROUP BY correspondance, cle
        ORDER BY nb_clusters DESC, correspondance, nom""", parametres)
    for colonne in ("clusters", "noms_saisis", "acteurs"):
        resultat[colonne] = resultat[colonne].map(list)
    resultat["nb_clusters"] = resultat["nb_clusters"].astype("int64")
    return resultat


def reseau_clusters(banque: Banque, filiere: str, departements: str | Sequence[str] | None = None
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Le réseau des clusters : les clusters (nœuds) et leurs liens (acteurs communs, échanges).

    ``noeuds`` : ``cluster``, ``nom``, ``departement``, ``niveau``, ``score_global``,
    ``valeur_ajoutee_totale`` (dernière campagne), ``nb_acteurs``, ``latitude``,
    ``longitude`` (moyennes des acteurs situés du cluster).
    ``liens`` : ``cluster_a``, ``cluster_b``, ``nb_communs``, ``nb_exacts``, ``nb_probables``,
    ``acteurs`` (noms), ``valeur_echanges`` (FCFA des relations produit, intrants ou
    équipement avec les acteurs communs, dans les deux clusters).
    """
    vue = _vue(banque, filiere, departements)
    derniere = vue.sort_values("campagne").groupby("cluster").tail(1).set_index("cluster")
    clause, parametres = _filtre(filiere, departements)
    positions = banque.requete(f"""
        SELECT a.cluster, count(*) AS nb_acteurs, avg(a.latitude) AS latitude, avg(a.longitude) AS longitude
        FROM acteurs a JOIN clusters c USING (cluster) WHERE {clause} GROUP BY a.cluster""", parametres)
    perimetre = clusters_du_perimetre(banque, filiere, departements).set_index("cluster")
    noeuds = perimetre[["nom", "departements"]].rename(columns={"departements": "departement"}).join(
        derniere[["niveau", "score_global", "valeur_ajoutee_totale"]]).join(positions.set_index("cluster"))
    noeuds = noeuds.reset_index()
    membres, parametres_membres = _membres_sql(filiere, departements)
    liens = banque.requete(f"""
        WITH m AS ({membres}),
        echanges AS (
            SELECT r.cluster, e.acteur, sum(coalesce(r.volume * r.prix_unitaire, 0)) AS valeur
            FROM relations r, unnest([r.source, r.cible]) AS e(acteur)
            WHERE r.type IN ('produit', 'intrants', 'equipement')
              AND r.cluster IN (SELECT DISTINCT cluster FROM m)
            GROUP BY r.cluster, e.acteur),
        g AS (
            SELECT m.correspondance, m.cle, m.cluster, min(m.nom) AS nom, sum(coalesce(e.valeur, 0)) AS valeur
            FROM m LEFT JOIN echanges e ON e.cluster = m.cluster AND e.acteur = m.id
            GROUP BY m.correspondance, m.cle, m.cluster)
        SELECT g1.cluster AS cluster_a, g2.cluster AS cluster_b, count(*) AS nb_communs,
               count(*) FILTER (WHERE g1.correspondance = 'exacte') AS nb_exacts,
               count(*) FILTER (WHERE g1.correspondance = 'probable') AS nb_probables,
               list(g1.nom ORDER BY g1.nom) AS acteurs, sum(g1.valeur + g2.valeur) AS valeur_echanges
        FROM g g1 JOIN g g2 ON g1.correspondance = g2.correspondance AND g1.cle = g2.cle AND g1.cluster < g2.cluster
        GROUP BY g1.cluster, g2.cluster
        ORDER BY nb_communs DESC, cluster_a, cluster_b""", parametres_membres)
    liens["acteurs"] = liens["acteurs"].map(list)
    for colonne in ("nb_communs", "nb_exacts", "nb_probables"):
        liens[colonne] = liens[colonne].astype("int64")
    return noeuds, liens
