"""Les règles des valeurs viennent des référentiels, et de nulle part ailleurs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ACTEURS, FICHE, RACINE, creer_cluster, texte_fiche

import clusterlib
from clusterlib import referentiel
from clusterlib.referentiel import regles

# Ce qui trahirait une règle réécrite dans le code : le motif d'une campagne, la plage ou le
# nombre des indicateurs, l'échelle des notes écrite en dur.
_INTERDITS = {
    "motif de campagne": re.compile(r"\\d\{4\}.{0,24}\\d\{4\}"),
    "format de campagne": re.compile(r"AAAA-AAAA"),
    "plage des indicateurs": re.compile(r"1\.1 (à|-|…) 6\.4"),
    "échelle des notes": re.compile(r"isin\(\[1, 2, 3, 4\]\)|set_yticks\(\[1, 2, 3, 4\]\)"),
}


def _sources() -> list:
    return [p for p in (RACINE / "clusterlib").rglob("*.py")
            if "referentiel" not in p.relative_to(RACINE / "clusterlib").parts and "__pycache__" not in p.parts]


@pytest.mark.parametrize("regle", sorted(_INTERDITS))
def test_aucune_regle_du_referentiel_n_est_reecrite_dans_le_code(regle: str) -> None:
    motif = _INTERDITS[regle]
    trouves = [f"{p.relative_to(RACINE)}:{n}" for p in _sources()
               for n, ligne in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if motif.search(ligne)]
    assert not trouves, f"{regle} réécrit hors de clusterlib/referentiel : {trouves}"


def test_le_garde_fou_reconnait_une_regle_reecrite() -> None:
    assert _INTERDITS["motif de campagne"].search(r're.compile(r"^(\d{4})-(\d{4})$")')
    assert _INTERDITS["plage des indicateurs"].search("attendu : 1.1 à 6.4")


@pytest.mark.parametrize(("saisie", "attendu"), [
    ("2025-2026", "2025-2026"), ("2025/2026", "2025-2026"), (" 2025 – 2026 ", "2025-2026"),
    ("2025-2027", None), ("2025", None), ("26-27", None), ("", None),
])
def test_campagne_normalisee(saisie: str, attendu: str | None) -> None:
    assert regles.campagne(saisie) == attendu


def test_plage_et_echelle_suivent_la_grille() -> None:
    ids = list(referentiel.indicateurs()["indicateur"])
    assert regles.ids_indicateurs() == tuple(ids)
    assert regles.plage_indicateurs().startswith(f"{ids[0]} à {ids[-1]} (")
    echelle = referentiel.grille()["echelle"]
    assert regles.echelle_notes().niveaux == tuple(range(echelle["minimum"], echelle["maximum"] + 1))
    exemple = referentiel.lire("format_donnees.yml")["regles"]["campagne"]["exemple"]
    assert regles.campagne_attendue().endswith(str(exemple))


@pytest.mark.parametrize("nom", referentiel.fichiers())
def test_chaque_fichier_du_referentiel_suit_son_schema(nom: str) -> None:
    assert referentiel.verifier(nom) == []


def test_une_faute_de_frappe_dans_le_referentiel_est_signalee(monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    original = referentiel.lire("format_donnees.yml")
    fautif = copy.deepcopy(original)
    colonne = fautif["tables"]["acteurs"]["colonnes"][0]
    colonne["requsie"] = colonne.pop("requise")
    lire = referentiel._lire

    def lire_fautif(nom: str):
        return fautif if nom == "format_donnees.yml" else lire(nom)

    monkeypatch.setattr(referentiel, "_lire", lire_fautif)
    ecarts = referentiel.verifier("format_donnees.yml")
    assert any("tables → acteurs → colonnes → 0" in e and "requise" in e for e in ecarts), ecarts
    assert any("requsie" in e for e in ecarts), ecarts


@pytest.mark.parametrize(("texte", "attendu"), [("abc", None), ("a\tb\nc\r", None), ("a\x07b", ("U+0007", 1)),
                                                ("\x0bdébut", ("U+000B", 0))])
def test_caractere_invisible(texte: str, attendu: tuple[str, int] | None) -> None:
    assert regles.caractere_invisible(texte) == attendu


def test_un_caractere_invisible_est_signale_a_sa_place(tmp_path: Path) -> None:
    """Un nom collé avec un caractère de contrôle : un message situé (fichier, ligne, colonne), pas un plantage."""
    acteurs = [list(ligne) for ligne in ACTEURS]
    acteurs[1][1] = "Groupement\x07 Akpé"
    # Écrit « \a » entre guillemets, le YAML est lisible mais le nom porte le caractère U+0007.
    fiche = texte_fiche(FICHE).replace(f"nom: {FICHE['nom']}", 'nom: "Cluster\\a riz"')
    assert "\\a" in fiche
    jeu = creer_cluster(tmp_path / "jeu", fiche, acteurs=acteurs)
    messages = [str(p) for p in clusterlib.valider(jeu)]
    assert any("acteurs.csv, ligne 2" in m and "« nom »" in m and "U+0007 après « Groupement »" in m
               for m in messages), messages
    assert any("cluster.yml" in m and "U+0007 après « Cluster »" in m for m in messages), messages
