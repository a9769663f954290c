# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test bench bench-store-model mutation lint sysdeps clean cluster cluster-stop cluster-status

$(STAMP): requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $(STAMP)

# Debian packages for PNG export and browser tests; installed only when root and missing.
sysdeps:
	@bash .ci/sysdeps.sh

run: $(STAMP)
	$(VENV)/bin/streamlit run dashboard.py

test: $(STAMP) sysdeps
	$(PY) -m pytest -q tests

# PostgreSQL, two app servers on one shared store and nginx in front (http://localhost:8600): docs/DEPLOY.md.
# CLUSTER_ARGS passes options to `deploy/cluster.py start` (e.g. --ports 8611 8612 --proxy-port 8610).
CLUSTER_DIR ?= data/cluster
cluster: $(STAMP) sysdeps
	$(PY) -m deploy.cluster start --dir $(CLUSTER_DIR) $(CLUSTER_ARGS)

cluster-stop:
	$(PY) -m deploy.cluster stop --dir $(CLUSTER_DIR)

cluster-status:
	$(PY) -m deploy.cluster status --dir $(CLUSTER_DIR)

bench: $(STAMP)
	$(PY) bench/run_all.py

# The long run of the store's model-based test (thousands of random load/undo/restore sequences).
bench-store-model: $(STAMP)
	$(PY) bench/bench_store_model.py

# Listed mutations applied one at a time to a copy of the tree; fails when a must-catch one survives.
mutation: $(STAMP)
	$(PY) bench/mutation.py

lint: $(STAMP)
	$(VENV)/bin/ruff check metrics pages tests bench dashboard.py ui sample_data deploy
	$(VENV)/bin/ruff format --check metrics pages tests bench dashboard.py ui sample_data deploy

clean:
	rm -rf $(VENV) data/
