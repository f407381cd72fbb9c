#!/usr/bin/python3
"""Generate a large scenario for benchmarks.

  /usr/bin/python3 tests/fakeaws/gen_large.py --services 300 --stopped 3000 -o /tmp/large.json

Produces one cluster ("bench" by default) with N Fargate services spread over
a few VPC subnets, each with its own task definition, target group and log
group; RUNNING tasks per service (--running-per-service) and --stopped stopped
tasks spread round-robin over services with a mix of realistic reasons.  A
fraction of services (--unhealthy-fraction) are broken so diagnosis work is
not trivially short-circuited.  Output is deterministic for a given --seed.
"""

import argparse
import json
import random
import sys

REASONS = [
    ("TaskFailedToStart", "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to "
     "resolve ref {image}: failed to do request: Head \"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/"
     "{repo}/manifests/latest\": dial tcp 3.227.250.200:443: i/o timeout", None),
    ("EssentialContainerExited", "Essential container in task exited", 137),
    ("EssentialContainerExited", "Essential container in task exited", 1),
    ("TaskFailedToStart", "ResourceInitializationError: unable to pull secrets or registry auth: execution "
     "resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): "
     "AccessDeniedException", None),
    ("ServiceSchedulerInitiated", "Task failed ELB health checks in (target-group {tg})", 143),
]


def build(args):
    rnd = random.Random(args.seed)
    ec2 = {
        "vpcs": [{"Name": "bench-vpc", "CidrBlock": "10.0.0.0/16"}],
        "subnets": [{"Name": f"bench-private-{z}", "CidrBlock": f"10.0.{i * 16}.0/20",
                     "AvailabilityZone": f"us-east-1{z}"} for i, z in enumerate("abc")],
        "internetGateways": [{"Name": "bench-igw", "VpcId": "bench-vpc"}],
        "natGateways": [{"Name": "bench-nat", "SubnetId": "bench-private-a"}],
        "routeTables": [{"Name": "bench-private", "Subnets": [f"bench-private-{z}" for z in "abc"],
                         "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "bench-nat"}]}],
        "securityGroups": [{"Name": "bench-alb-sg"}, {"Name": "bench-tasks-sg", "IpPermissions": [
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": "bench-alb-sg"}]}]}],
        "networkAcls": [{"Subnets": [f"bench-private-{z}" for z in "abc"]}],
    }
    tds, svcs, tasks, tgs, groups, repos = [], [], [], [], [], []
    for i in range(args.services):
        name = f"svc-{i:04d}"
        image = f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}:latest"
        broken = rnd.random() < args.unhealthy_fraction
        tds.append({"family": name, "revision": 1, "cpu": "256", "memory": "512",
                    "executionRoleArn": "ecsTaskExecutionRole",
                    "containerDefinitions": [{"name": "app", "image": image,
                                              "portMappings": [{"containerPort": 8080}],
                                              "logConfiguration": {"logDriver": "awslogs", "options": {
                                                  "awslogs-group": f"/ecs/{name}", "awslogs-region": "us-east-1",
                                                  "awslogs-stream-prefix": "ecs"}}}]})
        # Running tasks and their targets share addresses, as they would in AWS.
        running = []
        for j in range(args.running_per_service):
            idx = i * args.running_per_service + j
            z, local = idx % 3, idx // 3
            running.append(("abc"[z], f"10.0.{16 * z + local // 250}.{local % 250 + 4}"))
        tgs.append({"TargetGroupName": f"tg-{i:04d}", "Port": 8080, "loadBalancers": ["bench-alb"],
                    "targets": [{"Id": ip, "Port": 8080, "State": "unhealthy" if broken else "healthy",
                                 **({"Reason": "Target.ResponseCodeMismatch",
                                     "Description": "Health checks failed with these codes: [502]"}
                                    if broken else {})}
                                for _, ip in running]})
        svcs.append({"cluster": args.cluster, "serviceName": name, "taskDefinition": f"{name}:1",
                     "desiredCount": args.running_per_service + (2 if broken else 0),
                     "loadBalancers": [{"targetGroupArn": f"tg-{i:04d}", "containerName": "app",
                                        "containerPort": 8080}],
                     "networkConfiguration": {"awsvpcConfiguration": {
                         "subnets": [f"bench-private-{z}" for z in "abc"], "securityGroups": ["bench-tasks-sg"]}},
                     "events": [{"createdAt": f"-{k * 7 + 1}m",
                                 "message": f"(service {name}) has reached a steady state."} for k in range(3)]})
        for z, ip in running:
            tasks.append({"cluster": args.cluster, "service": name, "privateIp": ip, "subnet": f"bench-private-{z}",
                          "createdAt": "-2d"})
        groups.append({"logGroupName": f"/ecs/{name}"})
        repos.append({"repositoryName": name, "images": [{"imageTags": ["latest"]}]})
    for k in range(args.stopped):
        i = k % max(1, args.services)
        name = f"svc-{i:04d}"
        code, reason, exit_code = REASONS[rnd.randrange(len(REASONS))]
        reason = reason.format(image=f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{name}:latest", repo=name,
                               tg=f"arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg-{i:04d}/x")
        ct = {"name": "app", "lastStatus": "STOPPED"}
        if exit_code is not None:
            ct["exitCode"] = exit_code
        else:
            ct["reason"] = reason
        tasks.append({"cluster": args.cluster, "service": name, "lastStatus": "STOPPED", "stopCode": code,
                      "stoppedReason": reason, "createdAt": f"-{5 + (k % 55)}m", "containers": [ct]})
    return {
        "description": f"Benchmark: {args.services} services, {args.stopped} stopped tasks (generated by gen_large.py)",
        "ec2": ec2,
        "iam": {"roles": [{"RoleName": "ecsTaskExecutionRole", "AttachedPolicies": ["AmazonECSTaskExecutionRolePolicy"]}]},
        "elbv2": {"loadBalancers": [{"LoadBalancerName": "bench-alb", "SecurityGroups": ["bench-alb-sg"]}],
                  "targetGroups": tgs},
        "ecs": {"clusters": [{"clusterName": args.cluster}], "taskDefinitions": tds, "services": svcs,
                "tasks": tasks},
        "logs": {"logGroups": groups},
        "ecr": {"repositories": repos},
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--services", type=int, default=300)
    ap.add_argument("--stopped", type=int, default=3000)
    ap.add_argument("--running-per-service", type=int, default=2)
    ap.add_argument("--unhealthy-fraction", type=float, default=0.1)
    ap.add_argument("--cluster", default="bench")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    args = ap.parse_args(argv)
    data = build(args)
    if args.output == "-":
        json.dump(data, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        with open(args.output, "w") as f:
            json.dump(data, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
