"""Fault injection, configured from the command line.

Every fault flag takes a SPEC optionally followed by @TARGETS, where TARGETS
is a comma list of `service` or `service:Operation` (service = credential
scope name such as `elasticloadbalancing`, or the botocore/CLI name such as
`elbv2`; `*` wildcards allowed in the operation).  Without @TARGETS the fault
applies to every request.  Flags can be repeated.

  --latency 50            fixed 50 ms before answering
  --latency 50~20         50 ms +/- 20 ms uniform jitter
  --rate-limit 5          token bucket of 5 requests/s per operation (burst 5)
  --rate-limit 5/10       5 req/s with burst 10
  --rate-limit-group 20/100@ecs:DescribeTasks,ecs:ListTasks
                          one token bucket shared by all the operations it
                          names (AWS's per-category buckets, e.g. ECS)
  --throttle-first 3      the first 3 matching requests are throttled
  --throttle-rate 0.3     30% of matching requests are throttled (at random)
  --error-rate 0.1        10% of requests answer the service's 5xx error
  --error-first 2         the first 2 matching requests answer 5xx
  --drop-rate 0.05        close the connection without answering
  --truncate-rate 0.05    send headers and half the body, then close
  --stall-rate 0.01       hold the request --stall-seconds (default 120) first
  --deny ecs:DescribeTasks,iam:GetRole   AccessDenied for these operations

Decisions are drawn from one seeded RNG (--seed) so runs are repeatable
for a given request order.
"""

import fnmatch
import random
import threading
import time

ALIASES = {"elbv2": "elasticloadbalancing", "cloudwatch": "monitoring", "elb": "elasticloadbalancing",
           "applicationautoscaling": "application-autoscaling", "secrets": "secretsmanager"}

# The IAM action prefix for each credential scope (used in AccessDenied text).
ACTION_PREFIX = {"monitoring": "cloudwatch"}


def _norm_service(s):
    return ALIASES.get(s, s)


class Target:
    def __init__(self, text):
        svc, _, op = text.partition(":")
        self.service = _norm_service(svc.strip())
        self.op = op.strip() or "*"

    def matches(self, service, op):
        return (self.service in ("*", service)) and fnmatch.fnmatchcase(op, self.op)


def _split(spec):
    value, _, targets = spec.partition("@")
    return value.strip(), [Target(t) for t in targets.split(",") if t.strip()] or None


def _hits(targets, service, op):
    return targets is None or any(t.matches(service, op) for t in targets)


class Bucket:
    def __init__(self, rate, burst):
        self.rate, self.burst = rate, burst
        self.tokens, self.last = burst, time.monotonic()

    def take(self):
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Faults:
    def __init__(self, args=None):
        a = args
        self._lock = threading.Lock()
        self.rng = random.Random(getattr(a, "seed", 0) or 0)
        self.latency = [self._latency(s) for s in getattr(a, "latency", None) or []]
        self.rate_limits = [self._rate(s) for s in getattr(a, "rate_limit", None) or []]
        self.rate_groups = [self._rate(s) for s in getattr(a, "rate_limit_group", None) or []]
        self.buckets = {}
        self.throttle_first = [[int(v), t] for v, t in map(_split, getattr(a, "throttle_first", None) or [])]
        self.throttle_rate = [(float(v), t) for v, t in map(_split, getattr(a, "throttle_rate", None) or [])]
        self.error_first = [[int(v), t] for v, t in map(_split, getattr(a, "error_first", None) or [])]
        self.error_rate = [(float(v), t) for v, t in map(_split, getattr(a, "error_rate", None) or [])]
        self.drop_rate = [(float(v), t) for v, t in map(_split, getattr(a, "drop_rate", None) or [])]
        self.truncate_rate = [(float(v), t) for v, t in map(_split, getattr(a, "truncate_rate", None) or [])]
        self.stall_rate = [(float(v), t) for v, t in map(_split, getattr(a, "stall_rate", None) or [])]
        self.stall_seconds = float(getattr(a, "stall_seconds", 120) or 120)
        self.message = getattr(a, "fault_message", None) or ""
        self.deny = []
        for spec in getattr(a, "deny", None) or []:
            self.deny += [Target(t) for t in spec.split(",") if t.strip()]

    @staticmethod
    def _latency(spec):
        v, t = _split(spec)
        base, _, jitter = v.partition("~")
        return float(base) / 1000, float(jitter or 0) / 1000, t

    @staticmethod
    def _rate(spec):
        v, t = _split(spec)
        rate, _, burst = v.partition("/")
        return float(rate), float(burst or rate), t

    def delay(self, service, op):
        total = 0.0
        for base, jitter, t in self.latency:
            if _hits(t, service, op):
                with self._lock:
                    total += max(0.0, base + self.rng.uniform(-jitter, jitter))
        return total

    def denied(self, service, op):
        return any(t.matches(service, op) for t in self.deny)

    def _roll(self, rules, service, op):
        for p, t in rules:
            if _hits(t, service, op):
                with self._lock:
                    if self.rng.random() < p:
                        return True
        return False

    def _first(self, rules, service, op):
        with self._lock:
            for r in rules:
                if r[0] > 0 and _hits(r[1], service, op):
                    r[0] -= 1
                    return True
        return False

    def decide(self, service, op):
        """Return one of None, 'drop', 'stall', 'truncate', 'error', 'throttle'."""
        if self._roll(self.drop_rate, service, op):
            return "drop"
        if self._roll(self.stall_rate, service, op):
            return "stall"
        if self._first(self.throttle_first, service, op):
            return "throttle"
        if self._roll(self.throttle_rate, service, op):
            return "throttle"
        for i, (rate, burst, t) in enumerate(self.rate_limits):
            if _hits(t, service, op):
                with self._lock:
                    b = self.buckets.setdefault((i, service, op), Bucket(rate, burst))
                    if not b.take():
                        return "throttle"
        for i, (rate, burst, t) in enumerate(self.rate_groups):
            if _hits(t, service, op):
                with self._lock:
                    b = self.buckets.setdefault(("group", i), Bucket(rate, burst))
                    if not b.take():
                        return "throttle"
        if self._first(self.error_first, service, op):
            return "error"
        if self._roll(self.error_rate, service, op):
            return "error"
        if self._roll(self.truncate_rate, service, op):
            return "truncate"
        return None


def add_arguments(parser):
    g = parser.add_argument_group("fault injection (SPEC[@service[:Operation],...]; repeatable)")
    g.add_argument("--latency", action="append", metavar="MS[~JITTER][@T]")
    g.add_argument("--rate-limit", action="append", metavar="PER_SEC[/BURST][@T]")
    g.add_argument("--rate-limit-group", action="append", metavar="PER_SEC[/BURST]@T",
                   help="one bucket shared by every operation in T")
    g.add_argument("--throttle-first", action="append", metavar="N[@T]")
    g.add_argument("--throttle-rate", action="append", metavar="FRACTION[@T]")
    g.add_argument("--error-rate", action="append", metavar="FRACTION[@T]")
    g.add_argument("--error-first", action="append", metavar="N[@T]")
    g.add_argument("--drop-rate", action="append", metavar="FRACTION[@T]")
    g.add_argument("--truncate-rate", action="append", metavar="FRACTION[@T]")
    g.add_argument("--stall-rate", action="append", metavar="FRACTION[@T]")
    g.add_argument("--stall-seconds", type=float, default=120.0)
    g.add_argument("--deny", action="append", metavar="svc:Op[,svc:Op...]")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--fault-message", metavar="TEXT",
                   help="appended to the message of every injected deny/throttle/error (a hostile service's text)")
