# The operations module: an encrypted alarm topic, alarms on the failure
# queues, function errors and throttles, failed files and failed
# data-quality checks, and a dashboard of the functions' own metrics.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name        = "starlift"
  dataset     = "chinook"
  region      = "eu-west-1"
  account_id  = "123456789012"
  partition   = "aws"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  function_names = {
    "oltp-loader"  = "starlift-oltp-loader"
    "star-builder" = "starlift-star-builder"
  }
  failure_queue_names = {
    "oltp-loader"  = "starlift-oltp-loader-failures"
    "star-builder" = "starlift-star-builder-failures"
  }
}

run "alarms_notify_an_encrypted_topic" {
  command = apply

  module {
    source = "./modules/operations"
  }

  assert {
    condition     = aws_sns_topic.alarms.kms_master_key_id == var.kms_key_arn
    error_message = "The alarm topic is encrypted with the stack's key."
  }

  assert {
    condition = alltrue([
      for a in concat(values(aws_cloudwatch_metric_alarm.failure_queue), values(aws_cloudwatch_metric_alarm.lambda), values(aws_cloudwatch_metric_alarm.starlift)) :
      a.alarm_actions == toset([aws_sns_topic.alarms.arn]) && a.threshold == 0 && a.comparison_operator == "GreaterThanThreshold"
    ])
    error_message = "Every alarm fires on any datapoint above zero and notifies the topic."
  }

  assert {
    condition = length(aws_cloudwatch_metric_alarm.failure_queue) == 2 && alltrue([
      for k, queue in var.failure_queue_names : aws_cloudwatch_metric_alarm.failure_queue[k].dimensions["QueueName"] == queue
    ])
    error_message = "Each failure queue has an alarm on its visible messages."
  }

  assert {
    condition = toset(keys(aws_cloudwatch_metric_alarm.lambda)) == toset([
      "oltp-loader-errors", "oltp-loader-throttles", "star-builder-errors", "star-builder-throttles",
    ])
    error_message = "Both functions have error and throttle alarms."
  }

  assert {
    condition = (
      aws_cloudwatch_metric_alarm.starlift["dq-failed"].namespace == "starlift"
      && aws_cloudwatch_metric_alarm.starlift["dq-failed"].metric_name == "DqFailed"
      && aws_cloudwatch_metric_alarm.starlift["dq-failed"].dimensions["Function"] == "star-builder"
      && aws_cloudwatch_metric_alarm.starlift["dq-failed"].dimensions["Dataset"] == "chinook"
    )
    error_message = "A build with failed data-quality checks alarms, from the builder's own metric."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0
    error_message = "No e-mail subscription unless an address is given."
  }

  assert {
    condition = alltrue([
      for w in jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets :
      alltrue([for m in w.properties.metrics : m[0] == "starlift" && m[5] == "chinook"])
    ])
    error_message = "The dashboard charts the functions' metrics for the served data set."
  }

  assert {
    condition = (
      jsondecode(aws_sns_topic_policy.alarms.policy).Statement[0].Principal.Service == "cloudwatch.amazonaws.com"
      && jsondecode(aws_sns_topic_policy.alarms.policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "123456789012"
    )
    error_message = "Only this account's CloudWatch alarms may publish to the topic."
  }
}

run "an_email_address_subscribes" {
  command = apply

  module {
    source = "./modules/operations"
  }

  variables {
    alarm_email = "oncall@example.com"
  }

  assert {
    condition     = one(aws_sns_topic_subscription.email).endpoint == "oncall@example.com"
    error_message = "The given address is subscribed by e-mail."
  }
}
