# The network module: private subnets in two AZs, default security group
# without rules, functions -> RDS on 5432 only, S3 gateway endpoint, flow logs.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name               = "starlift"
  region             = "eu-west-1"
  partition          = "aws"
  account_id         = "123456789012"
  vpc_cidr           = "10.40.0.0/16"
  availability_zones = ["eu-west-1a", "eu-west-1b"]
  bucket_arn         = "arn:aws:s3:::starlift-data"
  kms_key_arn        = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  log_retention_days = 365
}

run "private_network" {
  command = apply

  module {
    source = "./modules/network"
  }

  assert {
    condition = (
      toset(concat(aws_subnet.app[*].availability_zone, aws_subnet.data[*].availability_zone)) == toset(var.availability_zones)
      && alltrue([for s in concat(aws_subnet.app, aws_subnet.data) : !s.map_public_ip_on_launch])
    )
    error_message = "Subnets span the two AZs and never hand out public IPs."
  }

  assert {
    condition     = length(aws_route_table.private.route) == 0
    error_message = "The private route table has no route to an internet or NAT gateway."
  }

  assert {
    condition     = length(aws_default_security_group.this.ingress) == 0 && length(aws_default_security_group.this.egress) == 0
    error_message = "The default security group must have no rules."
  }

  assert {
    condition = (
      aws_vpc_security_group_ingress_rule.database_from_functions.security_group_id == aws_security_group.database.id
      && aws_vpc_security_group_ingress_rule.database_from_functions.referenced_security_group_id == aws_security_group.functions.id
      && aws_vpc_security_group_ingress_rule.database_from_functions.from_port == 5432
      && aws_vpc_security_group_ingress_rule.database_from_functions.to_port == 5432
      && aws_vpc_security_group_ingress_rule.database_from_functions.ip_protocol == "tcp"
      && aws_vpc_security_group_ingress_rule.database_from_functions.cidr_ipv4 == null
    )
    error_message = "RDS accepts only the functions' security group, on 5432."
  }

  assert {
    condition = (
      aws_vpc_security_group_egress_rule.functions_to_database.referenced_security_group_id == aws_security_group.database.id
      && aws_vpc_security_group_egress_rule.functions_to_database.from_port == 5432
      && aws_vpc_security_group_egress_rule.functions_to_s3.prefix_list_id == aws_vpc_endpoint.s3.prefix_list_id
      && aws_vpc_security_group_egress_rule.functions_to_endpoints.referenced_security_group_id == aws_security_group.endpoints.id
    )
    error_message = "The functions reach only RDS (5432), S3 (gateway prefix list) and the interface endpoints (443)."
  }

  assert {
    condition = alltrue([
      for rule in [
        aws_vpc_security_group_egress_rule.functions_to_database,
        aws_vpc_security_group_egress_rule.functions_to_s3,
        aws_vpc_security_group_egress_rule.functions_to_endpoints,
      ] : rule.cidr_ipv4 == null && rule.cidr_ipv6 == null
    ])
    error_message = "No egress to a CIDR block (no internet)."
  }

  assert {
    condition = (
      aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway"
      && aws_vpc_endpoint.s3.service_name == "com.amazonaws.eu-west-1.s3"
      && aws_vpc_endpoint.s3.route_table_ids == toset([aws_route_table.private.id])
      && jsondecode(aws_vpc_endpoint.s3.policy).Statement[0].Resource == ["arn:aws:s3:::starlift-data/*"]
    )
    error_message = "An S3 gateway endpoint on the private route table, limited to the data bucket."
  }

  assert {
    condition = (
      aws_flow_log.this.vpc_id == aws_vpc.this.id && aws_flow_log.this.traffic_type == "ALL"
      && aws_flow_log.this.log_destination == aws_cloudwatch_log_group.flow_logs.arn
      && aws_cloudwatch_log_group.flow_logs.kms_key_id == var.kms_key_arn
    )
    error_message = "VPC flow logs (all traffic) go to an encrypted log group."
  }
}

run "availability_zones_must_be_in_the_region" {
  command = plan

  module {
    source = "./modules/network"
  }

  variables {
    availability_zones = ["us-east-1a", "us-east-1b"]
  }

  expect_failures = [aws_vpc.this]
}
