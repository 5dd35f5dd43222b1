"""Le tri de la sortie de ``jupyter-book build`` : avertissements gardés, courses d'arrêt des noyaux à part."""

from __future__ import annotations

from .conftest import RACINE, problemes_de_construction

_SITE = "/opt/venv/lib/python3.11/site-packages"

_COURSE = f"""Executing: notebooks/cartographie.ipynb
ERROR:tornado.general:Uncaught exception in ZMQStream callback
Traceback (most recent call last):
  File "{_SITE}/zmq/eventloop/zmqstream.py", line 565, in _run_callback
    f = callback(*args, **kwargs)
        ^^^^^^^^^^^^^^^^^^^^^^^^^
  File "{_SITE}/ipykernel/kernelbase.py", line 410, in dispatch_control
    await self.process_control(msg)
zmq.error.ZMQError: Socket operation on non-socket

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/usr/lib/python3.11/asyncio/events.py", line 84, in _run
    self._context.run(self._callback, *self._args)
RuntimeError: Event loop is closed
Finished: notebooks/cartographie.ipynb
"""


def test_course_a_l_arret_d_un_noyau_mise_a_part() -> None:
    problemes, courses = problemes_de_construction(_COURSE)
    assert problemes == []
    assert len(courses) == 1
    assert "Socket operation on non-socket" in courses[0] and "Event loop is closed" in courses[0]


def test_trace_qui_passe_par_le_depot_reste_un_probleme() -> None:
    sortie = _COURSE.replace(f"{_SITE}/ipykernel/kernelbase.py", f"{RACINE}/clusterlib/formulaires/notation.py")
    problemes, courses = problemes_de_construction(sortie)
    assert courses == []
    assert len(problemes) == 1 and "clusterlib/formulaires/notation.py" in problemes[0]


def test_avertissement_de_sphinx_et_trace_ordinaire_gardes_en_entier() -> None:
    sortie = (
        "/livre/book/index.md:12: WARNING: undefined label: 'tableau-99'\n"
        "Traceback (most recent call last):\n"
        f'  File "{_SITE}/myst_nb/core/execute.py", line 3, in run\n'
        "ValueError: cellule en erreur\n"
        "build succeeded\n"
    )
    problemes, courses = problemes_de_construction(sortie)
    assert courses == []
    assert problemes == [
        "/livre/book/index.md:12: WARNING: undefined label: 'tableau-99'",
        f'Traceback (most recent call last):\n  File "{_SITE}/myst_nb/core/execute.py", line 3, in run\n'
        "ValueError: cellule en erreur",
    ]


def test_avertissement_du_noyau_sans_deux_points_ignore() -> None:
    sortie = "[IPKernelApp] WARNING | Kernel is running over TCP without encryption.\n"
    assert problemes_de_construction(sortie) == ([], [])
