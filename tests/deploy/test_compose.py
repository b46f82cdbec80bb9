"""docker-compose.yml is for users' deployments; no Docker engine runs here, so we check it:
every service, port, volume, secret and variable it refers to, and that the Dockerfile installs
what the README installs."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import typer.main
import yaml

from cli.main import app
from eventstore.app_login import PASSWORD_VARIABLE
from eventstore.connection import APP_ROLE
from workers.settings import PitSettings
from workers.temporal_settings import SERVER_SETTINGS, dev_server_args

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
OFFICIAL_IMAGES = re.compile(r"^(postgres|temporalio/(server|admin-tools|ui)):[0-9][\w.-]*$")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; `$$` is a `$`
# left to the container's shell.
INTERPOLATION = re.compile(r"(?<!\$)\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
PIT_VARIABLES = re.compile(r"^(PIT_\w+|DATABASE_URL|TEMPORAL_\w+|SMTP_URL)$")
SECRETS = re.compile(r"PASSWORD|SMTP_URL|KEY_PATH")
CONDITIONS = {"service_healthy", "service_completed_successfully", "service_started"}
APP_SERVICES = ("worker", "api")


def _compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE_TEXT)
    assert isinstance(loaded, dict)
    return loaded


def _services() -> dict[str, dict[str, Any]]:
    services: dict[str, dict[str, Any]] = _compose()["services"]
    return services


def _pit_services() -> dict[str, dict[str, Any]]:
    """The services built from the project's Dockerfile: pit's own processes."""
    return {name: s for name, s in _services().items() if "build" in s}


def _interpolated(value: str) -> str:
    """``value`` as compose would make it with no variable set but the required ones."""
    return INTERPOLATION.sub(lambda m: m["arg"] if m["op"] in ("-", ":-") else "set", value)


def _is_one_shot(service: dict[str, Any]) -> bool:
    return service.get("restart") == "no"


def _pit_setting_aliases() -> set[str]:
    return {f.alias for f in PitSettings.model_fields.values() if f.alias}


def _words_and_options(command: list[str]) -> tuple[list[str], dict[str, str]]:
    """A service's command as its subcommand words and its ``--option value`` pairs."""
    first = next((i for i, word in enumerate(command) if word.startswith("-")), len(command))
    options = dict(zip(command[first::2], command[first + 1 :: 2], strict=True))
    assert all(option.startswith("--") for option in options), command
    return command[:first], options


def _database_user(service: str) -> str:
    url = _interpolated(_services()[service]["environment"]["DATABASE_URL"])
    user = urlsplit(url).username
    assert user, (service, url)
    return user


def _app_login() -> str:
    """The login ``migrate`` makes for the workers and the API."""
    _words, options = _words_and_options(_services()["migrate"]["command"])
    return options["--app-login"]


def test_every_service_has_an_official_pinned_image_or_builds_the_project() -> None:
    for name, service in _services().items():
        if "build" in service:
            assert service["build"] == ".", name
            assert (ROOT / service["build"] / "Dockerfile").is_file(), name
        else:
            assert OFFICIAL_IMAGES.match(service["image"]), (name, service["image"])


def test_the_stack_has_every_part_of_a_zone() -> None:
    services = _services()
    images = {s.get("image", "").split(":")[0] for s in services.values()}
    assert {"postgres", "temporalio/server", "temporalio/admin-tools", "temporalio/ui"} <= images
    commands = {name: _words_and_options(s["command"])[0] for name, s in _pit_services().items()}
    assert commands == {"migrate": ["db", "migrate"], "worker": ["worker"], "api": ["serve"]}


def test_every_pit_command_the_services_run_exists() -> None:
    root = typer.main.get_command(app)
    for name, service in _pit_services().items():
        command: Any = root
        words, options = _words_and_options(service["command"])
        for word in words:
            subcommands = getattr(command, "commands", None)  # a group's, by name
            assert subcommands is not None, (name, service["command"])
            assert word in subcommands, (name, service["command"])
            command = subcommands[word]
        assert not hasattr(command, "commands"), (name, service["command"])
        known = {opt for param in command.params for opt in param.opts}
        assert set(options) <= known, (name, set(options) - known)


def test_every_dependency_exists_with_a_condition_its_target_can_meet() -> None:
    services = _services()
    for name, service in services.items():
        for dependency, wanted in service.get("depends_on", {}).items():
            assert dependency in services, (name, dependency)
            target = services[dependency]
            condition = wanted["condition"]
            assert condition in CONDITIONS, (name, dependency, condition)
            if condition == "service_healthy":
                assert "healthcheck" in target, (name, dependency)
            if condition == "service_completed_successfully":
                assert _is_one_shot(target), (name, dependency)


def test_pit_starts_only_on_a_migrated_database_and_a_ready_temporal_namespace() -> None:
    services = _services()
    assert _is_one_shot(services["migrate"])
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["temporal-namespace"]["condition"] == "service_completed_successfully"
    assert services["temporal"]["depends_on"]["temporal-schema"] == {
        "condition": "service_completed_successfully"
    }
    assert "temporal-postgres" in services["temporal-schema"]["depends_on"]


def test_every_long_running_service_has_a_health_check_and_restarts() -> None:
    for name, service in _services().items():
        if _is_one_shot(service):
            assert "command" in service, name
            continue
        assert service.get("restart") == "unless-stopped", name
        check = service["healthcheck"]["test"]
        assert check[0] in ("CMD", "CMD-SHELL"), name
        assert len(check) > 1, name


def test_the_api_health_check_asks_the_api_on_the_port_it_serves() -> None:
    api = _services()["api"]
    port = api["environment"]["PIT_API_PORT"]
    assert api["environment"]["PIT_API_HOST"] == "0.0.0.0"  # noqa: S104 - inside its container
    assert f"http://127.0.0.1:{port}/api/health" in " ".join(api["healthcheck"]["test"])
    assert [p.rsplit(":", 1)[1] for p in api["ports"]] == [port]


def test_the_worker_health_check_scrapes_the_metrics_it_serves() -> None:
    worker = _services()["worker"]
    port = worker["environment"]["PIT_METRICS_ADDRESS"].rsplit(":", 1)[1]
    assert f"http://127.0.0.1:{port}/metrics" in " ".join(worker["healthcheck"]["test"])


def test_the_worker_can_scale() -> None:
    worker = _services()["worker"]
    assert "container_name" not in worker
    assert "ports" not in worker
    for name, service in _services().items():
        assert "container_name" not in service, name  # projects side by side (a zone each)


def test_host_ports_do_not_collide_and_are_this_machines_only() -> None:
    published: list[tuple[str, str]] = []
    for name, service in _services().items():
        for mapping in service.get("ports", []):
            host_ip, host_port, _container = _interpolated(mapping).split(":")
            assert host_ip == "127.0.0.1", (name, mapping)
            published.append((host_ip, host_port))
    assert len(published) == len(set(published)), published


def test_every_named_volume_and_secret_is_declared_and_used() -> None:
    compose = _compose()
    declared_volumes, declared_secrets = set(compose["volumes"]), set(compose["secrets"])
    used_volumes: set[str] = set()
    used_secrets: set[str] = set()
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/", "$")):
                assert source in declared_volumes, (name, source)
                used_volumes.add(source)
        for secret in service.get("secrets", []):
            assert secret in declared_secrets, (name, secret)
            used_secrets.add(secret)
    assert used_volumes == declared_volumes
    assert used_secrets == declared_secrets
    for secret in compose["secrets"].values():
        assert INTERPOLATION.fullmatch(secret["file"])["op"] == ":?"  # type: ignore[index]


def test_every_variable_is_given_a_default_or_required_with_a_message() -> None:
    found = list(INTERPOLATION.finditer(COMPOSE_TEXT))
    assert found
    messages: dict[str, set[str]] = {}
    for match in found:
        name, op, arg = match["name"], match["op"], match["arg"]
        assert op in (":-", ":?"), match[0]
        if op == ":?":
            assert len(arg.split()) >= 2, match[0]  # says what to set, not only that
            messages.setdefault(name, set()).add(arg)
        if SECRETS.search(name):
            assert op == ":?", f"{name} is a secret: required, never defaulted"
    assert all(len(said) == 1 for said in messages.values()), messages
    assert not re.search(r"(?<![\$\{])\$(?![\$\{])\w", COMPOSE_TEXT), "a bare $VAR"


def test_secrets_are_required_from_the_environment_not_written_in_the_file() -> None:
    assert "POSTGRES_PASSWORD: ${PIT_DB_PASSWORD:?" in COMPOSE_TEXT
    assert "POSTGRES_PASSWORD: ${TEMPORAL_DB_PASSWORD:?" in COMPOSE_TEXT
    for name, service in _services().items():
        for key, value in (service.get("environment") or {}).items():
            if SECRETS.search(key) or key == "DATABASE_URL":
                assert INTERPOLATION.search(str(value))["op"] == ":?", (name, key)  # type: ignore[index]


def test_every_setting_pit_is_given_is_one_pit_reads() -> None:
    aliases = _pit_setting_aliases()
    for name, service in _pit_services().items():
        _words, options = _words_and_options(service["command"])
        # `pit db migrate --app-login` reads the login's password (tests/security check it).
        reads = aliases | ({PASSWORD_VARIABLE} if "--app-login" in options else set())
        for key in service["environment"]:
            assert PIT_VARIABLES.match(key), (name, key)
            assert key in reads, f"{name} sets {key}, which pit does not read"


def test_the_workers_and_the_api_connect_as_the_app_login_and_only_migrate_as_the_owner() -> None:
    services = _services()
    owner = services["postgres"]["environment"]["POSTGRES_USER"]
    login = _app_login()
    assert login not in (owner, APP_ROLE)
    assert _database_user("migrate") == owner
    for name in APP_SERVICES:
        assert _database_user(name) == login, name
    # Every pit process but migrate connects as the login: none is given the owner's password.
    owner_password = INTERPOLATION.search(services["postgres"]["environment"]["POSTGRES_PASSWORD"])
    assert owner_password is not None
    for name, service in _pit_services().items():
        url = service["environment"]["DATABASE_URL"]
        password = INTERPOLATION.search(url)
        assert password is not None, name
        if name == "migrate":
            assert password["name"] == owner_password["name"], name
            assert PASSWORD_VARIABLE not in url
        else:
            assert password["name"] == PASSWORD_VARIABLE, name
            assert owner_password["name"] not in str(service["environment"]), name
    # The password migrate gives the login is the one the workers and the API connect with.
    given = INTERPOLATION.fullmatch(services["migrate"]["environment"][PASSWORD_VARIABLE])
    assert given is not None
    assert given["name"] == PASSWORD_VARIABLE
    assert given["op"] == ":?"


def test_every_file_the_stack_refers_to_exists() -> None:
    for name, service in _services().items():
        if "build" in service:
            assert (ROOT / service["build"] / service.get("dockerfile", "Dockerfile")).is_file()
        for volume in service.get("volumes", []):
            source = str(volume if isinstance(volume, str) else volume["source"]).split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), (name, source)
        for env_file in service.get("env_file", []):
            assert (ROOT / env_file).is_file(), (name, env_file)
    for name, secret in _compose().get("secrets", {}).items():
        if not INTERPOLATION.search(secret["file"]):
            assert (ROOT / secret["file"]).is_file(), (name, secret["file"])


def test_every_required_variable_is_in_the_deploy_guides_env_file() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    example = re.search(r"```sh\n# \.env .*?```", guide, re.DOTALL)
    assert example is not None
    written = set(re.findall(r"^(\w+)=", example[0], re.MULTILINE))
    required = {m["name"] for m in INTERPOLATION.finditer(COMPOSE_TEXT) if m["op"] == ":?"}
    assert required <= written, required - written


def test_worker_and_api_work_on_the_same_zone_database_namespace_and_task_queue() -> None:
    worker, api = (_services()[n]["environment"] for n in ("worker", "api"))
    for key in ("DATABASE_URL", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE", "PIT_TASK_QUEUE"):
        assert worker[key] == api[key], key
    namespace = _services()["temporal-namespace"]["environment"]["NAMESPACE"]
    assert namespace == worker["TEMPORAL_NAMESPACE"]
    assert _services()["temporal-ui"]["environment"]["TEMPORAL_DEFAULT_NAMESPACE"] == namespace


def test_the_worker_gets_every_setting_it_refuses_to_start_without() -> None:
    worker = _services()["worker"]
    environment = worker["environment"]
    assert {"DATABASE_URL", "TEMPORAL_ADDRESS", "SMTP_URL"} <= set(environment)
    key_file = environment["PIT_CHECKPOINT_KEY_FILE"]
    assert key_file in {f"/run/secrets/{s}" for s in worker["secrets"]}
    assert "secrets" not in _services()["api"]  # the signing key stays with the workers


def test_pit_reaches_the_services_of_this_file_at_their_ports() -> None:
    services = _services()
    for name, service in _pit_services().items():
        url = service["environment"]["DATABASE_URL"]
        host = re.search(r"@([\w-]+):(\d+)/(\w+)$", url)
        assert host is not None, (name, url)
        assert host.group(1) == "postgres", (name, url)
        assert host.group(2) == "5432", (name, url)
        assert host.group(3) == services["postgres"]["environment"]["POSTGRES_DB"]
        assert "postgres" in service["depends_on"], name
        temporal = service["environment"].get("TEMPORAL_ADDRESS")
        if temporal is not None:
            assert temporal == "temporal:7233", (name, temporal)
    assert services["temporal"]["environment"]["POSTGRES_SEEDS"] == "temporal-postgres"
    for name in ("temporal-namespace", "temporal-ui"):
        assert services[name]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233", name


def test_dockerfile_installs_every_package_the_project_ships() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {
        p.rstrip("*") for p in pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    }
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, re.MULTILINE))
    assert packages <= copied, packages - copied


def test_dockerfile_installs_what_the_readme_installs_without_the_dev_extras() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    # The README's install is `make run`/`make test`: the project with its dev extras.
    assert "make run" in readme
    assert re.findall(r"pip install .*?(\S+)$", makefile, re.MULTILINE) == ["pip", "'.[dev]'"]
    # The image: the same project, its runtime dependencies only, and nothing else.
    assert re.findall(r"pip install ([^\\\n]*)", dockerfile) == ["--no-cache-dir . "]
    python = re.search(r"^FROM python:(\d+)\.(\d+)-slim$", dockerfile, re.MULTILINE)
    assert python is not None
    required = re.fullmatch(r">=(\d+)\.(\d+)", pyproject["project"]["requires-python"])
    assert required is not None
    assert (int(python[1]), int(python[2])) >= (int(required[1]), int(required[2]))
    assert f"Python {python[1]}.{python[2]}+" in readme
    assert re.search(r'ENTRYPOINT \["pit"\]', dockerfile)
    # The checkpoint key mounted into the worker is owned by the image's fixed user.
    assert "useradd --system --uid 10001" in dockerfile
    assert "uid 10001" in COMPOSE_TEXT
    assert "10001" in (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")


def test_the_temporal_server_has_the_settings_pit_needs_as_the_dev_server_does() -> None:
    # The healer's flag for wedged workflows, and a history cache big enough that pending
    # updates (people's actions) are not aborted by eviction.
    temporal = _services()["temporal"]
    path = temporal["environment"]["DYNAMIC_CONFIG_FILE_PATH"]
    (mounted,) = [v for v in temporal["volumes"] if v.split(":")[1] == path]
    config = yaml.safe_load((ROOT / mounted.split(":")[0]).read_text("utf-8"))

    assert config == {key: [{"value": value}] for key, value in SERVER_SETTINGS.items()}
    assert set(SERVER_SETTINGS) == {
        "system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute",
        "history.cacheMaxSize",
    }
    arguments = dev_server_args()
    assert arguments[0::2] == ["--dynamic-config-value"] * len(SERVER_SETTINGS)
    assert arguments[1::2] == [f"{key}={value}" for key, value in SERVER_SETTINGS.items()]
