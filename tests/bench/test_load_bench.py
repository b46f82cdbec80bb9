"""The load benchmark runs end to end, tiny: every reminder due at the instant is mailed once,
and every figure it promises is reported."""

from __future__ import annotations

from bench.load import Options, run

AGREEMENTS, REMINDERS = 20, 2
SPREAD_S = 5.0  # the policy's 100 s would only make the test wait


async def test_a_tiny_load_bench_mails_every_due_reminder_once_and_reports_its_figures(
    admin_database_url: str,
) -> None:
    options = Options(
        agreements=AGREEMENTS,
        reminders_per_agreement=REMINDERS,
        quiet=2,
        idle_samples=10,
        reminder_spread_s=SPREAD_S,
    )

    figures = await run(options, admin_database_url, temporal_address=None)

    due = AGREEMENTS * REMINDERS
    assert figures["reminders_due"] == figures["reminders_sent"] == due
    # Exactly once: the catcher received one message per reminder, none twice, and the outbox
    # recorded one delivery each (the quiet agreements mail nothing at the instant).
    assert figures["reminder_copies"] == 0
    assert figures["mails_received"] == figures["mail_deliveries_recorded"] == due
    for key in (
        "reminders_drain_s",
        "busy_idle_p50_ratio",
        "busy_p99_ms",
        "events_per_s",
        "idle_p50_ms",
        "busy_p50_ms",
        "events_per_agreement",
        "storage_bytes_per_agreement",
        "rss_open_mb",
    ):
        assert figures[key] > 0, key
    assert isinstance(figures["rss_mb_per_1000_open"], float)
    # Each reminder is recorded as an event before its mail goes out.
    assert figures["events_appended_in_drain"] >= due
    assert figures["agreements"] == AGREEMENTS
    assert figures["open_agreements"] == AGREEMENTS + 2
    assert figures["reminder_spread_s"] == SPREAD_S
    assert figures["reminders_first_s"] >= 0  # none before the instant
