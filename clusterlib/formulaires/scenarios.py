"""Panneau de scénarios (ipywidgets) : des curseurs pour faire varier prix, charges et volume
d'activité, et voir aussitôt les comptes et le partage de la valeur ajoutée recalculés.

Le panneau ne calcule rien lui-même : il traduit les curseurs en
:class:`~clusterlib.analyses.scenarios.Changement` (:meth:`PanneauScenarios.changements`) et appelle
:func:`~clusterlib.analyses.scenarios.simuler`. Dans le livre, les curseurs sont figés : les
figures statiques du notebook montrent les mêmes résultats.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import Image, display

from clusterlib import referentiel
from clusterlib.analyses.comptes import libelle_solde
from clusterlib.analyses.scenarios import Changement, ResultatScenario, prix_principaux, simuler
from clusterlib.formulaires.imprimable import mimebundle
from clusterlib.graphiques.comptes import graphique_scenario
from clusterlib.presentation.format_fr import tableau_fr
from clusterlib.presentation.scenarios import avertissements_scenario, decrire_changements

__all__ = ["PanneauScenarios", "panneau_scenarios"]

CHARGES = ("consommation_intermediaire", "main_oeuvre", "frais_financiers", "impots_taxes", "amortissement",
           "location_terre")
TOUS = "tous"


def _curseur(description: str, amplitude: int) -> widgets.FloatSlider:
    return widgets.FloatSlider(
        value=0.0, min=-amplitude, max=amplitude, step=5, description=description, readout_format="+.0f",
        continuous_update=False, style={"description_width": "16em"}, layout=widgets.Layout(width="34em"),
    )


class PanneauScenarios:
    """Le panneau de scénarios d'un jeu de comptes (voir :func:`panneau_scenarios`).

    ``curseurs_prix`` : un curseur (en %) par prix principal ; ``categorie_charge`` et
    ``curseur_charge`` : une rubrique de charges et sa variation ; ``maillon_volume`` et
    ``curseur_volume`` : le volume d'activité d'un maillon (nombre d'acteurs types).
    """

    def __init__(self, comptes: pd.DataFrame, campagne: str | None = None,
                 prix: Mapping[str, str] | None = None, amplitude: int = 30) -> None:
        if comptes is None or comptes.empty:
            raise ValueError("pas de comptes d'exploitation : ajoutez comptes.csv au cluster pour simuler un scénario")
        self.comptes = comptes
        campagnes = sorted(comptes["campagne"].dropna().unique())
        self.choix_campagne = widgets.Dropdown(options=campagnes, value=campagne or campagnes[-1],
                                               description="Campagne", style={"description_width": "16em"})
        self.prix = dict(prix if prix is not None else prix_principaux(comptes, self.choix_campagne.value))
        self.curseurs_prix = {nom: _curseur(f"Prix : {nom} (%)", amplitude) for nom in self.prix}
        self.categorie_charge = widgets.Dropdown(
            options=[(libelle_solde(c if c != "consommation_intermediaire" else "consommations_intermediaires"), c)
                     for c in CHARGES],
            value="consommation_intermediaire", description="Charge", style={"description_width": "16em"})
        self.curseur_charge = _curseur("Variation de cette charge (%)", amplitude)
        maillons = list(dict.fromkeys(comptes["maillon"]))
        ordre = {m: i for i, m in enumerate(referentiel.codes("maillons"))}
        maillons.sort(key=lambda m: ordre.get(m, len(ordre)))
        self.maillon_volume = widgets.Dropdown(
            options=[("Tous les maillons", TOUS)] + [(referentiel.libelle("maillons", m), m) for m in maillons],
            value=TOUS, description="Volume d'activité de", style={"description_width": "16em"})
        self.curseur_volume = _curseur("Variation du volume (%)", amplitude)
        self.bouton_zero = widgets.Button(description="Tout remettre à zéro", icon="undo")
        self.sortie = widgets.Output()
        self._resultat: ResultatScenario | None = None
        self._en_pause = False

        for w in [self.choix_campagne, *self.curseurs_prix.values(), self.categorie_charge, self.curseur_charge,
                  self.maillon_volume, self.curseur_volume]:
            w.observe(self._sur_changement, names="value")
        self.bouton_zero.on_click(self._remettre_a_zero)
        self.widget = widgets.VBox([
            widgets.HTML("<b>Scénario</b> : faites varier un prix, une charge ou le volume d'activité ; "
                         "les comptes sont recalculés."),
            self.choix_campagne, *self.curseurs_prix.values(), self.categorie_charge, self.curseur_charge,
            self.maillon_volume, self.curseur_volume, self.bouton_zero, self.sortie,
        ])
        self.actualiser()

    # --- Traduction des curseurs --------------------------------------------------------

    def changements(self) -> list[Changement]:
        """Les changements que décrivent les curseurs (ceux laissés à zéro sont omis)."""
        liste = []
        for nom, curseur in self.curseurs_prix.items():
            if curseur.value:
                liste.append(Changement(curseur.value / 100, poste=self.prix[nom], nature="prix", libelle=nom))
        if self.curseur_charge.value:
            liste.append(Changement(self.curseur_charge.value / 100, nature="montant",
                                    categories=(self.categorie_charge.value,),
                                    libelle=self.categorie_charge.label.lower()))
        if self.curseur_volume.value:
            maillons = () if self.maillon_volume.value == TOUS else (self.maillon_volume.value,)
            liste.append(Changement(self.curseur_volume.value / 100, nature="multiplicateur", maillons=maillons))
        return liste

    def resultat(self) -> ResultatScenario:
        """Le résultat du scénario décrit par les curseurs (:func:`clusterlib.analyses.scenarios.simuler`)."""
        return simuler(self.comptes, self.changements(), self.choix_campagne.value)

    # --- Affichage ------------------------------------------------------------------

    def actualiser(self) -> None:
        """Recalcule le scénario et réaffiche le tableau et le graphique."""
        self._resultat = resultat = self.resultat()
        ecarts = resultat.ecarts.assign(
            maillon=resultat.ecarts["maillon"].map(
                lambda m: "Ensemble du cluster" if m == "ensemble" else referentiel.libelle("maillons", m)))
        tableau = tableau_fr(
            ecarts[["maillon", "va_base", "va_scenario", "revenu_net_base", "revenu_net_scenario",
                    "ecart_revenu_net", "ecart_revenu_net_pct"]],
            fcfa_colonnes=["va_base", "va_scenario", "revenu_net_base", "revenu_net_scenario", "ecart_revenu_net"],
            pourcent_colonnes=["ecart_revenu_net_pct"], millions=True,
            libelles={"maillon": "Maillon", "va_base": "VA actuelle", "va_scenario": "VA scénario",
                      "revenu_net_base": "Revenu net actuel", "revenu_net_scenario": "Revenu net scénario",
                      "ecart_revenu_net": "Écart", "ecart_revenu_net_pct": "Écart (%)"},
        )
        figure = graphique_scenario(resultat.ecarts)
        tampon = io.BytesIO()
        figure.savefig(tampon, format="png", dpi=110, bbox_inches="tight")
        with self.sortie:
            self.sortie.clear_output(wait=True)
            description = decrire_changements(resultat) or "aucun changement"
            display(widgets.HTML(f"<p><b>Campagne {resultat.campagne}</b> — {description} "
                                 f"({resultat.nb_lignes} ligne(s) des comptes touchée(s)).</p>"))
            for avertissement in avertissements_scenario(resultat):
                display(widgets.HTML(f"<p>Attention : {avertissement}</p>"))
            display(tableau.style.hide(axis="index"))
            display(Image(data=tampon.getvalue()))

    def _sur_changement(self, _change: Any) -> None:
        if not self._en_pause:
            self.actualiser()

    def _remettre_a_zero(self, _bouton: Any = None) -> None:
        self._en_pause = True
        try:
            for curseur in [*self.curseurs_prix.values(), self.curseur_charge, self.curseur_volume]:
                curseur.value = 0.0
        finally:
            self._en_pause = False
        self.actualiser()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mimebundle(self.widget, **kwargs)


def panneau_scenarios(source: Any, campagne: str | None = None, prix: Mapping[str, str] | None = None,
                      amplitude: int = 30) -> PanneauScenarios:
    """Un panneau de curseurs pour simuler des scénarios sur les comptes d'un cluster.

    ``source`` : un cluster ou sa table comptes ; ``prix`` : ``{libellé: motif}`` des prix à
    proposer (par défaut :func:`clusterlib.analyses.scenarios.prix_principaux`) ; ``amplitude`` : les
    curseurs vont de -amplitude % à +amplitude %. Afficher le panneau dans un notebook en le
    mettant en dernière ligne d'une cellule.
    """
    comptes = source if isinstance(source, pd.DataFrame) else getattr(source, "comptes", None)
    return PanneauScenarios(comptes, campagne=campagne, prix=prix, amplitude=amplitude)
