"""Tests du planning de l'atelier de planification (clusterlib.analyses.atelier)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from clusterlib.analyses.atelier import Agenda, ErreurAgenda, planning_atelier, referentiel_atelier

REF = referentiel_atelier()
CODES_SEANCES = [s["code"] for s in REF["seances"]]
PAUSES = {p["code"] for p in REF["pauses"]}
JOUR_1_DU_GUIDE, JOURS_SUIVANTS_DU_GUIDE = "09:00", "08:30"


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def verifier_agenda(agenda: Agenda, debuts: tuple[str, str] = (JOUR_1_DU_GUIDE, JOURS_SUIVANTS_DU_GUIDE),
                    fin: str = "17:30", cafe: int | None = 15, dejeuner: int | None = 60) -> None:
    """Les horaires s'additionnent, restent dans la journée et ne se chevauchent que là où le
    référentiel le permet. ``debuts`` : début du premier jour, puis des suivants ; ``cafe`` et
    ``dejeuner`` : durée attendue des pauses (``None`` : celles du déroulé du guide)."""
    s = agenda.seances
    assert sorted(s["jour"].unique()) == list(range(1, agenda.jours + 1))
    for jour, j in s.groupby("jour"):
        lignes = j.to_dict("records")
        assert lignes[0]["debut"] == (debuts[0] if jour == 1 else debuts[1])
        assert _minutes(lignes[-1]["fin"]) <= _minutes(fin)
        for a, b in itertools.pairwise(lignes):
            if b["chevauche"]:
                assert b["chevauche"] == a["code"] and a["debut"] < b["debut"] < a["fin"] <= b["fin"]
            else:
                assert a["fin"] == b["debut"], "trou ou chevauchement entre deux lignes"
            assert not (a["format"] == "pause" and b["format"] == "pause"), "deux pauses de suite"
        for ligne in lignes:
            assert _minutes(ligne["fin"]) - _minutes(ligne["debut"]) == ligne["duree"] > 0
            attendue = dejeuner if ligne["code"] == "pause_dejeuner" else cafe
            if ligne["format"] == "pause" and attendue is not None:
                assert ligne["duree"] == attendue
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
    # Trois jours, un facilitateur par groupe : le déroulé du guide, avec ses pauses.
    guide = jours == 3
    assert agenda.parametres["deroule_guide"] is guide
    verifier_agenda(agenda, cafe=None if guide else 15, dejeuner=None if guide else 60)
    assert len(agenda.groupes) == clusters
    # Chaque séance dure entre sa durée minimale et sa durée habituelle (multipliée par les tours)
    s = agenda.seances
    for seance in REF["seances"]:
        total = int(s.loc[s["code"] == seance["code"], "duree"].sum())
        assert seance["duree_min"] <= total <= seance["duree"]
        if guide:
            assert total == seance["duree"]
    if guide:
        assert agenda.compression == 1.0
        assert agenda.remarques() == []
    elif jours > 3:
        assert agenda.compression == 1.0
        assert agenda.remarques() == [agenda.textes["replace"].format(jours=3)]
    else:
        assert 0 <= agenda.compression < 1
        assert agenda.remarques()[0] == agenda.textes["replace"].format(jours=3)
        assert "raccourcies" in agenda.remarques()[1]


def tableau_6() -> dict[int, list[tuple[str, str, str, str]]]:
    """Le tableau 6 du guide, recopié à la main dans ``tests/atelier/tableau_6.yml`` :
    ``{jour: [(début, fin, séance ou pause, qui anime), …]}``."""
    contenu = yaml.safe_load((Path(__file__).parent / "atelier" / "tableau_6.yml").read_text(encoding="utf-8"))
    return {jour: [tuple(ligne) for ligne in lignes] for jour, lignes in contenu.items()}


def test_planning_par_defaut_reproduit_le_tableau_6() -> None:
    agenda = planning_atelier()
    assert agenda.parametres["deroule_guide"] is True
    s = agenda.seances
    attendus = tableau_6()
    assert sorted(s["jour"].unique()) == sorted(attendus) == [1, 2, 3]
    for jour, attendu in attendus.items():
        du_jour = s[s["jour"] == jour]
        obtenu = list(zip(du_jour["debut"], du_jour["fin"], du_jour["code"], du_jour["role"], strict=True))
        assert obtenu == attendu, f"jour {jour}"
    # Les heures de bord que le guide donne en toutes lettres
    assert s.groupby("jour")["debut"].first().to_dict() == {1: "09:00", 2: "08:30", 3: "08:30"}
    assert s.groupby("jour")["fin"].last().to_dict() == {1: "17:30", 2: "17:30", 3: "13:00"}
    # Le seul chevauchement : la cartographie commence pendant la revue du diagnostic
    chevauchements = s[s["chevauche"] != ""]
    assert list(zip(chevauchements["code"], chevauchements["chevauche"], strict=True)) == [
        ("cartographie", "revue_diagnostic")]
    assert "Revue des résultats du diagnostic" in chevauchements["contenu"].iloc[0]
    assert agenda.travail_par_jour().to_dict() == {1: 435, 2: 450, 3: 255}


def test_une_autre_heure_de_debut_decale_tout_le_deroule() -> None:
    guide = planning_atelier().seances
    plus_tot = planning_atelier(heure_debut="8h30").seances
    assert plus_tot["code"].tolist() == guide["code"].tolist()
    for col in ("debut", "fin"):
        assert [_minutes(h) for h in plus_tot[col]] == [_minutes(h) - 30 for h in guide[col]]
    assert plus_tot["debut"].iloc[0] == "08:30" and plus_tot["fin"].iloc[-1] == "12:30"
    # Une heure par jour : chaque jour se décale de son côté
    par_jour = planning_atelier(heure_debut=["08:00", "08:00", "09:00"]).seances
    assert par_jour.groupby("jour")["debut"].first().to_dict() == {1: "08:00", 2: "08:00", 3: "09:00"}
    assert par_jour.groupby("jour")["fin"].last().to_dict() == {1: "16:30", 2: "17:00", 3: "13:30"}


def test_le_deroule_du_referentiel_est_coherent() -> None:
    """Chaque séance du déroulé existe, dans l'ordre des séances, sans trou ; les rôles sont connus."""
    codes_recap = REF["recapitulatif"]["code"]
    connus = set(CODES_SEANCES) | PAUSES | {codes_recap}
    codes = []
    for k, jour in enumerate(REF["deroule"]):
        assert jour["jour"] == k + 1
        sequences = jour["sequences"]
        assert (sequences[0]["code"] == codes_recap) is (k > 0)
        for a, b in itertools.pairwise(sequences):
            assert _minutes(a["debut"]) < _minutes(a["fin"])
            if "chevauche" in b:
                assert b["chevauche"] == a["code"] and _minutes(a["debut"]) < _minutes(b["debut"]) < _minutes(a["fin"])
            else:
                assert a["fin"] == b["debut"], (k + 1, a, b)
        codes += [s["code"] for s in sequences]
    assert set(codes) <= connus
    seances = [c for c in codes if c in CODES_SEANCES]
    assert [c for i, c in enumerate(seances) if i == 0 or seances[i - 1] != c] == CODES_SEANCES
    roles = [r["code"] for r in REF["roles"]]
    assert {s["intervenant"] for s in [*REF["seances"], REF["recapitulatif"]]} <= set(roles)
    chef = next(r for r in REF["roles"] if r["code"] == "chef_village")
    assert chef["choisi_pendant"] in CODES_SEANCES


def test_roles_dont_le_chef_de_village() -> None:
    roles = planning_atelier(["Riz", "Soja"]).roles()
    assert roles["code"].tolist() == ["organisateur", "facilitateur", "groupes", "chef_village"]
    chef = roles.set_index("code").loc["chef_village"]
    assert chef["role"] == "Chef de village" and "temps" in chef["mission"]
    assert roles.set_index("code").loc["groupes", "role"] == "Groupes de travail (un par cluster)"
    assert planning_atelier(langue="en").roles()["role"].iloc[-1] == "Village chief"


def test_seances_replacees_calcule_a_la_main() -> None:
    """Pauses café choisies (15 min partout) : les séances sont replacées, sans chevauchement.

    Jour 1 : 09:00 + 15 + 30 + 45 (durées du déroulé) = 10:30, heure de la pause du matin ;
    revue 60 min → 11:45 ; la cartographie (90 min, divisible) est coupée par le déjeuner visé
    à 13:00 : 75 min avant, 15 min après ; les pauses de l'après-midi et la restitution FFOM
    (45 min) ne tiennent plus avant 17:30 : elle ouvre le jour 2 après le récapitulatif.
    """
    agenda = planning_atelier(1, jours=3, pause_cafe=15)
    assert agenda.parametres["deroule_guide"] is False
    verifier_agenda(agenda)
    jour1 = agenda.seances[agenda.seances["jour"] == 1]
    attendu = [
        ("09:00", "09:15", "ouverture"), ("09:15", "09:45", "lancement"), ("09:45", "10:30", "methodologie"),
        ("10:30", "10:45", "pause_cafe_matin"), ("10:45", "11:45", "revue_diagnostic"),
        ("11:45", "13:00", "cartographie"), ("13:00", "14:00", "pause_dejeuner"), ("14:00", "14:15", "cartographie"),
        ("14:15", "15:15", "restitution_cartographie"), ("15:15", "16:15", "forces_faiblesses"),
        ("16:15", "16:45", "opportunites_menaces"),
    ]
    assert list(zip(jour1["debut"], jour1["fin"], jour1["code"], strict=True)) == attendu
    assert agenda.seances.loc[agenda.seances["jour"] == 2, "code"].iloc[1] == "restitution_ffom"
    assert (agenda.seances["chevauche"] == "").all()


def test_seance_coupee_par_une_pause_porte_la_mention_suite() -> None:
    agenda = planning_atelier(1, jours=3)
    s = agenda.seances
    changements = s[s["code"] == "changements"]
    assert len(changements) == 2
    assert changements["seance"].iloc[1].endswith("(suite)")
    assert int(changements["duree"].sum()) == 150


def test_dates_sautent_le_dimanche() -> None:
    agenda = planning_atelier(1, jours=3, date_debut="2026-03-14")  # un samedi
    assert agenda.dates == ("samedi 14 mars 2026", "lundi 16 mars 2026", "mardi 17 mars 2026")
    avec = planning_atelier(1, jours=2, date_debut="2026-03-14", sauter_dimanche=False)
    assert avec.dates == ("samedi 14 mars 2026", "dimanche 15 mars 2026")
    assert set(agenda.seances["date"]) == set(agenda.dates)


def test_parametres_de_journee() -> None:
    # Une seule heure : celle du premier jour ; les suivants gardent leur demi-heure d'avance.
    agenda = planning_atelier(2, jours=3, heure_debut="8h", heure_fin="18h", pause_cafe=20, pause_dejeuner=75)
    verifier_agenda(agenda, debuts=("08:00", "07:30"), fin="18:00", cafe=20, dejeuner=75)
    meme_heure = planning_atelier(2, jours=3, heure_debut=["8h"] * 3, pause_cafe=20)
    verifier_agenda(meme_heure, debuts=("08:00", "08:00"), fin="17:30", cafe=20)
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
    assert "Traduction" in avec.remarques()[-1]


def test_agenda_en_anglais() -> None:
    agenda = planning_atelier(1, jours=3, langue="en", date_debut="2026-03-09")
    assert agenda.seances["seance"].iloc[0] == "Official opening"
    assert agenda.dates[0] == "Monday 9 March 2026"
    assert list(agenda.tableau().columns)[:3] == ["Day", "Date", "Time"]


def test_tableau_lisible() -> None:
    t = planning_atelier(1, jours=3).tableau()
    assert list(t.columns) == ["Jour", "Date", "Horaire", "Séance", "Activités et méthodes", "Format", "Intervenants"]
    assert t["Horaire"].iloc[0] == "09:00 – 09:15"


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
    ({"heure_debut": "20:00"}, "finirait après minuit"),
    ({"heure_debut": ["08:00", "08:00"]}, "2 heure\\(s\\) de début pour 3 jour\\(s\\)"),
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
