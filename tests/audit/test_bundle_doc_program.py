"""The auditor's bundle verifier printed in docs/audit-format.md ("Evidence bundles") accepts a
bundle pit exported and refuses tampered ones, naming the check.

The program is taken from the document itself and run as a separate process with only
hashlib, json, rfc8785 and cryptography: written from the document alone, it checks the
document (every field, hash and proof it describes) as much as the bundle.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audit.evidence import Exported, encoded
from tests.audit.tampering import (
    Tamper,
    edit_payload,
    edit_payload_and_rechain,
    forge_signature,
    resign_with_another_key,
    swap_events,
    wrong_proof,
)

pytestmark = pytest.mark.postgres

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit-format.md"
FENCE = re.compile(r"```python verify_bundle\.py\n(.*?)```", re.DOTALL)


def _bundle_verifier(tmp_path: Path) -> Path:
    (program,) = FENCE.findall(DOC.read_text(encoding="utf-8"))
    assert "import audit" not in program
    assert "eventstore" not in program
    path = tmp_path / "verify_bundle.py"
    path.write_text(program, encoding="utf-8")
    return path


def _run(program: Path, bundle: bytes, tmp_path: Path, *key: str) -> tuple[int, str]:
    file = tmp_path / "bundle.json"
    file.write_bytes(bundle)
    # -I: isolated from the environment and the working directory, as on an auditor's laptop.
    done = subprocess.run(
        [sys.executable, "-I", str(program), str(file), *key],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def test_the_documented_program_accepts_an_exported_bundle(
    exported: Exported, tmp_path: Path
) -> None:
    program = _bundle_verifier(tmp_path)
    document = exported.document()
    checkpoint = document["checkpoint"]

    code, output = _run(program, exported.raw, tmp_path, exported.key.public_key.hex())

    assert code == 0, output
    assert output == (
        f"OK {len(document['events'])} events of agreement agr-1 in the checkpoint of "
        f"{checkpoint['tree_size']} events signed {checkpoint['signed_at']} by key "
        f"{exported.key.key_id}"
    )


@pytest.mark.parametrize(
    ("tamper", "verdict"),
    [
        (edit_payload, "FAIL v4: changed payload"),
        (edit_payload_and_rechain, "FAIL v4: inclusion proof"),
        (swap_events, "FAIL v3: missing version or reordered events"),
        (wrong_proof, "FAIL v7: inclusion proof"),
        (forge_signature, "FAIL checkpoint signature"),
        (resign_with_another_key, "FAIL untrusted key"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_the_documented_program_refuses_a_tampered_bundle(
    exported: Exported, tmp_path: Path, tamper: Tamper, verdict: str
) -> None:
    program = _bundle_verifier(tmp_path)
    document = exported.document()
    tamper(document)

    code, output = _run(program, encoded(document), tmp_path, exported.key.public_key.hex())

    assert (code, output) == (1, verdict)
