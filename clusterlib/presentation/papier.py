"""Les supports à imprimer : exercices sur papier, tableaux vierges, cases et lignes pour écrire.

Un formateur sans ordinateur dans la salle distribue des feuilles. Ce module les prépare à
partir des données et des référentiels, jamais à partir de chiffres recopiés :

- :func:`tableau_html`, :func:`lignes_ecrire`, :func:`cases` et :data:`CSS_PAPIER` : les
  briques d'une page imprimable (tableaux encadrés, cases vides assez hautes pour écrire,
  lignes pointillées, cases à cocher) ; :mod:`clusterlib.formulaires.imprimable` s'en sert aussi ;
- :func:`tableaux_vierges_html` : les tableaux 7 à 11 du guide, vierges, sous leur numéro, une
  page chacun ;
- les exercices papier (:func:`exercice_valeur_ajoutee`, :func:`exercice_carte`,
  :func:`exercice_indicateur`, :func:`exercice_tableau_11`, :func:`exercice_acteurs`) : les
  données d'un cluster d'exemple mises en tableaux, et la réponse attendue, calculée par les
  mêmes analyses que la version sur ordinateur.

Tout texte venu des données est échappé : il s'affiche, il ne s'exécute jamais.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.presentation.echappement import echapper_html, echapper_markdown
from clusterlib.presentation.format_fr import fcfa, nombre, pourcentage, typographie, typographie_html

if TYPE_CHECKING:
    from clusterlib.donnees.modele import Cluster

__all__ = [
    "CSS_PAPIER",
    "ExercicePapier",
    "TableauPapier",
    "cases",
    "exercice_acteurs",
    "exercice_carte",
    "exercice_indicateur",
    "exercice_tableau_11",
    "exercice_valeur_ajoutee",
    "lignes_ecrire",
    "page_papier",
    "tableau_html",
    "tableaux_vierges_html",
]

LIGNES_LONG = 18
"""À partir de ce nombre de lignes, un tableau imprimé peut commencer en bas d'une page et se
poursuivre sur la suivante (en-tête répété) au lieu de partir entier à la page suivante."""

CSS_PAPIER = (
    "<style>"
    ".papier{font-size:.95em;max-width:100%;overflow-wrap:break-word}"
    ".papier table.papier-tableau{border-collapse:collapse;width:100%;margin:.3em 0 1em}"
    ".papier table.papier-tableau caption{caption-side:top;text-align:left;font-weight:700;padding:.3em 0}"
    ".papier .papier-tableau th,.papier .papier-tableau td{border:1px solid #666;padding:.25em .45em;"
    "vertical-align:top;text-align:left}"
    ".papier .papier-tableau th{background:#E8EEF4}"
    ".papier .papier-tableau td.nombre,.papier .papier-tableau th.nombre{text-align:right;white-space:nowrap}"
    ".papier .papier-tableau td.a-remplir{height:2.4em;min-width:3em}"
    ".papier .papier-tableau tr.intertitre td{background:#F1F3F6;font-weight:600}"
    ".papier .papier-note{font-size:.9em;font-style:italic;margin:.2em 0 .6em}"
    ".papier .ligne-ecrire{border-bottom:1px dotted #777;min-height:1.6em;margin:.15em 0}"
    ".papier .champ{display:flex;gap:.5em;align-items:flex-end;margin:.35em 0}"
    ".papier .champ .ligne-ecrire{flex:1}"
    ".papier .cases{display:flex;flex-wrap:wrap;gap:.15em .9em;margin:.1em 0}"
    ".papier .cases span{white-space:nowrap}"
    ".papier .etiquette{font-weight:600}"
    "@media print{"
    ".papier{font-size:9.5pt}"
    ".papier table.papier-tableau{display:table !important;overflow:visible !important}"
    # Le thème du livre interdit de couper un tableau : un long tableau partirait entier à la page
    # suivante en laissant une page presque blanche ; ici il se coupe entre deux lignes.
    ".papier table.papier-tableau{break-inside:auto !important}"
    ".papier tr.intertitre{break-after:avoid}"
    ".papier thead{display:table-header-group}"
    ".papier tr{break-inside:avoid}"
    ".papier .papier-tableau td.a-remplir{height:11mm}"
    ".papier .papier-bloc{break-inside:avoid}"
    ".papier .papier-bloc.papier-long{break-inside:auto}"
    ".papier caption{break-after:avoid}"
    ".papier .papier-saut,.saut-page{break-before:page}"
    "}"
    "</style>"
)
"""Feuille de style des supports : à l'écran, des tableaux qui défilent ; à l'impression,
des cadres et des cases vides de 11 mm de haut, en A4 portrait (Chromium ne remet pas en page le
texte d'une page paysage : elle garderait la largeur d'une page portrait) ; les colonnes à remplir
se partagent l'essentiel de la largeur."""


# --- Briques ---------------------------------------------------------------------------------------


def lignes_ecrire(n: int = 1) -> str:
    """``n`` lignes pointillées où écrire à la main (HTML)."""
    return '<div class="ligne-ecrire"></div>' * max(n, 0)


def cases(options: Sequence[Any], choisie: int | None = None) -> str:
    """Des cases à cocher (☐, ☒ pour l'option d'indice ``choisie``), une par option (HTML échappé)."""
    morceaux = "".join(f"<span>{'☒' if i == choisie else '☐'} {echapper_html(o)}</span>"
                       for i, o in enumerate(options))
    return f'<div class="cases">{morceaux}</div>'


@dataclass(frozen=True)
class TableauPapier:
    """Un tableau à imprimer : ``donnees`` (colonnes = en-têtes affichés, cellules en texte).

    Une cellule vide devient une case à remplir ; les colonnes de ``nombres`` sont alignées à
    droite ; ``intertitres`` donne, par position de ligne, un intertitre placé avant elle.
    """

    titre: str
    donnees: pd.DataFrame
    note: str = ""
    nombres: tuple[str, ...] = ()
    intertitres: dict[int, str] = field(default_factory=dict)

    def html(self, classes: str = "") -> str:
        """Le tableau en HTML (sans feuille de style ; voir :func:`page_papier`)."""
        return tableau_html(self.donnees, self.titre, note=self.note, nombres=self.nombres,
                            intertitres=self.intertitres, classes=classes)

    def _repr_html_(self) -> str:
        return page_papier(self.html())


PART_LIBELLES = 38
"""Part de la largeur (en %) laissée aux colonnes imprimées d'un tableau qui a aussi des colonnes
entièrement vides : le reste va, à parts égales, aux colonnes où l'on écrit à la main."""


LARGEUR_NUMERO = 3
"""Un en-tête d'au plus ce nombre de caractères (« N° ») désigne une colonne de numéro, étroite."""
PART_NUMERO = 5
"""Largeur (en %) d'une colonne de numéro dans un tableau entièrement à remplir."""


def _largeurs_colonnes(cadre: pd.DataFrame) -> list[int]:
    """Les largeurs (en %) des colonnes d'un tableau à remplir, ou ``[]`` s'il n'y a rien à répartir.

    Sans cela, le navigateur donne presque toute la largeur aux libellés et laisse aux colonnes
    vides à peine de quoi écrire un mot.
    """
    if cadre.empty:
        return []
    vides = [bool(cadre[c].map(lambda v: pd.isna(v) or not str(v).strip()).all()) for c in cadre.columns]
    a_remplir, imprimees = sum(vides), len(vides) - sum(vides)
    if not a_remplir:
        return []
    if not imprimees:
        # Tout est à remplir : parts égales, sauf une colonne de numéro (« N° ») gardée étroite.
        etroites = [len(str(c)) <= LARGEUR_NUMERO for c in cadre.columns]
        if not any(etroites) or all(etroites):
            return []
        reste = (100 - PART_NUMERO * sum(etroites)) / (len(etroites) - sum(etroites))
        return [PART_NUMERO if etroite else round(reste) for etroite in etroites]
    part_libelle = PART_LIBELLES / imprimees
    part_vide = (100 - PART_LIBELLES) / a_remplir
    return [round(part_vide if vide else part_libelle) for vide in vides]


def tableau_html(cadre: pd.DataFrame, titre: str = "", *, note: str = "", nombres: Sequence[str] = (),
                 intertitres: dict[int, str] | None = None, classes: str = "") -> str:
    """Un tableau encadré à imprimer : en-têtes, cellules échappées, cases vides à remplir.

    ``intertitres`` : {position de ligne: texte} ; l'intertitre occupe toute la largeur avant la ligne.
    """
    intertitres = intertitres or {}
    colonnes = list(cadre.columns)
    entete = "".join(f'<th{" class=nombre" if c in nombres else ""} scope="col">{echapper_html(c)}</th>'
                     for c in colonnes)
    corps = []
    for position, (_, ligne) in enumerate(cadre.iterrows()):
        if position in intertitres:
            corps.append(f'<tr class="intertitre"><td colspan="{len(colonnes)}">'
                         f"{echapper_html(intertitres[position])}</td></tr>")
        cellules = []
        for c in colonnes:
            valeur = "" if pd.isna(ligne[c]) else str(ligne[c])
            if not valeur.strip():
                cellules.append('<td class="a-remplir"></td>')
            else:
                texte = echapper_html(valeur).replace("\n", "<br>")
                cellules.append(f'<td{" class=nombre" if c in nombres else ""}>{texte}</td>')
        corps.append(f"<tr>{''.join(cellules)}</tr>")
    legende = f"<caption>{echapper_html(titre)}</caption>" if titre else ""
    largeurs = _largeurs_colonnes(cadre)
    colonnes_html = ("<colgroup>" + "".join(f'<col style="width:{p}%">' for p in largeurs) + "</colgroup>"
                     if largeurs else "")
    note_html = f'<p class="papier-note">{echapper_html(note)}</p>' if note else ""
    if len(cadre) + len(intertitres) >= LIGNES_LONG:
        classes = f"{classes} papier-long".strip()
    return (f'<div class="papier-bloc {classes}">'
            f'<table class="papier-tableau">{legende}{colonnes_html}<thead><tr>{entete}</tr></thead>'
            f"<tbody>{''.join(corps)}</tbody></table>{note_html}</div>")


def page_papier(*morceaux: str) -> str:
    """Des morceaux HTML réunis en un support imprimable (feuille de style, typographie française)."""
    return typographie_html(f'{CSS_PAPIER}<div class="papier">{"".join(morceaux)}</div>')


# --- Tableaux 7 à 11 vierges ------------------------------------------------------------------------


def tableaux_vierges_html() -> str:
    """Les tableaux 7 à 11 du guide, vierges, à imprimer (un tableau par page, sous le numéro du guide).

    Lignes et colonnes viennent de ``referentiel/planification.yml`` par
    :func:`clusterlib.presentation.planification.tableaux_vierges` ; les colonnes à remplir
    reçoivent l'essentiel de la largeur.
    """
    from clusterlib.presentation import planification

    morceaux = []
    for rang, tableau in enumerate(planification.tableaux_vierges()):
        cadre = tableau.donnees
        colonnes = [c for c in tableau.colonnes if c in cadre.columns]
        intertitres: dict[int, str] = {}
        if tableau.intertitre:
            valeurs = list(cadre[tableau.intertitre])
            intertitres = {i: v for i, v in enumerate(valeurs) if i == 0 or v != valeurs[i - 1]}
        affiche = cadre[colonnes].rename(columns=tableau.colonnes).reset_index(drop=True)
        morceaux.append(tableau_html(affiche, tableau.intitule, intertitres=intertitres,
                                     note=f"{tableau.source}. {tableau.note}",
                                     classes="papier-saut" if rang else ""))
    return page_papier(*morceaux)


# --- Exercices sur papier ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ExercicePapier:
    """Un exercice fait à la main : les tableaux à distribuer et la réponse attendue.

    ``reponse`` garde les valeurs calculées (nombres, listes d'identifiants) ; ``solution`` les
    met en mots (Markdown) pour la solution repliée de la page.
    """

    code: str
    tableaux: tuple[TableauPapier, ...]
    reponse: dict[str, Any]
    solution: str

    def html(self) -> str:
        """Les tableaux de l'exercice, prêts à imprimer."""
        return page_papier(*(t.html() for t in self.tableaux))

    def _repr_html_(self) -> str:
        return self.html()

    def solution_md(self) -> Any:
        """La réponse attendue, à afficher dans la page (objet ``IPython.display.Markdown``)."""
        from IPython.display import Markdown

        return Markdown(self.solution)


def _libelle(liste: str, code: Any) -> str:
    return referentiel.libelle(liste, str(code)) if isinstance(code, str) and code else ""


def _nombre_ou_vide(valeur: Any, decimales: int = 0) -> str:
    return "" if pd.isna(valeur) else nombre(valeur, decimales)


def _decimales(serie: pd.Series) -> int:
    valeurs = serie.dropna()
    return 0 if valeurs.empty or (valeurs == valeurs.round()).all() else 1


def exercice_valeur_ajoutee(cluster: Cluster, campagne: str, maillon: str = "producteur") -> ExercicePapier:
    """Calculer à la main la valeur ajoutée de l'acteur type d'un maillon (section 4.3.6).

    Le tableau reprend les lignes du compte d'exploitation (quantité, prix, montant quand il
    est donné) ; la case « Montant » d'une ligne sans montant est à calculer. La réponse vient
    de :func:`clusterlib.analyses.comptes.analyser_comptes` : valeurs du maillon divisées par
    son multiplicateur (nombre d'acteurs que représente l'acteur type).
    """
    from clusterlib.analyses import comptes

    lignes = cluster.comptes[(cluster.comptes["campagne"] == campagne) & (cluster.comptes["maillon"] == maillon)]
    if lignes.empty:
        raise ValueError(f"aucun compte d'exploitation pour le maillon « {maillon} » en {campagne}")
    multiplicateur = float(lignes["multiplicateur"].iloc[0])
    cadre = pd.DataFrame({
        "Poste": lignes["poste"].astype(str),
        "Rubrique": lignes["categorie"].map(lambda c: _libelle("categories_compte", c)),
        "Quantité": lignes["quantite"].map(lambda v: _nombre_ou_vide(v, _decimales(lignes["quantite"]))),
        "Unité": lignes["unite"].fillna("").astype(str),
        "Prix unitaire (FCFA)": lignes["prix_unitaire"].map(_nombre_ou_vide),
        "Montant (FCFA)": lignes["montant"].map(_nombre_ou_vide),
    }).reset_index(drop=True)
    nom_maillon = _libelle("maillons", maillon).lower()
    tableau = TableauPapier(
        titre=f"Compte d'exploitation du {nom_maillon} type, campagne {campagne}",
        donnees=cadre, nombres=("Quantité", "Prix unitaire (FCFA)", "Montant (FCFA)"),
        note=(f"Cet acteur type représente {nombre(multiplicateur)} acteurs du maillon. "
              "Case « Montant » vide : montant = quantité × prix unitaire."))
    analyse = comptes.analyser_comptes(cluster, campagne)
    ligne = analyse.par_maillon.set_index("maillon").loc[maillon]
    reponse = {
        "multiplicateur": multiplicateur,
        "produit_brut_type": float(ligne["produit_brut"]) / multiplicateur,
        "consommations_type": float(ligne["consommations_intermediaires"]) / multiplicateur,
        "valeur_ajoutee_type": float(ligne["valeur_ajoutee"]) / multiplicateur,
        "valeur_ajoutee_maillon": float(ligne["valeur_ajoutee"]),
    }
    hors_ci = sorted({_libelle("categories_compte", c) for c in lignes["categorie"]}
                     - {_libelle("categories_compte", "produit"), _libelle("categories_compte",
                                                                             "consommation_intermediaire")})
    solution = (
        f"Pour l'acteur type : produit brut **{fcfa(reponse['produit_brut_type'])}**, consommations "
        f"intermédiaires **{fcfa(reponse['consommations_type'])}**, valeur ajoutée "
        f"**{fcfa(reponse['valeur_ajoutee_type'])}**.\n\n"
        f"Pour le maillon entier ({nombre(multiplicateur)} acteurs) : valeur ajoutée "
        f"**{fcfa(reponse['valeur_ajoutee_maillon'])}**, le chiffre que donne `clusterlib`.\n\n"
        f"Les lignes des rubriques {', '.join(f'« {h} »' for h in hors_ci)} ne se retranchent pas : "
        "elles se partagent la valeur ajoutée."
    )
    return ExercicePapier("valeur-ajoutee", (tableau,), reponse, typographie(solution))


def exercice_carte(cluster: Cluster) -> ExercicePapier:
    """Dessiner à la main la carte d'une dynamique et y lire isolés, agrégateur possible et contrats.

    Deux tableaux : les acteurs (identifiant, nom, maillon, commune) et les relations (de, vers,
    type, contrat, volume). La réponse vient de :mod:`clusterlib.analyses.reseau`
    (``acteurs_isoles``, ``agregateur``) et du décompte des relations par contrat.
    """
    from clusterlib.analyses import reseau

    acteurs = cluster.acteurs
    cadre_acteurs = pd.DataFrame({
        "N°": acteurs["id"].astype(str), "Nom": acteurs["nom"].astype(str),
        "Maillon": acteurs["maillon"].map(lambda c: _libelle("maillons", c)),
        "Commune": acteurs["commune"].fillna("").astype(str) if "commune" in acteurs else "",
    }).reset_index(drop=True)
    rel = cluster.relations
    cadre_relations = pd.DataFrame({
        "De": rel["source"].astype(str), "Vers": rel["cible"].astype(str),
        "Ce qui circule": rel["type"].map(lambda c: _libelle("types_relation", c)),
        "Contrat": rel["contrat"].map(lambda c: _libelle("contrats", c)),
        "Volume": [f"{_nombre_ou_vide(v, _decimales(rel['volume']))} {u}".strip() if pd.notna(v) else ""
                   for v, u in zip(rel["volume"], rel["unite"].fillna(""), strict=True)],
    }).reset_index(drop=True)
    tableaux = (
        TableauPapier(f"Les acteurs de « {cluster.fiche.nom} »", cadre_acteurs),
        TableauPapier(f"Les relations de « {cluster.fiche.nom} »", cadre_relations,
                      note="Une case « Volume » vide : relation sans volume (conseil, information…)."),
    )
    isoles = reseau.acteurs_isoles(cluster)
    candidat = reseau.agregateur(cluster)
    par_contrat = rel["contrat"].value_counts()
    reponse = {
        "isoles": list(isoles["id"]),
        "agregateur": candidat["central"],
        "partenaires": candidat["partenaires_central"],
        "sans_contrat_ecrit": int((rel["contrat"] != "ecrit").sum()),
        "par_contrat": {str(k): int(v) for k, v in par_contrat.items()},
    }
    noms_isoles = "; ".join(f"{echapper_markdown(i)} ({echapper_markdown(n)})"
                            for i, n in zip(isoles["id"], isoles["nom"], strict=True)) or "aucun"
    contrats = "; ".join(f"{_libelle('contrats', k).lower()} : {nombre(v)}" for k, v in par_contrat.items())
    solution = (
        f"- **Acteurs isolés** (aucune relation) : {noms_isoles}.\n"
        f"- **Agrégateur possible** : {echapper_markdown(candidat['nom_central'] or 'aucun')} "
        f"({echapper_markdown(candidat['central'] or '—')}), l'acteur direct qui a le plus de partenaires "
        f"d'affaires ({nombre(candidat['partenaires_central'] or 0)}).\n"
        f"- **Relations par contrat** : {contrats} ; {nombre(reponse['sans_contrat_ecrit'])} relations "
        "n'ont donc pas de contrat écrit.\n"
    )
    return ExercicePapier("carte", tableaux, reponse, typographie(solution))


def exercice_indicateur(cluster: Cluster, indicateur: str = "3.2", campagne: str | None = None) -> ExercicePapier:
    """Noter à la main un indicateur de contrats (3.1 à 3.4) à partir des relations.

    Trois tableaux : les notes et justifications des évaluateurs, les relations que mesure la
    règle de suggestion (avec une colonne vide « volume × respect » à calculer) et le barème de
    la règle (seuils de ``grille.yml``). La réponse vient de
    :func:`clusterlib.analyses.notation.suggestions`.
    """
    from clusterlib.analyses import notation
    from clusterlib.analyses.notation import mesures

    campagne = campagne or cluster.campagne
    regle = next(i for a in referentiel.grille()["axes"] for i in a["indicateurs"] if i["id"] == indicateur)
    if "suggestion" not in regle:
        raise ValueError(f"l'indicateur {indicateur} n'a pas de note suggérée par les données")
    scores = cluster.scores
    notes = scores[(scores["campagne"] == campagne) & (scores["indicateur"] == indicateur)]
    cadre_notes = pd.DataFrame({
        "Évaluateur": notes["evaluateur"].astype(str), "Note": notes["score"].map(_nombre_ou_vide),
        "Justification": notes["justification"].fillna("").astype(str),
    }).reset_index(drop=True)
    # Les relations que mesure la règle de suggestion : la sélection même de clusterlib.analyses.notation.
    selection = {"respect_contrats_producteurs": mesures._livraisons_producteurs,
                 "respect_contrats_fournisseurs": mesures._fournitures_agregateur}.get(regle["suggestion"]["mesure"])
    if selection is None:
        raise ValueError(f"l'indicateur {indicateur} n'a pas de règle de respect des contrats à refaire à la main")
    choix, _perimetre = selection(cluster)
    if choix is None:
        raise ValueError(f"indicateur {indicateur} : {_perimetre}")
    choix = choix[choix["contrat"].isin(["ecrit", "verbal"]) & choix["respect"].notna()]
    noms = dict(zip(cluster.acteurs["id"], cluster.acteurs["nom"], strict=True))
    cadre_relations = pd.DataFrame({
        "De": [f"{s} – {noms.get(s, '')}" for s in choix["source"]],
        "Vers": choix["cible"].astype(str),
        "Contrat": choix["contrat"].map(lambda c: _libelle("contrats", c)),
        "Volume": [f"{_nombre_ou_vide(v, _decimales(choix['volume']))} {u}".strip()
                   for v, u in zip(choix["volume"], choix["unite"].fillna(""), strict=True)],
        "Respect (%)": choix["respect"].map(_nombre_ou_vide),
        "Volume × respect": "",
    }).reset_index(drop=True)
    seuils = regle["suggestion"]["seuils"]
    echelle = referentiel.grille()["echelle"]["libelles"]
    bornes = [None, *seuils, None]
    bareme = pd.DataFrame({
        "Note": [str(n) for n in sorted(echelle)],
        "Sens": [echelle[n] for n in sorted(echelle)],
        "Respect moyen": [
            (f"moins de {nombre(bornes[k + 1])} %" if bornes[k] is None else
             f"{nombre(bornes[k])} % ou plus" if bornes[k + 1] is None else
             f"de {nombre(bornes[k])} à moins de {nombre(bornes[k + 1])} %")
            for k in range(len(echelle))
        ],
    })
    tableaux = (
        TableauPapier(f"Indicateur {indicateur}, campagne {campagne} : notes des évaluateurs", cadre_notes),
        TableauPapier(f"Relations sous contrat mesurées pour l'indicateur {indicateur}", cadre_relations,
                      nombres=("Respect (%)",)),
        TableauPapier(f"Barème de la note suggérée pour l'indicateur {indicateur}", bareme),
    )
    ligne = notation.suggestions(cluster, campagne).set_index("indicateur").loc[indicateur]
    poids = choix["volume"] if choix["volume"].notna().all() and choix["unite"].nunique() == 1 else None
    reponse = {
        "valeur": float(ligne["valeur"]),
        "note_suggeree": int(ligne["score_suggere"]),
        "notes_evaluateurs": [int(n) for n in notes["score"]],
        "somme_volumes": float(poids.sum()) if poids is not None else None,
        "somme_produits": float((poids * choix["respect"]).sum()) if poids is not None else None,
        "nb_relations": len(choix),
    }
    unite = f" {choix['unite'].iloc[0]}" if poids is not None and isinstance(choix["unite"].iloc[0], str) else ""
    decimales = _decimales(choix["volume"])
    calcul = (f"somme des volumes × respect = {nombre(reponse['somme_produits'], decimales)}, somme des volumes = "
              f"{nombre(reponse['somme_volumes'], decimales)}{unite}, soit un respect moyen de " if poids is not None
              else "moyenne simple des taux de respect : ")
    solution = (
        f"Sur les {nombre(reponse['nb_relations'])} relations : {calcul}**{pourcentage(reponse['valeur'])}**. "
        f"Le barème donne la note **{reponse['note_suggeree']}** "
        f"({echelle[reponse['note_suggeree']].lower()}). Les évaluateurs ont mis "
        f"{' et '.join(str(n) for n in reponse['notes_evaluateurs']) or 'aucune note'}.\n\n"
        "Une justification solide cite la mesure et sa source : le taux calculé, le nombre de relations, "
        "la table d'où viennent les chiffres. Si les évaluateurs gardent une note plus haute, ils "
        "apportent une preuve que ces chiffres n'ont pas."
    )
    return ExercicePapier("indicateur", tableaux, reponse, typographie(solution))


def exercice_tableau_11(cluster: Cluster, action: str) -> ExercicePapier:
    """Présenter une action du plan selon le modèle du tableau 11.

    Deux tableaux : la ligne de ``plan_actions`` (une colonne par ligne, avec sa description du
    format de données) et une ligne vierge du tableau 11 (colonnes de ``planification.yml``).
    La réponse : la ligne que produit :func:`clusterlib.presentation.planification.actions_prioritaires`
    et les colonnes de la table absentes du tableau 11.
    """
    from clusterlib.analyses import planification
    from clusterlib.presentation import planification as textes_planification

    plan = cluster.plan_actions.set_index("id")
    ligne = plan.loc[action]
    descriptions = {c.nom: c.description for c in referentiel.colonnes("plan_actions")}
    cadre_action = pd.DataFrame({
        "Colonne": ["id", *plan.columns],
        "Ce qu'elle contient": [descriptions.get(c, "") for c in ["id", *plan.columns]],
        "Valeur": [action, *("" if pd.isna(v) else (nombre(v) if isinstance(v, float) else str(v))
                             for v in ligne)],
    })
    colonnes_11 = referentiel.lire("planification.yml")["tableaux"]["tableau_11"]["colonnes"]
    vierge = pd.DataFrame([dict.fromkeys(colonnes_11.values(), "")])
    tableaux = (
        TableauPapier(f"Action {action} du plan d'actions de « {cluster.fiche.nom} »", cadre_action),
        TableauPapier("Tableau 11 : " + referentiel.lire("planification.yml")["tableaux"]["tableau_11"]["titre"],
                      vierge, note="À remplir à la main à partir du tableau précédent."),
    )
    attendue = textes_planification.actions_prioritaires(
        planification.actions_du_plan(cluster, inclure_abandonnees=True)).set_index("id").loc[action]
    sources = {"id", "action", "moyens", "responsable", "structures_appui", "debut", "fin"}
    en_plus = [c for c in plan.columns if c not in sources]
    reponse = {"ligne": {c: str(attendue[c]) if c in attendue else action for c in colonnes_11},
               "colonnes_en_plus": en_plus}
    entetes = list(colonnes_11.values())
    valeurs = [echapper_markdown(reponse["ligne"][c]).replace("|", "/") for c in colonnes_11]
    solution = (
        "| " + " | ".join(entetes) + " |\n|" + "---|" * len(entetes) + "\n| " + " | ".join(valeurs) + " |\n\n"
        "La période se lit dans les colonnes `debut` et `fin`. Rien du tableau 11 ne manque dans la table ; "
        f"elle ajoute {', '.join(f'`{c}`' for c in en_plus)}, ce qu'il faut pour le suivi-évaluation "
        "(section 4.3.6)."
    )
    return ExercicePapier("tableau-11", tableaux, reponse, typographie(solution))


def exercice_acteurs(cluster: Cluster) -> ExercicePapier:
    """Compter à la main les acteurs d'un cluster par maillon et trouver l'agrégateur (chapitre 3).

    Le tableau liste les acteurs (identifiant, nom, maillon) ; la note donne l'identifiant de
    l'agrégateur déclaré dans la fiche. La réponse : le décompte par maillon et le nom de l'agrégateur.
    """
    acteurs = cluster.acteurs
    cadre = pd.DataFrame({
        "N°": acteurs["id"].astype(str), "Nom": acteurs["nom"].astype(str),
        "Maillon": acteurs["maillon"].map(lambda c: _libelle("maillons", c)),
    }).reset_index(drop=True)
    agregateur = cluster.fiche.agregateur
    note = (f"Fiche du cluster : agrégateur déclaré {agregateur}." if agregateur
            else "La fiche du cluster ne déclare pas d'agrégateur.")
    tableau = TableauPapier(f"Les acteurs de « {cluster.fiche.nom} »", cadre, note=note)
    ordre = list(referentiel.codes("maillons"))
    comptage = acteurs["maillon"].value_counts()
    comptage = comptage.reindex([m for m in ordre if m in comptage.index])
    nom_agregateur = (acteurs.set_index("id").loc[agregateur, "nom"] if agregateur else None)
    reponse = {"par_maillon": {str(k): int(v) for k, v in comptage.items()}, "total": int(comptage.sum()),
               "agregateur": agregateur, "nom_agregateur": nom_agregateur}
    lignes = "\n".join(f"| {echapper_markdown(_libelle('maillons', m))} | {nombre(n)} |" for m, n in comptage.items())
    solution = (
        f"| Maillon | Acteurs |\n|---|--:|\n{lignes}\n| **Total** | **{nombre(reponse['total'])}** |\n\n"
        + (f"L'agrégateur est {echapper_markdown(nom_agregateur)} ({agregateur}), maillon "
           f"{_libelle('maillons', acteurs.set_index('id').loc[agregateur, 'maillon']).lower()}."
           if agregateur else "Le cluster n'a pas d'agrégateur déclaré.")
    )
    return ExercicePapier("acteurs", (tableau,), reponse, typographie(solution))
