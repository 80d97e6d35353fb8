variable "name" {
  description = "Name prefix for every resource of the module."
  type        = string
}

variable "account_id" {
  description = "AWS account id (source_account of the Lambda permission)."
  type        = string
}

variable "bucket_name" {
  description = "Exact bucket name; null lets AWS pick a unique name starting with \"<name>-data-\"."
  type        = string
  default     = null
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete a non-empty bucket."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "KMS key for the bucket's default SSE-KMS encryption."
  type        = string
}

variable "incoming_prefix" {
  description = "Drop zone prefix; objects created under it trigger oltp-loader."
  type        = string
}

variable "rejected_prefix" {
  description = "Prefix oltp-loader writes rejected rows and error reports under."
  type        = string
}

variable "notification_suffixes" {
  description = "Key suffixes under the incoming prefix that trigger oltp-loader (one S3 filter rule each)."
  type        = list(string)
}

variable "loader_function_arn" {
  description = "ARN of oltp-loader, the target of the ObjectCreated notification."
  type        = string
}

variable "loader_function_name" {
  description = "Name of oltp-loader, for the Lambda permission that lets S3 invoke it."
  type        = string
}

variable "rejected_expiration_days" {
  description = "Days after which objects under the rejected prefix expire."
  type        = number
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which noncurrent object versions expire."
  type        = number
}

variable "access_log_bucket" {
  description = "Optional existing bucket that receives S3 server access logs; null disables them."
  type        = string
  default     = null
}

variable "athena_results_prefix" {
  description = "Where Athena writes query results (the lakehouse workgroup); they expire."
  type        = string
  default     = "athena-results/"
}

variable "athena_results_expiration_days" {
  description = "Days after which Athena query results expire."
  type        = number
  default     = 30
}
