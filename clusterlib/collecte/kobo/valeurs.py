"""Valeur d'une réponse selon le type de sa question (nombre, date, choix, position)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from clusterlib.collecte.xlsform import Formulaire, QuestionFormulaire
from clusterlib.donnees.validation import lire_nombre

_ENTIER_EXCEL = re.compile(r"^\d{5}(\.0+)?$")


def _date(texte: str) -> str:
    if _ENTIER_EXCEL.match(texte):  # date restée en numéro de série Excel
        return (dt.date(1899, 12, 30) + dt.timedelta(days=int(float(texte)))).isoformat()
    return dt.date.fromisoformat(texte[:10]).isoformat()


def _convertir(q: QuestionFormulaire, texte: str, formulaire: Formulaire) -> tuple[Any, str | None]:
    """Valeur d'une réponse selon le type de sa question ; renvoie (valeur, message d'erreur)."""
    if q.type in ("integer", "decimal", "range"):
        try:
            nombre = lire_nombre(texte)
        except ValueError:
            return None, f"valeur « {texte} » non numérique ; attendu : un nombre (question de type {q.type})"
        if q.type == "integer":
            if not nombre.is_integer():
                return None, f"valeur « {texte} » non entière ; attendu : un nombre entier"
            return int(nombre), None
        return nombre, None
    if q.type in ("date", "datetime"):
        try:
            return _date(texte), None
        except ValueError:
            return None, f"date « {texte} » illisible ; attendu : une date AAAA-MM-JJ"
    if q.type == "select_one":
        codes = formulaire.choix.get(q.liste or "", {})
        if texte not in codes:
            return None, (f"choix « {texte} » inconnu de la liste « {q.liste} » du formulaire ; attendu : "
                          + ", ".join(list(codes)[:12]) + (" …" if len(codes) > 12 else ""))
        return texte, None
    if q.type == "select_multiple":
        codes = formulaire.choix.get(q.liste or "", {})
        choisis = texte.split()
        inconnus = [c for c in choisis if c not in codes]
        if inconnus:
            return None, (f"choix « {' '.join(inconnus)} » inconnu(s) de la liste « {q.liste} » ; attendu : "
                          + ", ".join(list(codes)[:12]))
        return choisis, None
    if q.type == "geopoint":
        morceaux = texte.split()
        try:
            lat, lon = float(morceaux[0]), float(morceaux[1])
        except (IndexError, ValueError):
            return None, f"position « {texte} » illisible ; attendu : latitude et longitude séparées par un espace"
        return (lat, lon), None
    return texte, None


def _vrai(texte: str) -> bool:
    return texte.strip().lower() in ("1", "1.0", "true", "vrai", "oui", "x")
