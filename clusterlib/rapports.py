"""Rapports de diagnostic par cluster : papermill, export HTML, ``resume.json``, synthèse.

Chaque cluster est d'abord validé ; un cluster invalide est signalé avec ses messages et
n'est pas exécuté. Chaque rapport s'exécute dans un **processus séparé** (papermill dans
``multiprocessing`` est fragile) et s'écrit dans un dossier temporaire, déplacé à sa place
seulement en cas de succès : un échec ne laisse jamais de rapport à moitié écrit et ne
détruit pas le rapport précédent.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .echappement import neutraliser_tableau
from .fichiers import ecrire_atomique
from .lecture import lire_jeu
from .modele import Cluster, cluster_depuis_jeu
from .validation import valider_jeu

__all__ = [
    "FORMATS",
    "Resultat",
    "ecrire_synthese",
    "executer_lot",
    "notebook_rapport",
    "resume_cluster",
]

FORMATS = ("html", "ipynb")
_ID_SUR = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DELAI_CELLULE = 600  # secondes par cellule
_EN_COURS: set[subprocess.Popen] = set()
_ARRET = threading.Event()


def notebook_rapport() -> Path:
    """Le notebook du rapport (``notebooks/rapport_cluster.ipynb`` du dépôt)."""
    chemin = Path(__file__).resolve().parent.parent / "notebooks" / "rapport_cluster.ipynb"
    if not chemin.exists():
        raise FileNotFoundError(
            f"notebook du rapport introuvable : {chemin} ; installez clusterlib depuis le dépôt "
            "(pip install -e .)"
        )
    return chemin


# --- Le résumé lisible par machine -------------------------------------------------------


def _nettoyer(valeur: Any) -> Any:
    """Valeurs JSON propres : NaN → None, types numpy → types Python."""
    if isinstance(valeur, dict):
        return {str(k): _nettoyer(v) for k, v in valeur.items()}
    if isinstance(valeur, (list, tuple)):
        return [_nettoyer(v) for v in valeur]
    if hasattr(valeur, "item") and not isinstance(valeur, (str, bytes)):
        valeur = valeur.item()
    if isinstance(valeur, float) and not math.isfinite(valeur):
        return None
    if valeur is pd.NA:
        return None
    return valeur


def _section(calcul: Callable[[], Any]) -> Any:
    """Une section du résumé : ``None`` si l'analyse n'a pas les données nécessaires."""
    from .modele import TableAbsente

    try:
        return calcul()
    except TableAbsente:
        return None


def resume_cluster(cluster: Cluster, campagne: str | None = None) -> dict[str, Any]:
    """Le résumé d'un cluster pour une campagne, tel qu'écrit dans ``resume.json``.

    Les sections sans données valent ``None`` : rien n'est inventé.
    """
    from . import comptes, notation, reseau

    campagne = campagne or cluster.campagne
    resume = {
        "cluster": cluster.id,
        "nom": cluster.nom,
        "campagne": campagne,
        "donnees_fictives": cluster.fiche.donnees_fictives,
        "reseau": _section(lambda: reseau.synthese_reseau(cluster)),
        "prealables": _section(lambda: reseau.synthese_prealables(cluster)),
        "economie": _section(lambda: comptes.synthese_economie(cluster, campagne)),
        "scores": _section(lambda: notation.synthese_scores(cluster, campagne)),
    }
    return _nettoyer(resume)


# --- Exécution d'un rapport (dans un processus à part : voir clusterlib._execution) ----------


@dataclass
class Resultat:
    """Issue du rapport d'un cluster : ``fait``, ``invalide`` ou ``echec``."""

    chemin: Path
    etat: str
    cluster: str | None = None
    dossier: Path | None = None
    messages: list[str] = field(default_factory=list)
    journal: Path | None = None
    duree: float = 0.0


def _deplacer_en_place(temporaire: Path, cible: Path) -> None:
    """Remplace ``cible`` par ``temporaire`` ; l'ancien rapport n'est supprimé qu'après."""
    ancien = None
    if cible.exists():
        ancien = cible.with_name(f".{cible.name}.ancien-{os.getpid()}")
        shutil.rmtree(ancien, ignore_errors=True)
        cible.rename(ancien)
    try:
        temporaire.rename(cible)
    except OSError:
        if ancien is not None:
            ancien.rename(cible)
        raise
    if ancien is not None:
        shutil.rmtree(ancien, ignore_errors=True)


def _rapport_un(chemin: Path, sortie: Path, campagne: str | None, disposition: str,
                formats: Sequence[str], delai: int, notebook: Path) -> Resultat:
    debut = time.monotonic()
    jeu = valider_jeu(lire_jeu(chemin))
    if not jeu.valide:
        return Resultat(chemin, "invalide", messages=[str(p) for p in jeu.erreurs])
    cluster = cluster_depuis_jeu(jeu)
    ident = cluster.id
    if not _ID_SUR.match(ident):
        return Resultat(chemin, "invalide",
                        messages=[f"identifiant de cluster « {ident} » inutilisable comme nom de dossier"])
    campagnes = cluster.campagnes()
    if campagne is not None and campagne not in campagnes:
        return Resultat(chemin, "invalide", cluster=ident, messages=[
            f"campagne « {campagne} » absente de ce cluster ; campagnes disponibles : {', '.join(campagnes)}"])
    temporaire = Path(tempfile.mkdtemp(prefix=f".{ident}.", dir=sortie))
    masque = os.umask(0)
    os.umask(masque)
    os.chmod(temporaire, 0o777 & ~masque)  # mkdtemp crée le dossier en 0700 : droits habituels pour le rapport
    journal = temporaire / "journal.txt"
    parametres = {
        "temporaire": str(temporaire),
        "notebook": str(notebook),
        "chemin_donnees": str(chemin.resolve()),
        "campagne": campagne,
        "disposition": disposition,
        "formats": list(formats),
        "delai": delai,
    }
    fichier_parametres = temporaire / "parametres.json"
    fichier_parametres.write_text(json.dumps(parametres), encoding="utf-8")
    try:
        with journal.open("w", encoding="utf-8") as flux:
            processus = subprocess.Popen(
                [sys.executable, "-m", "clusterlib._execution", str(fichier_parametres)],
                stdout=flux, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, "MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
            )
            _EN_COURS.add(processus)
            try:
                processus.wait()
            finally:
                _EN_COURS.discard(processus)
        if _ARRET.is_set():
            return Resultat(chemin, "echec", cluster=ident, messages=["interrompu"], duree=time.monotonic() - debut)
        if processus.returncode != 0:
            dossier_journaux = sortie / "_journaux"
            dossier_journaux.mkdir(exist_ok=True)
            garde = dossier_journaux / f"{ident}.log"
            shutil.copyfile(journal, garde)
            return Resultat(chemin, "echec", cluster=ident, journal=garde,
                            messages=[_raison(journal.read_text(encoding="utf-8", errors="replace"))],
                            duree=time.monotonic() - debut)
        journal.unlink()
        fichier_parametres.unlink()
        cible = sortie / ident
        _deplacer_en_place(temporaire, cible)
        return Resultat(chemin, "fait", cluster=ident, dossier=cible, duree=time.monotonic() - debut)
    finally:
        shutil.rmtree(temporaire, ignore_errors=True)


def _raison(journal: str) -> str:
    """La raison d'un échec, tirée de la fin du journal (la dernière ligne d'erreur)."""
    lignes = [ligne.strip() for ligne in journal.splitlines() if ligne.strip()]
    for ligne in reversed(lignes):
        if re.search(r"(Error|Exception|Timeout|erreur|Erreur)", ligne):
            return ligne[:300]
    return lignes[-1][:300] if lignes else "le processus s'est arrêté sans message"


def executer_lot(
    chemins: Iterable[str | Path],
    sortie: str | Path,
    *,
    campagne: str | None = None,
    disposition: str = "valuelinks",
    formats: Sequence[str] = FORMATS,
    travaux: int = 1,
    delai: int = DELAI_CELLULE,
    notebook: str | Path | None = None,
    progression: Callable[[Resultat], None] | None = None,
) -> list[Resultat]:
    """Produit les rapports de plusieurs clusters dans ``sortie/<id du cluster>/``.

    ``travaux`` rapports tournent en parallèle, chacun dans son propre processus.
    ``progression`` est appelé après chaque cluster (barre de progression).
    """
    sortie = Path(sortie)
    sortie.mkdir(parents=True, exist_ok=True)
    notebook = Path(notebook) if notebook else notebook_rapport()
    chemins = [Path(c) for c in chemins]
    resultats: list[Resultat] = []
    _ARRET.clear()
    pool = ThreadPoolExecutor(max_workers=max(1, travaux))
    try:
        futurs = [pool.submit(_rapport_un, c, sortie, campagne, disposition, formats, delai, notebook)
                  for c in chemins]
        for futur in as_completed(futurs):
            resultat = futur.result()
            resultats.append(resultat)
            if progression:
                progression(resultat)
    except BaseException:
        # Ctrl-C ou erreur : on arrête les noyaux en cours ; leurs dossiers temporaires sont supprimés.
        _ARRET.set()
        for processus in list(_EN_COURS):
            processus.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    ordre = {c: i for i, c in enumerate(chemins)}
    return sorted(resultats, key=lambda r: ordre[r.chemin])


# --- Synthèse du lot ----------------------------------------------------------------------


def _ligne_synthese(resume: dict[str, Any]) -> dict[str, Any]:
    reseau = resume.get("reseau") or {}
    economie = resume.get("economie") or {}
    scores = resume.get("scores") or {}
    ligne = {
        "cluster": resume["cluster"],
        "nom": resume.get("nom"),
        "campagne": resume.get("campagne"),
        "donnees_fictives": resume.get("donnees_fictives"),
        "score_global": scores.get("global"),
        "niveau": scores.get("niveau"),
        "couverture": scores.get("couverture"),
        "valeur_ajoutee_totale": economie.get("valeur_ajoutee_totale"),
        "taux_contractualisation": reseau.get("taux_contractualisation"),
        "maillons_manquants": "; ".join(reseau.get("maillons_manquants") or []),
        "nb_acteurs": reseau.get("nb_acteurs"),
    }
    for axe, valeur in (scores.get("axes") or {}).items():
        ligne[f"axe_{axe}"] = valeur
    return ligne


def ecrire_synthese(sortie: str | Path, resultats: Sequence[Resultat]) -> pd.DataFrame:
    """Écrit ``synthese.csv`` et ``index.html`` pour les rapports réussis du lot."""
    sortie = Path(sortie)
    resumes = []
    for r in resultats:
        if r.etat == "fait" and r.dossier is not None:
            resumes.append(json.loads((r.dossier / "resume.json").read_text(encoding="utf-8")))
    synthese = pd.DataFrame([_ligne_synthese(r) for r in resumes])
    ecrire_atomique(sortie / "synthese.csv", neutraliser_tableau(synthese).to_csv(index=False))
    ecrire_atomique(sortie / "index.html", _page_index(sortie, synthese, resultats))
    return synthese


def _page_index(sortie: Path, synthese: pd.DataFrame, resultats: Sequence[Resultat]) -> str:
    from .format_fr import fcfa, nombre, pourcentage
    from .graphiques.notation import carte_chaleur_html

    def cellule(valeur: Any, formateur: Callable[[Any], str]) -> str:
        return "—" if valeur is None or (isinstance(valeur, float) and math.isnan(valeur)) else formateur(valeur)

    lignes = []
    for _, ligne in synthese.iterrows():
        ident = html.escape(str(ligne["cluster"]))
        lignes.append(
            "<tr>"
            f'<td><a href="{ident}/rapport.html">{html.escape(str(ligne["nom"]))}</a></td>'
            f"<td>{html.escape(str(ligne['campagne']))}</td>"
            f"<td>{cellule(ligne['score_global'], lambda v: nombre(v, 2))}</td>"
            f"<td>{cellule(ligne['couverture'], lambda v: pourcentage(v, fraction=True))}</td>"
            f"<td>{cellule(ligne['valeur_ajoutee_totale'], fcfa)}</td>"
            f"<td>{cellule(ligne['taux_contractualisation'], lambda v: pourcentage(v, fraction=True))}</td>"
            f"<td>{html.escape(str(ligne['maillons_manquants'] or '—'))}</td>"
            "</tr>"
        )
    problemes = [r for r in resultats if r.etat != "fait"]
    liste_problemes = "".join(
        f"<li><strong>{html.escape(str(r.chemin))}</strong> ({'invalide' if r.etat == 'invalide' else 'échec'}) : "
        + html.escape(" ; ".join(r.messages[:5])) + "</li>"
        for r in problemes
    )
    carte = carte_chaleur_html(synthese) if not synthese.empty else ""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Synthèse des clusters</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto;color:#222}}
table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.3em .6em;text-align:left}}
th{{background:#eee}}</style></head><body>
<h1>Synthèse des clusters</h1>
<p>{len(synthese)} rapport(s) produit(s), {len(problemes)} cluster(s) non traité(s).</p>
<table><thead><tr><th>Cluster</th><th>Campagne</th><th>Score global (1 à 4)</th><th>Couverture de la grille</th>
<th>Valeur ajoutée totale</th><th>Taux de contractualisation</th><th>Maillons manquants</th></tr></thead>
<tbody>{''.join(lignes)}</tbody></table>
{carte}
{'<h2>Clusters non traités</h2><ul>' + liste_problemes + '</ul>' if problemes else ''}
</body></html>
"""


def _sortie_utilisable(sortie: Path) -> str | None:
    """Message d'erreur si l'on ne peut pas écrire dans ``sortie``, sinon ``None``."""
    try:
        sortie.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=sortie, prefix=".essai-"):
            pass
    except OSError as exc:
        return f"impossible d'écrire dans le dossier de sortie {sortie} ({exc.strerror or exc})"
    return None


def commande_report(
    chemins: Sequence[Path],
    sortie: Path,
    *,
    travaux: int = 1,
    campagne: str | None = None,
    formats: Sequence[str] = FORMATS,
    disposition: str = "valuelinks",
    delai: int = DELAI_CELLULE,
) -> int:
    """La commande ``clusterlib report`` : rapports, synthèse, bilan en français ; renvoie le code de sortie."""
    from tqdm import tqdm

    erreur = _sortie_utilisable(sortie)
    if erreur:
        print(f"clusterlib report : {erreur}", file=sys.stderr)
        return 2
    barre = tqdm(total=len(chemins), desc="Rapports", unit="cluster", file=sys.stderr,
                 disable=None, bar_format="{desc} : {n_fmt}/{total_fmt} |{bar}| {elapsed}")
    try:
        resultats = executer_lot(chemins, sortie, campagne=campagne, disposition=disposition, formats=formats,
                                 travaux=travaux, delai=delai, progression=lambda _r: barre.update(1))
    except KeyboardInterrupt:
        barre.close()
        print("\nInterrompu : aucun rapport à moitié écrit n'a été laissé ; les rapports déjà faits sont gardés.",
              file=sys.stderr)
        return 130
    barre.close()
    ecrire_synthese(sortie, resultats)
    faits = [r for r in resultats if r.etat == "fait"]
    invalides = [r for r in resultats if r.etat == "invalide"]
    echecs = [r for r in resultats if r.etat == "echec"]
    print(f"Rapports : {len(faits)} produit(s), {len(invalides)} cluster(s) invalide(s), "
          f"{len(echecs)} échec(s), sur {len(resultats)} — dossier {sortie}")
    for r in faits:
        print(f"  fait      {r.chemin} → {r.dossier}/rapport.html ({r.duree:.0f} s)")
    for r in invalides:
        print(f"  invalide  {r.chemin}")
        for message in r.messages:
            print(f"    - {message}")
    for r in echecs:
        print(f"  échec     {r.chemin} : {r.messages[0] if r.messages else 'cause inconnue'}"
              + (f" (journal : {r.journal})" if r.journal else ""))
    if faits:
        print(f"Synthèse : {sortie / 'index.html'} et {sortie / 'synthese.csv'}")
    return 0 if len(faits) == len(resultats) else 1
