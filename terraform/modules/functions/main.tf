# The two Lambda functions, their roles, log groups and failure queues.

locals {
  # The names each function reads, from the code's own contract file.
  env_contract  = jsondecode(file(var.env_contract_file))
  function_keys = toset(["oltp-loader", "star-builder"])

  function_names = { for key in local.function_keys : key => "${var.name}-${key}" }

  db_user_arn = {
    for pair in setproduct(keys(var.databases), keys(var.db_users)) :
    "${pair[0]}/${pair[1]}" => "arn:${var.partition}:rds-db:${var.region}:${var.account_id}:dbuser:${var.databases[pair[0]].resource_id}/${var.db_users[pair[1]]}"
  }

  # Every variable a function may be given, by name. A name in the contract
  # missing here fails the plan (see the precondition below), so a variable
  # the code starts reading cannot be forgotten.
  env_values = {
    for key in local.function_keys : key => {
      OLTP_DATABASE_URL = "postgres://${var.db_users[key]}@${var.databases.oltp.address}:${var.databases.oltp.port}/${var.databases.oltp.db_name}"
      OLAP_DATABASE_URL = "postgres://${var.db_users[key]}@${var.databases.olap.address}:${var.databases.olap.port}/${var.databases.olap.db_name}"
      DB_AUTH           = "iam"
      DB_SSL_ROOT_CERT  = var.db_ssl_root_cert
      INCOMING_PREFIX   = var.incoming_prefix
      REJECTED_PREFIX   = var.rejected_prefix
      DQ_FAIL_HARD      = tostring(var.dq_fail_hard)
      DATASET           = var.dataset
      BUCKET            = split(":", var.bucket_arn)[5]
    }
  }

  environment = {
    for key in local.function_keys : key => {
      for name in local.env_contract[key] : name => lookup(local.env_values[key], name, null)
    }
  }

  kms_via = { for service in ["s3", "sqs", "lambda", "secretsmanager"] : service => "${service}.${var.region}.amazonaws.com" }
}

# --- logs and failure queues ---------------------------------------------

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.function_names

  name              = "/aws/lambda/${each.value}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# Events that still fail after Lambda's retries (S3 notifications for
# oltp-loader, scheduled runs for star-builder) land here with their error.
resource "aws_sqs_queue" "failures" {
  for_each = local.function_names

  name                              = "${each.value}-failures"
  message_retention_seconds         = var.failure_retention_seconds
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
}

# --- IAM ------------------------------------------------------------------

resource "aws_iam_role" "function" {
  for_each = local.function_names

  name        = each.value
  description = "Execution role of the ${each.key} Lambda function"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
      }
    }]
  })
}

# What every function needs to run: its own log group, X-Ray, VPC network
# interfaces, its failure queue and the key that encrypts it.
resource "aws_iam_role_policy" "runtime" {
  for_each = local.function_names

  name = "runtime"
  role = aws_iam_role.function[each.key].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteOwnLogGroup"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.function[each.key].arn}:*"]
      },
      {
        # X-Ray has no resource-level permissions for these actions.
        Sid      = "Tracing"
        Effect   = "Allow"
        Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
        Resource = ["*"]
      },
      {
        # Describe calls have no resource-level permissions.
        Sid      = "DescribeVpcNetworkInterfaces"
        Effect   = "Allow"
        Action   = ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"]
        Resource = ["*"]
      },
      {
        Sid    = "ManageVpcNetworkInterfaces"
        Effect = "Allow"
        Action = [
          "ec2:CreateNetworkInterface",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ]
        Resource = ["arn:${var.partition}:ec2:${var.region}:${var.account_id}:*/*"]
      },
      {
        Sid      = "SendToFailureQueue"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [aws_sqs_queue.failures[each.key].arn]
      },
      {
        Sid      = "UseKeyForFailureQueueAndEnvironment"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
        Condition = {
          StringEquals = { "kms:ViaService" = [local.kms_via.sqs, local.kms_via.lambda] }
        }
      },
    ]
  })
}

# oltp-loader's data access: read the drop zone, write rejects, connect to
# the OLTP database as its own user.
resource "aws_iam_role_policy" "loader_data" {
  name = "data-access"
  role = aws_iam_role.function["oltp-loader"].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadIncoming"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = ["${var.bucket_arn}/${var.incoming_prefix}*"]
      },
      {
        # Reconcile ({"action":"reconcile"}) lists the drop zone for
        # objects whose events never came.
        Sid      = "ListIncoming"
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [var.bucket_arn]
        Condition = {
          StringLike = { "s3:prefix" = ["${var.incoming_prefix}*"] }
        }
      },
      {
        Sid      = "WriteRejected"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = ["${var.bucket_arn}/${var.rejected_prefix}*"]
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
      {
        Sid      = "ConnectOltpAsLoader"
        Effect   = "Allow"
        Action   = ["rds-db:connect"]
        Resource = [local.db_user_arn["oltp/oltp-loader"]]
      },
    ]
  })
}

# star-builder's data access: connect to both databases as its own user;
# while the bootstrap is enabled, also read the RDS-managed master secrets.
resource "aws_iam_role_policy" "builder_data" {
  name = "data-access"
  role = aws_iam_role.function["star-builder"].id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "ConnectOltpAndOlapAsBuilder"
        Effect   = "Allow"
        Action   = ["rds-db:connect"]
        Resource = distinct([local.db_user_arn["oltp/star-builder"], local.db_user_arn["olap/star-builder"]])
      }],
      [
        for statement in [
          {
            Sid      = "BootstrapReadMasterSecrets"
            Effect   = "Allow"
            Action   = ["secretsmanager:GetSecretValue"]
            Resource = var.bootstrap_secret_arns
          },
          {
            Sid      = "BootstrapDecryptMasterSecrets"
            Effect   = "Allow"
            Action   = ["kms:Decrypt"]
            Resource = [var.kms_key_arn]
            Condition = {
              StringEquals = { "kms:ViaService" = local.kms_via.secretsmanager }
            }
          },
        ] : statement if length(var.bootstrap_secret_arns) > 0
      ],
    )
  })
}

# --- functions ------------------------------------------------------------

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:Failed asynchronous invocations go to an encrypted SQS on-failure destination (aws_lambda_function_event_invoke_config.this), which supersedes a DLQ and also records the error.
  #checkov:skip=CKV_AWS_272:The zips are built by `make package` (cargo-lambda) and not signed; add an aws_lambda_code_signing_config when a signing pipeline exists.
  for_each = local.function_names

  function_name = each.value
  description   = each.key == "oltp-loader" ? "starlift: S3 CSV drop -> OLTP database" : "starlift: OLTP -> OLAP star schema"
  role          = aws_iam_role.function[each.key].arn

  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = ["arm64"]

  filename = var.packages[each.key].zip_file
  # Known only when the zip exists (after `make package`); validate, test and
  # an offline plan work without it.
  source_code_hash = fileexists(var.packages[each.key].zip_file) ? filebase64sha256(var.packages[each.key].zip_file) : null

  memory_size                    = var.packages[each.key].memory_mb
  timeout                        = var.packages[each.key].timeout_seconds
  reserved_concurrent_executions = var.packages[each.key].reserved_concurrency

  kms_key_arn = var.kms_key_arn
  environment {
    variables = local.environment[each.key]
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [var.security_group_id]
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = aws_cloudwatch_log_group.function[each.key].name
    application_log_level = var.log_level
    system_log_level      = "WARN"
  }

  depends_on = [
    aws_iam_role_policy.runtime,
    aws_cloudwatch_log_group.function,
  ]

  lifecycle {
    precondition {
      condition     = alltrue([for name, value in local.environment[each.key] : value != null])
      error_message = "The environment contract ${var.env_contract_file} lists a variable for ${each.key} that the functions module does not know how to set: ${join(", ", [for name, value in local.environment[each.key] : name if value == null])}."
    }
  }
}

resource "aws_lambda_function_event_invoke_config" "this" {
  for_each = local.function_names

  function_name                = aws_lambda_function.this[each.key].function_name
  maximum_retry_attempts       = var.async_max_retries
  maximum_event_age_in_seconds = var.async_max_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.failures[each.key].arn
    }
  }

  depends_on = [aws_iam_role_policy.runtime]
}

# A zip missing at plan time is fine for checks, fatal for an apply.
check "packages_built" {
  assert {
    condition     = alltrue([for key, pkg in var.packages : fileexists(pkg.zip_file)])
    error_message = "Lambda zips not found (${join(", ", [for key, pkg in var.packages : pkg.zip_file if !fileexists(pkg.zip_file)])}): run `make package` before terraform apply."
  }
}
