# The data bucket: encryption, public access, TLS-only policy, lifecycle, and
# the S3 -> oltp-loader notification on incoming/ for .csv, .tsv, .txt (each also .gz).

mock_provider "aws" {
  source = "./tests/mocks"
}

# The module on its own, with the inputs the root module gives it.
variables {
  name                               = "starlift"
  account_id                         = "123456789012"
  kms_key_arn                        = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  incoming_prefix                    = "incoming/"
  rejected_prefix                    = "rejected/"
  notification_suffixes              = [".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz"]
  loader_function_arn                = "arn:aws:lambda:eu-west-1:123456789012:function:starlift-oltp-loader"
  loader_function_name               = "starlift-oltp-loader"
  rejected_expiration_days           = 90
  noncurrent_version_expiration_days = 30
}

run "bucket_is_private_encrypted_and_tls_only" {
  command = apply

  module {
    source = "./modules/storage"
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.data.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "The bucket must default to SSE-KMS."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.data.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn
    error_message = "The bucket must be encrypted with the stack's customer-managed key."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.data.rule).bucket_key_enabled
    error_message = "S3 bucket keys must be enabled (fewer KMS calls)."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.data.block_public_acls,
      aws_s3_bucket_public_access_block.data.block_public_policy,
      aws_s3_bucket_public_access_block.data.ignore_public_acls,
      aws_s3_bucket_public_access_block.data.restrict_public_buckets,
    ])
    error_message = "All four public access block settings must be on."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.data.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "Object ownership must be enforced (ACLs disabled)."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.data.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition     = !aws_s3_bucket.data.force_destroy
    error_message = "force_destroy must default to false."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.data.policy).Statement :
      s.Effect == "Deny" && s.Principal == "*" && s.Action == "s3:*"
      && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"
      && toset(s.Resource) == toset([aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"])
    ])
    error_message = "The bucket policy must deny every request without TLS, on the bucket and its objects."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(aws_s3_bucket_policy.data.policy).Statement :
      s.Effect == "Deny" && try(s.Condition.NumericLessThan["s3:TlsVersion"], "") == "1.2"
    ])
    error_message = "The bucket policy must deny TLS older than 1.2."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_s3_bucket_policy.data.policy).Statement : s.Effect == "Deny"
    ])
    error_message = "The bucket policy only denies; access comes from the function roles."
  }
}

run "lifecycle_expires_rejects_and_old_versions" {
  command = apply

  module {
    source = "./modules/storage"
  }

  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.data.rule :
      r.status == "Enabled" && try(one(r.filter).prefix, "") == "rejected/" && try(one(r.expiration).days, 0) == var.rejected_expiration_days
    ])
    error_message = "Objects under rejected/ must expire."
  }

  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.data.rule :
      r.status == "Enabled" && try(one(r.noncurrent_version_expiration).noncurrent_days, 0) == var.noncurrent_version_expiration_days
    ])
    error_message = "Noncurrent versions must expire."
  }

  assert {
    condition = anytrue([
      for r in aws_s3_bucket_lifecycle_configuration.data.rule :
      length(r.abort_incomplete_multipart_upload) == 1
    ])
    error_message = "Incomplete multipart uploads must be aborted."
  }
}

run "incoming_csv_objects_trigger_the_loader" {
  command = apply

  module {
    source = "./modules/storage"
  }

  assert {
    condition     = length(aws_s3_bucket_notification.data.lambda_function) == 6
    error_message = "Six notification rules: S3 allows one suffix per rule (.csv, .tsv, .txt, each also .gz)."
  }

  assert {
    condition     = toset(aws_s3_bucket_notification.data.lambda_function[*].filter_suffix) == toset([".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz"])
    error_message = "The notification suffixes must be the ones oltp-loader routes: .csv, .tsv, .txt, each also .gz."
  }

  assert {
    condition     = toset(aws_s3_bucket_notification.data.lambda_function[*].filter_prefix) == toset(["incoming/"])
    error_message = "Every notification rule must be on the drop zone prefix incoming/."
  }

  assert {
    condition = alltrue([
      for f in aws_s3_bucket_notification.data.lambda_function :
      toset(f.events) == toset(["s3:ObjectCreated:*"]) && f.lambda_function_arn == var.loader_function_arn
    ])
    error_message = "ObjectCreated events must go to oltp-loader."
  }

  assert {
    condition = (
      aws_lambda_permission.s3_invoke_loader.principal == "s3.amazonaws.com"
      && aws_lambda_permission.s3_invoke_loader.action == "lambda:InvokeFunction"
      && aws_lambda_permission.s3_invoke_loader.function_name == var.loader_function_name
      && aws_lambda_permission.s3_invoke_loader.source_arn == aws_s3_bucket.data.arn
      && aws_lambda_permission.s3_invoke_loader.source_account == "123456789012"
    )
    error_message = "Only this bucket in this account may invoke oltp-loader."
  }
}
