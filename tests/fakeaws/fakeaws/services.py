"""Which AWS services the fake answers, and their botocore models.

A request is routed by the service named in its SigV4 credential scope (what
the client *signed for*), falling back to the X-Amz-Target prefix.  Each entry
ties that scope name to botocore's model so that validation, serialization and
the self-test all read the same shapes the real SDKs use.
"""

import threading

import botocore.loaders
import botocore.model


class Service:
    def __init__(self, scope, model_name, handler_module):
        self.scope = scope                  # credential-scope service name
        self.model_name = model_name        # botocore data directory name
        self.handler_module = handler_module
        self._model = None

    @property
    def model(self):
        # Loading a model is ~50 ms for ec2; do it once, lazily.
        if self._model is None:
            self._model = _load_model(self.model_name)
        return self._model

    @property
    def protocol(self):
        return self.model.metadata["protocol"]

    @property
    def target_prefix(self):
        return self.model.metadata.get("targetPrefix")

    @property
    def api_version(self):
        return self.model.metadata["apiVersion"]


_loader = botocore.loaders.Loader()
_lock = threading.Lock()


def _load_model(name):
    with _lock:
        data = _loader.load_service_model(name, "service-2")
        return botocore.model.ServiceModel(data, service_name=name)


SERVICES = [
    Service("ecs", "ecs", "ecs"),
    Service("elasticloadbalancing", "elbv2", "elbv2"),
    Service("ec2", "ec2", "ec2"),
    Service("iam", "iam", "iam"),
    Service("sts", "sts", "sts"),
    Service("logs", "logs", "logs"),
    Service("ecr", "ecr", "ecr"),
    Service("secretsmanager", "secretsmanager", "secretsmanager"),
    Service("ssm", "ssm", "ssm"),
    Service("application-autoscaling", "application-autoscaling", "autoscaling"),
    Service("cloudtrail", "cloudtrail", "cloudtrail"),
    Service("monitoring", "cloudwatch", "cloudwatch"),
]

BY_SCOPE = {s.scope: s for s in SERVICES}
# Known JSON target prefixes, so X-Amz-Target can route without loading models.
BY_TARGET_PREFIX = {
    "AmazonEC2ContainerServiceV20141113": BY_SCOPE["ecs"],
    "Logs_20140328": BY_SCOPE["logs"],
    "AmazonEC2ContainerRegistry_V20150921": BY_SCOPE["ecr"],
    "secretsmanager": BY_SCOPE["secretsmanager"],
    "AmazonSSM": BY_SCOPE["ssm"],
    "AnyScaleFrontendService": BY_SCOPE["application-autoscaling"],
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101": BY_SCOPE["cloudtrail"],
}


def is_mutating(scope, operation):
    """Read-only operations are Describe*/List*/Get*/Lookup*/BatchGet*/Filter*.

    STS AssumeRole* is read-only in effect but hands out credentials, which a
    diagnostic tool must never do implicitly, so it is flagged too.
    """
    if scope == "sts" and operation.startswith("Assume"):
        return True
    if operation == "GetSecretValue":
        return True  # reading secret material is never something ecs-doctor should do
    return not operation.startswith(("Describe", "List", "Get", "Lookup", "BatchGet", "Filter"))
