"""La banque de clusters (DuckDB) : ajout, indicateurs = resume.json, retrait, export, hub, entrées invalides."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from conftest import FICHE, RACINE, creer_cluster

import clusterlib
from clusterlib.banque import analyses, stockage
from clusterlib.banque.hub import dossier_hub, executer_rapport_hub
from clusterlib.banque.stockage import ErreurBanque, ajouter, ouvrir, resume_depuis_banque, retirer
from clusterlib.cli import main
from clusterlib.donnees import echantillons
from clusterlib.sorties.rapports import resume_cluster

ECHANTILLONS = [echantillons.chemin(n) for n in echantillons.noms()]
HUB = sorted(p for p in dossier_hub().iterdir() if (p / "cluster.yml").exists())


@pytest.fixture(scope="module")
def banque_complete(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chemin = tmp_path_factory.mktemp("banque") / "banque.duckdb"
    with ouvrir(chemin) as banque:
        issues = ajouter(banque, [*ECHANTILLONS, *HUB])
    assert [i.etat for i in issues] == ["ajoute"] * (len(ECHANTILLONS) + len(HUB))
    return chemin


def _egal(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


def test_echantillon_de_hub_valide_et_fictif() -> None:
    assert len(HUB) == 8
    departements = set()
    for dossier in HUB:
        cluster = clusterlib.load(dossier)
        assert cluster.fiche.donnees_fictives and cluster.fiche.filiere == "riz"
        assert len(cluster.campagnes()) == 3
        departements.update(cluster.fiche.departements)
    assert departements == {"Collines", "Ouémé", "Alibori"}


def test_generateur_redonne_la_copie_commitee(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(RACINE / "data" / "generer_hub.py"), "--out", str(tmp_path / "hub")],
                   check=True, capture_output=True)
    for dossier in HUB:
        for fichier in dossier.iterdir():
            assert (tmp_path / "hub" / dossier.name / fichier.name).read_bytes() == fichier.read_bytes(), fichier


def test_chaque_indicateur_vaut_la_valeur_de_resume_json(banque_complete: Path) -> None:
    with ouvrir(banque_complete, lecture_seule=True) as banque:
        indicateurs = banque.table("indicateurs")
        for dossier in [*ECHANTILLONS, *HUB]:
            cluster = clusterlib.load(dossier)
            for campagne in cluster.campagnes():
                resume = resume_cluster(cluster, campagne)
                lignes = indicateurs[(indicateurs["cluster"] == cluster.id) & (indicateurs["campagne"] == campagne)]
                attendues = stockage.aplatir_resume(resume)
                assert len(lignes) == len(attendues)
                for ligne in lignes.itertuples():
                    valeur = resume
                    for cle in ligne.chemin.split("/"):
                        valeur = valeur[cle]
                    assert json.loads(ligne.json) == valeur, (cluster.id, campagne, ligne.chemin)
                    if ligne.nature == "nombre":
                        assert _egal(float(ligne.nombre), float(valeur))
                    if ligne.nature == "texte":
                        assert ligne.texte == valeur
                assert resume_depuis_banque(banque, cluster.id, campagne) == resume
        vue = banque.requete("SELECT * FROM indicateurs_cluster WHERE cluster = 'riz-glazoue' AND "
                             "campagne = '2025-2026'").iloc[0]
        resume = resume_cluster(clusterlib.load(echantillons.chemin("riz-glazoue")), "2025-2026")
        assert vue["score_global"] == resume["scores"]["global"]
        assert vue["valeur_ajoutee_totale"] == resume["economie"]["valeur_ajoutee_totale"]
        assert vue["axe_3"] == resume["scores"]["axes"]["3"]


def test_tables_du_cluster_dans_la_banque(banque_complete: Path) -> None:
    cluster = clusterlib.load(echantillons.chemin("soja-djidja"))
    with ouvrir(banque_complete, lecture_seule=True) as banque:
        acteurs = banque.requete("SELECT * FROM acteurs WHERE cluster = 'soja-djidja' ORDER BY rowid")
        scores = banque.requete("SELECT count(*) AS n FROM scores WHERE cluster = 'soja-djidja'")
        fiche = banque.requete("SELECT * FROM clusters WHERE cluster = 'soja-djidja'").iloc[0]
    assert acteurs["id"].tolist() == cluster.acteurs["id"].tolist()
    assert acteurs["effectif"].sum() == cluster.acteurs["effectif"].sum()
    assert "id_national" in acteurs.columns
    assert int(scores["n"].iloc[0]) == len(cluster.scores)
    assert fiche["nom"] == cluster.nom and list(fiche["campagnes"]) == cluster.campagnes()


@pytest.mark.lent
def test_readd_retrait_et_rapport_de_hub(tmp_path: Path) -> None:
    """Le test « Done when » : banque des quatre exemples et du hub, ré-ajout sans changement, retrait, rapport."""
    chemin = tmp_path / "banque.duckdb"
    with ouvrir(chemin) as banque:
        ajouter(banque, [*ECHANTILLONS, *HUB], travaux=2)
        avant = {n: banque.table(n) for n in ("clusters", "indicateurs", "acteurs", "scores")}
        issues = ajouter(banque, [*ECHANTILLONS, *HUB])
        assert {i.etat for i in issues} == {"inchange"}
        for nom, cadre in avant.items():
            pd.testing.assert_frame_equal(banque.table(nom), cadre)
        lignes = retirer(banque, "riz-save")
        assert lignes > 0
        for nom in ("clusters", "indicateurs", *stockage.TABLES_DONNEES):
            assert banque.connexion.execute(f"SELECT count(*) FROM {nom} WHERE cluster = 'riz-save'").fetchone()[0] == 0
        assert len(stockage.lister(banque)) == len(ECHANTILLONS) + len(HUB) - 1
    resultat = executer_rapport_hub(chemin, "riz", tmp_path / "hubs", departements=["Collines"], formats=("html",))
    assert resultat.etat == "fait", resultat.messages
    page = (resultat.dossier / "rapport.html").read_text(encoding="utf-8")
    assert "Cluster riz étuvé de Dassa-Zoumè" in page and "Cluster riz de Savè" not in page
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in page
    assert "Traceback (most recent call last)" not in page
    resume = json.loads((resultat.dossier / "resume_hub.json").read_text(encoding="utf-8"))
    assert sorted(resume["clusters"]) == ["riz-bante", "riz-dassa-zoume", "riz-glazoue"]
    assert not list((tmp_path / "hubs").glob(".*"))  # pas de temporaire laissé


def test_contenu_modifie_remplace_les_lignes(tmp_path: Path) -> None:
    jeu = shutil.copytree(HUB[0], tmp_path / "jeu")
    chemin = tmp_path / "banque.duckdb"
    with ouvrir(chemin) as banque:
        ajouter(banque, [jeu])
        texte = (jeu / "acteurs.csv").read_text(encoding="utf-8")
        (jeu / "acteurs.csv").write_text(texte.replace(",1,1,", ",1,0,", 1), encoding="utf-8")
        (issue,) = ajouter(banque, [jeu])
        assert issue.etat == "remplace"
        assert banque.connexion.execute("SELECT count(*) FROM clusters").fetchone()[0] == 1
        n = banque.connexion.execute("SELECT count(*) FROM acteurs").fetchone()[0]
        assert n == len(clusterlib.load(jeu).acteurs)


def test_jeu_invalide_parmi_des_valides(tmp_path: Path) -> None:
    invalide = creer_cluster(tmp_path / "invalide", fiche={**FICHE, "id": "riz-casse", "campagne": "2025"})
    with ouvrir(tmp_path / "banque.duckdb") as banque:
        issues = ajouter(banque, [HUB[0], invalide, HUB[1]])
        assert [i.etat for i in issues] == ["ajoute", "invalide", "ajoute"]
        assert any("campagne" in m for m in issues[1].messages)
        assert sorted(stockage.lister(banque)["cluster"]) == sorted([HUB[0].name, HUB[1].name])


def test_meme_id_autre_nom_refuse_sans_remplacer(tmp_path: Path) -> None:
    premier = creer_cluster(tmp_path / "a")
    second = creer_cluster(tmp_path / "b", fiche={**FICHE, "nom": "Un tout autre cluster"})
    with ouvrir(tmp_path / "banque.duckdb") as banque:
        ajouter(banque, [premier])
        (issue,) = ajouter(banque, [second])
        assert issue.etat == "refuse" and "--remplacer" in issue.messages[0]
        assert stockage.lister(banque)["nom"].tolist() == [FICHE["nom"]]
        (issue,) = ajouter(banque, [second], remplacer=True)
        assert issue.etat == "remplace"
        assert stockage.lister(banque)["nom"].tolist() == ["Un tout autre cluster"]


@pytest.mark.parametrize("contenu", [b"bonjour, ceci n'est pas une base", b"", bytes(range(256)) * 64])
def test_fichier_qui_n_est_pas_une_banque(tmp_path: Path, contenu: bytes,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    faux = tmp_path / "banque.duckdb"
    faux.write_bytes(contenu)
    code = main(["banque", "ajouter", str(faux), str(HUB[0])])
    erreur = capsys.readouterr().err
    assert code == 2
    assert "pas une banque" in erreur or "endommagée" in erreur
    assert "Traceback" not in erreur and "Exception" not in erreur and "IO Error" not in erreur
    assert faux.read_bytes() == contenu


def test_base_duckdb_qui_n_est_pas_une_banque(tmp_path: Path) -> None:
    autre = tmp_path / "autre.duckdb"
    connexion = duckdb.connect(str(autre))
    connexion.execute("CREATE TABLE ventes (x INTEGER)")
    connexion.close()
    with pytest.raises(ErreurBanque, match="pas une banque de clusters"):
        ouvrir(autre)


def test_banque_d_une_version_plus_recente(tmp_path: Path) -> None:
    chemin = tmp_path / "banque.duckdb"
    with ouvrir(chemin) as banque:
        banque.connexion.execute("UPDATE meta SET valeur = '99' WHERE cle = 'version_schema'")
    with pytest.raises(ErreurBanque, match="plus récente"):
        ouvrir(chemin, lecture_seule=True)


def test_colonne_apparue_dans_le_format_est_ajoutee(tmp_path: Path) -> None:
    chemin = tmp_path / "banque.duckdb"
    with ouvrir(chemin) as banque:
        banque.connexion.execute("ALTER TABLE acteurs DROP COLUMN id_national")
    with ouvrir(chemin, lecture_seule=True) as banque:  # mise à jour faite à l'ouverture
        assert "id_national" in banque.table("acteurs").columns


def test_second_ecrivain_message_clair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chemin = tmp_path / "banque.duckdb"
    with ouvrir(chemin):
        pass
    script = textwrap.dedent(f"""
        import sys, time
        from clusterlib.banque.stockage import ouvrir
        b = ouvrir({str(chemin)!r})
        print("pret", flush=True)
        sys.stdin.readline()
        b.fermer()
    """)
    processus = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True, cwd=RACINE)
    try:
        assert processus.stdout.readline().strip() == "pret"
        code = main(["banque", "ajouter", str(chemin), str(HUB[0])])
        erreur = capsys.readouterr().err
        assert code == 2
        assert "déjà ouverte par un autre programme" in erreur and f"processus {processus.pid}" in erreur
        assert "lock" not in erreur.lower()
    finally:
        processus.communicate("\n", timeout=30)
    with ouvrir(chemin, lecture_seule=True) as banque:
        assert stockage.lister(banque).empty  # rien n'a été écrit


def test_echec_d_ecriture_laisse_la_banque_comme_avant(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chemin = tmp_path / "banque.duckdb"
    with ouvrir(chemin) as banque:
        ajouter(banque, [HUB[0]])
        avant = banque.table("indicateurs")
        jeu = shutil.copytree(HUB[0], tmp_path / "jeu")
        (jeu / "ffom.csv").write_text((jeu / "ffom.csv").read_text(encoding="utf-8") + "", encoding="utf-8")
        (jeu / "note.txt").write_text("change l'empreinte", encoding="utf-8")
        vraie = stockage._table_complete

        def cassee(nom: str, cadre: pd.DataFrame, ident: str) -> pd.DataFrame:
            sortie = vraie(nom, cadre, ident)
            if nom == "scores":
                sortie["score"] = "pas un nombre"
            return sortie

        monkeypatch.setattr(stockage, "_table_complete", cassee)
        (issue,) = ajouter(banque, [jeu])
        assert issue.etat == "echec" and "comme avant" in issue.messages[0]
        pd.testing.assert_frame_equal(banque.table("indicateurs"), avant)


def test_retirer_un_id_absent(tmp_path: Path) -> None:
    with ouvrir(tmp_path / "banque.duckdb") as banque, pytest.raises(ErreurBanque, match="aucun cluster"):
        retirer(banque, "../../etc")


def test_export_parquet_et_excel(banque_complete: Path, tmp_path: Path) -> None:
    with ouvrir(banque_complete, lecture_seule=True) as banque:
        fichiers = stockage.exporter(banque, tmp_path / "export")
        nb = banque.connexion.execute("SELECT count(*) FROM indicateurs WHERE cluster LIKE 'riz-%'").fetchone()[0]
    motif = f"{fichiers['parquet']}/indicateurs/*/*/*.parquet"
    relu = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{motif}', hive_partitioning = true) "
                                    "WHERE filiere = 'riz'").fetchone()[0]
    assert relu == nb
    assert (fichiers["parquet"] / "scores" / "filiere=riz" / "campagne=2025-2026").is_dir()
    classeur = openpyxl.load_workbook(fichiers["excel"], read_only=True)
    assert {"lisez-moi", "indicateurs_cluster", "acteurs", "clusters"} <= set(classeur.sheetnames)
    premiere = next(classeur["clusters"].iter_rows(values_only=True))
    assert premiere[0] == "cluster"


def test_export_neutralise_les_formules(tmp_path: Path) -> None:
    from conftest import ACTEURS

    acteurs = [list(r) for r in ACTEURS]
    acteurs[1][1] = "=HYPERLINK(\"http://exemple\")"
    jeu = creer_cluster(tmp_path / "jeu", acteurs=acteurs)
    with ouvrir(tmp_path / "banque.duckdb") as banque:
        ajouter(banque, [jeu])
        fichiers = stockage.exporter(banque, tmp_path / "export")
    feuille = openpyxl.load_workbook(fichiers["excel"])["acteurs"]
    noms = [feuille.cell(i, 3).value for i in range(2, feuille.max_row + 1)]
    assert "'=HYPERLINK(\"http://exemple\")" in noms


def test_analyses_du_hub(banque_complete: Path) -> None:
    with ouvrir(banque_complete, lecture_seule=True) as banque:
        trajets = analyses.trajectoires(banque, "riz")
        assert trajets.set_index("cluster").loc["riz-dangbo", "trajectoire"] == "recule"
        assert trajets.set_index("cluster").loc["riz-dassa-zoume", "niveau_actuel"] == "Fort"
        collines = analyses.trajectoires(banque, "RIZ", ["collines"])
        assert sorted(collines["cluster"]) == ["riz-bante", "riz-dassa-zoume", "riz-glazoue", "riz-save"]
        repartition = analyses.repartition_niveaux(banque, "riz")
        assert (repartition["total"] == 9).all()
        comparaison = analyses.comparaison_filiere(banque, "riz", "Ouémé")
        assert set(comparaison["cluster"]) == {"riz-adjohoun", "riz-dangbo"}
        globale = comparaison[comparaison["chemin"] == "scores/global"]
        assert (globale["nb_reference"] == 9).all()  # comparés à toute la filière
        dangbo = globale.set_index("cluster").loc["riz-dangbo"]
        assert dangbo["position"] == "sous le 1er quartile" and dangbo["valeur"] < dangbo["mediane"]
        totaux = analyses.totaux(banque, "riz")
        va = banque.connexion.execute(
            "SELECT sum(nombre) FROM indicateurs i JOIN clusters c USING (cluster) WHERE c.filiere = 'riz' "
            "AND i.campagne = '2025-2026' AND i.chemin = 'economie/valeur_ajoutee_totale'").fetchone()[0]
        assert totaux.set_index("campagne").loc["2025-2026", "valeur_ajoutee_totale"] == pytest.approx(va)
        manquants = analyses.maillons_manquants_recurrents(banque, "riz")
        assert manquants.iloc[0]["etape"] == "intrants" and "riz-bante" in manquants.iloc[0]["clusters"]
        communs = analyses.acteurs_communs(banque, "riz").set_index("nom")
        assert communs.loc["Établissements Gbèdji et Fils", "correspondance"] == "exacte"
        assert communs.loc["Établissements Gbèdji et Fils", "nb_clusters"] == 5
        assert communs.loc["Alimatou Sanni, commerçante de riz", "correspondance"] == "probable"
        assert communs.loc["Alimatou Sanni, commerçante de riz", "nb_clusters"] == 4
        noeuds, liens = analyses.reseau_clusters(banque, "riz")
        assert len(noeuds) == 9
        paire = liens[(liens["cluster_a"] == "riz-kandi") & (liens["cluster_b"] == "riz-malanville")].iloc[0]
        assert paire["nb_exacts"] == 1 and paire["valeur_echanges"] > 0


def test_graphique_du_reseau_des_clusters(banque_complete: Path) -> None:
    from clusterlib.graphiques import hub

    with ouvrir(banque_complete, lecture_seule=True) as banque:
        noeuds, liens = analyses.reseau_clusters(banque, "riz")
        figure = hub.carte_clusters(noeuds, liens)
    textes = [t.get_text() for t in figure.axes[0].texts]
    assert any("Dassa-Zoumè" in t for t in textes)
    assert len(figure.axes[0].lines) == len(liens)


def test_commandes_de_la_banque(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    chemin = tmp_path / "banque.duckdb"
    assert main(["banque", "ajouter", str(chemin), *map(str, HUB[:2])]) == 0
    sortie = capsys.readouterr().out
    assert "2 ajouté(s)" in sortie
    assert main(["banque", "lister", str(chemin)]) == 0
    assert HUB[0].name in capsys.readouterr().out
    assert main(["banque", "retirer", str(chemin), HUB[0].name]) == 0
    assert main(["banque", "retirer", str(chemin), HUB[0].name]) == 2
    assert "aucun cluster" in capsys.readouterr().err
    assert main(["banque", "exporter", str(chemin), "--out", str(tmp_path / "export")]) == 0
    assert main(["report-hub", str(chemin), "--filiere", "mil", "--out", str(tmp_path / "hubs")]) == 1
    assert "filières présentes : riz" in capsys.readouterr().err
    assert not (tmp_path / "hubs" / "mil-national").exists()


def _contenu(chemin: Path) -> dict[str, list[tuple]]:
    """Toutes les lignes de chaque table (sans la date d'ajout), triées : le contenu comparable d'une banque."""
    with ouvrir(chemin, lecture_seule=True) as banque:
        contenu = {}
        for nom in ("clusters", "indicateurs", *stockage.TABLES_DONNEES):
            cadre = banque.table(nom).drop(columns=["ajoute_le"], errors="ignore")
            contenu[nom] = sorted((tuple(map(repr, ligne)) for ligne in cadre.itertuples(index=False)), key=str)
    return contenu


def test_banque_identique_en_un_ou_deux_processus(tmp_path: Path) -> None:
    chemins = [*ECHANTILLONS, *HUB]
    for travaux in (1, 2):
        with ouvrir(tmp_path / f"banque-{travaux}.duckdb") as banque:
            issues = ajouter(banque, chemins, travaux=travaux)
        assert [i.etat for i in issues] == ["ajoute"] * len(chemins)
    seul, deux = _contenu(tmp_path / "banque-1.duckdb"), _contenu(tmp_path / "banque-2.duckdb")
    assert sum(len(v) for v in seul.values()) > 1000
    assert seul == deux
    # Et l'ordre des indicateurs d'un cluster (celui de resume.json) ne dépend pas du nombre de processus.
    with ouvrir(tmp_path / "banque-1.duckdb", lecture_seule=True) as b1, \
            ouvrir(tmp_path / "banque-2.duckdb", lecture_seule=True) as b2:
        for cluster, campagne in b1.requete("SELECT DISTINCT cluster, campagne FROM indicateurs").itertuples(
                index=False):
            assert resume_depuis_banque(b1, cluster, campagne) == resume_depuis_banque(b2, cluster, campagne)
