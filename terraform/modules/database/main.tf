# RDS PostgreSQL for the OLTP and the OLAP database: two instances (the
# default), or one instance with both databases. Private, encrypted, TLS
# only, IAM database authentication on, master password managed by RDS.

locals {
  two_instances = var.topology == "two-instances"

  # Instance key => its initial database and class.
  instances = local.two_instances ? {
    oltp = { db_name = var.oltp_db_name, instance_class = var.instance_class.oltp }
    olap = { db_name = var.olap_db_name, instance_class = var.instance_class.olap }
    } : {
    shared = { db_name = var.oltp_db_name, instance_class = var.instance_class.oltp }
  }

  # Database purpose => the instance that holds it.
  purpose_instance = {
    oltp = local.two_instances ? "oltp" : "shared"
    olap = local.two_instances ? "olap" : "shared"
  }

  db_names = { oltp = var.oltp_db_name, olap = var.olap_db_name }

  engine_major = split(".", var.engine_version)[0]
  log_exports  = ["postgresql", "upgrade"]
}

resource "aws_db_subnet_group" "this" {
  name        = "${var.name}-db"
  description = "Private data subnets of the starlift databases"
  subnet_ids  = var.subnet_ids
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-pg${local.engine_major}-"
  family      = "postgres${local.engine_major}"
  description = "starlift PostgreSQL ${local.engine_major}: TLS only, query and connection logging"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# RDS would create these log groups itself, unencrypted and kept forever.
resource "aws_cloudwatch_log_group" "rds" {
  for_each = {
    for pair in setproduct(keys(local.instances), local.log_exports) :
    "${pair[0]}/${pair[1]}" => { instance = pair[0], log = pair[1] }
  }

  name              = "/aws/rds/instance/${var.name}-${each.value.instance}/${each.value.log}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  name = "${var.name}-rds-monitoring"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:${var.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  for_each = local.instances

  identifier     = "${var.name}-${each.key}"
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = each.value.instance_class
  db_name        = each.value.db_name
  port           = 5432

  username                      = var.master_username
  manage_master_user_password   = true
  master_user_secret_kms_key_id = var.kms_key_arn

  iam_database_authentication_enabled = true

  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = var.kms_key_arn

  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [var.security_group_id]
  publicly_accessible    = false
  multi_az               = var.multi_az
  parameter_group_name   = aws_db_parameter_group.this.name
  ca_cert_identifier     = "rds-ca-rsa2048-g1"

  backup_retention_period   = var.backup_retention_days
  backup_window             = "02:00-03:00"
  maintenance_window        = "sun:03:30-sun:04:30"
  copy_tags_to_snapshot     = true
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = var.skip_final_snapshot
  final_snapshot_identifier = var.skip_final_snapshot ? null : "${var.name}-${each.key}-final"
  delete_automated_backups  = false

  auto_minor_version_upgrade = true
  apply_immediately          = var.apply_immediately

  enabled_cloudwatch_logs_exports = local.log_exports

  performance_insights_enabled          = var.performance_insights_enabled
  performance_insights_kms_key_id       = var.performance_insights_enabled ? var.kms_key_arn : null
  performance_insights_retention_period = var.performance_insights_enabled ? var.performance_insights_retention_days : null

  monitoring_interval = var.monitoring_interval
  monitoring_role_arn = var.monitoring_interval > 0 ? aws_iam_role.monitoring[0].arn : null

  tags = { Name = "${var.name}-${each.key}", Purpose = each.key }

  depends_on = [aws_cloudwatch_log_group.rds, aws_iam_role_policy_attachment.monitoring]
}
