"""Formulaires XLSForm pour KoboToolbox et ODK Collect, tirés des référentiels.

Deux sortes de formulaires :

- la **grille de fonctionnement** (annexe 3 du guide) : une question par indicateur, dont
  les quatre choix sont les descripteurs de niveau de ``grille.yml``, une justification,
  l'évaluateur et la campagne ;
- une **fiche de caractérisation** par type d'acteur de l'annexe 2 (``fiches_collecte.yml``) :
  l'acteur enquêté (une ligne de la table ``acteurs``), ses partenaires d'affaires (un groupe
  répété qui donne des acteurs et des relations) et les questions qualitatives.

Les formulaires sont en français (colonnes ``label::Français (fr)``), leurs noms de
questions en ASCII. :func:`lire_formulaire` relit un XLSForm pour que l'import des exports
(:mod:`clusterlib.collecte.kobo`) sache à quoi s'attendre.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterlib import __version__, referentiel
from clusterlib.fichiers import ecriture_atomique, proteger_classeur, verifier_sortie

__all__ = [
    "ErreurFormulaire",
    "Formulaire",
    "QuestionFormulaire",
    "convertir",
    "ecrire_formulaires",
    "ecrire_xlsform",
    "feuilles_fiche",
    "feuilles_grille",
    "fiches",
    "fiches_collecte",
    "form_id",
    "lire_formulaire",
    "nom_fichier",
    "nom_question_indicateur",
]

PREFIXE_ID = "clusterlib_"
GRILLE = "grille"
TYPES_GROUPE = {"begin_group", "begin group", "begin_repeat", "begin repeat", "end_group", "end group",
                "end_repeat", "end repeat"}
# Questions de métadonnées ajoutées en tête de chaque formulaire (colonnes que l'import ignore).
METADONNEES = ("start", "end", "today")


class ErreurFormulaire(ValueError):
    """Un formulaire XLSForm illisible ou refusé par pyxform ; le message est en français."""


def fiches_collecte() -> dict[str, Any]:
    """Le référentiel des fiches de collecte (``fiches_collecte.yml``), copie modifiable."""
    return copy.deepcopy(referentiel.lire("fiches_collecte.yml"))


def fiches() -> list[str]:
    """Les fiches de caractérisation de l'annexe 2, dans l'ordre du référentiel."""
    return list(referentiel.lire("fiches_collecte.yml")["fiches"])


def form_id(nature: str) -> str:
    """L'identifiant XLSForm (``form_id``) d'une fiche ou de la grille (``"grille"``)."""
    return PREFIXE_ID + nature


def nom_fichier(nature: str) -> str:
    """Le nom du fichier XLSForm d'une fiche ou de la grille."""
    return "grille_fonctionnement.xlsx" if nature == GRILLE else f"fiche_{nature}.xlsx"


def nom_question_indicateur(indicateur: str, sorte: str = "note") -> str:
    """Nom XLSForm de la note (``note_1_1``) ou de la justification (``justif_1_1``) d'un indicateur."""
    return f"{sorte}_{indicateur.replace('.', '_')}"


# --- Construction des feuilles ---------------------------------------------------------------


def _colonnes(langue: str) -> dict[str, str]:
    return {cle: f"{cle}::{langue}" for cle in ("label", "hint", "constraint_message", "required_message")}


def _ligne_question(q: dict[str, Any], col: dict[str, str]) -> dict[str, str]:
    ligne = {"type": q["type"], "name": q["nom"], col["label"]: q["libelle"]}
    if q.get("aide"):
        ligne[col["hint"]] = q["aide"]
    if q.get("requis"):
        ligne["required"] = "yes"
        ligne[col["required_message"]] = "Réponse obligatoire."
    if q.get("si"):
        ligne["relevant"] = q["si"]
    if q.get("contrainte"):
        ligne["constraint"] = q["contrainte"]
        ligne[col["constraint_message"]] = q.get("message", "Réponse non valide.")
    if q["type"] == "text" and not q.get("colonne") and not q.get("champ") and not q.get("personne") \
            and not q.get("telephone") and q["nom"] not in ("cluster", "filiere", "campagne"):
        ligne["appearance"] = "multiline"
    if q["type"] == "text" and q.get("telephone"):
        ligne["appearance"] = "numbers"
    if q.get("hxl"):
        ligne["hxl"] = q["hxl"]
    return ligne


def _groupe(nom: str, titre: str, lignes: list[dict[str, str]], col: dict[str, str],
            repetition: bool = False, apparence: str | None = None) -> list[dict[str, str]]:
    debut = {"type": "begin_repeat" if repetition else "begin_group", "name": nom, col["label"]: titre}
    if apparence:
        debut["appearance"] = apparence
    return [debut, *lignes, {"type": "end_repeat" if repetition else "end_group"}]


def _listes_utilisees(lignes: list[dict[str, str]]) -> list[str]:
    vues: list[str] = []
    for ligne in lignes:
        morceaux = ligne["type"].split()
        if len(morceaux) == 2 and morceaux[0] in ("select_one", "select_multiple") and morceaux[1] not in vues:
            vues.append(morceaux[1])
    return vues


def _choix(listes: list[str], col: dict[str, str], propres: dict[str, list[dict[str, str]]]) -> list[dict[str, str]]:
    lignes = []
    noms_enumerations = referentiel.enumerations()
    for liste in listes:
        if liste in propres:
            valeurs = propres[liste]
        elif liste in noms_enumerations:
            valeurs = noms_enumerations[liste]["valeurs"]
        else:
            raise KeyError(f"liste de choix « {liste} » introuvable dans les référentiels")
        lignes += [{"list_name": liste, "name": str(v["code"]), col["label"]: v["libelle"]} for v in valeurs]
    return lignes


def _parametres(nature: str, titre: str, langue: str, survey: list[dict], choices: list[dict]) -> list[dict]:
    empreinte = hashlib.sha1(json.dumps([survey, choices], ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return [{"form_title": titre, "form_id": form_id(nature), "version": f"{__version__}-{empreinte[:8]}",
             "default_language": langue, "allow_choice_duplicates": "no"}]


def _metadonnees() -> list[dict[str, str]]:
    return [{"type": m, "name": m} for m in METADONNEES]


def feuilles_fiche(nature: str) -> dict[str, list[dict[str, str]]]:
    """Les feuilles XLSForm (``survey``, ``choices``, ``settings``) d'une fiche de l'annexe 2.

    ``nature`` est une clé de :func:`fiches` (par exemple ``"organisation_producteurs"``).
    """
    ref = fiches_collecte()
    if nature not in ref["fiches"]:
        raise KeyError(f"fiche « {nature} » inconnue ; fiches : {', '.join(ref['fiches'])}")
    col = _colonnes(ref["langue"])
    fiche = ref["fiches"][nature]
    survey = _metadonnees()
    for bloc in (ref["enquete"], ref["identification"]):
        survey += _groupe(bloc["nom"], bloc["titre"], [_ligne_question(q, col) for q in bloc["questions"]], col)
    partenaires = ref["partenaires"]
    for section in fiche["sections"]:
        lignes: list[dict[str, str]] = []
        for q in section["questions"]:
            if "partenaires" in q:
                repetees = [_ligne_question(p, col) for p in partenaires["questions"]]
                bloc = _groupe(partenaires["nom"], partenaires["titre"], repetees, col, repetition=True)
                bloc[0][col["hint"]] = partenaires["aide"]
                lignes += bloc
            else:
                lignes.append(_ligne_question(q, col))
        survey += _groupe(section["nom"], section["titre"], lignes, col)
    choices = _choix(_listes_utilisees(survey), col, ref["listes"])
    return {"survey": survey, "choices": choices,
            "settings": _parametres(nature, fiche["titre"], ref["langue"], survey, choices)}


def feuilles_grille() -> dict[str, list[dict[str, str]]]:
    """Les feuilles XLSForm du formulaire de notation des 24 indicateurs (annexe 3).

    Chaque indicateur a une question à choix unique dont les quatre choix sont les
    descripteurs de niveau de ``grille.yml`` (le sens général de la note seul s'il n'y a pas
    de descripteur), et une justification qui n'apparaît qu'une fois la note donnée.
    """
    ref = fiches_collecte()
    textes = ref["grille"]
    col = _colonnes(ref["langue"])
    grille = referentiel.grille()
    echelle = grille["echelle"]
    sens = {int(k): v for k, v in (echelle.get("libelles") or {}).items()}
    survey = _metadonnees()
    entete = textes["entete"]
    survey += _groupe(entete["nom"], entete["titre"], [_ligne_question(q, col) for q in entete["questions"]], col)
    propres: dict[str, list[dict[str, str]]] = {}
    for axe in grille["axes"]:
        lignes: list[dict[str, str]] = []
        for ind in axe["indicateurs"]:
            ident = ind["id"]
            note = nom_question_indicateur(ident, "note")
            liste = nom_question_indicateur(ident, "niveaux")
            descripteurs = {int(k): " ".join(str(v).split()) for k, v in (ind.get("niveaux") or {}).items()}
            propres[liste] = []
            for niveau in range(int(echelle["minimum"]), int(echelle["maximum"]) + 1):
                morceaux = [str(niveau)]
                if sens.get(niveau):
                    morceaux.append(f"— {sens[niveau]}")
                texte = " ".join(morceaux)
                if descripteurs.get(niveau):
                    texte += f" : {descripteurs[niveau]}"
                propres[liste].append({"code": str(niveau), "libelle": texte})
            preuves = " ; ".join(ind.get("preuves") or []) or "les documents du cluster"
            valeurs = {"id": ident, "nom": ind["nom"], "preuves": preuves}
            question_note = {"type": f"select_one {liste}", "nom": note,
                             "libelle": textes["note"]["libelle"].format(**valeurs),
                             "aide": " ".join(str(ind.get("mesure") or "").split()) or textes["note"]["aide"]}
            question_justif = {"type": "text", "nom": nom_question_indicateur(ident, "justif"),
                               "libelle": textes["justification"]["libelle"].format(**valeurs),
                               "aide": textes["justification"]["aide"].format(**valeurs),
                               "si": f"${{{note}}} != ''"}
            bloc = [_ligne_question(question_note, col), _ligne_question(question_justif, col)]
            lignes += _groupe(nom_question_indicateur(ident, "indicateur"), f"Indicateur {ident}", bloc, col,
                              apparence="field-list")
        survey += _groupe(f"axe_{axe['numero']}", f"Axe {axe['numero']} : {axe['nom']}", lignes, col)
    choices = _choix(_listes_utilisees(survey), col, propres)
    return {"survey": survey, "choices": choices,
            "settings": _parametres(GRILLE, textes["titre"], ref["langue"], survey, choices)}


# --- Écriture et conversion -------------------------------------------------------------------


def ecrire_xlsform(feuilles: dict[str, list[dict[str, str]]], chemin: str | Path) -> Path:
    """Écrit des feuilles XLSForm dans un classeur ``.xlsx`` (atomiquement), jamais dans un jeu de données."""
    verifier_sortie(chemin, commande="formulaire XLSForm", dossier=False)
    import openpyxl
    from openpyxl.styles import Font

    classeur = openpyxl.Workbook()
    classeur.remove(classeur.active)
    for nom, lignes in feuilles.items():
        feuille = classeur.create_sheet(nom)
        entetes: list[str] = []
        for ligne in lignes:
            entetes += [c for c in ligne if c not in entetes]
        feuille.append(entetes)
        for ligne in lignes:
            feuille.append([ligne.get(c) for c in entetes])
        for cellule in feuille[1]:
            cellule.font = Font(bold=True)
        feuille.freeze_panes = "A2"
        for j, entete in enumerate(entetes, 1):
            largeur = max([len(entete), *(len(str(ligne.get(entete) or "")) for ligne in lignes)])
            feuille.column_dimensions[openpyxl.utils.get_column_letter(j)].width = min(max(largeur, 8) + 2, 60)
    proteger_classeur(classeur)  # noms d'acteurs des listes de choix : jamais une formule
    with ecriture_atomique(chemin) as temporaire:
        classeur.save(temporaire)
    return Path(chemin)


def ecrire_formulaires(dossier: str | Path) -> list[Path]:
    """Écrit la grille et les quatre fiches de l'annexe 2 dans ``dossier`` ; renvoie les chemins."""
    dossier = Path(dossier)
    verifier_sortie(dossier, commande="formulaires XLSForm", dossier=True)
    chemins = [ecrire_xlsform(feuilles_grille(), dossier / nom_fichier(GRILLE))]
    for nature in fiches():
        chemins.append(ecrire_xlsform(feuilles_fiche(nature), dossier / nom_fichier(nature)))
    return chemins


def convertir(chemin: str | Path, valider: bool = False) -> str:
    """Convertit un XLSForm en XForm (XML) avec pyxform ; ``valider`` lance aussi ODK Validate (Java).

    Lève :class:`ErreurFormulaire` (message en français) si le formulaire est refusé.
    """
    from pyxform.xls2xform import convert

    chemin = Path(chemin)
    avertissements: list[str] = []
    try:
        return convert(str(chemin), warnings=avertissements, validate=valider).xform
    except Exception as exc:  # pyxform et ODK Validate lèvent des erreurs de types variés
        raise ErreurFormulaire(f"{chemin.name} : formulaire refusé par pyxform (message de l'outil, en anglais) : "
                               f"{exc}") from exc


# --- Relecture d'un XLSForm ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFormulaire:
    """Une question d'un XLSForm : nom, type de base, liste de choix, groupes qui l'entourent."""

    nom: str
    type: str
    liste: str | None
    groupes: tuple[str, ...]
    repetition: str | None
    libelle: str


@dataclass
class Formulaire:
    """Un XLSForm relu : identifiant, titre, questions, listes de choix et groupes répétés."""

    chemin: Path
    form_id: str
    titre: str
    questions: list[QuestionFormulaire] = field(default_factory=list)
    choix: dict[str, dict[str, str]] = field(default_factory=dict)
    repetitions: list[str] = field(default_factory=list)

    @property
    def nature(self) -> str | None:
        """``"grille"``, une clé de :func:`fiches`, ou ``None`` si le formulaire n'est pas de clusterlib."""
        nature = self.form_id.removeprefix(PREFIXE_ID)
        if self.form_id.startswith(PREFIXE_ID) and (nature == GRILLE or nature in fiches()):
            return nature
        return None

    def question(self, nom: str) -> QuestionFormulaire | None:
        """La question de ce nom, ou ``None``."""
        return next((q for q in self.questions if q.nom == nom), None)


def _colonne_libelle(entetes: list[str]) -> str | None:
    for candidat in entetes:
        if candidat.startswith("label::") and "fr" in candidat.lower():
            return candidat
    return next((e for e in entetes if e == "label" or e.startswith("label::")), None)


def lignes_feuille(classeur: Any, nom: str) -> list[dict[str, str]]:
    if nom not in classeur.sheetnames:
        return []
    lignes = list(classeur[nom].iter_rows(values_only=True))
    if not lignes:
        return []
    entetes = [str(e).strip() if e is not None else "" for e in lignes[0]]
    return [{e: str(v).strip() for e, v in zip(entetes, ligne, strict=False) if e and v is not None}
            for ligne in lignes[1:]]


def lire_formulaire(chemin: str | Path) -> Formulaire:
    """Relit un XLSForm (``.xlsx``) : questions avec leurs groupes, choix, identifiant.

    Lève :class:`ErreurFormulaire` si le fichier n'est pas un XLSForm lisible.
    """
    import openpyxl

    chemin = Path(chemin)
    if not chemin.is_file():
        raise ErreurFormulaire(f"{chemin} : formulaire introuvable")
    try:
        classeur = openpyxl.load_workbook(chemin, read_only=True, data_only=True)
    except Exception as exc:  # fichier abîmé, pas un classeur, etc.
        raise ErreurFormulaire(f"{chemin.name} : ce n'est pas un formulaire XLSForm lisible "
                               "(fichier abîmé ou qui n'est pas un classeur .xlsx) ; attendu : un des "
                               "fichiers .xlsx écrits par « clusterlib templates »") from exc
    try:
        if "survey" not in classeur.sheetnames:
            raise ErreurFormulaire(f"{chemin.name} : feuille « survey » absente ; ce n'est pas un formulaire "
                                   "XLSForm (attendu : un des fichiers écrits par « clusterlib templates »)")
        survey = lignes_feuille(classeur, "survey")
        choices = lignes_feuille(classeur, "choices")
        settings = lignes_feuille(classeur, "settings")
    finally:
        classeur.close()
    ident = settings[0].get("form_id", "") if settings else ""
    titre = settings[0].get("form_title", ident) if settings else ident
    formulaire = Formulaire(chemin, ident or chemin.stem, titre or chemin.stem)
    entetes_survey = list(dict.fromkeys(k for ligne in survey for k in ligne))
    col_libelle = _colonne_libelle(entetes_survey)
    pile: list[tuple[str, bool]] = []
    for ligne in survey:
        type_ = " ".join(ligne.get("type", "").split())
        nom = ligne.get("name", "")
        if not type_:
            continue
        if type_ in ("begin_group", "begin group", "begin_repeat", "begin repeat"):
            repetee = "repeat" in type_
            pile.append((nom, repetee))
            if repetee:
                formulaire.repetitions.append(nom)
            continue
        if type_ in ("end_group", "end group", "end_repeat", "end repeat"):
            if pile:
                pile.pop()
            continue
        morceaux = type_.split()
        base = morceaux[0]
        liste = morceaux[1] if base in ("select_one", "select_multiple") and len(morceaux) > 1 else None
        repetition = next((g for g, r in reversed(pile) if r), None)
        formulaire.questions.append(QuestionFormulaire(
            nom, base, liste, tuple(g for g, _ in pile), repetition,
            ligne.get(col_libelle, nom) if col_libelle else nom))
    col_choix = _colonne_libelle(list(dict.fromkeys(k for ligne in choices for k in ligne)))
    for ligne in choices:
        liste, code = ligne.get("list_name"), ligne.get("name")
        if liste and code is not None:
            formulaire.choix.setdefault(liste, {})[code] = ligne.get(col_choix, code) if col_choix else code
    return formulaire
