"""Request validation against botocore input shapes, worded like AWS.

Checks: unknown members and type mismatches (found while decoding, see
wire.py), missing required members, string length / list length / numeric
range limits and enums from the model, plus service-side limits that the
published models do not carry (DescribeTasks <= 100 tasks, ...).

Two wordings exist in the wild and both are reproduced:
  * Coral services (JSON services, IAM, STS, ELBv2, CloudWatch):
      "1 validation error detected: Value null at 'services' failed to
       satisfy constraint: Member must not be null"
  * EC2: MissingParameter / UnknownParameter / InvalidParameterValue with
    their own sentences.
"""

from .errors import AwsError, validation_error

# Limits enforced by the services but absent from botocore's models:
# (scope, operation) -> [(member, kind, limit, code, message)]
# kind: 'maxlen' (list length) or 'range' ((lo, hi) for integers).
SERVICE_LIMITS = {
    ("ecs", "DescribeServices"): [("services", "maxlen", 10, "InvalidParameterException",
                                   "Services cannot be more than 10.")],
    ("ecs", "DescribeTasks"): [("tasks", "maxlen", 100, "InvalidParameterException",
                                "Tasks cannot be more than 100.")],
    ("ecs", "DescribeClusters"): [("clusters", "maxlen", 100, "InvalidParameterException",
                                   "Clusters cannot be more than 100.")],
    ("ecs", "DescribeContainerInstances"): [("containerInstances", "maxlen", 100, "InvalidParameterException",
                                             "Container instances cannot be more than 100.")],
    ("ecs", "DescribeCapacityProviders"): [("maxResults", "range", (1, 10), "InvalidParameterException",
                                            "maxResults must be between 1 and 10.")],
    ("ecs", "ListServices"): [("maxResults", "range", (1, 100), "InvalidParameterException",
                               "maxResults must be between 1 and 100.")],
    ("ecs", "ListTasks"): [("maxResults", "range", (1, 100), "InvalidParameterException",
                            "maxResults must be between 1 and 100.")],
    ("ecs", "ListTaskDefinitions"): [("maxResults", "range", (1, 100), "InvalidParameterException",
                                      "maxResults must be between 1 and 100.")],
    ("ecs", "ListContainerInstances"): [("maxResults", "range", (1, 100), "InvalidParameterException",
                                         "maxResults must be between 1 and 100.")],
    ("ecs", "ListClusters"): [("maxResults", "range", (1, 100), "InvalidParameterException",
                               "maxResults must be between 1 and 100.")],
    ("elasticloadbalancing", "DescribeLoadBalancers"): [
        ("LoadBalancerArns", "maxlen", 20, "ValidationError",
         "A maximum of 20 load balancer ARNs can be specified"),
        ("Names", "maxlen", 20, "ValidationError", "A maximum of 20 load balancer names can be specified")],
    ("elasticloadbalancing", "DescribeTags"): [("ResourceArns", "maxlen", 20, "ValidationError",
                                                "A maximum of 20 resource ARNs can be specified")],
}


def _coral_value(v):
    if v is None:
        return "null"
    if isinstance(v, list):
        return "[" + ", ".join(str(x) for x in v) + "]"
    return str(v)


class _Collector:
    def __init__(self, scope, ec2):
        self.scope = scope
        self.ec2 = ec2
        self.coral = []   # Coral-style constraint sentences
        self.ec2_err = None

    def constraint(self, path, value, sentence, ec2_code="InvalidParameterValue", ec2_msg=None):
        self.coral.append(f"Value {_coral_value(value) if not isinstance(value, str) else repr(value)} "
                          f"at '{path}' failed to satisfy constraint: {sentence}")
        if self.ec2 and self.ec2_err is None:
            self.ec2_err = AwsError(ec2_code, ec2_msg or f"Value ({value}) for parameter {path} is invalid. {sentence}")


def _lower_first(path):
    # Coral reports member names starting lowercase ('roleName' for RoleName).
    return ".".join(p[:1].lower() + p[1:] for p in path.split("."))


def _walk(value, shape, path, c):
    t = shape.type_name
    meta = shape.metadata
    if t == "structure":
        for req in shape.required_members:
            if value.get(req) is None:
                p = _join(path, req)
                c.coral.append(f"Value null at '{_lower_first(p) if not c.ec2 else p}' "
                               f"failed to satisfy constraint: Member must not be null")
                if c.ec2 and c.ec2_err is None:
                    c.ec2_err = AwsError("MissingParameter", f"The request must contain the parameter {p}")
        for k, v in value.items():
            if v is not None and k in shape.members:
                _walk(v, shape.members[k], _join(path, k), c)
    elif t == "list":
        if "min" in meta and len(value) < meta["min"]:
            c.constraint(path, value, f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            c.constraint(path, value, f"Member must have length less than or equal to {meta['max']}")
        if any(v is None for v in value):
            # JSON null inside a list: Coral rejects it before the handler runs.
            c.constraint(path, value, "Member must satisfy constraint: [Member must not be null]")
        for i, v in enumerate(value, 1):
            if v is not None:
                _walk(v, shape.member, f"{path}.{i}" if c.ec2 else f"{path}.{i}.member", c)
    elif t == "map":
        if any(v is None for v in value.values()):
            c.constraint(path, value, "Map value must satisfy constraint: [Member must not be null]")
        for k, v in value.items():
            if v is not None:
                _walk(v, shape.value, f"{path}.{k}", c)
    elif t == "string":
        if "min" in meta and len(value) < meta["min"]:
            c.constraint(path, value, f"Member must have length greater than or equal to {meta['min']}")
        if "max" in meta and len(value) > meta["max"]:
            c.constraint(path, value, f"Member must have length less than or equal to {meta['max']}")
        if "enum" in meta and value not in meta["enum"]:
            c.constraint(path, value, f"Member must satisfy enum value set: [{', '.join(meta['enum'])}]")
    elif t in ("integer", "long", "float", "double"):
        if "min" in meta and value < meta["min"]:
            c.constraint(path, value, f"Member must have value greater than or equal to {meta['min']}")
        if "max" in meta and value > meta["max"]:
            c.constraint(path, value, f"Member must have value less than or equal to {meta['max']}")


def _join(path, key):
    return f"{path}.{key}" if path else key


def validate(scope, protocol, operation, params, decode_errors):
    """Raise AwsError if the request is malformed; return None otherwise."""
    ec2 = protocol == "ec2"
    # 1. Structural problems found while decoding.
    for kind, path, detail in decode_errors:
        if ec2:
            if kind == "unknown":
                raise AwsError("UnknownParameter", f"The parameter {path} is not recognized")
            raise AwsError("InvalidParameterValue", f"Invalid value for parameter {path}: expected {detail}")
        if protocol == "json":
            if kind == "unknown":
                raise AwsError("SerializationException", f'Unrecognized field "{path.split(".")[-1]}"')
            raise AwsError("SerializationException",
                           f"Cannot deserialize value at '{path}': expected {detail}")
        # query protocol services
        if kind == "unknown":
            raise validation_error(scope, f"Unrecognized parameter: {path}") if scope != "iam" else \
                AwsError("InvalidInput", f"Unrecognized parameter: {path}")
        raise validation_error(scope, f"Invalid value for parameter {path}: expected {detail}")

    # 2. Model constraints.
    shape = operation.input_shape
    if shape is not None:
        c = _Collector(scope, ec2)
        _walk(params, shape, "", c)
        if ec2 and c.ec2_err:
            raise c.ec2_err
        if c.coral:
            n = len(c.coral)
            msg = f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(c.coral)
            raise validation_error(scope, msg)

    # 3. Service-side limits not in the model.
    for member, kind, limit, code, message in SERVICE_LIMITS.get((scope, operation.name), []):
        v = params.get(member)
        if v is None:
            continue
        if kind == "maxlen" and len(v) > limit:
            raise AwsError(code, message)
        if kind == "range" and not (limit[0] <= v <= limit[1]):
            raise AwsError(code, message)

    # 4. EC2: ID lists and MaxResults are mutually exclusive on Describe calls.
    if ec2 and params.get("MaxResults") is not None:
        for k, v in params.items():
            if k.endswith("Ids") and v:
                raise AwsError("InvalidParameterCombination",
                               f"The parameter {k} cannot be used with the parameter MaxResults")
