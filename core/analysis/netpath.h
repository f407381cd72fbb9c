/* netpath — network path analysis over the evidence document.
 *
 * For a task's subnet, security groups and public-IP flag, decides whether it
 * can reach an AWS service endpoint or the internet, hop by hop: the subnet's
 * effective route table (explicit association, else the VPC's main table),
 * the route's target (NAT gateway state and its own subnet's route to an IGW;
 * IGW plus a public IP; blackhole routes), VPC endpoints (interface endpoints
 * in the VPC with private DNS, gateway endpoints associated with the route
 * table), security-group egress (port 443 to 0.0.0.0/0, the prefix list or
 * the endpoint's group) and network ACLs. The answer names the failing hop
 * and its id. Reads the evidence only; owns nothing. */
#ifndef EDOC_NETPATH_H
#define EDOC_NETPATH_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* service: "ecr.api", "ecr.dkr", "s3", "logs", "secretsmanager", "ssm",
 * "sts", "internet" ("s3" is the path to ECR's image-layer bucket). Returns an enum edoc_reach value. why (may be NULL)
 * receives one sentence naming the deciding hop and its id.
 *
 * The sentence starts with a stable hop tag and ": " so checks can classify
 * the failure without parsing prose:
 *   "route:"      the effective route table has no usable 0.0.0.0/0 route
 *   "blackhole:"  the 0.0.0.0/0 route's target no longer exists
 *   "nat:"        the NAT gateway is not available or has no way out
 *   "igw:"        the internet gateway is missing or detached
 *   "public_ip:"  the subnet routes to an IGW but the task has no public IP
 *   "endpoint:"   VPC endpoints are in use but the needed one is missing, not
 *                 available, has private DNS off or is not associated
 *   "endpoint_sg:" the endpoint's security group refuses tcp/443 from the task
 *   "endpoint_policy:" the S3 gateway endpoint's policy does not allow ECR's
 *                 layer bucket (prod-<region>-starport-layer-bucket); only the
 *                 S3 gateway endpoint's policy is evaluated
 *   "sg_egress:"  the task's security groups allow no egress to tcp/443
 *   "nacl:"       the subnet's network ACL blocks 443 out or ephemeral ports in
 *   "evidence:"   (unknown) a resource the path depends on is not in the evidence
 *   "other:"      (unknown) the route goes through a target not analysed (TGW, peering)
 *   "ok:"         (yes) the path that works */
int netpath_reach(const cJSON *evidence, const char *subnet_id, const char *const *sg_ids,
                  size_t n_sg, int assign_public_ip, const char *service, char *why,
                  size_t whylen);

#endif
