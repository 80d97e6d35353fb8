# The local Lambda flow, included by the root Makefile or run alone:
# make -f mk/invoke.mk invoke
#
#   make invoke          sandbox + `cargo lambda watch` + upload data/ + invoke
#                        both functions with events/*.json + psql checks, then
#                        stop everything (scripts/invoke-local.sh)
#   make invoke-deps     cargo-lambda (mk/package.mk) and boto3 into $(VENV)
#   make invoke-events   rewrite events/s3-put-*.json from data/ (after make data)
#
# KEEP_RUNNING=1 make invoke leaves the sandbox and the watcher running until
# Ctrl-C; docs/local-lambda.md shows the same steps by hand.

CARGO ?= cargo
PYTHON ?= python3
VENV ?= .venv
BOTO3_VERSION ?= 1.35.49
INVOKE_DATA ?= data/chinook
INVOKE_DIR ?= target/invoke

# package-deps (cargo-lambda, zig) lives in mk/package.mk; the root Makefile
# includes it first.
ifndef STARLIFT_PACKAGE_MK
include $(dir $(lastword $(MAKEFILE_LIST)))package.mk
endif

.PHONY: invoke invoke-deps invoke-events

invoke: invoke-deps ## run both Lambdas locally (cargo lambda watch) on data/ against the sandbox
	VENV='$(VENV)' CARGO='$(CARGO)' DATA='$(INVOKE_DATA)' INVOKE_DIR='$(INVOKE_DIR)' \
		bash scripts/invoke-local.sh

# boto3 uploads the sample files; the pin is checkov's (mk/terraform.mk), so
# both share the venv.
invoke-deps: package-deps
	@$(VENV)/bin/python -c 'import boto3, sys; sys.exit(boto3.__version__ != "$(BOTO3_VERSION)")' 2>/dev/null \
		|| $(VENV)/bin/pip install --quiet 'boto3==$(BOTO3_VERSION)'

invoke-events: ## rewrite the committed S3 put events from data/
	$(PYTHON) scripts/s3_events.py generate --data $(INVOKE_DATA) --out events
