"""Citations et bibliographie en français (sphinxcontrib-bibtex).

Deux styles sont enregistrés :

- le style de citation ``auteur_annee`` : « (Porter, 1998) », « (ONUDI et AFD, 2013) »,
  plusieurs références séparées par un point-virgule, « et » entre deux auteurs, « et al. »
  au-delà ; à choisir avec ``bibtex_reference_style: auteur_annee`` ;
- le style de bibliographie ``francais`` : des étiquettes « auteur année », les mots de liaison
  en français (« Dans »,
  « dir. », « vol. », « n° », « p. ») et les titres tels qu'ils sont écrits dans le fichier
  BibTeX (le style ``plain`` mettrait « Bénin » en minuscules) ; à choisir avec
  ``bibtex_default_style: francais``.

Les styles sont enregistrés dès le chargement de l'extension, avant que sphinxcontrib-bibtex
ne les cherche.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import Any

import pybtex.plugin
from pybtex.richtext import Text
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.unsrt import Style as StyleUnsrt
from pybtex.style.formatting.unsrt import date, pages
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import field, first_of, join, names, optional, optional_field, sentence, tag, words
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle


def _parentheses() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


def _personnes() -> PersonStyle:
    return PersonStyle(sep=", ", sep2=" et ", last_sep=" et ", other=Text(" et al."))


@dataclasses.dataclass
class StyleAuteurAnnee(AuthorYearReferenceStyle):
    """Citations auteur-année entre parenthèses, à la française."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_parentheses)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_parentheses)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_parentheses)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_parentheses)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_parentheses)
    person: PersonStyle = dataclasses.field(default_factory=_personnes)


def _etiquette(entry: Any) -> str:
    personnes = entry.persons.get("author") or entry.persons.get("editor") or []
    noms = [" ".join(p.last_names) for p in personnes]
    auteur = f"{noms[0]} et al." if len(noms) > 2 else " et ".join(noms) or entry.fields.get("title", "?")
    return f"{auteur} {entry.fields.get('year', 's. d.')}".replace("{", "").replace("}", "")


class TriAuteurAnnee(BaseSortingStyle):
    """Tri alphabétique sur l'étiquette « auteur année », sans tenir compte des accents."""

    def sorting_key(self, entry: Any) -> str:
        texte = unicodedata.normalize("NFKD", _etiquette(entry))
        return "".join(c for c in texte if not unicodedata.combining(c)).lower()


class EtiquettesAuteurAnnee(BaseLabelStyle):
    """Étiquettes de la bibliographie sous la forme « Porter 1998 », comme les citations."""

    def format_labels(self, sorted_entries: Any) -> Any:
        for entry in sorted_entries:
            yield _etiquette(entry)


class StyleFrancais(StyleUnsrt):
    """Bibliographie en français, dérivée du style ``unsrt`` de pybtex."""

    default_sorting_style = "auteur_annee"
    default_label_style = "auteur_annee"

    def format_names(self, role: str, as_sentence: bool = True) -> Any:
        noms = names(role, sep=", ", sep2=" et ", last_sep=" et ")
        return sentence[noms] if as_sentence else noms

    def format_editor(self, e: Any, as_sentence: bool = True) -> Any:
        resultat = words[self.format_names("editor", as_sentence=False), "(dir.)"]
        return sentence[resultat] if as_sentence else resultat

    def format_title(self, e: Any, which_field: str, as_sentence: bool = True) -> Any:
        titre = field(which_field)
        return sentence[titre] if as_sentence else titre

    def format_volume_and_series(self, e: Any, as_sentence: bool = True) -> Any:
        resultat = first_of[
            optional[words[field("series"), join["n°\u00a0", field("number")]]],
            optional[words[field("series"), join["vol.\u00a0", field("volume")]]],
            optional_field("series"),
        ]
        return sentence[resultat] if as_sentence else resultat

    def get_article_template(self, e: Any) -> Any:
        volume = optional[join["vol.\u00a0", field("volume")]]
        numero = optional[join["n°\u00a0", field("number")]]
        return toplevel[
            self.format_names("author"),
            self.format_title(e, "title"),
            sentence[tag("em")[field("journal")], volume, numero, optional[join["p.\u00a0", pages]], date],
            sentence[optional_field("note")],
        ]

    def _notice(self, titre: Any, *corps: Any) -> Any:
        """Une notice : les auteurs, ``titre``, les parties de ``corps``, puis la note s'il y en a une."""
        return toplevel[sentence[self.format_names("author")], titre, *corps, sentence[optional_field("note")]]

    def get_incollection_template(self, e: Any) -> Any:
        dans = sentence[
            optional[self.format_editor(e, as_sentence=False)],
            self.format_btitle(e, "booktitle", as_sentence=False),
            self.format_volume_and_series(e, as_sentence=False),
        ]
        return self._notice(self.format_title(e, "title"), words["Dans", dans],
                            sentence[optional_field("publisher"), optional_field("address"), date])

    def get_techreport_template(self, e: Any) -> Any:
        rapport = optional[words[field("type"), optional[join["n°\u00a0", field("number")]]]]
        return self._notice(self.format_btitle(e, "title"),
                            sentence[rapport, field("institution"), optional_field("address"), date])


register_plugin("sphinxcontrib.bibtex.style.referencing", "auteur_annee", StyleAuteurAnnee)
pybtex.plugin.register_plugin("pybtex.style.labels", "auteur_annee", EtiquettesAuteurAnnee)
pybtex.plugin.register_plugin("pybtex.style.sorting", "auteur_annee", TriAuteurAnnee)
pybtex.plugin.register_plugin("pybtex.style.formatting", "francais", StyleFrancais)


def setup(app: Sphinx) -> dict[str, Any]:
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
