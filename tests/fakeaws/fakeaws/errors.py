"""AWS error values and the per-service error vocabulary.

Handlers and the request pipeline raise AwsError; the server turns it into the
protocol's error document (see wire.py).  Everything that differs between
services -- the throttling code, the access-denied code and wording, the
validation error code -- lives in tables here so a reader can compare them at a
glance and fix one place when AWS turns out to say something else.
"""


class AwsError(Exception):
    """An error AWS would return.  `code` is the wire error code."""

    def __init__(self, code, message, status=400, sender=True):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        # Query protocol <Type>: Sender for client faults, Receiver for 5xx.
        self.sender = sender


class ResourceNotFound(AwsError):
    pass


# Throttling: (code, message, http status).  These are what the services
# really answer; clients classify retryable errors by these codes.
THROTTLING = {
    "ecs": ("ThrottlingException", "Rate exceeded", 400),
    "elasticloadbalancing": ("Throttling", "Rate exceeded", 400),
    "ec2": ("RequestLimitExceeded", "Request limit exceeded.", 503),
    "iam": ("Throttling", "Rate exceeded", 400),
    "sts": ("Throttling", "Rate exceeded", 400),
    "logs": ("ThrottlingException", "Rate exceeded", 400),
    "ecr": ("ThrottlingException", "Rate exceeded", 400),
    "secretsmanager": ("ThrottlingException", "Rate exceeded", 400),
    "ssm": ("ThrottlingException", "Rate exceeded", 400),
    "application-autoscaling": ("ThrottlingException", "Rate exceeded", 400),
    "cloudtrail": ("ThrottlingException", "Rate exceeded", 400),
    "monitoring": ("Throttling", "Rate exceeded", 400),
}

# Access denied: (code, http status).  EC2 is the odd one out with
# UnauthorizedOperation and (really) an encoded authorization message.
ACCESS_DENIED = {
    "ecs": ("AccessDeniedException", 400),
    "elasticloadbalancing": ("AccessDenied", 403),
    "ec2": ("UnauthorizedOperation", 403),
    "iam": ("AccessDenied", 403),
    "sts": ("AccessDenied", 403),
    "logs": ("AccessDeniedException", 400),
    "ecr": ("AccessDeniedException", 400),
    "secretsmanager": ("AccessDeniedException", 400),
    "ssm": ("AccessDeniedException", 400),
    "application-autoscaling": ("AccessDeniedException", 400),
    "cloudtrail": ("AccessDeniedException", 400),
    "monitoring": ("AccessDenied", 403),
}

# Validation failures (missing/unknown/out-of-range parameters).
VALIDATION = {
    "ecs": "InvalidParameterException",
    "elasticloadbalancing": "ValidationError",
    "ec2": "InvalidParameterValue",
    "iam": "ValidationError",
    "sts": "ValidationError",
    "logs": "InvalidParameterException",
    "ecr": "InvalidParameterException",
    "secretsmanager": "InvalidParameterException",
    "ssm": "ValidationException",
    "application-autoscaling": "ValidationException",
    "cloudtrail": "InvalidParameterException",
    "monitoring": "InvalidParameterValue",
}

# Internal server errors used by --error-rate.
INTERNAL = {
    "ecs": ("ServerException", "Service Unavailable", 500),
    "ec2": ("InternalError", "An internal error has occurred", 500),
    "elasticloadbalancing": ("InternalFailure", "Internal failure", 500),
    "iam": ("ServiceFailure", "Service failure", 500),
    "logs": ("ServiceUnavailableException", "Service Unavailable", 500),
}
_INTERNAL_DEFAULT = ("InternalFailure", "We encountered an internal error. Please try again.", 500)


def throttling_error(scope_service):
    code, msg, status = THROTTLING.get(scope_service, ("ThrottlingException", "Rate exceeded", 400))
    return AwsError(code, msg, status)


def access_denied_error(scope_service, caller_arn, action, resource):
    code, status = ACCESS_DENIED.get(scope_service, ("AccessDeniedException", 400))
    if scope_service == "ec2":
        # EC2 does not name the caller; the detail is in an encoded blob.
        msg = ("You are not authorized to perform this operation. "
               "Encoded authorization failure message: fakeaws-encoded-" + action.replace(":", "-"))
    else:
        msg = (f"User: {caller_arn} is not authorized to perform: {action} on resource: {resource} "
               f"because no identity-based policy allows the {action} action")
    return AwsError(code, msg, status)


def internal_error(scope_service):
    code, msg, status = INTERNAL.get(scope_service, _INTERNAL_DEFAULT)
    return AwsError(code, msg, status, sender=False)


def validation_error(scope_service, message):
    return AwsError(VALIDATION.get(scope_service, "ValidationException"), message, 400)
