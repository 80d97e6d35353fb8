# The functions module: runtime, packaging, environment (exactly the names in
# crates/domain/config/variables.json), least-privilege IAM, failure queues.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name              = "starlift"
  region            = "eu-west-1"
  partition         = "aws"
  account_id        = "123456789012"
  env_contract_file = "../crates/domain/config/variables.json"

  packages = {
    "oltp-loader"  = { zip_file = "tests/fixtures/bootstrap.zip", memory_mb = 512, timeout_seconds = 300, reserved_concurrency = 5 }
    "star-builder" = { zip_file = "tests/fixtures/bootstrap.zip", memory_mb = 1024, timeout_seconds = 900, reserved_concurrency = 2 }
  }

  subnet_ids        = ["subnet-aaaa", "subnet-bbbb"]
  security_group_id = "sg-functions"
  kms_key_arn       = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  bucket_arn        = "arn:aws:s3:::starlift-data"
  incoming_prefix   = "incoming/"
  rejected_prefix   = "rejected/"

  databases = {
    oltp = { address = "oltp.example.eu-west-1.rds.amazonaws.com", port = 5432, db_name = "oltp", resource_id = "db-OLTPRESOURCE" }
    olap = { address = "olap.example.eu-west-1.rds.amazonaws.com", port = 5432, db_name = "olap", resource_id = "db-OLAPRESOURCE" }
  }
  db_users = { "oltp-loader" = "starlift_loader", "star-builder" = "starlift_builder" }

  db_ssl_root_cert            = "/var/task/rds-ca-bundle.pem"
  dq_fail_hard                = false
  dataset                     = "chinook"
  log_level                   = "INFO"
  log_retention_days          = 365
  failure_retention_seconds   = 1209600
  async_max_retries           = 2
  async_max_event_age_seconds = 21600
  bootstrap_secret_arns       = ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-oltp-AbCdEf", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-olap-GhIjKl"]
}

run "environment_names_are_the_code_contract" {
  command = apply

  module {
    source = "./modules/functions"
  }

  assert {
    condition = {
      for key, fn in aws_lambda_function.this : key => sort(keys(one(fn.environment).variables))
      } == {
      for key, names in jsondecode(file("../crates/domain/config/variables.json")) : key => sort(names) if !startswith(key, "_")
    }
    error_message = "Each function's environment variable names must equal its list in crates/domain/config/variables.json."
  }

  assert {
    condition     = one(aws_lambda_function.this["oltp-loader"].environment).variables.OLTP_DATABASE_URL == "postgres://starlift_loader@oltp.example.eu-west-1.rds.amazonaws.com:5432/oltp"
    error_message = "oltp-loader must connect to the OLTP database as starlift_loader."
  }

  assert {
    condition = (
      one(aws_lambda_function.this["star-builder"].environment).variables.OLTP_DATABASE_URL == "postgres://starlift_builder@oltp.example.eu-west-1.rds.amazonaws.com:5432/oltp"
      && one(aws_lambda_function.this["star-builder"].environment).variables.OLAP_DATABASE_URL == "postgres://starlift_builder@olap.example.eu-west-1.rds.amazonaws.com:5432/olap"
    )
    error_message = "star-builder must connect to both databases as starlift_builder."
  }

  assert {
    condition = alltrue([
      for fn in aws_lambda_function.this :
      one(fn.environment).variables.DB_AUTH == "iam" && one(fn.environment).variables.DB_SSL_ROOT_CERT == "/var/task/rds-ca-bundle.pem"
    ])
    error_message = "Both functions use IAM database authentication and verify the server certificate."
  }

  assert {
    condition = (
      one(aws_lambda_function.this["oltp-loader"].environment).variables.INCOMING_PREFIX == "incoming/"
      && one(aws_lambda_function.this["oltp-loader"].environment).variables.REJECTED_PREFIX == "rejected/"
      && one(aws_lambda_function.this["star-builder"].environment).variables.DQ_FAIL_HARD == "false"
      && one(aws_lambda_function.this["oltp-loader"].environment).variables.DATASET == "chinook"
      && one(aws_lambda_function.this["star-builder"].environment).variables.DATASET == "chinook"
    )
    error_message = "Prefixes and DQ_FAIL_HARD must be set from the module inputs."
  }

  assert {
    condition = alltrue(flatten([
      for fn in aws_lambda_function.this : [for value in values(one(fn.environment).variables) : !can(regex("(?i)password|secret", value))]
    ]))
    error_message = "No secret may travel in an environment variable."
  }
}

run "functions_runtime_network_and_observability" {
  command = apply

  module {
    source = "./modules/functions"
  }

  assert {
    condition = alltrue([
      for fn in aws_lambda_function.this :
      fn.runtime == "provided.al2023" && fn.handler == "bootstrap" && fn.architectures == tolist(["arm64"])
    ])
    error_message = "Both functions run the provided.al2023 runtime on arm64."
  }

  assert {
    condition = alltrue([
      for fn in aws_lambda_function.this : fn.source_code_hash == filebase64sha256("tests/fixtures/bootstrap.zip")
    ])
    error_message = "The package hash must come from the zip when it exists."
  }

  assert {
    condition = alltrue([
      for fn in aws_lambda_function.this :
      toset(one(fn.vpc_config).subnet_ids) == toset(var.subnet_ids) && toset(one(fn.vpc_config).security_group_ids) == toset([var.security_group_id])
    ])
    error_message = "Both functions run in the private subnets with the functions security group."
  }

  assert {
    condition = (
      aws_lambda_function.this["oltp-loader"].reserved_concurrent_executions == 5
      && aws_lambda_function.this["star-builder"].reserved_concurrent_executions == 2
    )
    error_message = "Reserved concurrency must be set per function."
  }

  assert {
    condition = alltrue([
      for fn in aws_lambda_function.this :
      one(fn.tracing_config).mode == "Active" && one(fn.logging_config).log_format == "JSON" && fn.kms_key_arn == var.kms_key_arn
    ])
    error_message = "X-Ray tracing, JSON logs and KMS-encrypted environment on both functions."
  }

  assert {
    condition = alltrue([
      for key, fn in aws_lambda_function.this : one(fn.logging_config).log_group == aws_cloudwatch_log_group.function[key].name
    ])
    error_message = "Each function logs to its own log group."
  }

  assert {
    condition = alltrue([
      for group in aws_cloudwatch_log_group.function : group.retention_in_days == 365 && group.kms_key_id == var.kms_key_arn
    ])
    error_message = "Function log groups need a retention and the KMS key."
  }

  assert {
    condition = alltrue([
      for key, config in aws_lambda_function_event_invoke_config.this :
      one(one(config.destination_config).on_failure).destination == aws_sqs_queue.failures[key].arn
    ])
    error_message = "Failed asynchronous invocations must go to the function's own SQS queue."
  }

  assert {
    condition     = alltrue([for queue in aws_sqs_queue.failures : queue.kms_master_key_id == var.kms_key_arn])
    error_message = "The failure queues must be encrypted with the KMS key."
  }
}

run "loader_role_is_least_privilege" {
  command = apply

  module {
    source = "./modules/functions"
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.loader_data.policy).Statement : s.Action
    ])) == toset(["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:PutObject", "kms:Decrypt", "kms:GenerateDataKey", "rds-db:connect"])
    error_message = "oltp-loader's data policy grants exactly: read and list incoming, write rejected, the bucket key, rds-db:connect."
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.loader_data.policy).Statement : s.Sid => s.Resource
      } == {
      ReadIncoming        = ["arn:aws:s3:::starlift-data/incoming/*"]
      ListIncoming        = ["arn:aws:s3:::starlift-data"]
      WriteRejected       = ["arn:aws:s3:::starlift-data/rejected/*"]
      UseBucketKey        = [var.kms_key_arn]
      ConnectOltpAsLoader = ["arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-OLTPRESOURCE/starlift_loader"]
    }
    error_message = "oltp-loader's data policy resources: incoming/* (read), the bucket (list), rejected/* (write), the key, its OLTP db user."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.loader_data.policy).Statement : s.Condition if s.Sid == "ListIncoming"
    ]) == { StringLike = { "s3:prefix" = ["incoming/*"] } }
    error_message = "oltp-loader may list the drop zone only (reconcile)."
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.loader_data.policy).Statement : s.Sid => s.Action
      }["ReadIncoming"] == ["s3:GetObject", "s3:GetObjectVersion"] && {
      for s in jsondecode(aws_iam_role_policy.loader_data.policy).Statement : s.Sid => s.Action
    }["WriteRejected"] == ["s3:PutObject"]
    error_message = "Reads are only on incoming/, writes only on rejected/."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.loader_data.policy).Statement : s.Condition.StringEquals["kms:ViaService"] if s.Sid == "UseBucketKey"
    ]) == "s3.eu-west-1.amazonaws.com"
    error_message = "oltp-loader may use the key only through S3."
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.loader_data.policy).Statement : s.Effect == "Allow" && !contains(s.Resource, "*")])
    error_message = "No wildcard resource in the data policy."
  }
}

run "builder_role_is_least_privilege" {
  command = apply

  module {
    source = "./modules/functions"
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.builder_data.policy).Statement : s.Action
    ])) == toset(["rds-db:connect", "secretsmanager:GetSecretValue", "kms:Decrypt"])
    error_message = "star-builder's data policy: rds-db:connect, plus reading the master secrets while the bootstrap is enabled."
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.builder_data.policy).Statement : s.Sid => s.Resource
      } == {
      ConnectOltpAndOlapAsBuilder = [
        "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-OLTPRESOURCE/starlift_builder",
        "arn:aws:rds-db:eu-west-1:123456789012:dbuser:db-OLAPRESOURCE/starlift_builder",
      ]
      BootstrapReadMasterSecrets    = [for arn in var.bootstrap_secret_arns : arn]
      BootstrapDecryptMasterSecrets = [var.kms_key_arn]
    }
    error_message = "star-builder connects as starlift_builder to both databases and reads exactly the master secrets."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.builder_data.policy).Statement : s.Condition.StringEquals["kms:ViaService"] if s.Sid == "BootstrapDecryptMasterSecrets"
    ]) == "secretsmanager.eu-west-1.amazonaws.com"
    error_message = "star-builder may decrypt only through Secrets Manager."
  }

  assert {
    condition = alltrue([
      for key in ["oltp-loader", "star-builder"] : {
        for s in jsondecode(aws_iam_role_policy.runtime[key].policy).Statement : s.Sid => s.Resource
        } == {
        WriteOwnLogGroup                    = ["${aws_cloudwatch_log_group.function[key].arn}:*"]
        Tracing                             = ["*"]
        DescribeVpcNetworkInterfaces        = ["*"]
        ManageVpcNetworkInterfaces          = ["arn:aws:ec2:eu-west-1:123456789012:*/*"]
        SendToFailureQueue                  = [aws_sqs_queue.failures[key].arn]
        UseKeyForFailureQueueAndEnvironment = [var.kms_key_arn]
      }
    ])
    error_message = "The runtime policy: own log group, X-Ray, VPC interfaces, own failure queue, the key."
  }

  assert {
    condition = alltrue([
      for key in ["oltp-loader", "star-builder"] : alltrue([
        for s in jsondecode(aws_iam_role_policy.runtime[key].policy).Statement :
        !contains(s.Resource, "*") || alltrue([for action in s.Action : can(regex("^(xray:Put|ec2:Describe)", action))])
      ])
    ])
    error_message = "Only X-Ray writes and EC2 Describe calls (no resource-level permissions) may use Resource \"*\"."
  }

  assert {
    condition = alltrue([
      for role in aws_iam_role.function :
      jsondecode(role.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    ])
    error_message = "Only Lambda may assume the function roles."
  }
}

run "bootstrap_disabled_revokes_secret_access" {
  command = apply

  module {
    source = "./modules/functions"
  }

  variables {
    bootstrap_secret_arns = []
  }

  assert {
    condition = toset(flatten([
      for s in jsondecode(aws_iam_role_policy.builder_data.policy).Statement : s.Action
    ])) == toset(["rds-db:connect"])
    error_message = "Without the bootstrap, star-builder's data access is rds-db:connect only."
  }
}

# Another pack: both functions serve what `dataset` says (the root module
# validates it against sql/<dataset>/dataset.toml: tests/stack.tftest.hcl).
run "both_functions_serve_the_dataset" {
  command = plan

  module {
    source = "./modules/functions"
  }

  variables {
    dataset = "classicmodels"
  }

  assert {
    condition = alltrue([
      for key in ["oltp-loader", "star-builder"] :
      one(aws_lambda_function.this[key].environment).variables.DATASET == "classicmodels"
    ])
    error_message = "oltp-loader and star-builder must both get DATASET = classicmodels."
  }
}
