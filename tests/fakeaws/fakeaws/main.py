"""Command line: start the fake AWS endpoint."""

import argparse
import ipaddress
import os
import signal
import sys
import threading

from . import faults, scenario
from .calllog import CallLog
from .server import FakeAws, Server


def parse_args(argv=None):
    ap = argparse.ArgumentParser(
        prog="fakeaws-server",
        description="Fake AWS endpoint for ecs-doctor tests, demos and benchmarks (loopback only).",
        epilog=faults.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scenario", "-s", required=True, help="scenario JSON file")
    ap.add_argument("--host", default="127.0.0.1", help="loopback address to bind (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    ap.add_argument("--port-file", help="write the port here once listening (atomically)")
    ap.add_argument("--call-log", help="append one JSON line per request to this file")
    ap.add_argument("--verbose", "-v", action="store_true", help="log each request to stderr")
    ap.add_argument("--check", action="store_true", help="load and validate the scenario, then exit")
    ap.add_argument("--now", help="pin the scenario's 'now' (ISO-8601) instead of the start-up time; "
                                  "relative times such as '-15m' are resolved against it")
    faults.add_arguments(ap)
    return ap.parse_args(argv)


def _write_atomic(path, text):
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv=None):
    args = parse_args(argv)
    try:
        now = scenario.parse_time(args.now, None) if args.now else None
        sc = scenario.load(args.scenario, now=now)
    except (scenario.ScenarioError, OSError) as e:
        print(f"fakeaws: {e}", file=sys.stderr)
        return 2
    if args.check:
        n = sum(len(v) for v in sc.r.values())
        for w in sc.dangling():
            print(f"fakeaws: warning: {w}")
        print(f"fakeaws: {args.scenario}: OK ({n} resources)")
        return 0
    if not ipaddress.ip_address(args.host).is_loopback:
        print("fakeaws: refusing to bind a non-loopback address", file=sys.stderr)
        return 2
    app = FakeAws(sc, faults.Faults(args), CallLog(args.call_log), quiet=not args.verbose)
    httpd = Server(app, args.host, args.port)
    port = httpd.server_address[1]

    def stop(signum, frame):
        app.stopping.set()  # wake stalled/latency-delayed requests
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        _write_atomic(args.port_file, f"{port}\n")
    print(f"fakeaws: listening on http://{args.host}:{port} scenario={args.scenario} pid={os.getpid()}",
          flush=True)
    try:
        httpd.serve_forever(poll_interval=0.2)
    finally:
        httpd.server_close()
        app.log.close()
    return 0
