"""Limites de lecture : un très grand cluster validé, des fichiers malformés refusés vite.

Cibles (lues dans ``clusterlib/referentiel/limites.yml``, rubrique ``benchmark``, comme
l'annexe « Format des données » du livre) :

- un cluster synthétique de 200 000 acteurs et 200 000 relations, dont 50 renvoient à un
  acteur inconnu (faute de frappe), validé en moins de 15 s et 1 Go de mémoire ;
- chaque fichier malformé (bombe de renvois YAML, renvoi récursif, imbrication profonde,
  cellule en XFD1048576, fusion géante, archive qui se décompresse en gigaoctets, champ CSV
  sans fin, million de lignes vides, nombre démesuré, tube nommé…) refusé en moins de 5 s,
  avec un message en français et sans trace Python.

Chaque mesure se fait dans un processus neuf (``python -m clusterlib validate``), limité aux
deux premiers cœurs. Lancer depuis la racine du dépôt :

    .venv/bin/python benchmarks/bench_limites.py [--acteurs 200000] [--garder DOSSIER]

Le script affiche cible, mesure et rapport côte à côte ; il ne fait échouer personne.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from _commun import limiter_coeurs

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

from clusterlib import referentiel  # noqa: E402

LIMITES = referentiel.limites()
CIBLES = LIMITES["benchmark"]
EXEMPLE = RACINE / "data" / "samples" / "riz-glazoue"

# Le processus enfant valide et dit son temps et sa mémoire maximale (Ko) sur la dernière ligne.
# Le pic de mémoire (VmHWM) est remis à zéro au départ : celui du processus parent, hérité au
# moment du fork, ne compte pas.
_MESURE = """
import re, sys, time
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
except OSError:
    pass
debut = time.perf_counter()
from clusterlib.cli import main
code = main(["validate", *sys.argv[1:]])
duree = time.perf_counter() - debut
try:
    with open("/proc/self/status") as f:
        memoire = int(re.search(r"VmHWM:\\s+(\\d+)", f.read())[1])
except (OSError, TypeError):
    import resource
    memoire = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
import resource
usage = resource.getrusage(resource.RUSAGE_SELF)
print(f"@@ {code} {duree:.3f} {memoire} {usage.ru_utime + usage.ru_stime:.3f}")
"""


def mesurer(chemin: Path, delai: float = 120.0) -> tuple[int, float, float, str]:
    """(code de sortie, secondes, Mo au plus, sortie) de ``clusterlib validate chemin`` dans un processus neuf.

    La sortie se termine par le temps processeur de l'enfant (``processeur : … s``), utile quand
    d'autres programmes se partagent les cœurs.
    """
    env = dict(os.environ, PYTHONPATH=str(RACINE), MPLBACKEND="Agg")
    debut = time.perf_counter()
    try:
        resultat = subprocess.run([sys.executable, "-c", _MESURE, str(chemin)], capture_output=True, text=True,
                                  timeout=delai, env=env, check=False)
    except subprocess.TimeoutExpired:
        return -1, time.perf_counter() - debut, float("nan"), f"(arrêté après {delai:.0f} s)"
    sortie = resultat.stdout + resultat.stderr
    derniere = [ligne for ligne in resultat.stdout.splitlines() if ligne.startswith("@@ ")]
    if not derniere:
        return resultat.returncode, time.perf_counter() - debut, float("nan"), sortie
    _, code, duree, memoire, processeur = derniere[-1].split()
    return int(code), float(duree), int(memoire) / 1024, f"{sortie}\nprocesseur : {processeur} s"


# --- Le grand cluster -------------------------------------------------------------------------


def grand_cluster(dossier: Path, n_acteurs: int, n_fautes: int = 50, graine: int = 2026) -> Path:
    """Un cluster de ``n_acteurs`` acteurs et autant de relations, dont ``n_fautes`` vers un id mal tapé."""
    rng = random.Random(graine)
    dossier.mkdir(parents=True)
    shutil.copy(EXEMPLE / "cluster.yml", dossier / "cluster.yml")
    fiche = (dossier / "cluster.yml").read_text(encoding="utf-8")
    (dossier / "cluster.yml").write_text(
        "\n".join(ligne for ligne in fiche.splitlines() if not ligne.startswith("agregateur:")) + "\n",
        encoding="utf-8")
    communes = [f"Commune {k}" for k in range(40)]
    maillons = ["producteur", "transformateur", "commercant", "fournisseur_intrants_production"]
    ids = [f"P{k:06d}" for k in range(n_acteurs)]
    with open(dossier / "acteurs.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["id", "nom", "maillon", "forme", "commune", "effectif", "femmes", "latitude", "longitude"])
        for k, ident in enumerate(ids):
            effectif = rng.randint(1, 300)
            w.writerow([ident, f"Acteur n° {k}", maillons[k % 4], "groupement", communes[k % 40], effectif,
                        rng.randint(0, effectif), f"{7 + rng.random():.5f}".replace(".", ","),
                        f"{2 + rng.random():.5f}".replace(".", ",")])
    fautes = set(rng.sample(range(n_acteurs), n_fautes))
    with open(dossier / "relations.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["source", "cible", "type", "contrat", "respect", "volume", "unite", "prix_unitaire", "depuis"])
        for k in range(n_acteurs):
            source, cible = ids[k], ids[(k * 7919 + 1) % n_acteurs]
            if cible == source:
                cible = ids[(k + 1) % n_acteurs]
            if k in fautes:
                cible = cible[:3] + "O" + cible[4:]  # un zéro tapé comme la lettre O
            w.writerow([source, cible, "produit", "ecrit", rng.randint(40, 100), f"{rng.uniform(1, 30):.1f}",
                        "tonne", rng.randint(100_000, 250_000), rng.randint(2010, 2025)])
    return dossier


# --- Les fichiers malformés -------------------------------------------------------------------------


def _copie(dossier: Path, nom: str) -> Path:
    cible = dossier / nom
    shutil.copytree(EXEMPLE, cible)
    return cible


def _fiche(cible: Path, ajout: str) -> None:
    (cible / "cluster.yml").write_text((EXEMPLE / "cluster.yml").read_text(encoding="utf-8") + ajout,
                                       encoding="utf-8")


def _classeur(cible: Path, xml_feuille: str, remplissage: int = 0, methode: int = zipfile.ZIP_DEFLATED) -> None:
    """Remplace acteurs.csv par un acteurs.xlsx minimal dont la feuille est ``xml_feuille``."""
    (cible / "acteurs.csv").unlink()
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    parties = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook {ns} {rel}><sheets><sheet name="acteurs" '
                            'sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    }
    with zipfile.ZipFile(cible / "acteurs.xlsx", "w", methode) as archive:
        for nom, texte in parties.items():
            archive.writestr(nom, texte)
        archive.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0"?><worksheet {ns}>{xml_feuille}</worksheet>')
        if remplissage:  # une partie de « remplissage » octets nuls, écrite par morceaux
            with archive.open("xl/remplissage.bin", "w", force_zip64=True) as partie:
                for _ in range(remplissage >> 20):
                    partie.write(bytes(1 << 20))


def _ligne_xml(numero: int, valeurs: list[str]) -> str:
    from openpyxl.utils import get_column_letter

    cellules = "".join(f'<c r="{get_column_letter(j + 1)}{numero}" t="inlineStr"><is><t>{v}</t></is></c>'
                       for j, v in enumerate(valeurs))
    return f'<row r="{numero}">{cellules}</row>'


def _entetes_acteurs() -> list[list[str]]:
    with open(EXEMPLE / "acteurs.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def malformes(dossier: Path) -> dict[str, Path]:
    """Un jeu par façon connue de faire tomber ou d'étouffer un lecteur ; chacun doit être refusé vite."""
    cas: dict[str, Callable[[Path], None]] = {}

    def cas_(nom: str) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
        def enregistrer(fonction: Callable[[Path], None]) -> Callable[[Path], None]:
            cas[nom] = fonction
            return fonction
        return enregistrer

    @cas_("YAML : bombe de renvois (1 Ko, 10^9 valeurs)")
    def _(c: Path) -> None:
        lignes = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
        for k in range(1, 9):
            lignes.append(f"a{k}: &a{k} [" + ",".join([f"*a{k - 1}"] * 10) + "]")
        _fiche(c, "\n".join(lignes) + "\n")

    @cas_("YAML : renvoi récursif")
    def _(c: Path) -> None:
        _fiche(c, "boucle: &b [1, *b]\n")

    @cas_("YAML : 100 000 niveaux d'imbrication")
    def _(c: Path) -> None:
        _fiche(c, "profond: " + "[" * 100_000 + "]" * 100_000 + "\n")

    @cas_("YAML : 10 000 renvois")
    def _(c: Path) -> None:
        _fiche(c, "a: &a x\nb: [" + ", ".join(["*a"] * 10_000) + "]\n")

    @cas_("Classeur : cellule en XFD1048576 (2 Ko)")
    def _(c: Path) -> None:
        lignes = _entetes_acteurs()
        xml = "".join(_ligne_xml(i, v) for i, v in enumerate(lignes, 1))
        xml += '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        _classeur(c, f'<dimension ref="A1:XFD1048576"/><sheetData>{xml}</sheetData>')

    @cas_("Classeur : fusion A1:XFD1048576")
    def _(c: Path) -> None:
        lignes = _entetes_acteurs()
        xml = "".join(_ligne_xml(i, v) for i, v in enumerate(lignes, 1))
        _classeur(c, f'<sheetData>{xml}</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/>'
                     '</mergeCells>')

    @cas_("Classeur : archive qui se décompresse en 1 Go")
    def _(c: Path) -> None:
        lignes = _entetes_acteurs()
        xml = "".join(_ligne_xml(i, v) for i, v in enumerate(lignes, 1))
        _classeur(c, f"<sheetData>{xml}</sheetData>", remplissage=1 << 30)

    @cas_("Classeur : graphique seul")
    def _(c: Path) -> None:
        import openpyxl
        from openpyxl.chart import BarChart, Reference

        classeur = openpyxl.Workbook()
        feuille = classeur.active
        feuille.append([1])
        feuille.append([2])
        graphique = BarChart()
        graphique.add_data(Reference(feuille, min_col=1, min_row=1, max_row=2))
        classeur.create_chartsheet("graphique").add_chart(graphique)
        classeur.remove(feuille)
        (c / "acteurs.csv").unlink()
        classeur.save(c / "acteurs.xlsx")

    @cas_("CSV : guillemet jamais fermé sur 50 Mo")
    def _(c: Path) -> None:
        with open(c / "acteurs.csv", "a", encoding="utf-8") as f:
            f.write('P99,"' + "x" * (50 << 20) + "\n")

    @cas_("CSV : une ligne de 50 Mo de virgules")
    def _(c: Path) -> None:
        with open(c / "acteurs.csv", "a", encoding="utf-8") as f:
            f.write("," * (50 << 20) + "\n")

    @cas_("CSV : 20 millions de lignes vides")
    def _(c: Path) -> None:
        with open(c / "relations.csv", "a", encoding="utf-8") as f:
            f.write("\n" * 20_000_000)

    @cas_("CSV : fichier de 2 Go")
    def _(c: Path) -> None:
        with open(c / "relations.csv", "ab") as f:
            f.truncate(2 << 30)  # fichier creux : n'occupe pas le disque

    @cas_("Nombres : 2^64, 1e308, 400 chiffres")
    def _(c: Path) -> None:
        texte = (EXEMPLE / "acteurs.csv").read_text(encoding="utf-8")
        texte += "X1,Un,producteur,individu,Glazoué,18446744073709551616,1e308,,\n"
        texte += f"X2,Deux,producteur,individu,Glazoué,{'9' * 400},0,,\n"
        (c / "acteurs.csv").write_text(texte, encoding="utf-8")

    @cas_("Système : acteurs.csv est un tube nommé (FIFO)")
    def _(c: Path) -> None:
        (c / "acteurs.csv").unlink()
        os.mkfifo(c / "acteurs.csv")

    @cas_("Système : relations.csv, lien qui boucle")
    def _(c: Path) -> None:
        (c / "relations.csv").unlink()
        os.symlink("relations.csv", c / "relations.csv")

    chemins = {}
    for k, (nom, fabriquer) in enumerate(cas.items()):
        if nom.startswith("Système : acteurs.csv est un tube") and not hasattr(os, "mkfifo"):
            continue
        cible = _copie(dossier, f"cas{k:02d}")
        fabriquer(cible)
        chemins[nom] = cible
    return chemins


def _etat(ok: bool) -> str:
    return "OK" if ok else "HORS CIBLE"


def main() -> int:
    parseur = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parseur.add_argument("--acteurs", type=int, default=CIBLES["acteurs"])
    parseur.add_argument("--garder", type=Path, default=None, help="dossier où laisser les jeux fabriqués")
    args = parseur.parse_args()
    limiter_coeurs()
    dossier = args.garder or Path(tempfile.mkdtemp(prefix="bench_limites_"))
    dossier.mkdir(parents=True, exist_ok=True)
    hors_cible = 0
    try:
        debut = time.perf_counter()
        grand = grand_cluster(dossier / "grand", args.acteurs)
        print(f"Cluster de {args.acteurs} acteurs et {args.acteurs} relations (50 fautes) écrit en "
              f"{time.perf_counter() - debut:.1f} s.")
        mesurer(EXEMPLE)  # échauffement (fichiers compilés, cache du disque)
        code, duree, memoire, sortie = mesurer(grand)
        inconnus = sortie.count("inconnu ; attendu : un id de la table acteurs")
        suggeres = sortie.count("vouliez-vous dire")
        ok_temps = duree < CIBLES["secondes_validation"]
        ok_memoire = memoire < CIBLES["memoire_mo"]
        hors_cible += (not ok_temps) + (not ok_memoire) + (code != 1) + (inconnus != 50)
        print(f"\n{'Mesure':<48} {'cible':>10} {'mesure':>10} {'rapport':>8}")
        print(f"{'validation du grand cluster (s)':<48} {CIBLES['secondes_validation']:>10.1f} {duree:>10.2f} "
              f"{duree / CIBLES['secondes_validation']:>8.2f} {_etat(ok_temps)}")
        processeur = float(sortie.rsplit("processeur : ", 1)[1].split()[0]) if "processeur : " in sortie else 0.0
        print(f"{'  dont temps processeur (s)':<48} {CIBLES['secondes_validation']:>10.1f} {processeur:>10.2f} "
              f"{processeur / CIBLES['secondes_validation']:>8.2f}")
        print(f"{'mémoire maximale (Mo)':<48} {CIBLES['memoire_mo']:>10.0f} {memoire:>10.0f} "
              f"{memoire / CIBLES['memoire_mo']:>8.2f} {_etat(ok_memoire)}")
        print(f"{'acteurs inconnus signalés / suggestions':<48} {50:>10} {inconnus:>5} / {suggeres:<4}")

        print(f"\n{'Fichier malformé':<48} {'cible':>10} {'mesure':>10} {'rapport':>8}")
        cible = CIBLES["secondes_rejet"]
        for nom, chemin in malformes(dossier / "malformes").items():
            code, duree, memoire, sortie = mesurer(chemin, delai=max(60.0, 4 * cible))
            propre = code == 1 and "Traceback" not in sortie and "INVALIDE" in sortie
            ok = propre and duree < cible
            hors_cible += not ok
            print(f"{nom:<48} {cible:>10.1f} {duree:>10.2f} {duree / cible:>8.2f} "
                  f"{_etat(ok)}{'' if propre else ' (refus non propre : code ' + str(code) + ')'}  {memoire:.0f} Mo")
            if not propre:
                print(io.StringIO(sortie).read()[-2000:])
    finally:
        if args.garder is None:
            shutil.rmtree(dossier, ignore_errors=True)
    print(f"\n{hors_cible} mesure(s) hors cible.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
