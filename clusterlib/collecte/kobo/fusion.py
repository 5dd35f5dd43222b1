"""Fusion des soumissions dans les tables du jeu (acteurs, relations, scores, réponses) ; aucune écriture ici."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pandas as pd

from clusterlib import referentiel
from clusterlib.collecte.kobo._commun import COLONNE_SOUMISSION, FICHIER_REPONSES
from clusterlib.collecte.kobo.bilan import BilanImport
from clusterlib.collecte.kobo.soumissions import _Ligne, _Soumission
from clusterlib.collecte.modeles_excel import JeuTexte
from clusterlib.collecte.xlsform import Formulaire, fiches_collecte
from clusterlib.donnees.problemes import Probleme
from clusterlib.referentiel import cle_normalisee, regles

COLONNES_REPONSES = ["soumission", "fiche", "acteur", "partenaire", "annexe", "question", "libelle", "reponse"]


def _texte(valeur: Any) -> str:
    if valeur is None:
        return ""
    if isinstance(valeur, float):
        return str(int(valeur)) if valeur.is_integer() else repr(valeur)
    return str(valeur)


class _Table:
    """Une table du jeu en lignes de textes, avec ses colonnes dans l'ordre."""

    def __init__(self, nom: str, cadre: pd.DataFrame | None, extra: tuple[str, ...] = ()):
        formats = [c.nom for c in referentiel.colonnes(nom)] if nom in referentiel.tables() else []
        existantes = list(cadre.columns) if cadre is not None else []
        self.nom = nom
        self.colonnes = [*formats, *(c for c in existantes if c not in formats)]
        self.colonnes += [c for c in extra if c not in self.colonnes]
        self.lignes: list[dict[str, str]] = []
        if cadre is not None:
            for ligne in cadre.to_dict("records"):
                self.lignes.append({c: "" if pd.isna(ligne.get(c)) else str(ligne.get(c, "")) for c in self.colonnes})

    def cadre(self) -> pd.DataFrame:
        return pd.DataFrame([[ligne.get(c, "") for c in self.colonnes] for ligne in self.lignes],
                            columns=self.colonnes, dtype="str")


def _remplacer(lignes: list[dict[str, str]], uuid: str, nouvelles: list[dict[str, str]]) -> list[dict[str, str]]:
    """Remplace les lignes de la soumission ``uuid`` par ``nouvelles``, à la place des anciennes (ou à la fin)."""
    position = next((i for i, ligne in enumerate(lignes) if ligne.get(COLONNE_SOUMISSION) == uuid), len(lignes))
    autres = [ligne for ligne in lignes if ligne.get(COLONNE_SOUMISSION) != uuid]
    return autres[:position] + nouvelles + autres[position:]


class _Fusion:
    """Fusionne les soumissions dans les tables du jeu (aucune écriture ici)."""

    def __init__(self, jeu: JeuTexte, formulaire: Formulaire, bilan: BilanImport):
        self.jeu = jeu
        self.formulaire = formulaire
        self.bilan = bilan
        ref = fiches_collecte()
        self.prefixes: dict[str, str] = ref["prefixes_id"]
        self.annexes = {q["nom"]: q.get("annexe", "") for fiche in ref["fiches"].values()
                        for s in fiche["sections"] for q in s["questions"] if "nom" in q}
        self.correspondances = {q["nom"]: q["colonne"] for q in ref["identification"]["questions"] if q.get("colonne")}
        self.champs = {q["nom"]: q["champ"] for q in ref["partenaires"]["questions"] if q.get("champ")}
        extra = (COLONNE_SOUMISSION,)
        self.acteurs = _Table("acteurs", jeu.tables.get("acteurs"), extra)
        self.relations = _Table("relations", jeu.tables.get("relations"), ("produit", *extra))
        self.scores = _Table("scores", jeu.tables.get("scores"), extra)
        self.reponses = _Table(FICHIER_REPONSES, jeu.annexes.get(FICHIER_REPONSES), tuple(COLONNES_REPONSES))
        self.par_nom: dict[str, list[tuple[str, str]]] = {}
        for a in self.acteurs.lignes:
            self.par_nom.setdefault(cle_normalisee(a.get("nom", "")), []).append(
                (a["id"], cle_normalisee(a.get("commune", ""))))
        self.ids = {a["id"] for a in self.acteurs.lignes}
        self.crees: set[str] = set()  # acteurs ajoutés par cet import
        self.gardes: set[str] = set()  # acteurs existants retrouvés et laissés tels quels
        self.modifies: set[str] = set()

    # Acteurs -------------------------------------------------------------------------------------

    def _trouver(self, nom: Any, commune: Any = None) -> str | None:
        """L'id d'un acteur du même nom (et de la même commune quand les deux sont connues)."""
        commune = cle_normalisee(commune or "")
        for ident, sa_commune in self.par_nom.get(cle_normalisee(nom or ""), []):
            if not commune or not sa_commune or commune == sa_commune:
                return ident
        return None

    def _completer(self, ident: str, valeurs: dict[str, str]) -> None:
        """Remplit les cellules vides d'un acteur déjà importé ; un acteur saisi à la main reste intact."""
        ligne = next(a for a in self.acteurs.lignes if a["id"] == ident)
        ajouts = {c: x for c, x in valeurs.items() if x and not ligne.get(c)} if ligne.get(COLONNE_SOUMISSION) else {}
        if ajouts:
            ligne.update(ajouts)
            if ident not in self.crees and ident not in self.modifies:
                self.bilan.mis_a_jour["acteurs"] += 1
            self.modifies.add(ident)
        elif ident not in self.crees:
            self.gardes.add(ident)

    def _nouvel_id(self, maillon: str) -> str:
        prefixe = self.prefixes.get(maillon, "A")
        motif = re.compile(rf"^{re.escape(prefixe)}(\d+)$")
        nombres = [(int(m[1]), len(m[1])) for i in self.ids if (m := motif.match(i))]
        suivant = max((n for n, _ in nombres), default=0) + 1
        largeur = max((w for _, w in nombres), default=2)
        ident = f"{prefixe}{suivant:0{largeur}d}"
        while ident in self.ids:
            suivant += 1
            ident = f"{prefixe}{suivant:0{largeur}d}"
        return ident

    def _ajouter_acteur(self, valeurs: dict[str, str], soumission: str, ident: str | None = None) -> str:
        ident = ident or self._nouvel_id(valeurs["maillon"])
        ligne = {c: "" for c in self.acteurs.colonnes}
        ligne.update(valeurs)
        ligne["id"] = ident
        ligne[COLONNE_SOUMISSION] = soumission
        self.acteurs.lignes.append(ligne)
        self.ids.add(ident)
        self.crees.add(ident)
        self.par_nom.setdefault(cle_normalisee(ligne["nom"]), []).append((ident, cle_normalisee(ligne["commune"])))
        self.bilan.ajoutes["acteurs"] += 1
        return ident

    def _acteur_enquete(self, s: _Soumission) -> str | None:
        v = s.ligne.valeurs
        lieu = {"fichier": s.ligne.origine, "ligne": s.ligne.numero}
        manque = [q for q in ("nom_acteur", "maillon", "forme") if not v.get(q)]
        if manque:
            self.bilan.rejets.append(Probleme(**lieu, message=f"soumission rejetée : réponse manquante à "
                                              f"« {', '.join(manque)} » ; attendu : le nom, le maillon et la forme "
                                              "de l'acteur"))
            return None
        effectif, femmes = v.get("effectif"), v.get("femmes")
        if effectif is not None and effectif < 1:
            self.bilan.rejets.append(Probleme(**lieu, colonne="effectif", message=f"soumission rejetée : effectif "
                                              f"{effectif} ; attendu : au moins 1"))
            return None
        if femmes is not None and (femmes < 0 or (effectif is not None and femmes > effectif)):
            self.bilan.rejets.append(Probleme(**lieu, colonne="femmes", message=f"soumission rejetée : {femmes} "
                                              f"femmes pour un effectif de {effectif} ; attendu : au plus l'effectif"))
            return None
        valeurs: dict[str, str] = {}
        for question, colonne in self.correspondances.items():
            if colonne == "position":
                if question in v:
                    valeurs["latitude"], valeurs["longitude"] = (_texte(x) for x in v[question])
            elif colonne != "id":
                valeurs[colonne] = _texte(v.get(question))
        uuid = s.ligne.uuid
        proprietaire = next((a for a in self.acteurs.lignes if a.get(COLONNE_SOUMISSION) == uuid), None)
        if proprietaire is not None:
            change = {c: x for c, x in valeurs.items() if proprietaire.get(c, "") != x}
            if change:
                proprietaire.update(change)
                self.bilan.mis_a_jour["acteurs"] += 1
            else:
                self.bilan.inchanges["acteurs"] += 1
            return proprietaire["id"]
        ident = v.get("id_acteur")
        trouve = ident if ident in self.ids else None if ident else self._trouver(valeurs["nom"], valeurs["commune"])
        if trouve:
            self._completer(trouve, valeurs)
            return trouve
        return self._ajouter_acteur(valeurs, uuid, ident or None)

    def _partenaire(self, p: _Ligne, uuid: str, enquete: str) -> str | None:
        """L'id du partenaire d'une ligne du groupe répété (créé au besoin), ou ``None`` si la ligne est rejetée."""
        v = {self.champs[q]: x for q, x in p.valeurs.items() if q in self.champs}
        manque = [q for q, c in self.champs.items() if c in ("nom", "maillon", "forme", "sens", "type", "contrat")
                  and not v.get(c)]
        raison = None
        if manque:
            raison = f"réponse manquante à « {', '.join(manque)} »"
        elif v["contrat"] == "aucun" and v.get("respect") is not None:
            raison = "part des engagements tenus donnée sans contrat ; attendu : un contrat écrit ou verbal"
        elif v.get("respect") is not None and not 0 <= v["respect"] <= 100:
            raison = f"respect {v['respect']} ; attendu : un pourcentage de 0 à 100"
        ident = v.get("id")
        trouve = ident if ident in self.ids else None if ident else self._trouver(v.get("nom"), v.get("commune"))
        if raison is None and trouve == enquete:
            raison = "le partenaire est l'acteur enquêté lui-même"
        if raison:
            self.bilan.rejets.append(Probleme(p.origine, f"partenaire rejeté : {raison}", ligne=p.numero))
            return None
        if trouve:
            if trouve not in self.crees:
                self.gardes.add(trouve)
            return trouve
        return self._ajouter_acteur({"nom": v["nom"], "maillon": v["maillon"], "forme": v["forme"],
                                     "commune": _texte(v.get("commune"))}, f"{uuid}#partenaire", ident or None)

    # Relations -------------------------------------------------------------------------------------

    def _compter(self, table: str, ancienne: dict[str, str] | None, ligne: dict[str, str]) -> None:
        """Compte au bilan une ligne importée dans ``table`` : ajoutée (pas d'``ancienne``), mise à jour
        (une valeur change) ou inchangée."""
        if ancienne is None:
            self.bilan.ajoutes[table] += 1
        elif any(ancienne.get(c, "") != ligne[c] for c in ligne):
            self.bilan.mis_a_jour[table] += 1
        else:
            self.bilan.inchanges[table] += 1

    def _relations(self, s: _Soumission, enquete: str) -> dict[int, str]:
        """Remplace les relations de la soumission ; renvoie l'id du partenaire de chaque ligne gardée."""
        uuid = s.ligne.uuid
        nouvelles: list[dict[str, str]] = []
        partenaires: dict[int, str] = {}
        for i, p in enumerate(s.repetitions.get("partenaires", [])):
            partenaire = self._partenaire(p, uuid, enquete)
            if partenaire is None:
                continue
            partenaires[i] = partenaire
            v = {self.champs[q]: x for q, x in p.valeurs.items() if q in self.champs}
            source, cible = (enquete, partenaire) if v["sens"] == "client" else (partenaire, enquete)
            ligne = {c: "" for c in self.relations.colonnes}
            ligne.update({"source": source, "cible": cible, "type": v["type"], "contrat": v["contrat"],
                          "respect": _texte(v.get("respect")), "volume": _texte(v.get("volume")),
                          "unite": _texte(v.get("unite")), "prix_unitaire": _texte(v.get("prix_unitaire")),
                          "depuis": _texte(v.get("depuis")), "produit": _texte(v.get("produit")),
                          COLONNE_SOUMISSION: uuid})
            ligne["_lieu"] = f"{p.origine}|{p.numero}"
            nouvelles.append(ligne)
        anciennes = [r for r in self.relations.lignes if r.get(COLONNE_SOUMISSION) == uuid]
        autres = [r for r in self.relations.lignes if r.get(COLONNE_SOUMISSION) != uuid]
        cles_autres = {(r["source"], r["cible"], r["type"]) for r in autres}
        par_cle = {(r["source"], r["cible"], r["type"]): r for r in anciennes}
        gardees: list[dict[str, str]] = []
        vues: set[tuple[str, str, str]] = set()
        for ligne in nouvelles:
            origine, numero = ligne.pop("_lieu").rsplit("|", 1)
            cle = (ligne["source"], ligne["cible"], ligne["type"])
            if cle in cles_autres or cle in vues:
                self.bilan.rejets.append(Probleme(origine, f"relation {cle[0]} → {cle[1]} ({cle[2]}) déjà présente "
                                                  "dans le jeu (déclarée par une autre fiche ou saisie à la main) ; "
                                                  "elle est gardée telle quelle", ligne=int(numero)))
                continue
            vues.add(cle)
            self._compter("relations", par_cle.pop(cle, None), ligne)
            gardees.append(ligne)
        self.bilan.retires["relations"] += len(par_cle)
        self.relations.lignes = _remplacer(self.relations.lignes, uuid, gardees)
        return partenaires

    # Réponses qualitatives ------------------------------------------------------------------------

    def _reponses(self, s: _Soumission, nature: str, acteur: str, partenaires: dict[int, str]) -> list[dict]:
        lignes = []
        mappees = set(self.correspondances) | set(self.champs)

        def ajouter(ligne: _Ligne, partenaire: str) -> None:
            for q in self.formulaire.questions:
                if q.nom in mappees or q.nom not in ligne.valeurs:
                    continue
                valeur = ligne.valeurs[q.nom]
                if q.type in ("select_one", "select_multiple"):
                    codes = valeur if isinstance(valeur, list) else [valeur]
                    libelles = self.formulaire.choix.get(q.liste or "", {})
                    texte = "; ".join(libelles.get(c, c) for c in codes)
                else:
                    texte = _texte(valeur)
                lignes.append({"soumission": s.ligne.uuid, "fiche": nature, "acteur": acteur, "partenaire": partenaire,
                               "annexe": self.annexes.get(q.nom, ""), "question": q.nom, "libelle": q.libelle,
                               "reponse": texte})

        ajouter(s.ligne, "")
        for i, p in enumerate(s.repetitions.get("partenaires", [])):
            if i in partenaires:
                ajouter(p, partenaires[i])
        return lignes

    def fiche(self, soumissions: list[_Soumission], nature: str) -> None:
        for s in soumissions:
            acteur = self._acteur_enquete(s)
            if acteur is None:
                continue
            partenaires = self._relations(s, acteur)
            nouvelles = self._reponses(s, nature, acteur, partenaires)
            self.reponses.lignes = _remplacer(self.reponses.lignes, s.ligne.uuid,
                                              [{c: r.get(c, "") for c in self.reponses.colonnes} for r in nouvelles])
            self.bilan.reponses += len(nouvelles)
        self.bilan.conserves["acteurs"] = len(self.gardes - self.modifies)

    # Grille ------------------------------------------------------------------------------------------

    def grille(self, soumissions: list[_Soumission]) -> None:
        ids = list(referentiel.indicateurs()["indicateur"])
        for s in soumissions:
            v = s.ligne.valeurs
            lieu = {"fichier": s.ligne.origine, "ligne": s.ligne.numero}
            campagne = str(v.get("campagne", ""))
            if regles.campagne(campagne) is None:
                self.bilan.rejets.append(Probleme(**lieu, colonne="campagne", message=f"soumission rejetée : "
                                                  f"campagne « {campagne} » ; attendu : "
                                                  f"{regles.campagne_attendue()}"))
                continue
            campagne = regles.campagne(campagne)
            evaluateur = str(v.get("evaluateur", "")).strip()
            if not evaluateur:
                self.bilan.rejets.append(Probleme(**lieu, colonne="evaluateur", message="soumission rejetée : "
                                                  "évaluateur manquant ; attendu : le nom ou le rôle de qui note"))
                continue
            uuid = s.ligne.uuid
            anciennes = {(r["campagne"], r["indicateur"], r["evaluateur"]): r for r in self.scores.lignes
                         if r.get(COLONNE_SOUMISSION) == uuid}
            autres = [r for r in self.scores.lignes if r.get(COLONNE_SOUMISSION) != uuid]
            cles_autres = {(r["campagne"], r["indicateur"], r["evaluateur"]) for r in autres}
            nouvelles = []
            for ident in ids:
                note = v.get(f"note_{ident.replace('.', '_')}")
                if note is None:
                    continue
                cle = (campagne, ident, evaluateur)
                if cle in cles_autres:
                    self.bilan.rejets.append(Probleme(**lieu, colonne=f"note_{ident.replace('.', '_')}",
                                                      message=f"note de l'indicateur {ident} rejetée : « {evaluateur} »"
                                                      f" l'a déjà notée pour {campagne} dans le jeu ; supprimez "
                                                      "l'ancienne ligne de scores pour la remplacer"))
                    continue
                ligne = {c: "" for c in self.scores.colonnes}
                ligne.update({"campagne": campagne, "indicateur": ident, "score": str(note),
                              "justification": _texte(v.get(f"justif_{ident.replace('.', '_')}")),
                              "evaluateur": evaluateur, COLONNE_SOUMISSION: uuid})
                self._compter("scores", anciennes.pop(cle, None), ligne)
                nouvelles.append(ligne)
            self.bilan.retires["scores"] += len(anciennes)
            self.scores.lignes = _remplacer(self.scores.lignes, uuid, nouvelles)

    def resultat(self) -> JeuTexte:
        tables = dict(self.jeu.tables)
        tables["acteurs"] = self.acteurs.cadre()
        tables["relations"] = self.relations.cadre()
        if self.scores.lignes or "scores" in tables:
            tables["scores"] = self.scores.cadre()
        annexes = dict(self.jeu.annexes)
        if self.reponses.lignes or FICHIER_REPONSES in annexes:
            annexes[FICHIER_REPONSES] = self.reponses.cadre()
        return JeuTexte(dict(self.jeu.fiche), tables, annexes)


def _plus_frequent(valeurs: list[Any]) -> str:
    remplies = [str(v).strip() for v in valeurs if v not in (None, "")]
    return Counter(remplies).most_common(1)[0][0] if remplies else ""


def _fiche_nouvelle(soumissions: list[_Soumission]) -> dict[str, Any]:
    nom = _plus_frequent([s.ligne.valeurs.get("cluster") for s in soumissions])
    ident = re.sub(r"-+", "-", cle_normalisee(nom).replace("_", "-").replace(".", "-")).strip("-") or "cluster"
    longueur = referentiel.identifiant_cluster().longueur_max
    if longueur is not None:  # un nom très long donne un identifiant que la validation accepte
        ident = ident[:longueur].rstrip("-") or "cluster"
    return {"id": ident, "nom": nom, "filiere": _plus_frequent([s.ligne.valeurs.get("filiere") for s in soumissions]),
            "campagne": _plus_frequent([s.ligne.valeurs.get("campagne") for s in soumissions])}
