"""La base DuckDB de la banque : schéma, ouverture, ajout, retrait, liste et export.

Tables de la banque (chacune commence par la colonne ``cluster``, l'identifiant du cluster) :

- ``clusters`` : la fiche de chaque cluster (une ligne par cluster), avec l'empreinte du
  contenu de son jeu de données ;
- ``acteurs``, ``relations``, ``comptes``, ``performances``, ``scores``, ``ffom``,
  ``plan_actions`` : les tables du format de données, colonnes du référentiel
  (``format_donnees.yml``) ; celles qui ont une campagne la gardent ;
- ``indicateurs`` : une ligne par cluster, campagne et valeur de ``resume.json``
  (``chemin`` comme ``scores/axes/3`` ; ``json`` garde la valeur exacte). Les valeurs
  sont calculées par :func:`clusterlib.sorties.rapports.resume_cluster`, la fonction qui écrit
  ``resume.json`` dans les rapports : il n'y a pas de seconde façon de les calculer ;
- ``meta`` : version du schéma, version de clusterlib.

La vue ``indicateurs_cluster`` met les principaux indicateurs en colonnes (une ligne par
cluster et par campagne), pour les requêtes SQL courantes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from clusterlib import __version__, referentiel
from clusterlib.fichiers import message_systeme

__all__ = [
    "TABLES_DONNEES",
    "VERSION_SCHEMA",
    "Banque",
    "ErreurBanque",
    "Issue",
    "ajouter",
    "aplatir_resume",
    "empreinte",
    "exporter",
    "lister",
    "ouvrir",
    "recomposer_resume",
    "resume_depuis_banque",
    "retirer",
]

VERSION_SCHEMA = 1
"""Version du schéma de la banque ; elle augmente à chaque changement incompatible."""

TABLES_DONNEES = ("acteurs", "relations", "comptes", "performances", "scores", "ffom", "plan_actions")
_ID_SUR = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TYPES_SQL = {"entier": "BIGINT", "nombre": "DOUBLE", "annee": "BIGINT", "booleen": "BOOLEAN"}
_TAILLE_LOT = 40  # clusters écrits par transaction lors d'un ajout


class ErreurBanque(Exception):
    """Une banque inutilisable (introuvable, endommagée, déjà ouverte…) ; le message est en français."""


# --- Schéma ------------------------------------------------------------------------------


def _colonnes_sql(table: str) -> list[tuple[str, str]]:
    return [(c.nom, _TYPES_SQL.get(c.type, "VARCHAR")) for c in referentiel.colonnes(table)]


_COLONNES_CLUSTERS = [
    ("cluster", "VARCHAR PRIMARY KEY"), ("nom", "VARCHAR"), ("filiere", "VARCHAR"), ("campagne", "VARCHAR"),
    ("campagnes", "VARCHAR[]"), ("departements", "VARCHAR[]"), ("communes", "VARCHAR[]"),
    ("produits_finis", "VARCHAR[]"), ("marches", "VARCHAR"), ("coachs", "VARCHAR"), ("modele", "VARCHAR"),
    ("agregateur", "VARCHAR"), ("structure_promotion", "VARCHAR"), ("donnees_fictives", "BOOLEAN"),
    ("source", "VARCHAR"), ("empreinte", "VARCHAR"), ("version_clusterlib", "VARCHAR"), ("ajoute_le", "TIMESTAMP"),
]
_COLONNES_INDICATEURS = [
    ("cluster", "VARCHAR"), ("campagne", "VARCHAR"), ("section", "VARCHAR"), ("chemin", "VARCHAR"),
    ("nature", "VARCHAR"), ("nombre", "DOUBLE"), ("texte", "VARCHAR"), ("json", "VARCHAR"),
]

# Les indicateurs de la vue « indicateurs_cluster » : (colonne, chemin dans resume.json, nature).
COLONNES_VUE = [
    ("score_global", "scores/global", "nombre"),
    ("niveau", "scores/niveau", "texte"),
    ("couverture", "scores/couverture", "nombre"),
    *[(f"axe_{a}", f"scores/axes/{a}", "nombre") for a in range(1, 7)],
    ("valeur_ajoutee_totale", "economie/valeur_ajoutee_totale", "nombre"),
    ("taux_contractualisation", "reseau/taux_contractualisation", "nombre"),
    ("taux_respect", "reseau/taux_respect", "nombre"),
    ("nb_acteurs", "reseau/nb_acteurs", "nombre"),
    ("nb_relations", "reseau/nb_relations", "nombre"),
    ("maillons_manquants", "reseau/maillons_manquants", "json"),
]


def _schema_tables() -> dict[str, list[tuple[str, str]]]:
    tables = {"clusters": _COLONNES_CLUSTERS, "indicateurs": _COLONNES_INDICATEURS}
    for nom in TABLES_DONNEES:
        tables[nom] = [("cluster", "VARCHAR"), *_colonnes_sql(nom)]
    return tables


def _sql_vue() -> str:
    colonnes = []
    for nom, chemin, nature in COLONNES_VUE:
        champ = "nombre" if nature == "nombre" else ("texte" if nature == "texte" else "json")
        colonnes.append(f"max(i.{champ}) FILTER (WHERE i.chemin = '{chemin}') AS {nom}")
    return (
        "CREATE OR REPLACE VIEW indicateurs_cluster AS SELECT i.cluster, i.campagne, c.nom, c.filiere, "
        "c.departements, c.communes, c.donnees_fictives, " + ", ".join(colonnes)
        + " FROM indicateurs i JOIN clusters c USING (cluster) "
        "GROUP BY i.cluster, i.campagne, c.nom, c.filiere, c.departements, c.communes, c.donnees_fictives "
        "ORDER BY i.cluster, i.campagne"
    )


def _creer_schema(connexion: duckdb.DuckDBPyConnection) -> None:
    connexion.execute("CREATE TABLE meta (cle VARCHAR PRIMARY KEY, valeur VARCHAR)")
    for nom, colonnes in _schema_tables().items():
        connexion.execute(f"CREATE TABLE {nom} ({', '.join(f'{c} {t}' for c, t in colonnes)})")
    connexion.execute(_sql_vue())
    connexion.executemany("INSERT INTO meta VALUES (?, ?)", [
        ["version_schema", str(VERSION_SCHEMA)], ["version_clusterlib", __version__],
        ["creee_le", dt.datetime.now().isoformat(timespec="seconds")],
    ])


# Migrations d'un schéma à l'autre : MIGRATIONS[n] fait passer une banque du schéma n à n + 1.
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {}


def _completer_colonnes(connexion: duckdb.DuckDBPyConnection) -> list[str]:
    """Ajoute les colonnes apparues dans le format depuis la création de la banque (``acteurs.id_national``…)."""
    ajoutees = []
    for nom, colonnes in _schema_tables().items():
        existantes = {r[0] for r in connexion.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [nom]).fetchall()}
        if not existantes:
            connexion.execute(f"CREATE TABLE {nom} ({', '.join(f'{c} {t}' for c, t in colonnes)})")
            ajoutees.append(nom)
            continue
        for colonne, type_sql in colonnes:
            if colonne not in existantes:
                connexion.execute(f"ALTER TABLE {nom} ADD COLUMN {colonne} {type_sql.replace(' PRIMARY KEY', '')}")
                ajoutees.append(f"{nom}.{colonne}")
    if ajoutees:
        connexion.execute(_sql_vue())
    return ajoutees


def _migrer(connexion: duckdb.DuckDBPyConnection, chemin: Path, version: int) -> None:
    while version < VERSION_SCHEMA:
        if version not in MIGRATIONS:
            raise ErreurBanque(
                f"{chemin} : banque au schéma {version}, que cette version de clusterlib ne sait pas mettre "
                f"à jour (schéma attendu : {VERSION_SCHEMA}) ; recréez la banque avec « clusterlib banque "
                "ajouter » à partir des dossiers des clusters. Rien n'a été modifié.")
        connexion.execute("BEGIN TRANSACTION")
        MIGRATIONS[version](connexion)
        version += 1
        connexion.execute("UPDATE meta SET valeur = ? WHERE cle = 'version_schema'", [str(version)])
        connexion.execute("COMMIT")


# --- Ouverture ---------------------------------------------------------------------------


@dataclass
class Banque:
    """Une banque ouverte. À fermer après usage (``with ouvrir(...) as banque:``)."""

    chemin: Path
    connexion: duckdb.DuckDBPyConnection
    lecture_seule: bool = False

    def __enter__(self) -> Banque:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.fermer()

    def fermer(self) -> None:
        """Ferme la base (et libère le verrou pour les autres programmes)."""
        self.connexion.close()

    def requete(self, sql: str, parametres: Sequence[Any] | None = None) -> pd.DataFrame:
        """Le résultat d'une requête SQL, en ``DataFrame``."""
        return self.connexion.execute(sql, parametres or []).df()

    def table(self, nom: str) -> pd.DataFrame:
        """Une table entière de la banque."""
        if nom not in _schema_tables() and nom != "indicateurs_cluster":
            raise KeyError(f"table « {nom} » inconnue ; tables de la banque : {', '.join(_schema_tables())}")
        return self.requete(f"SELECT * FROM {nom}")

    def version_schema(self) -> int:
        return int(self.connexion.execute("SELECT valeur FROM meta WHERE cle = 'version_schema'").fetchone()[0])


def _message_duckdb(chemin: Path, exc: Exception) -> str:
    texte = str(exc)
    if "lock" in texte.lower():
        pid = re.search(r"PID (\d+)", texte)
        qui = f" (processus {pid.group(1)})" if pid else ""
        return (f"{chemin} : la banque est déjà ouverte par un autre programme{qui}. Une seule commande peut "
                "écrire dans une banque à la fois : attendez qu'elle ait fini, puis relancez. Rien n'a été modifié.")
    if "not a valid DuckDB database" in texte:
        return (f"{chemin} : ce fichier n'est pas une banque de clusters (ce n'est pas une base DuckDB). "
                "Il n'a pas été modifié ; donnez un autre nom de fichier pour créer une nouvelle banque.")
    if "version" in texte.lower() and "storage" in texte.lower():
        return (f"{chemin} : cette banque a été écrite par une version de DuckDB que celle-ci ne lit pas ; "
                "mettez à jour duckdb (pip install -U duckdb). Rien n'a été modifié.")
    return (f"{chemin} : banque illisible ou endommagée. Elle n'a pas été modifiée ; restaurez une copie de "
            "sauvegarde ou recréez-la avec « clusterlib banque ajouter » à partir des dossiers des clusters.")


def _connecter(chemin: Path, lecture_seule: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(chemin), read_only=lecture_seule)
    except duckdb.Error as exc:
        raise ErreurBanque(_message_duckdb(chemin, exc)) from None


def _creer(chemin: Path) -> None:
    """Crée une banque vide : dans un temporaire, mis en place seulement s'il est complet."""
    try:
        chemin.parent.mkdir(parents=True, exist_ok=True)
        descripteur, nom = tempfile.mkstemp(prefix=f".{chemin.name}.", suffix=".creation", dir=chemin.parent)
    except OSError as exc:
        raise ErreurBanque(f"{chemin} : impossible de créer la banque ({message_systeme(exc)})") from None
    os.close(descripteur)
    temporaire = Path(nom)
    temporaire.unlink()  # DuckDB refuse un fichier vide : il crée le sien
    try:
        connexion = duckdb.connect(str(temporaire))
        try:
            _creer_schema(connexion)
            connexion.execute("CHECKPOINT")
        finally:
            connexion.close()
        with contextlib.suppress(FileExistsError):
            os.link(temporaire, chemin)  # ne remplace jamais un fichier apparu entre-temps
    finally:
        temporaire.unlink(missing_ok=True)
        Path(f"{temporaire}.wal").unlink(missing_ok=True)


def ouvrir(chemin: str | Path, *, lecture_seule: bool = False, creer: bool | None = None) -> Banque:
    """Ouvre une banque (et la crée si elle n'existe pas et que ``creer`` est vrai).

    Par défaut, une banque absente est créée en écriture et refusée en lecture seule.
    Lève :class:`ErreurBanque` (message en français) pour un fichier qui n'est pas une
    banque, une banque endommagée, d'une version inconnue, ou déjà ouverte en écriture par
    un autre programme. Le fichier n'est jamais écrasé.
    """
    chemin = Path(chemin)
    creer = (not lecture_seule) if creer is None else creer
    if chemin.is_dir():
        raise ErreurBanque(f"{chemin} est un dossier ; attendu : le fichier de la banque (par exemple banque.duckdb)")
    if not chemin.exists():
        if not creer:
            raise ErreurBanque(f"{chemin} : banque introuvable ; créez-la avec « clusterlib banque ajouter "
                               f"{chemin} DOSSIER... »")
        _creer(chemin)
    connexion = _connecter(chemin, lecture_seule)
    try:
        noms = {r[0] for r in connexion.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in noms:
            raise ErreurBanque(f"{chemin} : cette base DuckDB n'est pas une banque de clusters (pas de table "
                               "« meta »). Elle n'a pas été modifiée ; donnez un autre nom de fichier.")
        ligne = connexion.execute("SELECT valeur FROM meta WHERE cle = 'version_schema'").fetchone()
        version = int(ligne[0]) if ligne and str(ligne[0]).isdigit() else -1
        if version > VERSION_SCHEMA:
            raise ErreurBanque(
                f"{chemin} : cette banque a été écrite par une version plus récente de clusterlib (schéma "
                f"{version} ; cette version connaît le schéma {VERSION_SCHEMA}). Mettez clusterlib à jour. "
                "Rien n'a été modifié.")
        if version < 0:
            raise ErreurBanque(f"{chemin} : version du schéma illisible ; banque endommagée. Rien n'a été modifié.")
        if lecture_seule:
            if version < VERSION_SCHEMA or _colonnes_manquantes(connexion):
                connexion.close()
                with ouvrir(chemin, lecture_seule=False, creer=False):
                    pass  # met la banque à jour, puis on la rouvre en lecture seule
                return ouvrir(chemin, lecture_seule=True, creer=False)
        else:
            _migrer(connexion, chemin, version)
            _completer_colonnes(connexion)
    except ErreurBanque:
        connexion.close()
        raise
    except duckdb.Error as exc:
        connexion.close()
        raise ErreurBanque(_message_duckdb(chemin, exc)) from None
    return Banque(chemin, connexion, lecture_seule)


def _colonnes_manquantes(connexion: duckdb.DuckDBPyConnection) -> bool:
    existantes = {(r[0], r[1]) for r in connexion.execute(
        "SELECT table_name, column_name FROM information_schema.columns").fetchall()}
    return any((nom, c) not in existantes for nom, colonnes in _schema_tables().items() for c, _ in colonnes)


# --- Indicateurs : resume.json à plat et retour -------------------------------------------


def _nature(valeur: Any) -> str:
    if valeur is None:
        return "nul"
    if isinstance(valeur, bool):
        return "booleen"
    if isinstance(valeur, (int, float)):
        return "nombre"
    if isinstance(valeur, str):
        return "texte"
    if isinstance(valeur, list):
        return "liste"
    return "objet"


def aplatir_resume(resume: dict[str, Any]) -> list[dict[str, Any]]:
    """Les lignes de la table ``indicateurs`` pour un résumé (celui de ``resume.json``).

    Chaque valeur finale du résumé devient une ligne ; ``chemin`` la situe (les clés sont
    séparées par « / » : ``scores/indicateurs/3.1``) ; ``json`` garde la valeur exacte.
    Les clés ``cluster`` et ``campagne`` sont les colonnes de la ligne.
    """
    lignes: list[dict[str, Any]] = []

    def parcourir(valeur: Any, chemin: list[str]) -> None:
        if isinstance(valeur, dict) and valeur:
            for cle, sous in valeur.items():
                parcourir(sous, [*chemin, str(cle)])
            return
        nature = _nature(valeur)
        lignes.append({
            "cluster": resume["cluster"], "campagne": resume["campagne"], "section": chemin[0],
            "chemin": "/".join(chemin), "nature": nature,
            "nombre": float(valeur) if nature == "nombre" else None,
            "texte": valeur if nature == "texte" else None,
            "json": json.dumps(valeur, ensure_ascii=False),
        })

    for cle, valeur in resume.items():
        if cle not in ("cluster", "campagne"):
            parcourir(valeur, [cle])
    return lignes


def recomposer_resume(lignes: pd.DataFrame) -> dict[str, Any]:
    """Le résumé d'un cluster et d'une campagne à partir de ses lignes de ``indicateurs``.

    Inverse exact de :func:`aplatir_resume` (l'ordre des clés est celui des lignes).
    """
    if lignes.empty:
        raise KeyError("aucune ligne d'indicateurs")
    resume: dict[str, Any] = {"cluster": str(lignes["cluster"].iloc[0]), "campagne": str(lignes["campagne"].iloc[0])}
    corps: dict[str, Any] = {}
    for chemin, texte_json in zip(lignes["chemin"], lignes["json"], strict=True):
        cles = str(chemin).split("/")
        noeud = corps
        for cle in cles[:-1]:
            noeud = noeud.setdefault(cle, {})
        noeud[cles[-1]] = json.loads(texte_json)
    ordre = ["cluster", "nom", "campagne", "donnees_fictives"]
    return {**{k: (resume | corps)[k] for k in ordre if k in resume | corps},
            **{k: v for k, v in corps.items() if k not in ordre}}


def resume_depuis_banque(banque: Banque, cluster: str, campagne: str) -> dict[str, Any]:
    """Le ``resume.json`` d'un cluster et d'une campagne, relu dans la banque."""
    lignes = banque.requete("SELECT * FROM indicateurs WHERE cluster = ? AND campagne = ? ORDER BY rowid",
                            [cluster, campagne])
    if lignes.empty:
        raise KeyError(f"pas d'indicateurs pour le cluster « {cluster} » et la campagne {campagne}")
    return recomposer_resume(lignes)


# --- Préparation d'un jeu (dans un processus de travail) ----------------------------------


def empreinte(chemin: str | Path) -> str:
    """Empreinte SHA-256 du contenu d'un jeu (fichiers du dossier, ou classeur), des versions comprises.

    Deux ajouts d'un même contenu ont la même empreinte : le second ne change rien. La
    version de clusterlib et celle du schéma y entrent, pour que les indicateurs soient
    recalculés après une mise à jour.
    """
    chemin = Path(chemin)
    h = hashlib.sha256(f"clusterlib {__version__} schema {VERSION_SCHEMA}\n".encode())
    fichiers = sorted(p for p in chemin.iterdir() if p.is_file()) if chemin.is_dir() else [chemin]
    for fichier in fichiers:
        h.update(f"\n{fichier.name}\n".encode())
        with fichier.open("rb") as flux:
            for bloc in iter(lambda f=flux: f.read(1 << 20), b""):
                h.update(bloc)
    return h.hexdigest()


@dataclass
class Issue:
    """Ce que l'ajout a fait d'un jeu.

    ``etat`` : ``ajoute``, ``remplace``, ``inchange``, ``invalide``, ``refuse`` ou ``echec``.
    """

    chemin: Path
    etat: str
    cluster: str | None = None
    nom: str | None = None
    messages: list[str] = field(default_factory=list)


@dataclass
class _Prepare:
    chemin: Path
    empreinte: str
    issue: Issue | None = None
    fiche: dict[str, Any] | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def _table_complete(nom: str, cadre: pd.DataFrame, ident: str) -> pd.DataFrame:
    """La table avec toutes les colonnes du format (les colonnes facultatives absentes sont vides)."""
    colonnes = [c for c, _ in _colonnes_sql(nom)]
    cadre = cadre.reindex(columns=colonnes)
    cadre.insert(0, "cluster", ident)
    return cadre


def _preparer(chemin: Path, empreinte_jeu: str) -> _Prepare:
    """Lit, valide et calcule les indicateurs d'un jeu ; rien n'est écrit."""
    from clusterlib.donnees.lecture import lire_jeu
    from clusterlib.donnees.modele import cluster_depuis_jeu
    from clusterlib.donnees.validation import valider_jeu
    from clusterlib.sorties.rapports import resumes_cluster

    prepare = _Prepare(chemin, empreinte_jeu)
    jeu = valider_jeu(lire_jeu(chemin))
    if not jeu.valide:
        prepare.issue = Issue(chemin, "invalide", messages=[str(p) for p in jeu.erreurs])
        return prepare
    cluster = cluster_depuis_jeu(jeu)
    if not _ID_SUR.match(cluster.id):
        prepare.issue = Issue(chemin, "invalide", cluster=cluster.id, messages=[
            f"identifiant de cluster « {cluster.id} » inutilisable : lettres minuscules sans accent, chiffres et "
            "tirets seulement"])
        return prepare
    try:
        lignes = []
        campagnes = cluster.campagnes()
        for resume in resumes_cluster(cluster, campagnes):  # = resume_cluster(cluster, campagne) pour chacune
            lignes.extend(aplatir_resume(resume))
    except Exception as exc:  # une analyse qui échoue : le jeu est signalé, les autres continuent
        prepare.issue = Issue(chemin, "echec", cluster=cluster.id, nom=cluster.nom,
                              messages=[f"les indicateurs n'ont pas pu être calculés : {exc}"])
        return prepare
    f = cluster.fiche
    prepare.fiche = {
        "cluster": f.id, "nom": f.nom, "filiere": f.filiere, "campagne": f.campagne, "campagnes": campagnes,
        "departements": list(f.departements), "communes": list(f.communes), "produits_finis": list(f.produits_finis),
        "marches": json.dumps([{"nom": m.nom, "type": m.type} for m in f.marches], ensure_ascii=False),
        "coachs": json.dumps([{"nom": c.nom, "type": c.type} for c in f.coachs], ensure_ascii=False),
        "modele": f.modele, "agregateur": f.agregateur, "structure_promotion": f.structure_promotion,
        "donnees_fictives": f.donnees_fictives, "source": str(Path(chemin).resolve()), "empreinte": empreinte_jeu,
        "version_clusterlib": __version__,
    }
    for nom in TABLES_DONNEES:
        cadre = getattr(cluster, nom)
        if cadre is not None and len(cadre):
            prepare.tables[nom] = _table_complete(nom, cadre, f.id)
    prepare.tables["indicateurs"] = pd.DataFrame(lignes, columns=[c for c, _ in _COLONNES_INDICATEURS])
    return prepare


def _importer_calculs() -> None:
    """Importe la lecture, la validation et les analyses (coûteuses) avant de créer les processus."""
    import clusterlib.donnees.lecture
    import clusterlib.donnees.modele
    import clusterlib.donnees.validation
    import clusterlib.sorties.rapports  # noqa: F401


def _preparer_proteger(chemin: Path, empreinte_jeu: str) -> _Prepare:
    try:
        return _preparer(chemin, empreinte_jeu)
    except Exception as exc:
        return _Prepare(chemin, empreinte_jeu, issue=Issue(chemin, "echec", messages=[f"lecture impossible : {exc}"]))


# --- Écriture ----------------------------------------------------------------------------


def _ecrire(banque: Banque, prets: list[_Prepare]) -> None:
    """Remplace, en une transaction, toutes les lignes des clusters de ``prets``."""
    con = banque.connexion
    idents = [p.fiche["cluster"] for p in prets]
    maintenant = dt.datetime.now().replace(microsecond=0)
    presents = [r[0] for r in con.execute(
        "SELECT cluster FROM clusters WHERE cluster IN (SELECT unnest(?::VARCHAR[]))", [idents]).fetchall()]
    con.execute("BEGIN TRANSACTION")
    try:
        if presents:  # un lot de clusters tous nouveaux n'a rien à effacer (ni tables à parcourir)
            for nom in ("clusters", "indicateurs", *TABLES_DONNEES):
                con.execute(f"DELETE FROM {nom} WHERE cluster IN (SELECT unnest(?::VARCHAR[]))", [presents])
        fiches = pd.DataFrame([{**p.fiche, "ajoute_le": maintenant} for p in prets])
        con.register("_lot_clusters", fiches)
        con.execute("INSERT INTO clusters BY NAME SELECT * FROM _lot_clusters")
        con.unregister("_lot_clusters")
        for nom in ("indicateurs", *TABLES_DONNEES):
            morceaux = [p.tables[nom] for p in prets if nom in p.tables]
            if not morceaux:
                continue
            lot = pd.concat(morceaux, ignore_index=True) if len(morceaux) > 1 else morceaux[0]
            con.register("_lot", lot)
            con.execute(f"INSERT INTO {nom} BY NAME SELECT * FROM _lot")
            con.unregister("_lot")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _verifier_ecriture(banque: Banque) -> None:
    if banque.lecture_seule:
        raise ErreurBanque(f"{banque.chemin} : banque ouverte en lecture seule")


def ajouter(
    banque: Banque,
    chemins: Iterable[str | Path],
    *,
    remplacer: bool = False,
    travaux: int = 1,
    progression: Callable[[Issue], None] | None = None,
) -> list[Issue]:
    """Ajoute (ou met à jour) des clusters dans la banque ; renvoie une :class:`Issue` par jeu.

    Chaque jeu est d'abord validé : un jeu invalide est signalé avec ses messages et laissé
    de côté, les autres entrent. Un jeu dont le contenu n'a pas changé depuis son dernier
    ajout (même empreinte) est sauté. Les lignes d'un cluster sont remplacées en une seule
    transaction : un échec laisse la banque comme elle était. Un identifiant déjà présent
    sous un autre nom est refusé, sauf avec ``remplacer=True``. ``travaux`` jeux sont
    préparés en parallèle (un processus chacun).
    """
    _verifier_ecriture(banque)
    chemins = [Path(c) for c in chemins]
    issues: dict[int, Issue] = {}
    connues = dict(banque.connexion.execute("SELECT empreinte, cluster FROM clusters").fetchall())
    a_preparer: list[tuple[int, Path, str]] = []
    for i, chemin in enumerate(chemins):
        if not chemin.exists():
            issues[i] = Issue(chemin, "invalide", messages=[f"{chemin} : chemin introuvable"])
            continue
        try:
            signature = empreinte(chemin)
        except OSError as exc:
            issues[i] = Issue(chemin, "invalide", messages=[f"{chemin} : illisible ({message_systeme(exc)})"])
            continue
        if signature in connues:
            issues[i] = Issue(chemin, "inchange", cluster=connues[signature])
            continue
        a_preparer.append((i, chemin, signature))
    for i in sorted(issues):
        if progression:
            progression(issues[i])

    en_attente: list[tuple[int, _Prepare]] = []
    noms_connus = dict(banque.connexion.execute("SELECT cluster, nom FROM clusters").fetchall())

    def vider() -> None:
        if not en_attente:
            return
        lot = [p for _, p in en_attente]
        try:
            _ecrire(banque, lot)
            for i, p in en_attente:
                issues[i].messages = []
                noms_connus[p.fiche["cluster"]] = p.fiche["nom"]
        except duckdb.Error:
            # On isole le jeu fautif : chaque cluster dans sa propre transaction.
            for i, p in en_attente:
                try:
                    _ecrire(banque, [p])
                    noms_connus[p.fiche["cluster"]] = p.fiche["nom"]
                except duckdb.Error as exc:
                    issues[i] = Issue(p.chemin, "echec", cluster=p.fiche["cluster"], nom=p.fiche["nom"],
                                      messages=[f"écriture dans la banque impossible ({str(exc)[:200]}) ; "
                                                "la banque est restée comme avant pour ce cluster"])
        for i, _ in en_attente:
            if progression:
                progression(issues[i])
        en_attente.clear()

    vus: dict[str, str] = {}

    def recevoir(i: int, prepare: _Prepare) -> None:
        if prepare.issue is not None:
            issues[i] = prepare.issue
            if progression:
                progression(prepare.issue)
            return
        ident, nom = prepare.fiche["cluster"], prepare.fiche["nom"]
        if ident in vus or any(p.fiche["cluster"] == ident for _, p in en_attente):
            vider()  # un même identifiant deux fois dans la commande : le premier est écrit d'abord
        ligne = (noms_connus[ident],) if ident in noms_connus else None
        if ligne is not None and ligne[0] != nom and not remplacer:
            issues[i] = Issue(prepare.chemin, "refuse", cluster=ident, nom=nom, messages=[
                f"le cluster « {ident} » est déjà dans la banque sous le nom « {ligne[0]} », et ce jeu le nomme "
                f"« {nom} ». S'il s'agit bien du même cluster, relancez avec --remplacer ; sinon, donnez-lui un "
                "autre identifiant (clé id de cluster.yml)."])
            if progression:
                progression(issues[i])
            return
        issues[i] = Issue(prepare.chemin, "remplace" if ligne is not None else "ajoute", cluster=ident, nom=nom)
        vus[ident] = nom
        en_attente.append((i, prepare))
        if len(en_attente) >= _TAILLE_LOT:
            vider()

    if travaux > 1 and len(a_preparer) > 1:
        _importer_calculs()  # importés une fois ici : les processus de travail en héritent (fork)
        with ProcessPoolExecutor(max_workers=min(travaux, len(a_preparer))) as pool:
            futurs = {pool.submit(_preparer_proteger, c, s): i for i, c, s in a_preparer}
            try:
                for futur in as_completed(futurs):
                    recevoir(futurs[futur], futur.result())
            except BaseException:
                pool.shutdown(wait=False, cancel_futures=True)
                raise
    else:
        for i, c, s in a_preparer:
            recevoir(i, _preparer_proteger(c, s))
    vider()
    return [issues[i] for i in range(len(chemins))]


def retirer(banque: Banque, ident: str) -> int:
    """Retire un cluster et toutes ses lignes (une transaction) ; renvoie le nombre de lignes retirées."""
    _verifier_ecriture(banque)
    if banque.connexion.execute("SELECT count(*) FROM clusters WHERE cluster = ?", [ident]).fetchone()[0] == 0:
        presents = [r[0] for r in banque.connexion.execute(
            "SELECT cluster FROM clusters ORDER BY 1 LIMIT 20").fetchall()]
        raise ErreurBanque(f"{banque.chemin} : aucun cluster « {ident} » dans la banque"
                           + (f" ; clusters présents : {', '.join(presents)}" if presents else " (elle est vide)"))
    con = banque.connexion
    total = 0
    con.execute("BEGIN TRANSACTION")
    try:
        for nom in ("indicateurs", *TABLES_DONNEES, "clusters"):
            total += con.execute(f"DELETE FROM {nom} WHERE cluster = ?", [ident]).fetchone()[0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return total


def lister(banque: Banque) -> pd.DataFrame:
    """Les clusters de la banque : identifiant, nom, filière, départements, campagnes, acteurs, date d'ajout."""
    return banque.requete("""
        SELECT c.cluster, c.nom, c.filiere, array_to_string(c.departements, ', ') AS departements,
               array_to_string(c.campagnes, ', ') AS campagnes, c.campagne AS campagne_en_cours,
               coalesce(a.nb, 0) AS nb_acteurs, c.donnees_fictives, c.ajoute_le
        FROM clusters c LEFT JOIN (SELECT cluster, count(*) AS nb FROM acteurs GROUP BY cluster) a USING (cluster)
        ORDER BY c.filiere, c.cluster""")


# --- Export --------------------------------------------------------------------------------

_MAX_LIGNES_EXCEL = 1_048_575


def _texte_sur(valeur: Any) -> Any:
    """Un texte qui ne sera jamais pris pour une formule par un tableur (« = + - @ » en tête)."""
    if isinstance(valeur, str) and valeur[:1] in ("=", "+", "-", "@"):
        return "'" + valeur
    return valeur


def _cellules(cadre: pd.DataFrame) -> Iterator[list[Any]]:
    for ligne in cadre.itertuples(index=False, name=None):
        sortie = []
        for valeur in ligne:
            if isinstance(valeur, (list, tuple, np.ndarray)):
                valeur = "; ".join(str(v) for v in valeur)
            elif valeur is None or (isinstance(valeur, float) and valeur != valeur) or valeur is pd.NA \
                    or valeur is pd.NaT:
                valeur = None
            elif hasattr(valeur, "item") and not isinstance(valeur, str):
                valeur = valeur.item()
            elif isinstance(valeur, pd.Timestamp):
                valeur = valeur.to_pydatetime()
            sortie.append(_texte_sur(valeur))
        yield sortie


def _ecrire_classeur(banque: Banque, cible: Path) -> None:
    from openpyxl import Workbook

    from clusterlib.fichiers import ecriture_atomique

    classeur = Workbook(write_only=True)
    lisez_moi = classeur.create_sheet("lisez-moi")
    for ligne in (
        ["Banque de clusters exportée par clusterlib", None],
        ["Fichier de la banque", str(banque.chemin)],
        ["Exportée le", dt.datetime.now().strftime("%d/%m/%Y %H:%M")],
        ["Version du schéma", banque.version_schema()],
        [None, None],
        ["Feuille", "Contenu"],
        ["indicateurs_cluster", "Une ligne par cluster et par campagne : notes de la grille, valeur ajoutée, "
         "contractualisation (les mêmes chiffres que resume.json des rapports)"],
        ["clusters", "La fiche de chaque cluster"],
        *[[nom, f"La table {nom} de chaque cluster (colonne cluster en tête)"] for nom in TABLES_DONNEES],
        ["indicateurs", "Toutes les valeurs de resume.json, une par ligne (chemin, valeur)"],
    ):
        lisez_moi.append(ligne)
    for nom in ("indicateurs_cluster", "clusters", *TABLES_DONNEES, "indicateurs"):
        cadre = banque.table(nom)
        for numero, debut in enumerate(range(0, max(len(cadre), 1), _MAX_LIGNES_EXCEL)):
            feuille = classeur.create_sheet(nom if numero == 0 else f"{nom} ({numero + 1})"[:31])
            feuille.append(list(cadre.columns))
            for ligne in _cellules(cadre.iloc[debut:debut + _MAX_LIGNES_EXCEL]):
                feuille.append(ligne)
    with ecriture_atomique(cible) as temporaire:
        classeur.save(temporaire)


_PARTITIONS = {"clusters": ["filiere"], "indicateurs": ["filiere", "campagne"]}


def exporter(banque: Banque, sortie: str | Path) -> dict[str, Path]:
    """Exporte la banque dans ``sortie`` : ``parquet/`` (une table par dossier) et ``banque.xlsx``.

    Les tables Parquet sont partitionnées par filière et, quand elles en ont une, par
    campagne (dossiers ``filiere=riz/campagne=2025-2026/``, à la façon de Hive) : Spark,
    Trino ou DuckDB les lisent tels quels. Le dossier ``parquet`` est écrit à côté puis mis
    en place ; un ancien export n'est remplacé qu'une fois le nouveau complet.
    """
    from clusterlib.sorties.rapports import _deplacer_en_place, _ecrire_marqueur

    sortie = Path(sortie)
    try:
        sortie.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ErreurBanque(f"impossible d'écrire dans {sortie} ({message_systeme(exc)})") from None
    cible = sortie / "parquet"
    if cible.exists() and not (cible / "_banque.json").exists():
        raise ErreurBanque(f"{cible} existe et n'est pas un export de banque : choisissez un autre dossier "
                           "(rien n'a été modifié)")
    temporaire = Path(tempfile.mkdtemp(prefix=".parquet.", dir=sortie))
    try:
        comptes: dict[str, int] = {}
        avec_campagne = {nom for nom in TABLES_DONNEES if any(c.nom == "campagne" for c in referentiel.colonnes(nom))}
        for nom in ("clusters", "indicateurs", *TABLES_DONNEES):
            partitions = _PARTITIONS.get(nom, ["filiere", "campagne"] if nom in avec_campagne else ["filiere"])
            dossier = temporaire / nom
            if nom == "clusters":
                selection = "SELECT * FROM clusters"
            else:
                selection = f"SELECT t.*, c.filiere FROM {nom} t JOIN clusters c USING (cluster)"
            nb = banque.connexion.execute(f"SELECT count(*) FROM ({selection})").fetchone()[0]
            comptes[nom] = int(nb)
            if nb == 0:
                continue
            banque.connexion.execute(
                f"COPY ({selection}) TO '{_litteral(dossier)}' "
                f"(FORMAT parquet, PARTITION_BY ({', '.join(partitions)}))")
        manifeste = {"version_schema": banque.version_schema(), "version_clusterlib": __version__,
                     "exporte_le": dt.datetime.now().isoformat(timespec="seconds"), "lignes": comptes,
                     "partitions": {nom: _PARTITIONS.get(nom, ["filiere", "campagne"] if nom in avec_campagne
                                                         else ["filiere"])
                                    for nom in ("clusters", "indicateurs", *TABLES_DONNEES)}}
        (temporaire / "_banque.json").write_text(json.dumps(manifeste, ensure_ascii=False, indent=2), encoding="utf-8")
        masque = os.umask(0)
        os.umask(masque)
        os.chmod(temporaire, 0o777 & ~masque)
        # Comme un rapport : la marque de clusterlib, sans laquelle un dossier existant n'est jamais remplacé.
        _ecrire_marqueur(temporaire, cible.name, Path(banque.chemin))
        _deplacer_en_place(temporaire, cible, cible.name)
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)
    classeur = sortie / "banque.xlsx"
    _ecrire_classeur(banque, classeur)
    return {"parquet": cible, "excel": classeur}


def _litteral(chemin: Path) -> str:
    return str(chemin).replace("'", "''")
