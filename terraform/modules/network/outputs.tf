output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "app_subnet_ids" {
  description = "Private subnets of the Lambda functions (one per AZ)."
  value       = aws_subnet.app[*].id
}

output "data_subnet_ids" {
  description = "Private subnets of the RDS instances (one per AZ)."
  value       = aws_subnet.data[*].id
}

output "functions_security_group_id" {
  description = "Security group of the Lambda functions."
  value       = aws_security_group.functions.id
}

output "database_security_group_id" {
  description = "Security group of the RDS instances."
  value       = aws_security_group.database.id
}

output "s3_endpoint_id" {
  description = "ID of the S3 gateway endpoint."
  value       = aws_vpc_endpoint.s3.id
}

output "secretsmanager_endpoint_id" {
  description = "ID of the Secrets Manager interface endpoint (needed by the database bootstrap)."
  value       = aws_vpc_endpoint.secretsmanager.id
}

output "flow_log_group_name" {
  description = "CloudWatch log group of the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}
