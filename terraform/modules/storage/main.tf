# The data bucket: CSV files land under incoming/, oltp-loader writes
# rejected rows under rejected/.

resource "aws_s3_bucket" "data" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is an organisation DR decision; the CSV drops are re-creatable from their source systems. Add a replication configuration where policy requires it.
  #checkov:skip=CKV_AWS_18:Server access logging needs a separate log bucket owned by the account's logging setup; it is opt-in through var.access_log_bucket (aws_s3_bucket_logging below).
  bucket        = var.bucket_name
  bucket_prefix = var.bucket_name == null ? "${var.name}-data-" : null
  force_destroy = var.force_destroy

  tags = { Name = "${var.name}-data" }
}

resource "aws_s3_bucket_ownership_controls" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "data" {
  bucket = aws_s3_bucket.data.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_logging" "data" {
  count = var.access_log_bucket == null ? 0 : 1

  bucket        = aws_s3_bucket.data.id
  target_bucket = var.access_log_bucket
  target_prefix = "s3/${aws_s3_bucket.data.id}/"
}

resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyOutdatedTLS"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
  })

  # A policy and a public access block written at the same time conflict.
  depends_on = [aws_s3_bucket_public_access_block.data]
}

resource "aws_s3_bucket_lifecycle_configuration" "data" {
  bucket = aws_s3_bucket.data.id

  rule {
    id     = "expire-rejected"
    status = "Enabled"

    filter {
      prefix = var.rejected_prefix
    }

    expiration {
      days = var.rejected_expiration_days
    }
  }

  # Athena's query results (the lakehouse workgroup writes them here).
  rule {
    id     = "expire-athena-results"
    status = "Enabled"

    filter {
      prefix = var.athena_results_prefix
    }

    expiration {
      days = var.athena_results_expiration_days
    }
  }

  rule {
    id     = "expire-noncurrent-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }

    expiration {
      expired_object_delete_marker = true
    }
  }

  # Lifecycle rules apply to versions, so versioning goes first.
  depends_on = [aws_s3_bucket_versioning.data]
}

# --- incoming/ -> oltp-loader --------------------------------------------

resource "aws_lambda_permission" "s3_invoke_loader" {
  statement_id   = "AllowS3InvokeFromDataBucket"
  action         = "lambda:InvokeFunction"
  function_name  = var.loader_function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.data.arn
  source_account = var.account_id
}

# S3 allows one suffix per filter rule, so each suffix is its own rule.
resource "aws_s3_bucket_notification" "data" {
  bucket = aws_s3_bucket.data.id

  dynamic "lambda_function" {
    for_each = var.notification_suffixes
    content {
      id                  = "incoming-${trimprefix(lambda_function.value, ".")}-to-oltp-loader"
      lambda_function_arn = var.loader_function_arn
      events              = ["s3:ObjectCreated:*"]
      filter_prefix       = var.incoming_prefix
      filter_suffix       = lambda_function.value
    }
  }

  depends_on = [aws_lambda_permission.s3_invoke_loader]
}
