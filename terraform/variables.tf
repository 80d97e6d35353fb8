# --- AWS provider -----------------------------------------------------------

variable "aws_region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.aws_region))
    error_message = "aws_region must look like eu-west-1."
  }
}

variable "aws_account_id" {
  description = "AWS account id. null (the default) looks it up with sts:GetCallerIdentity; set it to plan without calling AWS."
  type        = string
  default     = null

  validation {
    condition     = var.aws_account_id == null || can(regex("^[0-9]{12}$", var.aws_account_id))
    error_message = "aws_account_id must be 12 digits or null."
  }
}

variable "aws_skip_credentials_validation" {
  description = "Provider flag: do not validate credentials with STS. Offline plans only."
  type        = bool
  default     = false
}

variable "aws_skip_requesting_account_id" {
  description = "Provider flag: do not look up the account id. Offline plans only."
  type        = bool
  default     = false
}

variable "aws_skip_metadata_api_check" {
  description = "Provider flag: do not query the EC2 instance metadata service for credentials. Offline plans only."
  type        = bool
  default     = false
}

variable "aws_skip_region_validation" {
  description = "Provider flag: do not validate the region name. Offline plans only."
  type        = bool
  default     = false
}

# --- naming ---------------------------------------------------------------

variable "name" {
  description = "Name prefix of every resource (functions are <name>-oltp-loader and <name>-star-builder)."
  type        = string
  default     = "starlift"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,22}$", var.name))
    error_message = "name must be 2-23 characters of lower-case letters, digits and dashes, starting with a letter."
  }
}

variable "tags" {
  description = "Tags added to every resource (on top of Project and ManagedBy)."
  type        = map(string)
  default     = {}
}

# --- network --------------------------------------------------------------

variable "vpc_cidr" {
  description = "CIDR block of the VPC; it is cut into four /(n+4) private subnets."
  type        = string
  default     = "10.40.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR block of /24 or larger."
  }
}

variable "availability_zones" {
  description = "The two availability zones of the VPC (names, so planning needs no AWS call). Must be in aws_region."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b"]

  validation {
    condition     = length(var.availability_zones) == 2 && length(distinct(var.availability_zones)) == 2
    error_message = "availability_zones must be two distinct availability zone names."
  }
}

# --- storage --------------------------------------------------------------

variable "bucket_name" {
  description = "Exact name of the data bucket; null lets AWS generate a unique \"<name>-data-...\" name."
  type        = string
  default     = null

  validation {
    condition     = var.bucket_name == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "bucket_force_destroy" {
  description = "Let terraform destroy delete the bucket with its objects. Keep false in production."
  type        = bool
  default     = false
}

variable "access_log_bucket" {
  description = "Existing bucket for S3 server access logs of the data bucket; null disables access logs."
  type        = string
  default     = null
}

variable "rejected_expiration_days" {
  description = "Days before objects under rejected/ expire."
  type        = number
  default     = 90

  validation {
    condition     = var.rejected_expiration_days >= 1
    error_message = "rejected_expiration_days must be at least 1."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days before noncurrent object versions expire."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1
    error_message = "noncurrent_version_expiration_days must be at least 1."
  }
}

# --- database -------------------------------------------------------------

variable "database_topology" {
  description = "\"two-instances\": separate RDS instances for OLTP and OLAP. \"one-instance\": one instance with both databases (cheaper)."
  type        = string
  default     = "two-instances"

  validation {
    condition     = contains(["two-instances", "one-instance"], var.database_topology)
    error_message = "database_topology must be \"two-instances\" or \"one-instance\"."
  }
}

variable "db_engine_version" {
  description = "PostgreSQL engine version: a major (\"16\") to follow RDS's default minor, or major.minor."
  type        = string
  default     = "16"

  validation {
    condition     = can(regex("^1[4-7](\\.[0-9]+)?$", var.db_engine_version))
    error_message = "db_engine_version must be PostgreSQL 14 to 17, e.g. \"16\" or \"16.4\"."
  }
}

variable "db_instance_class" {
  description = "Instance class of the OLTP and the OLAP instance (with one-instance, the oltp class is used)."
  type        = object({ oltp = string, olap = string })
  default     = { oltp = "db.t4g.medium", olap = "db.t4g.medium" }

  validation {
    condition     = alltrue([for class in values(var.db_instance_class) : can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", class))])
    error_message = "Instance classes look like db.t4g.medium."
  }
}

variable "db_allocated_storage_gb" {
  description = "Initial gp3 storage per instance, in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.db_allocated_storage_gb >= 20 && var.db_allocated_storage_gb <= 65536
    error_message = "db_allocated_storage_gb must be between 20 and 65536."
  }
}

variable "db_max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling per instance, in GiB."
  type        = number
  default     = 100

  validation {
    condition     = var.db_max_allocated_storage_gb >= 20 && var.db_max_allocated_storage_gb <= 65536
    error_message = "db_max_allocated_storage_gb must be between 20 and 65536."
  }
}

variable "oltp_db_name" {
  description = "Name of the OLTP database (schemas chinook and etl)."
  type        = string
  default     = "oltp"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.oltp_db_name))
    error_message = "oltp_db_name must be a lower-case PostgreSQL identifier."
  }
}

variable "olap_db_name" {
  description = "Name of the OLAP database (schemas mirror, dw, analytics, etl)."
  type        = string
  default     = "olap"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.olap_db_name)) && !contains(["postgres", "rdsadmin", "template0", "template1"], var.olap_db_name)
    error_message = "olap_db_name must be a lower-case PostgreSQL identifier and not a system database."
  }
}

variable "db_master_username" {
  description = "Master user name. Its password is generated by RDS and kept in Secrets Manager; only the bootstrap uses it."
  type        = string
  default     = "starlift_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.db_master_username)) && !contains(["postgres", "admin", "rdsadmin", "starlift_loader", "starlift_builder"], var.db_master_username)
    error_message = "db_master_username must be a lower-case identifier of at most 16 characters, not a reserved or function user name."
  }
}

variable "db_multi_az" {
  description = "Run each RDS instance Multi-AZ."
  type        = bool
  default     = true
}

variable "db_deletion_protection" {
  description = "RDS deletion protection. Turn off (and apply) before a deliberate destroy."
  type        = bool
  default     = true
}

variable "db_skip_final_snapshot" {
  description = "Skip the final snapshot when an instance is destroyed."
  type        = bool
  default     = false
}

variable "db_backup_retention_days" {
  description = "Automated backup retention, in days."
  type        = number
  default     = 7

  validation {
    condition     = var.db_backup_retention_days >= 1 && var.db_backup_retention_days <= 35
    error_message = "db_backup_retention_days must be between 1 and 35 (0 would disable backups)."
  }
}

variable "db_performance_insights_enabled" {
  description = "Enable Performance Insights (KMS-encrypted)."
  type        = bool
  default     = true
}

variable "db_performance_insights_retention_days" {
  description = "Performance Insights retention: 7 (free tier), or a multiple of 31 up to 731."
  type        = number
  default     = 7

  validation {
    condition     = var.db_performance_insights_retention_days == 7 || (var.db_performance_insights_retention_days % 31 == 0 && var.db_performance_insights_retention_days <= 731) || var.db_performance_insights_retention_days == 731
    error_message = "db_performance_insights_retention_days must be 7, a multiple of 31 or 731."
  }
}

variable "db_monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (0 disables it)."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.db_monitoring_interval)
    error_message = "db_monitoring_interval must be one of 0, 1, 5, 10, 15, 30, 60."
  }
}

variable "db_apply_immediately" {
  description = "Apply RDS modifications immediately instead of in the maintenance window."
  type        = bool
  default     = false
}

variable "enable_db_bootstrap" {
  description = "Run the one-off database bootstrap (star-builder with action=bootstrap creates the IAM-authenticated users). While true, star-builder's role may read the master secrets; set false after the first apply to revoke that."
  type        = bool
  default     = true
}

# --- functions ------------------------------------------------------------

variable "loader_zip" {
  description = "oltp-loader deployment zip written by `make package`; relative paths are relative to the repository root."
  type        = string
  default     = "target/lambda/oltp-loader/bootstrap.zip"

  validation {
    condition     = endswith(var.loader_zip, ".zip")
    error_message = "loader_zip must be a .zip file."
  }
}

variable "builder_zip" {
  description = "star-builder deployment zip written by `make package`; relative paths are relative to the repository root."
  type        = string
  default     = "target/lambda/star-builder/bootstrap.zip"

  validation {
    condition     = endswith(var.builder_zip, ".zip")
    error_message = "builder_zip must be a .zip file."
  }
}

variable "loader_memory_mb" {
  description = "Memory of oltp-loader, in MB (also scales its CPU and network)."
  type        = number
  default     = 512

  validation {
    condition     = var.loader_memory_mb >= 128 && var.loader_memory_mb <= 10240
    error_message = "loader_memory_mb must be between 128 and 10240."
  }
}

variable "builder_memory_mb" {
  description = "Memory of star-builder, in MB."
  type        = number
  default     = 1024

  validation {
    condition     = var.builder_memory_mb >= 128 && var.builder_memory_mb <= 10240
    error_message = "builder_memory_mb must be between 128 and 10240."
  }
}

variable "loader_timeout_seconds" {
  description = "Timeout of oltp-loader, in seconds."
  type        = number
  default     = 300

  validation {
    condition     = var.loader_timeout_seconds >= 10 && var.loader_timeout_seconds <= 900
    error_message = "loader_timeout_seconds must be between 10 and 900."
  }
}

variable "builder_timeout_seconds" {
  description = "Timeout of star-builder, in seconds."
  type        = number
  default     = 900

  validation {
    condition     = var.builder_timeout_seconds >= 10 && var.builder_timeout_seconds <= 900
    error_message = "builder_timeout_seconds must be between 10 and 900."
  }
}

variable "loader_reserved_concurrency" {
  description = "Reserved concurrency of oltp-loader: the most files loaded at once, so the most OLTP connections it opens."
  type        = number
  default     = 5

  validation {
    condition     = var.loader_reserved_concurrency >= 1
    error_message = "loader_reserved_concurrency must be at least 1 (0 would stop the function)."
  }
}

variable "builder_reserved_concurrency" {
  description = "Reserved concurrency of star-builder (builds serialize on an advisory lock; 2 leaves room for a manual or bootstrap invocation)."
  type        = number
  default     = 2

  validation {
    condition     = var.builder_reserved_concurrency >= 1
    error_message = "builder_reserved_concurrency must be at least 1 (0 would stop the function)."
  }
}

variable "db_ssl_root_cert" {
  description = "DB_SSL_ROOT_CERT: where the RDS CA bundle is inside the deployment package (`make package` puts it at the zip's root, which Lambda unpacks to /var/task)."
  type        = string
  default     = "/var/task/rds-ca-bundle.pem"

  validation {
    condition     = startswith(var.db_ssl_root_cert, "/")
    error_message = "db_ssl_root_cert must be an absolute path."
  }
}

variable "dataset" {
  description = "DATASET: the pack both functions serve, a folder of sql/ with a dataset.toml (chinook, or any pack added there). Its OLTP schema is created by the bootstrap and owned by the loader."
  type        = string
  default     = "chinook"

  validation {
    condition     = fileexists("${path.module}/../sql/${var.dataset}/dataset.toml") && var.dataset != "engine"
    error_message = "dataset must name a pack: a folder of sql/ holding a dataset.toml (not engine)."
  }
}

variable "dq_fail_hard" {
  description = "DQ_FAIL_HARD: star-builder fails the build (and so retries) when a data-quality check fails."
  type        = bool
  default     = false
}

variable "function_log_level" {
  description = "Application log level of both functions (Lambda JSON logging)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.function_log_level)
    error_message = "function_log_level must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "log_retention_days" {
  description = "Retention of every log group of the stack (functions, flow logs, RDS), in days."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs supports (e.g. 30, 90, 365)."
  }
}

variable "failure_queue_retention_seconds" {
  description = "How long failed events stay in the functions' failure queues (max 14 days)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.failure_queue_retention_seconds >= 60 && var.failure_queue_retention_seconds <= 1209600
    error_message = "failure_queue_retention_seconds must be between 60 and 1209600."
  }
}

variable "async_max_retries" {
  description = "Lambda retries of a failed asynchronous invocation before it goes to the failure queue."
  type        = number
  default     = 2

  validation {
    condition     = var.async_max_retries >= 0 && var.async_max_retries <= 2
    error_message = "async_max_retries must be 0, 1 or 2."
  }
}

variable "async_max_event_age_seconds" {
  description = "Maximum age of an asynchronous event before it goes to the failure queue."
  type        = number
  default     = 21600

  validation {
    condition     = var.async_max_event_age_seconds >= 60 && var.async_max_event_age_seconds <= 21600
    error_message = "async_max_event_age_seconds must be between 60 and 21600."
  }
}

# --- schedule -------------------------------------------------------------

variable "build_schedule_expression" {
  description = "How often star-builder runs: an EventBridge Scheduler rate() or cron() expression."
  type        = string
  default     = "rate(1 hour)"

  validation {
    condition     = can(regex("^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.build_schedule_expression))
    error_message = "build_schedule_expression must be rate(N unit) or cron(...)."
  }
}

variable "build_schedule_timezone" {
  description = "Time zone of a cron() build schedule."
  type        = string
  default     = "UTC"
}

variable "build_schedule_enabled" {
  description = "Whether the scheduled build is enabled."
  type        = bool
  default     = true
}

variable "reconcile_schedule_expression" {
  description = "How often oltp-loader reconciles the drop zone with its ledger (loads objects whose S3 events never came): rate(N unit) or cron(...)."
  type        = string
  default     = "rate(1 day)"

  validation {
    condition     = can(regex("^(rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\)|cron\\(.+\\))$", var.reconcile_schedule_expression))
    error_message = "reconcile_schedule_expression must be rate(N unit) or cron(...)."
  }
}

variable "reconcile_schedule_enabled" {
  description = "Whether the reconcile schedule is enabled."
  type        = bool
  default     = true
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (failure queues, function errors and throttles, failed files, failed data-quality checks); null for none."
  type        = string
  default     = null
}

variable "athena_results_expiration_days" {
  description = "Days after which Athena query results (athena-results/ in the data bucket) expire."
  type        = number
  default     = 30
}

variable "lakehouse_projection_years" {
  description = "Partition projection range of the exported facts' year, \"first,last\" (Athena enumerates it; keep it tight)."
  type        = string
  default     = "2000,2050"
}

variable "analyst_principal_arns" {
  description = "IAM principals that may assume the lakehouse analyst role (read warehouse/<dataset>/ and reports/<dataset>/, run Athena in the workgroup, read the Glue catalog); empty: no analyst role."
  type        = list(string)
  default     = []
}
