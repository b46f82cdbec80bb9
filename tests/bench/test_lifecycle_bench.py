"""The lifecycle benchmark runs end to end, tiny, and reports every figure it promises."""

from __future__ import annotations

from bench.lifecycle import LIFECYCLE_UPDATES, Options, run

AGREEMENTS, SAMPLES = 5, 5


async def test_a_tiny_lifecycle_bench_reports_throughput_and_latency_against_the_baseline(
    admin_database_url: str,
) -> None:
    options = Options(agreements=AGREEMENTS, concurrency=5, rounds=1, samples=SAMPLES, warmup=1)

    figures = await run(options, admin_database_url, temporal_address=None)

    for key in (
        "lifecycle_throughput_ratio",
        "pit_agreements_per_s",
        "bare_agreements_per_s",
        "update_p50_ratio",
        "update_p99_ms",
        "pit_update_p50_ms",
        "bare_update_p50_ms",
        "lifecycle_cpu_ratio",
        "pit_cpu_ms_per_agreement",
    ):
        assert figures[key] > 0, key
    assert figures["agreements"] == AGREEMENTS
    # Every update of a lifecycle and every staff action appends at least one event; the
    # latency measurement first takes min(10, samples) agreements through their lifecycle.
    driven = options.warmup + AGREEMENTS * options.rounds + SAMPLES
    assert figures["events_appended"] >= driven * LIFECYCLE_UPDATES + SAMPLES
