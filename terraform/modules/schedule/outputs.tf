output "schedule_arn" {
  description = "ARN of the star-builder schedule."
  value       = aws_scheduler_schedule.star_builder.arn
}

output "schedule_name" {
  description = "Name of the star-builder schedule."
  value       = aws_scheduler_schedule.star_builder.name
}

output "role_arn" {
  description = "ARN of the scheduler's execution role."
  value       = aws_iam_role.scheduler.arn
}
