provider "aws" {
  region = var.aws_region

  # All false for a real deployment. `make tf-plan` turns them on to plan
  # offline with fake credentials.
  skip_credentials_validation = var.aws_skip_credentials_validation
  skip_requesting_account_id  = var.aws_skip_requesting_account_id
  skip_metadata_api_check     = var.aws_skip_metadata_api_check
  skip_region_validation      = var.aws_skip_region_validation

  default_tags {
    tags = merge({ Project = "starlift", ManagedBy = "terraform" }, var.tags)
  }
}
