"""Le planning de l'atelier participatif d'élaboration du plan d'actions (tableau 6 du guide).

L'atelier dure en principe trois jours : ouverture, méthode, revue du diagnostic et de la
carte, forces et faiblesses puis opportunités et menaces, vision, changements souhaités,
actions prioritaires, plan d'actions et ses indicateurs, compétences et renforcement des
capacités, coaching et suite, évaluation et clôture. Quand plusieurs clusters participent,
chacun forme son groupe de travail ; les restitutions se font alors dans chaque groupe,
devant l'équipe de facilitation, pour qu'aucun cluster n'expose sa situation aux autres.

:func:`planning_atelier` reproduit par défaut le déroulé du tableau 6, heure par heure
(``deroule`` dans ``referentiel/atelier.yml``) : jour 1 de 09:00 à 17:30, jours 2 et 3 à
partir de 08:30, avec les pauses du guide et la cartographie qui commence pendant la revue du
diagnostic. Une autre heure de début décale tout le déroulé. Pour un autre nombre de jours,
plusieurs tours de restitution, une traduction ou d'autres pauses, les séances sont replacées
avec les durées qu'elles ont dans le déroulé : les horaires se suivent alors sans trou ni
chevauchement, les pauses tombent près de leur heure du déroulé (une séance longue peut être
coupée par une pause), la journée ne dépasse jamais l'heure de fin. Si le programme ne tient
pas, les séances sont raccourcies, jamais en dessous de leur durée minimale ; s'il ne tient
toujours pas, une :class:`ErreurAgenda` dit en français ce qui ne rentre pas et comment y
remédier.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import pandas as pd

from clusterlib import referentiel

__all__ = ["Agenda", "ErreurAgenda", "planning_atelier", "referentiel_atelier"]

MORCEAU_MIN = 15
"""Durée minimale (minutes) d'un morceau de séance quand une pause la coupe."""


class ErreurAgenda(ValueError):
    """Les paramètres de l'atelier sont invalides ou les séances ne tiennent pas dans les jours donnés."""


_ref = partial(referentiel.lire, "atelier.yml")
"""Le référentiel de l'atelier (contenu partagé : ne pas le modifier)."""


def referentiel_atelier() -> dict[str, Any]:
    """Le référentiel de l'atelier (déroulé, séances, rôles, pauses, textes), copie modifiable.

    Chaque séance (et le récapitulatif) y reçoit sa ``duree`` habituelle en minutes, calculée
    d'après le déroulé du guide (somme de ses séquences ; un seul récapitulatif).
    """
    import copy

    ref = copy.deepcopy(_ref())
    durees = _durees_habituelles()
    for s in [*ref["seances"], ref["recapitulatif"]]:
        s["duree"] = durees[s["code"]]
    return ref


def _durees_habituelles() -> dict[str, int]:
    """Durée (minutes) de chaque séance dans le déroulé du guide ; le récapitulatif compte une fois."""
    ref = _ref()
    recap = ref["recapitulatif"]["code"]
    durees: dict[str, int] = {}
    for jour in ref["deroule"]:
        for seq in jour["sequences"]:
            duree = _minutes(seq["fin"], "fin de séquence") - _minutes(seq["debut"], "début de séquence")
            if seq["code"] == recap:
                durees[recap] = max(durees.get(recap, 0), duree)
            else:
                durees[seq["code"]] = durees.get(seq["code"], 0) + duree
    return durees


def _debut_deroule(jour: int) -> int:
    """Heure de début (minutes) du jour ``jour`` (0, 1…) du déroulé ; au-delà, celle du dernier jour."""
    deroule = _ref()["deroule"]
    return _minutes(deroule[min(jour, len(deroule) - 1)]["sequences"][0]["debut"], "début de séquence")


def _fin_journee_deroule() -> int:
    """L'heure de fin de la plus longue journée du déroulé (minutes)."""
    return max(_minutes(s["fin"], "fin de séquence") for j in _ref()["deroule"] for s in j["sequences"])


def _cible_pause(code: str, jour: int) -> int | None:
    """L'heure (minutes) d'une pause dans le déroulé, le jour ``jour`` s'il la prévoit, sinon le
    jour le plus proche qui la prévoit (d'abord les précédents) ; ``None`` si aucun."""
    deroule = _ref()["deroule"]
    d = min(jour, len(deroule) - 1)
    ordre = [*range(d, -1, -1), *range(d + 1, len(deroule))]
    for k in ordre:
        for seq in deroule[k]["sequences"]:
            if seq["code"] == code:
                return _minutes(seq["debut"], "début de séquence") - _debut_deroule(k)
    return None


# --- Lecture des paramètres -----------------------------------------------------------------------


def _minutes(heure: Any, nom: str) -> int:
    """« 08:30 », « 8h30 », « 8h » ou ``datetime.time`` → minutes depuis minuit."""
    if isinstance(heure, dt.time):
        return heure.hour * 60 + heure.minute
    texte = str(heure).strip().lower().replace(" ", "")
    m = re.fullmatch(r"(\d{1,2})(?:[:h](\d{2})?)?", texte)
    if m and int(m[1]) < 24 and int(m[2] or 0) < 60:
        return int(m[1]) * 60 + int(m[2] or 0)
    raise ErreurAgenda(f"{nom} « {heure} » illisible ; attendu : une heure comme 08:30 ou 8h30")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _duree_texte(minutes: int) -> str:
    h, m = divmod(int(minutes), 60)
    if h and m:
        return f"{h} h {m:02d}"
    return f"{h} h" if h else f"{m} min"


def _entier(valeur: Any, nom: str, minimum: int) -> int:
    if isinstance(valeur, bool) or not isinstance(valeur, (int, float)) or valeur != int(valeur) or valeur < minimum:
        raise ErreurAgenda(f"{nom} « {valeur} » invalide ; attendu : un nombre entier au moins égal à {minimum}")
    return int(valeur)


def _date(valeur: Any) -> dt.date | None:
    if valeur is None or valeur == "":
        return None
    if isinstance(valeur, dt.datetime):
        return valeur.date()
    if isinstance(valeur, dt.date):
        return valeur
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", str(valeur).strip())
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise ErreurAgenda(f"date de début « {valeur} » illisible ; attendu : une date AAAA-MM-JJ, par exemple 2026-03-09")


# --- Les séances à placer -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Element:
    code: str
    format: str
    duree: int
    divisible: bool
    jour_nouveau: bool
    titre: str
    contenu: str
    intervenant: str
    suite: bool = False


def _moities(elements: list[_Element]) -> list[_Element]:
    """Coupe chaque séance divisible en deux moitiés, pour qu'une journée puisse finir entre les deux.

    Les deux moitiés d'une séance placées le même jour sans pause entre elles sont ensuite
    réunies en une seule ligne du planning.
    """
    resultat = []
    for e in elements:
        if e.divisible and e.duree >= 2 * MORCEAU_MIN + 10:
            premiere = 5 * round(e.duree / 10)
            resultat.append(replace(e, duree=premiere))
            resultat.append(replace(e, duree=e.duree - premiere, suite=True, jour_nouveau=False))
        else:
            resultat.append(e)
    return resultat


def _arrondi5(x: float) -> int:
    return max(5, 5 * round(x / 5))


def _elements(
    f: float, n_clusters: int, tours: int, interpretation: bool, langue: str
) -> tuple[list[_Element], _Element]:
    """Les séances (et le récapitulatif) avec leurs durées pour un taux de compression ``f``."""
    ref = _ref()
    facteur = ref["interpretation"]["facteur"] if interpretation else 1.0
    formats_interp = set(ref["interpretation"]["formats"])
    textes = ref["textes"][langue]

    habituelles = _durees_habituelles()

    def element(s: dict[str, Any]) -> _Element:
        duree = _arrondi5(s["duree_min"] + f * (habituelles[s["code"]] - s["duree_min"]))
        if s["format"] in formats_interp:
            duree = _arrondi5(duree * facteur)
        contenu = s[langue]["contenu"]
        divisible = bool(s.get("divisible", False))
        if s["format"] == "restitution" and n_clusters > 1:
            duree *= tours
            divisible = divisible or tours > 1
            contenu = f"{contenu} — {textes['restitution_groupes'].format(tours=tours)}"
        return _Element(code=s["code"], format=s["format"], duree=duree, divisible=divisible,
                        jour_nouveau=bool(s.get("jour_nouveau", False)), titre=s[langue]["titre"], contenu=contenu,
                        intervenant=s["intervenant"])

    return [element(s) for s in ref["seances"]], element(ref["recapitulatif"])


@dataclass(frozen=True)
class _Pause:
    code: str
    titre: str
    duree: int
    cible: int
    tolerance: int


@dataclass(frozen=True)
class _Journee:
    """Le cadre d'une journée quand les séances sont replacées : début, heure limite, pauses."""

    debut: int
    fin: int
    pauses: tuple[_Pause, ...]


def _simuler_jour(elements: Sequence[_Element], debut: int, fin: int, pauses: Sequence[_Pause]) -> list[dict] | None:
    """Place des séances dans une journée ; ``None`` si elles dépassent l'heure de fin.

    Une pause est placée avant la séance qui commencerait après son heure visée ; une séance
    divisible est coupée à l'heure visée ; une séance indivisible repousse la pause si elle
    finit moins loin de l'heure visée que son début (ou dans la tolérance), sinon la pause
    est avancée. Deux pauses ne se suivent jamais : la première est alors omise.
    """
    a_placer = [p for p in pauses if p.duree > 0 and p.cible > debut]
    t = debut
    lignes: list[dict] = []
    pi = 0
    for e in elements:
        reste = e.duree
        morceau = 0
        while reste > 0:
            if pi < len(a_placer) and t >= a_placer[pi].cible:
                if pi + 1 < len(a_placer) and t >= a_placer[pi + 1].cible:
                    pi += 1  # deux pauses dues en même temps : on garde la seconde
                    continue
                p = a_placer[pi]
                lignes.append({"element": None, "pause": p, "debut": t, "fin": t + p.duree, "morceau": 0})
                t += p.duree
                pi += 1
                continue
            if pi < len(a_placer) and t + reste > a_placer[pi].cible:
                p = a_placer[pi]
                avant = p.cible - t
                if e.divisible and avant >= MORCEAU_MIN and reste - avant >= MORCEAU_MIN:
                    lignes.append({"element": e, "pause": None, "debut": t, "fin": t + avant, "morceau": morceau})
                    t += avant
                    reste -= avant
                    morceau += 1
                    continue
                apres = t + reste - p.cible
                if not (apres <= p.tolerance or apres <= avant):
                    lignes.append({"element": None, "pause": p, "debut": t, "fin": t + p.duree, "morceau": 0})
                    t += p.duree
                    pi += 1
                    continue
            lignes.append({"element": e, "pause": None, "debut": t, "fin": t + reste, "morceau": morceau})
            t += reste
            reste = 0
        if t > fin:
            return None
    return lignes if t <= fin else None


def _decoupage(
    elements: list[_Element], recap: _Element, journees: Sequence[_Journee]
) -> list[list[dict]] | None:
    """Répartit les séances en ``jours`` journées qui tiennent chacune ; ``None`` si impossible.

    Parmi les découpages possibles, on préfère ceux qui commencent un jour par une séance
    marquée « jour_nouveau » (vision, plan d'actions : comme dans le tableau 6), puis ceux dont
    les journées ont des durées de travail proches.
    """
    n = len(elements)
    jours = len(journees)
    if jours > n:
        return None
    cumul = [0]
    for e in elements:
        cumul.append(cumul[-1] + e.duree)
    total = cumul[-1] + recap.duree * (jours - 1)
    moyenne = total / jours
    cache_jour: dict[tuple[int, int, bool, _Journee], list[dict] | None] = {}

    def jour(i: int, j: int, k: int) -> list[dict] | None:
        """Les séances i à j placées le jour k (récapitulatif en tête à partir du deuxième)."""
        cle = (i, j, k > 0, journees[k])
        if cle not in cache_jour:
            liste = ([recap] if k > 0 else []) + elements[i:j]
            cache_jour[cle] = _simuler_jour(liste, journees[k].debut, journees[k].fin, journees[k].pauses)
        return cache_jour[cle]

    inf = (math.inf, math.inf)
    # meilleur[k][j] : coût du meilleur placement des j premières séances en k journées
    meilleur = [[inf] * (n + 1) for _ in range(jours + 1)]
    choix = [[-1] * (n + 1) for _ in range(jours + 1)]
    meilleur[0][0] = (0, 0.0)
    for k in range(1, jours + 1):
        avec_recap = k > 1
        capacite = journees[k - 1].fin - journees[k - 1].debut
        for i in range(k - 1, n):
            if meilleur[k - 1][i] == inf:
                continue
            # Couper une séance entre deux jours coûte plus que finir la journée entre deux séances.
            penalite = 0 if (k == 1 or elements[i].jour_nouveau) else (2 if elements[i].suite else 1)
            for j in range(i + 1, n + 1):
                travail = cumul[j] - cumul[i] + (recap.duree if avec_recap else 0)
                if travail > capacite:
                    break
                if k == jours and j != n:
                    continue
                if jour(i, j, k - 1) is None:
                    break
                base = meilleur[k - 1][i]
                cout = (base[0] + penalite, base[1] + (travail - moyenne) ** 2)
                if cout < meilleur[k][j]:
                    meilleur[k][j] = cout
                    choix[k][j] = i
    if meilleur[jours][n] == inf:
        return None
    bornes = [n]
    for k in range(jours, 0, -1):
        bornes.append(choix[k][bornes[-1]])
    bornes.reverse()
    return [jour(bornes[k], bornes[k + 1], k) for k in range(jours)]  # type: ignore[misc]


def _ce_qui_manque(elements: list[_Element], recap: _Element, journees: Sequence[_Journee]) -> list[_Element]:
    """Remplissage glouton (chaque jour le plus possible) : les séances qui restent sans place."""
    i = 0
    for k, jr in enumerate(journees):
        debut_liste = [recap] if k > 0 else []
        j = i
        while (j < len(elements)
               and _simuler_jour([*debut_liste, *elements[i:j + 1]], jr.debut, jr.fin, jr.pauses) is not None):
            j += 1
        i = j
    return elements[i:]


# --- Le résultat --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Agenda:
    """Le planning d'un atelier : une ligne par séance ou pause, et les groupes de travail.

    ``seances`` : colonnes ``jour`` (1, 2…), ``date`` (texte, vide sans date de début),
    ``debut`` et ``fin`` (« HH:MM »), ``duree`` (minutes), ``code``, ``seance`` (titre),
    ``contenu``, ``format`` (code : pleniere, groupes, restitution, pause), ``format_libelle``,
    ``intervenants`` (libellé), ``role`` (code du rôle qui anime, liste ``roles`` du
    référentiel), ``chevauche`` (code de la séance que celle-ci chevauche, vide sinon : une
    ligne ne commence avant la fin de la précédente que dans ce cas). ``compression`` vaut 1
    aux durées habituelles, 0 aux durées minimales. ``parametres["deroule_guide"]`` dit si
    les heures sont celles du tableau 6 (éventuellement décalées) ou si les séances ont été
    replacées.
    """

    seances: pd.DataFrame
    groupes: pd.DataFrame
    jours: int
    langue: str
    facilitateurs: int
    compression: float
    interpretation: bool
    dates: tuple[str, ...] = ()
    parametres: dict[str, Any] = field(default_factory=dict)

    @property
    def textes(self) -> dict[str, Any]:
        """Les textes du référentiel dans la langue de l'agenda."""
        return _ref()["textes"][self.langue]

    def entete(self) -> str:
        """Une ligne qui résume l'atelier (jours, clusters, facilitateurs)."""
        t = self.textes
        n = len(self.groupes)
        clusters = t["cluster_un"] if n == 1 else t["clusters_plusieurs"].format(n=n)
        return t["entete"].format(jours=self.jours, clusters=clusters, facilitateurs=self.facilitateurs)

    def remarques(self) -> list[str]:
        """Les remarques à imprimer sous l'en-tête (durées raccourcies, traduction)."""
        t = self.textes
        lignes = []
        if not self.parametres.get("deroule_guide", False):
            lignes.append(t["replace"].format(jours=len(_ref()["deroule"])))
        if self.compression < 1:
            lignes.append(t["compression"].format(jours=self.jours, pourcent=round(100 * self._part_temps())))
        if self.interpretation:
            lignes.append(t["interpretation"])
        return lignes

    def _part_temps(self) -> float:
        s = self.seances[self.seances["format"] != "pause"]
        habituel = self.parametres.get("travail_habituel") or 1
        return float(s["duree"].sum()) / habituel

    def tableau(self) -> pd.DataFrame:
        """Le planning prêt à lire : colonnes libellées dans la langue de l'agenda."""
        c = self.textes["colonnes"]
        s = self.seances
        return pd.DataFrame({
            c["jour"]: s["jour"].astype("int64"),
            c["date"]: s["date"],
            c["horaire"]: s["debut"] + " – " + s["fin"],
            c["seance"]: s["seance"],
            c["contenu"]: s["contenu"],
            c["format"]: s["format_libelle"],
            c["intervenants"]: s["intervenants"],
        })

    def roles(self) -> pd.DataFrame:
        """Qui fait quoi pendant l'atelier : colonnes ``code``, ``role`` (libellé), ``mission``."""
        t = self.textes
        codes = [r["code"] for r in _ref()["roles"]]
        libelles = [t["intervenants"]["groupes_pluriel" if c == "groupes" and len(self.groupes) > 1 else c]
                    for c in codes]
        return pd.DataFrame({"code": codes, "role": libelles, "mission": [t["missions"][c] for c in codes]})

    def travail_par_jour(self) -> pd.Series:
        """Minutes de travail (pauses exclues) de chaque jour."""
        s = self.seances[self.seances["format"] != "pause"]
        return s.groupby("jour")["duree"].sum().astype("int64")


def _noms_clusters(clusters: int | Sequence[str]) -> list[str]:
    if isinstance(clusters, str):
        clusters = [clusters]
    if isinstance(clusters, (int, float)) and not isinstance(clusters, bool):
        n = _entier(clusters, "nombre de clusters", 1)
        return [f"Cluster {i}" for i in range(1, n + 1)] if n > 1 else ["Cluster"]
    if isinstance(clusters, Sequence) and not isinstance(clusters, bool):
        noms = [str(c).strip() for c in clusters]
        if not noms or any(not c for c in noms):
            raise ErreurAgenda("liste des clusters vide ou avec un nom vide ; attendu : au moins un nom de cluster")
        if len(set(noms)) != len(noms):
            raise ErreurAgenda("deux clusters portent le même nom ; attendu : des noms distincts")
        return noms
    raise ErreurAgenda(f"clusters « {clusters} » invalide ; attendu : un nombre de clusters ou la liste de leurs noms")


def _dates(debut: dt.date | None, jours: int, sauter_dimanche: bool, textes: dict[str, Any]) -> list[str]:
    if debut is None:
        return [""] * jours
    dates = []
    d = debut
    while len(dates) < jours:
        if not (sauter_dimanche and d.weekday() == 6):
            dates.append(textes["format_date"].format(jour_semaine=textes["jours_semaine"][d.weekday()], jour=d.day,
                                                      mois=textes["mois"][d.month - 1], annee=d.year))
        d += dt.timedelta(days=1)
    return dates


def _heures_debut(heure_debut: Any, jours: int) -> list[int]:
    """Heure de début de chaque jour (minutes) : celles du déroulé, décalées toutes ensemble par une
    heure unique (celle du premier jour), ou une heure par jour."""
    if heure_debut is None:
        return [_debut_deroule(k) for k in range(jours)]
    if isinstance(heure_debut, (list, tuple)):
        if len(heure_debut) != jours:
            raise ErreurAgenda(f"{len(heure_debut)} heure(s) de début pour {jours} jour(s) ; attendu : "
                               "une seule heure (celle du premier jour, tout le déroulé se décale) ou une par jour")
        return [_minutes(h, "heure de début") for h in heure_debut]
    decalage = _minutes(heure_debut, "heure de début") - _debut_deroule(0)
    return [_debut_deroule(k) + decalage for k in range(jours)]


def planning_atelier(
    clusters: int | Sequence[str] = 1,
    jours: int | None = None,
    date_debut: dt.date | str | None = None,
    heure_debut: str | dt.time | Sequence[str | dt.time] | None = None,
    heure_fin: str | dt.time | None = None,
    pause_cafe: int | None = None,
    pause_dejeuner: int | None = None,
    langue: str | None = None,
    facilitateurs: int | None = None,
    interpretation: bool = False,
    sauter_dimanche: bool | None = None,
) -> Agenda:
    """Le planning de l'atelier d'élaboration du plan d'actions, séance par séance.

    Sans autre précision, le planning est celui du tableau 6 du guide, heure par heure.

    - ``clusters`` : nombre de clusters ou liste de leurs noms ; un groupe de travail par cluster ;
    - ``jours`` (3 par défaut), ``date_debut`` (« AAAA-MM-JJ », facultative ; le dimanche est
      sauté sauf ``sauter_dimanche=False``) ;
    - ``heure_debut`` : heure de début du premier jour (09:00 dans le guide) ; tout le déroulé
      se décale d'autant (les jours suivants gardent leur demi-heure d'avance). Une liste donne
      l'heure de début de chaque jour ;
    - ``heure_fin`` : heure limite de chaque journée (par défaut 17:30, décalée avec le début) ;
    - durée des pauses café et déjeuner en minutes (0 pour aucune) : sans elles, les pauses du
      guide ; avec elles, les séances sont replacées autour de pauses de cette durée ;
    - ``langue`` des libellés : ``"fr"`` (défaut) ou ``"en"`` ;
    - ``facilitateurs`` : taille de l'équipe de facilitation (une personne par groupe par
      défaut) ; avec moins de facilitateurs que de groupes, les restitutions se font en
      plusieurs tours ;
    - ``interpretation`` : traduction consécutive en plénière et aux restitutions (durées
      allongées d'un quart).

    Le déroulé du guide est gardé tel quel (décalé s'il le faut) quand l'atelier dure ses
    3 jours, sans traduction, avec ses pauses, un tour de restitution et des journées qui le
    contiennent ; sinon, les séances sont replacées à partir de leurs durées du déroulé.

    Lève :class:`ErreurAgenda` si un paramètre est invalide ou si les séances ne tiennent pas,
    même raccourcies, avec un message qui dit ce qui ne rentre pas.
    """
    ref = _ref()
    d = ref["defauts"]
    jours = _entier(d["jours"] if jours is None else jours, "nombre de jours", 1)
    langue = d["langue"] if langue is None else langue
    if langue not in ref["textes"]:
        raise ErreurAgenda(f"langue « {langue} » non prévue ; langues disponibles : {', '.join(ref['textes'])}")
    textes = ref["textes"][langue]
    debuts = _heures_debut(heure_debut, jours)
    decalages = [debuts[k] - _debut_deroule(k) for k in range(jours)]
    if heure_fin is None:
        fins = [_fin_journee_deroule() + dk for dk in decalages]
    else:
        fins = [_minutes(heure_fin, "heure de fin")] * jours
    for debut, fin in zip(debuts, fins, strict=True):
        if fin <= debut:
            raise ErreurAgenda(f"heure de fin {_hhmm(fin)} avant l'heure de début {_hhmm(debut)} ; "
                               "attendu : une journée qui finit après avoir commencé")
        if fin > 24 * 60:
            raise ErreurAgenda(f"une journée qui commence à {_hhmm(debut)} finirait après minuit ; "
                               "attendu : une heure de début plus matinale ou une heure de fin")
    durees_pauses = {
        "pause_cafe": _entier(d["pause_cafe"] if pause_cafe is None else pause_cafe, "durée de la pause café", 0),
        "pause_dejeuner": _entier(d["pause_dejeuner"] if pause_dejeuner is None else pause_dejeuner,
                                  "durée de la pause déjeuner", 0),
    }
    sauter = d["sauter_dimanche"] if sauter_dimanche is None else bool(sauter_dimanche)
    premiere_date = _date(date_debut)
    noms = _noms_clusters(clusters)
    n = len(noms)
    equipe = n if facilitateurs is None else _entier(facilitateurs, "nombre de facilitateurs", 1)
    tours = math.ceil(n / equipe) if n > 1 else 1
    dates = _dates(premiere_date, jours, sauter, textes)

    deroule = ref["deroule"]
    guide = (jours == len(deroule) and not interpretation and tours == 1 and pause_cafe is None
             and pause_dejeuner is None
             and all(_minutes(jour["sequences"][-1]["fin"], "fin de séquence") + decalages[k] <= fins[k]
                     for k, jour in enumerate(deroule)))
    if guide:
        lignes = _lignes_deroule(decalages, n, langue, dates)
        f_retenu = 1.0
        durees_pauses = {cle: None for cle in durees_pauses}  # les pauses du guide, de durées différentes
    else:
        lignes, f_retenu = _lignes_replacees(debuts, fins, durees_pauses, n, tours, interpretation, langue, dates,
                                             equipe)
    seances = pd.DataFrame(lignes)
    seances["jour"] = seances["jour"].astype("int64")
    seances["duree"] = seances["duree"].astype("int64")
    for c in ("date", "debut", "fin", "code", "seance", "contenu", "format", "format_libelle", "intervenants",
              "role", "chevauche"):
        seances[c] = seances[c].astype("str")
    groupes = pd.DataFrame({
        "groupe": [textes["groupe"].format(n=i + 1) for i in range(n)],
        "cluster": noms,
        "facilitateur": [textes["facilitateur"].format(n=(i % equipe) + 1) for i in range(n)],
    })
    elements_habituels, recap_habituel = _elements(1.0, n, tours, interpretation, langue)
    habituel = sum(e.duree for e in elements_habituels) + recap_habituel.duree * (jours - 1)
    parametres = {
        "clusters": noms, "jours": jours, "date_debut": premiere_date.isoformat() if premiere_date else None,
        "heure_debut": _hhmm(debuts[0]), "heures_debut": [_hhmm(h) for h in debuts],
        "heure_fin": _hhmm(max(fins)), **durees_pauses, "langue": langue,
        "facilitateurs": equipe, "tours_restitution": tours, "interpretation": interpretation,
        "sauter_dimanche": sauter, "travail_habituel": habituel, "deroule_guide": guide,
    }
    return Agenda(seances=seances, groupes=groupes, jours=jours, langue=langue, facilitateurs=equipe,
                  compression=f_retenu, interpretation=interpretation, dates=tuple(dates), parametres=parametres)


def _ligne_pause(jour: int, date: str, debut: int, fin: int, code: str, titre: str,
                 textes: dict[str, Any]) -> dict[str, Any]:
    return {"jour": jour, "date": date, "debut": _hhmm(debut), "fin": _hhmm(fin), "duree": fin - debut,
            "code": code, "seance": titre, "contenu": "", "format": "pause",
            "format_libelle": textes["formats"]["pause"], "intervenants": textes["intervenants"]["pause"],
            "role": "organisateur", "chevauche": ""}


def _ligne_seance(jour: int, date: str, debut: int, fin: int, e: _Element, suite: bool, n: int,
                  textes: dict[str, Any], chevauche: str = "", contenu: str | None = None) -> dict[str, Any]:
    intervenant = "groupes_pluriel" if e.intervenant == "groupes" and n > 1 else e.intervenant
    return {"jour": jour, "date": date, "debut": _hhmm(debut), "fin": _hhmm(fin), "duree": fin - debut,
            "code": e.code, "seance": e.titre + (f" ({textes['suite']})" if suite else ""),
            "contenu": e.contenu if contenu is None else contenu, "format": e.format,
            "format_libelle": textes["formats"][e.format], "intervenants": textes["intervenants"][intervenant],
            "role": e.intervenant, "chevauche": chevauche}


def _lignes_deroule(decalages: list[int], n: int, langue: str, dates: list[str]) -> list[dict[str, Any]]:
    """Les lignes du planning selon le déroulé du guide, chaque jour décalé de ``decalages[k]`` minutes."""
    ref = _ref()
    textes = ref["textes"][langue]
    elements, recap = _elements(1.0, n, 1, False, langue)
    par_code = {e.code: e for e in [*elements, recap]}
    pauses = {p["code"]: p[langue] for p in ref["pauses"]}
    deja_vues: set[str] = set()
    lignes = []
    for k, jour in enumerate(ref["deroule"]):
        for seq in jour["sequences"]:
            debut = _minutes(seq["debut"], "début de séquence") + decalages[k]
            fin = _minutes(seq["fin"], "fin de séquence") + decalages[k]
            code = seq["code"]
            if code in pauses:
                lignes.append(_ligne_pause(k + 1, dates[k], debut, fin, code, pauses[code], textes))
                continue
            e = par_code[code]
            chevauche = seq.get("chevauche", "")
            contenu = e.contenu
            if chevauche:
                contenu += " — " + textes["chevauchement"].format(seance=par_code[chevauche].titre)
            suite = code in deja_vues and code != recap.code
            deja_vues.add(code)
            lignes.append(_ligne_seance(k + 1, dates[k], debut, fin, e, suite, n, textes, chevauche, contenu))
    return lignes


def _lignes_replacees(
    debuts: list[int], fins: list[int], durees_pauses: dict[str, int], n: int, tours: int, interpretation: bool,
    langue: str, dates: list[str], equipe: int,
) -> tuple[list[dict[str, Any]], float]:
    """Les lignes du planning quand les séances sont replacées, et le taux de compression retenu."""
    ref = _ref()
    textes = ref["textes"][langue]
    journees = []
    for k, (debut, fin) in enumerate(zip(debuts, fins, strict=True)):
        pauses = []
        for p in ref["pauses"]:
            cible = _cible_pause(p["code"], k)
            if cible is not None:
                pauses.append(_Pause(code=p["code"], titre=p[langue], duree=durees_pauses[p["duree_parametre"]],
                                     cible=debut + cible, tolerance=int(p["tolerance"])))
        journees.append(_Journee(debut=debut, fin=fin, pauses=tuple(sorted(pauses, key=lambda p: p.cible))))

    def essai(f: float) -> tuple[list[list[dict]] | None, list[_Element], _Element]:
        elements, recap = _elements(f, n, tours, interpretation, langue)
        elements = _moities(elements)
        return _decoupage(elements, recap, journees), elements, recap

    # Le taux de compression le plus haut (durées les plus proches de l'habituel) qui tient.
    taux = [i / 20 for i in range(20, -1, -1)]
    plan = essai(taux[0])[0]
    f_retenu = taux[0]
    if plan is None:
        plan_min, elements_min, recap_min = essai(0.0)
        if plan_min is None:
            raise ErreurAgenda(_message_trop_long(elements_min, recap_min, journees, n, equipe))
        bas, haut = len(taux) - 1, 0  # taux[bas] tient, taux[haut] ne tient pas
        meilleur = (plan_min, elements_min, recap_min)
        while bas - haut > 1:
            milieu = (bas + haut) // 2
            essai_milieu = essai(taux[milieu])
            if essai_milieu[0] is not None:
                bas, meilleur = milieu, essai_milieu
            else:
                haut = milieu
        plan = meilleur[0]
        f_retenu = taux[bas]

    lignes: list[dict[str, Any]] = []
    for k, journee in enumerate(plan):
        for morceau in journee:
            e, p = morceau["element"], morceau["pause"]
            precedente = lignes[-1] if lignes else None
            if (e is not None and precedente is not None and precedente["jour"] == k + 1
                    and precedente["code"] == e.code and precedente["fin"] == _hhmm(morceau["debut"])):
                # seconde moitié d'une séance, à la suite de la première : une seule ligne
                precedente["fin"] = _hhmm(morceau["fin"])
                precedente["duree"] += morceau["fin"] - morceau["debut"]
                continue
            if p is not None:
                lignes.append(_ligne_pause(k + 1, dates[k], morceau["debut"], morceau["fin"], p.code, p.titre,
                                           textes))
                continue
            lignes.append(_ligne_seance(k + 1, dates[k], morceau["debut"], morceau["fin"], e,
                                        morceau["morceau"] > 0 or e.suite, n, textes))
    return lignes, f_retenu


def _message_trop_long(
    elements: list[_Element], recap: _Element, journees: Sequence[_Journee], n: int, equipe: int,
) -> str:
    """Le message d'erreur quand les séances ne tiennent pas, même aux durées minimales."""
    jours = len(journees)
    pauses_jours = [sum(p.duree for p in jr.pauses if jr.debut < p.cible < jr.fin) for jr in journees]
    utiles = [max(0, jr.fin - jr.debut - pj) for jr, pj in zip(journees, pauses_jours, strict=True)]
    besoin = sum(e.duree for e in elements) + recap.duree * (jours - 1)
    premier = journees[0]
    horaires = f"de {_hhmm(premier.debut)} à {_hhmm(premier.fin)}"
    if any((jr.debut, jr.fin) != (premier.debut, premier.fin) for jr in journees):
        horaires += " le premier jour"
    pauses_texte = (f"{_duree_texte(pauses_jours[0])} de pauses par jour" if len(set(pauses_jours)) == 1
                    else f"de {_duree_texte(min(pauses_jours))} à {_duree_texte(max(pauses_jours))} de pauses par jour")
    entete = (f"le programme de l'atelier ne tient pas en {jours} jour(s) {horaires} : "
              f"même raccourcies au minimum, les séances demandent {_duree_texte(besoin)} de travail, alors que "
              f"{jours} journée(s) n'en offrent que {_duree_texte(sum(utiles))} une fois les pauses ôtées "
              f"({pauses_texte})")
    trop_longues = [e for e in elements if not e.divisible and e.duree > max(utiles)]
    if trop_longues:
        detail = "; à elle seule, " + ", ".join(f"la séance « {e.titre} » ({_duree_texte(e.duree)})"
                                                 for e in trop_longues) + " dépasse la journée de travail"
    else:
        manque = _ce_qui_manque(elements, recap, journees)
        titres = ", ".join(f"« {e.titre} »" for e in manque)
        detail = f" ; restent sans place : {titres}" if manque else ""
    conseils = ["ajoutez un jour", "commencez plus tôt ou finissez plus tard", "raccourcissez les pauses"]
    if n > 1 and equipe < n:
        conseils.append(f"prévoyez {n} facilitateurs (un par groupe) pour faire chaque restitution en un seul tour")
    return f"{entete}{detail}. Pour que tout tienne : {', '.join(conseils[:-1])} ou {conseils[-1]}."
