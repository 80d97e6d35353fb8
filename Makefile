# starlift — the entry points a person types. `make help` lists them.
#
#   make demo   run the whole pipeline on the built-in local sandbox
#   make test   lint + every test (Rust, SQL, Terraform)

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

CARGO ?= cargo
PYTHON ?= python3
VENV ?= .venv
SCALE ?= 1
FUZZ_SECONDS ?= 60
DATASET ?= chinook

include mk/terraform.mk
-include mk/package.mk
-include mk/invoke.mk

.PHONY: help deps system-deps browser-deps lint fmt test test-rust data demo bench fuzz clean

help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

deps: system-deps browser-deps tf-checkov-install ## install what demo and test need and is missing (Debian/Ubuntu), or name it

# PostgreSQL, psql, Python venv (apt-get on Debian/Ubuntu), and a check for
# cargo and terraform; a second run is quick. `make demo` and `make test`
# run it first, so a new machine needs no other command.
system-deps:
	@bash scripts/deps.sh

# Headless Chromium (Debian's chromium), for the report test only.
browser-deps:
	@bash scripts/deps.sh --browser

lint: ## cargo fmt --check and clippy with warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings

fmt: ## format the Rust code and the Terraform
	$(CARGO) fmt --all
	$(MAKE) --no-print-directory tf-fmt

test-rust: ## the Rust test suite (real PostgreSQL and S3 server, started by the tests)
	$(CARGO) test --workspace --locked

test: deps lint test-rust tf-check ## installs what is missing, then lint + the whole test suite + the offline Terraform checks

data: ## regenerate the committed scale-1 sample set in data/<DATASET>/ (DATASET=chinook by default, or classicmodels)
	$(CARGO) xtask generate --dataset $(DATASET) --scale $(SCALE) --seed 42 --out data/$(DATASET)

demo: system-deps ## installs what is missing, then runs the pipeline on data/<DATASET>/ (DATASET=chinook by default) in the local sandbox; summary in target/demo/summary.json
	$(CARGO) xtask demo --dataset $(DATASET) --summary-json target/demo/summary.json

bench: ## installs what is missing (pgloader too), then benchmarks (scale 1000) on DATASET (chinook by default): loader vs psql \copy and pgloader, builder full vs incremental
	@bash scripts/deps.sh bench
	$(CARGO) run --profile bench --locked -p xtask -- bench --dataset $(DATASET)

fuzz: ## installs nightly and cargo-fuzz if missing, then runs each fuzz target (fuzz/) for FUZZ_SECONDS (60); fails if any crashed
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

clean: ## remove build output
	$(CARGO) clean
