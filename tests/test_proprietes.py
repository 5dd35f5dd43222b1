"""Tests par propriétés : des jeux mutés à partir des exemples ne font jamais tomber ``validate``.

Hypothesis part des clusters d'exemple (``data/samples``) et les abîme : encodage, octets
coupés ou remplacés, nombres démesurés, YAML piégé (renvois, imbrication, tabulations),
classeurs (feuilles masquées, fusions, graphiques, cellules lointaines), identifiants et
texte libre avec balisage et formules. Pour chaque jeu, ``clusterlib validate`` (par
:func:`clusterlib.cli.main`) doit :

- renvoyer 0 ou 1, sans trace Python ni nom d'exception ni texte anglais ;
- quand il refuse, nommer dans chaque message un fichier du jeu ;
- laisser les octets et les dates de modification des fichiers lus inchangés.

Le profil « clusterlib » (enregistré ici) borne le nombre d'exemples par test et rend la
suite dérandomisée : ``make test`` reste rapide et reproductible. Pour chercher plus loin :
``HYPOTHESIS_PROFILE=fouille HYPOTHESIS_EXEMPLES=400 python -m pytest tests/test_proprietes.py``. Un exemple
qui échoue devient un cas du corpus ``tests/donnees_invalides/``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from conftest import RACINE, empreinte
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlib import referentiel
from clusterlib.cli import main

settings.register_profile(
    "clusterlib", max_examples=12, derandomize=True, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fouille", max_examples=int(os.environ.get("HYPOTHESIS_EXEMPLES", "400")), deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "clusterlib"))

EXEMPLES = RACINE / "data" / "samples"
DOSSIERS = sorted(p.name for p in EXEMPLES.iterdir() if p.is_dir())
CLASSEUR = EXEMPLES / "soja-djidja.xlsx"
TABLES = ("acteurs.csv", "relations.csv", "comptes.csv", "performances.csv", "scores.csv", "ffom.csv",
          "plan_actions.csv")
INTERDIT = re.compile(
    r"Traceback|Error\b|Exception|Warning|BadZip|KeyError|ParseError|IndexError|Permission denied|No such file|"
    r"File exists|field larger|cannot|could not|expected|found|errno|invalid literal|object has no", re.IGNORECASE)
LIGNE_RESUME = re.compile(r"^(VALIDE|INVALIDE)  |^    |^\d+ cluster\(s\) valide\(s\)|^$")

# Textes saisis hostiles : balisage, formules, contrôle, très longs, nombres démesurés.
TEXTES = st.sampled_from([
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "=HYPERLINK(\"http://x\")", "+1+1", "-2+3",
    "@SUM(A1)", "\t=1", "$x^2$", "javascript:alert(1)", "\u202e\u0000", "x" * 40_000, "1e308",
    "18446744073709551616", "9" * 500, "-0", "NaN", "inf", "1,2,3", '"', "'", "\r", "é" * 3, "\ufeff", " ",
    "P01 ", "p01", "T01;T02", "nan", "None", "~", "*a", "&a", "!!python/object:os.system", "{a: b}", "[",
])
NOMBRES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1 234,5", "1.234.567,8", "1,23,4", "1e400", "-1e-400", "0x10", "١٢٣", "½", "1_000"]),
)


@contextlib.contextmanager
def _copie(nom: str) -> Iterator[Path]:
    """Une copie jetable de l'exemple ``nom`` (dossier, ou classeur dans un dossier), effacée à la sortie."""
    dossier = Path(tempfile.mkdtemp(prefix="proprietes_"))
    try:
        cible = dossier / "jeu"
        if nom.endswith(".xlsx"):
            cible.mkdir()
            cible = cible / nom
            shutil.copy(EXEMPLES / nom, cible)
        else:
            shutil.copytree(EXEMPLES / nom, cible)
        yield cible
    finally:
        shutil.rmtree(dossier)


def _verifier(jeu: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """La propriété : code 0 ou 1, sortie française qui nomme les fichiers, entrées intactes."""
    racine = jeu if jeu.is_dir() else jeu.parent
    avant = empreinte(racine)
    capsys.readouterr()
    code = main(["validate", str(jeu)])
    sortie = capsys.readouterr()
    assert code in (0, 1), sortie.out + sortie.err
    texte = sortie.out + sortie.err
    assert not INTERDIT.search(re.sub(r"« [^»]*»", "", texte)), texte[-3000:]
    assert sortie.err == ""
    # Un message nomme un fichier du jeu, ou le fichier du format qui y manque (« acteurs.csv : fichier absent »).
    attendus = {f"{t}.csv" for t in referentiel.tables()} | {"cluster.yml"}
    noms = {p.name for p in racine.rglob("*")} | {racine.name + "/", str(jeu)} | attendus
    for ligne in sortie.out.splitlines():
        if LIGNE_RESUME.match(ligne):
            continue
        assert ligne.startswith("  - "), ligne
        lieu = ligne[4:].split(" : ", 1)[0].split(",")[0]
        assert lieu in noms, f"message qui ne nomme pas un fichier du jeu : {ligne}"
    if code == 1:
        assert "INVALIDE" in sortie.out
    assert empreinte(racine) == avant


# --- Octets et encodages ------------------------------------------------------------------------


@given(exemple=st.sampled_from(DOSSIERS), fichier=st.sampled_from(("cluster.yml", *TABLES)),
       position=st.floats(min_value=0, max_value=1), octets=st.binary(min_size=0, max_size=40),
       mode=st.sampled_from(["remplacer", "couper", "inserer"]))
def test_octets_abimes(exemple: str, fichier: str, position: float, octets: bytes, mode: str,
                       capsys: pytest.CaptureFixture[str]) -> None:
    with _copie(exemple) as jeu:
        chemin = jeu / fichier
        contenu = chemin.read_bytes()
        i = int(position * len(contenu))
        if mode == "couper":
            contenu = contenu[:i]
        elif mode == "inserer":
            contenu = contenu[:i] + octets + contenu[i:]
        else:
            contenu = contenu[:i] + octets + contenu[i + len(octets):]
        chemin.write_bytes(contenu)
        _verifier(jeu, capsys)


@given(exemple=st.sampled_from(DOSSIERS), fichier=st.sampled_from(("cluster.yml", *TABLES)),
       encodage=st.sampled_from(["utf-16", "utf-16-be", "cp1252", "latin-1", "utf-8-sig", "utf-32", "cp437"]),
       fin=st.sampled_from(["\n", "\r\n", "\r"]))
def test_encodages_et_fins_de_ligne(exemple: str, fichier: str, encodage: str, fin: str,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    with _copie(exemple) as jeu:
        chemin = jeu / fichier
        texte = chemin.read_text(encoding="utf-8").replace("\n", fin)
        chemin.write_bytes(texte.encode(encodage, errors="replace"))
        _verifier(jeu, capsys)


# --- Cellules : nombres, identifiants, texte libre -------------------------------------------------


@given(exemple=st.sampled_from(DOSSIERS), fichier=st.sampled_from(TABLES), ligne=st.integers(0, 30),
       colonne=st.integers(0, 12), valeur=st.one_of(TEXTES, NOMBRES, st.text(max_size=30)))
def test_cellule_remplacee(exemple: str, fichier: str, ligne: int, colonne: int, valeur: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    with _copie(exemple) as jeu:
        chemin = jeu / fichier
        lignes = list(csv.reader(io.StringIO(chemin.read_text(encoding="utf-8"), newline="")))
        i = ligne % len(lignes)
        lignes[i] = lignes[i] + [""] * max(0, colonne + 1 - len(lignes[i]))
        lignes[i][colonne] = valeur
        sortie = io.StringIO()
        csv.writer(sortie, lineterminator="\n").writerows(lignes)
        chemin.write_text(sortie.getvalue(), encoding="utf-8")
        _verifier(jeu, capsys)


# --- YAML ----------------------------------------------------------------------------------------

_PIEGES_YAML: list[Callable[[int], str]] = [
    lambda n: "x: &a [*a]\n",
    lambda n: "x: " + "[" * (n * 20) + "]" * (n * 20) + "\n",
    lambda n: "x: " + "{a: " * (n * 10) + "1" + "}" * (n * 10) + "\n",
    lambda n: "a0: &a0 [x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 8)}]\n" for k in range(1, n + 2)),
    lambda n: "\tid: tab\n",
    lambda n: "id: *inconnu\n",
    lambda n: "---\nid: a\n---\nid: b\n",
    lambda n: "id: !!python/object/apply:os.system ['echo pwned']\n",
    lambda n: "id: \x01\n",
    lambda n: "? [a, b]\n: c\n",
    lambda n: "marches: " + "x" * (n * 1000) + "\n",
    lambda n: "campagne: 99999999999999999999-100000000000000000000\n",
    lambda n: "coachs: [{nom: [1, 2], type: {a: b}}]\n",
    lambda n: "territoire: [1, 2]\n",
    lambda n: "id: &a x\nnom: [" + ", ".join(["*a"] * (n * 30)) + "]\n",
]


@given(exemple=st.sampled_from(DOSSIERS), piege=st.sampled_from(range(len(_PIEGES_YAML))), force=st.integers(1, 10),
       place=st.sampled_from(["fin", "debut", "seul"]))
def test_yaml_piege(exemple: str, piege: int, force: int, place: str, capsys: pytest.CaptureFixture[str]) -> None:
    with _copie(exemple) as jeu:
        fiche = jeu / "cluster.yml"
        ajout = _PIEGES_YAML[piege](force)
        texte = fiche.read_text(encoding="utf-8")
        fiche.write_text({"fin": texte + ajout, "debut": ajout + texte, "seul": ajout}[place], encoding="utf-8")
        _verifier(jeu, capsys)


# --- Classeurs -------------------------------------------------------------------------------------


@given(feuille=st.sampled_from(["cluster", "acteurs", "relations", "comptes", "scores"]),
       operation=st.sampled_from(["masquer", "fusionner", "lointaine", "graphique_seul", "supprimer", "renommer",
                                  "cellule", "formule", "vider"]),
       valeur=st.one_of(TEXTES, NOMBRES), ligne=st.integers(1, 20), colonne=st.integers(1, 10))
def test_classeur_mute(feuille: str, operation: str, valeur: str, ligne: int, colonne: int,
                       capsys: pytest.CaptureFixture[str]) -> None:
    with _copie(CLASSEUR.name) as jeu:
        classeur = openpyxl.load_workbook(jeu)
        if feuille in classeur.sheetnames:
            ws = classeur[feuille]
            if operation == "masquer":
                ws.sheet_state = "hidden"
            elif operation == "fusionner":
                ws.merge_cells(start_row=ligne, start_column=colonne, end_row=ligne + 3, end_column=colonne + 1)
            elif operation == "lointaine":
                ws.cell(row=1_048_576 - ligne, column=16_384 - colonne, value=valeur)
            elif operation == "supprimer":
                classeur.remove(ws)
            elif operation == "renommer":
                ws.title = valeur[:31].translate(str.maketrans("", "", "[]:*?/\\")) or "x"
            elif operation == "cellule":
                ws.cell(row=ligne, column=colonne, value=re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", valeur[:32767]))
            elif operation == "formule":
                ws.cell(row=ligne, column=colonne, value="=1/0")
            elif operation == "vider":
                ws.delete_rows(1, ws.max_row)
        if operation == "graphique_seul":
            from openpyxl.chart import BarChart, Reference

            graphique = BarChart()
            premiere = classeur.worksheets[0]
            graphique.add_data(Reference(premiere, min_col=2, min_row=1, max_row=3))
            classeur.create_chartsheet("graphique").add_chart(graphique)
            for ws in list(classeur.worksheets):
                classeur.remove(ws)
        if classeur.sheetnames and all(classeur[n].sheet_state != "visible" for n in classeur.sheetnames):
            classeur[classeur.sheetnames[0]].sheet_state = "visible"  # Excel exige une feuille visible
        classeur.save(jeu)
        _verifier(jeu, capsys)


# --- Noms de fichiers ------------------------------------------------------------------------------


@given(exemple=st.sampled_from(DOSSIERS), fichier=st.sampled_from(TABLES),
       nouveau=st.sampled_from(["Acteurs.CSV", "acteur.csv", "relations.xlsx", "acteurs.xls", "cluster.yaml",
                                "cluster.YML", "~$acteurs.csv", ".acteurs.csv", "acteurs.csv.bak", "acteurs.txt",
                                "acteurs.tsv"]))
def test_fichier_renomme(exemple: str, fichier: str, nouveau: str, capsys: pytest.CaptureFixture[str]) -> None:
    with _copie(exemple) as jeu:
        cible = jeu / nouveau
        if not cible.exists():
            (jeu / fichier).rename(cible)
        _verifier(jeu, capsys)
