"""Ce que partagent les scripts de mesure (``benchmarks/bench_*.py``), qui l'importent depuis leur dossier."""

from __future__ import annotations

import os


def limiter_coeurs(nombre: int = 2) -> None:
    """Limite le processus aux ``nombre`` premiers cœurs (les cibles valent pour une machine à deux cœurs)
    et le dit ; sans effet là où le système ne le permet pas."""
    if hasattr(os, "sched_setaffinity"):
        coeurs = sorted(os.sched_getaffinity(0))[:nombre]
        os.sched_setaffinity(0, set(coeurs))
        print(f"Processus limité aux cœurs {coeurs}.")
