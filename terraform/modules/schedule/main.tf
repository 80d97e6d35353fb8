# EventBridge Scheduler invokes one function (asynchronously) on a rate:
# star-builder's incremental builds, oltp-loader's reconcile.

resource "aws_scheduler_schedule_group" "this" {
  name = "${var.name}-${var.target_label}"
}

resource "aws_iam_role" "scheduler" {
  name        = "${var.name}-${var.target_label}-scheduler"
  description = "Lets EventBridge Scheduler invoke ${var.target_label}"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
      }
    }]
  })
}

resource "aws_iam_role_policy" "scheduler" {
  name = "invoke-${var.target_label}"
  role = aws_iam_role.scheduler.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeTarget"
        Effect   = "Allow"
        Action   = ["lambda:InvokeFunction"]
        Resource = [var.function_arn, "${var.function_arn}:*"]
      },
      {
        Sid      = "DeadLetter"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage"]
        Resource = [var.dead_letter_queue_arn]
      },
      {
        Sid      = "UseKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn]
      },
    ]
  })
}

resource "aws_scheduler_schedule" "this" {
  name        = "${var.name}-${var.target_label}"
  group_name  = aws_scheduler_schedule_group.this.name
  description = var.description

  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.timezone
  state                        = var.enabled ? "ENABLED" : "DISABLED"
  kms_key_arn                  = var.kms_key_arn

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = var.function_arn
    role_arn = aws_iam_role.scheduler.arn
    input    = var.input

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }

    dead_letter_config {
      arn = var.dead_letter_queue_arn
    }
  }
}

moved {
  from = aws_scheduler_schedule.star_builder
  to   = aws_scheduler_schedule.this
}
