# starlift: S3 drop zone -> oltp-loader -> OLTP PostgreSQL -> star-builder ->
# OLAP PostgreSQL, in a private VPC. See README.md.

data "aws_caller_identity" "current" {
  count = var.aws_account_id == null ? 1 : 0
}

locals {
  account_id = var.aws_account_id != null ? var.aws_account_id : data.aws_caller_identity.current[0].account_id
  partition = (
    startswith(var.aws_region, "cn-") ? "aws-cn" :
    startswith(var.aws_region, "us-gov-") ? "aws-us-gov" : "aws"
  )

  repo_root = "${path.module}/.."

  # The S3 contract of DESIGN.md: the loader routes <incoming>/<table>.csv[.gz].
  incoming_prefix       = "incoming/"
  rejected_prefix       = "rejected/"
  notification_suffixes = [".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz"]

  # Athena's query results, in the data bucket (encrypted, expired).
  athena_results_prefix = "athena-results/"

  # The Glue tables of the served pack's export, generated from its dw
  # schema (crates/lakehouse/tests/glue_schema.rs keeps it current).
  lakehouse_schema_file = "${path.module}/lakehouse/${var.dataset}.json"

  # The variable names each function reads; the code tests the same file.
  env_contract_file = "${local.repo_root}/crates/domain/config/variables.json"

  # Database users of the functions, created by sql/engine/bootstrap/0001_roles.sql
  # (the names are fixed there).
  db_users = {
    "oltp-loader"  = "starlift_loader"
    "star-builder" = "starlift_builder"
  }

  zip_files = {
    "oltp-loader"  = startswith(var.loader_zip, "/") ? var.loader_zip : "${local.repo_root}/${var.loader_zip}"
    "star-builder" = startswith(var.builder_zip, "/") ? var.builder_zip : "${local.repo_root}/${var.builder_zip}"
  }
}

# --- one customer-managed key for the stack's data at rest ----------------

resource "aws_kms_key" "this" {
  description             = "${var.name}: S3 objects, RDS storage and master secret, Performance Insights, logs, SQS, Lambda environment, schedule input"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_key_policy" "this" {
  key_id = aws_kms_key.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Delegates access to IAM policies of this account (the function
        # roles get narrow kms:ViaService grants).
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchLogsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "logs.${var.aws_region}.amazonaws.com" }
        Action = [
          "kms:Encrypt",
          "kms:Decrypt",
          "kms:ReEncrypt*",
          "kms:GenerateDataKey*",
          "kms:Describe*",
        ]
        Resource = "*"
        Condition = {
          ArnLike = {
            "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${var.aws_region}:${local.account_id}:log-group:*"
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

# --- modules --------------------------------------------------------------

module "network" {
  source = "./modules/network"

  name               = var.name
  region             = var.aws_region
  partition          = local.partition
  account_id         = local.account_id
  vpc_cidr           = var.vpc_cidr
  availability_zones = var.availability_zones
  bucket_arn         = module.storage.bucket_arn
  kms_key_arn        = aws_kms_key.this.arn
  log_retention_days = var.log_retention_days

  # Log groups encrypted with the key need its policy (CloudWatch Logs) first.
  depends_on = [aws_kms_key_policy.this]
}

module "storage" {
  source = "./modules/storage"

  name                               = var.name
  account_id                         = local.account_id
  bucket_name                        = var.bucket_name
  force_destroy                      = var.bucket_force_destroy
  access_log_bucket                  = var.access_log_bucket
  kms_key_arn                        = aws_kms_key.this.arn
  incoming_prefix                    = local.incoming_prefix
  rejected_prefix                    = local.rejected_prefix
  notification_suffixes              = local.notification_suffixes
  loader_function_arn                = module.functions.function_arns["oltp-loader"]
  loader_function_name               = module.functions.function_names["oltp-loader"]
  rejected_expiration_days           = var.rejected_expiration_days
  noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  athena_results_prefix              = local.athena_results_prefix
  athena_results_expiration_days     = var.athena_results_expiration_days
}

module "database" {
  source = "./modules/database"

  name                                = var.name
  partition                           = local.partition
  topology                            = var.database_topology
  subnet_ids                          = module.network.data_subnet_ids
  security_group_id                   = module.network.database_security_group_id
  kms_key_arn                         = aws_kms_key.this.arn
  engine_version                      = var.db_engine_version
  instance_class                      = var.db_instance_class
  allocated_storage_gb                = var.db_allocated_storage_gb
  max_allocated_storage_gb            = var.db_max_allocated_storage_gb
  oltp_db_name                        = var.oltp_db_name
  olap_db_name                        = var.olap_db_name
  master_username                     = var.db_master_username
  multi_az                            = var.db_multi_az
  deletion_protection                 = var.db_deletion_protection
  skip_final_snapshot                 = var.db_skip_final_snapshot
  backup_retention_days               = var.db_backup_retention_days
  performance_insights_enabled        = var.db_performance_insights_enabled
  performance_insights_retention_days = var.db_performance_insights_retention_days
  monitoring_interval                 = var.db_monitoring_interval
  log_retention_days                  = var.log_retention_days
  apply_immediately                   = var.db_apply_immediately

  # Log groups encrypted with the key need its policy (CloudWatch Logs) first.
  depends_on = [aws_kms_key_policy.this]
}

module "functions" {
  source = "./modules/functions"

  name              = var.name
  region            = var.aws_region
  partition         = local.partition
  account_id        = local.account_id
  env_contract_file = local.env_contract_file

  packages = {
    "oltp-loader" = {
      zip_file             = local.zip_files["oltp-loader"]
      memory_mb            = var.loader_memory_mb
      timeout_seconds      = var.loader_timeout_seconds
      reserved_concurrency = var.loader_reserved_concurrency
    }
    "star-builder" = {
      zip_file             = local.zip_files["star-builder"]
      memory_mb            = var.builder_memory_mb
      timeout_seconds      = var.builder_timeout_seconds
      reserved_concurrency = var.builder_reserved_concurrency
    }
  }

  subnet_ids        = module.network.app_subnet_ids
  security_group_id = module.network.functions_security_group_id
  kms_key_arn       = aws_kms_key.this.arn
  bucket_arn        = module.storage.bucket_arn
  incoming_prefix   = local.incoming_prefix
  rejected_prefix   = local.rejected_prefix

  databases = {
    for purpose, db in module.database.databases : purpose => {
      address     = db.address
      port        = db.port
      db_name     = db.db_name
      resource_id = db.resource_id
    }
  }
  db_users = local.db_users

  db_ssl_root_cert = var.db_ssl_root_cert
  dq_fail_hard     = var.dq_fail_hard
  dataset          = var.dataset
  log_level        = var.function_log_level

  log_retention_days          = var.log_retention_days
  failure_retention_seconds   = var.failure_queue_retention_seconds
  async_max_retries           = var.async_max_retries
  async_max_event_age_seconds = var.async_max_event_age_seconds

  bootstrap_secret_arns = var.enable_db_bootstrap ? module.database.master_secret_arns : []

  # Log groups encrypted with the key need its policy (CloudWatch Logs) first.
  depends_on = [aws_kms_key_policy.this]
}

module "schedule" {
  source = "./modules/schedule"

  name                  = var.name
  target_label          = "star-builder"
  description           = "Runs an incremental star-schema build"
  account_id            = local.account_id
  schedule_expression   = var.build_schedule_expression
  timezone              = var.build_schedule_timezone
  enabled               = var.build_schedule_enabled
  function_arn          = module.functions.function_arns["star-builder"]
  input                 = jsonencode({ mode = "incremental" })
  kms_key_arn           = aws_kms_key.this.arn
  dead_letter_queue_arn = module.functions.failure_queue_arns["star-builder"]
}

# oltp-loader's reconcile: loads the drop zone's objects whose S3 events
# never came (docs/architecture.md, Missed events).
module "reconcile_schedule" {
  source = "./modules/schedule"

  name                  = var.name
  target_label          = "oltp-loader"
  description           = "Loads the objects under incoming/ that the load ledger does not know"
  account_id            = local.account_id
  schedule_expression   = var.reconcile_schedule_expression
  timezone              = var.build_schedule_timezone
  enabled               = var.reconcile_schedule_enabled
  function_arn          = module.functions.function_arns["oltp-loader"]
  input                 = jsonencode({ action = "reconcile", bucket = module.storage.bucket_name })
  kms_key_arn           = aws_kms_key.this.arn
  dead_letter_queue_arn = module.functions.failure_queue_arns["oltp-loader"]
}

# Alarms (to an encrypted SNS topic) and a dashboard.
module "operations" {
  source = "./modules/operations"

  name                = var.name
  dataset             = var.dataset
  region              = var.aws_region
  account_id          = local.account_id
  partition           = local.partition
  function_names      = module.functions.function_names
  failure_queue_names = module.functions.failure_queue_names
  kms_key_arn         = aws_kms_key.this.arn
  alarm_email         = var.alarm_email
}

module "lakehouse" {
  source = "./modules/lakehouse"

  name                   = var.name
  partition              = local.partition
  region                 = var.aws_region
  account_id             = local.account_id
  dataset                = var.dataset
  tables                 = fileexists(local.lakehouse_schema_file) ? jsondecode(file(local.lakehouse_schema_file)).tables : []
  bucket_name            = module.storage.bucket_name
  bucket_arn             = module.storage.bucket_arn
  kms_key_arn            = aws_kms_key.this.arn
  builder_role_arn       = module.functions.role_arns["star-builder"]
  athena_results_prefix  = local.athena_results_prefix
  projection_years       = var.lakehouse_projection_years
  analyst_principal_arns = var.analyst_principal_arns
}
