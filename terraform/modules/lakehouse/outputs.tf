output "glue_database" {
  description = "The Glue database holding one table per exported dw table."
  value       = aws_glue_catalog_database.this.name
}

output "glue_tables" {
  description = "The Glue tables, by name."
  value       = sort(keys(aws_glue_catalog_table.this))
}

output "athena_workgroup" {
  description = "The Athena workgroup (results encrypted under the results prefix)."
  value       = aws_athena_workgroup.this.name
}

output "analyst_role_arn" {
  description = "The analyst role, or null when no principal may assume it."
  value       = one(aws_iam_role.analyst[*].arn)
}

output "warehouse_uri" {
  description = "Where the Parquet export lives."
  value       = "s3://${var.bucket_name}/${local.warehouse_prefix}"
}
