"""Outils des tests de bout en bout : le livre construit une fois, servi en local, et Chromium.

- ``livre`` (session) : construction complète du livre, cache vide, dans un dossier temporaire,
  avec les options officielles (``-W -n --keep-going``) ; partagée par tous les tests.
- ``site`` (session) : le HTML construit servi sur 127.0.0.1 (port libre, dans un fil).
- ``navigateur`` (session) : Chromium de Debian piloté par Playwright (jamais de navigateur
  téléchargé) ; ``page`` : un nouvel onglet par test, qui relève les erreurs de la console.
- ``exiger(programme)`` : un programme système absent fait échouer le test en intégration
  continue (``CI=true``) et le fait sauter, avec la raison, sur un poste de développement.

Les artefacts (captures, PDF, PNG) vont dans ``_build/artefacts/`` ; chaque étape longue
affiche sa durée (visible avec ``pytest -s`` ou dans le résumé des tests lents).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

RACINE = Path(__file__).resolve().parents[2]
ARTEFACTS = RACINE / "_build" / "artefacts"
CHROMIUM = os.environ.get("CLUSTERLIB_CHROMIUM", "/usr/bin/chromium")
ARGUMENTS_CHROMIUM = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--no-first-run"]
EN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

_DUREES: list[tuple[str, float]] = []


def chronometrer(etape: str, debut: float) -> None:
    """Note la durée d'une étape ; le total de chaque étape est affiché en fin de session."""
    _DUREES.append((etape, time.perf_counter() - debut))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _DUREES:
        return
    terminalreporter.section("Durée des étapes de bout en bout")
    totaux: dict[str, float] = {}
    for etape, duree in _DUREES:
        totaux[etape] = totaux.get(etape, 0.0) + duree
    for etape, duree in totaux.items():
        terminalreporter.write_line(f"{etape:<45} {duree:7.1f} s")


def manque(raison: str) -> None:
    """Un outil indispensable manque : échec en CI, saut (avec la raison) ailleurs."""
    if EN_CI:
        pytest.fail(f"{raison} (obligatoire en intégration continue ; lancez sh .ci/installer-paquets-debian)")
    pytest.skip(f"{raison} ; installez-le avec : sh .ci/installer-paquets-debian")


def exiger(programme: str) -> str:
    """Le chemin d'un programme système, ou échec (CI) / saut (poste local) s'il manque."""
    chemin = shutil.which(programme) or (programme if os.path.isabs(programme) and os.access(programme, os.X_OK)
                                         else None)
    if chemin is None:
        manque(f"programme « {programme} » introuvable")
    return str(chemin)


def dossier_artefacts(*parties: str) -> Path:
    """Un dossier sous ``_build/artefacts/`` (créé au besoin)."""
    dossier = ARTEFACTS.joinpath(*parties)
    dossier.mkdir(parents=True, exist_ok=True)
    return dossier


def environnement_jupyter() -> dict[str, str]:
    """L'environnement des sous-processus Jupyter : noyau « python3 » du .venv, Matplotlib sans écran."""
    return dict(os.environ, MPLBACKEND="Agg", PYDEVD_DISABLE_FILE_VALIDATION="1",
                JUPYTER_PATH=str(Path(sys.prefix) / "share" / "jupyter"))


# --- Le livre -------------------------------------------------------------------------------------


def pages_du_sommaire() -> list[str]:
    """Les documents du sommaire (``_toc.yml``), dans l'ordre, sans extension (``book/index``…)."""
    sommaire = yaml.safe_load((RACINE / "_toc.yml").read_text(encoding="utf-8"))
    pages = [sommaire["root"]]

    def parcourir(noeud: Any) -> None:
        if isinstance(noeud, dict):
            if "file" in noeud:
                pages.append(noeud["file"])
            for cle in ("parts", "chapters", "sections"):
                parcourir(noeud.get(cle, []))
        elif isinstance(noeud, list):
            for enfant in noeud:
                parcourir(enfant)

    parcourir(sommaire)
    return [re.sub(r"\.(md|ipynb)$", "", p) for p in pages]


@dataclass
class Livre:
    """Le résultat de la construction du livre."""

    html: Path
    code_retour: int
    sortie: str
    duree: float
    problemes: list[str] = field(default_factory=list)
    reutilise: bool = False


_AVERTISSEMENT = re.compile(r"(WARNING|ERROR|CRITICAL):|Traceback \(most recent call last\)")
# Un noyau Jupyter qui s'arrête pendant qu'un message part encore peut journaliser (sur la sortie
# d'erreur héritée de jupyter-book) une exception de rappel ZMQ : une course à l'arrêt de ipykernel,
# pyzmq ou tornado, sans rapport avec le livre (la cellule exécutée a déjà rendu son résultat).
_RAPPEL_ZMQ = re.compile(r"ERROR:tornado\.general:Uncaught exception in zmqstream callback", re.IGNORECASE)
_ENCHAINEMENT = ("During handling of the above exception", "The above exception was the direct cause")
_CADRE = re.compile(r'^\s*File "([^"]+)"')
_BIBLIOTHEQUE_PYTHON = re.compile(r"[/\\]lib[/\\]python\d\.\d+[/\\]")


def _cadre_tiers(chemin: str) -> bool:
    """Vrai pour un fichier de la bibliothèque standard ou d'un paquet installé (jamais le dépôt)."""
    if "site-packages" in chemin or "<frozen" in chemin:
        return True
    return bool(_BIBLIOTHEQUE_PYTHON.search(chemin)) and not chemin.startswith(str(RACINE))


def _est_rappel_zmq(ligne: str) -> bool:
    return bool(_RAPPEL_ZMQ.search(ligne))


def _fin_de_trace(lignes: list[str], j: int, bloc: list[str]) -> int:
    """Ajoute à ``bloc`` la trace qui commence à ``lignes[j]`` (exceptions enchaînées comprises)."""
    while j < len(lignes):
        if lignes[j].startswith((" ", "\t", "Traceback")):
            bloc.append(lignes[j])
            j += 1
        elif bloc[-1].startswith((" ", "\t")):
            bloc.append(lignes[j])  # la ligne de l'exception
            j += 1
            if j + 2 < len(lignes) and not lignes[j].strip() and lignes[j + 1].startswith(_ENCHAINEMENT):
                bloc.extend(lignes[j:j + 3])
                j += 3
            else:
                break
        else:
            break
    return j


def problemes_de_construction(sortie: str) -> tuple[list[str], list[str]]:
    """Sépare les avertissements de la construction des courses d'arrêt des noyaux.

    Renvoie ``(problemes, courses)`` : ``problemes`` garde chaque ligne d'avertissement et, pour
    une trace Python, la trace entière (pour qu'un échec soit lisible) ; ``courses`` reçoit les
    traces d'un rappel ZMQ dont tous les cadres sont dans des bibliothèques tierces. Une telle
    trace qui passe par le code du dépôt reste un problème.
    """
    lignes = sortie.splitlines()
    problemes: list[str] = []
    courses: list[str] = []
    i = 0
    while i < len(lignes):
        ligne = lignes[i]
        if not _AVERTISSEMENT.search(ligne):
            i += 1
            continue
        bloc = [ligne]
        j = i + 1
        if _est_rappel_zmq(ligne) or "Traceback (most recent call last)" in ligne:
            j = _fin_de_trace(lignes, j, bloc)
        cadres = [m.group(1) for b in bloc if (m := _CADRE.match(b))]
        if _est_rappel_zmq(ligne) and cadres and all(_cadre_tiers(c) for c in cadres):
            courses.append("\n".join(bloc))
        else:
            problemes.append("\n".join(bloc))
        i = j
    return problemes, courses


@pytest.fixture(scope="session")
def livre(tmp_path_factory: pytest.TempPathFactory) -> Livre:
    """Construit le livre une seule fois par session (cache vide, ``-W -n --keep-going``).

    Pour mettre au point les tests du navigateur sans reconstruire, ``CLUSTERLIB_E2E_HTML=dossier``
    fait servir un livre déjà construit (le test de construction saute alors).
    """
    deja = os.environ.get("CLUSTERLIB_E2E_HTML")
    if deja:
        return Livre(Path(deja), 0, "", 0.0, reutilise=True)
    sortie_dossier = tmp_path_factory.mktemp("livre")
    executable = Path(sys.executable).with_name("jupyter-book")
    debut = time.perf_counter()
    resultat = subprocess.run(
        [str(executable), "build", str(RACINE), "--path-output", str(sortie_dossier), "-W", "-n", "--keep-going"],
        capture_output=True, text=True, env=environnement_jupyter(), timeout=900, check=False,
    )
    duree = time.perf_counter() - debut
    chronometrer("construction du livre", debut)
    sortie = resultat.stdout + resultat.stderr
    problemes, courses = problemes_de_construction(sortie)
    for course in courses:
        print("course à l'arrêt d'un noyau Jupyter (bibliothèques tierces, ignorée) :\n" + course)
    return Livre(sortie_dossier / "_build" / "html", resultat.returncode, sortie, duree, problemes)


@pytest.fixture(scope="session")
def html(livre: Livre) -> Path:
    """Le dossier HTML construit ; les tests qui en dépendent échouent si la construction n'a rien produit."""
    if not (livre.html / "index.html").is_file():
        pytest.fail("le livre n'a pas été construit :\n" + "\n".join(livre.problemes or [livre.sortie[-3000:]]))
    return livre.html


class _Silencieux(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def handle(self) -> None:
        # Le navigateur a fermé la connexion (page quittée) : sans importance.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()


@pytest.fixture(scope="session")
def site(html: Path) -> Iterator[str]:
    """L'URL de base (``http://127.0.0.1:PORT/``) du livre servi localement pendant la session."""
    serveur = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Silencieux, directory=str(html)))
    serveur.daemon_threads = True
    fil = threading.Thread(target=serveur.serve_forever, daemon=True)
    fil.start()
    try:
        yield f"http://127.0.0.1:{serveur.server_port}/"
    finally:
        serveur.shutdown()
        serveur.server_close()


# --- Le navigateur --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def navigateur() -> Iterator[Any]:
    """Chromium (paquet Debian) lancé sans tête par Playwright, pour toute la session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        manque("module Python « playwright » absent (dépendance de développement)")
    exiger(CHROMIUM)
    debut = time.perf_counter()
    pilote = sync_playwright().start()
    try:
        chromium = pilote.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGUMENTS_CHROMIUM)
    except Exception as exc:
        pilote.stop()
        pytest.fail(f"Chromium ne démarre pas ({CHROMIUM}) : {exc}")
    chronometrer("démarrage de Chromium", debut)
    try:
        yield chromium
    finally:
        chromium.close()
        pilote.stop()


_LOCAL = re.compile(r"^(https?://127\.0\.0\.1[:/]|file:|data:|blob:|about:)")


@dataclass
class Onglet:
    """Un onglet, ce que sa console a signalé et les ressources externes qu'il a demandées."""

    page: Any
    erreurs: list[str] = field(default_factory=list)
    externes: list[str] = field(default_factory=list)


def _console(onglet: Onglet, message: Any) -> None:
    if message.type != "error":
        return
    url = message.location.get("url", "") if message.location else ""
    if url and not _LOCAL.match(url):
        return  # ressource externe bloquée exprès : listée dans onglet.externes
    onglet.erreurs.append(f"console : {message.text} [{url}]")


def _router(onglet: Onglet, route: Any) -> None:
    url = route.request.url
    if _LOCAL.match(url):
        route.continue_()
    else:
        onglet.externes.append(url)
        route.abort()


@pytest.fixture
def onglet(navigateur: Any) -> Iterator[Onglet]:
    """Un nouvel onglet (contexte vierge, langue française) qui relève erreurs de console et ressources absentes.

    Les tests ne touchent jamais Internet : toute requête hors de 127.0.0.1 est bloquée et listée
    dans ``externes`` (les widgets figés du livre chargent par exemple leur code depuis un CDN).
    """
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = contexte.new_page()
    page.set_default_timeout(15_000)
    resultat = Onglet(page)
    contexte.route("**/*", lambda route: _router(resultat, route))
    page.on("console", lambda m: _console(resultat, m))
    page.on("pageerror", lambda e: resultat.erreurs.append(f"erreur JavaScript : {e}"))
    page.on("response", lambda r: resultat.erreurs.append(f"HTTP {r.status} : {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: resultat.erreurs.append(
        f"requête échouée : {r.url} ({r.failure})") if _LOCAL.match(r.url) else None)
    try:
        yield resultat
    finally:
        contexte.close()
