variable "name" {
  description = "Name prefix of the stack's resources."
  type        = string
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "account_id" {
  description = "AWS account id."
  type        = string
}

variable "dataset" {
  description = "The pack served (DATASET): the export is under warehouse/<dataset>/, the dashboard under reports/<dataset>/."
  type        = string
}

variable "tables" {
  description = "The Glue tables: terraform/lakehouse/<dataset>.json's tables (name, source, partition_by, columns [{name, type, comment}]), generated from the pack's dw schema."
  type = list(object({
    name         = string
    source       = string
    partition_by = optional(string)
    columns = list(object({
      name    = string
      type    = string
      comment = string
    }))
  }))
}

variable "bucket_name" {
  description = "The data bucket."
  type        = string
}

variable "bucket_arn" {
  description = "ARN of the data bucket."
  type        = string
}

variable "kms_key_arn" {
  description = "The stack's customer-managed key (the bucket's default encryption; Athena results too)."
  type        = string
}

variable "builder_role_arn" {
  description = "star-builder's execution role: it gets write and delete on warehouse/<dataset>/ and reports/<dataset>/ only."
  type        = string
}

variable "athena_results_prefix" {
  description = "Where Athena writes query results in the bucket (the storage module expires them)."
  type        = string
  default     = "athena-results/"
}

variable "projection_years" {
  description = "Partition projection range of the facts' year partition key, \"first,last\"."
  type        = string
  default     = "2000,2050"

  validation {
    condition     = can(regex("^[0-9]{4},[0-9]{4}$", var.projection_years))
    error_message = "projection_years must be \"YYYY,YYYY\"."
  }
}

variable "analyst_principal_arns" {
  description = "IAM principals (users, roles, accounts) that may assume the analyst role; empty: no analyst role."
  type        = list(string)
  default     = []
}

variable "athena_bytes_scanned_cutoff" {
  description = "Per-query limit of bytes scanned in the workgroup."
  type        = number
  default     = 10737418240
}
