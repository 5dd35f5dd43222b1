"""Scénarios sur les comptes d'exploitation : « et si le prix du paddy montait de 10 % ? ».

Un scénario est une liste de :class:`Changement` : un prix, un volume, un montant ou un
nombre d'acteurs (multiplicateur) qui varie d'un pourcentage, sur les lignes du compte
repérées par leur libellé, leur maillon ou leur rubrique. :func:`simuler` recalcule les
comptes et le partage de la valeur ajoutée ; :func:`sensibilite` fait varier chaque prix
principal de ±10 % et ±20 % et montre ce que devient le revenu net de chaque maillon.

Un prix change pour le vendeur **et** pour l'acheteur : le motif « paddy » repère la vente
du paddy chez les producteurs et son achat chez les transformateurs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterlib import referentiel
from clusterlib.analyses.comptes import (
    cle_produit,
    comptes_par_maillon,
    montant_lignes,
    nom_produit,
    poste_correspond,
    repartition_va,
)

__all__ = [
    "NATURES",
    "Changement",
    "ResultatScenario",
    "appliquer_scenario",
    "lignes_concernees",
    "prix_principaux",
    "sensibilite",
    "simuler",
]

NATURES = ("prix", "volume", "montant", "multiplicateur")
"""Ce qu'un changement fait varier sur les lignes repérées."""


@dataclass(frozen=True)
class Changement:
    """Une variation relative appliquée à certaines lignes des comptes.

    - ``variation`` : +0,10 pour +10 %, -0,20 pour -20 % (plus de -100 %) ;
    - ``nature`` : « prix » (prix unitaire, ou montant d'une ligne sans prix), « volume »
      (quantité, ou montant d'une ligne sans quantité), « montant » (montant de la ligne,
      pour une charge) ou « multiplicateur » (nombre d'acteurs que la ligne représente) ;
    - ``poste`` : texte cherché dans le libellé (sans accents ni majuscules) ; ``None`` =
      toutes les lignes ; avec ``debut=True`` (par défaut) le libellé doit commencer par ce
      texte, ce qui évite de prendre les « sacs de paddy » pour du paddy ;
    - ``maillons``, ``categories`` : limitent le changement à ces maillons, à ces rubriques.
    """

    variation: float
    poste: str | None = None
    nature: str = "prix"
    maillons: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    debut: bool = True
    libelle: str | None = None

    def __post_init__(self) -> None:
        if self.nature not in NATURES:
            raise ValueError(f"nature « {self.nature} » inconnue ; attendu : {', '.join(NATURES)}")
        if not np.isfinite(self.variation) or self.variation <= -1:
            raise ValueError(f"variation {self.variation!r} impossible : attendu un nombre supérieur à -1 "
                             "(-1 ferait tomber la ligne à zéro ou en dessous)")
        object.__setattr__(self, "maillons", tuple(self.maillons))
        object.__setattr__(self, "categories", tuple(self.categories))


def lignes_concernees(comptes: pd.DataFrame, changement: Changement) -> pd.Series:
    """Les lignes des comptes que ``changement`` modifie (série de booléens)."""
    masque = pd.Series(True, index=comptes.index)
    if changement.poste:
        masque &= poste_correspond(comptes["poste"], changement.poste, debut=changement.debut)
    if changement.maillons:
        masque &= comptes["maillon"].isin(changement.maillons).to_numpy()
    if changement.categories:
        masque &= comptes["categorie"].isin(changement.categories).to_numpy()
    return masque.astype(bool)


def appliquer_scenario(comptes: pd.DataFrame, changements: Iterable[Changement]) -> pd.DataFrame:
    """Une copie des comptes où chaque changement est appliqué (les comptes d'origine ne bougent pas).

    Les changements s'enchaînent : deux changements sur la même ligne se multiplient.
    Quand une ligne a un montant **et** une quantité et un prix, les deux formes sont
    modifiées ensemble pour rester cohérentes.
    """
    resultat = comptes.copy()
    for changement in changements:
        facteur = 1.0 + float(changement.variation)
        masque = lignes_concernees(resultat, changement).to_numpy()
        if not masque.any():
            continue
        if changement.nature == "multiplicateur":
            mult = resultat["multiplicateur"].astype("float64").fillna(1.0)
            resultat["multiplicateur"] = mult.where(~masque, mult * facteur)
            continue
        colonne = {"prix": "prix_unitaire", "volume": "quantite", "montant": "prix_unitaire"}[changement.nature]
        for nom in ("montant", colonne):
            valeurs = resultat[nom].astype("float64")
            resultat[nom] = valeurs.where(~masque | valeurs.isna(), valeurs * facteur)
    return resultat


@dataclass(frozen=True)
class ResultatScenario:
    """Les comptes avant et après un scénario, pour une campagne.

    ``base`` et ``scenario`` : comptes par maillon ; ``ecarts`` : valeur ajoutée et revenu net
    avant, après, écart (FCFA) et écart en % par maillon, plus une ligne ``ensemble`` ;
    ``repartition_base`` et ``repartition_scenario`` : qui reçoit la valeur ajoutée ;
    ``nb_lignes`` : nombre de lignes des comptes touchées par le scénario ; ``sans_effet`` :
    les changements qui ne touchent aucune ligne des comptes (ils ne changent rien). Les
    phrases (changements décrits, avertissements) : :mod:`clusterlib.presentation.scenarios`.
    """

    campagne: str
    changements: tuple[Changement, ...]
    base: pd.DataFrame
    scenario: pd.DataFrame
    ecarts: pd.DataFrame
    repartition_base: pd.DataFrame
    repartition_scenario: pd.DataFrame
    nb_lignes: int = 0
    sans_effet: tuple[Changement, ...] = field(default_factory=tuple)


def _ecarts(base: pd.DataFrame, scenario: pd.DataFrame) -> pd.DataFrame:
    soldes = ["produit_brut", "consommations_intermediaires", "valeur_ajoutee", "revenu_net_exploitation"]
    b = base.set_index("maillon")[soldes]
    s = scenario.set_index("maillon")[soldes].reindex(b.index)
    b.loc["ensemble"] = b.sum()
    s.loc["ensemble"] = s.sum()
    sortie = pd.DataFrame(index=b.index)
    for solde, court in (("valeur_ajoutee", "va"), ("revenu_net_exploitation", "revenu_net")):
        sortie[f"{court}_base"] = b[solde]
        sortie[f"{court}_scenario"] = s[solde]
        sortie[f"ecart_{court}"] = s[solde] - b[solde]
        sortie[f"ecart_{court}_pct"] = sortie[f"ecart_{court}"] / b[solde].abs().where(b[solde] != 0) * 100
    sortie.index.name = "maillon"
    return sortie.reset_index()


def _campagne_par_defaut(comptes: pd.DataFrame, campagne: str | None) -> str:
    if comptes is None or comptes.empty:
        raise ValueError("pas de comptes d'exploitation : ajoutez comptes.csv au cluster pour simuler un scénario")
    campagnes = sorted(comptes["campagne"].dropna().unique())
    if campagne is None:
        return str(campagnes[-1])
    if campagne not in campagnes:
        raise ValueError(f"campagne « {campagne} » absente des comptes ; campagnes présentes : "
                         + ", ".join(campagnes))
    return campagne


def simuler(comptes: pd.DataFrame, changements: Changement | Sequence[Changement],
            campagne: str | None = None) -> ResultatScenario:
    """Recalcule les comptes d'une campagne (la dernière par défaut) avec ``changements``.

    Fonction pure : les comptes d'origine ne sont pas modifiés.

    >>> simuler(cluster.comptes, Changement(0.10, poste="paddy"))  # doctest: +SKIP
    """
    if isinstance(changements, Changement):
        changements = [changements]
    changements = tuple(changements)
    campagne = _campagne_par_defaut(comptes, campagne)
    avant = comptes[comptes["campagne"] == campagne]
    apres = appliquer_scenario(avant, changements)
    touchees = np.zeros(len(avant), dtype=bool)
    sans_effet = []
    for ch in changements:
        masque = lignes_concernees(avant, ch).to_numpy()
        if not masque.any():
            sans_effet.append(ch)
        touchees |= masque
    base = comptes_par_maillon(avant)
    scenario = comptes_par_maillon(apres)
    return ResultatScenario(
        campagne=campagne,
        changements=changements,
        base=base,
        scenario=scenario,
        ecarts=_ecarts(base, scenario),
        repartition_base=repartition_va(base),
        repartition_scenario=repartition_va(scenario),
        nb_lignes=int(touchees.sum()),
        sans_effet=tuple(sans_effet),
    )


# --- Prix principaux et sensibilité ---------------------------------------------------------


def prix_principaux(comptes: pd.DataFrame, campagne: str | None = None) -> dict[str, str]:
    """Les prix qui comptent le plus : pour chaque maillon, le produit qui lui rapporte le plus.

    Renvoie ``{libellé: motif}``, par exemple ``{"Paddy": "Paddy", "Riz étuvé": "Riz"}`` : le
    libellé est le nom du produit de la plus grosse ligne de vente (avec quantité et prix) de
    chaque maillon, le motif son premier mot, qui repère ce produit partout où il est vendu ou
    acheté (« Riz étuvé vendu », « Riz étuvé acheté à l'Union »). Un produit déjà vu chez un
    maillon en amont n'est pas repris. Sert de choix par défaut à :func:`sensibilite` et au
    panneau de scénarios.
    """
    campagne = _campagne_par_defaut(comptes, campagne)
    c = comptes[(comptes["campagne"] == campagne) & (comptes["categorie"] == "produit")]
    c = c[c["quantite"].notna() & c["prix_unitaire"].notna()]
    if c.empty:
        return {}
    c = c.assign(_montant=montant_lignes(c))
    ordre = {m: i for i, m in enumerate(referentiel.codes("maillons"))}
    resultat: dict[str, str] = {}
    vus: set[str] = set()
    for maillon in sorted(c["maillon"].unique(), key=lambda m: ordre.get(m, len(ordre))):
        lignes = c[c["maillon"] == maillon]
        poste = lignes.loc[lignes["_montant"].idxmax(), "poste"]
        cle = cle_produit(poste)
        if cle and cle not in vus:
            vus.add(cle)
            nom = nom_produit(poste)
            resultat[nom] = nom.replace("'", " ").split()[0]
    return resultat


def sensibilite(
    comptes: pd.DataFrame,
    prix: Mapping[str, str] | Sequence[str] | None = None,
    variations: Sequence[float] = (-0.20, -0.10, 0.10, 0.20),
    campagne: str | None = None,
) -> pd.DataFrame:
    """Sensibilité du revenu net de chaque maillon aux prix principaux.

    Pour chaque prix (``{libellé: motif}`` ou liste de motifs ; par défaut
    :func:`prix_principaux`) et chaque variation, le prix change chez tous les maillons qui
    le vendent ou l'achètent, et l'on recalcule les comptes. Table longue : ``prix``,
    ``maillon``, ``variation`` (0,1 pour +10 %), ``revenu_net_base``, ``revenu_net``,
    ``ecart`` (FCFA) et ``ecart_pct`` (% du revenu de base, en valeur absolue).
    """
    campagne = _campagne_par_defaut(comptes, campagne)
    if prix is None:
        prix = prix_principaux(comptes, campagne)
    if not isinstance(prix, Mapping):
        prix = {p: p for p in prix}
    avant = comptes[comptes["campagne"] == campagne]
    base = comptes_par_maillon(avant).set_index("maillon")["revenu_net_exploitation"]
    lignes: list[dict[str, Any]] = []
    for libelle, motif in prix.items():
        for variation in variations:
            apres = comptes_par_maillon(appliquer_scenario(avant, [Changement(float(variation), poste=motif)]))
            revenu = apres.set_index("maillon")["revenu_net_exploitation"]
            for maillon, valeur_base in base.items():
                valeur = float(revenu.get(maillon, np.nan))
                ecart = valeur - float(valeur_base)
                lignes.append({
                    "prix": libelle, "maillon": maillon, "variation": float(variation),
                    "revenu_net_base": float(valeur_base), "revenu_net": valeur, "ecart": ecart,
                    "ecart_pct": ecart / abs(valeur_base) * 100 if valeur_base != 0 else np.nan,
                })
    colonnes = ["prix", "maillon", "variation", "revenu_net_base", "revenu_net", "ecart", "ecart_pct"]
    sortie = pd.DataFrame(lignes, columns=colonnes)
    for c in ("prix", "maillon"):
        sortie[c] = sortie[c].astype("str")
    return sortie

