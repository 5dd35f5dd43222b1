# Deux commandes pour tout faire (voir README.md) :
#   make        prépare .venv depuis requirements.lock, vérifie les clusters d'exemple,
#               construit le livre dans _build/html
#   make test   prépare .venv de la même façon et lance toute la suite de tests
# Autres cibles : make pdf (édition imprimable), make rapports, make livre, make livre-formateur, make echantillons,
#                 make lint, make verrou, make clean

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installe
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

PAQUETS_LATEX := texlive-xetex texlive-lang-french texlive-latex-extra texlive-fonts-recommended fonts-freefont-otf latexmk
SOURCES_EXEMPLES := $(shell find clusterlib data notebooks -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: all test livre livre-formateur echantillons rapports pdf lint verrou clean navigateur

all: echantillons navigateur livre rapports

# Chromium imprime les PDF du livre et des rapports ; sans lui (pas root), tout le reste se construit.
navigateur:
	-@sh .ci/installer-paquets-debian chromium fonts-dejavu-core

$(STAMP): requirements.lock pyproject.toml
	@sh .ci/preparer-venv "$(PYTHON)" "$(VENV)"
	@touch $(STAMP)

echantillons: $(STAMP)
	$(VENV)/bin/clusterlib validate $(sort $(wildcard data/samples/*/ data/samples/*.xlsx))

# Le cache de Jupyter Book ne voit pas les changements de clusterlib/, data/ ni des notebooks
# exécutés par les pages : on le vide (avec les doctrees) quand l'un d'eux change.
_build/.sources-exemples: $(SOURCES_EXEMPLES)
	rm -rf _build/.jupyter_cache _build/.doctrees
	@mkdir -p _build && touch $@

livre: $(STAMP) _build/.sources-exemples
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

# Édition du formateur : solutions dépliées et notes pour le formateur (book/_ext/edition.py).
# Les notebooks exécutés pour l'édition des apprenants servent tels quels (même cache, copié).
livre-formateur: $(STAMP) _build/.sources-exemples
	@if [ -d _build/.jupyter_cache ]; then mkdir -p _build/formateur/_build && rm -rf _build/formateur/_build/.jupyter_cache \
	  && cp -a _build/.jupyter_cache _build/formateur/_build/; fi
	CLUSTERS_EDITION=formateur $(VENV)/bin/jupyter-book build . -W -n --keep-going --path-output _build/formateur
	@echo "Édition du formateur : _build/formateur/_build/html/index.html"

rapports: $(STAMP)
	$(VENV)/bin/clusterlib report $(sort $(wildcard data/samples/*/ data/samples/*.xlsx)) --out _build/rapports --jobs 2

# Édition imprimable du livre (PDF, xelatex) ; installe LaTeX si besoin (root, Debian).
pdf: $(STAMP) _build/.sources-exemples
	@if ! command -v xelatex >/dev/null 2>&1 || ! command -v latexmk >/dev/null 2>&1 \
	    || ! kpsewhich frenchb.ldf >/dev/null 2>&1 || ! kpsewhich fncychap.sty >/dev/null 2>&1 \
	    || ! fc-list | grep -q FreeSerif; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(PAQUETS_LATEX); \
	  else echo "LaTeX manque : sudo apt-get install $(PAQUETS_LATEX)" >&2; exit 1; fi; \
	fi
	$(VENV)/bin/jupyter-book build . --builder pdflatex
	@echo "Édition imprimable : _build/latex/clusters-agricoles-benin.pdf"

test: $(STAMP)
	@if [ -f .ci/installer-paquets-debian ]; then sh .ci/installer-paquets-debian; fi
	@sh .ci/lancer-tests "$(PY)"

lint: $(STAMP)
	$(VENV)/bin/ruff check clusterlib tests benchmarks notebooks

# Regénère le fichier de verrouillage (à faire quand pyproject.toml change de dépendances).
verrou:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -o requirements.lock

clean:
	rm -rf _build $(VENV) .pytest_cache .ruff_cache
