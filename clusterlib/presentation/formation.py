"""Tableaux du cours de formation des coachs, tirés du référentiel ``cours.yml``.

La vue d'ensemble du parcours, le déroulé heure par heure d'un module, sa liste de matériel et
ses tableaux à remplir viennent tous d'ici, donc d'un seul fichier : la page d'ensemble, les
pages de module et les supports imprimables ne peuvent pas se contredire.

- :func:`vue_ensemble` : une ligne par module (durée, temps de travail, pages) ;
- :func:`deroule` : les créneaux d'un module, pauses comprises ;
- :func:`materiel` : le matériel d'un module et les créneaux où il sert ;
- :func:`tableaux_a_remplir` : les tableaux vierges des supports, numérotés « Tableau F.n » ;
- :func:`ecarts_cours` : les incohérences du référentiel (horaires qui se chevauchent, journées
  qui s'écartent de la journée type…) ;
- :func:`valeurs_formation` : les heures de la journée type et la taille du groupe, que la page
  d'ensemble cite par des substitutions MyST ;
- :func:`support_html` : le support imprimable d'un module (plan de séance, consignes, tableaux).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.presentation.echappement import echapper_html

__all__ = [
    "deroule",
    "duree_libelle",
    "ecarts_cours",
    "horaire",
    "materiel",
    "module",
    "numeros_modules",
    "support_html",
    "tableaux_a_remplir",
    "valeurs_formation",
    "vue_ensemble",
]


def _minutes(heure: str) -> int:
    h, m = heure.split(":")
    return int(h) * 60 + int(m)


def horaire(heure: str) -> str:
    """Une heure du référentiel (« 08:30 ») écrite à la française : « 08 h 30 »."""
    h, m = heure.split(":")
    return f"{h}\u00a0h\u00a0{m}"


def duree_libelle(jours: float) -> str:
    """La durée d'un module en mots : « ½ journée », « 1 journée », « 1 journée et demie », « 2 journées »."""
    entiers, reste = int(jours), jours - int(jours)
    if entiers == 0:
        return "½ journée"
    texte = f"{entiers} journée" if entiers == 1 else f"{entiers} journées"
    return texte + (" et demie" if reste else "")


def journee_type() -> dict[str, Any]:
    """La journée type de la formation (``cours.journee_type`` du référentiel) : ``debut``, ``fin``,
    ``fin_demi_journee`` et ``pauses`` (``debut``, ``fin``, ``activite``, ``libelle``)."""
    return referentiel.cours()["cours"]["journee_type"]


def valeurs_formation() -> dict[str, str]:
    """Les valeurs que la page d'ensemble de la formation cite, écrites à la française.

    Clés : ``formation_journee_debut``, ``formation_journee_fin``, ``formation_demi_journee_fin``
    (« 08 h 30 »…), ``formation_journee_pauses`` (« une pause de 10 h 30 à 10 h 45, le déjeuner
    de… et une pause de… »), ``formation_participants_min`` et ``formation_participants_max``.
    """
    j = journee_type()
    pauses = [f"{p['libelle']} de {horaire(p['debut'])} à {horaire(p['fin'])}" for p in j["pauses"]]
    taille = referentiel.cours()["cours"]["taille_groupe"]
    return {
        "formation_journee_debut": horaire(j["debut"]),
        "formation_journee_fin": horaire(j["fin"]),
        "formation_demi_journee_fin": horaire(j["fin_demi_journee"]),
        "formation_journee_pauses": (", ".join(pauses[:-1]) + " et " + pauses[-1]) if len(pauses) > 1
        else "".join(pauses) or "aucune pause",
        "formation_participants_min": str(taille["min"]),
        "formation_participants_max": str(taille["max"]),
    }


def numeros_modules() -> list[int]:
    """Les numéros des modules, dans l'ordre du parcours."""
    return [m["numero"] for m in referentiel.cours()["modules"]]


def module(numero: int) -> dict[str, Any]:
    """Le module ``numero`` tel que dans le référentiel (copie) ; ``KeyError`` en français s'il n'existe pas."""
    for m in referentiel.cours()["modules"]:
        if m["numero"] == numero:
            return m
    raise KeyError(f"module {numero} inconnu ; modules du cours : {', '.join(map(str, numeros_modules()))}")


def deroule(numero: int) -> pd.DataFrame:
    """Le déroulé heure par heure du module ``numero``, une ligne par créneau.

    Colonnes : ``jour`` (1, 2… dans le module), ``debut`` et ``fin`` (« 08:30 »), ``horaire``
    (« 08 h 30 – 09 h 00 »), ``duree_minutes``, ``activite``, ``methode``, ``materiel`` (liste),
    ``anime`` (qui anime), ``exercices`` (étiquettes des exercices du livre, liste) et ``pause``
    (vrai pour une pause ou un repas).
    """
    lignes = []
    for c in module(numero)["deroule"]:
        lignes.append({
            "jour": c["jour"], "debut": c["debut"], "fin": c["fin"],
            "horaire": f"{horaire(c['debut'])} – {horaire(c['fin'])}",
            "duree_minutes": _minutes(c["fin"]) - _minutes(c["debut"]),
            "activite": c["activite"], "methode": c["methode"], "materiel": list(c["materiel"]),
            "anime": c["anime"], "exercices": list(c.get("exercices", [])), "pause": c["methode"] == "pause",
        })
    return pd.DataFrame(lignes, columns=["jour", "debut", "fin", "horaire", "duree_minutes", "activite", "methode",
                                         "materiel", "anime", "exercices", "pause"])


def vue_ensemble() -> pd.DataFrame:
    """Le parcours de formation, une ligne par module.

    Colonnes : ``module`` (numéro), ``titre``, ``duree_jours`` (0,5, 1…), ``duree`` (en mots),
    ``heures_travail`` (temps des créneaux hors pauses, en heures), ``jours`` (nombre de jours
    du déroulé), ``exercices`` (étiquettes, dans l'ordre du déroulé), ``pages`` et ``outils``
    (noms de documents du livre).
    """
    lignes = []
    for numero in numeros_modules():
        m, d = module(numero), deroule(numero)
        exercices = [e for liste in d["exercices"] for e in liste]
        lignes.append({
            "module": numero, "titre": m["titre"], "duree_jours": float(m["duree_jours"]),
            "duree": duree_libelle(m["duree_jours"]),
            "heures_travail": float(d.loc[~d["pause"], "duree_minutes"].sum()) / 60,
            "jours": int(d["jour"].nunique()), "exercices": exercices,
            "pages": list(m["pages"]), "outils": list(m["outils"]),
        })
    return pd.DataFrame(lignes)


def materiel(numero: int) -> pd.DataFrame:
    """Le matériel du module ``numero``, chaque élément une fois, dans l'ordre de première utilisation.

    Colonnes : ``materiel``, ``creneaux`` (où il sert : « jour 1, 09 h 00 ; … »),
    ``nombre_creneaux`` et ``document`` (nom du document du livre qui le fournit à imprimer,
    ou texte vide).
    """
    documents = referentiel.cours()["documents_materiel"]
    d = deroule(numero)
    plusieurs_jours = d["jour"].nunique() > 1
    vus: dict[str, list[str]] = {}
    for _, c in d.iterrows():
        moment = f"jour {c['jour']}, {horaire(c['debut'])}" if plusieurs_jours else horaire(c["debut"])
        for objet in c["materiel"]:
            vus.setdefault(objet, []).append(moment)
    return pd.DataFrame(
        [{"materiel": objet, "creneaux": " ; ".join(moments), "nombre_creneaux": len(moments),
          "document": documents.get(objet, "")} for objet, moments in vus.items()],
        columns=["materiel", "creneaux", "nombre_creneaux", "document"])


def tableaux_a_remplir(numero: int | None = None) -> list[dict[str, Any]]:
    """Les tableaux vierges des supports, numérotés « Tableau F.n » dans l'ordre du cours.

    Chaque tableau : ``numero`` (« F.3 »), ``module``, ``titre``, ``colonnes`` et ``lignes`` (la
    première colonne de chaque ligne, texte vide pour une ligne à remplir entièrement).
    Avec ``numero``, seulement ceux du module.
    """
    tableaux, n = [], 0
    for m in referentiel.cours()["modules"]:
        for t in m["support"]["tableaux"]:
            n += 1
            lignes = list(t.get("premiere_colonne") or [""] * t["lignes"])
            tableaux.append({"numero": f"F.{n}", "module": m["numero"], "titre": t["titre"],
                             "colonnes": list(t["colonnes"]), "lignes": lignes})
    return [t for t in tableaux if numero is None or t["module"] == numero]


def ecarts_cours() -> list[str]:
    """Les incohérences du référentiel du cours, en phrases françaises (liste vide : tout va bien).

    Contrôle, pour chaque module : numéros uniques et croissants ; créneaux d'un jour qui se
    suivent sans trou ni chevauchement et finissent après leur début ; nombre de jours du
    déroulé égal à la durée annoncée arrondie au-dessus ; chaque jour conforme à la journée type
    (même heure de début, mêmes pauses, même heure de fin ; un module d'une demi-journée, ou
    son dernier jour pour une durée en demi-journée, s'arrête au plus tard à la fin de la
    demi-journée type) ; chaque « Tableau F.n » cité dans un déroulé qui existe dans le support
    du même module.
    """
    ecarts: list[str] = []
    type_ = journee_type()
    numeros = numeros_modules()
    if numeros != sorted(set(numeros)):
        ecarts.append(f"numéros de modules en double ou dans le désordre : {numeros}")
    tableaux = tableaux_a_remplir()
    for numero in numeros:
        m, d = module(numero), deroule(numero)
        nom = f"module {numero}"
        for _, c in d.iterrows():
            if c["duree_minutes"] <= 0:
                ecarts.append(f"{nom}, jour {c['jour']} : le créneau de {c['debut']} finit à {c['fin']}")
        for jour, creneaux in d.groupby("jour"):
            for avant, apres in zip(creneaux.itertuples(), creneaux.iloc[1:].itertuples(), strict=False):
                if avant.fin != apres.debut:
                    ecarts.append(f"{nom}, jour {jour} : le créneau de {avant.debut} finit à {avant.fin} "
                                  f"mais le suivant commence à {apres.debut}")
        jours_attendus = math.ceil(m["duree_jours"])
        if d["jour"].nunique() != jours_attendus or sorted(d["jour"].unique()) != list(range(1, jours_attendus + 1)):
            ecarts.append(f"{nom} : {duree_libelle(m['duree_jours'])} annoncée, mais le déroulé compte les jours "
                          f"{sorted(int(j) for j in d['jour'].unique())}")
        else:
            ecarts += _ecarts_journee_type(nom, m, d, type_)
        propres = {t["numero"] for t in tableaux if t["module"] == numero}
        for objet in (o for liste in d["materiel"] for o in liste):
            if "(tableau F." in objet:
                cite = objet.split("(tableau ")[1].rstrip(")")
                if cite not in propres:
                    ecarts.append(f"{nom} : le matériel « {objet} » cite le tableau {cite}, absent du support "
                                  f"du module (tableaux du module : {', '.join(sorted(propres)) or 'aucun'})")
    return ecarts


def _ecarts_journee_type(nom: str, m: dict[str, Any], d: pd.DataFrame, type_: dict[str, Any]) -> list[str]:
    """Les jours du module ``m`` qui s'écartent de la journée type (début, pauses, fin)."""
    ecarts = []
    dernier = math.ceil(m["duree_jours"])
    for jour, creneaux in d.groupby("jour"):
        demi = m["duree_jours"] != int(m["duree_jours"]) and jour == dernier
        debut, fin = creneaux["debut"].iloc[0], creneaux["fin"].iloc[-1]
        if debut != type_["debut"]:
            ecarts.append(f"{nom}, jour {jour} : commence à {debut}, la journée type à {type_['debut']}")
        if demi and _minutes(fin) > _minutes(type_["fin_demi_journee"]):
            ecarts.append(f"{nom} : la dernière demi-journée finit à {fin}, après {type_['fin_demi_journee']}")
        elif not demi and fin != type_["fin"]:
            ecarts.append(f"{nom}, jour {jour} : finit à {fin}, la journée type à {type_['fin']}")
        vues = [(c.debut, c.fin, c.activite) for c in creneaux.itertuples() if c.pause]
        attendues = [(p["debut"], p["fin"], p["activite"]) for p in type_["pauses"]
                     if _minutes(p["fin"]) <= _minutes(fin)]
        if vues != attendues:
            texte = lambda ps: " ; ".join(f"{a} {b}–{c}" for b, c, a in ps) or "aucune"  # noqa: E731
            ecarts.append(f"{nom}, jour {jour} : pauses {texte(vues)}, la journée type prévoit {texte(attendues)}")
    return ecarts


# --- Support imprimable d'un module -------------------------------------------------------------

_CSS_SUPPORT = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:10.5pt;line-height:1.4;max-width:48em;margin:1em auto;
  padding:0 .8em;color:#111}
h1{font-size:1.45em;margin:.2em 0 .4em}
h2{font-size:1.15em;border-bottom:2px solid #1a4d7a;padding-bottom:.15em;margin-top:1.4em}
h3{font-size:1.02em;margin:1em 0 .3em}
.entete{color:#444;font-size:.92em}
.creneau{border-left:4px solid #1a4d7a;padding:.15em .6em;margin:.45em 0;break-inside:avoid}
.creneau.pause{border-left-color:#bbb;color:#555}
.creneau p{margin:.1em 0}
.creneau .quand{font-weight:700}
table.a-remplir{border-collapse:collapse;width:100%;table-layout:fixed;margin:.4em 0 1em;display:table}
table.a-remplir th,table.a-remplir td{border:1px solid #333;padding:.25em .35em;text-align:left;
  vertical-align:top;overflow-wrap:anywhere}
table.a-remplir th{background:#e8eef4;font-size:.9em}
table.a-remplir td{height:2.3em}
.carte{border:1.5px dashed #333;padding:.4em .7em;margin:.6em 0;break-inside:avoid}
.exercice{border:1px solid #999;border-radius:.3em;padding:.3em .8em;margin:.7em 0;break-inside:avoid}
.exercice .source{color:#555;font-size:.88em}
.saut{break-before:page}
@page{size:A4;margin:14mm 13mm 15mm 13mm}
@media print{body{margin:0;max-width:none;padding:0}a{color:inherit;text-decoration:none}
  h2,h3{break-after:avoid}tr{break-inside:avoid}thead{display:table-header-group}}
"""


def _liste(elements: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{echapper_html(e)}</li>" for e in elements) + "</ul>"


def support_html(numero: int, exercices: Mapping[str, tuple[str, str]] | None = None,
                 titres_documents: Mapping[str, str] | None = None) -> str:
    """Le support imprimable du module ``numero`` : une page HTML autonome, prête pour Chromium.

    Contenu : objectifs, durée, plan de séance (un bloc par créneau, lisible sur téléphone et à
    l'impression), matériel, évaluation, consignes des mises en situation, cartes de rôle,
    énoncés des exercices du livre et tableaux à remplir (« Tableau F.n »), chacun sur sa page.

    ``exercices`` associe à l'étiquette d'un exercice son titre et son énoncé déjà en HTML (tiré
    des pages construites du livre) ; un exercice absent est seulement nommé par son étiquette.
    ``titres_documents`` donne le titre des documents du livre cités dans les pages à étudier.
    """
    exercices = exercices or {}
    titres_documents = titres_documents or {}
    m, d, cours = module(numero), deroule(numero), referentiel.cours()["cours"]
    e = echapper_html
    morceaux = [
        "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\">",
        f"<title>Module {numero} — {e(m['titre'])} : support</title><style>{_CSS_SUPPORT}</style></head><body>",
        f"<p class=\"entete\">{e(cours['titre'])} · support imprimable</p>",
        f"<h1>Module {numero} — {e(m['titre'])}</h1>",
        f"<p><strong>Durée :</strong> {e(duree_libelle(m['duree_jours']))}. "
        f"<strong>Groupe :</strong> {cours['taille_groupe']['min']} à {cours['taille_groupe']['max']} "
        "participants.</p>",
        "<h2>À la fin du module, vous saurez</h2>", _liste(m["objectifs"]),
        "<h2>Plan de séance</h2>",
    ]
    plusieurs_jours = d["jour"].nunique() > 1
    for jour, creneaux in d.groupby("jour"):
        if plusieurs_jours:
            morceaux.append(f"<h3>Jour {jour}</h3>")
        for c in creneaux.itertuples():
            if c.pause:
                morceaux.append(f"<div class=\"creneau pause\"><p><span class=\"quand\">{e(c.horaire)}</span> · "
                                f"{e(c.activite)}</p></div>")
                continue
            details = [f"<strong>Méthode :</strong> {e(c.methode)}", f"<strong>Anime :</strong> {e(c.anime)}"]
            if c.materiel:
                details.append(f"<strong>Matériel :</strong> {e(', '.join(c.materiel))}")
            if c.exercices:
                noms = [exercices.get(x, (x, ""))[0] for x in c.exercices]
                details.append(f"<strong>Exercices :</strong> {e(', '.join(noms))}")
            morceaux.append(f"<div class=\"creneau\"><p><span class=\"quand\">{e(c.horaire)}</span> · {e(c.activite)}"
                            f"</p><p>{' · '.join(details)}</p></div>")
    morceaux.append("<h2>Matériel</h2>")
    morceaux.append(_liste([f"{r.materiel} ({r.creneaux})" for r in materiel(numero).itertuples()]))
    morceaux.append("<h2>Évaluation des participants</h2>")
    morceaux.append(_liste([f"{x['moyen']} : {x['critere']}" for x in m["evaluation"]]))
    morceaux.append("<h2>Pages du livre à étudier</h2>")
    morceaux.append(_liste([titres_documents.get(p, p) for p in m["pages"] + m["outils"]]))

    morceaux.append("<h2 class=\"saut\">Consignes des mises en situation</h2>")
    for consigne in m["support"]["consignes"]:
        morceaux.append(f"<h3>{e(consigne['titre'])}</h3><ol>"
                        + "".join(f"<li>{e(etape)}</li>" for etape in consigne["etapes"]) + "</ol>")
    cartes = m["support"].get("cartes_role", [])
    if cartes:
        morceaux.append("<h3>Cartes de rôle (à découper)</h3>")
        morceaux += [f"<div class=\"carte\"><p><strong>{e(c['role'])}</strong></p><p>{e(c['texte'])}</p></div>"
                     for c in cartes]
    etiquettes = [x for liste in d["exercices"] for x in liste]
    if etiquettes:
        morceaux.append("<h2 class=\"saut\">Exercices du livre</h2>")
        for x in etiquettes:
            titre, enonce = exercices.get(x, (x, ""))
            morceaux.append(f"<div class=\"exercice\"><h3>{e(titre)}</h3>{enonce}</div>")
    for t in tableaux_a_remplir(numero):
        entetes = "".join(f"<th>{e(c)}</th>" for c in t["colonnes"])
        corps = "".join("<tr><td>" + e(premiere) + "</td>" + "<td></td>" * (len(t["colonnes"]) - 1) + "</tr>"
                        for premiere in t["lignes"])
        morceaux.append(f"<h2 class=\"saut\">Tableau {t['numero']} — {e(t['titre'])}</h2>"
                        "<p>Nom : ……………………………………… Date : ………………</p>"
                        f"<table class=\"a-remplir\"><thead><tr>{entetes}</tr></thead><tbody>{corps}</tbody></table>")
    morceaux.append("</body></html>")
    return "".join(morceaux)
