"""AWS CloudTrail LookupEvents (JSON 1.1)."""

from ..errors import AwsError
from . import clean, paginate

_ATTRS = {
    "EventId": lambda e: [e["EventId"]], "EventName": lambda e: [e.get("EventName")],
    "ReadOnly": lambda e: [e.get("ReadOnly")], "Username": lambda e: [e.get("Username")],
    "ResourceType": lambda e: [r.get("ResourceType") for r in e.get("Resources", [])],
    "ResourceName": lambda e: [r.get("ResourceName") for r in e.get("Resources", [])],
    "EventSource": lambda e: [e.get("EventSource")], "AccessKeyId": lambda e: [e.get("AccessKeyId")],
}


def LookupEvents(ctx, p):
    events = ctx.sc.r[("cloudtrail", "events")]
    attrs = p.get("LookupAttributes") or []
    if len(attrs) > 1:
        raise AwsError("InvalidLookupAttributesException", "You cannot specify more than one lookup attribute.")
    for a in attrs:
        events = [e for e in events if a["AttributeValue"] in _ATTRS[a["AttributeKey"]](e)]
    if p.get("StartTime"):
        events = [e for e in events if e["EventTime"] >= p["StartTime"]]
    if p.get("EndTime"):
        events = [e for e in events if e["EventTime"] <= p["EndTime"]]
    if p.get("MaxResults") is not None and not 1 <= p["MaxResults"] <= 50:
        raise AwsError("InvalidMaxResultsException", "MaxResults must be between 1 and 50.")
    page, nxt = paginate(ctx, [clean(e) for e in events], p.get("NextToken"), p.get("MaxResults"), 50)
    return {"Events": page, "NextToken": nxt}
