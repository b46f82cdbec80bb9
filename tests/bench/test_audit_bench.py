"""The audit benchmark runs end to end on a tiny log and reports every figure it promises."""

from __future__ import annotations

import pytest

from bench.audit import Size, main

pytestmark = pytest.mark.postgres

KEYS = ("verify_events_per_s", "inclusion_proof_ms", "asof_replay_ms", "rebuild_events_per_s")


async def test_a_tiny_audit_bench_reports_the_four_figures(
    admin_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", admin_database_url)

    figures = await main([], Size(agreements=6, events_per_agreement=60))

    assert figures["events"] == 360
    for key in KEYS:
        assert figures[key] > 0, key
    assert 0 < figures["asof_events"] < figures["full_replay_events"] == 60
