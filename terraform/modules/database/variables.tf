variable "name" {
  description = "Name prefix for every resource of the module."
  type        = string
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
}

variable "topology" {
  description = "\"two-instances\": one RDS instance for OLTP and one for OLAP. \"one-instance\": a single instance holding both databases (the bootstrap creates the OLAP database)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (two AZs) for the DB subnet group."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the instances."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights and the RDS-managed master secret."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL version (major, or major.minor)."
  type        = string
}

variable "instance_class" {
  description = "Instance class per database purpose."
  type        = object({ oltp = string, olap = string })
}

variable "allocated_storage_gb" {
  description = "Initial storage per instance, in GiB."
  type        = number
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling per instance, in GiB."
  type        = number
}

variable "oltp_db_name" {
  description = "Name of the OLTP database."
  type        = string
}

variable "olap_db_name" {
  description = "Name of the OLAP database."
  type        = string
}

variable "master_username" {
  description = "Master user name (its password is generated and kept in Secrets Manager by RDS)."
  type        = string
}

variable "multi_az" {
  description = "Run each instance Multi-AZ."
  type        = bool
}

variable "deletion_protection" {
  description = "Enable RDS deletion protection."
  type        = bool
}

variable "skip_final_snapshot" {
  description = "Skip the final snapshot on destroy."
  type        = bool
}

variable "backup_retention_days" {
  description = "Automated backup retention, in days."
  type        = number
}

variable "performance_insights_enabled" {
  description = "Enable Performance Insights (encrypted with the KMS key)."
  type        = bool
}

variable "performance_insights_retention_days" {
  description = "Performance Insights retention, in days."
  type        = number
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds; 0 disables it."
  type        = number
}

variable "log_retention_days" {
  description = "Retention of the RDS log groups (exported PostgreSQL and upgrade logs), in days."
  type        = number
}

variable "apply_immediately" {
  description = "Apply modifications immediately instead of in the next maintenance window."
  type        = bool
}
