terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.100.0 is the version in this machine's provider mirror; any later
      # 5.x works, 6.x renames attributes this code uses.
      version = "~> 5.100"
    }
  }
}
