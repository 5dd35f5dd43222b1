"""Correspondance entre les colonnes d'un export et les questions du formulaire."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from clusterlib.collecte.kobo.lecture import FeuilleExport
from clusterlib.collecte.xlsform import Formulaire, QuestionFormulaire
from clusterlib.donnees.problemes import Probleme
from clusterlib.referentiel import cle_normalisee

# Questions sans réponse propre dans l'export (les métadonnées start, end… sont laissées de côté).
TYPES_SANS_COLONNE = {"note", "start", "end", "today", "deviceid", "username", "simserial", "subscriberid",
                      "phonenumber", "audit"}
META = {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "email",
        "audit", "instanceid", "instancename", "key", "parent_key", "submissiondate", "submitterid",
        "submittername", "attachmentspresent", "attachmentsexpected", "status", "reviewstate", "edits",
        "formversion", "formhub/uuid"}


def _morceaux(entete: str) -> list[str]:
    """Le chemin d'un en-tête : groupes puis question (« / » chez Kobo, « - » chez ODK Central)."""
    morceaux = [m for m in re.split(r"[/:]", entete.strip()) if m]
    if len(morceaux) == 1 and "-" in morceaux[0] and not entete.strip().startswith("_"):
        morceaux = [m for m in morceaux[0].split("-") if m]
    return morceaux


def _est_meta(entete: str) -> bool:
    nom = entete.strip()
    bas = nom.lower()
    return (not nom or nom.startswith("_") or bas.startswith(("meta/", "meta-", "meta.")) or bas in META
            or bas.rsplit("/", 1)[-1] in {"instanceid", "instancename", "deprecatedid"})


@dataclass
class _Colonnes:
    """Les colonnes de l'export qui portent une question."""

    principale: int | None = None
    choix: dict[str, int] = field(default_factory=dict)  # choix multiple en colonnes 0/1
    latitude: int | None = None
    longitude: int | None = None


def _questions_de(formulaire: Formulaire, repetition: str | None) -> list[QuestionFormulaire]:
    return [q for q in formulaire.questions
            if q.repetition == repetition and q.type not in TYPES_SANS_COLONNE and q.nom]


def _associer(feuille: FeuilleExport, questions: list[QuestionFormulaire], formulaire: Formulaire,
              problemes: list[Probleme]) -> dict[str, _Colonnes]:
    """Trouve la ou les colonnes de chaque question ; signale celles qui manquent."""
    par_nom = {q.nom: q for q in questions}
    colonnes: dict[str, _Colonnes] = {}
    inconnues = []
    for j, entete in enumerate(feuille.entetes):
        morceaux = _morceaux(entete)
        if not morceaux:
            continue
        dernier = morceaux[-1]
        geo = re.match(r"^_?(.*)_(latitude|longitude)$", dernier)
        if dernier in par_nom and not entete.strip().startswith("_"):
            colonnes.setdefault(dernier, _Colonnes()).principale = j
        elif len(morceaux) >= 2 and morceaux[-2] in par_nom and par_nom[morceaux[-2]].type == "select_multiple":
            q = par_nom[morceaux[-2]]
            colonnes.setdefault(q.nom, _Colonnes()).choix[dernier] = j
        elif geo and geo[1] in par_nom and par_nom[geo[1]].type == "geopoint":
            c = colonnes.setdefault(geo[1], _Colonnes())
            setattr(c, geo[2], j)
        elif not _est_meta(entete):
            inconnues.append(entete)
    manquantes = [q for q in questions if q.nom not in colonnes]
    if manquantes and len(manquantes) > len(questions) / 2:
        libelles = {cle_normalisee(q.libelle) for q in questions}
        if any(cle_normalisee(e) in libelles for e in feuille.entetes):
            message = ("l'export a les libellés des questions pour en-têtes ; refaites l'export dans KoboToolbox "
                       "en choisissant « valeurs et en-têtes XML »")
        else:
            exemples = ", ".join("/".join((*q.groupes, q.nom)) for q in manquantes[:4])
            message = (f"l'export ne correspond pas au formulaire {formulaire.chemin.name} (« {formulaire.titre} ») : "
                       f"{len(manquantes)} des {len(questions)} questions n'y ont pas de colonne ({exemples}…) ; "
                       "attendu : l'export des soumissions de ce formulaire-là")
        problemes.append(Probleme(feuille.origine, message, ligne=1))
        return {}
    for q in manquantes:
        chemin = "/".join((*q.groupes, q.nom))
        problemes.append(Probleme(
            feuille.origine, f"colonne « {chemin} » absente ; attendu : la réponse à la question « {q.libelle} » "
            f"du formulaire {formulaire.chemin.name} (l'export vient-il d'une autre version du formulaire ?)",
            ligne=1))
    if inconnues:
        liste = ", ".join(f"« {e} »" for e in inconnues[:8]) + (f" et {len(inconnues) - 8} autre(s)"
                                                               if len(inconnues) > 8 else "")
        problemes.append(Probleme(
            feuille.origine, f"colonne(s) inconnue(s) du formulaire {formulaire.chemin.name}, ignorée(s) : {liste}",
            ligne=1, gravite="avertissement"))
    return colonnes


def _colonne_meta(feuille: FeuilleExport, *noms: str) -> int | None:
    """Index de la première colonne de métadonnées trouvée parmi ``noms`` (avec ou sans chemin de groupe)."""
    for nom in (n.lower() for n in noms):
        for j, entete in enumerate(feuille.entetes):
            bas = entete.strip().lower()
            if bas == nom or bas.endswith("/" + nom):
                return j
    return None
