output "function_names" {
  description = "Function name per key (oltp-loader, star-builder)."
  value       = { for key, fn in aws_lambda_function.this : key => fn.function_name }
}

output "function_arns" {
  description = "Function ARN per key (oltp-loader, star-builder)."
  value       = { for key, fn in aws_lambda_function.this : key => fn.arn }
}

output "role_arns" {
  description = "Execution role ARN per function."
  value       = { for key, role in aws_iam_role.function : key => role.arn }
}

output "failure_queue_arns" {
  description = "ARN of the on-failure SQS queue per function."
  value       = { for key, queue in aws_sqs_queue.failures : key => queue.arn }
}

output "failure_queue_names" {
  description = "Name of the on-failure SQS queue per function."
  value       = { for key, queue in aws_sqs_queue.failures : key => queue.name }
}

output "failure_queue_urls" {
  description = "URL of the on-failure SQS queue per function."
  value       = { for key, queue in aws_sqs_queue.failures : key => queue.url }
}

output "log_group_names" {
  description = "CloudWatch log group per function."
  value       = { for key, group in aws_cloudwatch_log_group.function : key => group.name }
}

output "environment_names" {
  description = "Environment variable names set per function (equal to the contract file's lists)."
  value       = { for key, env in local.environment : key => sort(keys(env)) }
}
