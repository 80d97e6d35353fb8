variable "name" {
  description = "Name prefix for every resource of the module."
  type        = string
}

variable "target_label" {
  description = "What the schedule invokes, in resource names (star-builder, oltp-loader)."
  type        = string
}

variable "description" {
  description = "What the schedule does."
  type        = string
}

variable "account_id" {
  description = "AWS account id (aws:SourceAccount condition of the scheduler role's trust policy)."
  type        = string
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression: rate(...), cron(...) or at(...)."
  type        = string
}

variable "timezone" {
  description = "Time zone of cron expressions."
  type        = string
}

variable "enabled" {
  description = "Whether the schedule is ENABLED or DISABLED."
  type        = bool
}

variable "function_arn" {
  description = "ARN of the function the schedule invokes."
  type        = string
}

variable "input" {
  description = "JSON event the schedule sends to the function."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the schedule's input at rest."
  type        = string
}

variable "dead_letter_queue_arn" {
  description = "SQS queue for invocations the scheduler could not deliver."
  type        = string
}
