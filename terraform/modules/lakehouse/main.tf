# The lakehouse: star-builder's Parquet export of the warehouse
# (s3://<bucket>/warehouse/<dataset>/<table>/, crates/lakehouse) catalogued
# in Glue for Athena, with partition projection on the facts (no crawler),
# an Athena workgroup whose results are encrypted with the stack's key,
# star-builder's write access to its prefixes and an analyst role.

locals {
  warehouse_prefix = "warehouse/${var.dataset}/"
  reports_prefix   = "reports/${var.dataset}/"
  # Glue names: lower case, letters, digits and underscores.
  database_name = lower(replace("${var.name}_${var.dataset}", "/[^A-Za-z0-9_]/", "_"))
  tables        = { for t in var.tables : t.name => t }
  kms_via = {
    s3     = "s3.${var.region}.amazonaws.com"
    athena = "athena.${var.region}.amazonaws.com"
  }
  builder_role_name = element(split("/", var.builder_role_arn), length(split("/", var.builder_role_arn)) - 1)
  glue_catalog_arn  = "arn:${var.partition}:glue:${var.region}:${var.account_id}:catalog"
}

resource "aws_glue_catalog_database" "this" {
  name        = local.database_name
  description = "${var.name}: the ${var.dataset} warehouse exported as Parquet by star-builder (s3://${var.bucket_name}/${local.warehouse_prefix})."
}

# One table per dw table. Athena lists the table's prefix (a fact's
# partition prefix, from the projection); it skips _manifest.json (names
# starting with _ are hidden). See docs/architecture.md, "Lakehouse", for
# what a query sees while an export switches a partition.
resource "aws_glue_catalog_table" "this" {
  for_each = local.tables

  database_name = aws_glue_catalog_database.this.name
  name          = each.key
  description   = "${each.value.source}, exported by star-builder."
  table_type    = "EXTERNAL_TABLE"

  parameters = merge(
    {
      EXTERNAL              = "TRUE"
      classification        = "parquet"
      "parquet.compression" = "ZSTD"
    },
    each.value.partition_by == null ? {} : {
      "projection.enabled"        = "true"
      "projection.year.type"      = "integer"
      "projection.year.range"     = var.projection_years
      "projection.year.digits"    = "4"
      "projection.month.type"     = "integer"
      "projection.month.range"    = "1,12"
      "projection.month.digits"   = "2"
      "storage.location.template" = "s3://${var.bucket_name}/${local.warehouse_prefix}${each.key}/year=$${year}/month=$${month}/"
    }
  )

  storage_descriptor {
    location      = "s3://${var.bucket_name}/${local.warehouse_prefix}${each.key}/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters            = { "serialization.format" = "1" }
    }

    dynamic "columns" {
      for_each = each.value.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }

  dynamic "partition_keys" {
    for_each = each.value.partition_by == null ? [] : ["year", "month"]
    content {
      name    = partition_keys.value
      type    = "int"
      comment = "Hive partition: the ${partition_keys.value} of ${each.value.partition_by}."
    }
  }
}

resource "aws_athena_workgroup" "this" {
  name          = "${var.name}-${var.dataset}"
  description   = "Queries over the ${var.dataset} lakehouse; results encrypted with the stack's key under ${var.athena_results_prefix}."
  force_destroy = true

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    result_configuration {
      output_location = "s3://${var.bucket_name}/${var.athena_results_prefix}"

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }
}

# --- star-builder: publishes the export and the dashboard ------------------

resource "aws_iam_role_policy" "builder_publish" {
  name = "lakehouse-publish"
  role = local.builder_role_name

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "WriteOwnPrefixes"
        Effect = "Allow"
        Action = [
          "s3:GetObject",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
        ]
        Resource = [
          "${var.bucket_arn}/${local.warehouse_prefix}*",
          "${var.bucket_arn}/${local.reports_prefix}*",
        ]
      },
      {
        # Listing finds the superseded files to delete after a switch.
        Sid      = "ListOwnPrefixes"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [var.bucket_arn]
        Condition = {
          StringLike = { "s3:prefix" = ["${local.warehouse_prefix}*", "${local.reports_prefix}*"] }
        }
      },
      {
        Sid      = "UseBucketKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
        Condition = {
          StringEquals = { "kms:ViaService" = local.kms_via.s3 }
        }
      },
    ]
  })
}

# --- analysts: read the export and the dashboard, query with Athena --------

resource "aws_iam_role" "analyst" {
  count = length(var.analyst_principal_arns) > 0 ? 1 : 0

  name        = "${var.name}-${var.dataset}-analyst"
  description = "Reads the ${var.dataset} lakehouse and dashboard, runs Athena queries in ${aws_athena_workgroup.this.name}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumeByListedPrincipals"
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = var.analyst_principal_arns }
    }]
  })
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "analyst" {
  count = length(var.analyst_principal_arns) > 0 ? 1 : 0

  name = "lakehouse-read"
  role = aws_iam_role.analyst[0].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadExportAndDashboard"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["${var.bucket_arn}/${local.warehouse_prefix}*", "${var.bucket_arn}/${local.reports_prefix}*"]
      },
      {
        Sid      = "ListExportAndDashboard"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [var.bucket_arn]
        Condition = {
          StringLike = { "s3:prefix" = ["${local.warehouse_prefix}*", "${local.reports_prefix}*", "${var.athena_results_prefix}*"] }
        }
      },
      {
        Sid      = "BucketLocation"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation"]
        Resource = [var.bucket_arn]
      },
      {
        # Athena writes and reads query results as the caller.
        Sid      = "QueryResults"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"]
        Resource = ["${var.bucket_arn}/${var.athena_results_prefix}*"]
      },
      {
        Sid    = "RunQueriesInWorkgroup"
        Effect = "Allow"
        Action = [
          "athena:StartQueryExecution",
          "athena:StopQueryExecution",
          "athena:GetQueryExecution",
          "athena:GetQueryResults",
          "athena:GetQueryResultsStream",
          "athena:ListQueryExecutions",
          "athena:GetWorkGroup",
        ]
        Resource = [aws_athena_workgroup.this.arn]
      },
      {
        Sid    = "ReadCatalog"
        Effect = "Allow"
        Action = [
          "glue:GetDatabase",
          "glue:GetTable",
          "glue:GetTables",
          "glue:GetPartition",
          "glue:GetPartitions",
        ]
        Resource = [
          local.glue_catalog_arn,
          aws_glue_catalog_database.this.arn,
          "arn:${var.partition}:glue:${var.region}:${var.account_id}:table/${aws_glue_catalog_database.this.name}/*",
        ]
      },
      {
        Sid      = "UseKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
        Condition = {
          StringEquals = { "kms:ViaService" = [local.kms_via.s3, local.kms_via.athena] }
        }
      },
    ]
  })
}
