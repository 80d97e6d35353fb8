output "bucket_name" {
  description = "Name of the data bucket."
  value       = aws_s3_bucket.data.id
}

output "bucket_arn" {
  description = "ARN of the data bucket."
  value       = aws_s3_bucket.data.arn
}

output "loader_notifications" {
  description = "The S3 -> oltp-loader notification rules as configured on the bucket (prefix, suffix, events, function ARN)."
  value = [
    for rule in aws_s3_bucket_notification.data.lambda_function : {
      prefix       = rule.filter_prefix
      suffix       = rule.filter_suffix
      events       = rule.events
      function_arn = rule.lambda_function_arn
    }
  ]
}

output "lifecycle_rules" {
  description = "The bucket's lifecycle rules (id, prefix)."
  value = [
    for r in aws_s3_bucket_lifecycle_configuration.data.rule : {
      id     = r.id
      prefix = try(one(r.filter).prefix, null)
    }
  ]
}
