variable "name" {
  description = "Name prefix for every resource of the module."
  type        = string
}

variable "dataset" {
  description = "The pack the functions serve (the Dataset dimension of their metrics)."
  type        = string
}

variable "region" {
  description = "AWS region of the stack (the dashboard's widgets)."
  type        = string
}

variable "account_id" {
  description = "AWS account id (the alarm topic's policy allows this account's CloudWatch alarms only)."
  type        = string
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
}

variable "function_names" {
  description = "Lambda function names by key (oltp-loader, star-builder): errors and throttles alarm."
  type        = map(string)
}

variable "failure_queue_names" {
  description = "Failure (dead-letter) queue names by function key: a message waiting there alarms."
  type        = map(string)
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the alarm topic."
  type        = string
}

variable "alarm_email" {
  description = "E-mail address subscribed to the alarm topic (it must confirm the subscription), or null for none."
  type        = string
  default     = null
}

variable "period_seconds" {
  description = "Evaluation period of the alarms, in seconds."
  type        = number
  default     = 300
}
