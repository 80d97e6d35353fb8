variable "name" {
  description = "Name prefix for every resource of the module; the functions are <name>-oltp-loader and <name>-star-builder."
  type        = string
}

variable "region" {
  description = "AWS region (for ARNs and kms:ViaService conditions)."
  type        = string
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
}

variable "account_id" {
  description = "AWS account id (for ARNs)."
  type        = string
}

variable "env_contract_file" {
  description = "JSON file listing, per function, the environment variable names the code reads (crates/domain/config/variables.json)."
  type        = string
}

variable "packages" {
  description = "Per function (oltp-loader, star-builder): the deployment zip and sizing."
  type = map(object({
    zip_file             = string
    memory_mb            = number
    timeout_seconds      = number
    reserved_concurrency = number
  }))

  validation {
    condition     = toset(keys(var.packages)) == toset(["oltp-loader", "star-builder"])
    error_message = "packages must have exactly the keys oltp-loader and star-builder."
  }
}

variable "subnet_ids" {
  description = "Private subnets the functions run in."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the functions."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for log groups, environment variables, the failure queues and the bucket."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the data bucket."
  type        = string
}

variable "incoming_prefix" {
  description = "Drop zone prefix oltp-loader reads from."
  type        = string
}

variable "rejected_prefix" {
  description = "Prefix oltp-loader writes rejects to."
  type        = string
}

variable "databases" {
  description = "Per purpose (oltp, olap): address, port, db_name and the instance resource_id (output of the database module)."
  type = map(object({
    address     = string
    port        = number
    db_name     = string
    resource_id = string
  }))
}

variable "db_users" {
  description = "Database user of each function (created by the bootstrap, sql/engine/bootstrap/0001_roles.sql)."
  type        = map(string)
}

variable "db_ssl_root_cert" {
  description = "Path of the RDS CA bundle inside the deployment package (DB_SSL_ROOT_CERT)."
  type        = string
}

variable "dataset" {
  description = "DATASET of both functions: the pack they serve (validated by the root module)."
  type        = string
}

variable "dq_fail_hard" {
  description = "DQ_FAIL_HARD of star-builder: fail the build when a data-quality check fails."
  type        = bool
}

variable "log_level" {
  description = "Application log level of the functions (JSON logging_config)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function log groups, in days."
  type        = number
}

variable "failure_retention_seconds" {
  description = "How long failed events stay in the failure queues."
  type        = number
}

variable "async_max_retries" {
  description = "Lambda retries of a failed asynchronous invocation before it goes to the failure queue (0-2)."
  type        = number
}

variable "async_max_event_age_seconds" {
  description = "Maximum age of an asynchronous event before it goes to the failure queue."
  type        = number
}

variable "bootstrap_secret_arns" {
  description = "RDS-managed master secrets star-builder may read for the one-off database bootstrap; empty removes the permission."
  type        = list(string)
}
