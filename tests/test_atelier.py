"""Tests du planning de l'atelier de planification (clusterlib.analyses.atelier)."""

from __future__ import annotations

import itertools

import pytest

from clusterlib.analyses.atelier import Agenda, ErreurAgenda, planning_atelier, referentiel_atelier

REF = referentiel_atelier()
CODES_SEANCES = [s["code"] for s in REF["seances"]]
PAUSES = {p["code"] for p in REF["pauses"]}


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def verifier_agenda(agenda: Agenda, debut: str = "08:30", fin: str = "17:30", cafe: int = 15,
                    dejeuner: int = 60) -> None:
    """Les horaires s'additionnent, ne se chevauchent pas et restent dans la journée."""
    s = agenda.seances
    assert sorted(s["jour"].unique()) == list(range(1, agenda.jours + 1))
    for _jour, j in s.groupby("jour"):
        lignes = j.to_dict("records")
        assert _minutes(lignes[0]["debut"]) == _minutes(debut)
        assert _minutes(lignes[-1]["fin"]) <= _minutes(fin)
        for a, b in itertools.pairwise(lignes):
            assert a["fin"] == b["debut"], "trou ou chevauchement entre deux lignes"
            assert not (a["format"] == "pause" and b["format"] == "pause"), "deux pauses de suite"
        for ligne in lignes:
            assert _minutes(ligne["fin"]) - _minutes(ligne["debut"]) == ligne["duree"] > 0
            if ligne["format"] == "pause":
                assert ligne["duree"] == (dejeuner if ligne["code"] == "pause_dejeuner" else cafe)
        assert lignes[-1]["format"] != "pause", "une journée ne finit pas par une pause"
    # Toutes les séances, dans l'ordre du tableau 6, chacune une seule fois (morceaux consécutifs)
    codes = [c for c in s["code"] if c not in PAUSES and c != "recapitulatif"]
    ordre = [c for i, c in enumerate(codes) if i == 0 or codes[i - 1] != c]
    assert ordre == CODES_SEANCES
    # Un récapitulatif au début de chaque jour à partir du deuxième
    premieres = s.groupby("jour")["code"].first()
    assert list(premieres) == ["ouverture"] + ["recapitulatif"] * (agenda.jours - 1)
    assert (s["code"] == "recapitulatif").sum() == agenda.jours - 1


@pytest.mark.parametrize("jours", [2, 3, 4])
@pytest.mark.parametrize("clusters", [1, 2, 3, 4, 5, 6])
def test_agenda_tient_et_s_additionne(clusters: int, jours: int) -> None:
    agenda = planning_atelier(clusters, jours=jours)
    verifier_agenda(agenda)
    assert len(agenda.groupes) == clusters
    # Chaque séance dure entre sa durée minimale et sa durée habituelle (multipliée par les tours)
    s = agenda.seances
    for seance in REF["seances"]:
        total = int(s.loc[s["code"] == seance["code"], "duree"].sum())
        assert seance["duree_min"] <= total <= seance["duree"]
    if jours >= 3:
        assert agenda.compression == 1.0
        assert agenda.remarques() == []
    else:
        assert 0 <= agenda.compression < 1
        assert "raccourcies" in agenda.remarques()[0]


def test_planning_de_trois_jours_calcule_a_la_main() -> None:
    """Jour 1 d'un atelier d'un cluster, durées habituelles, pauses de 15 et 60 minutes."""
    agenda = planning_atelier(1, jours=3)
    jour1 = agenda.seances[agenda.seances["jour"] == 1]
    attendu = [
        ("08:30", "08:45", "ouverture"), ("08:45", "09:15", "lancement"), ("09:15", "09:45", "methodologie"),
        # la revue (60 min, indivisible) finit à 10:45 : la pause café (visée 10:30) est repoussée de 15 min
        ("09:45", "10:45", "revue_diagnostic"), ("10:45", "11:00", "pause_cafe_matin"),
        ("11:00", "12:30", "cartographie"),
        # la restitution (indivisible) finit à 13:30, dans la tolérance de 45 min : le déjeuner suit
        ("12:30", "13:30", "restitution_cartographie"), ("13:30", "14:30", "pause_dejeuner"),
        ("14:30", "15:30", "forces_faiblesses"), ("15:30", "16:00", "opportunites_menaces"),
        ("16:00", "16:15", "pause_cafe_apres_midi"), ("16:15", "17:00", "restitution_ffom"),
    ]
    assert list(zip(jour1["debut"], jour1["fin"], jour1["code"], strict=True)) == attendu
    # Comme dans le tableau 6 : la vision ouvre le jour 2, le plan d'actions le jour 3
    s = agenda.seances
    assert s.loc[s["code"] == "vision", "jour"].iloc[0] == 2
    assert s.loc[s["code"] == "plan_actions", "jour"].iloc[0] == 3
    assert s["fin"].iloc[-1] == "12:50"
    assert agenda.travail_par_jour().to_dict() == {1: 420, 2: 440, 3: 245}


def test_seance_coupee_par_une_pause_porte_la_mention_suite() -> None:
    agenda = planning_atelier(1, jours=3)
    s = agenda.seances
    changements = s[s["code"] == "changements"]
    assert len(changements) == 2
    assert changements["seance"].iloc[1].endswith("(suite)")
    assert int(changements["duree"].sum()) == 135


def test_dates_sautent_le_dimanche() -> None:
    agenda = planning_atelier(1, jours=3, date_debut="2026-03-14")  # un samedi
    assert agenda.dates == ("samedi 14 mars 2026", "lundi 16 mars 2026", "mardi 17 mars 2026")
    avec = planning_atelier(1, jours=2, date_debut="2026-03-14", sauter_dimanche=False)
    assert avec.dates == ("samedi 14 mars 2026", "dimanche 15 mars 2026")
    assert set(agenda.seances["date"]) == set(agenda.dates)


def test_parametres_de_journee() -> None:
    agenda = planning_atelier(2, jours=3, heure_debut="8h", heure_fin="18h", pause_cafe=20, pause_dejeuner=75)
    verifier_agenda(agenda, debut="08:00", fin="18:00", cafe=20, dejeuner=75)
    sans_pause_cafe = planning_atelier(1, jours=3, pause_cafe=0)
    assert not sans_pause_cafe.seances["code"].str.startswith("pause_cafe").any()


def test_plusieurs_clusters_restitution_dans_les_groupes() -> None:
    agenda = planning_atelier(["Riz", "Soja", "Ananas"], jours=3, facilitateurs=2)
    s = agenda.seances
    assert list(agenda.groupes["cluster"]) == ["Riz", "Soja", "Ananas"]
    assert list(agenda.groupes["facilitateur"]) == ["Facilitateur 1", "Facilitateur 2", "Facilitateur 1"]
    restit = s[s["format"] == "restitution"]
    assert restit["contenu"].str.contains("2 tour").all()
    assert restit["intervenants"].eq("Groupes de travail (un par cluster)").all()
    # deux tours de restitution : deux fois plus long qu'avec un facilitateur par groupe
    un_tour = planning_atelier(3, jours=4)
    deux_tours = planning_atelier(3, jours=4, facilitateurs=2)
    d1 = un_tour.seances.loc[un_tour.seances["code"] == "restitution_ffom", "duree"].sum()
    d2 = deux_tours.seances.loc[deux_tours.seances["code"] == "restitution_ffom", "duree"].sum()
    assert d2 == 2 * d1 == 90


def test_interpretation_allonge_les_plenieres() -> None:
    sans = planning_atelier(1, jours=4)
    avec = planning_atelier(1, jours=4, interpretation=True)
    duree = lambda a, code: int(a.seances.loc[a.seances["code"] == code, "duree"].sum())  # noqa: E731
    assert duree(sans, "lancement") == 30 and duree(avec, "lancement") == 40  # 30 × 1,25 arrondi à 5
    assert duree(sans, "cartographie") == duree(avec, "cartographie")  # travaux de groupe : inchangés
    assert "Traduction" in avec.remarques()[0]


def test_agenda_en_anglais() -> None:
    agenda = planning_atelier(1, jours=3, langue="en", date_debut="2026-03-09")
    assert agenda.seances["seance"].iloc[0] == "Official opening"
    assert agenda.dates[0] == "Monday 9 March 2026"
    assert list(agenda.tableau().columns)[:3] == ["Day", "Date", "Time"]


def test_tableau_lisible() -> None:
    t = planning_atelier(1, jours=3).tableau()
    assert list(t.columns) == ["Jour", "Date", "Horaire", "Séance", "Activités et méthodes", "Format", "Intervenants"]
    assert t["Horaire"].iloc[0] == "08:30 – 08:45"


def test_un_jour_ne_suffit_pas_message_francais() -> None:
    with pytest.raises(ErreurAgenda) as e:
        planning_atelier(1, jours=1)
    message = str(e.value)
    assert "ne tient pas en 1 jour(s)" in message
    assert "restent sans place" in message and "« Clôture de l'atelier »" in message
    assert "ajoutez un jour" in message


def test_trop_de_groupes_pour_les_facilitateurs() -> None:
    with pytest.raises(ErreurAgenda, match="prévoyez 6 facilitateurs"):
        planning_atelier(6, jours=2, facilitateurs=2)


def test_journee_trop_courte() -> None:
    with pytest.raises(ErreurAgenda, match="de 09:00 à 11:00"):
        planning_atelier(1, jours=3, heure_debut="09:00", heure_fin="11:00")


@pytest.mark.parametrize(("parametres", "extrait"), [
    ({"heure_debut": "25h"}, "heure de début « 25h » illisible"),
    ({"heure_fin": "07:00"}, "avant l'heure de début"),
    ({"langue": "fon"}, "langue « fon » non prévue"),
    ({"clusters": 0}, "nombre de clusters « 0 » invalide"),
    ({"clusters": ["Riz", "Riz"]}, "deux clusters portent le même nom"),
    ({"jours": 2.5}, "nombre de jours « 2.5 » invalide"),
    ({"pause_cafe": -5}, "durée de la pause café « -5 » invalide"),
    ({"date_debut": "2026-02-30"}, "date de début « 2026-02-30 » illisible"),
    ({"facilitateurs": 0}, "nombre de facilitateurs « 0 » invalide"),
])
def test_parametres_invalides(parametres: dict, extrait: str) -> None:
    with pytest.raises(ErreurAgenda, match=extrait):
        planning_atelier(**parametres)
