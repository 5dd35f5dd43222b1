"""Fabrique les exports KoboToolbox de test à partir des formulaires de clusterlib.

Les fichiers imitent un export réel de KoboToolbox avec « valeurs et en-têtes XML » :
feuille principale puis une feuille par groupe répété, en-têtes avec le chemin des groupes
(séparateur /), deuxième ligne d'étiquettes HXL, choix multiples en une colonne de codes
et une colonne 0/1 par choix, position en colonnes _latitude/_longitude, nombres et dates
en texte, colonnes de métadonnées de Kobo (_id, _uuid, _index, _parent_index…).

Usage : ``python tests/kobo/fabriquer_exports.py`` (réécrit les fichiers de ce dossier).
Les tests vérifient que les fichiers rangés ici sont à jour avec les formulaires.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import openpyxl

from clusterlib.collecte import xlsform

DOSSIER = Path(__file__).resolve().parent
META_PRINCIPALE = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                   "_submitted_by", "__version__", "_tags", "_index"]
META_REPETITION = ["_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid",
                   "_submission__submission_time", "_submission__validation_status", "_submission__notes",
                   "_submission__status", "_submission__submitted_by", "_submission___version__",
                   "_submission__tags"]


def _structure(feuilles: dict[str, list[dict[str, str]]]) -> tuple[list[dict], dict[str, list[dict]]]:
    """Colonnes de la section principale et de chaque groupe répété, dans l'ordre du formulaire."""
    choix: dict[str, list[str]] = {}
    for ligne in feuilles["choices"]:
        choix.setdefault(ligne["list_name"], []).append(ligne["name"])
    principale: list[dict] = []
    repetitions: dict[str, list[dict]] = {}
    pile: list[tuple[str, bool]] = []
    for ligne in feuilles["survey"]:
        type_ = ligne["type"]
        if type_ in ("begin_group", "begin_repeat"):
            pile.append((ligne["name"], type_ == "begin_repeat"))
            if type_ == "begin_repeat":
                repetitions[ligne["name"]] = []
            continue
        if type_ in ("end_group", "end_repeat"):
            pile.pop()
            continue
        repetition = next((g for g, r in reversed(pile) if r), None)
        cible = repetitions[repetition] if repetition else principale
        chemin = "/".join([g for g, _ in pile] + [ligne["name"]])
        hxl = ligne.get("hxl", "")
        cible.append({"entete": chemin, "hxl": hxl, "question": ligne["name"], "sorte": "valeur"})
        morceaux = type_.split()
        if morceaux[0] == "select_multiple":
            for code in choix[morceaux[1]]:
                cible.append({"entete": f"{chemin}/{code}", "hxl": "", "question": ligne["name"],
                              "sorte": "choix", "code": code})
        if morceaux[0] == "geopoint":
            parent = "/".join(g for g, _ in pile)
            for partie in ("latitude", "longitude", "altitude", "precision"):
                cible.append({"entete": f"_{parent}/{ligne['name']}_{partie}" if parent else
                              f"_{ligne['name']}_{partie}", "hxl": "", "question": ligne["name"],
                              "sorte": partie})
    return principale, repetitions


def _cellule(colonne: dict, reponses: dict[str, Any]) -> str:
    valeur = reponses.get(colonne["question"], "")
    if colonne["sorte"] == "valeur":
        return str(valeur)
    if colonne["sorte"] == "choix":
        return "" if not valeur else ("1" if colonne["code"] in str(valeur).split() else "0")
    morceaux = str(valeur).split()
    position = ["latitude", "longitude", "altitude", "precision"].index(colonne["sorte"])
    return morceaux[position] if len(morceaux) > position else ""


def lignes_export(nature: str, soumissions: list[dict[str, Any]], sans: tuple[str, ...] = (),
                  hxl: bool = True) -> dict[str, list[list[Any]]]:
    """Les feuilles d'un export : {nom de feuille: lignes (en-tête, HXL, données)}.

    Chaque soumission : ``{"uuid": …, "reponses": {question: texte}, "partenaires": [{question: texte}]}``.
    ``sans`` : en-têtes à retirer (pour fabriquer un export qui ne correspond plus au formulaire).
    """
    feuilles = xlsform.feuilles_grille() if nature == xlsform.GRILLE else xlsform.feuilles_fiche(nature)
    titre = feuilles["settings"][0]["form_title"]
    version = feuilles["settings"][0]["version"]
    principale, repetitions = _structure(feuilles)
    principale = [c for c in principale if c["entete"] not in sans]
    nom_principale = "".join(c for c in titre if c not in ":\\/?*[]")[:31]
    resultat: dict[str, list[list[Any]]] = {}
    lignes = [[c["entete"] for c in principale] + META_PRINCIPALE]
    if hxl:
        lignes.append([c["hxl"] for c in principale] + [""] * len(META_PRINCIPALE))
    for i, s in enumerate(soumissions, 1):
        meta = [str(1000 + i), s["uuid"], f"2025-11-{10 + i:02d}T09:{10 + i:02d}:00", "", "", "submitted_via_web",
                "coach_terrain", version, "", str(i)]
        lignes.append([_cellule(c, s["reponses"]) for c in principale] + meta)
    resultat[nom_principale] = lignes
    for nom, colonnes in repetitions.items():
        colonnes = [c for c in colonnes if c["entete"] not in sans]
        lignes = [[c["entete"] for c in colonnes] + META_REPETITION]
        if hxl:
            lignes.append([c["hxl"] for c in colonnes] + [""] * len(META_REPETITION))
        index = 0
        for i, s in enumerate(soumissions, 1):
            for partenaire in s.get(nom, []):
                index += 1
                meta = [str(index), nom_principale, str(i), str(1000 + i), s["uuid"],
                        f"2025-11-{10 + i:02d}T09:{10 + i:02d}:00", "", "", "submitted_via_web", "coach_terrain",
                        version, ""]
                lignes.append([_cellule(c, partenaire) for c in colonnes] + meta)
        resultat[nom] = lignes
    return resultat


def ecrire_xlsx(feuilles: dict[str, list[list[Any]]], chemin: Path) -> Path:
    classeur = openpyxl.Workbook()
    classeur.remove(classeur.active)
    for nom, lignes in feuilles.items():
        feuille = classeur.create_sheet(nom)
        for ligne in lignes:
            feuille.append([v if v != "" else None for v in ligne])
    classeur.save(chemin)
    return chemin


def ecrire_csv_kobo(lignes: list[list[Any]], chemin: Path) -> Path:
    """CSV « ancien format » de Kobo : point-virgule, tous les champs entre guillemets."""
    with chemin.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";", quoting=csv.QUOTE_ALL).writerows(lignes)
    return chemin


# --- Les données des exports ----------------------------------------------------------------------

ENQUETE = {"cluster": "Cluster riz étuvé de Glazoué", "filiere": "riz", "campagne": "2025-2026",
           "enqueteur": "Awa Dossou", "date_enquete": "2025-11-12", "start": "2025-11-12T08:55:00.000+01:00",
           "end": "2025-11-12T09:40:00.000+01:00", "today": "2025-11-12"}


def _reponses(nom: str, maillon: str, forme: str, commune: str, effectif: str, femmes: str,
              **autres: str) -> dict[str, str]:
    """Les réponses d'une fiche : l'enquête, l'acteur enquêté (nom, maillon, forme, commune, effectif,
    dont femmes), puis les autres questions par leur nom."""
    return {**ENQUETE, "nom_acteur": nom, "maillon": maillon, "forme": forme, "commune": commune,
            "effectif": effectif, "femmes": femmes, **autres}


def _partenaire(nom: str, maillon: str, forme: str, commune: str, sens: str, type_relation: str,
                **autres: str) -> dict[str, str]:
    """Les réponses du groupe répété « partenaires » : le partenaire (nom, maillon, forme, commune),
    le sens et le type de la relation, puis les autres questions par leur nom."""
    return {"nom_partenaire": nom, "maillon_partenaire": maillon, "forme_partenaire": forme,
            "commune_partenaire": commune, "sens": sens, "type_relation": type_relation, **autres}


SOUMISSIONS_OP = [
    {"uuid": "0b7c1f0e-5d2a-4c1b-9a51-6f3d2e1c0a01",
     "reponses": _reponses(
         "Coopérative des riziculteurs de Kpakpaza", "producteur", "cooperative", "Glazoué", "120", "45",
         gps="7.9812 2.2391 212 5.0", repondant="Romaric Olou", fonction_repondant="Président",
         telephone="+229 97 12 34 56", annee_creation="2012", annee_demarrage="2013",
         services_membres="intrants vente_groupee conseil", zone_couverture="Kpakpaza, Ouèdèmè",
         ressources_propres="cotisations prelevement", produits="paddy", contrat_vente="oui",
         contrat_vente_bilan="Prix fixé avant le semis ; paiement parfois en retard.", contrat_appro="non",
         creuset="oui", creuset_pilote="Union des étuveuses", creuset_frequence="trimestrielle",
         besoins_appui="Batteuse et aire de séchage."),
     "partenaires": [
         _partenaire("Union des étuveuses de riz de Glazoué", "transformateur", "union", "Glazoué", "client",
                     "produit", produit="paddy", volume="118.5", unite="tonne", prix_unitaire="205000",
                     periodicite="mensuelle", contrat="ecrit", depuis="2019", respect="90",
                     contenu_contrat="Quantité, prix, qualité du paddy, avance sur intrants",
                     bilan_contrat="Bien respecté ; retards de paiement en fin de campagne."),
         _partenaire("Ets Agbo Intrants", "fournisseur_intrants_production", "entreprise", "Dassa-Zoumè",
                     "fournisseur", "intrants", produit="engrais NPK", volume="300", unite="sac de 50 kg",
                     prix_unitaire="17500", contrat="verbal", depuis="2021", respect="80",
                     contenu_contrat="Livraison avant le 15 juin, paiement à la récolte"),
         _partenaire("Caisse locale de crédit de Glazoué", "services_financiers", "sfd", "Glazoué", "fournisseur",
                     "credit", produit="crédit de campagne", volume="1", unite="prêt", prix_unitaire="2500000",
                     contrat="ecrit", depuis="2020", respect="100"),
     ]},
    {"uuid": "0b7c1f0e-5d2a-4c1b-9a51-6f3d2e1c0a02",
     "reponses": _reponses(
         "Groupement Sèwanou des riziculteurs de Dassa", "producteur", "groupement", "Dassa-Zoumè", "35", "20",
         repondant="Solange Adigbè", telephone="01 66 12 34 56", annee_creation="2018",
         services_membres="vente_groupee", produits="paddy", contrat_vente="non", contrat_appro="non",
         creuset="non"),
     "partenaires": [
         _partenaire("Union des étuveuses de riz de Glazoué", "transformateur", "union", "Glazoué", "client",
                     "produit", produit="paddy", volume="40", unite="tonne", prix_unitaire="200000",
                     contrat="aucun", depuis="2022"),
     ]},
    {"uuid": "0b7c1f0e-5d2a-4c1b-9a51-6f3d2e1c0a03",
     "reponses": _reponses(
         "Hubert Ayéna, riziculteur à Glazoué", "producteur", "individu", "Glazoué", "1", "0",
         repondant="Hubert Ayéna", telephone="0197654321", produits="paddy", contrat_vente="non",
         contrat_appro="non", creuset="non"),
     "partenaires": []},
]

SOUMISSIONS_TC = [
    {"uuid": "5e2d9c44-81aa-4b6e-b0c7-2a9f7d3e0b01",
     "reponses": _reponses(
         "Union des étuveuses de riz de Glazoué", "transformateur", "union", "Glazoué", "412", "398",
         id_acteur="T01", repondant="Honorine Olou", telephone="97 00 11 22", annee_demarrage="2009",
         produits="riz étuvé blanchi", contrat_vente="oui", contrat_appro="oui", reseau="oui",
         reseau_membres="OP de Glazoué et de Dassa", pratiques="contractualisation services_integres",
         rencontres="oui", rencontres_frequence="trimestrielle",
         outils_gestion="responsable comptabilite stocks"),
     "partenaires": [
         _partenaire("Coopérative des riziculteurs de Kpakpaza", "producteur", "cooperative", "Glazoué",
                     "fournisseur", "produit", produit="paddy", volume="120", unite="tonne",
                     prix_unitaire="205000", contrat="ecrit", depuis="2019", respect="85"),
         _partenaire("Supermarché Le Grenier de Cotonou", "marche", "entreprise", "Cotonou", "client", "produit",
                     produit="riz étuvé blanchi", volume="45", unite="tonne", prix_unitaire="650000",
                     periodicite="mensuelle", contrat="ecrit", depuis="2023", respect="75",
                     bilan_contrat="Exigeant sur l'emballage ; paie à 30 jours."),
     ]},
]


def _notes(evaluateur: str, notes: dict[str, int], uuid: str) -> dict[str, Any]:
    reponses: dict[str, Any] = {"cluster": "Cluster riz étuvé de Glazoué", "campagne": "2025-2026",
                                "evaluateur": evaluateur, "date_evaluation": "2025-12-02",
                                "start": "2025-12-02T10:00:00.000+01:00", "end": "2025-12-02T11:30:00.000+01:00",
                                "today": "2025-12-02"}
    for ident, note in notes.items():
        reponses[xlsform.nom_question_indicateur(ident, "note")] = note
        reponses[xlsform.nom_question_indicateur(ident, "justif")] = f"Constat de l'atelier pour {ident}."
    return {"uuid": uuid, "reponses": reponses}


SOUMISSIONS_GRILLE = [
    _notes("Coach externe", {"1.1": 2, "1.2": 3, "3.1": 4, "3.2": 3, "5.3": 1}, "9a0e7b52-3c11-4f5e-8d2a-1b2c3d4e5f01"),
    _notes("Représentant des producteurs", {"1.1": 3, "1.2": 3, "3.1": 3}, "9a0e7b52-3c11-4f5e-8d2a-1b2c3d4e5f02"),
]


def _en_nombres(feuilles: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """Comme un export sans l'option « nombres en texte » : les notes deviennent des nombres."""
    def nombre(v: Any) -> Any:
        return int(v) if isinstance(v, str) and len(v) == 1 and v.isdigit() else v

    return {nom: lignes[:2] + [[nombre(v) for v in ligne] for ligne in lignes[2:]] for nom, lignes in feuilles.items()}


def fabriquer(dossier: Path = DOSSIER) -> list[Path]:
    """Écrit tous les exports de test dans ``dossier`` ; renvoie les chemins."""
    dossier.mkdir(parents=True, exist_ok=True)
    op = lignes_export("organisation_producteurs", SOUMISSIONS_OP)
    chemins = [ecrire_xlsx(op, dossier / "export_fiche_op.xlsx"),
               ecrire_csv_kobo(next(iter(op.values())), dossier / "export_fiche_op.csv"),
               ecrire_xlsx(lignes_export("transformateurs_commercants", SOUMISSIONS_TC),
                           dossier / "export_fiche_tc.xlsx"),
               ecrire_xlsx(_en_nombres(lignes_export(xlsform.GRILLE, SOUMISSIONS_GRILLE)),
                           dossier / "export_grille.xlsx")]
    # Exports qui ne correspondent plus au formulaire.
    absentes = lignes_export("organisation_producteurs", SOUMISSIONS_OP,
                             sans=("acteur/maillon", "activites/partenaires/contrat"))
    chemins.append(ecrire_xlsx(absentes, dossier / "export_colonnes_absentes.xlsx"))
    inconnus = lignes_export("organisation_producteurs", SOUMISSIONS_OP)
    principale, partenaires = (inconnus[n] for n in inconnus)
    entetes = principale[0]
    principale[2][entetes.index("acteur/maillon")] = "riziculteur"
    principale[3][entetes.index("activites/contrat_vente")] = "peut-etre"
    partenaires[3][partenaires[0].index("activites/partenaires/contrat")] = "ecrit_signe"
    partenaires[4][partenaires[0].index("activites/partenaires/volume")] = "beaucoup"
    chemins.append(ecrire_xlsx(inconnus, dossier / "export_codes_inconnus.xlsx"))
    return chemins


if __name__ == "__main__":
    for chemin in fabriquer(Path(sys.argv[1]) if len(sys.argv) > 1 else DOSSIER):
        print(chemin)
