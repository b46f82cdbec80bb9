"""Worker process of parallel verification: ``python -m eventstore.verify_worker``.

Reads ``{"dsn", "snapshot", "low", "high"}`` as JSON on stdin, verifies that range of streams
inside the snapshot, and writes the report as JSON on stdout.
"""

from __future__ import annotations

import asyncio
import sys

import orjson

from eventstore.pg_verify import verify_range_in_snapshot
from eventstore.verification import report_to_json


def main() -> None:
    """Run one verification request from stdin."""
    request = orjson.loads(sys.stdin.buffer.read())
    report = asyncio.run(
        verify_range_in_snapshot(
            request["dsn"], request["snapshot"], request["low"], request["high"]
        )
    )
    sys.stdout.buffer.write(report_to_json(report))


if __name__ == "__main__":
    main()
