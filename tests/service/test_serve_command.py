import subprocess
import sys

import pytest

from complaint_insight.cli import main
from complaint_insight.commands.serve import is_loopback


def test_cli_loads_without_the_serve_extra():
    # The default install has no FastAPI: the CLI and its help must not import it.
    code = "import sys; from complaint_insight.cli import build_parser; build_parser(); print('fastapi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                             ("0.0.0.0", False), ("192.0.2.4", False), ("example.org", False)])
def test_loopback_detection(host, loopback):
    assert is_loopback(host) is loopback


def test_bad_options_and_settings_fail_in_one_line(monkeypatch, capsys):
    pytest.importorskip("fastapi")
    pytest.importorskip("pydantic_settings")
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers must be at least 1" in capsys.readouterr().err
    monkeypatch.setenv("COMPLAINT_INSIGHT_MAX_REQUEST_BYTES", "ten")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "COMPLAINT_INSIGHT_MAX_REQUEST_BYTES" in err


def test_log_config_adds_the_body_free_access_log():
    pytest.importorskip("uvicorn")
    from complaint_insight.commands.serve import log_config
    from uvicorn.config import LOGGING_CONFIG

    config = log_config("info")
    assert config["loggers"]["complaint_insight.service.access"]["level"] == "INFO"
    assert "complaint_insight.service.access" not in LOGGING_CONFIG["loggers"]  # uvicorn's default untouched
