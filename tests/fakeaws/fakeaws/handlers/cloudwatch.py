"""Amazon CloudWatch GetMetricData (Query protocol in this botocore).

Scenario metrics (section "cloudwatch.metrics"):
  {"Namespace": "AWS/ECS", "MetricName": "CPUUtilization",
   "Dimensions": {"ClusterName": "prod", "ServiceName": "web-service"},
   "Period": 60, "Values": [12.0, 15.5, ...]}      # newest last, ending now
or "Datapoints": [["-5m", 12.0], ["-4m", 15.5]].
"""

import datetime

from ..errors import AwsError


def _series(ctx, m):
    if "Datapoints" in m:
        return [(ctx.sc.t(t), float(v)) for t, v in m["Datapoints"]]
    period = m.get("Period", 60)
    vals = m.get("Values", [])
    end = ctx.sc.now.replace(second=0)
    return [(end - datetime.timedelta(seconds=period * (len(vals) - 1 - i)), float(v)) for i, v in enumerate(vals)]


def GetMetricData(ctx, p):
    if p["StartTime"] >= p["EndTime"]:
        raise AwsError("InvalidParameterValue", "The parameter StartTime must be less than the parameter EndTime.")
    results = []
    for q in p["MetricDataQueries"]:
        stat = q.get("MetricStat")
        points = []
        if stat:
            metric = stat["Metric"]
            dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
            for m in ctx.sc.metrics:
                if m.get("Namespace") == metric.get("Namespace") and m.get("MetricName") == metric.get("MetricName") \
                        and m.get("Dimensions", {}) == dims:
                    points = [(t, v) for t, v in _series(ctx, m) if p["StartTime"] <= t < p["EndTime"]]
        if q.get("ReturnData", True) is False:
            continue
        desc = p.get("ScanBy", "TimestampDescending") == "TimestampDescending"
        points.sort(key=lambda x: x[0], reverse=desc)
        results.append({"Id": q["Id"], "Label": q.get("Label") or (stat or {}).get("Metric", {}).get("MetricName", q["Id"]),
                        "Timestamps": [t for t, _ in points], "Values": [v for _, v in points],
                        "StatusCode": "Complete", "Messages": []})
    return {"MetricDataResults": results, "Messages": []}


def GetMetricStatistics(ctx, p):
    """Each scenario point is reported as one datapoint (every statistic = the value)."""
    if p["StartTime"] >= p["EndTime"]:
        raise AwsError("InvalidParameterCombination", "The parameter StartTime must be less than the parameter "
                                                      "EndTime.")
    dims = {d["Name"]: d["Value"] for d in p.get("Dimensions", [])}
    stats = p.get("Statistics") or []
    points = []
    for m in ctx.sc.metrics:
        if m.get("Namespace") == p["Namespace"] and m.get("MetricName") == p["MetricName"] \
                and m.get("Dimensions", {}) == dims:
            points = [(t, v) for t, v in _series(ctx, m) if p["StartTime"] <= t < p["EndTime"]]
    unit = p.get("Unit") or "Percent"
    dps = []
    for t, v in points:
        dp = {"Timestamp": t, "Unit": unit}
        for s in stats:
            dp[s] = v if s != "SampleCount" else 1.0
        dps.append(dp)
    return {"Label": p["MetricName"], "Datapoints": dps}
