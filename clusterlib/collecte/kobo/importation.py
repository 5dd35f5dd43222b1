"""L'import complet d'un export Kobo/ODK : tout est vérifié avant d'écrire."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

from clusterlib.collecte.kobo._commun import FICHIER_REPONSES
from clusterlib.collecte.kobo.bilan import BilanImport
from clusterlib.collecte.kobo.fusion import _fiche_nouvelle, _Fusion
from clusterlib.collecte.kobo.soumissions import _lire_soumissions
from clusterlib.collecte.modeles_excel import JeuTexte, ecrire_dossier, lire_jeu_texte, texte_csv, texte_fiche_yaml
from clusterlib.collecte.xlsform import GRILLE, ErreurFormulaire, lire_formulaire
from clusterlib.donnees.lecture import lire_jeu
from clusterlib.donnees.problemes import Probleme
from clusterlib.donnees.validation import valider_jeu
from clusterlib.fichiers import ErreurSortie, ecriture_atomique, meme_fichier, verifier_sortie
from clusterlib.referentiel import cle_normalisee

__all__ = ["importer_kobo"]


def _fichier_table(dossier: Path, table: str) -> Path | None:
    for fichier in dossier.iterdir():
        if fichier.is_file() and cle_normalisee(fichier.stem) == table and not fichier.name.startswith((".", "~$")):
            return fichier
    return None


def importer_kobo(export: str | Path, formulaire: str | Path, destination: str | Path,
                  ecrire: bool = True) -> BilanImport:
    """Importe un export Kobo/ODK dans le jeu ``destination`` (un dossier, créé s'il n'existe pas).

    ``formulaire`` est le XLSForm qui a servi à la collecte (un de ceux de ``clusterlib templates``).
    Renvoie un :class:`BilanImport` ; si ``bilan.erreurs`` n'est pas vide, rien n'a été écrit.
    Lève :class:`~clusterlib.collecte.xlsform.ErreurFormulaire` si le formulaire est illisible ou n'est
    pas un formulaire de clusterlib, :class:`~clusterlib.fichiers.ErreurSortie` si ``destination``
    n'est pas un dossier, se trouve dans un autre jeu de données ou si l'import écraserait l'export ou le formulaire.
    """
    export, destination = Path(export), Path(destination)
    if destination.suffix.lower() in (".xlsx", ".xls") or destination.is_file():
        raise ErreurSortie(f"clusterlib import-kobo : {destination} n'est pas un dossier ; l'import écrit dans le "
                           "dossier d'un cluster (cluster.yml et tables CSV)")
    verifier_sortie(destination, commande="clusterlib import-kobo", dossier=True, jeu_admis=True)
    form = lire_formulaire(formulaire)
    nature = form.nature
    if nature is None:
        raise ErreurFormulaire(f"{Path(formulaire).name} : formulaire « {form.form_id} » inconnu ; attendu : un des "
                               "formulaires écrits par « clusterlib templates » (grille ou fiche de l'annexe 2)")
    bilan = BilanImport(export, destination, form.titre)
    problemes: list[Probleme] = []
    if not export.is_file():
        bilan.erreurs.append(Probleme(str(export), "export introuvable"))
        return bilan
    soumissions = _lire_soumissions(export, form, problemes)
    bilan.erreurs += [p for p in problemes if p.est_erreur]
    bilan.avertissements += [p for p in problemes if not p.est_erreur]
    bilan.soumissions = len(soumissions)
    if bilan.erreurs:
        return bilan

    bilan.nouveau_jeu = not (destination / "cluster.yml").exists() and not (destination / "cluster.yaml").exists()
    if bilan.nouveau_jeu:
        if destination.exists() and any(destination.iterdir()):
            bilan.erreurs.append(Probleme(str(destination), "dossier sans cluster.yml mais non vide ; attendu : le "
                                          "dossier d'un cluster, ou un dossier nouveau ou vide"))
            return bilan
        if nature == GRILLE:
            bilan.erreurs.append(Probleme(str(destination), "jeu introuvable ; importez d'abord les fiches des "
                                          "acteurs (la table acteurs est obligatoire) puis la grille"))
            return bilan
        jeu = JeuTexte(fiche=_fiche_nouvelle(soumissions))
    else:
        existant = valider_jeu(lire_jeu(destination))
        if existant.erreurs:
            bilan.erreurs.append(Probleme(str(destination), f"le jeu existant a {len(existant.erreurs)} erreur(s) ; "
                                          f"corrigez-les d'abord (clusterlib validate {destination})"))
            return bilan
        for table in ("acteurs", "relations", "scores", FICHIER_REPONSES):
            fichier = _fichier_table(destination, table)
            if fichier is not None and fichier.suffix.lower() not in (".csv", ".txt"):
                bilan.erreurs.append(Probleme(fichier.name, "l'import écrit des fichiers CSV ; enregistrez d'abord "
                                              "cette table en CSV (UTF-8) dans le dossier du cluster"))
        if bilan.erreurs:
            return bilan
        jeu = lire_jeu_texte(destination, annexes=(FICHIER_REPONSES,))
        nom_jeu = cle_normalisee(str(jeu.fiche.get("nom", "")))
        autres = {str(s.ligne.valeurs.get("cluster")) for s in soumissions
                  if s.ligne.valeurs.get("cluster") and cle_normalisee(s.ligne.valeurs["cluster"]) != nom_jeu}
        if autres:
            bilan.avertissements.append(Probleme(
                export.name, f"des soumissions portent sur « {', '.join(sorted(autres))} » alors que le jeu est "
                f"« {jeu.fiche.get('nom')} »", gravite="avertissement"))

    fusion = _Fusion(jeu, form, bilan)
    if nature == GRILLE:
        fusion.grille(soumissions)
    else:
        fusion.fiche(soumissions, nature)
    resultat = fusion.resultat()

    # Vérification complète du résultat avant d'écrire quoi que ce soit.
    destination.parent.mkdir(parents=True, exist_ok=True)
    essai = Path(tempfile.mkdtemp(prefix=".import-kobo-", dir=destination.parent))
    try:
        ecrire_dossier(resultat, essai)
        verification = valider_jeu(lire_jeu(essai))
        if verification.erreurs:
            bilan.erreurs += [Probleme(f"résultat de l'import ({p.fichier})", p.message, p.ligne, p.colonne, p.lettre)
                              for p in verification.erreurs]
            return bilan
        if not ecrire:
            return bilan
        # Tous les fichiers sont d'abord écrits à côté ; ils ne remplacent les anciens qu'une fois tous prêts.
        contenus: dict[Path, str] = {}
        if bilan.nouveau_jeu:
            contenus[destination / "cluster.yml"] = texte_fiche_yaml(
                resultat.fiche, "Fiche créée par clusterlib import-kobo : complétez-la (marchés, communes, "
                "agrégateur, coachs).")
        a_ecrire = {**{t: resultat.tables[t] for t in ("acteurs", "relations", "scores") if t in resultat.tables},
                    **{t: c for t, c in resultat.annexes.items() if t == FICHIER_REPONSES}}
        for table, cadre in a_ecrire.items():
            fichier = None if bilan.nouveau_jeu else _fichier_table(destination, table)
            contenus[fichier or destination / f"{table}.csv"] = texte_csv(cadre)
        for chemin in contenus:
            for entree in (export, Path(formulaire)):
                if meme_fichier(chemin, entree):
                    raise ErreurSortie(f"clusterlib import-kobo : l'import écrirait {chemin}, qui est le fichier "
                                       f"d'entrée {entree} ; rien n'a été écrit. Rangez l'export et le formulaire "
                                       "hors du dossier du cluster.")
        destination.mkdir(parents=True, exist_ok=True)
        with ExitStack() as pile:
            for chemin, texte in contenus.items():
                pile.enter_context(ecriture_atomique(chemin)).write_text(texte, encoding="utf-8")
        bilan.ecrit = True
    finally:
        shutil.rmtree(essai, ignore_errors=True)
    return bilan
