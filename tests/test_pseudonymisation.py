"""Pseudonymisation : téléphones béninois, noms de personnes, stabilité, chiffres intacts, refus."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import creer_cluster, ecrire
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import clusterlib
from clusterlib import cli
from clusterlib.collecte.modeles_excel import lire_jeu_texte
from clusterlib.collecte.pseudonymisation import (
    ErreurCle,
    Pseudonymiseur,
    lire_cle,
    plier,
    pseudonymiser,
    pseudonymiser_jeu,
)
from clusterlib.donnees import echantillons

CLE = b"0123456789abcdef0123456789abcdef-cle-de-test"


def commande_pseudonymise(source: str | Path, destination: str | Path, cle: str | Path) -> int:
    """« clusterlib pseudonymise SOURCE --out DESTINATION --key-file CLE », par la ligne de commande."""
    return cli.main(["pseudonymise", str(source), "--out", str(destination), "--key-file", str(cle)])


def _empreinte(dossier: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(dossier.iterdir()) if f.is_file()}


def _texte_sortie(chemin: Path) -> str:
    """Tout le texte d'une sortie (fichiers d'un dossier, ou cellules d'un classeur), plié."""
    if chemin.suffix == ".xlsx":
        classeur = openpyxl.load_workbook(chemin, read_only=True)
        morceaux = [str(v) for feuille in classeur.worksheets for ligne in feuille.iter_rows(values_only=True)
                    for v in ligne if v is not None]
        classeur.close()
        return plier("\n".join(morceaux))[0]
    return plier("\n".join(f.read_text(encoding="utf-8") for f in sorted(chemin.iterdir()) if f.is_file()))[0]


def _traces(sortie: Path | str, personnes: list[str]) -> list[str]:
    """Les parties de noms (3 lettres et plus) qui restent, en mots entiers, sans accents ni casse."""
    texte = sortie if isinstance(sortie, str) else _texte_sortie(sortie)
    parties = {m for nom in personnes for m in re.findall(r"[^\W_]+", plier(nom)[0]) if len(m) >= 3}
    return sorted(m for m in parties if re.search(rf"(?<![^\W_]){re.escape(m)}(?![^\W_])", texte))


def _jeu(dossier: Path) -> Path:
    """Un jeu où des personnes sont nommées partout : fiche, acteurs, notes, réponses de collecte."""
    creer_cluster(
        dossier,
        "id: riz-test\nnom: Cluster riz de test\nfiliere: riz\ncampagne: 2025-2026\nagregateur: T01\n"
        "structure_promotion: ATDA, contact 97 00 11 22\n"
        "coachs:\n  - {nom: Awa Dossou, type: externe}\n  - {nom: Koffi Agbo, type: interne}\n",
        acteurs="id,nom,maillon,forme,commune,effectif,femmes,latitude,longitude\n"
                "T01,Union des étuveuses de Glazoué,transformateur,union,Glazoué,412,398,7.97,2.24\n"
                '"P01","Sidonie Sossa, riziculture à Glazoué",producteur,individu,Glazoué,1,1,7.9,2.2\n'
                "P02,Romaric Olou,producteur,individu,Savè,1,0,,\n"
                "C01,Ets Romaric Olou et fils,commercant,entreprise,Savè,3,1,,\n",
        relations="source,cible,type,contrat,respect,volume,unite,prix_unitaire,depuis\n"
                  "P01,T01,produit,ecrit,90,12.5,tonne,205000,2019\nP02,T01,produit,aucun,,97123456,kg,190,2020\n",
        scores="campagne,indicateur,score,justification,evaluateur\n"
               "2025-2026,3.1,3,\"Contrat signé par Sidonie Sossa (tél. +229 01 97 12 34 56) pour 25000000 FCFA\","
               "Coach externe\n"
               "2025-2026,3.1,2,Vu le 2025-11-12 avec SIDONIE SOSSA ; budget 12 500 000,Awa Dossou\n"
               "2025-2026,1.1,2,Réunion du 12.11.2025,Représentant des producteurs\n",
        reponses_collecte="soumission,fiche,acteur,partenaire,annexe,question,libelle,reponse\n"
                          "u1,organisation_producteurs,P01,,,repondant,Nom de la personne qui répond,Jean Houngbo\n"
                          "u1,organisation_producteurs,P01,,,telephone,Son numéro de téléphone,0197123456\n"
                          "u1,organisation_producteurs,P01,,OP 2.5,contrat_vente_bilan,Bilan,"
                          "Jean Houngbo signe pour l'OP\n")
    ecrire(dossier / "notes_terrain.docx", b"PK\x03\x04")
    return dossier


# --- Téléphones -------------------------------------------------------------------------------------


@pytest.mark.parametrize("numero", ["97 12 34 56", "97123456", "+229 97 12 34 56", "+22997123456", "00229 97123456",
                                    "01 97 12 34 56", "0197123456", "+229 01 97 12 34 56", "97.12.34.56",
                                    "229 97-12-34-56"])
def test_telephones_beninois_meme_pseudonyme(numero: str) -> None:
    p = Pseudonymiseur(CLE)
    attendu = p.telephone("97123456")
    assert p.remplacer_telephones(f"Appeler le {numero} demain") == f"Appeler le {attendu} demain"


@pytest.mark.parametrize("texte", ["budget 2 500 000", "12 500 000 FCFA", "25000000 FCFA", "vu le 2025-11-12",
                                   "campagne 2025-2026", "18500000", "indicateur 1.1", "45 000 tonnes",
                                   "réunion du 12.11.2025", "97123456 kg", "lot 1234567890123"])
def test_chiffres_qui_ne_sont_pas_des_telephones(texte: str) -> None:
    assert Pseudonymiseur(CLE).remplacer_telephones(texte) == texte


def test_champ_telephone_accepte_les_fixes() -> None:
    p = Pseudonymiseur(CLE)
    assert p.remplacer_telephones("21301234") == "21301234"
    assert p.remplacer_telephones("21301234", champ_telephone=True) == p.telephone("21301234")


# --- Noms -------------------------------------------------------------------------------------------


def test_pseudonymes_stables_et_dependant_de_la_cle() -> None:
    a, b = Pseudonymiseur(CLE), Pseudonymiseur(CLE)
    assert a.personne("Sidonie Sossa") == b.personne("SIDONIE SOSSA") == b.personne("Sidonie  Sossa")
    assert a.personne("Sidonie Sossa").startswith("Personne ")
    assert a.personne("Sidonie Sossa") != a.personne("Sidonie Sossou")
    assert Pseudonymiseur(CLE + b"x").personne("Sidonie Sossa") != a.personne("Sidonie Sossa")


def test_roles_et_noms() -> None:
    p = Pseudonymiseur(CLE)
    assert p.ressemble_a_un_nom("Awa Dossou") and p.ressemble_a_un_nom("Koffi AGBO")
    assert p.ressemble_a_un_nom("Marie-Claire da Silva")
    for valeur in ("Coach externe", "Représentant des producteurs", "Union des étuveuses", "SDAA",
                   "SDAA et coopératives", "Coopératives", "Comité de coordination"):
        assert not p.ressemble_a_un_nom(valeur), valeur


def test_jeu_pseudonymise(tmp_path: Path) -> None:
    source = _jeu(tmp_path / "source")
    avant = _empreinte(source)
    (tmp_path / "cle.txt").write_text(CLE.decode(), encoding="utf-8")
    bilan = pseudonymiser(source, tmp_path / "partage", tmp_path / "cle.txt")
    assert _empreinte(source) == avant
    p = Pseudonymiseur(CLE)
    sidonie, romaric, awa = p.personne("Sidonie Sossa"), p.personne("Romaric Olou"), p.personne("Awa Dossou")
    a, b = clusterlib.load(source), clusterlib.load(tmp_path / "partage")
    assert b.acteurs["nom"].tolist() == ["Union des étuveuses de Glazoué", f"{sidonie}, riziculture à Glazoué",
                                         romaric, f"Ets {romaric} et fils"]
    assert [c.nom for c in b.fiche.coachs] == [awa, p.personne("Koffi Agbo")]
    assert b.fiche.structure_promotion == f"ATDA, contact {p.telephone('97001122')}"
    assert b.fiche.autres["pseudonymise"] == "true"
    assert b.scores["evaluateur"].tolist() == ["Coach externe", awa, "Représentant des producteurs"]
    assert b.scores["justification"].tolist() == [
        f"Contrat signé par {sidonie} (tél. {p.telephone('97123456')}) pour 25000000 FCFA",
        f"Vu le 2025-11-12 avec {sidonie} ; budget 12 500 000", "Réunion du 12.11.2025"]
    # Identifiants et nombres : identiques, y compris un volume de 8 chiffres.
    for table in ("acteurs", "relations", "scores"):
        x, y = getattr(a, table), getattr(b, table)
        for colonne in x.columns:
            if x[colonne].dtype != "str" or colonne in ("id", "source", "cible", "maillon", "campagne", "indicateur"):
                pd.testing.assert_series_equal(x[colonne], y[colonne])
    reponses = pd.read_csv(tmp_path / "partage" / "reponses_collecte.csv", dtype=str, keep_default_na=False)
    jean = p.personne("Jean Houngbo")
    assert reponses["reponse"].tolist() == [jean, p.telephone("97123456"), f"{jean} signe pour l'OP"]
    assert dict(bilan.colonnes) == {"acteurs.nom": 3, "cluster (fiche) : coachs": 2,
                                    "cluster (fiche) : structure_promotion": 1, "scores.evaluateur": 1,
                                    "scores.justification": 2, "reponses_collecte.reponse": 3}
    assert bilan.ignores == ["notes_terrain.docx"]
    assert not (tmp_path / "partage" / "notes_terrain.docx").exists()
    resume = bilan.resume()
    assert "Colonnes modifiées :" in resume and "  - acteurs.nom : 3 cellule(s)" in resume
    assert "Fichiers non copiés" in resume


def test_stable_entre_executions_et_fichiers(tmp_path: Path) -> None:
    source = _jeu(tmp_path / "source")
    cle = tmp_path / "cle.txt"
    pseudonymiser(source, tmp_path / "un", cle)
    pseudonymiser(source, tmp_path / "deux", cle)  # même clé, relue
    assert _empreinte(tmp_path / "un") == _empreinte(tmp_path / "deux")
    pseudonymiser(source, tmp_path / "un", cle)  # réécrire une sortie précédente est permis
    assert _empreinte(tmp_path / "un") == _empreinte(tmp_path / "deux")
    pseudonymiser(source, tmp_path / "autre", tmp_path / "autre_cle.txt")
    assert _empreinte(tmp_path / "autre")["acteurs.csv"] != _empreinte(tmp_path / "un")["acteurs.csv"]


def test_sortie_en_classeur(tmp_path: Path) -> None:
    source = _jeu(tmp_path / "source")
    pseudonymiser(source, tmp_path / "partage.xlsx", tmp_path / "cle.txt")
    cluster = clusterlib.load(tmp_path / "partage.xlsx")
    assert cluster.acteurs["nom"].str.contains("Sossa").sum() == 0
    assert cluster.relations["volume"].tolist() == [12.5, 97123456.0]


@pytest.mark.parametrize("nom", ["riz-glazoue", "ananas-allada"])
def test_echantillons_complets_et_chiffres_intacts(tmp_path: Path, nom: str) -> None:
    source = echantillons.chemin(nom)
    pseudonymiser(source, tmp_path / "partage", tmp_path / "cle.txt")
    a, b = clusterlib.load(source), clusterlib.load(tmp_path / "partage")
    personnes = [n.split(",")[0].strip() for n, f in zip(a.acteurs["nom"], a.acteurs["forme"], strict=True)
                 if f == "individu"] + [c.nom for c in a.fiche.coachs]
    assert personnes
    texte = "\n".join(f.read_text(encoding="utf-8") for f in (tmp_path / "partage").iterdir()).lower()
    assert [n for n in personnes if n.lower() in texte] == []
    # Un mot du nom d'une organisation (« Pépinière de Hinvi ») reste dans ce nom, et seulement là.
    organisations = a.acteurs["nom"][a.acteurs["forme"] != "individu"].tolist()
    mots_organisations = set(re.findall(r"[^\W_]+", plier(" ".join(organisations))[0]))
    restes = _traces(tmp_path / "partage", personnes)
    assert set(restes) <= mots_organisations
    noms_b = b.acteurs["nom"][b.acteurs["forme"] != "individu"].tolist()
    assert noms_b == organisations
    for table in ("acteurs", "relations", "comptes", "performances", "scores", "ffom", "plan_actions"):
        x, y = getattr(a, table), getattr(b, table)
        if x is None:
            continue
        assert list(y.columns) == list(x.columns)
        for colonne in x.columns:
            if table == "acteurs" and colonne in ("latitude", "longitude"):
                continue  # arrondies pour les personnes : voir test_positions
            if x[colonne].dtype != "str" or colonne in ("id", "source", "cible", "campagne", "indicateur"):
                pd.testing.assert_series_equal(x[colonne], y[colonne])
    individu = a.acteurs["forme"] == "individu"
    for colonne in ("latitude", "longitude"):
        pd.testing.assert_series_equal(b.acteurs[colonne][~individu], a.acteurs[colonne][~individu])
        arrondies = b.acteurs[colonne][individu].dropna()
        assert ((arrondies - a.acteurs[colonne][individu].dropna()).abs() <= 0.005 + 1e-9).all()
        assert ((arrondies * 100 - (arrondies * 100).round()).abs() < 1e-6).all()  # au centième
    assert cli.main(["validate", str(tmp_path / "partage")]) == 0


# --- Refus --------------------------------------------------------------------------------------------


def test_refus_et_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _jeu(tmp_path / "source")
    avant = _empreinte(source)
    cle = str(tmp_path / "cle.txt")
    assert commande_pseudonymise(source, source, cle) == 2
    assert "ne peut pas être le jeu d'origine" in capsys.readouterr().err
    assert commande_pseudonymise(source, source / "copie", cle) == 2
    assert commande_pseudonymise(source, tmp_path / "partage", tmp_path / "partage" / "cle.txt") == 2
    assert "la clé ne doit pas être rangée dans le jeu partagé" in capsys.readouterr().err
    (tmp_path / "autre").mkdir()
    (tmp_path / "autre" / "acteurs.csv").write_bytes(b"id,nom\n")
    assert commande_pseudonymise(source, tmp_path / "autre", cle) == 2
    assert "n'est pas une sortie de « clusterlib pseudonymise »" in capsys.readouterr().err
    assert commande_pseudonymise(tmp_path / "absent", tmp_path / "partage", cle) == 2
    (tmp_path / "courte.txt").write_text("abc", encoding="utf-8")
    assert commande_pseudonymise(source, tmp_path / "partage", tmp_path / "courte.txt") == 2
    assert "clé illisible : clé trop courte" in capsys.readouterr().err
    (source / "relations.csv").write_text("source,cible,type,contrat,respect,volume,unite,prix_unitaire,depuis\n"
                                          "P09,T01,produit,ecrit,90,1,t,1,2019\n", encoding="utf-8")
    assert commande_pseudonymise(source, tmp_path / "partage", cle) == 1
    assert "acteur « P09 » inconnu" in capsys.readouterr().out
    assert not (tmp_path / "partage").exists()
    assert _empreinte(source) != avant  # seul ce test a modifié la source, à la main


def test_cle_creee_puis_relue(tmp_path: Path) -> None:
    cle, creee = lire_cle(tmp_path / "cle.txt")
    assert creee and len(cle) == 64
    assert stat.S_IMODE((tmp_path / "cle.txt").stat().st_mode) == 0o600
    assert lire_cle(tmp_path / "cle.txt") == (cle, False)
    with pytest.raises(ErreurCle, match="introuvable"):
        lire_cle(tmp_path / "absente.txt", creer=False)


def test_ligne_de_commande(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _jeu(tmp_path / "source")
    code = cli.main(["pseudonymise", str(source), "--out", str(tmp_path / "partage"),
                     "--key-file", str(tmp_path / "cle.txt")])
    sortie = capsys.readouterr().out
    assert code == 0
    assert "Clé créée" in sortie and "Colonnes modifiées :" in sortie and "acteurs.nom" in sortie
    assert cli.main(["pseudonymise", str(source), "--out", str(tmp_path / "x")]) == 2


# --- Fuites : noms, courriels, téléphones étrangers, positions ------------------------------------------


def _jeu_fuites(dossier: Path, justification: str, evaluateur: str = "Coach externe",
                lignes_reponses: str = "") -> Path:
    """Un jeu où Félicité Kponou (productrice) et le coach Brice Ahouandjinou sont des personnes connues."""
    return creer_cluster(
        dossier,
        "id: riz-fuites\nnom: Cluster riz de test\nfiliere: riz\ncampagne: 2025-2026\nagregateur: T01\n"
        "coachs:\n  - {nom: Brice Ahouandjinou, type: externe}\n",
        acteurs="id,nom,maillon,forme,commune,effectif,femmes,latitude,longitude\n"
                "T01,Union des étuveuses de Glazoué,transformateur,union,Glazoué,412,398,7.973112,2.242934\n"
                "P01,\"Félicité Kponou, riziculture à Glazoué\",producteur,individu,Glazoué,1,1,7.912345,2.201987\n"
                "P02,Paul Savalou,producteur,individu,Savalou,1,0,\"7,93456\",\"1,97531\"\n",
        relations="source,cible,type,contrat,respect,volume,unite,prix_unitaire,depuis\n"
                  "P01,T01,produit,ecrit,90,12.5,tonne,205000,2019\nP02,T01,produit,aucun,,3,tonne,190000,2020\n",
        scores="campagne,indicateur,score,justification,evaluateur\n"
               f'2025-2026,3.1,3,"{justification}",{evaluateur}\n',
        reponses_collecte=("soumission,fiche,acteur,partenaire,annexe,question,libelle,reponse\n" + lignes_reponses
                           if lignes_reponses else None))


def _pseudonymiser_texte(tmp_path: Path, justification: str, **kwargs: str) -> tuple[Path, Pseudonymiseur]:
    source = _jeu_fuites(tmp_path / "source", justification, **kwargs)
    (tmp_path / "cle.txt").write_text(CLE.decode(), encoding="utf-8")
    os.chmod(tmp_path / "cle.txt", 0o600)
    pseudonymiser(source, tmp_path / "partage", tmp_path / "cle.txt")
    assert cli.main(["validate", str(tmp_path / "partage")]) == 0
    return tmp_path / "partage", Pseudonymiseur(CLE)


@pytest.mark.parametrize("ecrit", ["Felicite Kponou", "FELICITE KPONOU", "félicité kponou", "Kponou Félicité",
                                   "KPONOU Felicite", "Félicité-Kponou", "Felicite  Kponou"])
def test_nom_sans_accents_ni_casse(tmp_path: Path, ecrit: str) -> None:
    partage, p = _pseudonymiser_texte(tmp_path, f"Contrat signé par {ecrit} hier")
    assert _traces(partage, ["Félicité Kponou"]) == []
    felicite = p.personne("Félicité Kponou")
    assert clusterlib.load(partage).scores["justification"].tolist() == [f"Contrat signé par {felicite} hier"]


@pytest.mark.parametrize("ecrit", ["Mme Kponou", "Mme. Kponou", "MME KPONOU", "Madame Kponou", "Kponou",
                                   "kponou", "Dr Kponou", "Mme Félicité"])
def test_nom_de_famille_ou_prenom_seul(tmp_path: Path, ecrit: str) -> None:
    partage, p = _pseudonymiser_texte(tmp_path, f"Vu {ecrit} au magasin", evaluateur="Mme Kponou")
    assert _traces(partage, ["Félicité Kponou"]) == []
    felicite = p.personne("Félicité Kponou")
    cluster = clusterlib.load(partage)
    assert cluster.scores["justification"].tolist() == [f"Vu {felicite} au magasin"]
    assert cluster.scores["evaluateur"].tolist() == [felicite]  # « Mme Kponou » est Félicité Kponou


def test_noms_seulement_dans_le_texte_libre(tmp_path: Path) -> None:
    justification = ("Réunion avec Mme Agossou Clémentine et M. Sèna da Costa ; Dr Houénou absent. "
                     "Agossou a promis le paddy ; HOUENOU rappellera. M. le maire était là.")
    partage, p = _pseudonymiser_texte(tmp_path, justification, evaluateur="Zinsou")
    assert _traces(partage, ["Agossou Clémentine", "Sèna da Costa", "Houénou", "Zinsou"]) == []
    texte = clusterlib.load(partage).scores["justification"].iloc[0]
    assert texte.endswith("M. le maire était là.")  # un rôle n'est pas un nom
    assert texte.count(p.personne("Houénou")) == 2 and texte.count(p.personne("Agossou Clémentine")) == 2


def test_courriels(tmp_path: Path) -> None:
    justification = "Écrire à felicite.kponou@gmail.com ou à Agro.Benin+cluster@yahoo.fr avant lundi"
    partage, p = _pseudonymiser_texte(tmp_path, justification)
    texte = _texte_sortie(partage)
    assert "@" not in texte and "gmail" not in texte and "yahoo" not in texte
    assert _traces(texte, ["Félicité Kponou"]) == []
    assert clusterlib.load(partage).scores["justification"].iloc[0] == (
        f"Écrire à {p.courriel('felicite.kponou@gmail.com')} ou à {p.courriel('agro.benin+cluster@yahoo.fr')} "
        "avant lundi")


@pytest.mark.parametrize("numero, meme_que", [
    ("+228 90 12 34 56", "+22890123456"), ("00228 90123456", "+22890123456"), ("+33 6 12 34 56 78", "+33612345678"),
    ("+33 (0)6 12 34 56 78", "+33612345678"), ("0033612345678", "+33612345678"), ("+1 202-555-0123", "+12025550123"),
    ("+234 803 123 4567", "+2348031234567"), ("06 12 34 56 78", "06 12 34 56 78"), ("01 97 12 34 56", "97123456"),
    ("+229 97 12 34 56", "97123456")])
def test_telephones_internationaux(tmp_path: Path, numero: str, meme_que: str) -> None:
    partage, p = _pseudonymiser_texte(tmp_path, f"Joindre le {numero} (Kponou)")
    texte = clusterlib.load(partage).scores["justification"].iloc[0]
    assert texte == f"Joindre le {p.telephone(meme_que)} ({p.personne('Félicité Kponou')})"
    assert not re.search(r"\d{2}", texte.replace(p.telephone(meme_que), ""))


@pytest.mark.parametrize("texte", ["hausse de +5 000 000 FCFA", "recettes +12 500 000", "+15 %", "+3 sacs",
                                   "prix +25000 F"])
def test_montants_signes_gardes(texte: str) -> None:
    assert Pseudonymiseur(CLE).remplacer_telephones(texte) == texte


def test_positions_des_personnes_arrondies(tmp_path: Path) -> None:
    partage, _ = _pseudonymiser_texte(tmp_path, "RAS")
    acteurs = pd.read_csv(partage / "acteurs.csv", dtype=str, keep_default_na=False)
    assert acteurs[["latitude", "longitude"]].values.tolist() == [
        ["7.973112", "2.242934"],  # une union : position gardée
        ["7.91", "2.20"],  # une personne : au centième de degré (≈ 1,1 km)
        ["7,93", "1,98"]]  # virgule décimale gardée
    for ligne in acteurs.itertuples():
        if ligne.id != "T01":
            assert len(ligne.latitude.replace(",", ".").split(".")[1]) <= 2


def test_sortie_en_classeur_sans_fuite(tmp_path: Path) -> None:
    source = _jeu_fuites(tmp_path / "source", "Mme Kponou (kponou@mail.bj, +228 90 12 34 56) et Dr Houénou")
    pseudonymiser(source, tmp_path / "partage.xlsx", tmp_path / "cle.txt")
    texte = _texte_sortie(tmp_path / "partage.xlsx")
    assert _traces(texte, ["Félicité Kponou", "Houénou", "Brice Ahouandjinou", "Paul"]) == []  # Savalou : la commune
    assert "@" not in texte and "90 12 34 56" not in texte and "7.912345" not in texte
    assert cli.main(["validate", str(tmp_path / "partage.xlsx")]) == 0
    assert clusterlib.load(tmp_path / "partage.xlsx").acteurs["latitude"].tolist()[1] == 7.91


# --- La règle des parties de noms : pas de faux positifs ------------------------------------------------


def _connaissant(*personnes: str) -> tuple[Pseudonymiseur, list[str]]:
    """Un pseudonymiseur à qui ces personnes sont déclarées, et leurs pseudonymes dans le même ordre."""
    p = Pseudonymiseur(CLE)
    for personne in personnes:
        p.ajouter_nom(personne)
    return p, [p.personne(personne) for personne in personnes]


def test_parties_courtes_et_mots_courants() -> None:
    p, (bio, tra, _) = _connaissant("Félicité Bio", "Bi Tra", "Marie-Claire da Silva")
    silva = p.personne("Marie Claire da Silva")
    # Mots courants et parties de moins de 3 lettres : jamais remplacés seuls.
    for texte in ("la félicité des producteurs", "riz bio de Glazoué", "Bio certifié", "Bi a livré",
                  "claire et nette", "vendu par la coopérative", "da"):
        assert p.remplacer(texte) == texte, texte
    # Avec le reste du nom, ou après une civilité, ils le sont.
    assert p.remplacer("Félicité Bio a signé") == f"{bio} a signé"
    assert p.remplacer("FELICITE BIO a signé") == f"{bio} a signé"
    assert p.remplacer("vu Mme Bio hier") == f"vu {bio} hier"
    assert p.remplacer("Bi Tra et Tra") == f"{tra} et {tra}"
    assert p.remplacer("Mme da Silva, Marie-Claire da Silva, Silva") == f"{silva}, {silva}, {silva}"
    assert p.remplacer("Marie a vu Claire") == f"{silva} a vu Claire"


def test_lieux_du_jeu_proteges(tmp_path: Path) -> None:
    partage, p = _pseudonymiser_texte(tmp_path, "Paul Savalou, de Savalou ; M. Savalou a livré à Savalou")
    paul = p.personne("Paul Savalou")
    cluster = clusterlib.load(partage)
    assert cluster.acteurs["commune"].tolist() == ["Glazoué", "Glazoué", "Savalou"]  # la commune reste
    assert cluster.scores["justification"].iloc[0] == f"{paul}, de Savalou ; {paul} a livré à Savalou"


def test_organisation_au_nom_d_une_personne(tmp_path: Path) -> None:
    source = _jeu_fuites(tmp_path / "source", "Cabinet Akowé payé ; Sévérin AKOWE a livré ; M. Akowé rappelle")
    with (source / "acteurs.csv").open("a", encoding="utf-8") as f:
        f.write("SN02,Cabinet Akowé,services_non_financiers,entreprise,Glazoué,4,1,7.768712,2.179301\n"
                "P16,Sévérin Akowé,producteur,individu,Glazoué,1,0,,\n")
    pseudonymiser(source, tmp_path / "partage", tmp_path / "cle.txt")
    p = Pseudonymiseur(lire_cle(tmp_path / "cle.txt")[0])
    severin = p.personne("Sévérin Akowé")
    cluster = clusterlib.load(tmp_path / "partage")
    assert cluster.acteurs["nom"].tolist()[3:] == ["Cabinet Akowé", severin]  # l'organisation garde son nom
    assert cluster.acteurs["latitude"].tolist()[3] == 7.768712
    assert cluster.scores["justification"].iloc[0] == f"Cabinet Akowé payé ; {severin} a livré ; {severin} rappelle"


def test_noms_a_apostrophe_ou_trait_d_union() -> None:
    p, (ndah, marie) = _connaissant("N'Dah Kouassi", "Marie-Claire Hounkpè")
    assert p.remplacer("chez N’Dah, puis NDAH KOUASSI et Ndah") == f"chez {ndah}, puis {ndah} et {ndah}"
    assert p.remplacer("Marieclaire HOUNKPE") == marie


def test_nom_de_famille_partage() -> None:
    p, (felicite, jean) = _connaissant("Félicité Kponou", "Jean Kponou")
    assert p.remplacer("Jean KPONOU et Kponou Félicité") == f"{jean} et {felicite}"
    commun = p.remplacer("Mme Kponou")
    assert commun.startswith("Personne ") and commun not in (felicite, jean)
    assert p.remplacer("Jean et Félicité Kponou") == f"{jean} et {felicite}"


def test_mots_de_role_et_civilites_sans_nom() -> None:
    p = Pseudonymiseur(CLE)
    for texte in ("M. le maire a signé", "Mme la présidente", "12 m de long", "il me dit", "Dr", "Union des Sœurs"):
        assert p.relever_civilites(texte) == 0, texte
    assert p.relever_civilites("Mme Agossou et M. KPONOU, puis Me Dossou-Yovo.") == 3


# --- Propriété : quelle que soit l'écriture du nom, il ne reste rien ------------------------------------

_LETTRES = "abcdefghijklmnoprstuvyzéèêëàâîïôöûüç"
_partie = st.text(alphabet=_LETTRES, min_size=3, max_size=9)


def _casse(data: st.DataObject, mot: str) -> str:
    choix = data.draw(st.lists(st.booleans(), min_size=len(mot), max_size=len(mot)))
    return "".join(c.upper() if haut else c for c, haut in zip(mot, choix, strict=True))


def _sans_accents(mot: str) -> str:
    return plier(mot)[0]


@settings(max_examples=150, deadline=None)
@given(prenom=_partie, nom=_partie, data=st.data())
def test_propriete_nom_quelle_que_soit_l_ecriture(prenom: str, nom: str, data: st.DataObject) -> None:
    p = Pseudonymiseur(CLE)
    assume(_sans_accents(prenom) != _sans_accents(nom))
    assume(not {_sans_accents(prenom), _sans_accents(nom)} & (p.proteges | {"hier", "avec"}))
    p.ajouter_nom(f"{prenom.capitalize()} {nom.capitalize()}")
    attendu = p.personne(f"{prenom} {nom}")
    civilite = data.draw(st.sampled_from(["", "Mme ", "M. ", "Dr ", "MONSIEUR "]))
    transformer = data.draw(st.sampled_from([lambda m: m, _sans_accents]))
    forme = data.draw(st.sampled_from(["{p} {n}", "{n} {p}", "{n}", "{p}", "{p}-{n}", "{n}  {p}"]))
    ecrit = civilite + forme.format(p=_casse(data, transformer(prenom)), n=_casse(data, transformer(nom)))
    sortie = p.remplacer(f"Vu avec {ecrit} hier")
    assert sortie == f"Vu avec {attendu} hier"
    assert _traces(plier(sortie)[0], [prenom, nom]) == []


_MOTS_GABARIT = re.findall(r"[^\W_]+", plier(
    "id nom maillon forme commune effectif femmes latitude longitude source cible type contrat respect volume "
    "unite prix_unitaire depuis campagne indicateur score justification evaluateur cluster riz test fuites union "
    "etuveuses glazoue transformateur individu producteur riziculture produit ecrit aucun tonne externe coach "
    "coachs filiere agregateur pseudonymise")[0])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prenom=_partie, nom=_partie, data=st.data())
def test_propriete_jeu_complet(tmp_path: Path, prenom: str, nom: str, data: st.DataObject) -> None:
    p = Pseudonymiseur(CLE)
    assume(_sans_accents(prenom) != _sans_accents(nom))
    gabarit = set(_MOTS_GABARIT) | {"true", "tel", "vu", "oui", "non"}
    assume(not {_sans_accents(prenom), _sans_accents(nom)} & (p.proteges | gabarit))
    personne = f"{prenom.capitalize()} {nom.capitalize()}"
    ecrit = data.draw(st.sampled_from(["Mme {n}", "{P} {N}", "{n}", "M. {N}"])).format(
        n=_casse(data, nom), N=_sans_accents(nom).upper(), P=_sans_accents(prenom))
    dossier = Path(tempfile.mkdtemp(dir=tmp_path)) / "jeu"
    source = _jeu_fuites(dossier, f"Vu {ecrit}, tél. +33 6 12 34 56 78")
    texte_acteurs = (source / "acteurs.csv").read_text(encoding="utf-8").replace("Paul Savalou", personne)
    (source / "acteurs.csv").write_text(texte_acteurs, encoding="utf-8")
    resultat, _, _ = pseudonymiser_jeu(lire_jeu_texte(source), CLE)
    textes = [v for cadre in resultat.tables.values() for c in cadre.columns for v in cadre[c].astype(str)]
    textes += [str(v) for v in resultat.fiche.values()]
    sortie = plier("\n".join(textes))[0]
    assert _traces(sortie, [personne, "Félicité Kponou", "Brice Ahouandjinou"]) == []
    assert "12 34 56" not in sortie


# --- Dossier de sortie et clé -------------------------------------------------------------------------


def _arbre(dossier: Path) -> dict[str, str]:
    return {str(f.relative_to(dossier)): hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else "dossier"
            for f in sorted(dossier.rglob("*"))}


@pytest.mark.parametrize("etranger", ["notes.docx", "photos/", "acteurs_2024.csv", "cle.txt.bak"])
def test_sortie_avec_fichiers_etrangers_refusee(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                 etranger: str) -> None:
    source = _jeu(tmp_path / "source")
    cle = tmp_path / "cle.txt"
    pseudonymiser(source, tmp_path / "partage", cle)
    # Une sortie précédente, où quelqu'un a rangé un fichier à lui.
    if etranger.endswith("/"):
        (tmp_path / "partage" / etranger).mkdir()
        (tmp_path / "partage" / etranger / "p1.jpg").write_bytes(b"\xff\xd8")
    else:
        (tmp_path / "partage" / etranger).write_bytes(b"a moi")
    avant, voisins = _arbre(tmp_path / "partage"), sorted(f.name for f in tmp_path.iterdir())
    assert commande_pseudonymise(source, tmp_path / "partage", cle) == 2
    erreur = capsys.readouterr().err
    assert "contient des fichiers que « clusterlib pseudonymise » n'a pas écrits" in erreur
    assert etranger in erreur and "rien n'a été écrit" in erreur
    assert _arbre(tmp_path / "partage") == avant
    assert sorted(f.name for f in tmp_path.iterdir()) == voisins  # pas de dossier temporaire laissé


def test_sortie_precedente_remplacee(tmp_path: Path) -> None:
    source = _jeu(tmp_path / "source")
    cle = tmp_path / "cle.txt"
    pseudonymiser(source, tmp_path / "partage", cle)
    (tmp_path / "partage" / ".DS_Store").write_bytes(b"finder")  # recréé par le système : toléré
    (tmp_path / "partage" / "plan_actions.csv").write_text("ancien", encoding="utf-8")  # un nom du format
    (tmp_path / "vide").mkdir()
    assert commande_pseudonymise(source, tmp_path / "partage", cle) == 0
    assert commande_pseudonymise(source, tmp_path / "vide", cle) == 0
    assert _empreinte(tmp_path / "partage") == _empreinte(tmp_path / "vide")
    assert sorted(f.name for f in tmp_path.iterdir()) == ["cle.txt", "partage", "source", "vide"]


def test_sortie_fichier_ou_classeur_etranger_refuse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _jeu(tmp_path / "source")
    cle = tmp_path / "cle.txt"
    (tmp_path / "notes.txt").write_text("à moi", encoding="utf-8")
    assert commande_pseudonymise(source, tmp_path / "notes.txt", cle) == 2
    assert "n'est pas un dossier" in capsys.readouterr().err
    pseudonymiser(echantillons.chemin("riz-glazoue"), tmp_path / "a_moi.xlsx", cle)  # puis on l'« adopte »
    classeur = echantillons.chemin("soja-djidja")
    (tmp_path / "soja.xlsx").write_bytes(classeur.read_bytes())
    avant = (tmp_path / "soja.xlsx").read_bytes()
    assert commande_pseudonymise(source, tmp_path / "soja.xlsx", cle) == 2
    assert "n'est pas une sortie" in capsys.readouterr().err
    assert (tmp_path / "soja.xlsx").read_bytes() == avant
    assert commande_pseudonymise(source, tmp_path / "a_moi.xlsx", cle) == 0


def test_cle_lisible_par_d_autres(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = _jeu(tmp_path / "source")
    cle = tmp_path / "cle.txt"
    cle.write_text(CLE.decode(), encoding="utf-8")
    os.chmod(cle, 0o644)
    assert commande_pseudonymise(source, tmp_path / "partage", cle) == 0
    erreur = capsys.readouterr().err
    assert "est lisible par d'autres utilisateurs" in erreur and "chmod 600" in erreur and "644" in erreur
    os.chmod(cle, 0o600)
    assert commande_pseudonymise(source, tmp_path / "partage", cle) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("contenu", [b"\xff\xfe\x00\x01" * 20, b"0123456789abcdef\x00\x00" * 4,
                                     b"\x89PNG\r\n\x1a\n" + bytes(range(256))])
def test_cle_corrompue(tmp_path: Path, capsys: pytest.CaptureFixture[str], contenu: bytes) -> None:
    source = _jeu(tmp_path / "source")
    (tmp_path / "cle.txt").write_bytes(contenu)
    assert commande_pseudonymise(source, tmp_path / "partage", tmp_path / "cle.txt") == 2
    erreur = capsys.readouterr().err
    assert "clé illisible" in erreur and "écriture" not in erreur and "Error" not in erreur
    assert not (tmp_path / "partage").exists()
    assert (tmp_path / "cle.txt").read_bytes() == contenu


def test_cle_illisible(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    source = _jeu(tmp_path / "source")
    (tmp_path / "dossier_cle").mkdir()
    assert commande_pseudonymise(source, tmp_path / "partage", tmp_path / "dossier_cle") == 2
    assert "clé illisible" in capsys.readouterr().err
    cle = tmp_path / "cle.txt"
    cle.write_text(CLE.decode(), encoding="utf-8")
    os.chmod(cle, 0o000)
    if os.geteuid() == 0:  # root lit tout : on simule le refus du système
        ouvrir = Path.open

        def refuser(self: Path, *args: object, **kwargs: object) -> object:
            if self == cle:
                raise PermissionError(13, "Permission denied", str(self))
            return ouvrir(self, *args, **kwargs)
        monkeypatch.setattr(Path, "open", refuser)
    assert commande_pseudonymise(source, tmp_path / "partage", cle) == 2
    erreur = capsys.readouterr().err
    assert "clé illisible" in erreur and "écriture impossible" not in erreur and "Permission" not in erreur
    assert not (tmp_path / "partage").exists()


def test_cle_creee_sans_etre_jamais_lisible_par_d_autres(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    vus = []
    remplacer = os.link

    def espion(a: str | Path, b: str | Path) -> None:
        vus.append(stat.S_IMODE(Path(a).stat().st_mode))
        remplacer(a, b)
    monkeypatch.setattr(os, "link", espion)
    masque = os.umask(0o022)
    try:
        lire_cle(tmp_path / "sous" / "cle.txt")
    finally:
        os.umask(masque)
    assert vus == [0o600]
    assert sorted(f.name for f in (tmp_path / "sous").iterdir()) == ["cle.txt"]
