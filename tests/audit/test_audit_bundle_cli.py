"""`pit audit export` and `pit audit check-bundle` as an operator and an auditor run them: the
export refused until a checkpoint covers the agreement (or made with --checkpoint), the bundle
checked with no database at all, its replayed state printed, a tampered one refused with
exit 1 and the event and check on the last line."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from eventstore import PostgresEventStore
from eventstore.checkpoints import SigningKey
from tests.audit.evidence import encoded, store_log
from tests.audit.tampering import edit_payload, resign_with_another_key
from tests.integration.lifecycle import AGREEMENT_ID

pytestmark = pytest.mark.postgres


@pytest.fixture
def pit(fresh_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The zone's key configured, its log holding the agreement's whole life, no checkpoint."""
    SigningKey.generate().write(tmp_path / "zone-key.pem")
    monkeypatch.setenv("DATABASE_URL", fresh_dsn)
    monkeypatch.setenv("PIT_CHECKPOINT_KEY_FILE", str(tmp_path / "zone-key.pem"))
    monkeypatch.delenv("PIT_CHECKPOINT_TRUSTED_KEYS", raising=False)

    async def record() -> None:
        async with await PostgresEventStore.open(fresh_dsn) as store:
            await store_log(store)

    asyncio.run(record())
    return CliRunner()


def test_an_auditor_exports_a_bundle_and_checks_it_offline(
    pit: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "evidence.json"
    zone_key = SigningKey.read(tmp_path / "zone-key.pem")

    refused = pit.invoke(app, ["audit", "export", AGREEMENT_ID, "-o", str(bundle)])
    written_when_refused = bundle.exists()
    made = pit.invoke(app, ["audit", "export", AGREEMENT_ID, "-o", str(bundle), "--checkpoint"])
    # The auditor's laptop: no database, no key file.
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("PIT_CHECKPOINT_KEY_FILE")
    checked = pit.invoke(
        app, ["audit", "check-bundle", str(bundle), "--trusted-key", zone_key.public_key.hex()]
    )
    as_json = pit.invoke(app, ["audit", "check-bundle", str(bundle), "--json"])

    assert refused.exit_code == 1
    assert "no signed checkpoint yet: run `pit audit checkpoint`" in refused.output
    assert not written_when_refused
    assert made.exit_code == 0, made.output
    assert f"by key {zone_key.key_id}" in made.output
    assert checked.exit_code == 0, checked.output
    assert "status: terminated" in checked.output
    assert "agreement_number: PIT-2026-001" in checked.output
    assert "the key was checked against the trusted key(s) given" in checked.output
    assert checked.output.rstrip().endswith("OK")
    report = json.loads(as_json.stdout)
    assert as_json.exit_code == 0
    assert report["ok"] is True
    assert report["checkpoint"]["key_id"] == zone_key.key_id
    assert report["state"]["status"] == "terminated"
    assert report["state"]["reports"][0] == {
        "year": 2026,
        "status": "accepted",
        "report_id": "report-2026",
    }
    assert report["problem"] is None


def test_a_tampered_bundle_exits_1_naming_the_event_and_the_check(
    pit: CliRunner, tmp_path: Path
) -> None:
    bundle = tmp_path / "evidence.json"
    made = pit.invoke(app, ["audit", "export", AGREEMENT_ID, "-o", str(bundle), "--checkpoint"])
    assert made.exit_code == 0, made.output
    zone_key = SigningKey.read(tmp_path / "zone-key.pem").public_key.hex()
    document = json.loads(bundle.read_bytes())
    edit_payload(document)
    (tmp_path / "edited.json").write_bytes(encoded(document))
    document = json.loads(bundle.read_bytes())
    resign_with_another_key(document)
    (tmp_path / "resigned.json").write_bytes(encoded(document))

    edited = pit.invoke(app, ["audit", "check-bundle", str(tmp_path / "edited.json")])
    as_json = pit.invoke(app, ["audit", "check-bundle", str(tmp_path / "edited.json"), "--json"])
    resigned = pit.invoke(
        app, ["audit", "check-bundle", str(tmp_path / "resigned.json"), "--trusted-key", zone_key]
    )

    assert edited.exit_code == 1
    assert edited.output.rstrip().splitlines()[-1] == (
        "FAILED: event v4: changed payload: the data no longer matches its recorded data_digest"
    )
    assert "replayed state" not in edited.output
    problem = json.loads(as_json.stdout)["problem"]
    assert (problem["check"], problem["stream_version"]) == ("changed payload", 4)
    assert resigned.exit_code == 1
    assert "FAILED: untrusted key: signed by key" in resigned.output


def test_usage_errors_exit_2(pit: CliRunner, tmp_path: Path) -> None:
    missing = pit.invoke(app, ["audit", "check-bundle", str(tmp_path / "absent.json")])
    bad_key = pit.invoke(
        app, ["audit", "check-bundle", str(tmp_path / "absent.json"), "--trusted-key", "abc"]
    )
    no_output = pit.invoke(app, ["audit", "export", AGREEMENT_ID])

    assert missing.exit_code == 2
    assert "cannot read" in missing.output
    assert bad_key.exit_code == 2
    assert "--trusted-key" in bad_key.output
    assert no_output.exit_code == 2


def test_an_unknown_agreement_is_refused(pit: CliRunner, tmp_path: Path) -> None:
    refused = pit.invoke(
        app, ["audit", "export", "no-such-agreement", "-o", str(tmp_path / "b.json")]
    )

    assert refused.exit_code == 1
    assert "REFUSED: agreement no-such-agreement has no events in the log" in refused.output
    assert not (tmp_path / "b.json").exists()
