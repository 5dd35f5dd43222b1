# Deux commandes pour tout faire (voir README.md) :
#   make        prépare .venv depuis requirements.lock, vérifie les clusters d'exemple,
#               construit le livre dans _build/html
#   make test   prépare .venv de la même façon et lance toute la suite de tests
# Autres cibles : make livre, make echantillons, make lint, make verrou, make clean

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installe
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
export MPLBACKEND := Agg
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: all test livre echantillons lint verrou clean

all: echantillons livre

$(STAMP): requirements.lock pyproject.toml
	@sh .ci/preparer-venv "$(PYTHON)" "$(VENV)"
	@touch $(STAMP)

echantillons: $(STAMP)
	$(VENV)/bin/clusterlib validate $(sort $(wildcard data/samples/*/ data/samples/*.xlsx))

livre: $(STAMP)
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

test: $(STAMP)
	@sh .ci/lancer-tests "$(PY)"

lint: $(STAMP)
	$(VENV)/bin/ruff check clusterlib tests benchmarks

# Regénère le fichier de verrouillage (à faire quand pyproject.toml change de dépendances).
verrou:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 -o requirements.lock

clean:
	rm -rf _build $(VENV) .pytest_cache .ruff_cache
