# The lakehouse module (mocked AWS): one Glue table per exported dw table,
# partition projection on the facts, the Athena workgroup's encrypted
# results, star-builder's write access limited to its prefixes, and the
# analyst role.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name             = "starlift"
  partition        = "aws"
  region           = "eu-west-1"
  account_id       = "123456789012"
  dataset          = "chinook"
  bucket_name      = "starlift-data-mock"
  bucket_arn       = "arn:aws:s3:::starlift-data-mock"
  kms_key_arn      = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  builder_role_arn = "arn:aws:iam::123456789012:role/starlift-star-builder"
}

run "glue_tables_follow_the_generated_schema" {
  command = apply

  module {
    source = "./modules/lakehouse"
  }

  variables {
    tables = jsondecode(file("lakehouse/chinook.json")).tables
  }

  assert {
    condition     = toset(keys(aws_glue_catalog_table.this)) == toset([for t in jsondecode(file("lakehouse/chinook.json")).tables : t.name])
    error_message = "One Glue table per exported dw table."
  }

  assert {
    condition = alltrue([
      for t in jsondecode(file("lakehouse/chinook.json")).tables :
      [for c in one(aws_glue_catalog_table.this[t.name].storage_descriptor).columns : c.name] == [for c in t.columns : c.name]
    ])
    error_message = "The Glue columns are the generated ones, in order."
  }

  assert {
    condition = (
      aws_glue_catalog_table.this["fact_sales"].parameters["projection.enabled"] == "true"
      && aws_glue_catalog_table.this["fact_sales"].parameters["storage.location.template"] == "s3://starlift-data-mock/warehouse/chinook/fact_sales/year=$${year}/month=$${month}/"
      && [for k in aws_glue_catalog_table.this["fact_sales"].partition_keys : k.name] == ["year", "month"]
    )
    error_message = "Facts are partitioned by year and month with partition projection (no crawler)."
  }

  assert {
    condition = (
      length(aws_glue_catalog_table.this["dim_customer"].partition_keys) == 0
      && !contains(keys(aws_glue_catalog_table.this["dim_customer"].parameters), "projection.enabled")
      && one(aws_glue_catalog_table.this["dim_customer"].storage_descriptor).location == "s3://starlift-data-mock/warehouse/chinook/dim_customer/"
    )
    error_message = "Dimensions are unpartitioned tables over their prefix."
  }

  assert {
    condition = (
      one(one(aws_athena_workgroup.this.configuration).result_configuration).output_location == "s3://starlift-data-mock/athena-results/"
      && one(one(one(aws_athena_workgroup.this.configuration).result_configuration).encryption_configuration).encryption_option == "SSE_KMS"
      && one(one(one(aws_athena_workgroup.this.configuration).result_configuration).encryption_configuration).kms_key_arn == var.kms_key_arn
      && one(aws_athena_workgroup.this.configuration).enforce_workgroup_configuration
    )
    error_message = "Athena results go to athena-results/, encrypted with the stack's key, enforced."
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.builder_publish.policy).Statement : s.Resource if s.Sid == "WriteOwnPrefixes"
      ])) == toset([
      "arn:aws:s3:::starlift-data-mock/warehouse/chinook/*",
      "arn:aws:s3:::starlift-data-mock/reports/chinook/*",
    ])
    error_message = "star-builder writes and deletes only under warehouse/<dataset>/ and reports/<dataset>/."
  }

  assert {
    condition     = aws_iam_role_policy.builder_publish.role == "starlift-star-builder"
    error_message = "The publish policy is on star-builder's role."
  }

  assert {
    condition     = length(aws_iam_role.analyst) == 0 && output.analyst_role_arn == null
    error_message = "No analyst role without principals."
  }
}

run "analyst_role_reads_and_queries" {
  command = apply

  module {
    source = "./modules/lakehouse"
  }

  variables {
    tables                 = jsondecode(file("lakehouse/chinook.json")).tables
    analyst_principal_arns = ["arn:aws:iam::123456789012:role/data-team"]
  }

  assert {
    condition     = length(aws_iam_role.analyst) == 1
    error_message = "An analyst role when principals are given."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.analyst[0].assume_role_policy).Statement[0].Principal.AWS == ["arn:aws:iam::123456789012:role/data-team"]
    )
    error_message = "Only the listed principals may assume the analyst role."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_iam_role_policy.analyst[0].policy).Statement :
      !contains(s.Action, "s3:PutObject") || s.Resource == ["arn:aws:s3:::starlift-data-mock/athena-results/*"]
    ])
    error_message = "The analyst writes nothing but Athena's results."
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.analyst[0].policy).Statement : s.Resource if s.Sid == "ReadExportAndDashboard"
      ])) == toset([
      "arn:aws:s3:::starlift-data-mock/warehouse/chinook/*",
      "arn:aws:s3:::starlift-data-mock/reports/chinook/*",
    ])
    error_message = "The analyst reads the export and the dashboard of the dataset."
  }
}
