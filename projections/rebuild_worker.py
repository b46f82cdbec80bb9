"""Worker process of a parallel rebuild: ``python -m projections.rebuild_worker``.

Reads ``{"dsn", "app_role", "snapshot", "low", "high"}`` as JSON on stdin, replays that range
of agreement streams inside the snapshot (projections/replay.py), and writes frames on stdout
(``projections.parallel_replay.FRAME_HEAD``): progress, then either the rows or what went wrong. The
rows are pickled: only the rebuild that started this process reads them.

Nothing in the package imports this module: ``python -m`` runs it once, as ``__main__``.
"""

from __future__ import annotations

import asyncio
import gc
import pickle
import sys

import orjson


def main() -> None:
    """Run one replay request from stdin."""
    from projections.errors import RebuildFailed
    from projections.parallel_replay import (
        FAILURE,
        PROGRESS,
        ROWS,
        replay_in_snapshot,
        write_frame,
    )

    request = orjson.loads(sys.stdin.buffer.read())
    out = sys.stdout.buffer
    # Decoding makes and drops objects by the million, nearly none of them in reference
    # cycles, while every pass of the garbage collector walks the long-lived ones (modules,
    # pydantic's schemas) again: measured, its passes took 30 % of the replay, 12 % with the
    # long-lived objects frozen. This process ends with the replay: it does without them.
    gc.freeze()
    gc.disable()
    try:
        replayed = asyncio.run(
            replay_in_snapshot(
                request["dsn"],
                request["app_role"],
                request["snapshot"],
                request["low"],
                request["high"],
                lambda events: write_frame(out, PROGRESS, str(events).encode()),
            )
        )
    except RebuildFailed as error:
        write_frame(out, FAILURE, str(error).encode())
        sys.exit(1)
    except Exception as error:  # whatever it is, the rebuild says it, and fails
        write_frame(out, FAILURE, f"{type(error).__name__}: {error}".encode())
        sys.exit(1)
    write_frame(out, ROWS, pickle.dumps(replayed, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main()
