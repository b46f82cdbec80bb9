"""docker-compose.yml is for users' deployments; no Docker engine runs here, so we check it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL_IMAGES = re.compile(r"^(postgres|temporalio/[a-z-]+):[0-9][\w.-]*$")


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_every_service_has_an_official_pinned_image_or_builds_the_project() -> None:
    for name, service in _compose()["services"].items():
        if "build" in service:
            assert (ROOT / service["build"] / "Dockerfile").is_file(), name
        else:
            assert OFFICIAL_IMAGES.match(service["image"]), (name, service["image"])


def test_every_named_volume_and_dependency_is_declared() -> None:
    compose = _compose()
    declared = set(compose.get("volumes") or {})
    services = compose["services"]
    for name, service in services.items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in declared, (name, source)
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)


def test_database_url_points_at_the_compose_postgres_service() -> None:
    services = _compose()["services"]
    for name, service in services.items():
        url = service.get("environment", {}).get("DATABASE_URL")
        if url is None:
            continue
        host = re.search(r"@([\w-]+):(\d+)/", url)
        assert host is not None, (name, url)
        assert host.group(1) in services, (name, url)
        assert "postgres" in service.get("depends_on", {}), name


def test_secrets_are_required_from_the_environment_not_written_in_the_file() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "POSTGRES_PASSWORD: ${PIT_DB_PASSWORD:?" in text
    assert not re.search(r"PASSWORD:\s*[\"']?\w+[\"']?\s*$", text, re.MULTILINE)


def test_dockerfile_installs_every_package_the_project_ships() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, re.MULTILINE))
    assert packages <= copied, packages - copied
    assert "pip install --no-cache-dir ." in dockerfile
