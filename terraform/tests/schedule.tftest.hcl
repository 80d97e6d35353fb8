# The schedule module: EventBridge Scheduler invokes star-builder on a rate,
# with a least-privilege role.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                  = "starlift"
  target_label          = "star-builder"
  description           = "Runs an incremental star-schema build"
  account_id            = "123456789012"
  schedule_expression   = "rate(1 hour)"
  timezone              = "UTC"
  enabled               = true
  function_arn          = "arn:aws:lambda:eu-west-1:123456789012:function:starlift-star-builder"
  input                 = "{\"mode\":\"incremental\"}"
  kms_key_arn           = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  dead_letter_queue_arn = "arn:aws:sqs:eu-west-1:123456789012:starlift-star-builder-failures"
}

run "hourly_incremental_build" {
  command = apply

  module {
    source = "./modules/schedule"
  }

  assert {
    condition = (
      aws_scheduler_schedule.this.schedule_expression == "rate(1 hour)"
      && aws_scheduler_schedule.this.state == "ENABLED"
      && one(aws_scheduler_schedule.this.target).arn == var.function_arn
      && jsondecode(one(aws_scheduler_schedule.this.target).input) == { mode = "incremental" }
      && one(one(aws_scheduler_schedule.this.target).dead_letter_config).arn == var.dead_letter_queue_arn
      && aws_scheduler_schedule.this.kms_key_arn == var.kms_key_arn
    )
    error_message = "The schedule runs an incremental star-builder build, with a DLQ and the KMS key."
  }

  assert {
    condition = {
      for s in jsondecode(aws_iam_role_policy.scheduler.policy).Statement : s.Sid => s.Action
      } == {
      InvokeTarget = ["lambda:InvokeFunction"]
      DeadLetter   = ["sqs:SendMessage"]
      UseKey       = ["kms:Decrypt", "kms:GenerateDataKey"]
    }
    error_message = "The scheduler role may only invoke star-builder, dead-letter and use the key."
  }

  assert {
    condition = one([
      for s in jsondecode(aws_iam_role_policy.scheduler.policy).Statement : s.Resource if s.Sid == "InvokeTarget"
    ]) == [var.function_arn, "${var.function_arn}:*"]
    error_message = "The scheduler may invoke star-builder only."
  }
}
