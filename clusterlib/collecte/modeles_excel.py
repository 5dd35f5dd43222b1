"""Le modèle Excel d'un cluster, et l'écriture d'un jeu de données (classeur ou dossier).

Le modèle ``modele_cluster.xlsx`` est fabriqué à partir des référentiels (format des
données, listes de valeurs, grille) : une feuille « À lire » qui explique chaque colonne avec
un exemple, une feuille ``cluster`` pour la fiche, une feuille par table du format, et une
feuille cachée ``listes`` d'où viennent les listes déroulantes. L'en-tête de chaque feuille
est figé et verrouillé (protection sans mot de passe) ; les cellules de saisie restent
libres et contrôlées (listes, nombres positifs, pourcentages de 0 à 100…).

Le même module écrit un jeu « en texte » (:class:`JeuTexte`, les cellules telles qu'elles
sont écrites dans les fichiers) dans un dossier (``cluster.yml`` et CSV) ou dans un
classeur au format du modèle : c'est ce que font l'import Kobo et la pseudonymisation.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from clusterlib import referentiel
from clusterlib.donnees.lecture import lire_csv, lire_jeu
from clusterlib.donnees.problemes import ErreurDonnees, lettre_colonne
from clusterlib.donnees.validation import lire_nombre
from clusterlib.fichiers import (
    ErreurSortie,
    ecrire_atomique,
    ecriture_atomique,
    neutraliser_cellule,
    proteger_classeur,
    verifier_sortie,
)
from clusterlib.referentiel import Colonne, regles

__all__ = [
    "FEUILLE_LIRE",
    "FEUILLE_LISTES",
    "JeuTexte",
    "ModelesEcrits",
    "classeur_modele",
    "ecrire_csv",
    "ecrire_dossier",
    "ecrire_jeu",
    "ecrire_modele",
    "ecrire_modeles",
    "lire_jeu_texte",
    "texte_csv",
    "texte_fiche_yaml",
]

FEUILLE_LIRE = "À lire"
FEUILLE_LISTES = "listes"
NOM_MODELE = "modele_cluster.xlsx"
LIGNES_SAISIE = 5000  # lignes couvertes par les listes déroulantes et les contrôles
BLEU = "0072B2"
BLEU_CLAIR = "D6E9F5"
GRIS = "F2F2F2"
TYPES_TEXTE = {"texte", "identifiant", "enum", "campagne", "mois", "indicateur", "objet_ffom"}
TYPES_NOMBRE = {"nombre", "entier", "annee"}
MESSAGE_LISTE = "Choisissez une valeur dans la liste déroulante (codes expliqués dans la feuille « À lire »)."


# --- Jeu de données en texte ---------------------------------------------------------------------


@dataclass
class JeuTexte:
    """Un jeu de données tel qu'il est écrit : la fiche et des tables de textes.

    ``fiche`` : clé → texte, liste de textes ou liste de ``{nom, type}`` (marchés, coachs) ;
    ``tables`` : tables du format (cellules en texte, ``""`` pour une cellule vide) ;
    ``annexes`` : autres tables CSV rangées avec le jeu (par exemple ``reponses_collecte``).
    """

    fiche: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    annexes: dict[str, pd.DataFrame] = field(default_factory=dict)


def _cadre(entetes: list[str], lignes: list[list[str]]) -> pd.DataFrame:
    colonnes = [e for e in entetes if e]
    index = [j for j, e in enumerate(entetes) if e]
    donnees = {c: [ligne[j] if j < len(ligne) else "" for ligne in lignes]
               for c, j in zip(colonnes, index, strict=True)}
    return pd.DataFrame(donnees, columns=colonnes, dtype="str")


def lire_jeu_texte(chemin: str | Path, annexes: tuple[str, ...] = ()) -> JeuTexte:
    """Lit un cluster (dossier ou classeur) en gardant chaque cellule telle qu'elle est écrite.

    ``annexes`` : noms de tables CSV hors format à lire aussi dans un dossier (par exemple
    ``("reponses_collecte",)``). Lève :class:`~clusterlib.donnees.problemes.ErreurDonnees` si un
    fichier est illisible.
    """
    chemin = Path(chemin)
    brut = lire_jeu(chemin)
    erreurs = [p for p in brut.problemes if p.est_erreur]
    if erreurs:
        raise ErreurDonnees(str(chemin), erreurs)
    jeu = JeuTexte()
    if brut.fiche is not None:
        jeu.fiche = {cle: valeur for cle, (valeur, _) in brut.fiche.valeurs.items()}
    for nom, table in brut.tables.items():
        jeu.tables[nom] = _cadre(table.entetes, [cellules for _, cellules in table.lignes])
    if chemin.is_dir():
        for nom in annexes:
            fichier = chemin / f"{nom}.csv"
            if fichier.is_file():
                problemes: list = []
                table = lire_csv(fichier, nom, fichier.name, problemes)
                if table is None or any(p.est_erreur for p in problemes):
                    raise ErreurDonnees(str(chemin), [p for p in problemes if p.est_erreur])
                jeu.annexes[nom] = _cadre(table.entetes, [cellules for _, cellules in table.lignes])
    return jeu


def texte_csv(cadre: pd.DataFrame) -> str:
    """Le texte CSV d'une table (virgules, en-tête = noms de colonnes, cellules vides pour NA).

    Un texte qui commence par ``=``, ``+``, ``-``, ``@``… reçoit une apostrophe devant
    (:func:`clusterlib.fichiers.neutraliser_cellule`) ; la lecture des jeux l'ôte."""
    tampon = io.StringIO(newline="")
    ecrivain = csv.writer(tampon, lineterminator="\n")
    ecrivain.writerow([neutraliser_cellule(str(c)) for c in cadre.columns])
    for ligne in cadre.itertuples(index=False):
        ecrivain.writerow(["" if pd.isna(v) else neutraliser_cellule(str(v)) for v in ligne])
    return tampon.getvalue()


def ecrire_csv(chemin: str | Path, cadre: pd.DataFrame) -> Path:
    """Écrit une table en CSV (UTF-8, virgules, en-tête = noms de colonnes), atomiquement."""
    return ecrire_atomique(chemin, texte_csv(cadre))


def _cles_fiche_ordonnees(fiche: dict[str, Any]) -> list[str]:
    connues = [c.nom for c in referentiel.fiche()]
    return [c for c in connues if c in fiche] + [c for c in fiche if c not in connues]


def texte_fiche_yaml(fiche: dict[str, Any], commentaire: str = "") -> str:
    """Le texte d'un ``cluster.yml`` pour une fiche (clés dans l'ordre du format)."""
    ordonnee = {cle: fiche[cle] for cle in _cles_fiche_ordonnees(fiche) if fiche[cle] not in (None, "", [])}
    texte = yaml.safe_dump(ordonnee, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100)
    entete = "".join(f"# {ligne}\n" for ligne in commentaire.splitlines())
    return entete + texte


def ecrire_dossier(jeu: JeuTexte, dossier: str | Path, commentaire: str = "") -> Path:
    """Écrit un jeu dans un dossier : ``cluster.yml`` et une table CSV par table du jeu."""
    dossier = Path(dossier)
    dossier.mkdir(parents=True, exist_ok=True)
    ecrire_atomique(dossier / "cluster.yml", texte_fiche_yaml(jeu.fiche, commentaire))
    for nom, cadre in {**jeu.tables, **jeu.annexes}.items():
        ecrire_csv(dossier / f"{nom}.csv", cadre)
    return dossier


def ecrire_jeu(jeu: JeuTexte, chemin: str | Path, commentaire: str = "") -> Path:
    """Écrit un jeu dans un classeur (si ``chemin`` finit par ``.xlsx``) ou dans un dossier."""
    chemin = Path(chemin)
    if chemin.suffix.lower() == ".xlsx":
        return ecrire_modele(chemin, jeu)
    return ecrire_dossier(jeu, chemin, commentaire)


# --- Le modèle ---------------------------------------------------------------------------------


def _valeur_fiche_texte(valeur: Any) -> str:
    if isinstance(valeur, list):
        morceaux = []
        for v in valeur:
            if isinstance(v, dict):
                morceaux.append(f"{v.get('nom', '')} ({v.get('type', '')})")
            else:
                morceaux.append(str(v))
        return "; ".join(morceaux)
    if isinstance(valeur, dict):
        return "; ".join(f"{k}: {v}" for k, v in valeur.items())
    return "" if valeur is None else str(valeur)


def _valeur_cellule(colonne: Colonne | None, texte: Any) -> Any:
    """Une cellule à écrire : nombre pour une colonne numérique lisible, texte sinon."""
    if texte is None or (not isinstance(texte, str) and pd.isna(texte)) or texte == "":
        return None
    texte = str(texte)
    if colonne is not None and colonne.type in TYPES_NOMBRE:
        try:
            nombre = lire_nombre(texte)
        except ValueError:
            return texte
        return int(nombre) if nombre.is_integer() else nombre
    return texte


def _valeurs_admises(colonne: Colonne) -> str:
    if colonne.valeurs:
        return "\n".join(f"{code} = {referentiel.libelle(colonne.valeurs, code)}"
                         for code in referentiel.codes(colonne.valeurs))
    if colonne.type == "indicateur":
        return f"{regles.plage_indicateurs()} : voir la liste des indicateurs en bas de cette feuille"
    if colonne.reference:
        return f"un id de la feuille {colonne.reference}"
    morceaux = []
    if colonne.min is not None:
        morceaux.append(f"au moins {colonne.min:g}")
    if colonne.max is not None:
        morceaux.append(f"au plus {colonne.max:g}")
    return " et ".join(morceaux)


def _liste_validation(colonne: Colonne) -> str | None:
    """Nom défini de la liste déroulante d'une colonne, ou ``None``."""
    if colonne.valeurs:
        return f"liste_{colonne.valeurs}"
    if colonne.type == "indicateur":
        return "liste_indicateurs"
    if colonne.reference == "acteurs":
        return "ids_acteurs"
    if colonne.type == "entier" and colonne.min is not None and colonne.max is not None \
            and colonne.max - colonne.min <= 10:
        return f"liste_entiers_{int(colonne.min)}_{int(colonne.max)}"
    if colonne.type == "booleen":
        return "liste_oui_non"
    return None


def _listes(classeur: Any) -> dict[str, list[Any]]:
    """Remplit la feuille cachée des listes et crée un nom défini par liste."""
    from openpyxl.workbook.defined_name import DefinedName

    listes: dict[str, list[Any]] = {f"liste_{nom}": list(referentiel.codes(nom)) for nom in referentiel.enumerations()}
    listes["liste_indicateurs"] = list(referentiel.indicateurs()["indicateur"])
    listes["liste_oui_non"] = ["oui", "non"]
    for table in referentiel.tables():
        for c in referentiel.colonnes(table):
            nom = _liste_validation(c)
            if nom and nom.startswith("liste_entiers_"):
                listes[nom] = list(range(int(c.min), int(c.max) + 1))
    feuille = classeur.create_sheet(FEUILLE_LISTES)
    for j, (nom, valeurs) in enumerate(listes.items()):
        lettre = lettre_colonne(j)
        feuille.cell(1, j + 1, nom)
        for i, valeur in enumerate(valeurs, 2):
            feuille.cell(i, j + 1, valeur).number_format = "@" if isinstance(valeur, str) else "General"
        classeur.defined_names[nom] = DefinedName(
            nom, attr_text=f"{FEUILLE_LISTES}!${lettre}$2:${lettre}${len(valeurs) + 1}")
    feuille.sheet_state = "hidden"
    feuille.protection.sheet = True
    return listes


def _validation(colonne: Colonne, lettre: str, premiere: int, derniere: int) -> Any | None:
    """Le contrôle de saisie d'une colonne (liste, nombre, campagne, mois), ou ``None``."""
    from openpyxl.worksheet.datavalidation import DataValidation

    plage = f"{lettre}{premiere}:{lettre}{derniere}"
    cellule = f"{lettre}{premiere}"
    commun = {"allow_blank": True, "showErrorMessage": True, "showInputMessage": True,
              "promptTitle": colonne.nom[:32], "prompt": colonne.description[:250], "errorStyle": "stop"}
    liste = _liste_validation(colonne)
    if liste:
        dv = DataValidation(type="list", formula1=f"={liste}", errorTitle="Valeur hors liste",
                            error=MESSAGE_LISTE if liste != "ids_acteurs" else
                            "Choisissez l'id d'un acteur déjà saisi dans la feuille « acteurs ».", **commun)
    elif colonne.type in TYPES_NOMBRE:
        bas = colonne.min if colonne.min is not None else (1900 if colonne.type == "annee" else None)
        haut = colonne.max if colonne.max is not None else (2100 if colonne.type == "annee" else None)
        genre = "decimal" if colonne.type == "nombre" else "whole"
        quoi = {"nombre": "un nombre", "annee": "une année"}.get(colonne.type, "un nombre entier")
        if bas is not None and haut is not None:
            dv = DataValidation(type=genre, operator="between", formula1=f"{bas:g}", formula2=f"{haut:g}",
                                errorTitle="Nombre non admis",
                                error=f"Saisissez {quoi} entre {bas:g} et {haut:g}, sans unité ni texte.", **commun)
        elif bas is not None:
            dv = DataValidation(type=genre, operator="greaterThanOrEqual", formula1=f"{bas:g}",
                                errorTitle="Nombre non admis",
                                error=f"Saisissez {quoi} supérieur ou égal à {bas:g}, sans unité ni texte.", **commun)
        else:
            dv = DataValidation(type=genre, errorTitle="Nombre non admis",
                                error=f"Saisissez {quoi}, sans unité ni texte.", **commun)
    elif colonne.type == "campagne":
        formule = (f'AND(LEN({cellule})=9,MID({cellule},5,1)="-",'
                   f"VALUE(RIGHT({cellule},4))=VALUE(LEFT({cellule},4))+1)")
        dv = DataValidation(type="custom", formula1=formule, errorTitle="Campagne non admise",
                            error="Écrivez deux années qui se suivent, séparées par un tiret : 2025-2026.", **commun)
    elif colonne.type == "mois":
        formule = (f'AND(LEN({cellule})=7,MID({cellule},5,1)="-",'
                   f"VALUE(RIGHT({cellule},2))>=1,VALUE(RIGHT({cellule},2))<=12)")
        dv = DataValidation(type="custom", formula1=formule, errorTitle="Mois non admis",
                            error="Écrivez l'année et le mois séparés par un tiret : 2025-10.", **commun)
    else:
        if not colonne.description:
            return None
        dv = DataValidation(showInputMessage=True, promptTitle=colonne.nom[:32], prompt=colonne.description[:250])
    dv.add(plage)
    return dv


def _entete(feuille: Any, noms: list[str], obligatoires: list[bool], descriptions: list[str]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

    bordure = Border(bottom=Side(style="medium", color=BLEU))
    for j, (nom, obligatoire, description) in enumerate(zip(noms, obligatoires, descriptions, strict=True), 1):
        cellule = feuille.cell(1, j, nom)
        cellule.font = Font(bold=True, color="FFFFFF" if obligatoire else "000000")
        cellule.fill = PatternFill("solid", fgColor=BLEU if obligatoire else BLEU_CLAIR)
        cellule.alignment = Alignment(vertical="center")
        cellule.border = bordure
        cellule.protection = Protection(locked=True)
        if description:
            commentaire = Comment(description, "clusterlib", width=260, height=90)
            cellule.comment = commentaire
    feuille.freeze_panes = "A2"
    feuille.row_dimensions[1].height = 20


def _proteger(feuille: Any) -> None:
    """Protège la feuille sans mot de passe : l'en-tête verrouillé, le reste modifiable."""
    p = feuille.protection
    p.sheet = True
    p.formatColumns = False
    p.formatRows = False
    p.formatCells = False
    p.insertRows = False
    p.deleteRows = False
    p.sort = False
    p.autoFilter = False


def _feuille_table(classeur: Any, table: str, donnees: pd.DataFrame | None) -> None:
    from openpyxl.styles import Protection

    feuille = classeur.create_sheet(table)
    colonnes = list(referentiel.colonnes(table))
    connues = {c.nom for c in colonnes}
    extra = [c for c in (donnees.columns if donnees is not None else []) if c not in connues]
    noms = [c.nom for c in colonnes] + extra
    _entete(feuille, noms, [c.requise and c.remplie for c in colonnes] + [False] * len(extra),
            [c.description for c in colonnes] + [""] * len(extra))
    par_nom = {c.nom: c for c in colonnes}
    derniere = max(LIGNES_SAISIE, (len(donnees) + 1) if donnees is not None else 0)
    for j, nom in enumerate(noms):
        lettre = lettre_colonne(j)
        colonne = par_nom.get(nom)
        dimension = feuille.column_dimensions[lettre]
        dimension.protection = Protection(locked=False)
        if colonne is None or colonne.type in TYPES_TEXTE:
            dimension.number_format = "@"
        longueurs = [len(nom) + 4, len(colonne.exemple or "") + 2 if colonne else 0]
        if colonne is not None and colonne.valeurs:
            longueurs.append(max(len(code) for code in referentiel.codes(colonne.valeurs)) + 3)
        if colonne is not None and colonne.type == "texte":
            longueurs.append(28)
        if donnees is not None and nom in donnees and len(donnees):
            longueurs.append(int(donnees[nom].fillna("").astype(str).str.len().max()) + 2)
        dimension.width = min(max(longueurs), 45)
        if colonne is not None:
            dv = _validation(colonne, lettre, 2, derniere)
            if dv is not None:
                feuille.add_data_validation(dv)
    if donnees is not None:
        for i, ligne in enumerate(donnees.itertuples(index=False), 2):
            for nom, brute in zip(donnees.columns, ligne, strict=True):
                valeur = _valeur_cellule(par_nom.get(nom), brute)
                if valeur is not None:
                    cellule = feuille.cell(i, noms.index(nom) + 1, valeur)
                    cellule.protection = Protection(locked=False)
                    if isinstance(valeur, str):
                        cellule.number_format = "@"
    _proteger(feuille)


def _feuille_fiche(classeur: Any, fiche: dict[str, Any] | None) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill, Protection

    feuille = classeur.create_sheet("cluster")
    _entete(feuille, ["cle", "valeur", "explication"], [True, True, False],
            ["Nom de la clé : ne pas modifier.", "Valeur de la clé pour votre cluster.",
             "Ce que la clé veut dire, avec un exemple."])
    cles = list(referentiel.fiche())
    autres = [k for k in (fiche or {}) if k not in {c.nom for c in cles}]
    for i, c in enumerate(cles, 2):
        cle = feuille.cell(i, 1, c.nom)
        cle.font = Font(bold=c.requise)
        cle.alignment = Alignment(vertical="top")
        valeur = feuille.cell(i, 2, _valeur_fiche_texte((fiche or {}).get(c.nom)) or None)
        valeur.protection = Protection(locked=False)
        valeur.number_format = "@"
        obligatoire = "obligatoire" if c.requise else "facultatif"
        texte = f"{c.description} ({obligatoire} ; exemple : {c.exemple})"
        explication = feuille.cell(i, 3, texte)
        explication.alignment = Alignment(wrap_text=True, vertical="top")
        explication.fill = PatternFill("solid", fgColor=GRIS)
        valeur.alignment = Alignment(wrap_text=True, vertical="top")
        feuille.row_dimensions[i].height = _hauteur([(texte, 90), (valeur.value or "", 45)])
        dv = _validation(c, "B", i, i) if c.type in ("enum", "campagne", "booleen") else None
        if dv is not None:
            feuille.add_data_validation(dv)
    for i, cle in enumerate(autres, len(cles) + 2):
        feuille.cell(i, 1, cle)
        feuille.cell(i, 2, _valeur_fiche_texte(fiche[cle])).protection = Protection(locked=False)
    for i in range(len(cles) + len(autres) + 2, len(cles) + len(autres) + 12):
        for j in (1, 2):
            feuille.cell(i, j).protection = Protection(locked=False)
    feuille.column_dimensions["A"].width = 22
    feuille.column_dimensions["B"].width = 45
    feuille.column_dimensions["C"].width = 90
    _proteger(feuille)


def _hauteur(cellules: list[tuple[str, float]], taille: int = 11) -> float:
    """Hauteur de ligne (points) pour que des textes repliés dans des colonnes de largeurs données tiennent."""
    lignes = 1
    for texte, largeur in cellules:
        par_ligne = max(int(largeur * 0.9), 1)
        lignes = max(lignes, sum(max(math.ceil(len(morceau) / par_ligne), 1) for morceau in str(texte).split("\n")))
    return round(lignes * taille * 1.35 + 3, 1)


def _feuille_lire(classeur: Any) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    feuille = classeur.create_sheet(FEUILLE_LIRE, 0)
    largeurs = {"A": 22, "B": 18, "C": 50, "D": 52, "E": 28}
    for lettre, largeur in largeurs.items():
        feuille.column_dimensions[lettre].width = largeur
    haut = Alignment(wrap_text=True, vertical="top")
    fin = Side(style="thin", color="BFBFBF")
    cadre = Border(left=fin, right=fin, top=fin, bottom=fin)
    ligne = 1

    def paragraphe(texte: str, gras: bool = False, taille: int = 11) -> None:
        nonlocal ligne
        feuille.merge_cells(start_row=ligne, start_column=1, end_row=ligne, end_column=5)
        cellule = feuille.cell(ligne, 1, texte)
        cellule.font = Font(bold=gras, size=taille, color=BLEU if taille > 11 else "000000")
        cellule.alignment = haut
        feuille.row_dimensions[ligne].height = _hauteur([(texte, sum(largeurs.values()))], taille)
        ligne += 1

    paragraphe("Modèle de classeur d'un cluster agricole", gras=True, taille=16)
    paragraphe("Ce classeur suit le format de données de clusterlib. Il se remplit feuille par feuille ; "
               "quand il est rempli, la commande « clusterlib validate mon_cluster.xlsx » le vérifie et "
               "toutes les analyses du livre peuvent le lire.")
    consignes = [
        "1. La feuille « cluster » est la carte d'identité du cluster : remplissez la colonne « valeur ».",
        "2. Une feuille par tableau. « acteurs » et « relations » sont obligatoires ; laissez vides les "
        "autres feuilles si vous n'avez pas encore ces données.",
        "3. Une ligne par acteur, par relation, par poste de compte… Ne renommez ni les feuilles ni les "
        "en-têtes de la ligne 1 : elles sont verrouillées et l'outil les cherche par leur nom.",
        "4. En-tête bleu foncé : valeur obligatoire sur chaque ligne. En-tête bleu clair : valeur facultative.",
        "5. Les colonnes à liste s'ouvrent sur une flèche : choisissez le code (sans accent). Les codes et leur "
        "sens sont dans les tableaux ci-dessous.",
        "6. Les nombres se saisissent sans unité (1250000 ou 1 250 000, pas « 1,25 M FCFA ») ; les "
        "pourcentages de 0 à 100.",
        "7. Les feuilles sont protégées sans mot de passe. Pour ajouter une colonne à vous : Révision > Ôter "
        "la protection. Une colonne en plus est gardée mais ignorée par les analyses.",
    ]
    for consigne in consignes:
        paragraphe(consigne)
    ligne += 1
    for table, infos in {"cluster": {"requise": True, "description": "Carte d'identité du cluster (clé, valeur)."},
                         **referentiel.tables()}.items():
        statut = "obligatoire" if infos["requise"] else "facultative"
        paragraphe(f"Feuille « {table} » ({statut})", gras=True, taille=13)
        paragraphe(" ".join(str(infos["description"]).split()))
        for j, titre in enumerate(("Colonne", "Obligatoire", "Ce qu'on y met", "Valeurs admises", "Exemple"), 1):
            cellule = feuille.cell(ligne, j, titre)
            cellule.font = Font(bold=True, color="FFFFFF")
            cellule.fill = PatternFill("solid", fgColor=BLEU)
            cellule.border = cadre
        ligne += 1
        description = referentiel.description_colonnes(table)
        liste = referentiel.fiche() if table == "cluster" else referentiel.colonnes(table)
        for colonne, (_, d) in zip(liste, description.iterrows(), strict=True):
            admises = _valeurs_admises(colonne)
            valeurs = (colonne.nom, d["obligatoire"], colonne.description, admises, colonne.exemple or "")
            for j, valeur in enumerate(valeurs, 1):
                cellule = feuille.cell(ligne, j, valeur)
                cellule.alignment = haut
                cellule.border = cadre
                cellule.number_format = "@"
            feuille.row_dimensions[ligne].height = _hauteur(list(zip(valeurs, largeurs.values(), strict=True)))
            ligne += 1
        ligne += 1
    paragraphe("Indicateurs de la grille (colonne « indicateur » de la feuille scores)", gras=True, taille=13)
    for _, ind in referentiel.indicateurs().iterrows():
        numero = feuille.cell(ligne, 1, ind["indicateur"])
        numero.number_format = "@"
        numero.alignment = haut
        feuille.merge_cells(start_row=ligne, start_column=2, end_row=ligne, end_column=5)
        cellule = feuille.cell(ligne, 2, ind["nom"])
        cellule.alignment = haut
        feuille.row_dimensions[ligne].height = _hauteur([(ind["nom"], sum(largeurs.values()) - largeurs["A"])])
        ligne += 1
    feuille.protection.sheet = True
    feuille.page_setup.orientation = "landscape"
    feuille.page_setup.paperSize = feuille.PAPERSIZE_A4
    feuille.page_setup.fitToWidth = 1
    feuille.page_setup.fitToHeight = 0
    feuille.sheet_properties.pageSetUpPr.fitToPage = True
    feuille.print_options.gridLines = False


def classeur_modele(jeu: JeuTexte | None = None) -> Any:
    """Le classeur modèle (objet openpyxl), vide ou rempli avec ``jeu``."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    classeur = openpyxl.Workbook()
    classeur.remove(classeur.active)
    _feuille_lire(classeur)
    _feuille_fiche(classeur, jeu.fiche if jeu else None)
    for table in referentiel.tables():
        _feuille_table(classeur, table, jeu.tables.get(table) if jeu else None)
    _listes(classeur)
    lettre_id = lettre_colonne([c.nom for c in referentiel.colonnes("acteurs")].index("id"))
    acteurs = jeu.tables.get("acteurs") if jeu else None
    derniere = max(LIGNES_SAISIE, len(acteurs) + 1 if acteurs is not None else 0)
    classeur.defined_names["ids_acteurs"] = DefinedName(
        "ids_acteurs", attr_text=f"acteurs!${lettre_id}$2:${lettre_id}${derniere}")
    for feuille in classeur.worksheets:
        if feuille.title not in (FEUILLE_LIRE, FEUILLE_LISTES):
            feuille.page_setup.orientation = "landscape"
            feuille.page_setup.paperSize = feuille.PAPERSIZE_A4
            feuille.page_setup.fitToWidth = 1
            feuille.page_setup.fitToHeight = 0
            feuille.sheet_properties.pageSetUpPr.fitToPage = True
            feuille.print_title_rows = "1:1"
    classeur.active = 0
    return classeur


def _valeurs(feuille: Any) -> list[tuple[Any, ...]]:
    """Les valeurs d'une feuille, lignes et colonnes vides de fin ôtées."""
    lignes = []
    for ligne in feuille.iter_rows(values_only=True):
        valeurs = [None if v == "" else v for v in ligne]
        while valeurs and valeurs[-1] is None:
            valeurs.pop()
        lignes.append(tuple(valeurs))
    while lignes and not lignes[-1]:
        lignes.pop()
    return lignes


def modele_vierge_intact(chemin: str | Path) -> bool:
    """Vrai si ``chemin`` est un modèle vierge tel que clusterlib l'écrit, sans rien de saisi.

    Le remplacer ne perd donc rien : c'est ce qui permet de relancer ``clusterlib templates``
    dans le même dossier. Dès qu'une cellule diffère du modèle vierge (un acteur, le nom du
    cluster…), le classeur est celui d'un cluster et n'est jamais remplacé.
    """
    import openpyxl

    chemin = Path(chemin)
    if not chemin.is_file() or chemin.stat().st_size > 5_000_000:
        return False
    try:
        classeur = openpyxl.load_workbook(chemin, read_only=True, data_only=True)
    except Exception:  # classeur abîmé ou autre chose : on ne le remplace pas
        return False
    try:
        vierge = classeur_modele(None)
        if classeur.sheetnames != vierge.sheetnames:
            return False
        return all(_valeurs(classeur[nom]) == _valeurs(vierge[nom]) for nom in vierge.sheetnames)
    except Exception:  # feuille illisible : prudence, on ne remplace pas
        return False
    finally:
        classeur.close()


def ecrire_modele(chemin: str | Path, jeu: JeuTexte | None = None) -> Path:
    """Écrit le modèle Excel (vide, ou rempli avec ``jeu``) dans ``chemin``, atomiquement.

    Si ``chemin`` est un dossier, le fichier s'y appelle ``modele_cluster.xlsx``. Le modèle ne
    s'écrit jamais dans le dossier d'un jeu de données ; vide, il ne remplace jamais le classeur
    d'un cluster (:class:`~clusterlib.fichiers.ErreurSortie`), seulement un modèle vierge resté
    intact (:func:`modele_vierge_intact`).
    """
    chemin = Path(chemin)
    if chemin.suffix.lower() != ".xlsx":
        chemin = chemin / NOM_MODELE
    verifier_sortie(chemin, commande="modèle Excel", dossier=False,
                    jeu_admis=jeu is not None or modele_vierge_intact(chemin))
    classeur = proteger_classeur(classeur_modele(jeu))  # aucune cellule venue des données n'est une formule
    with ecriture_atomique(chemin) as temporaire:
        classeur.save(temporaire)
    return chemin


# --- Modèles et formulaires d'une campagne de collecte --------------------------------------------

DOSSIER_FORMULAIRES = "kobo"


@dataclass(frozen=True)
class ModelesEcrits:
    """Ce que :func:`ecrire_modeles` a écrit.

    ``formulaires`` : pour chaque formulaire XLSForm écrit, son chemin et ``None`` s'il est
    accepté par pyxform, sinon le message (en français) qui dit pourquoi il est refusé.
    """

    modele: Path
    dossier_formulaires: Path
    formulaires: tuple[tuple[Path, str | None], ...]

    @property
    def refuses(self) -> list[str]:
        """Les messages des formulaires refusés par pyxform (vide si tous sont acceptés)."""
        return [message for _, message in self.formulaires if message is not None]


def ecrire_modeles(dossier: str | Path) -> ModelesEcrits:
    """Écrit le modèle Excel et les formulaires XLSForm (ce que fait ``clusterlib templates``).

    ``dossier/modele_cluster.xlsx`` et ``dossier/kobo/*.xlsx`` (grille et quatre fiches de
    l'annexe 2) ; chaque formulaire est ensuite converti par pyxform, et un refus est rendu
    dans :attr:`ModelesEcrits.formulaires` (le fichier reste écrit). Lève
    :class:`~clusterlib.fichiers.ErreurSortie` si ``dossier`` est un fichier ou touche un jeu
    de données, ``OSError`` si l'écriture échoue.
    """
    from clusterlib.collecte.xlsform import ErreurFormulaire, convertir, ecrire_formulaires

    dossier = Path(dossier)
    if dossier.exists() and not dossier.is_dir():
        raise ErreurSortie(f"clusterlib templates : {dossier} est un fichier ; attendu : un dossier (créé s'il "
                           "n'existe pas)")
    verifier_sortie(dossier, commande="clusterlib templates", dossier=True)
    verifier_sortie(dossier / DOSSIER_FORMULAIRES, commande="clusterlib templates", dossier=True)
    modele = ecrire_modele(dossier / NOM_MODELE)
    verifies: list[tuple[Path, str | None]] = []
    for chemin in ecrire_formulaires(dossier / DOSSIER_FORMULAIRES):
        try:
            convertir(chemin)
        except ErreurFormulaire as exc:
            verifies.append((chemin, str(exc)))
        else:
            verifies.append((chemin, None))
    return ModelesEcrits(modele, dossier / DOSSIER_FORMULAIRES, tuple(verifies))
