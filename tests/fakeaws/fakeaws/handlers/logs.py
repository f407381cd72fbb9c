"""Amazon CloudWatch Logs (JSON 1.1, Logs_20140328).

GetLogEvents reproduces the token semantics clients trip over: without a
token and with startFromHead false it returns the *newest* `limit` events;
nextForwardToken is returned even at the end of the stream and then equals
the token that was passed in -- that repeat is the only end-of-stream signal.
"""

import re

from ..errors import AwsError
from . import clean, paginate


def _group(ctx, name):
    g = ctx.sc.idx.log_groups.get(name)
    if g is None:
        raise AwsError("ResourceNotFoundException", "The specified log group does not exist.")
    return g


def _stream(ctx, g, name):
    for s in g["_streams"]:
        if s["logStreamName"] == name:
            return s
    raise AwsError("ResourceNotFoundException", "The specified log stream does not exist.")


def DescribeLogGroups(ctx, p):
    groups = sorted(ctx.sc.idx.log_groups.values(), key=lambda g: g["logGroupName"])
    if p.get("logGroupNamePrefix") and p.get("logGroupNamePattern"):
        raise AwsError("InvalidParameterException",
                       "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.")
    if p.get("logGroupNamePrefix"):
        groups = [g for g in groups if g["logGroupName"].startswith(p["logGroupNamePrefix"])]
    if p.get("logGroupNamePattern"):
        groups = [g for g in groups if p["logGroupNamePattern"].lower() in g["logGroupName"].lower()]
    page, nxt = paginate(ctx, [clean(g) for g in groups], p.get("nextToken"), p.get("limit"), 50)
    return {"logGroups": page, "nextToken": nxt}


def DescribeLogStreams(ctx, p):
    g = _group(ctx, p["logGroupName"])
    streams = list(g["_streams"])
    order = p.get("orderBy", "LogStreamName")
    if order == "LastEventTime" and p.get("logStreamNamePrefix"):
        raise AwsError("InvalidParameterException",
                       "Cannot order by LastEventTime with a logStreamNamePrefix.")
    if p.get("logStreamNamePrefix"):
        streams = [s for s in streams if s["logStreamName"].startswith(p["logStreamNamePrefix"])]
    if order == "LastEventTime":
        streams.sort(key=lambda s: s.get("lastEventTimestamp", 0), reverse=bool(p.get("descending")))
    else:
        streams.sort(key=lambda s: s["logStreamName"], reverse=bool(p.get("descending")))
    page, nxt = paginate(ctx, [clean(s) for s in streams], p.get("nextToken"), p.get("limit"), 50)
    return {"logStreams": page, "nextToken": nxt}


_TOKEN = re.compile(r"^([fb])/(\d{56})$")


def _in_window(events, p):
    lo, hi = p.get("startTime"), p.get("endTime")
    return [e for e in events if (lo is None or e["timestamp"] >= lo) and (hi is None or e["timestamp"] < hi)]


def GetLogEvents(ctx, p):
    g = _group(ctx, p["logGroupName"])
    s = _stream(ctx, g, p["logStreamName"])
    events = _in_window(s["_events"], p)
    limit = p.get("limit", 10000)
    n = len(events)
    tok = p.get("nextToken")
    if tok:
        m = _TOKEN.match(tok)
        if not m:
            raise AwsError("InvalidParameterException", "The specified nextToken is invalid.")
        pos = min(int(m.group(2)), n)
        if m.group(1) == "f":
            start, end = pos, min(n, pos + limit)
        else:
            start, end = max(0, pos - limit), pos
    elif p.get("startFromHead"):
        start, end = 0, min(n, limit)
    else:
        start, end = max(0, n - limit), n
    page = [{"timestamp": e["timestamp"], "message": e["message"], "ingestionTime": e["ingestionTime"]}
            for e in events[start:end]]
    return {"events": page, "nextForwardToken": f"f/{end:056d}", "nextBackwardToken": f"b/{start:056d}"}


def _matcher(pattern):
    """A small subset of the filter pattern syntax: terms (all must match),
    "quoted phrases", ?term alternatives, and -term exclusions."""
    if not pattern or not pattern.strip():
        return lambda m: True
    terms = re.findall(r'[?-]?"[^"]*"|\S+', pattern)
    must, any_of, not_ = [], [], []
    for t in terms:
        kind = t[0] if t[0] in "?-" else ""
        t = t[1:] if kind else t
        t = t.strip('"')
        {"": must, "?": any_of, "-": not_}[kind].append(t)
    return lambda m: (all(t in m for t in must) and (not any_of or any(t in m for t in any_of))
                      and not any(t in m for t in not_))


def FilterLogEvents(ctx, p):
    g = _group(ctx, p["logGroupName"])
    if p.get("logStreamNames") and p.get("logStreamNamePrefix"):
        raise AwsError("InvalidParameterException",
                       "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.")
    streams = g["_streams"]
    if p.get("logStreamNames"):
        streams = [s for s in streams if s["logStreamName"] in p["logStreamNames"]]
    if p.get("logStreamNamePrefix"):
        streams = [s for s in streams if s["logStreamName"].startswith(p["logStreamNamePrefix"])]
    match = _matcher(p.get("filterPattern"))
    out = []
    for s in streams:
        for i, e in enumerate(_in_window(s["_events"], p)):
            if match(e["message"]):
                out.append({"logStreamName": s["logStreamName"], "timestamp": e["timestamp"],
                            "message": e["message"], "ingestionTime": e["ingestionTime"],
                            "eventId": f"{e['timestamp']:020d}{i:036d}"[:56]})
    out.sort(key=lambda e: (e["timestamp"], e["logStreamName"]))
    page, nxt = paginate(ctx, out, p.get("nextToken"), p.get("limit"), 10000)
    return {"events": page, "nextToken": nxt,
            "searchedLogStreams": [{"logStreamName": s["logStreamName"], "searchedCompletely": True}
                                   for s in streams]}
