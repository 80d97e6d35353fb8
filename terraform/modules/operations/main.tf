# Operations: an encrypted SNS topic that every alarm notifies, alarms on
# what must never go unnoticed (events in a failure queue, function errors
# and throttles, files that failed, builds whose data-quality checks
# failed), and a CloudWatch dashboard of loads, rows and builds. The
# functions publish their metrics as Embedded Metric Format log lines
# (crates/domain/src/metrics.rs), namespace "starlift", dimensions Function
# and Dataset.

locals {
  namespace = "starlift"

  # The functions' own metrics worth an alarm: any datapoint above zero.
  starlift_alarms = {
    "file-failed" = {
      function    = "oltp-loader"
      metric      = "ObjectsFailed"
      description = "oltp-loader refused a file (see rejected/<key>.error.json and etl.load.error)."
    }
    "dq-failed" = {
      function    = "star-builder"
      metric      = "DqFailed"
      description = "A star-builder build committed with failed data-quality checks (see etl.dq_result)."
    }
  }

  lambda_alarms = merge([
    for key, function_name in var.function_names : {
      "${key}-errors"    = { function_name = function_name, metric = "Errors", description = "${key} invocations failed (they are retried, then land in the failure queue)." }
      "${key}-throttles" = { function_name = function_name, metric = "Throttles", description = "${key} invocations were throttled." }
    }
  ]...)
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sns_topic_policy" "alarms" {
  arn = aws_sns_topic.alarms.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "CloudWatchAlarmsOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = aws_sns_topic.alarms.arn
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${var.partition}:cloudwatch:${var.region}:${var.account_id}:alarm:*" }
      }
    }]
  })
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "failure_queue" {
  for_each = var.failure_queue_names

  alarm_name          = "${var.name}-${each.key}-failure-queue"
  alarm_description   = "Events of ${each.key} exhausted their retries and wait in ${each.value}: re-drive them (README, Operations)."
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = each.value }
  statistic           = "Maximum"
  period              = var.period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "lambda" {
  for_each = local.lambda_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = "AWS/Lambda"
  metric_name         = each.value.metric
  dimensions          = { FunctionName = each.value.function_name }
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_metric_alarm" "starlift" {
  for_each = local.starlift_alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = local.namespace
  metric_name         = each.value.metric
  dimensions          = { Function = each.value.function, Dataset = var.dataset }
  statistic           = "Sum"
  period              = var.period_seconds
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      for index, widget in [
        { title = "Files loaded and failed", metrics = [["ObjectsLoaded", "oltp-loader"], ["ObjectsFailed", "oltp-loader"]] },
        { title = "Rows loaded, rejected, pending, resolved", metrics = [["RowsLoaded", "oltp-loader"], ["RowsRejected", "oltp-loader"], ["RowsPending", "oltp-loader"], ["RowsResolved", "oltp-loader"]] },
        { title = "Load time and merge wait (ms)", metrics = [["LoadMilliseconds", "oltp-loader"], ["MergeWaitMilliseconds", "oltp-loader"]] },
        { title = "Builds and build time (ms)", metrics = [["Builds", "star-builder"], ["BuildMilliseconds", "star-builder"]] },
        { title = "Data-quality checks run and failed", metrics = [["DqChecks", "star-builder"], ["DqFailed", "star-builder"]] },
        ] : {
        type   = "metric"
        x      = (index % 2) * 12
        y      = floor(index / 2) * 6
        width  = 12
        height = 6
        properties = {
          title   = widget.title
          region  = var.region
          stat    = "Sum"
          period  = var.period_seconds
          metrics = [for m in widget.metrics : [local.namespace, m[0], "Function", m[1], "Dataset", var.dataset]]
        }
      }
    ]
  })
}
