"""Scenario files: load, fill in defaults, index.

A scenario is JSON describing one AWS account.  Resources are written with
the field names boto3 / `aws --output json` show (ECS camelCase, ELBv2/IAM/EC2
PascalCase), so real output can be pasted in.  Each resource is checked
against its botocore shape when loaded -- a typo in a field name is a load
error, not a silently missing field.  A few fake-only keys (listed per kind
in KINDS, e.g. a task's "cluster"/"count", a target group's "targets") carry
relationships and are removed before the shape check.

Defaults fill the rest: ARNs/ids derived from names, owner ids, states,
timestamps.  Timestamps may be relative to load time: "now", "-15m", "+1h",
"-2d", "-30s" (and work for epoch-millisecond fields such as CloudWatch Logs
event timestamps too).  See README.md for the full format.
"""

import copy
import datetime
import hashlib
import json
import re

from . import services
from .sigv4 import Credential

UTC = datetime.timezone.utc
_REL = re.compile(r"^(now)?\s*([+-])\s*(\d+(?:\.\d+)?)\s*([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCESS_KEY = "AKIDEXAMPLEFAKE00001"
DEFAULT_SECRET_KEY = "fake/secret/KEY/EXAMPLE+0000000000000"


class ScenarioError(Exception):
    pass


def h(*parts, n=16):
    """Deterministic hex id from parts, so ARNs are stable across runs."""
    return hashlib.sha256("/".join(str(p) for p in parts).encode()).hexdigest()[:n]


def parse_time(value, now):
    """'now' | '+/-N[smhdw]' | ISO-8601 | epoch seconds -> aware datetime."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Treat very large numbers as epoch milliseconds.
        return datetime.datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
    s = str(value).strip()
    if s == "now":
        return now
    m = _REL.match(s)
    if m:
        secs = float(m.group(3)) * _UNITS[m.group(4)]
        return now + datetime.timedelta(seconds=secs if m.group(2) == "+" else -secs)
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    try:
        dt = datetime.datetime.fromisoformat(s)
    except ValueError:
        raise ScenarioError(f"bad time {value!r} (use 'now', '-15m', '+1h', ISO-8601 or epoch)")
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def epoch_ms(dt):
    return int(dt.timestamp() * 1000)


# Members of type long that hold epoch milliseconds (CloudWatch Logs).
_MS_FIELDS = {"creationTime", "firstEventTimestamp", "lastEventTimestamp", "lastIngestionTime",
              "timestamp", "ingestionTime"}


def conform(value, shape, path, now):
    """Check `value` against `shape`; convert times; raise on unknown members."""
    t = shape.type_name
    if value is None:
        return None
    if t == "structure":
        if not isinstance(value, dict):
            raise ScenarioError(f"{path}: expected an object ({shape.name})")
        out = {}
        for k, v in value.items():
            if k not in shape.members:
                raise ScenarioError(f"{path}: unknown field {k!r} for {shape.name}; known: "
                                    f"{', '.join(shape.members)}")
            out[k] = conform(v, shape.members[k], f"{path}.{k}", now)
        return out
    if t == "list":
        if not isinstance(value, list):
            raise ScenarioError(f"{path}: expected a list ({shape.name})")
        return [conform(v, shape.member, f"{path}[{i}]", now) for i, v in enumerate(value)]
    if t == "map":
        return {k: conform(v, shape.value, f"{path}.{k}", now) for k, v in value.items()}
    if t == "timestamp":
        return parse_time(value, now)
    if t == "long" and isinstance(value, str) and path.rsplit(".", 1)[-1] in _MS_FIELDS:
        return epoch_ms(parse_time(value, now))
    if t in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise ScenarioError(f"{path}: expected an integer")
    if t == "boolean" and not isinstance(value, bool):
        raise ScenarioError(f"{path}: expected true/false")
    if t == "string" and isinstance(value, (dict, list)):
        # JSON documents (policies) may be written inline; AWS carries them as strings.
        return json.dumps(value, separators=(",", ":"))
    if t == "string" and not isinstance(value, str):
        raise ScenarioError(f"{path}: expected a string")
    return value


# (section, key) -> (botocore model, shape, fake-only keys)
KINDS = {
    ("ecs", "clusters"): ("ecs", "Cluster", set()),
    ("ecs", "services"): ("ecs", "Service", {"cluster"}),
    ("ecs", "tasks"): ("ecs", "Task", {"cluster", "service", "count", "taskId", "taskIds", "privateIp",
                                                "subnet", "untimed"}),
    ("ecs", "taskDefinitions"): ("ecs", "TaskDefinition", {"tags"}),
    ("ecs", "containerInstances"): ("ecs", "ContainerInstance", {"cluster"}),
    ("ecs", "capacityProviders"): ("ecs", "CapacityProvider", set()),
    ("elbv2", "loadBalancers"): ("elbv2", "LoadBalancer", {"attributes", "Tags"}),
    ("elbv2", "targetGroups"): ("elbv2", "TargetGroup", {"targets", "attributes", "loadBalancers", "Tags"}),
    ("elbv2", "listeners"): ("elbv2", "Listener", {"loadBalancer"}),
    ("elbv2", "rules"): ("elbv2", "Rule", {"listener"}),
    ("ec2", "vpcs"): ("ec2", "Vpc", {"Name"}),
    ("ec2", "subnets"): ("ec2", "Subnet", {"Name"}),
    ("ec2", "routeTables"): ("ec2", "RouteTable", {"Name", "Subnets", "Main"}),
    ("ec2", "natGateways"): ("ec2", "NatGateway", {"Name"}),
    ("ec2", "internetGateways"): ("ec2", "InternetGateway", {"Name", "VpcId"}),
    ("ec2", "vpcEndpoints"): ("ec2", "VpcEndpoint", {"Name"}),
    ("ec2", "securityGroups"): ("ec2", "SecurityGroup", {"Name"}),
    ("ec2", "networkAcls"): ("ec2", "NetworkAcl", {"Name", "Subnets"}),
    ("ec2", "networkInterfaces"): ("ec2", "NetworkInterface", {"Name"}),
    ("ec2", "instances"): ("ec2", "Instance", {"Name"}),
    ("ec2", "prefixLists"): ("ec2", "PrefixList", set()),
    ("ec2", "managedPrefixLists"): ("ec2", "ManagedPrefixList", set()),
    ("iam", "roles"): ("iam", "Role", {"AttachedPolicies", "InlinePolicies"}),
    ("iam", "policies"): ("iam", "Policy", {"Document", "Versions"}),
    ("logs", "logGroups"): ("logs", "LogGroup", {"streams"}),
    ("ecr", "repositories"): ("ecr", "Repository", {"images"}),
    ("secretsmanager", "secrets"): ("secretsmanager", "SecretListEntry", set()),
    ("ssm", "parameters"): ("ssm", "Parameter", {"Description", "Tier", "KeyId"}),
    ("applicationAutoscaling", "scalableTargets"): ("application-autoscaling", "ScalableTarget", set()),
    ("applicationAutoscaling", "scalingActivities"): ("application-autoscaling", "ScalingActivity", set()),
    ("applicationAutoscaling", "scalingPolicies"): ("application-autoscaling", "ScalingPolicy", set()),
    ("cloudtrail", "events"): ("cloudtrail", "Event", set()),
}
# Sections with a free-form layout (documented in README).
FREEFORM = {("cloudwatch", "metrics")}

_MODEL_BY_NAME = {s.model_name: s for s in services.SERVICES}


def _shape(model_name, shape_name):
    return _MODEL_BY_NAME[model_name].model.shape_for(shape_name)


class Scenario:
    """Loaded scenario: normalized resources plus lookup indexes.

    Resources are stored already in their output-shape form so handlers
    mostly filter, paginate and return them.  Fake-only relationship keys are
    kept under "_"-prefixed keys (e.g. task["_cluster"]) which the serializers
    never see because handlers strip them (see public()).
    """

    def __init__(self, data, now=None, source="<dict>"):
        self.source = source
        if now is None and data.get("now"):
            now = parse_time(data["now"], None)
        self.now = now or datetime.datetime.now(UTC).replace(microsecond=0)
        self.raw = data
        self.description = data.get("description", "")
        self.account = str(data.get("account", DEFAULT_ACCOUNT))
        self.region = data.get("region", DEFAULT_REGION)
        # Regions whose ECR / Secrets Manager / SSM / Logs requests are answered
        # too, from the same data: images or secrets that live elsewhere.
        self.other_regions = list(data.get("otherRegions", []))
        self.caller_arn = data.get("callerArn", f"arn:aws:iam::{self.account}:user/fakeaws")
        self.credentials = self._load_credentials(data.get("credentials"))
        known_sections = {s for s, _ in KINDS} | {s for s, _ in FREEFORM} | {
            "description", "account", "region", "otherRegions", "callerArn", "credentials", "now", "$schema",
            "comment"}
        for k in data:
            if k not in known_sections:
                raise ScenarioError(f"unknown top-level key {k!r}")
        for sec in {s for s, _ in KINDS}:
            for key in data.get(sec, {}):
                if (sec, key) not in KINDS and (sec, key) not in FREEFORM:
                    raise ScenarioError(f"unknown key {sec}.{key}")
        self.r = {}  # (section, key) -> list of normalized resources
        for (sec, key), (model, shape_name, extras) in KINDS.items():
            items = []
            for i, item in enumerate(data.get(sec, {}).get(key, [])):
                item = copy.deepcopy(item)
                extra = {k: item.pop(k) for k in list(item) if k in extras}
                norm = conform(item, _shape(model, shape_name), f"{sec}.{key}[{i}]", self.now)
                for k, v in extra.items():
                    norm["_" + k] = v
                items.append(norm)
            self.r[(sec, key)] = items
        self.metrics = data.get("cloudwatch", {}).get("metrics", [])
        from . import defaults  # late import: defaults uses helpers from here
        defaults.apply(self)

    def dangling(self):
        """References to resources the scenario does not define.

        Not errors -- a scenario may point at a deleted target group on
        purpose -- but usually a typo, so `--check` lists them.
        """
        idx, out = self.idx, []
        ec2_ids = idx.ec2_ids
        for (cn, name), s in idx.services.items():
            where = f"service {cn}/{name}"
            if s.get("taskDefinition") not in idx.td_by_arn:
                out.append(f"{where}: task definition {s.get('taskDefinition')} not defined")
            for lb in s.get("loadBalancers", []):
                if lb.get("targetGroupArn") and lb["targetGroupArn"] not in idx.tgs:
                    out.append(f"{where}: target group {lb['targetGroupArn']} not defined")
            awsvpc = (s.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
            for x in awsvpc.get("subnets", []) + awsvpc.get("securityGroups", []):
                if x not in ec2_ids:
                    out.append(f"{where}: {x} not defined in ec2")
        for td in idx.td_by_arn.values():
            for k in ("executionRoleArn", "taskRoleArn"):
                if td.get(k) and td[k] not in idx.iam_role_arns:
                    out.append(f"task definition {td['family']}:{td['revision']}: role {td[k]} not defined")
        for t in self.r[("ecs", "tasks")]:
            if t["taskDefinitionArn"] not in idx.td_by_arn:
                out.append(f"task {t['taskArn'].rsplit('/', 1)[-1]}: task definition {t['taskDefinitionArn']} "
                           "not defined")
        return sorted(set(out))

    # -- helpers used by defaults and handlers ---------------------------
    def arn(self, service, resource, region=True, account=None):
        reg = self.region if region else ""
        return f"arn:aws:{service}:{reg}:{account or self.account}:{resource}"

    def t(self, value):
        return parse_time(value, self.now)

    def _load_credentials(self, creds):
        out = []
        if not creds:
            creds = [{}]
        for c in creds:
            exp = c.get("expiration")
            out.append(Credential(
                c.get("accessKeyId", DEFAULT_ACCESS_KEY),
                c.get("secretAccessKey", DEFAULT_SECRET_KEY),
                c.get("sessionToken"),
                parse_time(exp, self.now) if exp else None,
                c.get("arn", self.caller_arn),
                self.account,
                c.get("userId", "AIDA" + h(c.get("accessKeyId", DEFAULT_ACCESS_KEY), n=17).upper()),
            ))
        return out


def public(resource):
    """Strip fake-only '_' keys before serialization."""
    return {k: v for k, v in resource.items() if not k.startswith("_")}


def load(path, now=None):
    with open(path) as f:
        try:
            data = json.load(f)
        except ValueError as e:
            raise ScenarioError(f"{path}: invalid JSON: {e}")
    try:
        return Scenario(data, now=now, source=path)
    except ScenarioError as e:
        raise ScenarioError(f"{path}: {e}")
