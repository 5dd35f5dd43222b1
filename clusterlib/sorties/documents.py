"""Documents imprimables de l'atelier et du suivi : Word (``.docx``) ou Excel (``.xlsx``).

Le coach imprime pour l'atelier les tableaux 7 à 11 préremplis avec les données du cluster,
ou vierges ; le planning de l'atelier ; le tableau de suivi pour la revue de campagne ; les
listes de contrôle à cocher. Le format suit l'extension du chemin demandé. Les pages sont en
A4 paysage, l'en-tête des tableaux se répète à chaque page, et les lignes à remplir à la main
sont assez hautes pour écrire. Tous les fichiers s'écrivent de façon atomique : un échec ne
laisse jamais de document à moitié écrit.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from clusterlib.analyses import listes_controle as lc
from clusterlib.analyses import planification as pl
from clusterlib.fichiers import ecriture_atomique, proteger_classeur, verifier_sortie
from clusterlib.presentation import planification as textes_planification
from clusterlib.presentation.format_fr import fcfa_auto, nombre, pourcentage, typographie
from clusterlib.presentation.listes_controle import message_liste

if TYPE_CHECKING:
    from clusterlib.analyses.atelier import Agenda
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "ErreurDocument",
    "document_agenda",
    "document_liste",
    "document_suivi",
    "dossier_atelier",
    "ecrire_tableaux",
    "modeles_vierges",
    "typographier_docx",
]

LARGEUR_UTILE_CM = 26.7
"""Largeur utile d'une page A4 paysage avec des marges de 1,5 cm."""
_GRIS_ENTETE = "D9E2EC"
_GRIS_PARTIE = "EEF2F6"
_GRIS_PAUSE = "F2F2F2"
_HAUTEUR_VIERGE_CM = 1.25


class ErreurDocument(ValueError):
    """Le document demandé ne peut pas être produit (extension inconnue…) ; message en français."""


def _format(chemin: str | Path) -> str:
    suffixe = Path(chemin).suffix.lower()
    if suffixe not in (".docx", ".xlsx"):
        raise ErreurDocument(f"format « {suffixe or '(aucune extension)'} » non prévu pour {Path(chemin).name} ; "
                             "attendu : un nom de fichier en .docx (Word) ou .xlsx (Excel)")
    return suffixe[1:]


# --- Word ------------------------------------------------------------------------------------------


def _ombrer(cellule: Any, couleur: str) -> None:
    proprietes = cellule._tc.get_or_add_tcPr()
    ombre = OxmlElement("w:shd")
    ombre.set(qn("w:val"), "clear")
    ombre.set(qn("w:color"), "auto")
    ombre.set(qn("w:fill"), couleur)
    proprietes.append(ombre)


def _repeter_entete(ligne: Any) -> None:
    proprietes = ligne._tr.get_or_add_trPr()
    entete = OxmlElement("w:tblHeader")
    entete.set(qn("w:val"), "true")
    proprietes.append(entete)


def _ne_pas_couper(ligne: Any) -> None:
    proprietes = ligne._tr.get_or_add_trPr()
    proprietes.append(OxmlElement("w:cantSplit"))


def _ecrire_cellule(cellule: Any, texte: str, taille: float = 8.5, gras: bool = False, italique: bool = False) -> None:
    paragraphe = cellule.paragraphs[0]
    paragraphe.paragraph_format.space_after = Pt(0)
    run = paragraphe.add_run(texte)
    run.font.size = Pt(taille)
    run.bold = gras
    run.italic = italique


def _nouveau_document(titre: str, sous_titre: str = "", paysage: bool = True) -> Any:
    doc = Document()
    section = doc.sections[0]
    if paysage:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for cote in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, cote, Cm(1.5))
    normal = doc.styles["Normal"]
    normal.font.name = "Liberation Sans"
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Liberation Sans")
    for nom in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[nom]
        style.font.name = "Liberation Sans"
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    doc.styles["Title"].font.size = Pt(20)
    doc.core_properties.title = titre
    doc.core_properties.language = "fr-FR"
    doc.add_heading(titre, level=0)
    if sous_titre:
        p = doc.add_paragraph(sous_titre)
        p.runs[0].italic = True
    pied = section.footer.paragraphs[0]
    pied.text = f"{titre} · page "
    pied.runs[0].font.size = Pt(8)
    champ = OxmlElement("w:fldSimple")
    champ.set(qn("w:instr"), "PAGE")
    pied._p.append(champ)
    return doc


def _largeurs_cm(colonnes: list[str], largeurs: dict[str, float], utile: float) -> list[float]:
    brutes = [largeurs.get(c, 4.0) for c in colonnes]
    total = sum(brutes)
    return [utile * b / total for b in brutes]


def _table_docx(doc: Any, tableau: textes_planification.TableauAtelier, utile: float = LARGEUR_UTILE_CM) -> None:
    """Écrit un tableau de l'atelier dans le document : intitulé, note, tableau, intertitres de partie."""
    doc.add_heading(tableau.intitule, level=2)
    if tableau.note:
        p = doc.add_paragraph(tableau.note)
        p.runs[0].italic = True
        p.runs[0].font.size = Pt(8.5)
    colonnes = [c for c in tableau.colonnes if c in tableau.donnees.columns]
    largeurs = _largeurs_cm(colonnes, tableau.largeurs, utile)
    table = doc.add_table(rows=1, cols=len(colonnes))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    entete = table.rows[0]
    _repeter_entete(entete)
    for i, c in enumerate(colonnes):
        cellule = entete.cells[i]
        cellule.width = Cm(largeurs[i])
        _ecrire_cellule(cellule, tableau.colonnes[c], taille=8.5, gras=True)
        _ombrer(cellule, _GRIS_ENTETE)
    for i, largeur in enumerate(largeurs):
        table.columns[i].width = Cm(largeur)
    partie_courante = None
    for _, ligne in tableau.donnees.iterrows():
        partie = ligne[tableau.intertitre] if tableau.intertitre else None
        if partie and partie != partie_courante:
            partie_courante = partie
            rang = table.add_row()
            _ne_pas_couper(rang)
            fusion = rang.cells[0].merge(rang.cells[-1])
            _ecrire_cellule(fusion, str(partie), taille=8.5, gras=True)
            _ombrer(fusion, _GRIS_PARTIE)
        rang = table.add_row()
        vide = all(str(ligne[c]).strip() == "" for c in colonnes if c not in ("ligne", "rubrique", "element"))
        if vide:
            rang.height = Cm(_HAUTEUR_VIERGE_CM)
            rang.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for i, c in enumerate(colonnes):
            cellule = rang.cells[i]
            cellule.width = Cm(largeurs[i])
            texte = str(ligne[c]) if pd.notna(ligne[c]) else ""
            _ecrire_cellule(cellule, texte, gras=c in ("rubrique", "ligne"),
                            italique=texte.startswith(textes_planification.A_COMPLETER))
    doc.add_paragraph()


def _cadre_docx(doc: Any, cadre: pd.DataFrame, largeurs: Sequence[float] | None = None, titre: str = "",
                ombre_lignes: Sequence[bool] | None = None, utile: float = LARGEUR_UTILE_CM) -> None:
    """Écrit un tableau quelconque (colonnes déjà libellées)."""
    if titre:
        doc.add_heading(titre, level=2)
    colonnes = list(cadre.columns)
    largeurs_cm = _largeurs_cm(colonnes, dict(zip(colonnes, largeurs or [1.0] * len(colonnes), strict=True)), utile)
    table = doc.add_table(rows=1, cols=len(colonnes))
    table.style = "Table Grid"
    table.autofit = False
    for i, largeur in enumerate(largeurs_cm):
        table.columns[i].width = Cm(largeur)
    _repeter_entete(table.rows[0])
    for i, c in enumerate(colonnes):
        table.rows[0].cells[i].width = Cm(largeurs_cm[i])
        _ecrire_cellule(table.rows[0].cells[i], str(c), gras=True)
        _ombrer(table.rows[0].cells[i], _GRIS_ENTETE)
    for k, (_, ligne) in enumerate(cadre.iterrows()):
        rang = table.add_row()
        _ne_pas_couper(rang)
        for i, c in enumerate(colonnes):
            rang.cells[i].width = Cm(largeurs_cm[i])
            valeur = ligne[c]
            _ecrire_cellule(rang.cells[i], "" if pd.isna(valeur) else str(valeur))
            if ombre_lignes is not None and ombre_lignes[k]:
                _ombrer(rang.cells[i], _GRIS_PAUSE)
    doc.add_paragraph()


def _verifier(chemin: str | Path, cluster: Cluster | None = None) -> None:
    """Un document ne s'écrit jamais dans un jeu de données (ni à la place d'un classeur de cluster)."""
    entrees = [cluster.source] if cluster is not None and cluster.source is not None else []
    verifier_sortie(chemin, entrees, commande="document", dossier=False)


def _paragraphes(doc: Any) -> Iterator[Any]:
    """Tous les paragraphes d'un document Word : corps, tableaux (imbriqués compris), en-têtes et pieds."""
    def dans(conteneur: Any) -> Iterator[Any]:
        yield from conteneur.paragraphs
        for table in getattr(conteneur, "tables", []):
            for ligne in table.rows:
                for cellule in ligne.cells:
                    yield from dans(cellule)

    yield from dans(doc)
    for section in doc.sections:
        for partie in (section.header, section.footer):
            if not partie.is_linked_to_previous:  # sinon, le lire en créerait un vide
                yield from dans(partie)


def typographier_docx(doc: Any) -> None:
    """Applique la typographie française (:func:`typographie`) au texte de chaque passage du document."""
    for paragraphe in _paragraphes(doc):
        for run in paragraphe.runs:
            if run.text:
                nouveau = typographie(run.text)
                if nouveau != run.text:
                    run.text = nouveau


def _sauver_docx(doc: Any, chemin: str | Path) -> Path:
    chemin = Path(chemin)
    _verifier(chemin)
    typographier_docx(doc)
    with ecriture_atomique(chemin) as temporaire:
        doc.save(str(temporaire))
    return chemin


# --- Excel -----------------------------------------------------------------------------------------

_BORDURE = Border(*(Side(style="thin", color="999999"),) * 4)


def _feuille_xlsx(classeur: Workbook, nom: str, titre: str, note: str, cadre: pd.DataFrame,
                  largeurs: Sequence[float], vierges: Sequence[bool] | None = None) -> None:
    feuille = classeur.create_sheet(nom[:31])
    feuille["A1"] = titre
    feuille["A1"].font = Font(bold=True, size=13)
    if note:
        feuille["A2"] = note
        feuille["A2"].font = Font(italic=True, size=9)
    ligne0 = 4
    for j, c in enumerate(cadre.columns, start=1):
        cellule = feuille.cell(row=ligne0, column=j, value=str(c))
        cellule.font = Font(bold=True)
        cellule.fill = PatternFill("solid", fgColor=_GRIS_ENTETE)
        cellule.alignment = Alignment(wrap_text=True, vertical="top")
        cellule.border = _BORDURE
        feuille.column_dimensions[get_column_letter(j)].width = max(6.0, largeurs[j - 1] * 5.2)
    feuille.row_dimensions[ligne0].height = 13.0 * max(_lignes_cellule(str(c), max(6.0, lg * 5.2))
                                                       for c, lg in zip(cadre.columns, largeurs, strict=True)) + 2
    largeurs_car = [max(6.0, lg * 5.2) for lg in largeurs]
    for i, (_, ligne) in enumerate(cadre.iterrows(), start=1):
        lignes_texte = 1
        for j, c in enumerate(cadre.columns, start=1):
            valeur = ligne[c]
            cellule = feuille.cell(row=ligne0 + i, column=j, value=None if pd.isna(valeur) else valeur)
            cellule.alignment = Alignment(wrap_text=True, vertical="top")
            cellule.border = _BORDURE
            lignes_texte = max(lignes_texte, _lignes_cellule(valeur, largeurs_car[j - 1]))
        # Le tableur ne recalcule pas toujours la hauteur des lignes à l'ouverture : on l'estime.
        hauteur = 13.0 * lignes_texte + 2
        if vierges is not None and vierges[i - 1]:
            hauteur = max(hauteur, 40)
        feuille.row_dimensions[ligne0 + i].height = hauteur
    feuille.freeze_panes = feuille.cell(row=ligne0 + 1, column=1)
    feuille.print_title_rows = f"{ligne0}:{ligne0}"
    feuille.page_setup.orientation = "landscape"
    feuille.page_setup.paperSize = feuille.PAPERSIZE_A4
    feuille.page_setup.fitToWidth = 1
    feuille.page_setup.fitToHeight = 0
    feuille.sheet_properties.pageSetUpPr.fitToPage = True


def _lignes_cellule(valeur: Any, largeur_car: float) -> int:
    """Nombre de lignes qu'occupe un texte renvoyé à la ligne dans une colonne de ``largeur_car`` caractères."""
    if valeur is None or (not isinstance(valeur, str) and pd.isna(valeur)):
        return 1
    par_ligne = max(1, int(largeur_car * 1.05))
    return sum(max(1, -(-len(morceau) // par_ligne)) for morceau in str(valeur).split("\n"))


def _sauver_xlsx(classeur: Workbook, chemin: str | Path) -> Path:
    chemin = Path(chemin)
    _verifier(chemin)
    proteger_classeur(classeur)  # aucune cellule venue des données n'est une formule
    with ecriture_atomique(chemin) as temporaire:
        classeur.save(str(temporaire))
    return chemin


def _classeur() -> Workbook:
    classeur = Workbook()
    classeur.remove(classeur.active)
    return classeur


def _tableau_xlsx(classeur: Workbook, tableau: textes_planification.TableauAtelier) -> None:
    cadre = tableau.pour_affichage()
    colonnes = list(tableau.donnees[[tableau.intertitre] if tableau.intertitre else []].columns) + [
        c for c in tableau.colonnes if c in tableau.donnees.columns]
    largeurs = [tableau.largeurs.get(c, 4.0) for c in colonnes]
    vierges = [all(str(lg[c]).strip() == "" for c in colonnes if c not in ("partie", "ligne", "rubrique", "element"))
               for _, lg in tableau.donnees.iterrows()]
    nom = f"Tableau {tableau.numero}" if tableau.numero else "Suivi"
    _feuille_xlsx(classeur, nom, tableau.intitule, tableau.note, cadre, largeurs, vierges)


# --- Documents ---------------------------------------------------------------------------------------


def ecrire_tableaux(tableaux: Sequence[textes_planification.TableauAtelier], chemin: str | Path, titre: str,
                    sous_titre: str = "") -> Path:
    """Écrit une suite de tableaux de l'atelier dans un ``.docx`` (un titre par tableau) ou un
    ``.xlsx`` (une feuille par tableau)."""
    if _format(chemin) == "xlsx":
        classeur = _classeur()
        for t in tableaux:
            _tableau_xlsx(classeur, t)
        return _sauver_xlsx(classeur, chemin)
    doc = _nouveau_document(titre, sous_titre)
    for k, t in enumerate(tableaux):
        if k:
            doc.add_page_break()
        _table_docx(doc, t)
    return _sauver_docx(doc, chemin)


def _sous_titre_cluster(cluster: Cluster, campagne: str | None) -> str:
    texte = f"{cluster.nom} · campagne {campagne or cluster.campagne}"
    if cluster.fiche.donnees_fictives:
        texte += " · données fictives (exemple de formation)"
    return texte


def dossier_atelier(cluster: Cluster, chemin: str | Path, campagne: str | None = None,
                    vision: str | None = None) -> Path:
    """Le dossier de l'atelier de planification : tableaux 7 à 11 préremplis pour ce cluster.

    Lève :class:`~clusterlib.fichiers.ErreurSortie` si ``chemin`` est ou se trouve dans un jeu de données.
    """
    _verifier(chemin, cluster)
    tableaux = textes_planification.tableaux_atelier(cluster, campagne, vision)
    return ecrire_tableaux(tableaux, chemin, "Atelier de planification : tableaux de travail",
                           _sous_titre_cluster(cluster, campagne))


def modeles_vierges(chemin: str | Path) -> Path:
    """Les tableaux 7 à 11 et le tableau de suivi, vierges, à imprimer pour l'atelier ou la revue."""
    tableaux = [*textes_planification.tableaux_vierges(), textes_planification.tableau_suivi(None)]
    return ecrire_tableaux(tableaux, chemin, "Atelier de planification et suivi : modèles vierges",
                           "Cluster : ………………………………   Campagne : ……………   Date : ……………")


def document_agenda(agenda: Agenda, chemin: str | Path, titre: str | None = None) -> Path:
    """Le planning de l'atelier : en-tête, groupes de travail, rôles (dont le chef de village),
    puis un tableau par jour."""
    t = agenda.textes
    titre = titre or t["titre"]
    c = t["colonnes"]
    g = t["groupes_colonnes"]
    groupes = agenda.groupes.rename(columns=g)
    r = t["roles_colonnes"]
    roles = agenda.roles().rename(columns=r)[[r["role"], r["mission"]]]
    if _format(chemin) == "xlsx":
        classeur = _classeur()
        _feuille_xlsx(classeur, "Planning", titre, " · ".join([agenda.entete(), *agenda.remarques()]),
                      agenda.tableau(), [1.2, 4.0, 2.6, 6.0, 8.0, 2.6, 4.0])
        _feuille_xlsx(classeur, t["groupes_titre"], t["groupes_titre"], "", groupes, [3.0, 8.0, 4.0])
        _feuille_xlsx(classeur, t["roles_titre"], t["roles_titre"], "", roles, [4.0, 14.0])
        return _sauver_xlsx(classeur, chemin)
    doc = _nouveau_document(titre, agenda.entete())
    for remarque in agenda.remarques():
        doc.add_paragraph(remarque).runs[0].italic = True
    if len(agenda.groupes) > 1:
        _cadre_docx(doc, groupes, [3.0, 8.0, 4.0], titre=t["groupes_titre"])
    _cadre_docx(doc, roles, [4.5, 20.0], titre=t["roles_titre"])
    for jour, s in agenda.seances.groupby("jour", sort=True):
        date = s["date"].iloc[0]
        doc.add_heading(f"{t['jour']} {jour}" + (f" — {date}" if date else ""), level=2)
        cadre = pd.DataFrame({
            c["horaire"]: s["debut"] + " – " + s["fin"], c["seance"]: s["seance"], c["contenu"]: s["contenu"],
            c["format"]: s["format_libelle"], c["intervenants"]: s["intervenants"],
        })
        _cadre_docx(doc, cadre, [2.6, 6.0, 9.0, 2.8, 4.5], ombre_lignes=list(s["format"] == "pause"))
    return _sauver_docx(doc, chemin)


def document_suivi(cluster: Cluster, chemin: str | Path, date_reference: Any = None, campagne: str | None = None,
                   plan_precedent: pd.DataFrame | None = None, figures: Sequence[str | Path] = ()) -> Path:
    """Le dossier de la revue de campagne : état du plan, tableau de suivi, changements de l'analyse
    FFOM et des notes de la grille, figures éventuelles (chemins d'images PNG, Word seulement).

    Lève :class:`~clusterlib.fichiers.ErreurSortie` si ``chemin`` est ou se trouve dans un jeu de données.
    """
    _verifier(chemin, cluster)
    camp = campagne or cluster.campagne
    ref = pl.lire_date(date_reference)
    revue = pl.revue_campagne(cluster, ref, camp, plan_precedent)
    suivi = textes_planification.tableau_suivi(revue["actions"], camp)
    resume = revue["resume"]
    resume_fr = pd.DataFrame({
        "État": resume["libelle"], "Actions": resume["nb_actions"],
        "Part": [pourcentage(p, 0) for p in resume["part"]], "Budget": [fcfa_auto(b) for b in resume["budget"]],
    })
    ffom = textes_planification.table_evolution_ffom(revue["ffom"]).rename(columns={
        "objet": "Maillon ou relation", "type": "Type", "description": "Élément", "evolution": "Évolution",
        "campagne": "Campagne"})
    notes = revue["notes"]
    notes_fr = pd.DataFrame({
        "Indicateur": notes["indicateur"], "Nom": notes["nom"],
        "Note précédente": [nombre(v, 1) for v in notes["note_precedente"]],
        f"Note {camp}": [nombre(v, 1) for v in notes["note"]],
        "Écart": [("" if pd.isna(v) else ("+" if v > 0 else "")) + nombre(v, 1) for v in notes["ecart"]],
    })
    sous_titre = (f"{_sous_titre_cluster(cluster, camp)} · situation au "
                  f"{ref.day:02d}/{ref.month:02d}/{ref.year}")
    titre = f"Revue de campagne {camp}"
    if _format(chemin) == "xlsx":
        classeur = _classeur()
        _tableau_xlsx(classeur, suivi)
        _feuille_xlsx(classeur, "Etat du plan", "État du plan d'actions", sous_titre, resume_fr, [4, 2, 2, 4])
        _feuille_xlsx(classeur, "FFOM", "Ce qui a changé dans l'analyse FFOM", "", ffom, [5, 2.5, 12, 4, 2.5])
        _feuille_xlsx(classeur, "Grille", "Notes de la grille de fonctionnement", "", notes_fr, [2, 14, 3, 3, 2])
        return _sauver_xlsx(classeur, chemin)
    doc = _nouveau_document(titre, sous_titre)
    _cadre_docx(doc, resume_fr, [6, 2, 2, 4], titre="État du plan d'actions", utile=14)
    for figure in figures:
        doc.add_picture(str(figure), width=Cm(17))
    doc.add_page_break()
    _table_docx(doc, suivi)
    if len(ffom):
        doc.add_page_break()
        doc.add_heading("Ce qui a changé dans l'analyse FFOM", level=2)
        remarque = doc.add_paragraph("Un élément « plus cité » n'est pas forcément réglé : la revue le vérifie.")
        remarque.runs[0].italic = True
        _cadre_docx(doc, ffom, [5, 2.5, 12, 4, 2.5])
    if len(notes_fr):
        _cadre_docx(doc, notes_fr, [2, 14, 3, 3, 2], titre="Notes de la grille de fonctionnement")
    return _sauver_docx(doc, chemin)


def document_liste(nom: str, chemin: str | Path, resultat: lc.ResultatListe | None = None) -> Path:
    """Une liste de contrôle à imprimer : une case par réponse possible et une colonne pour les
    preuves ; avec ``resultat``, les réponses cochées et le score."""
    d = lc.definition(nom)
    ech = lc.echelle(nom)
    elements = lc.items(nom)
    reponses = {} if resultat is None else dict(zip(resultat.details["id"], resultat.details["reponse"], strict=True))
    cadre = pd.DataFrame({"N°": elements["id"], "Question": elements["question"], "À regarder": elements["preuves"]})
    for code, libelle in zip(ech["code"], ech["libelle"], strict=True):
        cadre[libelle] = ["☒" if reponses.get(i) == code else "☐" for i in elements["id"]]
    cadre["Remarques"] = ""
    largeurs = [1.2, 9.0, 5.0, *[1.6] * len(ech), 5.0]
    titre = d["titre"]
    note = f"{d['source']}. " + " ".join(d["description"].split())
    if _format(chemin) == "xlsx":
        classeur = _classeur()
        _feuille_xlsx(classeur, "Liste", titre, note, cadre, largeurs)
        return _sauver_xlsx(classeur, chemin)
    doc = _nouveau_document(titre, note)
    if resultat is not None:
        score = "—" if pd.isna(resultat.score) else f"{resultat.score:.0f} %"
        doc.add_paragraph(f"Score : {score} — {message_liste(resultat)}").runs[0].bold = True
    else:
        doc.add_paragraph("Cluster : …………………………   Date : ……………   Évaluateur : ……………………")
    _cadre_docx(doc, cadre, largeurs)
    return _sauver_docx(doc, chemin)
