"""Les règles des valeurs, écrites une fois dans les référentiels et lues partout.

Format des campagnes (``format_donnees.yml``, clé ``regles``), identifiants des indicateurs
et échelle des notes (``grille.yml``) : la validation, l'import Kobo, les formulaires, la
notation et leurs messages passent par ici, de sorte qu'ajouter un indicateur dans
``grille.yml`` ou changer l'échelle ne demande aucune ligne de code. L'écriture d'un nombre à
la française (:func:`nombre_ecrit`) y est aussi : les messages des couches basses la lisent,
et :func:`clusterlib.presentation.format_fr.nombre` l'applique à tout ce qui s'affiche.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from clusterlib import referentiel

__all__ = [
    "Echelle",
    "campagne",
    "campagne_attendue",
    "caractere_invisible",
    "echelle_notes",
    "format_campagne",
    "ids_indicateurs",
    "nombre_ecrit",
    "plage_indicateurs",
]


def nombre_ecrit(valeur: float, decimales: int = 0) -> str:
    """Un nombre écrit à la française : ``1234567.891`` → « 1 234 567,89 » (``decimales=2``).

    Les milliers sont séparés par une espace fine insécable, la décimale par une virgule ;
    l'arrondi est celui de Python (au plus proche) ; « -0 » s'écrit « 0 », l'infini « ∞ ».
    """
    x = float(valeur)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    texte = f"{x:,.{decimales}f}"
    if texte.lstrip("-").strip("0.,") == "":  # « -0 » ou « -0,0 » : pas de signe
        texte = texte.lstrip("-")
    return texte.replace(",", "\u202f").replace(".", ",")


# Caractères de contrôle qu'aucun classeur .xlsx ne peut contenir (la tabulation et les retours
# à la ligne restent permis) : un texte qui en porte ne s'écrirait ni dans la synthèse, ni dans
# l'export de la banque, ni dans une copie pseudonymisée.
_INVISIBLES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def caractere_invisible(texte: str) -> tuple[str, int] | None:
    """Le premier caractère de contrôle de ``texte`` (« U+0007 ») et sa position, ou ``None`` s'il n'y en a pas."""
    trouve = _INVISIBLES.search(texte)
    return (f"U+{ord(trouve.group()):04X}", trouve.start()) if trouve else None


@cache
def _regle_campagne() -> tuple[re.Pattern[str], str, str, str]:
    regle = referentiel.lire("format_donnees.yml")["regles"]["campagne"]
    return re.compile(regle["motif"]), str(regle["format"]), str(regle["exemple"]), str(regle["description"])


def campagne(texte: object) -> str | None:
    """La campagne écrite dans sa forme normale (``2025-2026``), ou ``None`` si elle est invalide.

    « 2025-2026 », « 2025/2026 » et « 2025 – 2026 » donnent ``2025-2026`` ; deux années qui ne
    se suivent pas (``2025-2027``) sont refusées.
    """
    motif, _, _, _ = _regle_campagne()
    m = motif.match(str(texte))
    if not m or int(m[2]) != int(m[1]) + 1:
        return None
    return f"{m[1]}-{m[2]}"


def format_campagne() -> str:
    """Le format d'une campagne tel qu'on l'écrit à l'utilisateur : « AAAA-AAAA »."""
    return _regle_campagne()[1]


def campagne_attendue() -> str:
    """Ce qu'on attend d'une campagne, pour les messages : « deux années qui se suivent … »."""
    _, format_, exemple, description = _regle_campagne()
    return f"{description} au format {format_}, par exemple {exemple}"


@cache
def ids_indicateurs() -> tuple[str, ...]:
    """Les identifiants des indicateurs de la grille, dans l'ordre (``1.1``, ``1.2``…)."""
    return tuple(referentiel.indicateurs()["indicateur"])


def plage_indicateurs() -> str:
    """La plage des identifiants, pour les messages : « 1.1 à 6.4 (6 axes de 4 indicateurs) »."""
    ids = ids_indicateurs()
    axes = referentiel.lire("grille.yml")["axes"]
    tailles = {len(a["indicateurs"]) for a in axes}
    detail = (f"{len(axes)} axes de {tailles.pop()} indicateurs" if len(tailles) == 1
              else f"{len(ids)} indicateurs en {len(axes)} axes")
    return f"{ids[0]} à {ids[-1]} ({detail})"


@dataclass(frozen=True)
class Echelle:
    """L'échelle des notes de la grille : bornes entières et libellé de chaque niveau."""

    minimum: int
    maximum: int
    libelles: dict[int, str]

    @property
    def niveaux(self) -> tuple[int, ...]:
        """Les notes entières admises (1, 2, 3, 4)."""
        return tuple(range(self.minimum, self.maximum + 1))

    def texte(self) -> str:
        """« de 1 à 4 », pour les messages."""
        return f"de {self.minimum} à {self.maximum}"


@cache
def echelle_notes() -> Echelle:
    """L'échelle des notes lue dans ``grille.yml``."""
    e = referentiel.lire("grille.yml")["echelle"]
    return Echelle(int(e["minimum"]), int(e["maximum"]),
                   {int(k): str(v) for k, v in (e.get("libelles") or {}).items()})
