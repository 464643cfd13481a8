"""Hostile HTTP clients: every bad request gets a clear 4xx with a JSON body, slow clients are cut
off, and the service keeps answering. The last tests run ``complaint-insight serve`` for real."""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("pydantic_settings")
from fastapi.testclient import TestClient  # noqa: E402

from complaint_insight.service import ServiceSettings, create_app  # noqa: E402
from complaint_insight.service.slow_clients import ReceiveTimeout  # noqa: E402
from complaint_insight.triage import Triager  # noqa: E402

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client():
    app = create_app(ServiceSettings(), triager=Triager())
    # raise_server_exceptions=False: a bug must show up as the 500 a real client would get.
    return TestClient(app, raise_server_exceptions=False)


HOSTILE = {
    "truncated JSON": b'{"items": [{"text": "a"',
    "not JSON": b"\x00\xff garbage",
    "invalid UTF-8": b'{"items":[{"text":"\xff\xfe"}]}',
    "deeply nested": b"[" * 200_000 + b"]" * 200_000,
    "nested in items": b'{"items":' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "huge integer id": b'{"items":[{"id":' + b"9" * 5000 + b',"text":"a"}]}',
    "NaN text": b'{"items":[{"text":NaN}]}',
    "number text": b'{"items":[{"text":5}]}',
    "float id": b'{"items":[{"id":1e400,"text":"a"}]}',
    "array body": b"[]",
    "null body": b"null",
    "empty body": b"",
    "items not a list": b'{"items": {"text": "a"}}',
    "extra field": b'{"items":[{"text":"a"}],"debug":true}',
    "10 MB body": b'{"items":[{"text":"' + b"a" * 10_000_000 + b'"}]}',
    "10,000-item batch": json.dumps({"items": [{"text": "rude"}] * 10_000}).encode(),
    "one text over the limit": json.dumps({"items": [{"text": "a " * 60_000}]}).encode(),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_body_gets_a_clear_4xx_and_the_service_stays_up(client, name):
    response = client.post("/v1/triage", content=HOSTILE[name], headers=JSON)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:200])
    assert "detail" in response.json()
    assert client.get("/healthz").status_code == 200


def test_limits_answer_before_the_work(client):
    big = client.post("/v1/triage", content=HOSTILE["10 MB body"], headers=JSON)
    assert big.status_code == 413 and "larger than" in big.json()["detail"]
    batch = client.post("/v1/triage", content=HOSTILE["10,000-item batch"], headers=JSON)
    assert batch.status_code == 413 and "10000 items" in batch.json()["detail"]


def test_bad_header_values_get_4xx(client):
    assert client.post("/v1/triage", content=b"{}", headers={**JSON, "content-length": "-1"}).status_code == 400
    assert client.post("/v1/triage", content=b'{"items":[]}', headers={"content-type": "text/plain"}).status_code in (415, 422)
    assert client.get("/v1/triage").status_code == 405


def test_hostile_text_comes_back_as_json_data_not_markup(client):
    text = "\x00\x1b[31m<script>alert(1)</script>\u202e\ud7ff"
    response = client.post("/v1/triage", json={"items": [{"id": "<img src=x onerror=alert(1)>", "text": text}]})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")  # never rendered as HTML
    assert response.json()["results"][0]["id"] == "<img src=x onerror=alert(1)>"


def test_error_pages_do_not_reflect_the_path_as_html(client):
    response = client.get("/<script>alert(1)</script>")
    assert response.status_code == 404
    assert "<script>" not in response.text and response.headers["content-type"].startswith("application/json")


def test_staff_page_renders_text_as_text_not_html():
    # The browser test (test_staff_page.py) checks this end to end; this one runs without Chromium.
    from importlib.resources import files

    script = files("complaint_insight.service").joinpath("static/app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in script.replace("// never as HTML", ""), sink
    assert "textContent" in script


def test_stalled_body_gets_408():
    received = []

    async def app(scope, receive, send):
        received.append(await receive())
        await receive()  # the client never sends the rest

    async def stalling_receive():
        if not received:
            return {"type": "http.request", "body": b'{"items":', "more_body": True}
        await asyncio.sleep(60)

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/triage", "headers": []}
    start = time.monotonic()
    asyncio.run(ReceiveTimeout(app, seconds=0.2)(scope, stalling_receive, send))
    assert time.monotonic() - start < 5
    assert sent[0]["status"] == 408 and b"stalled" in sent[1]["body"]


# -- a real server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthz(base: str) -> int:
    with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
        return response.status


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPLAINT_INSIGHT_")}
    env.update(COMPLAINT_INSIGHT_HEADER_TIMEOUT_S="1", COMPLAINT_INSIGHT_BODY_TIMEOUT_S="1")
    log = tmp_path_factory.mktemp("serve") / "server.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "complaint_insight.cli", "serve", "--port", str(port)],
                                   stdout=sink, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.read_text()
            try:
                _healthz(base)
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        yield port, base, process, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Read until the server closes the connection or ``seconds`` pass."""
    sock.settimeout(0.2)
    data = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return True, data
        if not chunk:
            return True, data
        data += chunk
    return False, data


def test_slowloris_headers_are_cut_off_while_others_are_served(server):
    port, base, process, _ = server
    socks = []
    for _ in range(30):  # many clients that send a partial request line and stall
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"POST /v1/triage HTTP/1.1\r\nHost: x\r\n")
        socks.append(sock)
    dripping = socks[0]
    start = time.monotonic()
    assert _healthz(base) == 200  # served while the stalled connections are open
    closed = False
    while time.monotonic() - start < 8 and not closed:
        try:
            dripping.sendall(b"X")  # a byte now and then: must not keep the connection alive
        except OSError:
            closed = True
            break
        closed, _ = _closed_within(dripping, 0.3)
    assert closed and time.monotonic() - start < 8
    for sock in socks[1:]:
        assert _closed_within(sock, 5)[0]
        sock.close()
    dripping.close()
    assert process.poll() is None and _healthz(base) == 200


def test_stalled_body_gets_408_from_the_real_server(server):
    port, base, process, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(b"POST /v1/triage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"items\": [")
        closed, data = _closed_within(sock, 10)
    assert data.startswith(b"HTTP/1.1 408"), data[:200]
    assert b"stalled" in data
    assert process.poll() is None and _healthz(base) == 200


def test_idle_connection_without_a_request_is_closed(server):
    port, base, process, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        assert _closed_within(sock, 8)[0]
    assert process.poll() is None and _healthz(base) == 200
