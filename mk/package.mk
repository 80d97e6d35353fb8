# Packaging for AWS Lambda (provided.al2023, arm64), included by the root
# Makefile or run alone: make -f mk/package.mk package
#
#   make package               both functions (one cargo build, shared deps)
#   make package-oltp-loader   one function
#   make package-star-builder
#   make package-deps          cargo-lambda and zig (PyPI, pinned) into $(VENV)
#
# Output: target/lambda/<function>/bootstrap.zip with `bootstrap` and
# `rds-ca-bundle.pem` at the zip root (Terraform's loader_zip / builder_zip
# defaults; DB_SSL_ROOT_CERT=/var/task/rds-ca-bundle.pem). The cross build
# uses its own cargo target dir (LAMBDA_TARGET_DIR), so it does not hold the
# lock of target/ while tests and clippy run. scripts/package.sh checks each
# zip (arm64 ELF, the CA bundle) and prints its size.

STARLIFT_PACKAGE_MK := 1

CARGO ?= cargo
PYTHON ?= python3
VENV ?= .venv
CARGO_LAMBDA_VERSION ?= 1.9.2
ZIGLANG_VERSION ?= 0.14.1
LAMBDA_FUNCTIONS ?= oltp-loader star-builder
LAMBDA_DIR ?= target/lambda
LAMBDA_TARGET_DIR ?= target/lambda-build
RDS_CA_BUNDLE ?= terraform/rds-ca-bundle.pem

PACKAGE_ENV = VENV='$(VENV)' CARGO='$(CARGO)' LAMBDA_DIR='$(LAMBDA_DIR)' \
	LAMBDA_TARGET_DIR='$(LAMBDA_TARGET_DIR)' RDS_CA_BUNDLE='$(RDS_CA_BUNDLE)'

.PHONY: package package-deps $(addprefix package-,$(LAMBDA_FUNCTIONS))

package: package-deps ## both Lambdas for arm64 as zips (target/lambda/*/bootstrap.zip)
	$(PACKAGE_ENV) bash scripts/package.sh $(LAMBDA_FUNCTIONS)

$(addprefix package-,$(LAMBDA_FUNCTIONS)): package-%: package-deps
	$(PACKAGE_ENV) bash scripts/package.sh $*

package-deps: ## cargo-lambda and ziglang (PyPI, pinned) into the venv
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/cargo-lambda --version 2>/dev/null | grep -q '^cargo-lambda $(CARGO_LAMBDA_VERSION) ' \
		&& $(VENV)/bin/python -m ziglang version 2>/dev/null | grep -qx '$(ZIGLANG_VERSION)' \
		|| $(VENV)/bin/pip install --quiet 'cargo-lambda==$(CARGO_LAMBDA_VERSION)' 'ziglang==$(ZIGLANG_VERSION)'
