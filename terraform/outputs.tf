output "bucket_name" {
  description = "The data bucket."
  value       = module.storage.bucket_name
}

output "incoming_uri" {
  description = "Drop CSV files (.csv, .tsv or .txt, each optionally .gz) here: incoming/<Table>.csv or incoming/<table>/<anything>.csv; name=value folders set per-file CSV options."
  value       = "s3://${module.storage.bucket_name}/${local.incoming_prefix}"
}

output "rejected_uri" {
  description = "Where oltp-loader writes rejected rows and error reports."
  value       = "s3://${module.storage.bucket_name}/${local.rejected_prefix}"
}

output "loader_triggers" {
  description = "Which new objects trigger oltp-loader: the bucket's notification rules (prefix, suffix, events, function ARN)."
  value       = module.storage.loader_notifications
}

output "function_names" {
  description = "Lambda function names (oltp-loader, star-builder)."
  value       = module.functions.function_names
}

output "function_arns" {
  description = "Lambda function ARNs."
  value       = module.functions.function_arns
}

output "function_log_groups" {
  description = "CloudWatch log group of each function (JSON logs)."
  value       = module.functions.log_group_names
}

output "failure_queue_urls" {
  description = "SQS queues holding events that failed after Lambda's retries."
  value       = module.functions.failure_queue_urls
}

output "database_endpoints" {
  description = "host:port/database of the OLTP and OLAP databases (private; reachable from inside the VPC only)."
  value       = { for purpose, db in module.database.databases : purpose => "${db.address}:${db.port}/${db.db_name}" }
}

output "database_users" {
  description = "IAM-authenticated database user of each function."
  value       = local.db_users
}

output "db_master_secret_arns" {
  description = "RDS-managed master user secrets, per instance (for the bootstrap and break-glass access)."
  value       = { for key, instance in module.database.instances : key => instance.master_secret_arn }
}

output "db_bootstrap_event" {
  description = "The event that bootstraps the database users; re-send it with `aws lambda invoke` if needed."
  value       = jsonencode(local.bootstrap_event)
}

output "db_bootstrap_result" {
  description = "What star-builder returned from the bootstrap (null when the bootstrap is disabled)."
  value       = one(aws_lambda_invocation.db_bootstrap[*].result)
}

output "build_schedule_name" {
  description = "EventBridge Scheduler schedule that runs star-builder."
  value       = module.schedule.schedule_name
}

output "reconcile_schedule_name" {
  description = "EventBridge Scheduler schedule that runs oltp-loader's reconcile."
  value       = module.reconcile_schedule.schedule_name
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies (subscribe on-call here, or set alarm_email)."
  value       = module.operations.alarm_topic_arn
}

output "dashboard_name" {
  description = "CloudWatch dashboard of loads, rows, builds and data quality."
  value       = module.operations.dashboard_name
}

output "kms_key_arn" {
  description = "Customer-managed KMS key of the stack."
  value       = aws_kms_key.this.arn
}

output "vpc_id" {
  description = "The private VPC."
  value       = module.network.vpc_id
}

output "function_environment_names" {
  description = "Environment variable names set on each function (from crates/domain/config/variables.json)."
  value       = module.functions.environment_names
}

output "lakehouse" {
  description = "The Parquet export (crates/lakehouse): its S3 prefix, the Glue database and tables, the Athena workgroup, the analyst role."
  value = {
    warehouse_uri    = module.lakehouse.warehouse_uri
    glue_database    = module.lakehouse.glue_database
    glue_tables      = module.lakehouse.glue_tables
    athena_workgroup = module.lakehouse.athena_workgroup
    analyst_role_arn = module.lakehouse.analyst_role_arn
  }
}
