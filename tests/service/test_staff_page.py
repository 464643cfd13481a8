"""End-to-end: the staff page in headless Chromium against a running service.

Needs Debian's ``chromium`` and the ``playwright`` package (``.ci/run`` installs both); skipped
cleanly otherwise, or failed when ``COMPLAINT_INSIGHT_REQUIRE_BROWSER=1`` (CI sets it, so a broken
install cannot pass as a skip). Playwright drives the system Chromium: no browser is downloaded.
"""
from __future__ import annotations

import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
REQUIRED = os.environ.get("COMPLAINT_INSIGHT_REQUIRE_BROWSER") == "1"


def _missing(what: str) -> None:
    if REQUIRED:
        raise RuntimeError(f"COMPLAINT_INSIGHT_REQUIRE_BROWSER=1 but {what}")
    pytest.skip(what, allow_module_level=True)


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        _missing(f"{name} is not installed (pip install -e '.[serve,browser]')")


_module("fastapi")
_module("pydantic_settings")
uvicorn = _module("uvicorn")
sync_api = _module("playwright.sync_api")
CHROMIUM = os.environ.get("COMPLAINT_INSIGHT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).is_file():
    _missing(f"chromium not found ({CHROMIUM}); apt-get install -y chromium")

from complaint_insight.service import ServiceSettings, create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "staff_page.png"
LAUNCH_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
COMPLAINT = "Sorry to bother you, but mum hasn't had her tablets since Tuesday and nobody has called us back."


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen | None = None, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if json.load(response)["status"] == "ok":
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{base} did not come up within {seconds} s")


@pytest.fixture(scope="module")
def browser_context():
    with sync_api.sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS,
            viewport={"width": 900, "height": 1000}, offline=False,
        )
        yield context
        context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    yield page
    page.close()


@pytest.fixture(scope="module")
def cli_server(tmp_path_factory):
    """``complaint-insight serve`` in its own process, exactly as staff would run it."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "server.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINT_INSIGHT_")}
    with open(log, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "complaint_insight.cli", "serve", "--port", str(port)],
            stdout=sink, stderr=subprocess.STDOUT, env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=30)


class ThreadServer:
    """A uvicorn server in a thread, for apps built in the test (a test double, or a token)."""

    def __init__(self, app):
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        base = f"http://127.0.0.1:{self.port}"
        wait_until_up(base)
        return base

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def verdict(page) -> str:
    return page.locator("#result-body .verdict strong").inner_text(timeout=10_000)


def api(base: str, path: str, payload: dict) -> dict:
    request = urllib.request.Request(base + path, data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


def wait_for_suggestions(page) -> None:
    """The category and actions arrive after the verdict (the first call loads their models)."""
    page.locator("#result-body .suggestions").first.wait_for(timeout=10_000)
    page.locator("#result-body .pending").first.wait_for(state="detached", timeout=90_000)


def test_staff_check_with_the_keyboard(cli_server, page):
    base, log = cli_server
    page.goto(base)
    page.keyboard.press("Tab")  # skip link first, then the text box (the token field is hidden)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "feedback"
    page.keyboard.type(COMPLAINT)
    page.keyboard.press("Control+Enter")
    assert verdict(page) == "Treat this as a complaint."
    assert "Likelihood it is a complaint:" in page.locator("#result-body").inner_text()
    assert page.get_attribute("#result-body", "aria-live") == "polite"
    # The highlighted words are the cues the API reports for this text, and so are the red flags.
    triaged = api(base, "/v1/triage", {"items": [{"text": COMPLAINT}]})["results"][0]
    cues = [c["text"] for c in triaged["cues"] if c["weight"] > 0]
    assert cues and page.locator("#result-body mark").all_inner_texts() == cues
    flags = page.locator("#result-body .flags .label").all_inner_texts()
    assert flags == [f["label"] for f in triaged["red_flags"]]

    # Suggested category and actions: headed sections showing what the API returns for this text.
    wait_for_suggestions(page)
    headings = page.locator("#result-body h3").all_inner_texts()
    assert headings[-2:] == ["Suggested category", "Suggested actions"]
    item = {"items": [{"text": COMPLAINT}]}
    expected_categories = [c["name"] for taxonomy in ("qdc", "hcat")
                           for c in api(base, "/v1/categorise", {"taxonomy": taxonomy, **item})["results"][0]["categories"]]
    assert expected_categories  # this complaint has a clear category (medication, contact)
    assert page.locator("#result-body .categories .label").all_inner_texts() == expected_categories
    actions = api(base, "/v1/actions/suggest", {**item, "k": 3})["results"][0]["actions"]
    assert page.locator("#result-body .actions .label").all_inner_texts() == [a["text"] for a in actions]
    shown = page.locator("#result-body .actions li").all_inner_texts()
    assert all(f"Owner: {a['owner']}." in li and "Strength: " + a["strength"] in li and a["why"] in li
               for a, li in zip(actions, shown))
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    # Then a compliment, submitted by tabbing to the button and pressing Enter.
    page.fill("#feedback", "The nurses on ward 7 were kind and explained everything. Thank you.")
    page.focus("#feedback")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "check"
    # Keyboard focus is visible: a solid outline drawn around the focused button.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    page.keyboard.press("Enter")
    # A locator wait, not wait_for_function: the page's CSP (rightly) forbids eval, which that uses.
    page.locator("#result-body strong", has_text="This does not").wait_for()
    assert verdict(page) == "This does not read as a complaint."
    assert page.locator("#result-body .suggestions").count() == 0  # no actions for a compliment

    page.fill("#feedback", "   ")
    page.keyboard.press("Control+Enter")
    assert page.locator("#result-body .message").inner_text() == "Type or paste some feedback first."

    server_log = log.read_text()
    assert "POST /v1/triage 200" in server_log
    assert "POST /v1/categorise 200" in server_log and "POST /v1/actions/suggest 200" in server_log
    assert "tablets" not in server_log and "nurses" not in server_log


def test_cues_red_flags_and_hostile_text_render_safely(annotating_triager, page):
    text = "😡😡 <img src=x onerror=\"document.title='owned'\"> The receptionist was rude and mum hasn't had her tablets."
    with ThreadServer(create_app(ServiceSettings(), triager=annotating_triager)) as base:
        page.goto(base)
        page.fill("#feedback", text)
        page.focus("#feedback")
        page.keyboard.press("Control+Enter")
        assert verdict(page) == "Treat this as a complaint."
        # The cue is highlighted at the right characters even after astral-plane emoji.
        assert page.locator("#result-body mark").all_inner_texts() == ["rude"]
        quoted = page.locator("#result-body .quoted").inner_text()
        assert quoted == text  # markup shown as text, not parsed
        assert page.locator("#result-body img").count() == 0 and page.title() == "Feedback triage"
        flags = page.locator("#result-body .flags li").inner_text()
        assert "Missed medication" in flags and "What to do now: Tell the nurse in charge now" in flags
        body = page.locator("#result-body").inner_text()
        assert "Severity\n\nmedium" in body and "Say sorry and find out what happened." in body
        wait_for_suggestions(page)  # suggestions for hostile text are text too
        assert page.locator("#result-body .actions li").count() == 3
        assert page.locator("#result-body img").count() == 0 and page.title() == "Feedback triage"


def test_token_is_asked_for_and_kept_for_the_tab(page):
    from complaint_insight.triage import Triager

    settings = ServiceSettings(api_token="page-token-123")
    with ThreadServer(create_app(settings, triager=Triager())) as base:
        page.goto(base)
        token = page.get_by_label("Access token")
        token.wait_for(state="visible")
        page.fill("#feedback", "Nobody answered the phone for three days and I am furious.")
        page.focus("#feedback")
        page.keyboard.press("Control+Enter")
        assert "access token is missing or not accepted" in page.locator("#result-body .message").inner_text()
        token.fill("page-token-123")
        page.focus("#feedback")
        page.keyboard.press("Control+Enter")
        assert verdict(page) == "Treat this as a complaint."
        page.reload()
        kept = page.get_by_label("Access token")
        kept.wait_for(state="visible")  # shown once /healthz says a token is needed
        assert kept.input_value() == "page-token-123"
