"""Call log: one JSON object per request, appended to a file.

Tests read it to assert batching (how many DescribeTasks calls, how many
ARNs each), concurrency (overlapping start/end), and that nothing mutating
was attempted ("mutating": true).  When FAKEAWS_CALL_LOG_DIR is set, every
record is also appended to DIR/fakeaws-<pid>.jsonl, so a test suite can check
all the calls its tests made in one place (tests/security/readonly.py).  Each line is written with a single
write() under a lock and flushed, so a reader never sees half a record.
"""

import base64
import datetime
import json
import os
import threading


def _jsonable(v):
    if isinstance(v, datetime.datetime):
        return v.isoformat()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


class CallLog:
    def __init__(self, path):
        self._lock = threading.Lock()
        self._f = open(path, "a", buffering=1) if path else None
        self._mirror = None
        mdir = os.environ.get("FAKEAWS_CALL_LOG_DIR")
        if mdir:
            os.makedirs(mdir, exist_ok=True)
            self._mirror = open(os.path.join(mdir, f"fakeaws-{os.getpid()}.jsonl"), "a", buffering=1)
        self.count = 0

    def write(self, record):
        line = json.dumps(_jsonable(record), sort_keys=True) + "\n"
        with self._lock:
            self.count += 1
            for f in (self._f, self._mirror):
                if f:
                    f.write(line)
                    f.flush()

    def close(self):
        with self._lock:
            for f in (self._f, self._mirror):
                if f:
                    f.close()
            self._f = self._mirror = None
