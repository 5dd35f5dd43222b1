"""Pseudonymisation : téléphones béninois, noms de personnes, stabilité, chiffres intacts, refus."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pandas as pd
import pytest

import clusterlib
from clusterlib import cli
from clusterlib.collecte.pseudonymisation import (
    ErreurCle,
    Pseudonymiseur,
    commande_pseudonymise,
    lire_cle,
    pseudonymiser,
)
from clusterlib.donnees import echantillons

CLE = b"0123456789abcdef0123456789abcdef-cle-de-test"


def _empreinte(dossier: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(dossier.iterdir()) if f.is_file()}


def _jeu(dossier: Path) -> Path:
    dossier.mkdir(parents=True)
    (dossier / "cluster.yml").write_text(
        "id: riz-test\nnom: Cluster riz de test\nfiliere: riz\ncampagne: 2025-2026\nagregateur: T01\n"
        "structure_promotion: ATDA, contact 97 00 11 22\n"
        "coachs:\n  - {nom: Awa Dossou, type: externe}\n  - {nom: Koffi Agbo, type: interne}\n",
        encoding="utf-8")
    (dossier / "acteurs.csv").write_text(
        "id,nom,maillon,forme,commune,effectif,femmes,latitude,longitude\n"
        "T01,Union des étuveuses de Glazoué,transformateur,union,Glazoué,412,398,7.97,2.24\n"
        '"P01","Sidonie Sossa, riziculture à Glazoué",producteur,individu,Glazoué,1,1,7.9,2.2\n'
        "P02,Romaric Olou,producteur,individu,Savè,1,0,,\n"
        "C01,Ets Romaric Olou et fils,commercant,entreprise,Savè,3,1,,\n", encoding="utf-8")
    (dossier / "relations.csv").write_text(
        "source,cible,type,contrat,respect,volume,unite,prix_unitaire,depuis\n"
        "P01,T01,produit,ecrit,90,12.5,tonne,205000,2019\nP02,T01,produit,aucun,,97123456,kg,190,2020\n",
        encoding="utf-8")
    (dossier / "scores.csv").write_text(
        "campagne,indicateur,score,justification,evaluateur\n"
        "2025-2026,3.1,3,\"Contrat signé par Sidonie Sossa (tél. +229 01 97 12 34 56) pour 25000000 FCFA\","
        "Coach externe\n"
        "2025-2026,3.1,2,Vu le 2025-11-12 avec SIDONIE SOSSA ; budget 12 500 000,Awa Dossou\n"
        "2025-2026,1.1,2,Réunion du 12.11.2025,Représentant des producteurs\n", encoding="utf-8")
    (dossier / "reponses_collecte.csv").write_text(
        "soumission,fiche,acteur,partenaire,annexe,question,libelle,reponse\n"
        "u1,organisation_producteurs,P01,,,repondant,Nom de la personne qui répond,Jean Houngbo\n"
        "u1,organisation_producteurs,P01,,,telephone,Son numéro de téléphone,0197123456\n"
        "u1,organisation_producteurs,P01,,OP 2.5,contrat_vente_bilan,Bilan,Jean Houngbo signe pour l'OP\n",
        encoding="utf-8")
    (dossier / "notes_terrain.docx").write_bytes(b"PK\x03\x04")
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
    for table in ("acteurs", "relations", "comptes", "performances", "scores", "ffom", "plan_actions"):
        x, y = getattr(a, table), getattr(b, table)
        if x is None:
            continue
        assert list(y.columns) == list(x.columns)
        for colonne in x.columns:
            if x[colonne].dtype != "str" or colonne in ("id", "source", "cible", "campagne", "indicateur"):
                pd.testing.assert_series_equal(x[colonne], y[colonne])


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
    (tmp_path / "autre" / "rapport.docx").write_bytes(b"x")
    assert commande_pseudonymise(source, tmp_path / "autre", cle) == 2
    assert "n'est pas une sortie de « clusterlib pseudonymise »" in capsys.readouterr().err
    assert commande_pseudonymise(tmp_path / "absent", tmp_path / "partage", cle) == 2
    (tmp_path / "courte.txt").write_text("abc", encoding="utf-8")
    assert commande_pseudonymise(source, tmp_path / "partage", tmp_path / "courte.txt") == 2
    assert "clé trop courte" in capsys.readouterr().err
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
