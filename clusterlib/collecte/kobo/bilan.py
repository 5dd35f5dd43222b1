"""Ce que l'import a fait (ou ferait), et son résumé en français."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from clusterlib.collecte.kobo._commun import FICHIER_REPONSES
from clusterlib.donnees.problemes import Probleme

__all__ = ["BilanImport"]


@dataclass
class BilanImport:
    """Ce que l'import a fait (ou ferait) : comptes par table, rejets, erreurs bloquantes."""

    export: Path
    destination: Path
    formulaire: str = ""
    soumissions: int = 0
    ajoutes: Counter = field(default_factory=Counter)
    mis_a_jour: Counter = field(default_factory=Counter)
    inchanges: Counter = field(default_factory=Counter)
    conserves: Counter = field(default_factory=Counter)
    retires: Counter = field(default_factory=Counter)
    reponses: int = 0
    rejets: list[Probleme] = field(default_factory=list)
    erreurs: list[Probleme] = field(default_factory=list)
    avertissements: list[Probleme] = field(default_factory=list)
    nouveau_jeu: bool = False
    ecrit: bool = False

    def resume(self) -> str:
        """Le résumé en français, tel que l'affiche la ligne de commande."""
        lignes = []
        if self.erreurs:
            lignes.append(f"Import refusé : {len(self.erreurs)} problème(s) ; rien n'a été écrit dans "
                          f"{self.destination}.")
            lignes += [f"  - {p}" for p in self.erreurs]
            lignes += [f"  - {p}" for p in self.avertissements]
            return "\n".join(lignes)
        quoi = "créé" if self.nouveau_jeu else "mis à jour"
        lignes.append(f"Import de {self.export.name} ({self.formulaire}) : {self.soumissions} soumission(s) lue(s).")
        noms = {"acteurs": ("acteurs", "ajouté(s)", "mis à jour", "gardé(s) tel(s) quel(s)"),
                "relations": ("relations", "ajoutée(s)", "mise(s) à jour", "gardée(s) telle(s) quelle(s)"),
                "scores": ("notes", "ajoutée(s)", "mise(s) à jour", "gardée(s) telle(s) quelle(s)")}
        for table, (nom, ajout, maj, garde) in noms.items():
            if not any(c[table] for c in (self.ajoutes, self.mis_a_jour, self.inchanges, self.conserves,
                                           self.retires)):
                continue
            morceaux = [f"{self.ajoutes[table]} {ajout}", f"{self.mis_a_jour[table]} {maj}"]
            if self.inchanges[table]:
                morceaux.append(f"{self.inchanges[table]} inchangée(s)" if table != "acteurs"
                                else f"{self.inchanges[table]} inchangé(s)")
            if self.conserves[table]:
                morceaux.append(f"{self.conserves[table]} déjà présent(s), {garde}" if table == "acteurs"
                                else f"{self.conserves[table]} déjà présente(s), {garde}")
            if self.retires[table]:
                morceaux.append(f"{self.retires[table]} retirée(s) (plus dans la soumission)")
            lignes.append(f"  {nom:<10}: " + ", ".join(morceaux))
        if self.reponses:
            lignes.append(f"  {'réponses':<10}: {self.reponses} réponse(s) qualitative(s) dans {FICHIER_REPONSES}.csv")
        lignes.append(f"  {'rejets':<10}: {len(self.rejets)}")
        lignes += [f"    - {p}" for p in self.rejets]
        if self.avertissements:
            lignes.append("  à savoir :")
            lignes += [f"    - {p.lieu()} : {p.message}" for p in self.avertissements]
        if self.ecrit:
            lignes.append(f"Jeu {quoi} : {self.destination} (vérification : clusterlib validate {self.destination}).")
        else:
            lignes.append("Rien n'a été écrit (simulation).")
        return "\n".join(lignes)
