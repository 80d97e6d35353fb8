# The root module wired together (mocked AWS): outputs, the bootstrap event,
# the schedule, and input validation.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  aws_account_id = "123456789012"
  # Stand-ins for the `make package` zips (paths relative to the repo root).
  loader_zip  = "terraform/tests/fixtures/bootstrap.zip"
  builder_zip = "terraform/tests/fixtures/bootstrap.zip"
}

run "stack_wiring" {
  command = apply

  assert {
    condition = output.function_environment_names == {
      for key, names in jsondecode(file("../crates/domain/config/variables.json")) : key => sort(names) if !startswith(key, "_")
    }
    error_message = "The deployed environment names must equal crates/domain/config/variables.json."
  }

  assert {
    condition = (
      toset([for rule in output.loader_triggers : rule.prefix]) == toset(["incoming/"])
      && toset([for rule in output.loader_triggers : rule.suffix]) == toset([".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz"])
      && alltrue([for rule in output.loader_triggers : rule.function_arn == output.function_arns["oltp-loader"]])
    )
    error_message = "S3 must trigger oltp-loader for incoming/ files ending .csv, .tsv, .txt, each also .gz."
  }

  assert {
    condition     = output.function_names == { "oltp-loader" = "starlift-oltp-loader", "star-builder" = "starlift-star-builder" }
    error_message = "Function names."
  }

  assert {
    condition     = output.incoming_uri == "s3://starlift-data-mock/incoming/" && output.rejected_uri == "s3://starlift-data-mock/rejected/"
    error_message = "Drop zone and reject prefixes."
  }

  assert {
    condition     = length(output.db_master_secret_arns) == 2
    error_message = "Default topology: two instances, two master secrets."
  }
}

run "lakehouse_wiring" {
  command = apply

  assert {
    condition     = output.lakehouse.warehouse_uri == "s3://starlift-data-mock/warehouse/chinook/"
    error_message = "The export lives under warehouse/<dataset>/ of the data bucket."
  }

  assert {
    condition     = toset(output.lakehouse.glue_tables) == toset([for t in jsondecode(file("lakehouse/chinook.json")).tables : t.name])
    error_message = "The served pack's generated schema gives the Glue tables."
  }

  assert {
    condition = anytrue([
      for r in module.storage.lifecycle_rules : r.id == "expire-athena-results" && r.prefix == "athena-results/"
    ])
    error_message = "Athena's results expire."
  }
}

run "bootstrap_event" {
  command = apply

  assert {
    condition     = aws_lambda_invocation.db_bootstrap[0].function_name == output.function_names["star-builder"]
    error_message = "The bootstrap runs in star-builder."
  }

  assert {
    condition = (
      jsondecode(aws_lambda_invocation.db_bootstrap[0].input).action == "bootstrap"
      && jsondecode(aws_lambda_invocation.db_bootstrap[0].input).users == { loader = "starlift_loader", builder = "starlift_builder" }
      && [for db in jsondecode(aws_lambda_invocation.db_bootstrap[0].input).databases : db.purpose] == ["oltp", "olap"]
      && [for db in jsondecode(aws_lambda_invocation.db_bootstrap[0].input).databases : db.dbname] == ["oltp", "olap"]
      && alltrue([for db in jsondecode(aws_lambda_invocation.db_bootstrap[0].input).databases : db.port == 5432 && startswith(db.master_secret_arn, "arn:aws:secretsmanager:")])
    )
    error_message = "The bootstrap event names both databases with their master secret."
  }

  assert {
    condition     = aws_lambda_invocation.db_bootstrap[0].triggers.sql == filesha256("../sql/engine/bootstrap/0001_roles.sql")
    error_message = "The bootstrap re-runs when its SQL changes."
  }
}

run "schedule_runs_star_builder_hourly" {
  command = apply

  assert {
    condition = (
      module.schedule.schedule_name == "starlift-star-builder"
      && output.build_schedule_name == "starlift-star-builder"
    )
    error_message = "The build schedule exists."
  }
}

run "reconcile_daily_and_alarms" {
  command = apply

  assert {
    condition = (
      module.reconcile_schedule.schedule_name == "starlift-oltp-loader"
      && output.reconcile_schedule_name == "starlift-oltp-loader"
      && module.schedule.schedule_name == "starlift-star-builder"
    )
    error_message = "oltp-loader's reconcile has a schedule of its own beside the build's."
  }

  assert {
    condition     = output.alarm_topic_arn != null && output.dashboard_name == "starlift"
    error_message = "The stack has an alarm topic and a dashboard."
  }
}

run "one_instance_topology" {
  command = apply

  variables {
    database_topology   = "one-instance"
    enable_db_bootstrap = false
  }

  assert {
    condition     = length(output.db_master_secret_arns) == 1 && output.database_endpoints.oltp != output.database_endpoints.olap
    error_message = "One instance, two databases."
  }

  assert {
    condition     = length(aws_lambda_invocation.db_bootstrap) == 0 && output.db_bootstrap_result == null
    error_message = "enable_db_bootstrap = false removes the bootstrap invocation."
  }
}

run "invalid_inputs_are_rejected" {
  command = plan

  variables {
    database_topology           = "three-instances"
    availability_zones          = ["eu-west-1a"]
    build_schedule_expression   = "every hour"
    log_retention_days          = 42
    loader_reserved_concurrency = 0
    db_backup_retention_days    = 0
    aws_account_id              = "12345"
    dataset                     = "engine"
  }

  expect_failures = [
    var.dataset,
    var.database_topology,
    var.availability_zones,
    var.build_schedule_expression,
    var.log_retention_days,
    var.loader_reserved_concurrency,
    var.db_backup_retention_days,
    var.aws_account_id,
  ]
}

# DATASET must name a folder of sql/ with a dataset.toml.
run "an_unknown_pack_is_rejected" {
  command = plan

  variables {
    dataset = "no_such_pack"
  }

  expect_failures = [var.dataset]
}

# The second pack: classicmodels passes the dataset validation, the plan
# wires it in, and the loader is triggered as for any pack. (That both
# functions get DATASET = "classicmodels" is checked on the functions module,
# tests/functions.tftest.hcl: the root module does not expose the values.)
run "classicmodels_pack_plans" {
  command = plan

  variables {
    dataset = "classicmodels"
  }

  assert {
    condition     = aws_lambda_invocation.db_bootstrap[0].triggers.dataset == "classicmodels"
    error_message = "The bootstrap (which creates the pack's OLTP schema) must re-run for the classicmodels pack."
  }

  assert {
    condition = (
      toset([for rule in output.loader_triggers : rule.prefix]) == toset(["incoming/"])
      && toset([for rule in output.loader_triggers : rule.suffix]) == toset([".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz"])
      && alltrue([for rule in output.loader_triggers : rule.events == toset(["s3:ObjectCreated:*"])])
    )
    error_message = "With classicmodels, S3 must still trigger oltp-loader for incoming/ files ending .csv, .tsv, .txt, each also .gz."
  }

  assert {
    condition = output.function_environment_names == {
      for key, names in jsondecode(file("../crates/domain/config/variables.json")) : key => sort(names) if !startswith(key, "_")
    }
    error_message = "Both functions keep the environment contract (DATASET included) with classicmodels."
  }
}
