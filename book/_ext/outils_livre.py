"""Ce que partagent les extensions Sphinx du livre : lire un fichier YAML, servir un dossier de fichiers statiques.

Ce module n'est pas une extension : les extensions voisines l'importent (Sphinx met ``book/_ext``
dans le chemin d'import, voir ``local_extensions`` dans ``_config.yml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sphinx.application import Sphinx
from sphinx.config import Config


def lire_yaml(chemin: Path, erreur: type[Exception], nature: str) -> Any:
    """Le contenu du fichier YAML ``chemin`` (une ``nature`` de fichier du livre : fiche, quiz…).

    Lève ``erreur``, avec un message en français, si le fichier manque, n'est pas en UTF-8 ou
    n'est pas du YAML ; le contenu lu n'est pas contrôlé.
    """
    if not chemin.is_file():
        raise erreur(f"fichier de {nature} introuvable : {chemin}")
    try:
        return yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise erreur(f"{chemin.name} : YAML illisible ({exc})") from None
    except UnicodeDecodeError:
        raise erreur(f"{chemin.name} : le fichier doit être encodé en UTF-8") from None


def servir_statique(app: Sphinx, dossier: Path, feuille_css: str) -> None:
    """Copie ``dossier`` avec les fichiers statiques du HTML et lie à chaque page sa feuille de style
    ``feuille_css``."""

    def ajouter_dossier(app: Sphinx, config: Config) -> None:
        config.html_static_path.append(str(dossier))

    app.connect("config-inited", ajouter_dossier)
    app.add_css_file(feuille_css)
