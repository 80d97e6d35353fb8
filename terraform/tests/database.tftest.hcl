# The database module: private, encrypted, TLS only, IAM authentication,
# RDS-managed master password, production-safe defaults, both topologies.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                                = "starlift"
  partition                           = "aws"
  topology                            = "two-instances"
  subnet_ids                          = ["subnet-data-a", "subnet-data-b"]
  security_group_id                   = "sg-database"
  kms_key_arn                         = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  engine_version                      = "16"
  instance_class                      = { oltp = "db.t4g.medium", olap = "db.t4g.large" }
  allocated_storage_gb                = 20
  max_allocated_storage_gb            = 100
  oltp_db_name                        = "oltp"
  olap_db_name                        = "olap"
  master_username                     = "starlift_admin"
  multi_az                            = true
  deletion_protection                 = true
  skip_final_snapshot                 = false
  backup_retention_days               = 7
  performance_insights_enabled        = true
  performance_insights_retention_days = 7
  monitoring_interval                 = 60
  log_retention_days                  = 365
  apply_immediately                   = false
}

run "two_instances_are_private_encrypted_and_iam_authenticated" {
  command = apply

  module {
    source = "./modules/database"
  }

  assert {
    condition     = toset(keys(aws_db_instance.this)) == toset(["oltp", "olap"])
    error_message = "two-instances: one instance for OLTP, one for OLAP."
  }

  assert {
    condition     = alltrue([for db in aws_db_instance.this : !db.publicly_accessible])
    error_message = "No instance may be publicly accessible."
  }

  assert {
    condition     = alltrue([for db in aws_db_instance.this : db.storage_encrypted && db.kms_key_id == var.kms_key_arn])
    error_message = "Storage must be encrypted with the stack's KMS key."
  }

  assert {
    condition     = alltrue([for db in aws_db_instance.this : db.iam_database_authentication_enabled])
    error_message = "IAM database authentication must be on."
  }

  assert {
    condition = alltrue([
      for db in aws_db_instance.this : db.manage_master_user_password && db.password == null && db.master_user_secret_kms_key_id == var.kms_key_arn
    ])
    error_message = "The master password must be generated and kept in Secrets Manager by RDS."
  }

  assert {
    condition = alltrue([
      for db in aws_db_instance.this :
      db.deletion_protection && db.multi_az && db.backup_retention_period == 7 && !db.skip_final_snapshot && db.copy_tags_to_snapshot
    ])
    error_message = "Deletion protection, Multi-AZ, backups and a final snapshot by default."
  }

  assert {
    condition = alltrue([
      for db in aws_db_instance.this :
      db.performance_insights_enabled && db.performance_insights_kms_key_id == var.kms_key_arn && db.monitoring_interval == 60
    ])
    error_message = "Performance Insights (encrypted) and Enhanced Monitoring on."
  }

  assert {
    condition = alltrue([
      for db in aws_db_instance.this : toset(db.enabled_cloudwatch_logs_exports) == toset(["postgresql", "upgrade"])
    ])
    error_message = "PostgreSQL and upgrade logs must be exported to CloudWatch."
  }

  assert {
    condition     = alltrue([for group in aws_cloudwatch_log_group.rds : group.kms_key_id == var.kms_key_arn && group.retention_in_days == 365])
    error_message = "The RDS log groups are created encrypted and with a retention."
  }

  assert {
    condition     = alltrue([for db in aws_db_instance.this : db.vpc_security_group_ids == toset([var.security_group_id]) && db.db_subnet_group_name == aws_db_subnet_group.this.name])
    error_message = "Instances live in the private data subnets behind the database security group."
  }

  assert {
    condition     = [for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"] == ["1"]
    error_message = "The parameter group must force TLS (rds.force_ssl = 1)."
  }

  assert {
    condition     = alltrue([for db in aws_db_instance.this : db.parameter_group_name == aws_db_parameter_group.this.name])
    error_message = "Every instance uses the TLS-only parameter group."
  }

  assert {
    condition     = aws_db_parameter_group.this.family == "postgres16"
    error_message = "The parameter group family follows the engine's major version."
  }

  assert {
    condition     = output.databases.oltp.instance == "oltp" && output.databases.olap.instance == "olap" && output.databases.olap.db_name == "olap"
    error_message = "Each purpose maps to its own instance."
  }
}

run "one_instance_holds_both_databases" {
  command = apply

  module {
    source = "./modules/database"
  }

  variables {
    topology = "one-instance"
  }

  assert {
    condition     = keys(aws_db_instance.this) == ["shared"]
    error_message = "one-instance: a single instance."
  }

  assert {
    condition     = aws_db_instance.this["shared"].db_name == "oltp"
    error_message = "The shared instance is created with the OLTP database; the bootstrap creates the OLAP one."
  }

  assert {
    condition = (
      output.databases.oltp.address == output.databases.olap.address
      && output.databases.oltp.db_name == "oltp" && output.databases.olap.db_name == "olap"
      && length(output.master_secret_arns) == 1
    )
    error_message = "Both purposes point at the shared instance, with their own database names."
  }
}
