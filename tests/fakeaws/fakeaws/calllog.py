"""Call log: one JSON object per request, appended to a file.

Tests read it to assert batching (how many DescribeTasks calls, how many
ARNs each), concurrency (overlapping start/end), and that nothing mutating
was attempted ("mutating": true).  Each line is written with a single
write() under a lock and flushed, so a reader never sees half a record.
"""

import base64
import datetime
import json
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
        self.count = 0

    def write(self, record):
        line = json.dumps(_jsonable(record), sort_keys=True) + "\n"
        with self._lock:
            self.count += 1
            if self._f:
                self._f.write(line)
                self._f.flush()

    def close(self):
        with self._lock:
            if self._f:
                self._f.close()
                self._f = None
