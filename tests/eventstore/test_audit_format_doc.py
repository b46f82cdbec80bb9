"""The auditor's program printed in docs/audit-format.md verifies real stored streams.

The program is taken from the document itself and run as a separate process: it uses only
hashlib, json, psycopg and rfc8785, none of pit's code, so it checks the document as much as
the store.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import asyncpg

from eventstore import ANY, PostgresEventStore
from tests.eventstore.builders import event, metadata

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit-format.md"


def _auditor_program(tmp_path: Path) -> Path:
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
    assert len(blocks) == 1, "the document should hold exactly one Python program"
    program = tmp_path / "verify_log.py"
    program.write_text(blocks[0], encoding="utf-8")
    return program


def _run(program: Path, dsn: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(program), dsn], capture_output=True, text=True, timeout=60
    )


async def _varied_streams(store: PostgresEventStore) -> None:
    await store.append(
        "agreement-audit-1",
        [
            event({"name": "ТОО «Алматы Софт»", "amount_kzt": "1250000.50", "jobs": 12}),
            event({"nested": {"list": [1, -2, None, True, {"\U0001f600": "astral key"}]}}),
        ],
        0,
    )
    await store.append("agreement-audit-1", [event({"quote": 'say "hi"\n\t\\'})], 2)
    await store.append(
        "zone-PIT",
        [event({"\ue000": 1, "\U0001f600": 2}, metadata=metadata(causation_id="c-9"))],
        ANY,
    )


async def test_the_documented_program_verifies_real_stored_streams(
    fresh_store: PostgresEventStore, fresh_dsn: str, tmp_path: Path
) -> None:
    await _varied_streams(fresh_store)
    result = _run(_auditor_program(tmp_path), fresh_dsn)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK 4 events in 2 streams"


async def test_the_documented_program_names_a_changed_payload(
    fresh_store: PostgresEventStore, fresh_dsn: str, tmp_path: Path
) -> None:
    await _varied_streams(fresh_store)
    owner = await asyncpg.connect(fresh_dsn)
    try:
        await owner.execute("ALTER TABLE events DISABLE TRIGGER events_refuse_update_delete")
        await owner.execute(
            "UPDATE events SET data = jsonb_set(data::jsonb, '{jobs}', '13')::json "
            "WHERE stream_id = 'agreement-audit-1' AND stream_version = 1"
        )
    finally:
        await owner.close()
    result = _run(_auditor_program(tmp_path), fresh_dsn)
    assert result.returncode == 1
    assert result.stdout.strip() == "FAIL agreement-audit-1 v1: changed payload"
