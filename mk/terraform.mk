# Terraform checks for starlift, all offline (no AWS account).
#
#   make tf-check   fmt -check, init -backend=false + validate, terraform test
#                   (mock_provider "aws"), checkov with zero failed checks
#   make tf-plan    terraform plan of the whole stack with fake credentials and
#                   terraform.tfvars.example, no AWS calls
#   make tf-fmt     rewrite the Terraform files in canonical format
#
# Providers: when TF_PROVIDER_MIRROR names a directory (a filesystem mirror,
# <mirror>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/...), a CLI
# config using only that mirror is generated and exported as
# TF_CLI_CONFIG_FILE. Without it, Terraform uses the public registry. The
# mirror of this project's dev machines (/opt/tf-plugins) is picked up
# automatically when it exists.
#
# Included from the root Makefile, or run alone: make -f mk/terraform.mk tf-check

TERRAFORM ?= terraform
PYTHON ?= python3
VENV ?= .venv
CHECKOV_VERSION ?= 3.3.30
TF_DIR ?= terraform
TF_BUILD_DIR ?= target/terraform

TF_DEFAULT_PROVIDER_MIRROR := /opt/tf-plugins
TF_PROVIDER_MIRROR ?= $(if $(wildcard $(TF_DEFAULT_PROVIDER_MIRROR)/registry.terraform.io),$(TF_DEFAULT_PROVIDER_MIRROR))

TF_CLI_MIRROR_CONFIG := $(abspath $(TF_BUILD_DIR))/cli-mirror.tfrc

ifneq ($(strip $(TF_PROVIDER_MIRROR)),)
export TF_CLI_CONFIG_FILE := $(TF_CLI_MIRROR_CONFIG)
TF_CLI_CONFIG_DEP := tf-cli-config
else ifeq ($(strip $(TF_CLI_CONFIG_FILE)),)
TF_CLI_CONFIG_DEP :=
else ifeq ($(wildcard $(TF_CLI_CONFIG_FILE)),)
# TF_CLI_CONFIG_FILE names a file that does not exist: Terraform would only
# warn about it, so drop it and use the defaults (the public registry).
unexport TF_CLI_CONFIG_FILE
TF_CLI_CONFIG_DEP :=
endif

tf-%: export CHECKPOINT_DISABLE := 1
tf-%: export TF_IN_AUTOMATION := 1

TF_RUN = $(TERRAFORM) -chdir=$(TF_DIR)
TF_CHECKOV = $(VENV)/bin/checkov

.PHONY: tf-cli-config tf-check tf-fmt tf-fmt-check tf-validate tf-test tf-checkov tf-plan tf-init tf-checkov-install

tf-check: tf-fmt-check tf-validate tf-test tf-checkov
	@echo "tf-check: all Terraform checks passed"

tf-fmt:
	$(TF_RUN) fmt -recursive

tf-fmt-check:
	$(TF_RUN) fmt -check -recursive -diff

tf-init: $(TF_CLI_CONFIG_DEP)
	$(TF_RUN) init -backend=false -input=false -no-color >/dev/null

tf-validate: tf-init
	$(TF_RUN) validate -no-color

tf-test: tf-init
	$(TF_RUN) test -no-color

tf-checkov: tf-checkov-install
	$(TF_CHECKOV) --directory $(TF_DIR) --framework terraform --quiet --compact \
		--skip-path '$(TF_DIR)/\.terraform' --skip-path '$(TF_DIR)/tests' \
		--skip-download --output cli

tf-checkov-install:
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(TF_CHECKOV) --version 2>/dev/null | grep -qx '$(CHECKOV_VERSION)' \
		|| $(VENV)/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'

# An offline plan: fake credentials, every provider call that needs AWS
# skipped, the account id given instead of looked up.
TF_PLAN_VARS := -var-file=terraform.tfvars.example \
	-var aws_account_id=123456789012 \
	-var aws_skip_credentials_validation=true \
	-var aws_skip_requesting_account_id=true \
	-var aws_skip_metadata_api_check=true \
	-var aws_skip_region_validation=true

tf-plan: tf-init
	@mkdir -p $(TF_BUILD_DIR)
	@echo "terraform plan (offline, fake credentials) > $(TF_BUILD_DIR)/plan.txt"
	@AWS_ACCESS_KEY_ID=AKIAOFFLINEPLANFAKE0 AWS_SECRET_ACCESS_KEY=offline-plan-fake-secret \
	AWS_SESSION_TOKEN= AWS_PROFILE= AWS_EC2_METADATA_DISABLED=true \
		$(TF_RUN) plan -input=false -lock=false -refresh=false -no-color $(TF_PLAN_VARS) \
		-out=$(abspath $(TF_BUILD_DIR))/offline.tfplan >$(TF_BUILD_DIR)/plan.txt 2>&1; \
	status=$$?; cat $(TF_BUILD_DIR)/plan.txt; exit $$status
	@grep -E '^Plan: ' $(TF_BUILD_DIR)/plan.txt

# Regenerated on every run: cheap, and follows a changed TF_PROVIDER_MIRROR.
tf-cli-config:
	@scripts/tf-cli-config.sh '$(TF_PROVIDER_MIRROR)' '$(TF_CLI_MIRROR_CONFIG)'
