variable "name" {
  description = "Name prefix for every resource of the module."
  type        = string
}

variable "region" {
  description = "AWS region the VPC lives in (used for endpoint service names and to check the AZ names)."
  type        = string
}

variable "partition" {
  description = "AWS partition (aws, aws-cn, aws-us-gov)."
  type        = string
}

variable "account_id" {
  description = "AWS account id, for ARNs in the flow-log role's trust and permissions policies."
  type        = string
}

variable "vpc_cidr" {
  description = "CIDR block of the VPC. Split into /20 subnets: two for the functions, two for the databases."
  type        = string
}

variable "availability_zones" {
  description = "Exactly two availability zone names in var.region."
  type        = list(string)
}

variable "bucket_arn" {
  description = "ARN of the data bucket: the only bucket the S3 gateway endpoint policy lets the VPC reach."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the flow-log log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the VPC flow-log log group, in days."
  type        = number
}

variable "db_port" {
  description = "PostgreSQL port the functions may reach on the database security group."
  type        = number
  default     = 5432
}
