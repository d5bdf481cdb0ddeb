# thidua — the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DATA_DIR ?= $(CURDIR)/data
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/thidua
export DATA_DIR

.PHONY: install run migrate demo test test-core test-pg test-sqlite test-e2e test-pgbouncer bench bench-smoke check chromium libreoffice pg-up pgbouncer-up clean backup restore verify-audit fuzz

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Cần Python 3.11 ($(PYTHON)) để cài đặt."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The background-job worker (django-tasks' database backend: no other broker) runs beside gunicorn
# and is stopped when gunicorn stops (Ctrl+C, an error, or the shell exiting).
run: demo
	@$(PY) manage.py demo_admin
	@$(PY) manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/gunicorn thidua.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --timeout 120 --access-logfile - --error-logfile -

check: install
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=false PRODUCTION=true SECRET_KEY=check-only-secret-key-with-enough-length-and-entropy-1234567890 \
	  ALLOWED_HOSTS=thidua.example $(PY) manage.py check --deploy --fail-level WARNING

pg-up:
	@pg_isready -h 127.0.0.1 -p 5432 -q || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done

# PgBouncer in transaction pooling in front of the local PostgreSQL (DEPLOY.md): Debian's package,
# installed only when missing; config and log under PGBOUNCER_DIR, restarted on each call so no
# pooled server connection survives from an earlier run.
PGBOUNCER_PORT ?= 6432
PGBOUNCER_DIR ?= /tmp/thidua-pgbouncer
pgbouncer-up: pg-up
	@command -v pgbouncer >/dev/null || [ -x /usr/sbin/pgbouncer ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbouncer >/dev/null; }
	@mkdir -p $(PGBOUNCER_DIR) && chown postgres $(PGBOUNCER_DIR)
	@printf '[databases]\n* = host=127.0.0.1 port=5432\n[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = $(PGBOUNCER_PORT)\nauth_type = trust\nauth_file = $(PGBOUNCER_DIR)/users.txt\npool_mode = transaction\nmax_client_conn = 400\ndefault_pool_size = 20\nignore_startup_parameters = extra_float_digits,options\nlogfile = $(PGBOUNCER_DIR)/pgbouncer.log\npidfile = $(PGBOUNCER_DIR)/pgbouncer.pid\nunix_socket_dir =\n' > $(PGBOUNCER_DIR)/pgbouncer.ini
	@printf '"postgres" ""\n' > $(PGBOUNCER_DIR)/users.txt
	@chown postgres $(PGBOUNCER_DIR)/*
	@if [ -f $(PGBOUNCER_DIR)/pgbouncer.pid ]; then pid=$$(cat $(PGBOUNCER_DIR)/pgbouncer.pid); kill $$pid 2>/dev/null; \
	  for i in $$(seq 1 40); do kill -0 $$pid 2>/dev/null || break; sleep 0.25; done; fi
	@$$(command -v pgbouncer || echo /usr/sbin/pgbouncer) -d -u postgres $(PGBOUNCER_DIR)/pgbouncer.ini
	@for i in $$(seq 1 20); do pg_isready -h 127.0.0.1 -p $(PGBOUNCER_PORT) -q && break; sleep 0.5; done

# Debian's chromium for the browser tests; installed only when missing, never downloaded by playwright.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-liberation2 fonts-croscore >/dev/null; }

# Debian's LibreOffice Writer (no GUI) converts generated DOCX to PDF; poppler-utils' pdftotext reads
# the PDF back in the render checks. Installed only when missing, with the fonts metric-compatible
# with Times New Roman (Tinos, Liberation Serif) so line breaks match a văn thư's Word.
libreoffice:
	@{ command -v soffice >/dev/null && command -v pdftotext >/dev/null && fc-list | grep -q Tinos; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-liberation2 fonts-croscore >/dev/null; }

define stage
	@start=$$(date +%s); echo "=== $(1)"; $(2); rc=$$?; end=$$(date +%s); \
	  echo "=== $(1): $$((end-start)) s"; echo "$(1): $$((end-start)) s" >> .test-times; exit $$rc
endef

test-core: install
	$(call stage,lõi thuần (pure core),$(PY) -m pytest -q -p no:cacheprovider tests/core)

test-pg: install pg-up libreoffice
	$(call stage,PostgreSQL,DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -q -p no:cacheprovider -n 2 tests/db)

# A database subset through PgBouncer (transaction pooling): no session state, no SET outside a
# transaction, no server-side cursor. The test database is created afresh and kept (--reuse-db), so
# no DROP DATABASE races the pooler's idle server connections.
PGBOUNCER_TESTS ?= tests/db/test_pgbouncer.py tests/db/test_api_workflow.py tests/db/test_audit_chain.py tests/db/test_history_batch.py tests/db/test_person_registry.py tests/db/test_ballot_secrecy.py tests/db/test_voting_concurrency.py
test-pgbouncer: install pgbouncer-up
	$(call stage,PostgreSQL qua PgBouncer (transaction pooling),DATABASE_URL=postgres://postgres@127.0.0.1:$(PGBOUNCER_PORT)/thidua_pgbouncer DATABASE_POOLER=pgbouncer $(PY) -m pytest -q -p no:cacheprovider --reuse-db --create-db $(wildcard $(PGBOUNCER_TESTS)))

test-sqlite: install libreoffice
	$(call stage,SQLite (tập con đánh dấu),$(PY) -m pytest -q -p no:cacheprovider -m sqlite tests/db)

test-e2e: install chromium
	$(call stage,trình duyệt (Playwright + chromium),$(PY) -m pytest -q -p no:cacheprovider tests/e2e)

bench-smoke: install
	$(call stage,bench (cỡ small),$(PY) -m bench --size small --smoke)

test: install
	@rm -f .test-times
	$(MAKE) --no-print-directory check
	$(MAKE) --no-print-directory test-core
	$(MAKE) --no-print-directory test-pg
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-pgbouncer
	$(MAKE) --no-print-directory test-e2e
	$(MAKE) --no-print-directory bench-smoke
	@echo "=== Thời gian từng giai đoạn:"; cat .test-times; rm -f .test-times

# Schemathesis against /api/v1/openapi.json: `make test` runs 3 examples per operation and mode
# (tests/db/test_api_fuzz.py, in the PostgreSQL stage); this runs FUZZ_EXAMPLES of them.
FUZZ_EXAMPLES ?= 40
fuzz: install pg-up
	$(call stage,API fuzz (Schemathesis: $(FUZZ_EXAMPLES) ví dụ mỗi thao tác),FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -q -p no:cacheprovider tests/db/test_api_fuzz.py)

bench: install pg-up
	BENCH_DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m bench --size province

# Backups go to BACKUP_DIR (default DATA_DIR/backups); the database is the one DATABASE_URL names.
backup: install
	$(PY) manage.py backup

# make restore FILE=data/backups/thidua-YYYYMMDD-HHMMSS (asks for confirmation)
restore: install
	@test -n "$(FILE)" || { echo "Hãy chỉ bản sao lưu: make restore FILE=data/backups/thidua-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY"; exit 2; }
	$(PY) manage.py restore "$(FILE)"

verify-audit: install
	$(PY) manage.py verify_audit

clean:
	rm -rf $(VENV) .pytest_cache
