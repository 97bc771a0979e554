# Two commands on a clean machine: `make run` (demo service) and `make test` (the suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# The embedded default: an SQLite file under ./var/ and in-process Redis.
export LOYALTY_DATABASE_URL ?= sqlite://var/loyalty.sqlite3
export APOLLO_TELEMETRY_DISABLED := 1

PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15

.PHONY: install run test test-postgres lint schema migrations bench fuzz clean federation-deps supergraph federation-demo

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Set up, migrate the embedded database, seed the demo brand once, serve on :8000.
run: install
	$(BIN)/loyalty migrate
	$(BIN)/loyalty seed-demo
	$(BIN)/loyalty serve

## Set up and run the whole suite (embedded SQLite + in-process Redis unless told otherwise).
test: install lint federation-deps
	$(BIN)/pytest

## The same suite against PostgreSQL and Redis on this machine.
test-postgres: install lint federation-deps
	LOYALTY_TEST_DATABASE_URL=$(PG_TEST_URL) LOYALTY_TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest

lint: install
	$(BIN)/lint-imports

## Regenerate the committed federation SDL after a schema change.
schema: install
	$(BIN)/loyalty schema > schema.graphql
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory supergraph; fi

## The pinned Node packages of tests/federation (gateway, commerce subgraph, conformance audit):
## `npm ci` when node_modules is missing or was installed from another package-lock.json; nothing without npm.
FED := tests/federation
federation-deps:
	@if ! command -v npm >/dev/null; then echo "npm not found: the federation tests will skip"; \
	elif [ "$$(cat $(FED)/node_modules/.lock-sha256 2>/dev/null)" != "$$(sha256sum $(FED)/package-lock.json | cut -d' ' -f1)" ]; then \
	  cd $(FED) && npm ci --no-audit --no-fund && sha256sum package-lock.json | cut -d' ' -f1 > node_modules/.lock-sha256; fi

## Recompose the committed supergraph (`make schema` does it too).
supergraph: federation-deps
	node $(FED)/compose.mjs schema.graphql > $(FED)/supergraph.graphql.new && mv $(FED)/supergraph.graphql.new $(FED)/supergraph.graphql

## The commerce subgraph (:4001, demo data) and the gateway (:4000) beside `make run` (:8000).
federation-demo: federation-deps
	node $(FED)/commerce.mjs & commerce=$$!; trap "kill $$commerce" EXIT; node $(FED)/gateway.mjs

## Write a new migration after a model change.
migrations: install
	$(BIN)/tortoise -c server.db.TORTOISE_ORM makemigrations

## Member pages, sign-in and enrolment through the app (LOYALTY_BENCH_DATABASE_URL: default a temp SQLite file).
bench: install
	$(BIN)/python bench/members_page.py

## recordPurchase throughput beside pgbench, on PostgreSQL (LOYALTY_BENCH_DATABASE_URL: default the local server).
.PHONY: bench-accrual
bench-accrual: install
	$(BIN)/python bench/accrual.py

## Fuzz the GraphQL API with the full budget: 600 documents x 6 callers = 3,600 requests (bench/RESULTS.md).
fuzz: install
	LOYALTY_FUZZ_DOCUMENTS=$${LOYALTY_FUZZ_DOCUMENTS:-600} $(BIN)/pytest tests/fuzz/test_fuzz_graphql.py -q -s

## Hot-item redemptions through the app (LOYALTY_BENCH_DATABASE_URL: default a temp SQLite file).
.PHONY: bench-mall
bench-mall: install
	$(BIN)/python bench/mall_redeem.py

## importChannelOrders throughput: 10,000 orders in batches of 1,000 on PostgreSQL (LOYALTY_BENCH_DATABASE_URL).
.PHONY: bench-import
bench-import: install
	$(BIN)/python bench/channel_import.py

clean:
	rm -rf $(VENV) var

## payWithWallet throughput on one hot wallet and on many, on PostgreSQL (LOYALTY_BENCH_DATABASE_URL: default the local server).
.PHONY: bench-wallet
bench-wallet: install
	$(BIN)/python bench/wallet.py

## A generated 100,000-member brand with two years of history (BENCH_DATABASE_URL; default an SQLite file under var/).
BENCH_DATABASE_URL ?= sqlite://var/bench.sqlite3
BENCH_MEMBERS ?= 100000
.PHONY: bench-brand
bench-brand: install
	$(BIN)/python -m bench.generate_brand --members $(BENCH_MEMBERS) --database-url $(BENCH_DATABASE_URL)

## Segment pages, RFM and rule-tag job on a generated 100,000-member brand (LOYALTY_BENCH_DATABASE_URL: default a temp SQLite file).
.PHONY: bench-segments
bench-segments: install
	$(BIN)/python bench/segments.py
## storeReport / brandReport timings on the generated 100,000-member brand (LOYALTY_BENCH_DATABASE_URL: default the local server).
.PHONY: bench-reports
bench-reports: install
	$(BIN)/python bench/reports.py
