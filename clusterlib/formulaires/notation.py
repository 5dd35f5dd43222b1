"""Formulaire de notation de la grille de fonctionnement, pour un atelier (ipywidgets).

Une ligne par indicateur : la question posée, un choix de note de 1 à 4 (boutons radio, que
les lecteurs d'écran annoncent avec leur état), le descripteur du niveau choisi, les preuves
à vérifier et un champ de justification. Le formulaire enregistre les notes d'**un**
évaluateur pour **une** campagne dans le fichier ``scores.csv`` du cluster :

- les lignes des autres campagnes et des autres évaluateurs ne sont pas touchées ;
- les lignes précédentes de cet évaluateur pour cette campagne sont remplacées ;
- l'ancien fichier est gardé à côté (``scores.csv.bak``) et le nouveau est écrit de façon
  atomique (jamais de fichier à moitié écrit) ;
- un formulaire incomplet n'est enregistré que si l'on coche la case de confirmation (les
  indicateurs non notés n'ont alors pas de ligne : ils restent « non évalués »).

Les descripteurs viennent du référentiel (``referentiel/grille.yml``).
"""

from __future__ import annotations

import csv
import html
import io
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd

from clusterlib import referentiel
from clusterlib.donnees.lecture import decoder
from clusterlib.donnees.lecture import separateur as deviner_separateur
from clusterlib.donnees.modele import load
from clusterlib.fichiers import ecrire_atomique, neutraliser_cellule, retirer_neutralisation
from clusterlib.formulaires.imprimable import mimebundle
from clusterlib.referentiel import regles

__all__ = ["ErreurFormulaire", "FormulaireNotation", "enregistrer_notes", "formulaire_notation"]

COLONNES = ("campagne", "indicateur", "score", "justification", "evaluateur")
"""Colonnes écrites dans un nouveau fichier ``scores.csv``."""



class ErreurFormulaire(ValueError):
    """Le formulaire ne peut pas être ouvert ou enregistré (message en français)."""


# --- Lecture et écriture de scores.csv -----------------------------------------------------


def _campagne_normalisee(texte: str) -> str | None:
    """« 2025-2026 », « 2025/2026 », « 2025 - 2026 » → « 2025-2026 » ; ``None`` si invalide."""
    return regles.campagne(texte)


def _texte_une_ligne(texte: Any) -> str:
    return " ".join(str(texte or "").split())


def enregistrer_notes(chemin_scores: str | Path, campagne: str, evaluateur: str,
                      notes: pd.DataFrame, sauvegarde: bool = True) -> Path:
    """Écrit les notes d'un évaluateur pour une campagne dans ``scores.csv``, sans toucher au reste.

    ``notes`` : colonnes ``indicateur``, ``score`` (1 à 4) et ``justification``. Les lignes
    existantes de ce même évaluateur pour cette campagne sont remplacées ; toutes les autres
    lignes sont recopiées telles quelles, avec le séparateur et les en-têtes du fichier.
    Avec ``sauvegarde``, l'ancien fichier est copié dans ``scores.csv.bak``. Écriture atomique.
    """
    chemin_scores = Path(chemin_scores)
    campagne_ok = _campagne_normalisee(campagne)
    if campagne_ok is None:
        raise ErreurFormulaire(f"campagne « {campagne} » invalide ; attendu : {regles.campagne_attendue()}")
    evaluateur = _texte_une_ligne(evaluateur)
    if not evaluateur:
        raise ErreurFormulaire("nom de l'évaluateur manquant ; attendu : qui donne ces notes "
                               "(par exemple « Coach externe » ou un nom)")
    ids = set(regles.ids_indicateurs())
    inconnus = sorted(set(map(str, notes["indicateur"])) - ids)
    if inconnus:
        raise ErreurFormulaire(f"indicateur(s) inconnu(s) : {', '.join(inconnus)} ; "
                               f"attendu : {regles.plage_indicateurs()}")
    scores = pd.to_numeric(notes["score"], errors="coerce")
    echelle = regles.echelle_notes()
    if not scores.isin(echelle.niveaux).all():
        raise ErreurFormulaire(f"note hors de l'échelle ; attendu : un entier {echelle.texte()}")

    ancien: bytes | None = chemin_scores.read_bytes() if chemin_scores.exists() else None
    if ancien is not None:
        texte = decoder(ancien)
        separateur = deviner_separateur(texte)
        fin_ligne = "\r\n" if "\r\n" in texte else "\n"
        lignes = [ligne for ligne in csv.reader(io.StringIO(texte, newline=""), delimiter=separateur)
                  if any(c.strip() for c in ligne)]
        entete, donnees = (lignes[0], lignes[1:]) if lignes else (list(COLONNES), [])
        bom = ancien.startswith(b"\xef\xbb\xbf")
    else:
        voisin = chemin_scores.parent / "acteurs.csv"
        separateur = deviner_separateur(decoder(voisin.read_bytes())) if voisin.exists() else ","
        fin_ligne, entete, donnees, bom = "\n", list(COLONNES), [], False

    cles = [referentiel.cle_normalisee(e) for e in entete]
    for colonne in COLONNES:  # colonnes manquantes (ancienne version du fichier) : ajoutées à la fin
        if colonne not in cles:
            entete.append(colonne)
            cles.append(colonne)
    position = {c: cles.index(c) for c in COLONNES}

    def cellule(ligne: list[str], colonne: str) -> str:
        j = position[colonne]
        return ligne[j].strip() if j < len(ligne) else ""

    gardees = [
        ligne + [""] * (len(entete) - len(ligne))
        for ligne in donnees
        if not (_campagne_normalisee(cellule(ligne, "campagne")) == campagne_ok
                and _texte_une_ligne(cellule(ligne, "evaluateur")) == evaluateur)
    ]
    ajoutees = []
    for indicateur, score, justification in zip(
            notes["indicateur"], scores, notes.get("justification", pd.Series([""] * len(notes))), strict=True):
        ligne = [""] * len(entete)
        ligne[position["campagne"]] = campagne_ok
        ligne[position["indicateur"]] = str(indicateur)
        ligne[position["score"]] = str(int(score))
        ligne[position["justification"]] = _texte_une_ligne(justification)
        ligne[position["evaluateur"]] = evaluateur
        ajoutees.append(ligne)

    tampon = io.StringIO(newline="")
    ecrivain = csv.writer(tampon, delimiter=separateur, lineterminator=fin_ligne)
    ecrivain.writerow(entete)
    # Aucune cellule ne commence une formule ; les lignes gardées le sont sans double apostrophe.
    ecrivain.writerows([neutraliser_cellule(retirer_neutralisation(c)) for c in ligne] for ligne in gardees)
    ecrivain.writerows([neutraliser_cellule(c) for c in ligne] for ligne in ajoutees)
    contenu = ("\ufeff" if bom else "") + tampon.getvalue()
    if ancien is not None and sauvegarde:
        ecrire_atomique(chemin_scores.with_name(chemin_scores.name + ".bak"), ancien)
    ecrire_atomique(chemin_scores, contenu.encode("utf-8"))
    return chemin_scores


def _lire_notes(chemin_scores: Path, campagne: str, evaluateur: str) -> dict[str, tuple[int, str]]:
    """Les notes déjà enregistrées d'un évaluateur pour une campagne : id → (note, justification)."""
    if not chemin_scores.exists():
        return {}
    texte = decoder(chemin_scores.read_bytes())
    lignes = [ligne for ligne in csv.reader(io.StringIO(texte, newline=""), delimiter=deviner_separateur(texte))
              if any(c.strip() for c in ligne)]
    if not lignes:
        return {}
    cles = [referentiel.cle_normalisee(e) for e in lignes[0]]
    if not all(c in cles for c in ("campagne", "indicateur", "score")):
        return {}

    def valeur(ligne: list[str], colonne: str) -> str:
        j = cles.index(colonne) if colonne in cles else len(ligne)
        return ligne[j].strip() if j < len(ligne) else ""

    trouvees = {}
    for ligne in lignes[1:]:
        if (_campagne_normalisee(valeur(ligne, "campagne")) == campagne
                and _texte_une_ligne(valeur(ligne, "evaluateur")) == evaluateur):
            try:
                note = int(float(valeur(ligne, "score").replace(",", ".")))
            except ValueError:
                continue
            if 1 <= note <= 4:
                trouvees[valeur(ligne, "indicateur").replace(",", ".")] = (note, valeur(ligne, "justification"))
    return trouvees


# --- Le formulaire ------------------------------------------------------------------------


class _LigneIndicateur:
    """Les contrôles d'un indicateur : note (boutons radio), descripteur, justification."""

    def __init__(self, indicateur: dict[str, Any], libelles: dict[int, str]) -> None:
        self.id = indicateur["id"]
        self.niveaux = {int(k): " ".join(str(v).split()) for k, v in indicateur["niveaux"].items()}
        self.libelles = libelles
        titre = widgets.HTML(
            f"<b>{html.escape(self.id)} · {html.escape(indicateur['nom'])}</b><br>"
            f"<span style='color:#444'>{html.escape(' '.join(indicateur['mesure'].split()))}</span>")
        self.note = widgets.RadioButtons(
            options=[(f"{n} – {libelles[n]}", n) for n in sorted(self.niveaux)],
            value=None,
            description=f"Note {self.id}",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", min_width="17em"),
        )
        self.descripteur = widgets.HTML()
        preuves = " ; ".join(indicateur.get("preuves", []))
        self.preuves = widgets.HTML(
            f"<span style='font-size:90%;color:#555'>Preuves à vérifier : {html.escape(preuves)}</span>")
        self.justification = widgets.Textarea(
            description="Justification",
            placeholder="Faits observés et preuves consultées",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="95%", height="3.5em"),
        )
        self.note.observe(self._montrer_descripteur, names="value")
        self._montrer_descripteur()
        self.widget = widgets.VBox(
            [titre, widgets.HBox([self.note, widgets.VBox([self.descripteur, self.preuves],
                                                          layout=widgets.Layout(width="100%"))]),
             self.justification],
            layout=widgets.Layout(border="1px solid #ccc", padding="0.4em", margin="0.2em 0"),
        )

    def _montrer_descripteur(self, *_: Any) -> None:
        n = self.note.value
        if n is None:
            self.descripteur.value = "<i>Non noté : choisissez le niveau qui décrit le mieux la situation.</i>"
        else:
            self.descripteur.value = (f"<b>Niveau {n} – {html.escape(self.libelles[n])} :</b> "
                                      f"{html.escape(self.niveaux[n])}")


class FormulaireNotation:
    """Formulaire d'atelier pour noter les 24 indicateurs d'un cluster, pour une campagne.

    >>> f = FormulaireNotation("data/samples/riz-glazoue", campagne="2025-2026")  # doctest: +SKIP
    >>> f  # affiche le formulaire dans le notebook                               # doctest: +SKIP

    Les notes s'écrivent dans ``scores.csv`` du dossier du cluster (ou dans ``chemin_scores``,
    obligatoire pour un classeur Excel). Utilisable sans clic : remplir ``lignes[id].note``,
    ``lignes[id].justification``, ``evaluateur`` puis appeler :meth:`enregistrer`.
    """

    def __init__(self, chemin: str | Path, campagne: str | None = None, evaluateur: str = "",
                 chemin_scores: str | Path | None = None) -> None:
        self.chemin = Path(chemin)
        cluster = load(self.chemin)
        if chemin_scores is None:
            if not self.chemin.is_dir():
                raise ErreurFormulaire(
                    f"« {self.chemin.name} » est un classeur : le formulaire enregistre les notes dans un fichier "
                    "scores.csv ; indiquez chemin_scores, ou enregistrez le cluster sous forme de dossier")
            chemin_scores = self.chemin / "scores.csv"
        self.chemin_scores = Path(chemin_scores)
        self.cluster_nom = cluster.nom
        grille = referentiel.grille()
        libelles = {int(k): v for k, v in grille["echelle"]["libelles"].items()}
        self.lignes: dict[str, _LigneIndicateur] = {}
        blocs: list[widgets.Widget] = []
        for axe in grille["axes"]:
            blocs.append(widgets.HTML(f"<h4>Axe {axe['numero']} · {html.escape(axe['nom'])}</h4>"))
            for indicateur in axe["indicateurs"]:
                ligne = _LigneIndicateur(indicateur, libelles)
                self.lignes[ligne.id] = ligne
                blocs.append(ligne.widget)
        self.campagne = widgets.Combobox(
            options=cluster.campagnes(), value=campagne or cluster.campagne, description="Campagne",
            placeholder=regles.format_campagne(), ensure_option=False, style={"description_width": "initial"})
        self.evaluateur = widgets.Text(
            value=evaluateur, description="Évaluateur", placeholder="Nom ou rôle (Coach externe…)",
            style={"description_width": "initial"})
        self.confirmer = widgets.Checkbox(
            value=False, description="Enregistrer même si des indicateurs ne sont pas notés",
            indent=False, layout=widgets.Layout(width="auto"))
        self.bouton_enregistrer = widgets.Button(description="Enregistrer les notes", button_style="primary",
                                                 icon="save", tooltip=f"Écrire dans {self.chemin_scores}",
                                                 layout=widgets.Layout(width="auto"))
        self.bouton_reprendre = widgets.Button(description="Reprendre les notes enregistrées", icon="folder-open",
                                               layout=widgets.Layout(width="auto"),
                                               tooltip="Recharger les notes de cet évaluateur pour cette campagne")
        self.message = widgets.HTML()
        self.bouton_enregistrer.on_click(lambda _: self.enregistrer())
        self.bouton_reprendre.on_click(lambda _: self.reprendre())
        entete = widgets.VBox([
            widgets.HTML(f"<h3>Grille de fonctionnement · {html.escape(self.cluster_nom)}</h3>"
                         f"<p>Notes enregistrées dans <code>{html.escape(str(self.chemin_scores))}</code>.</p>"),
            widgets.HBox([self.campagne, self.evaluateur, self.bouton_reprendre]),
        ])
        pied = widgets.VBox([self.confirmer, self.bouton_enregistrer, self.message])
        self.widget = widgets.VBox([entete, *blocs, pied])
        if evaluateur:
            self.reprendre(silencieux=True)

    # Affichage dans un notebook : le formulaire se montre comme son conteneur.
    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mimebundle(self.widget, **kwargs)

    def notes(self) -> pd.DataFrame:
        """Les notes choisies : ``indicateur``, ``score``, ``justification`` (indicateurs notés seulement)."""
        lignes = [
            {"indicateur": i, "score": int(ligne.note.value),
             "justification": _texte_une_ligne(ligne.justification.value)}
            for i, ligne in self.lignes.items() if ligne.note.value is not None
        ]
        return pd.DataFrame(lignes, columns=["indicateur", "score", "justification"])

    def manquants(self) -> list[str]:
        """Les indicateurs encore sans note, dans l'ordre de la grille."""
        return [i for i, ligne in self.lignes.items() if ligne.note.value is None]

    def _dire(self, texte: str, erreur: bool = False) -> None:
        couleur = "#8B1A1A" if erreur else "#1B5E20"
        self.message.value = f"<p style='color:{couleur}'><b>{html.escape(texte, quote=False)}</b></p>"

    def enregistrer(self, confirme: bool | None = None) -> Path | None:
        """Enregistre les notes ; renvoie le chemin écrit, ou ``None`` (message dans :attr:`message`).

        Refuse un formulaire incomplet sauf si la case de confirmation est cochée (ou
        ``confirme=True``).
        """
        campagne = _campagne_normalisee(self.campagne.value)
        if campagne is None:
            self._dire(f"Campagne « {self.campagne.value} » invalide : écrivez deux années qui se suivent, "
                       "par exemple 2025-2026. Rien n'a été enregistré.", erreur=True)
            return None
        if not _texte_une_ligne(self.evaluateur.value):
            self._dire("Indiquez le nom de l'évaluateur avant d'enregistrer. Rien n'a été enregistré.", erreur=True)
            return None
        notes = self.notes()
        if notes.empty:
            self._dire("Aucun indicateur noté : rien à enregistrer.", erreur=True)
            return None
        manquants = self.manquants()
        confirme = self.confirmer.value if confirme is None else confirme
        if manquants and not confirme:
            self._dire(f"{len(manquants)} indicateur(s) sans note ({', '.join(manquants)}). Notez-les, ou cochez "
                       "« Enregistrer même si des indicateurs ne sont pas notés » : ils resteront non évalués. "
                       "Rien n'a été enregistré.", erreur=True)
            return None
        try:
            chemin = enregistrer_notes(self.chemin_scores, campagne, self.evaluateur.value, notes)
        except (ErreurFormulaire, OSError) as exc:
            self._dire(f"Enregistrement impossible : {exc}. Rien n'a été modifié.", erreur=True)
            return None
        suite = f" ; {len(manquants)} indicateur(s) non évalué(s)" if manquants else ""
        sauvegarde = " (ancien fichier gardé dans " + chemin.name + ".bak)" if chemin.with_name(
            chemin.name + ".bak").exists() else ""
        self._dire(f"{len(notes)} note(s) de « {_texte_une_ligne(self.evaluateur.value)} » enregistrée(s) pour "
                   f"{campagne} dans {chemin.name}{sauvegarde}{suite}.")
        return chemin

    def reprendre(self, silencieux: bool = False) -> int:
        """Recharge dans le formulaire les notes déjà enregistrées de l'évaluateur pour la campagne."""
        campagne = _campagne_normalisee(self.campagne.value)
        evaluateur = _texte_une_ligne(self.evaluateur.value)
        if campagne is None or not evaluateur:
            if not silencieux:
                self._dire("Indiquez une campagne valide et le nom de l'évaluateur pour reprendre ses notes.",
                           erreur=True)
            return 0
        trouvees = _lire_notes(self.chemin_scores, campagne, evaluateur)
        for i, ligne in self.lignes.items():
            note, justification = trouvees.get(i, (None, ""))
            ligne.note.value = note
            ligne.justification.value = justification
        if not silencieux:
            self._dire(f"{len(trouvees)} note(s) de « {evaluateur} » reprise(s) pour {campagne}.")
        return len(trouvees)


def formulaire_notation(chemin: str | Path, campagne: str | None = None, evaluateur: str = "",
                        chemin_scores: str | Path | None = None) -> FormulaireNotation:
    """Ouvre le formulaire de notation d'un cluster (dossier, ou classeur avec ``chemin_scores``)."""
    return FormulaireNotation(chemin, campagne=campagne, evaluateur=evaluateur, chemin_scores=chemin_scores)
