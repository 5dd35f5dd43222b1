"""Formulaires des listes de contrôle du coach (ipywidgets) : une question par ligne, des boutons radio.

Chaque élément est présenté par sa question et ce qu'on regarde pour y répondre ; la réponse
se choisit avec des boutons radio, dont l'étiquette (le libellé court de l'élément) est lue
par les lecteurs d'écran avec l'état de chaque bouton. Le score et le verdict se mettent à jour
à chaque réponse : ils viennent de :mod:`clusterlib.analyses.listes_controle`, le formulaire ne calcule
rien. Les réponses peuvent être enregistrées dans un CSV, de façon atomique.

- :func:`formulaire_liste` : une liste (préalables, facteurs, cluster fonctionnel, autonomie…) ;
- :func:`formulaire_candidats` : le jury note plusieurs candidats au poste de coach, un
  classement unique se met à jour ;
- :func:`formulaire_phase` : les indices des phases de l'ONUDI, préremplis avec ce que
  suggèrent les données du cluster, et le placement qui en découle.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from clusterlib.analyses import listes_controle as lc
from clusterlib.formulaires.imprimable import mimebundle
from clusterlib.presentation import listes_controle as textes

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = ["FormulaireCandidats", "FormulaireListe", "FormulairePhase", "formulaire_candidats", "formulaire_liste",
           "formulaire_phase"]

_CADRE = widgets.Layout(border="1px solid #ccc", padding="0.4em", margin="0.2em 0")


def _options(nom_echelle: str) -> list[tuple[str, str]]:
    ech = lc.echelle(nom_echelle)
    return [(str(lg), str(c)) for lg, c in zip(ech["libelle"], ech["code"], strict=True)]


def _radio(
    libelle: str, question: str, options: list[tuple[str, str]], valeur: str | None = None
) -> widgets.RadioButtons:
    return widgets.RadioButtons(
        options=options, value=valeur, description=libelle, tooltip=question,
        style={"description_width": "initial"}, layout=widgets.Layout(width="auto", min_width="20em"),
    )


def _question(ident: str, question: str, preuves: str) -> widgets.HTML:
    texte = f"<b>{html.escape(ident)}</b> — {html.escape(question)}"
    if preuves:
        texte += f"<br><small>À regarder : {html.escape(preuves)}</small>"
    return widgets.HTML(texte, layout=widgets.Layout(width="100%"))


def _score(valeur: float) -> str:
    return "—" if math.isnan(valeur) else f"{valeur:.0f} %"


class _FormulaireReponses:
    """Ce que partagent les formulaires à une réponse par élément : l'affichage dans le notebook et les réponses."""

    widget: widgets.Widget
    boutons: dict[str, widgets.RadioButtons]

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mimebundle(self.widget, **kwargs)

    def reponses(self) -> dict[str, str | None]:
        """Les réponses saisies, ``{id: code}`` (``None`` pour un élément sans réponse)."""
        return {i: b.value for i, b in self.boutons.items()}


class FormulaireListe(_FormulaireReponses):
    """Le formulaire d'une liste de contrôle ; :meth:`resultat` donne la note en cours."""

    def __init__(self, nom: str, reponses: dict[str, Any] | None = None, chemin: str | Path | None = None,
                 evaluateur: str = "") -> None:
        self.nom = nom
        self.definition = lc.definition(nom)
        self.chemin = Path(chemin) if chemin else None
        options = _options(nom)
        reponses = dict(reponses or {})
        self.boutons: dict[str, widgets.RadioButtons] = {}
        blocs: list[widgets.Widget] = []
        for _, it in lc.items(nom).iterrows():
            valeur = reponses.get(it["id"])
            bouton = _radio(it["libelle"], it["question"], options, valeur)
            bouton.observe(self._actualiser, names="value")
            self.boutons[it["id"]] = bouton
            marque = " (essentiel)" if it["essentiel"] else (" (éliminatoire)" if it["eliminatoire"] else "")
            blocs.append(widgets.VBox([_question(it["id"] + marque, it["question"], it["preuves"]), bouton],
                                      layout=_CADRE))
        self.evaluateur = widgets.Text(value=evaluateur, description="Évaluateur",
                                       placeholder="Nom ou rôle", style={"description_width": "initial"})
        self.resultat_html = widgets.HTML()
        self.message = widgets.HTML()
        self.bouton_enregistrer = widgets.Button(description="Enregistrer les réponses", icon="save",
                                                 disabled=self.chemin is None,
                                                 tooltip="Écrit les réponses dans le fichier CSV indiqué")
        self.bouton_enregistrer.on_click(lambda _: self.enregistrer())
        entete = widgets.HTML(
            f"<h3>{html.escape(self.definition['titre'])}</h3><p><small>{html.escape(self.definition['source'])}"
            f"</small></p><p>{html.escape(' '.join(self.definition['description'].split()))}</p>")
        self.widget = widgets.VBox([entete, self.evaluateur, *blocs, self.resultat_html,
                                    widgets.HBox([self.bouton_enregistrer]), self.message])
        self._actualiser()

    def resultat(self) -> lc.ResultatListe:
        """La liste notée avec les réponses saisies."""
        return lc.noter(self.nom, self.reponses())

    def _actualiser(self, *_: Any) -> None:
        r = self.resultat()
        libelle = "Niveau de risque" if r.sens == "defavorable" else "Score"
        self.resultat_html.value = (f"<p role='status'><b>{libelle} : {_score(r.score)}</b> — "
                                    f"{html.escape(textes.message_liste(r))}</p>")

    def enregistrer(self) -> Path | None:
        """Écrit les réponses dans le CSV du formulaire (atomiquement) ; renvoie son chemin."""
        if self.chemin is None:
            self.message.value = "<p>Aucun fichier indiqué : les réponses ne sont pas enregistrées.</p>"
            return None
        chemin = lc.enregistrer_reponses(self.chemin, self.nom, self.reponses(), evaluateur=self.evaluateur.value)
        self.message.value = f"<p role='status'>Réponses enregistrées dans {html.escape(str(chemin))}.</p>"
        return chemin


def formulaire_liste(nom: str, reponses: dict[str, Any] | None = None, chemin: str | Path | None = None,
                     evaluateur: str = "") -> FormulaireListe:
    """Le formulaire d'une liste de contrôle (``prealables``, ``facteurs_reussite``,
    ``facteurs_echec``, ``cluster_fonctionnel``, ``autonomie``, …). ``reponses`` préremplit ;
    ``chemin`` (CSV) active le bouton d'enregistrement."""
    return FormulaireListe(nom, reponses, chemin, evaluateur)


class FormulaireCandidats:
    """Le formulaire du jury : une grille par candidat et par membre du jury, un classement commun."""

    def __init__(self, profil: str, notes: pd.DataFrame | None = None, chemin: str | Path | None = None) -> None:
        if profil not in ("coach_externe", "coach_interne"):
            raise lc.ErreurListe(f"profil « {profil} » inconnu ; attendu : coach_externe ou coach_interne")
        self.profil = profil
        self.chemin = Path(chemin) if chemin else None
        self._notes = (notes.copy() if notes is not None
                       else pd.DataFrame(columns=["candidat", "evaluateur", "critere", "note"]))
        options = _options(profil)
        self.candidat = widgets.Text(description="Candidat", placeholder="Nom du candidat",
                                     style={"description_width": "initial"})
        self.evaluateur = widgets.Text(description="Membre du jury", placeholder="Nom",
                                       style={"description_width": "initial"})
        self.boutons: dict[str, widgets.RadioButtons] = {}
        blocs = []
        for _, it in lc.items(profil).iterrows():
            bouton = _radio(it["libelle"], it["question"], options)
            self.boutons[it["id"]] = bouton
            marque = " (éliminatoire)" if it["eliminatoire"] else ""
            blocs.append(widgets.VBox([_question(it["id"] + marque, it["question"], it["preuves"]), bouton],
                                      layout=_CADRE))
        self.bouton_ajouter = widgets.Button(description="Ajouter cette grille", icon="plus", button_style="primary")
        self.bouton_ajouter.on_click(lambda _: self.ajouter())
        self.message = widgets.HTML()
        self.classement_html = widgets.HTML()
        d = lc.definition(profil)
        entete = widgets.HTML(f"<h3>{html.escape(d['titre'])} — jury de recrutement</h3>"
                              f"<p>{html.escape(' '.join(d['description'].split()))}</p>")
        self.widget = widgets.VBox([entete, widgets.HBox([self.candidat, self.evaluateur]), *blocs,
                                    self.bouton_ajouter, self.message, self.classement_html])
        self._afficher()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mimebundle(self.widget, **kwargs)

    def notes(self) -> pd.DataFrame:
        """Toutes les grilles ajoutées : ``candidat``, ``evaluateur``, ``critere``, ``note``."""
        return self._notes.copy()

    def classement(self) -> pd.DataFrame:
        """Le classement des candidats (:func:`clusterlib.analyses.listes_controle.classer_candidats`)."""
        return lc.classer_candidats(self._notes, self.profil)

    def ajouter(self) -> bool:
        """Ajoute la grille saisie (remplace celle du même candidat et du même membre du jury)."""
        nom = self.candidat.value.strip()
        jury = self.evaluateur.value.strip() or "jury"
        if not nom:
            self.message.value = "<p role='alert'>Indiquez le nom du candidat avant d'ajouter sa grille.</p>"
            return False
        lignes = [{"candidat": nom, "evaluateur": jury, "critere": c, "note": b.value}
                  for c, b in self.boutons.items() if b.value is not None]
        if not lignes:
            self.message.value = "<p role='alert'>Aucun critère noté : la grille n'est pas ajoutée.</p>"
            return False
        garder = ~((self._notes["candidat"] == nom) & (self._notes["evaluateur"] == jury))
        self._notes = pd.concat([self._notes[garder], pd.DataFrame(lignes)], ignore_index=True)
        for b in self.boutons.values():
            b.value = None
        self.candidat.value = ""
        self.message.value = f"<p role='status'>Grille de {html.escape(nom)} ({html.escape(jury)}) ajoutée.</p>"
        if self.chemin is not None:
            from clusterlib.fichiers import ecrire_atomique, neutraliser_tableau

            ecrire_atomique(self.chemin, neutraliser_tableau(self._notes).to_csv(index=False))
        self._afficher()
        return True

    def _afficher(self) -> None:
        if self._notes.empty:
            self.classement_html.value = "<p>Aucune grille pour l'instant.</p>"
            return
        c = textes.table_candidats(self.classement(), self.profil)
        vue = pd.DataFrame({
            "Rang": c["rang"].astype("str").replace("<NA>", "—"), "Candidat": c["candidat"],
            "Score": [_score(s) for s in c["score"]], "Verdict": c["verdict"], "Motif": c["motif"],
            "Critères notés": c["criteres_notes"], "Désaccords du jury": c["desaccords"],
        })
        self.classement_html.value = "<h4>Classement</h4>" + vue.to_html(index=False, escape=True, border=0)


def formulaire_candidats(profil: str, notes: pd.DataFrame | None = None,
                         chemin: str | Path | None = None) -> FormulaireCandidats:
    """Le formulaire du jury de recrutement d'un coach (``coach_externe`` ou ``coach_interne``)."""
    return FormulaireCandidats(profil, notes, chemin)


class FormulairePhase(_FormulaireReponses):
    """Les indices des quatre phases, et le placement du cluster qui en découle."""

    def __init__(self, cluster: Cluster | None = None, reponses: dict[str, Any] | None = None) -> None:
        table = lc.phases()
        suggestions: dict[str, Any] = {}
        constats: dict[str, str] = {}
        if cluster is not None:
            indices = lc.indices_phase(cluster)
            suggestions = lc.reponses_suggerees(indices)
            constats = dict(zip(indices["id"], textes.table_indices(indices)["constat"], strict=True))
        suggestions.update(reponses or {})
        options = _options("presence")
        self.boutons: dict[str, widgets.RadioButtons] = {}
        self.justifications: dict[str, widgets.Textarea] = {}
        blocs: list[widgets.Widget] = []
        for phase, g in table.groupby("phase", sort=False):
            blocs.append(widgets.HTML(f"<h4>{html.escape(g['phase_libelle'].iloc[0])}</h4>"))
            for _, it in g.iterrows():
                bouton = _radio(it["libelle"], it["question"], options, suggestions.get(it["id"]))
                bouton.observe(self._actualiser, names="value")
                zone = widgets.Textarea(value=constats.get(it["id"], ""), description="Ce qui le montre",
                                        placeholder="Faits, documents, exemples",
                                        style={"description_width": "initial"},
                                        layout=widgets.Layout(width="95%", height="3.2em"))
                zone.observe(self._actualiser, names="value")
                self.boutons[it["id"]] = bouton
                self.justifications[it["id"]] = zone
                blocs.append(widgets.VBox([_question(it["id"], it["question"], it["preuves"]), bouton, zone],
                                          layout=_CADRE))
            del phase
        self.resultat_html = widgets.HTML()
        avertissement = lc.placer_phase({}).avertissement
        self.widget = widgets.VBox([
            widgets.HTML("<h3>Phase de développement du cluster (ONUDI)</h3>"
                         f"<p><i>{html.escape(avertissement)}</i></p>"
                         + ("<p>Les réponses sont préremplies avec ce que suggèrent les données : "
                            "confirmez-les ou corrigez-les.</p>" if cluster is not None else "")),
            *blocs, self.resultat_html])
        self._actualiser()

    def placement(self) -> lc.PlacementPhase:
        """Le placement calculé avec les réponses et justifications saisies."""
        return lc.placer_phase(self.reponses(), {i: z.value for i, z in self.justifications.items()})

    def _actualiser(self, *_: Any) -> None:
        p = self.placement()
        scores = "".join(f"<li>{html.escape(s['libelle'])} : {s['score']:.0f} %"
                         f"{' (acquise)' if s['acquise'] else ''}</li>" for _, s in p.scores.iterrows())
        ecarts = "".join(f"<li>{html.escape(e)}</li>" for e in textes.ecarts_phase(p))
        message = html.escape(textes.message_phase(p))
        self.resultat_html.value = (f"<div role='status'><p><b>{message}</b></p><ul>{scores}</ul>"
                                    + (f"<p>Points à discuter :</p><ul>{ecarts}</ul>" if ecarts else "")
                                    + f"<p><i>{html.escape(p.avertissement)}</i></p></div>")


def formulaire_phase(cluster: Cluster | None = None, reponses: dict[str, Any] | None = None) -> FormulairePhase:
    """Le formulaire des phases de l'ONUDI, prérempli avec les indices tirés des données du cluster."""
    return FormulairePhase(cluster, reponses)
