"""Génère l'échantillon de hub : huit clusters de riz **fictifs**, trois départements, trois campagnes.

Usage (depuis la racine du dépôt) :

    python data/generer_hub.py            # réécrit data/hub/
    python data/generer_hub.py --out DIR  # écrit ailleurs

Le tirage est seedé (``GRAINE``) : deux exécutions donnent exactement les mêmes fichiers,
et la copie commitée dans ``data/hub/`` est la sortie de ce script. Tout est inventé :
noms d'organisations, de personnes, chiffres. Chaque fiche porte ``donnees_fictives: true``.

Ce que l'échantillon montre, pour exercer les analyses de hub (banque de clusters) :

- Collines : un cluster fort (Dassa-Zoumè), un cluster qui progresse (Savè) et une
  dynamique émergente sans agrégateur ni fournisseur d'intrants relié (Bantè) ;
- Ouémé : un cluster qui décline (Dangbo : contrats de moins en moins respectés) et un
  cluster moyen et stable (Adjohoun) ;
- Alibori : un cluster qui progresse (Malanville), un cluster faible (Karimama) et un
  cluster moyen (Kandi) ;
- des acteurs communs : un grossiste de Cotonou et un riz du Nord enregistrés au registre
  (``id_national`` identique : même acteur, sûr), une commerçante de Parakou et le marché
  de Dantokpa saisis sans identifiant, parfois avec une autre casse (même acteur probable).
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
from pathlib import Path

GRAINE = 2026
CAMPAGNES = ("2023-2024", "2024-2025", "2025-2026")

COMMUNES = {
    "Dassa-Zoumè": (7.75, 2.18), "Glazoué": (7.97, 2.24), "Savè": (8.03, 2.49), "Bantè": (8.42, 1.88),
    "Dangbo": (6.58, 2.55), "Adjohoun": (6.70, 2.48), "Malanville": (11.86, 3.39), "Karimama": (12.07, 3.18),
    "Kandi": (11.13, 2.94), "Cotonou": (6.37, 2.39), "Parakou": (9.34, 2.63),
}

# Profils : note de base de la grille par campagne (None : pas notée), part des contrats écrits
# par campagne, respect moyen (%) par campagne, évolution des volumes.
PROFILS = {
    "fort": {"notes": (3.0, 3.3, 3.6), "ecrit": 0.85, "respect": (84, 88, 92), "volumes": (1.0, 1.12, 1.25)},
    "progresse": {"notes": (2.0, 2.5, 2.9), "ecrit": 0.6, "respect": (68, 75, 82), "volumes": (1.0, 1.1, 1.2)},
    "moyen": {"notes": (2.5, 2.6, 2.6), "ecrit": 0.5, "respect": (70, 71, 70), "volumes": (1.0, 1.02, 1.03)},
    "declin": {"notes": (3.0, 2.5, 1.9), "ecrit": 0.45, "respect": (78, 62, 48), "volumes": (1.0, 0.85, 0.7)},
    "faible": {"notes": (1.8, 1.9, 2.2), "ecrit": 0.25, "respect": (55, 57, 60), "volumes": (1.0, 1.0, 1.05)},
    "emergent": {"notes": (None, 1.3, 1.6), "ecrit": 0.0, "respect": (50, 52, 55), "volumes": (1.0, 1.05, 1.1)},
}

CLUSTERS = [
    {"id": "riz-dassa-zoume", "nom": "Cluster riz étuvé de Dassa-Zoumè", "departement": "Collines",
     "communes": ["Dassa-Zoumè", "Glazoué"], "profil": "fort", "modele": "ESOP", "producteurs": 26,
     "agregateur": "Union des étuveuses Kpèdékpo de Dassa-Zoumè"},
    {"id": "riz-save", "nom": "Cluster riz de Savè", "departement": "Collines", "communes": ["Savè"],
     "profil": "progresse", "modele": "ABC", "producteurs": 22, "agregateur": "Rizerie Oké-Owo de Savè"},
    {"id": "riz-bante", "nom": "Dynamique émergente du riz de Bantè", "departement": "Collines",
     "communes": ["Bantè"], "profil": "emergent", "modele": None, "producteurs": 12, "agregateur": None},
    {"id": "riz-dangbo", "nom": "Cluster riz de la vallée de Dangbo", "departement": "Ouémé",
     "communes": ["Dangbo"], "profil": "declin", "modele": "ESSOR", "producteurs": 20,
     "agregateur": "Union des riziculteurs de la vallée de l'Ouémé"},
    {"id": "riz-adjohoun", "nom": "Cluster riz d'Adjohoun", "departement": "Ouémé", "communes": ["Adjohoun"],
     "profil": "moyen", "modele": "GIZ-Enabel", "producteurs": 18, "agregateur": "Coopérative Hounwa d'Adjohoun"},
    {"id": "riz-malanville", "nom": "Cluster riz de Malanville", "departement": "Alibori",
     "communes": ["Malanville"], "profil": "progresse", "modele": "ABC", "producteurs": 30,
     "agregateur": "Rizerie de la vallée du Niger"},
    {"id": "riz-karimama", "nom": "Cluster riz de Karimama", "departement": "Alibori", "communes": ["Karimama"],
     "profil": "faible", "modele": "autre", "producteurs": 16, "agregateur": "Groupement Goumbi de Karimama"},
    {"id": "riz-kandi", "nom": "Cluster riz de Kandi", "departement": "Alibori", "communes": ["Kandi"],
     "profil": "moyen", "modele": "ESOP", "producteurs": 18, "agregateur": "Union communale des étuveuses de Kandi"},
]

# Acteurs communs à plusieurs clusters : (nom saisi par cluster, commune, maillon, forme, id_national, clusters).
PARTAGES = [
    {"noms": {"*": "Établissements Gbèdji et Fils"}, "commune": "Cotonou", "maillon": "commercant",
     "forme": "entreprise", "id_national": "BJ-RCCM-2012-B-0457",
     "clusters": ["riz-dassa-zoume", "riz-save", "riz-dangbo", "riz-adjohoun", "riz-malanville"]},
    {"noms": {"*": "Riz du Nord SARL"}, "commune": "Malanville", "maillon": "commercant", "forme": "entreprise",
     "id_national": "BJ-RCCM-2018-B-1123", "clusters": ["riz-malanville", "riz-karimama", "riz-kandi"]},
    {"noms": {"*": "Alimatou Sanni, commerçante de riz", "riz-bante": "Alimatou SANNI, commerçante de riz",
              "riz-karimama": "Alimatou  Sanni commerçante de riz"},
     "commune": "Parakou", "maillon": "commercant", "forme": "individu", "id_national": None,
     "clusters": ["riz-save", "riz-bante", "riz-malanville", "riz-karimama"]},
    {"noms": {"*": "Marché de Dantokpa", "riz-adjohoun": "Marché de DANTOKPA"}, "commune": "Cotonou",
     "maillon": "marche", "forme": "autre", "id_national": None,
     "clusters": ["riz-dassa-zoume", "riz-save", "riz-dangbo", "riz-adjohoun"]},
    {"noms": {"*": "Agro-Intrants du Centre"}, "commune": "Dassa-Zoumè", "maillon": "fournisseur_intrants_production",
     "forme": "entreprise", "id_national": "BJ-RCCM-2016-B-0871",
     "clusters": ["riz-dassa-zoume", "riz-save", "riz-bante"]},
]

PRENOMS_F = ["Afiavi", "Bernadette", "Clémence", "Djamila", "Fatoumata", "Gisèle", "Hortense", "Mariam", "Rachida",
             "Sèna", "Yabo", "Zénabou"]
PRENOMS_H = ["Abdou", "Basile", "Cyrille", "Dossa", "Emmanuel", "Félicien", "Issa", "Jean", "Moussa", "Orou",
             "Sabi", "Théophile"]
NOMS = ["Adjovi", "Bio", "Chabi", "Dossou", "Gounou", "Houessou", "Kora", "Lokonon", "Mama", "Ogoubiyi",
        "Sanni", "Tchobo", "Yessoufou", "Zinsou"]


def _ecrire_csv(chemin: Path, colonnes: list[str], lignes: list[dict]) -> None:
    with chemin.open("w", encoding="utf-8", newline="") as flux:
        ecrivain = csv.DictWriter(flux, fieldnames=colonnes, lineterminator="\n")
        ecrivain.writeheader()
        for ligne in lignes:
            ecrivain.writerow({c: ("" if ligne.get(c) is None else ligne.get(c)) for c in colonnes})


def _coordonnees(alea: random.Random, commune: str) -> tuple[float, float]:
    lat, lon = COMMUNES[commune]
    return round(lat + alea.uniform(-0.06, 0.06), 4), round(lon + alea.uniform(-0.06, 0.06), 4)


def _cluster(alea: random.Random, spec: dict) -> dict[str, list[dict]]:
    profil = PROFILS[spec["profil"]]
    communes = spec["communes"]
    acteurs: list[dict] = []

    def acteur(ident: str, nom: str, maillon: str, forme: str, commune: str, effectif: int, femmes: int,
               id_national: str | None = None) -> str:
        lat, lon = _coordonnees(alea, commune)
        acteurs.append({"id": ident, "nom": nom, "maillon": maillon, "forme": forme, "commune": commune,
                        "effectif": effectif, "femmes": femmes, "latitude": lat, "longitude": lon,
                        "id_national": id_national})
        return ident

    emergent = spec["agregateur"] is None
    agregateur = None
    if not emergent:
        effectif = alea.randint(60, 320)
        agregateur = acteur("T01", spec["agregateur"], "transformateur",
                            "entreprise" if spec["agregateur"].startswith("Rizerie") else "union", communes[0],
                            effectif, int(effectif * alea.uniform(0.55, 0.95)))
        for k in range(2, 2 + alea.randint(2, 3)):
            commune = alea.choice(communes)
            effectif = alea.randint(18, 45)
            acteur(f"T0{k}", f"Groupement d'étuveuses n° {k - 1} de {commune}", "transformateur", "groupement",
                   commune, effectif, effectif - alea.randint(0, 2))
    producteurs = []
    nb_coop = max(3, spec["producteurs"] // 5)
    for k in range(1, spec["producteurs"] + 1):
        commune = alea.choice(communes)
        if k <= nb_coop:
            effectif = alea.randint(25, 90)
            nom = f"Coopérative des riziculteurs n° {k} de {commune}"
            producteurs.append(acteur(f"P{k:02d}", nom, "producteur", "cooperative", commune, effectif,
                                      int(effectif * alea.uniform(0.2, 0.55))))
        else:
            femme = alea.random() < 0.4
            prenom = alea.choice(PRENOMS_F if femme else PRENOMS_H)
            nom = f"{prenom} {alea.choice(NOMS)}, {'rizicultrice' if femme else 'riziculteur'} à {commune}"
            producteurs.append(acteur(f"P{k:02d}", nom, "producteur", "individu", commune, 1, int(femme)))
    commerçants = []
    for k in range(1, alea.randint(2, 3) + 1):
        commune = alea.choice(communes)
        femme = alea.random() < 0.6
        nom = f"{alea.choice(PRENOMS_F if femme else PRENOMS_H)} {alea.choice(NOMS)}, " \
              f"{'commerçante' if femme else 'commerçant'} de riz à {commune}"
        commerçants.append(acteur(f"C{k:02d}", nom, "commercant", "individu", commune, 1, int(femme)))
    marches = [acteur("M01", f"Marchés locaux de {communes[0]}", "marche", "autre", communes[0], 1, 0)]
    if not emergent:
        marches.append(acteur("M02", "Cantines scolaires du département", "marche", "structure_publique",
                              communes[0], 1, 0))
    intrants = [acteur("I01", f"Boutique d'intrants de {communes[0]}", "fournisseur_intrants_production",
                       "entreprise", communes[0], 3, 1)]
    partages_ids: dict[str, str] = {}
    for n, partage in enumerate(PARTAGES, start=1):
        if spec["id"] not in partage["clusters"]:
            continue
        nom = partage["noms"].get(spec["id"], partage["noms"]["*"])
        prefixe = {"commercant": "C", "marche": "M", "fournisseur_intrants_production": "I"}[partage["maillon"]]
        effectif = alea.randint(5, 12) if partage["forme"] == "entreprise" else 1
        ident = acteur(f"{prefixe}{50 + n}", nom, partage["maillon"], partage["forme"], partage["commune"],
                       effectif, min(effectif, 1 if partage["forme"] == "individu" else alea.randint(0, 4)),
                       partage["id_national"])
        {"C": commerçants, "M": marches, "I": intrants}[prefixe].append(ident)
        partages_ids[partage["maillon"]] = ident
    sfd = acteur("S01", f"Caisse locale de crédit agricole de {communes[0]}", "services_financiers", "sfd",
                 communes[0], 6, 3)
    atda = acteur("S02", f"ATDA, cellule communale de {communes[0]}", "services_publics", "structure_publique",
                  communes[0], 4, 1)
    ong = acteur("S03", f"ONG d'appui aux riziculteurs de {communes[0]}", "services_non_financiers", "ong",
                 communes[0], 5, 3)
    commune_ = acteur("A01", f"Mairie de {communes[0]}", "autorite", "structure_publique", communes[0], 1, 0)
    equipement = None if emergent else acteur("E01", f"Atelier de fabrication de décortiqueuses de {communes[0]}",
                                              "fournisseur_equipements", "entreprise", communes[0], 4, 0)

    relations: list[dict] = []
    respect_actuel = profil["respect"][-1]

    def relation(source: str, cible: str, type_: str, contrat: str, volume: float | None, unite: str | None,
                 prix: float | None) -> None:
        respect = None
        if contrat in ("ecrit", "verbal"):
            respect = max(0, min(100, round(alea.gauss(respect_actuel - (8 if contrat == "verbal" else 0), 6))))
        relations.append({"source": source, "cible": cible, "type": type_, "contrat": contrat, "respect": respect,
                          "volume": volume, "unite": unite, "prix_unitaire": prix,
                          "depuis": alea.randint(2012, 2024) if not emergent else alea.randint(2022, 2025)})

    def contrat() -> str:
        tirage = alea.random()
        if tirage < profil["ecrit"]:
            return "ecrit"
        return "verbal" if tirage < profil["ecrit"] + (1 - profil["ecrit"]) * 0.6 else "aucun"

    acheteurs = [agregateur] if agregateur else commerçants
    for p in producteurs:
        relation(p, alea.choice(acheteurs), "produit", contrat(), round(alea.uniform(4, 120), 0), "tonne",
                 alea.choice([190000, 195000, 200000, 205000, 210000]))
    if not emergent:
        for t in [a["id"] for a in acteurs if a["id"].startswith("T0") and a["id"] != "T01"]:
            relation(t, agregateur, "produit", contrat(), round(alea.uniform(20, 90), 0), "tonne", 560000)
        for i in intrants:
            for p in alea.sample(producteurs, k=min(len(producteurs), alea.randint(5, 10))):
                relation(i, p, "intrants", contrat(), round(alea.uniform(5, 40), 0), "sac de 50 kg", 15000)
        for c in commerçants:
            relation(agregateur, c, "produit", contrat(), round(alea.uniform(20, 150), 0), "tonne",
                     alea.choice([600000, 620000, 640000]))
        for m in marches:
            relation(agregateur, m, "produit", contrat(), round(alea.uniform(30, 160), 0), "tonne",
                     alea.choice([610000, 630000, 650000]))
        relation(sfd, agregateur, "credit", "ecrit", 1, "prêt de campagne", alea.choice([15e6, 25e6, 40e6]))
        relation(equipement, agregateur, "equipement", "ecrit", alea.randint(1, 4), "décortiqueuse", 4_500_000)
        relation(ong, agregateur, "conseil", "verbal", None, None, None)
    else:
        # Dynamique émergente : les producteurs vendent aux commerçants, qui revendent sur les marchés ;
        # le fournisseur d'intrants est là mais ne livre encore personne.
        relation(sfd, producteurs[0], "credit", "verbal", 1, "prêt de campagne", 2_000_000)
    for c in commerçants:
        for m in alea.sample(marches, k=min(len(marches), 2)):
            relation(c, m, "produit", "aucun" if alea.random() < 0.6 else "verbal", round(alea.uniform(10, 80), 0),
                     "tonne", alea.choice([650000, 670000, 690000]))
    for p in alea.sample(producteurs, k=min(len(producteurs), 6)):
        relation(atda, p, "conseil", "aucun", None, None, None)
    relation(commune_, atda, "information", "aucun", None, None, None)

    # Comptes d'exploitation : producteur type (1 ha), agrégateur, commerçant type.
    comptes: list[dict] = []
    performances: list[dict] = []
    scores: list[dict] = []
    nb_producteurs = sum(a["effectif"] for a in acteurs if a["maillon"] == "producteur")
    for rang, campagne in enumerate(CAMPAGNES):
        facteur = profil["volumes"][rang]
        paddy = round(3000 * facteur * alea.uniform(0.95, 1.05))
        prix_paddy = 190 + 5 * rang
        multiplicateur = round(nb_producteurs * (0.8 + 0.1 * rang))

        def compte(maillon: str, poste: str, categorie: str, *, montant: float | None = None,
                   quantite: float | None = None, prix: float | None = None, unite: str | None = None,
                   multiplicateur: float | None = None, campagne: str = campagne) -> None:
            comptes.append({"campagne": campagne, "maillon": maillon, "poste": poste, "categorie": categorie,
                            "montant": montant, "quantite": quantite, "prix_unitaire": prix, "unite": unite,
                            "multiplicateur": multiplicateur})

        compte("producteur", "Paddy vendu (producteur type, 1 ha)", "produit", quantite=paddy, prix=prix_paddy,
               unite="kg", multiplicateur=multiplicateur)
        compte("producteur", "Semences", "consommation_intermediaire", quantite=60, prix=500, unite="kg",
               multiplicateur=multiplicateur)
        compte("producteur", "Engrais NPK et urée", "consommation_intermediaire", quantite=6, prix=15000,
               unite="sac de 50 kg", multiplicateur=multiplicateur)
        compte("producteur", "Main-d'œuvre payée (repiquage, récolte)", "main_oeuvre",
               montant=round(150000 * alea.uniform(0.9, 1.1), -3), multiplicateur=multiplicateur)
        compte("producteur", "Location de la parcelle de bas-fond", "location_terre", montant=30000,
               multiplicateur=multiplicateur)
        volume_riz = round(paddy * multiplicateur / 1000 * 0.62 * (0.5 if emergent else 0.8))
        if not emergent:
            compte("transformateur", "Riz étuvé vendu", "produit", quantite=volume_riz,
                   prix=600000 + 15000 * rang, unite="tonne")
            compte("transformateur", "Paddy acheté aux producteurs", "consommation_intermediaire",
                   quantite=round(volume_riz / 0.62), prix=prix_paddy * 1000, unite="tonne")
            compte("transformateur", "Bois, eau, énergie et sacs", "consommation_intermediaire",
                   quantite=volume_riz, prix=45000, unite="tonne de riz étuvé")
            compte("transformateur", "Rémunération des étuveuses", "main_oeuvre", quantite=volume_riz,
                   prix=50000, unite="tonne de riz étuvé")
            compte("transformateur", "Amortissement du matériel d'étuvage", "amortissement",
                   montant=round(6e6 * facteur, -5))
        compte("commercant", "Riz revendu (commerçant type)", "produit", quantite=round(40 * facteur),
               prix=680000 + 10000 * rang, unite="tonne", multiplicateur=len(commerçants))
        compte("commercant", "Riz acheté", "consommation_intermediaire", quantite=round(40 * facteur),
               prix=620000 + 10000 * rang, unite="tonne", multiplicateur=len(commerçants))
        compte("commercant", "Transport et manutention", "consommation_intermediaire", quantite=round(40 * facteur),
               prix=12000, unite="tonne", multiplicateur=len(commerçants))
        # Performances (QQRP) par marché.
        for marche, part in (("Marchés locaux", 0.6), ("Cantines scolaires", 0.4)):
            if emergent and marche == "Cantines scolaires":
                continue
            prevues = 12 if marche == "Cantines scolaires" else 24
            regularite = {"fort": 0.9, "progresse": 0.7 + 0.08 * rang, "moyen": 0.72, "declin": 0.85 - 0.15 * rang,
                          "faible": 0.55, "emergent": 0.45}[spec["profil"]]
            performances.append({
                "campagne": campagne, "marche": marche, "produit": "riz étuvé", "volume": round(volume_riz * part),
                "unite": "tonne", "prix_moyen": 600000 + 15000 * rang,
                "taux_conformite": round(min(99, profil["respect"][rang] + alea.uniform(-3, 8))),
                "livraisons_prevues": prevues, "livraisons_a_temps": min(prevues, round(prevues * regularite)),
                "pertes": round(max(2.0, 14 - 3 * profil["notes"][-1] + alea.uniform(-1, 1)), 1)})
        # Grille de fonctionnement.
        base = profil["notes"][rang]
        if base is None:
            continue
        for axe in range(1, 7):
            for n in range(1, 5):
                if emergent and (axe, n) in {(1, 4), (2, 3), (3, 3), (3, 4), (4, 1), (4, 2), (5, 3), (6, 1), (6, 2)}:
                    continue  # une dynamique émergente ne note qu'une partie de la grille
                decalage = -0.6 if (axe == 3 and spec["profil"] == "declin" and rang > 0) else 0.0
                note = round(base + decalage + alea.uniform(-0.7, 0.7))
                scores.append({"campagne": campagne, "indicateur": f"{axe}.{n}", "score": max(1, min(4, note)),
                               "justification": "Note de l'atelier de campagne (données fictives).",
                               "evaluateur": "Coach externe"})
    ffom = [
        {"campagne": CAMPAGNES[-1], "niveau": "maillon", "objet": "producteur", "type": "force",
         "description": "Bas-fonds aménagés qui permettent deux cycles par an."},
        {"campagne": CAMPAGNES[-1], "niveau": "maillon", "objet": "producteur", "type": "faiblesse",
         "description": "Semences certifiées encore rares chez les petits producteurs."},
        {"campagne": CAMPAGNES[-1], "niveau": "relation", "objet": "producteur/commercant" if emergent
         else "producteur/transformateur", "type": "faiblesse" if spec["profil"] in ("declin", "faible", "emergent")
         else "force", "description": "Engagements de livraison du paddy tenus de façon inégale." if
         spec["profil"] in ("declin", "faible", "emergent") else "Contrats de campagne signés avant les semis."},
        {"campagne": CAMPAGNES[-1], "niveau": "maillon", "objet": "commercant", "type": "opportunite",
         "description": "Demande des cantines scolaires en riz local."},
        {"campagne": CAMPAGNES[-1], "niveau": "maillon", "objet": "commercant", "type": "menace",
         "description": "Riz importé vendu moins cher sur les marchés urbains."},
    ]
    plan = [
        {"id": "A1", "action": "Signer les contrats de campagne avant les semis", "changement_vise":
         "Approvisionnement en paddy sécurisé", "objet": "producteur/transformateur", "moyens": "Modèle de contrat",
         "responsable": "Agrégateur" if not emergent else "Comité provisoire", "structures_appui": "ATDA",
         "debut": "2025-04", "fin": "2025-06", "budget": 300000,
         "statut": "realisee" if spec["profil"] in ("fort", "progresse") else "en_cours",
         "indicateur": "Organisations sous contrat écrit", "cible": 6, "realise": 6 if spec["profil"] == "fort" else 3},
        {"id": "A2", "action": "Former les producteurs à la production de semences", "changement_vise":
         "Meilleurs rendements", "objet": "producteur", "moyens": "Formateur, parcelles de démonstration",
         "responsable": "Coach interne", "structures_appui": "ATDA; ONG d'appui", "debut": "2025-09",
         "fin": "2026-02", "budget": 1200000, "statut": "en_cours", "indicateur": "Producteurs formés",
         "cible": 60, "realise": alea.randint(10, 50)},
    ]
    return {"acteurs": acteurs, "relations": relations, "comptes": comptes, "performances": performances,
            "scores": scores, "ffom": ffom, "plan_actions": plan}


COLONNES = {
    "acteurs": ["id", "nom", "maillon", "forme", "commune", "effectif", "femmes", "latitude", "longitude",
                "id_national"],
    "relations": ["source", "cible", "type", "contrat", "respect", "volume", "unite", "prix_unitaire", "depuis"],
    "comptes": ["campagne", "maillon", "poste", "categorie", "montant", "quantite", "prix_unitaire", "unite",
                "multiplicateur"],
    "performances": ["campagne", "marche", "produit", "volume", "unite", "prix_moyen", "taux_conformite",
                     "livraisons_prevues", "livraisons_a_temps", "pertes"],
    "scores": ["campagne", "indicateur", "score", "justification", "evaluateur"],
    "ffom": ["campagne", "niveau", "objet", "type", "description"],
    "plan_actions": ["id", "action", "changement_vise", "objet", "moyens", "responsable", "structures_appui",
                     "debut", "fin", "budget", "statut", "indicateur", "cible", "realise"],
}


def _fiche(spec: dict) -> str:
    lignes = [
        "# Cluster de l'échantillon de hub : données inventées (généré par data/generer_hub.py).",
        f"id: {spec['id']}",
        f'nom: "{spec["nom"]}"',
        'filiere: "riz"',
        "produits_finis:",
        '  - "riz étuvé"',
        "marches:",
        f'  - {{nom: "Marchés locaux de {spec["communes"][0]}", type: local}}',
    ]
    if spec["agregateur"]:
        lignes.append('  - {nom: "Cantines scolaires du département", type: national}')
    lignes += [
        "territoire:",
        f'  departements: ["{spec["departement"]}"]',
        "  communes: [" + ", ".join(f'"{c}"' for c in spec["communes"]) + "]",
    ]
    if spec["modele"]:
        lignes.append(f"modele: {spec['modele']}")
    if spec["agregateur"]:
        lignes.append("agregateur: T01")
    lignes += [
        f'campagne: "{CAMPAGNES[-1]}"',
        f'structure_promotion: "ATDA, cellule communale de {spec["communes"][0]}"',
        "donnees_fictives: true",
        "",
    ]
    return "\n".join(lignes)


LISEZ_MOI = """# Échantillon de hub : huit clusters de riz fictifs

**Toutes les données de ce dossier sont inventées** (noms, chiffres) ; elles ne décrivent aucun
cluster, aucune personne ni aucune entreprise existants. Chaque fiche porte `donnees_fictives: true`.

Ce dossier est produit par `python data/generer_hub.py` (tirage seedé : le script redonne
exactement ces fichiers). Il sert au livre (pages sur les hubs et la banque de clusters), au
rapport de hub (`clusterlib report-hub`) et aux tests. Voir le script pour ce que chaque
cluster illustre : un cluster fort, des clusters qui progressent, un qui décline, une
dynamique émergente, et des commerçants communs à plusieurs clusters.

| Cluster | Département | Profil |
| --- | --- | --- |
"""


def generer(sortie: Path) -> list[Path]:
    """Écrit les huit clusters dans ``sortie`` (remplacé) ; renvoie les dossiers écrits."""
    alea = random.Random(GRAINE)
    temporaire = sortie.with_name(f".{sortie.name}.nouveau")
    shutil.rmtree(temporaire, ignore_errors=True)
    temporaire.mkdir(parents=True)
    dossiers = []
    for spec in CLUSTERS:
        dossier = temporaire / spec["id"]
        dossier.mkdir()
        (dossier / "cluster.yml").write_text(_fiche(spec), encoding="utf-8")
        for table, lignes in _cluster(alea, spec).items():
            _ecrire_csv(dossier / f"{table}.csv", COLONNES[table], lignes)
        dossiers.append(sortie / spec["id"])
    profils = {"fort": "cluster fort", "progresse": "cluster qui progresse", "moyen": "cluster moyen, stable",
               "declin": "cluster qui décline", "faible": "cluster faible", "emergent": "dynamique émergente"}
    (temporaire / "README.md").write_text(LISEZ_MOI + "".join(
        f"| `{s['id']}` | {s['departement']} | {profils[s['profil']]} |\n" for s in CLUSTERS), encoding="utf-8")
    if sortie.exists():
        shutil.rmtree(sortie)
    temporaire.rename(sortie)
    return dossiers


if __name__ == "__main__":
    parseur = argparse.ArgumentParser(description="Génère l'échantillon de hub (huit clusters de riz fictifs).")
    parseur.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "hub",
                         help="dossier de sortie (par défaut data/hub)")
    for d in generer(parseur.parse_args().out):
        print(d)
