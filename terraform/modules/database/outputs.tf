output "databases" {
  description = "Per purpose (oltp, olap): the instance that holds the database, its address, port, name and the instance's resource id (for rds-db:connect ARNs)."
  value = {
    for purpose, key in local.purpose_instance : purpose => {
      instance    = key
      identifier  = aws_db_instance.this[key].identifier
      address     = aws_db_instance.this[key].address
      port        = aws_db_instance.this[key].port
      db_name     = local.db_names[purpose]
      resource_id = aws_db_instance.this[key].resource_id
    }
  }
}

output "instances" {
  description = "Per instance key: identifier, address, port, resource id, ARN and the ARN of its RDS-managed master secret."
  value = {
    for key, instance in aws_db_instance.this : key => {
      identifier        = instance.identifier
      address           = instance.address
      port              = instance.port
      resource_id       = instance.resource_id
      arn               = instance.arn
      master_secret_arn = instance.master_user_secret[0].secret_arn
    }
  }
}

output "master_secret_arns" {
  description = "ARNs of the RDS-managed master user secrets (one per instance)."
  value       = [for instance in aws_db_instance.this : instance.master_user_secret[0].secret_arn]
}
