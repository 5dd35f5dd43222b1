"""Les listes de contrôle du coach, notées : préalables, facteurs de réussite et d'échec, cluster
fonctionnel, profils de coach, autonomie de l'animation et phases de développement.

Chaque liste est un référentiel (``referentiel/listes_controle.yml``) : des questions tirées du
guide, une échelle de réponses et des seuils de verdict. :func:`noter` transforme les
réponses en un score (en % du maximum) et un code de verdict ; :func:`classer_candidats`
range les candidats au poste de coach à partir des grilles d'un jury ; :func:`placer_phase`
situe le cluster dans les quatre phases de l'ONUDI avec les indices qui fondent ce placement.
Ce placement sert à ouvrir la discussion : ce n'est pas un verdict.

Ces fonctions rendent des codes, des identifiants et des nombres ; les phrases (verdicts
expliqués, motifs, constats, écarts entre phases) s'écrivent dans
:mod:`clusterlib.presentation.listes_controle`.

Les réponses s'écrivent avec les codes de l'échelle (``oui``, ``en_partie``, ``non`` ;
``insuffisant`` … ``tres_bon``), leur libellé, leur valeur, ou ``True``/``False``.
"""

from __future__ import annotations

import copy
import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.fichiers import ecrire_atomique, neutraliser_cellule, retirer_neutralisation

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "ErreurListe",
    "PlacementPhase",
    "ResultatListe",
    "bilan_facteurs",
    "classer_candidats",
    "comparer_prealables",
    "definition",
    "echelle",
    "enregistrer_reponses",
    "indices_phase",
    "items",
    "lire_reponses",
    "noms_listes",
    "noter",
    "phases",
    "placer_phase",
    "reponses_depuis_donnees",
    "reponses_suggerees",
]


class ErreurListe(ValueError):
    """Une réponse ou un identifiant ne correspond pas au référentiel ; message en français."""


_ref = partial(referentiel.lire, "listes_controle.yml")
"""Le référentiel des listes de contrôle (contenu partagé : ne pas le modifier)."""


def noms_listes() -> list[str]:
    """Les listes disponibles (``prealables``, ``facteurs_reussite``, …, ``autonomie``)."""
    return list(_ref()["listes"])


def definition(nom: str) -> dict[str, Any]:
    """La définition complète d'une liste (titre, source, items, verdicts), copie modifiable."""
    listes = _ref()["listes"]
    if nom not in listes:
        raise ErreurListe(f"liste de contrôle « {nom} » inconnue ; listes disponibles : {', '.join(listes)}")
    return copy.deepcopy(listes[nom])


def echelle(nom: str) -> pd.DataFrame:
    """Les réponses possibles d'une liste (ou d'une échelle) : ``code``, ``libelle``, ``valeur``."""
    echelles = _ref()["echelles"]
    cle = nom if nom in echelles else definition(nom)["echelle"]
    return pd.DataFrame(echelles[cle])


def items(nom: str) -> pd.DataFrame:
    """Les éléments d'une liste : ``id``, ``libelle``, ``question``, ``preuves``, ``poids``,
    ``essentiel``, ``eliminatoire`` (dans l'ordre du référentiel)."""
    lignes = [
        {"id": i["id"], "libelle": i["libelle"], "question": i["question"], "preuves": i.get("preuves", ""),
         "poids": float(i.get("poids", 1)), "essentiel": bool(i.get("essentiel", False)),
         "eliminatoire": bool(i.get("eliminatoire", False))}
        for i in definition(nom)["items"]
    ]
    return pd.DataFrame(lignes)


def _valeur(reponse: Any, ech: pd.DataFrame, ident: str) -> tuple[str | None, float]:
    """Une réponse (code, libellé, valeur ou booléen) → (code, valeur) ; (None, nan) si vide."""
    if reponse is None or reponse is pd.NA or (isinstance(reponse, float) and math.isnan(reponse)):
        return None, math.nan
    if isinstance(reponse, str) and not reponse.strip():
        return None, math.nan
    codes = list(ech["code"])
    if isinstance(reponse, bool):
        code = codes[-1] if reponse else codes[0]
        return code, float(ech.loc[ech["code"] == code, "valeur"].iloc[0])
    if isinstance(reponse, (int, float)):
        trouve = ech[ech["valeur"] == reponse]
        if len(trouve):
            return str(trouve["code"].iloc[0]), float(reponse)
    else:
        cle = referentiel.cle_normalisee(str(reponse))
        for _, e in ech.iterrows():
            if cle in (e["code"], referentiel.cle_normalisee(e["libelle"])):
                return str(e["code"]), float(e["valeur"])
    attendus = ", ".join(f"{c} ({v:g})" for c, v in zip(ech["code"], ech["valeur"], strict=True))
    raise ErreurListe(f"réponse « {reponse} » inconnue pour l'élément {ident} ; attendu : {attendus}")


def _verifier_ids(reponses: Mapping[str, Any], connus: list[str], nom: str) -> None:
    inconnus = [str(k) for k in reponses if str(k) not in connus]
    if inconnus:
        raise ErreurListe(f"élément(s) {', '.join(inconnus)} inconnu(s) dans la liste « {nom} » ; "
                          f"éléments attendus : {', '.join(connus)}")


@dataclass(frozen=True)
class ResultatListe:
    """Le résultat d'une liste notée.

    ``score`` : points obtenus / points possibles sur les éléments renseignés, en % (``nan``
    si rien n'est renseigné) ; pour une liste « défavorable » (facteurs d'échec), c'est un
    niveau de risque. ``verdict`` : code d'un verdict du référentiel, ou ``incomplet``.
    ``details`` : une ligne par élément (``id``, ``libelle``, ``reponse``, ``reponse_libelle``,
    ``valeur``, ``poids``, ``points``, ``points_max``, ``essentiel``, ``eliminatoire``).
    ``non_renseignes`` : éléments sans réponse ; ``essentiels_absents`` : éléments essentiels
    répondus « non » ; ``essentiels_vides`` : éléments essentiels sans réponse. La phrase du
    verdict : :func:`clusterlib.presentation.listes_controle.message_liste`.
    """

    liste: str
    titre: str
    source: str
    sens: str
    score: float
    verdict: str
    details: pd.DataFrame
    non_renseignes: tuple[str, ...] = ()
    essentiels_absents: tuple[str, ...] = ()
    essentiels_vides: tuple[str, ...] = ()

    @property
    def complet(self) -> bool:
        """Vrai si tous les éléments sont renseignés."""
        return not self.non_renseignes


def noter(nom: str, reponses: Mapping[str, Any]) -> ResultatListe:
    """Note une liste de contrôle à partir des réponses ``{id: réponse}``.

    Les éléments sans réponse sont exclus du score et listés dans ``non_renseignes``. Sans
    réponse pour au moins la moitié des éléments, le verdict est ``incomplet``. Pour les
    préalables, un élément essentiel répondu « non » donne le verdict ``non_reunis`` quel que
    soit le score, et un élément essentiel sans réponse empêche de conclure.
    """
    d = definition(nom)
    ech = echelle(nom)
    elements = items(nom)
    _verifier_ids(reponses, list(elements["id"]), nom)
    vmax = float(ech["valeur"].max())
    lignes = []
    for _, it in elements.iterrows():
        code, valeur = _valeur(reponses.get(it["id"]), ech, it["id"])
        libelle = "" if code is None else str(ech.loc[ech["code"] == code, "libelle"].iloc[0])
        lignes.append({
            "id": it["id"], "libelle": it["libelle"], "reponse": code or "", "reponse_libelle": libelle,
            "valeur": valeur, "poids": it["poids"], "points": valeur * it["poids"], "points_max": vmax * it["poids"],
            "essentiel": it["essentiel"], "eliminatoire": it["eliminatoire"],
        })
    details = pd.DataFrame(lignes)
    renseignes = details[details["reponse"] != ""]
    non_renseignes = tuple(details.loc[details["reponse"] == "", "id"])
    score = 100 * renseignes["points"].sum() / renseignes["points_max"].sum() if len(renseignes) else math.nan
    essentiels = details[details["essentiel"]]
    absents = tuple(essentiels.loc[essentiels["valeur"] == 0, "id"])
    essentiels_vides = tuple(essentiels.loc[essentiels["reponse"] == "", "id"])
    part = len(renseignes) / len(details)
    if absents:
        verdict = d["verdicts"][-1]["code"]
    elif part < _ref()["part_minimale_renseignee"] or essentiels_vides:
        verdict = "incomplet"
    else:
        verdict = next(v for v in d["verdicts"] if score >= v["min"])["code"]
    return ResultatListe(liste=nom, titre=d["titre"], source=d["source"], sens=d["sens"], score=float(score),
                         verdict=verdict, details=details, non_renseignes=non_renseignes,
                         essentiels_absents=absents, essentiels_vides=essentiels_vides)


def bilan_facteurs(reponses_reussite: Mapping[str, Any], reponses_echec: Mapping[str, Any]) -> pd.DataFrame:
    """Les facteurs de réussite absents et les facteurs d'échec présents, à discuter en priorité.

    Colonnes ``liste`` (« réussite » ou « échec »), ``id``, ``libelle``, ``reponse`` ; d'abord
    les facteurs d'échec présents (oui puis en partie), puis les facteurs de réussite absents
    (non puis en partie).
    """
    reussite = noter("facteurs_reussite", reponses_reussite).details
    echec = noter("facteurs_echec", reponses_echec).details
    presents = echec[echec["valeur"] > 0].sort_values("valeur", ascending=False, kind="stable")
    manquants = reussite[reussite["valeur"] < 2].sort_values("valeur", kind="stable")
    lignes = [{"liste": "échec", "id": lg["id"], "libelle": lg["libelle"], "reponse": lg["reponse_libelle"]}
              for _, lg in presents.iterrows()]
    lignes += [{"liste": "réussite", "id": lg["id"], "libelle": lg["libelle"], "reponse": lg["reponse_libelle"]}
               for _, lg in manquants.iterrows()]
    return pd.DataFrame(lignes, columns=["liste", "id", "libelle", "reponse"])


def comparer_prealables(diagnostic: pd.DataFrame, resultat: ResultatListe | None = None) -> pd.DataFrame:
    """Les préalables jugés sur les données et l'avis du coach, côte à côte.

    ``diagnostic`` : le tableau des préalables calculés sur les données (colonnes
    ``prealable``, ``verdict``, ``libelle_verdict``, ``preuve``, comme le donne
    ``clusterlib.analyses.reseau.prealables``) ; ``resultat`` : la liste « prealables » notée par le
    coach. Colonnes : ``id``, ``libelle``, ``donnees`` (libellé du verdict tiré des données,
    repris du diagnostic ; vide, ``<NA>``, quand l'élément ne se lit pas dans les données),
    ``preuve`` (reprise du diagnostic), ``coach`` (libellé de la réponse du coach), ``accord``
    (vrai, faux, ou vide si l'un des deux manque). Un désaccord n'est pas une erreur : il ouvre
    la discussion. Pour l'affichage : :func:`clusterlib.presentation.listes_controle.table_comparaison_prealables`.
    """
    correspondance = definition("prealables")["correspondance_donnees"]
    vers_code = {"oui": "oui", "partiellement": "en_partie", "en_partie": "en_partie", "non": "non"}
    coach = {} if resultat is None else resultat.details.set_index("id")
    lignes = []
    for _, it in items("prealables").iterrows():
        code_donnees = next((k for k, v in correspondance.items() if v == it["id"]), None)
        ligne_d = diagnostic[diagnostic["prealable"] == code_donnees] if code_donnees else diagnostic.iloc[0:0]
        verdict = ligne_d["verdict"].iloc[0] if len(ligne_d) else None
        verdict = None if verdict is None or pd.isna(verdict) else vers_code.get(str(verdict))
        reponse = coach.loc[it["id"], "reponse"] if resultat is not None else ""
        accord: Any = pd.NA if (verdict is None or not reponse) else (verdict == reponse)
        lignes.append({
            "id": it["id"], "libelle": it["libelle"],
            "donnees": str(ligne_d["libelle_verdict"].iloc[0]) if len(ligne_d) else pd.NA,
            "preuve": str(ligne_d["preuve"].iloc[0]) if len(ligne_d) else "",
            "coach": coach.loc[it["id"], "reponse_libelle"] if resultat is not None else "", "accord": accord,
        })
    cadre = pd.DataFrame(lignes)
    cadre["donnees"] = cadre["donnees"].astype("string")
    cadre["accord"] = cadre["accord"].astype("boolean")
    return cadre


def reponses_depuis_donnees(diagnostic: pd.DataFrame) -> dict[str, str | None]:
    """Réponses de départ de la liste « prealables » tirées du diagnostic des données (à revoir par le coach)."""
    correspondance = definition("prealables")["correspondance_donnees"]
    vers_code = {"oui": "oui", "partiellement": "en_partie", "en_partie": "en_partie", "non": "non"}
    reponses: dict[str, str | None] = {}
    for _, lg in diagnostic.iterrows():
        ident = correspondance.get(str(lg["prealable"]))
        if ident:
            v = lg["verdict"]
            reponses[ident] = None if v is None or pd.isna(v) else vers_code.get(str(v))
    return reponses


# --- Recrutement des coachs -------------------------------------------------------------------------


def _notes_en_tableau(notes: pd.DataFrame | Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    if isinstance(notes, pd.DataFrame):
        manquantes = {"candidat", "critere", "note"} - set(notes.columns)
        if manquantes:
            raise ErreurListe(f"grilles du jury : colonne(s) {', '.join(sorted(manquantes))} absente(s) ; "
                              "attendu : candidat, critere, note (et evaluateur si plusieurs membres du jury)")
        cadre = notes.copy()
    else:
        cadre = pd.DataFrame([{"candidat": c, "critere": k, "note": v}
                              for c, grille in notes.items() for k, v in grille.items()])
        if cadre.empty:
            cadre = pd.DataFrame(columns=["candidat", "critere", "note"])
    if "evaluateur" not in cadre.columns:
        cadre["evaluateur"] = "jury"
    cadre["candidat"] = cadre["candidat"].astype("str").str.strip()
    cadre["critere"] = cadre["critere"].astype("str").str.strip()
    cadre["evaluateur"] = cadre["evaluateur"].fillna("jury").astype("str")
    return cadre


def classer_candidats(notes: pd.DataFrame | Mapping[str, Mapping[str, Any]], profil: str) -> pd.DataFrame:
    """Range les candidats à un poste de coach à partir des grilles du jury.

    ``notes`` : tableau à colonnes ``candidat``, ``critere`` (id du critère, CE01…), ``note``
    (code, libellé ou valeur de 0 à 3) et, si le jury compte plusieurs membres,
    ``evaluateur`` ; ou ``{candidat: {critere: note}}`` pour une seule grille par candidat.
    ``profil`` : ``coach_externe`` ou ``coach_interne``.

    Pour chaque candidat, la note d'un critère est la moyenne des membres du jury ; le score
    est la somme pondérée rapportée au maximum, en %. Un critère éliminatoire dont la note est
    sous le seuil (« faible ») écarte le candidat. Colonnes : ``rang`` (vide pour un candidat
    écarté ; ex aequo au même rang), ``candidat``, ``score``, ``verdict`` (code d'un verdict du
    profil, ``ecarte`` ou ``non_note``), ``ecarte``, ``eliminatoires_sous_seuil`` (``{critère:
    note moyenne}`` des critères éliminatoires sous le seuil), ``eliminatoires_non_notes``
    (tuple des critères éliminatoires sans note), ``nb_criteres_notes``, ``nb_criteres``,
    ``desaccords`` (tuple des critères où deux membres du jury diffèrent de 2 points ou plus),
    ``evaluateurs``. Le tableau à lire (verdict en toutes lettres, motif) :
    :func:`clusterlib.presentation.listes_controle.table_candidats`.
    """
    if profil not in ("coach_externe", "coach_interne"):
        raise ErreurListe(f"profil « {profil} » inconnu ; attendu : coach_externe ou coach_interne")
    cadre = _notes_en_tableau(notes)
    ech = echelle(profil)
    elements = items(profil).set_index("id")
    inconnus = sorted(set(cadre["critere"]) - set(elements.index))
    if inconnus:
        raise ErreurListe(f"critère(s) {', '.join(inconnus)} inconnu(s) pour le profil « {profil} » ; "
                          f"critères attendus : {', '.join(elements.index)}")
    valeurs = []
    for _, lg in cadre.iterrows():
        valeurs.append(_valeur(lg["note"], ech, f"{lg['critere']} du candidat {lg['candidat']}")[1])
    cadre["valeur"] = pd.Series(valeurs, index=cadre.index, dtype="float64")
    seuil = float(_ref()["seuil_eliminatoire"])
    ecart_max = float(_ref()["ecart_desaccord"])
    vmax = float(ech["valeur"].max())
    verdicts = definition(profil)["verdicts"]
    lignes = []
    for candidat, g in cadre.groupby("candidat", sort=False):
        note = g.dropna(subset=["valeur"]).groupby("critere")["valeur"]
        moyenne = note.mean()
        ecarts = note.max() - note.min()
        poids = elements.loc[moyenne.index, "poids"]
        score = 100 * float((moyenne * poids).sum()) / float((vmax * poids).sum()) if len(moyenne) else math.nan
        elim = elements[elements["eliminatoire"]].index
        echecs = {c: float(moyenne[c]) for c in elim if c in moyenne.index and moyenne[c] < seuil}
        a_verifier = tuple(c for c in elim if c not in moyenne.index)
        verdict = "ecarte" if echecs else (
            next(v["code"] for v in verdicts if score >= v["min"]) if not math.isnan(score) else "non_note")
        lignes.append({
            "candidat": candidat, "score": score, "verdict": verdict, "ecarte": bool(echecs),
            "eliminatoires_sous_seuil": echecs, "eliminatoires_non_notes": a_verifier,
            "nb_criteres_notes": len(moyenne), "nb_criteres": len(elements),
            "desaccords": tuple(c for c in ecarts.index if ecarts[c] >= ecart_max),
            "evaluateurs": int(g["evaluateur"].nunique()),
        })
    colonnes = ["rang", "candidat", "score", "verdict", "ecarte", "eliminatoires_sous_seuil",
                "eliminatoires_non_notes", "nb_criteres_notes", "nb_criteres", "desaccords", "evaluateurs"]
    if not lignes:
        return pd.DataFrame(columns=colonnes)
    res = pd.DataFrame(lignes)
    res = res.sort_values(["ecarte", "score", "candidat"], ascending=[True, False, True], kind="stable")
    rangs = res.loc[~res["ecarte"], "score"].rank(method="min", ascending=False)
    res["rang"] = rangs.reindex(res.index).astype("Int64")
    return res[colonnes].reset_index(drop=True)


# --- Phases de développement (ONUDI) --------------------------------------------------------------------


def phases() -> pd.DataFrame:
    """Les quatre phases et leurs indices.

    Colonnes ``phase``, ``phase_libelle``, ``id``, ``libelle``, ``question``, ``preuves``, ``regle``.
    """
    lignes = []
    for p in _ref()["phases"]["liste"]:
        for i in p["indices"]:
            lignes.append({"phase": p["code"], "phase_libelle": p["libelle"], "id": i["id"], "libelle": i["libelle"],
                           "question": i["question"], "preuves": i.get("preuves", ""), "regle": i.get("regle", "")})
    return pd.DataFrame(lignes)


@dataclass(frozen=True)
class PlacementPhase:
    """Le placement d'un cluster dans les phases de l'ONUDI, avec ce qui le fonde.

    ``phase`` : code de la phase retenue ; ``scores`` : une ligne par phase (``phase``,
    ``libelle``, ``score`` en %, ``acquise``, ``indices``, ``presents``) ; ``preuves`` : les
    indices présents ou en partie, avec leur justification ; ``ecarts`` : ce qui ne suit pas
    l'ordre des phases, à discuter : des couples ``(phase avancée dont des indices sont
    présents, première phase antérieure non acquise)`` (codes) ; ``avertissement`` : le texte
    du référentiel (ce placement est une aide à la discussion). Les phrases :
    :func:`clusterlib.presentation.listes_controle.message_phase` et ``ecarts_phase``.
    """

    phase: str
    libelle: str
    scores: pd.DataFrame
    preuves: pd.DataFrame
    ecarts: tuple[tuple[str, str], ...] = ()
    avertissement: str = ""
    details: pd.DataFrame = field(default_factory=pd.DataFrame)


def placer_phase(reponses: Mapping[str, Any], justifications: Mapping[str, str] | None = None) -> PlacementPhase:
    """Situe le cluster dans les phases de développement de l'ONUDI (section 7.2 du guide).

    ``reponses`` : ``{id d'indice: oui / en_partie / non}`` (ou booléens) ; un indice sans
    réponse compte comme non observé. ``justifications`` : ``{id: ce qui le prouve}``.

    Le score d'une phase est la part de ses indices présents (« en partie » compte pour
    moitié) ; une phase est acquise à partir du seuil du référentiel (50 %). La phase retenue
    est la plus avancée dont toutes les phases antérieures sont acquises et dont au moins un
    indice est présent ; sans aucun indice, c'est l'initialisation. Le résultat aide à
    discuter du chemin parcouru ; ce n'est pas un verdict.
    """
    ref = _ref()["phases"]
    ech = echelle("presence")
    table = phases()
    _verifier_ids(reponses, list(table["id"]), "phases")
    justifications = dict(justifications or {})
    _verifier_ids(justifications, list(table["id"]), "phases")
    vmax = float(ech["valeur"].max())
    lignes = []
    for _, it in table.iterrows():
        code, valeur = _valeur(reponses.get(it["id"]), ech, it["id"])
        lignes.append({**it.to_dict(), "reponse": code or "",
                       "reponse_libelle": "" if code is None else ech.set_index("code").loc[code, "libelle"],
                       "valeur": 0.0 if code is None else valeur,
                       "justification": str(justifications.get(it["id"], "") or "").strip()})
    details = pd.DataFrame(lignes)
    seuil = float(ref["seuil_acquise"])
    scores = []
    for p in ref["liste"]:
        g = details[details["phase"] == p["code"]]
        score = 100 * g["valeur"].sum() / (vmax * len(g))
        scores.append({"phase": p["code"], "libelle": p["libelle"], "score": float(score), "acquise": score >= seuil,
                       "indices": len(g), "presents": int((g["valeur"] > 0).sum())})
    scores_df = pd.DataFrame(scores)
    retenue = 0
    for k, s in enumerate(scores):
        if all(x["acquise"] for x in scores[:k]) and s["presents"] > 0:
            retenue = k
    phase = scores[retenue]
    # Indices d'une phase plus avancée que la dernière phase dont les précédentes sont acquises
    ecarts = []
    for k in range(retenue + 1, len(scores)):
        if scores[k]["presents"]:
            manquante = next(x for x in scores[:k] if not x["acquise"])
            ecarts.append((scores[k]["phase"], manquante["phase"]))
    preuves = details[details["valeur"] > 0][["phase_libelle", "id", "libelle", "reponse_libelle", "justification"]]
    preuves = preuves.rename(columns={"phase_libelle": "phase"}).reset_index(drop=True)
    return PlacementPhase(phase=phase["phase"], libelle=phase["libelle"], scores=scores_df,
                          preuves=preuves, ecarts=tuple(ecarts), avertissement=" ".join(ref["avertissement"].split()),
                          details=details)


def indices_phase(cluster: Cluster) -> pd.DataFrame:
    """Les indices de phase que les données du cluster suggèrent, à confirmer par le coach.

    Colonnes ``id``, ``phase`` (libellé), ``libelle``, ``suggestion`` (``oui``, ``en_partie``,
    ``non`` selon ce que montrent les données, vide quand elles ne disent rien), ``cas`` (code
    de ce que montrent les données : ``non_lisible`` pour un indice sans règle — veille,
    répartition du travail… —, ``ffom_absente``, ``ffom_presente``, ``reseau_sans_agregateur``,
    ``reseau_avec_agregateur``, ``coachs_absents``, ``coachs_presents``, ``plan_absent``,
    ``plan_realisees``, ``envergure_absente``, ``envergure_presente``, ``marches_absents``,
    ``marches_presents``, ``recherche_absente``, ``recherche_liee``) et ``faits`` (dictionnaire
    des nombres et identifiants qui fondent le cas : ``nb``, ``total``, ``campagnes``,
    ``coachs`` (nom, type), ``seuil``, ``actions``, ``marches`` (nom, code du type)). Le
    constat en toutes lettres : :func:`clusterlib.presentation.listes_controle.table_indices`.
    """
    regles = _ref()["phases"]["regles"]
    table = phases()
    lignes = []
    for _, it in table.iterrows():
        suggestion, cas, faits = _regle(it["regle"], cluster, regles)
        lignes.append({"id": str(it["id"]), "phase": str(it["phase_libelle"]), "libelle": str(it["libelle"]),
                       "suggestion": suggestion, "cas": cas, "faits": faits})
    return pd.DataFrame(lignes, columns=["id", "phase", "libelle", "suggestion", "cas", "faits"])


def _regle(nom: str, cluster: Cluster, regles: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """Une règle d'indice : (suggestion, cas, faits)."""
    if not nom:
        return "", "non_lisible", {}
    if nom == "ffom_presente":
        f = cluster.ffom
        if f is None or f.empty:
            return "non", "ffom_absente", {}
        return "oui", "ffom_presente", {"nb": len(f), "campagnes": tuple(sorted(set(f["campagne"])))}
    if nom == "reseau_en_place":
        types = referentiel.enumerations()["types_relation"]["valeurs"]
        commerciaux = {t["code"] for t in types if t.get("commerciale")}
        n = int(cluster.relations["type"].isin(commerciaux).sum())
        minimum = int(regles["reseau_en_place"]["min_relations_commerciales"])
        if not cluster.fiche.agregateur:
            return "non", "reseau_sans_agregateur", {"nb": n}
        return ("oui" if n >= minimum else "en_partie"), "reseau_avec_agregateur", {"nb": n}
    if nom == "coachs_en_place":
        coachs = cluster.fiche.coachs
        if not coachs:
            return "non", "coachs_absents", {}
        return "oui", "coachs_presents", {"coachs": tuple((c.nom, c.type) for c in coachs)}
    plan = cluster.plan_actions
    if nom in ("plan_en_oeuvre", "actions_envergure") and (plan is None or plan.empty):
        return "non", "plan_absent", {}
    if nom == "plan_en_oeuvre":
        n = int((plan["statut"] == "realisee").sum())
        minimum = int(regles["plan_en_oeuvre"]["min_realisees"])
        suggestion = "oui" if n >= minimum else ("en_partie" if n else "non")
        return suggestion, "plan_realisees", {"nb": n, "total": len(plan)}
    if nom == "actions_envergure":
        seuil = float(regles["actions_envergure"]["budget_min"])
        grandes = plan[(plan["budget"] >= seuil) & plan["statut"].isin(["realisee", "en_cours"])]
        if grandes.empty:
            return "non", "envergure_absente", {"seuil": seuil}
        return "oui", "envergure_presente", {"seuil": seuil, "actions": tuple(grandes["id"].astype(str))}
    if nom == "marches_lointains":
        types = set(regles["marches_lointains"]["types"])
        lointains = [m for m in cluster.fiche.marches if m.type in types]
        if not lointains:
            return "non", "marches_absents", {}
        return "oui", "marches_presents", {"marches": tuple((m.nom, m.type) for m in lointains)}
    if nom == "recherche_liee":
        chercheurs = set(cluster.acteurs.loc[cluster.acteurs["maillon"] == "recherche", "id"])
        r = cluster.relations
        n = int((r["source"].isin(chercheurs) | r["cible"].isin(chercheurs)).sum())
        if not n:
            return "non", "recherche_absente", {}
        return "oui", "recherche_liee", {"nb": n}
    raise ErreurListe(f"règle d'indice « {nom} » inconnue dans le référentiel des phases")


def reponses_suggerees(indices: pd.DataFrame) -> dict[str, str | None]:
    """Les suggestions de :func:`indices_phase` sous forme de réponses ``{id: code}`` pour :func:`placer_phase`."""
    return {i: (s or None) for i, s in zip(indices["id"], indices["suggestion"], strict=True)}


# --- Enregistrement des réponses ------------------------------------------------------------------------


def enregistrer_reponses(
    chemin: str | Path, liste: str, reponses: Mapping[str, Any], justifications: Mapping[str, str] | None = None,
    evaluateur: str = "",
) -> Path:
    """Écrit les réponses d'une liste dans un CSV (``liste``, ``id``, ``reponse``, ``justification``,
    ``evaluateur``), de façon atomique : le fichier précédent reste intact en cas d'échec."""
    justifications = justifications or {}
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, lineterminator="\n")
    ecrivain.writerow(["liste", "id", "reponse", "justification", "evaluateur"])
    for ident, reponse in reponses.items():
        ecrivain.writerow([neutraliser_cellule(v) for v in (
            liste, ident, "" if reponse is None else reponse, justifications.get(ident, ""), evaluateur)])
    return ecrire_atomique(chemin, tampon.getvalue())


def lire_reponses(chemin: str | Path) -> tuple[dict[str, str], dict[str, str]]:
    """Relit un CSV écrit par :func:`enregistrer_reponses` : ``(reponses, justifications)``."""
    chemin = Path(chemin)
    if not chemin.exists():
        raise ErreurListe(f"fichier de réponses introuvable : {chemin}")
    cadre = pd.read_csv(chemin, dtype="str", keep_default_na=False).map(retirer_neutralisation)
    manquantes = {"id", "reponse"} - set(cadre.columns)
    if manquantes:
        raise ErreurListe(f"{chemin.name} : colonne(s) {', '.join(sorted(manquantes))} absente(s) ; "
                          "attendu : liste, id, reponse, justification")
    reponses = {r["id"]: (r["reponse"] or None) for _, r in cadre.iterrows()}
    justifs = {r["id"]: r.get("justification", "") for _, r in cadre.iterrows() if r.get("justification", "")}
    return reponses, justifs
