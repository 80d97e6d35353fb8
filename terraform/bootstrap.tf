# One-off database bootstrap: creates the IAM-authenticated users the
# functions connect as. star-builder runs sql/engine/bootstrap/0001_roles.sql in
# every database as the RDS master user, whose password it reads once from
# the RDS-managed secret. Idempotent; re-runs when the SQL or the instances
# change. See README.md ("Database bootstrap").

locals {
  bootstrap_sql_file = "${local.repo_root}/sql/engine/bootstrap/0001_roles.sql"

  bootstrap_event = {
    action = "bootstrap"
    users = {
      loader  = local.db_users["oltp-loader"]
      builder = local.db_users["star-builder"]
    }
    # OLTP first: it creates both users; in OLAP only star-builder exists.
    databases = [
      for purpose in ["oltp", "olap"] : {
        purpose           = purpose
        host              = module.database.databases[purpose].address
        port              = module.database.databases[purpose].port
        dbname            = module.database.databases[purpose].db_name
        master_secret_arn = module.database.instances[module.database.databases[purpose].instance].master_secret_arn
      }
    ]
  }
}

resource "aws_lambda_invocation" "db_bootstrap" {
  count = var.enable_db_bootstrap ? 1 : 0

  function_name = module.functions.function_names["star-builder"]
  input         = jsonencode(local.bootstrap_event)

  triggers = {
    sql       = filesha256(local.bootstrap_sql_file)
    instances = join(",", sort([for key, instance in module.database.instances : instance.resource_id]))
    # Another pack means another OLTP schema for the loader to own.
    dataset = var.dataset
  }

  # The builder's role (secret access) and the Secrets Manager endpoint must
  # exist before it runs.
  depends_on = [module.network, module.functions]
}
