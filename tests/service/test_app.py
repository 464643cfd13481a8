import json
import logging

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("pydantic_settings")
from fastapi.concurrency import run_in_threadpool  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from complaint_insight.errors import ConfigError  # noqa: E402
from complaint_insight.service import ServiceSettings, create_app, load_settings  # noqa: E402
from complaint_insight.triage import Triager  # noqa: E402

TEXTS = ["The receptionist was rude and nobody called me back", "Lovely staff, thank you", "", None, "😡😡"]


@pytest.fixture(scope="module")
def triager():
    return Triager()


@pytest.fixture(scope="module")
def client(triager):
    return TestClient(create_app(ServiceSettings(max_batch_items=10, max_text_chars=500), triager=triager))


def test_healthz_reports_models_and_limits_without_text(client):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and body["auth_required"] is False
    [model] = body["models"]
    assert model["name"] == "complaint-classifier" and len(model["manifest_sha256"]) == 64
    assert body["limits"] == {"max_batch_items": 10, "max_request_bytes": 4 * 1024 * 1024, "max_text_chars": 500}


def test_triage_returns_the_python_results_in_order(client, triager):
    items = [{"id": f"r{i}", "text": t} for i, t in enumerate(TEXTS)] + [{"id": 7, "text": "ok"}, {"text": "no id"}]
    response = client.post("/v1/triage", json={"items": items})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    results = response.json()["results"]
    expected = triager.assess_many([i["text"] for i in items], ids=[i.get("id") for i in items])
    assert results == [r.to_dict() for r in expected]
    assert [r["id"] for r in results] == ["r0", "r1", "r2", "r3", "r4", 7, None]
    assert [r["status"] for r in results[:5]] == ["ok", "ok", "empty", "empty", "unreadable"]
    assert results[0]["is_complaint"] == 1 and results[1]["is_complaint"] == 0


def test_large_batches_score_off_the_event_loop_with_the_same_results(triager, monkeypatch):
    from complaint_insight.service.routes import triage as route

    threaded = []

    async def recording(function, *args, **kwargs):
        threaded.append(len(args[0]))
        return await run_in_threadpool(function, *args, **kwargs)

    monkeypatch.setattr(route, "run_in_threadpool", recording)
    INLINE_CHARS = route.INLINE_CHARS
    client = TestClient(create_app(ServiceSettings(), triager=triager))
    texts = [f"Item {i}: the ward was noisy at night and nobody answered the buzzer. " * 10 for i in range(10)]
    assert sum(map(len, texts)) > INLINE_CHARS
    response = client.post("/v1/triage", json={"items": [{"id": i, "text": t} for i, t in enumerate(texts)]})
    assert response.json()["results"] == [r.to_dict() for r in triager.assess_many(texts, ids=list(range(10)))]
    client.post("/v1/triage", json={"items": [{"text": "short"}]})
    assert threaded == [10]  # the big batch went to a thread, the short one did not


def test_empty_batch_is_an_empty_answer(client):
    assert client.post("/v1/triage", json={"items": []}).json() == {"results": []}


@pytest.mark.parametrize(
    "payload, where",
    [
        ({"items": [{"id": "a"}]}, ["body", "items", 0, "text"]),
        ({"items": [{"text": "hello", "extra": 1}]}, ["body", "items", 0, "extra"]),
        ({"items": [{"text": ["a list"]}]}, ["body", "items", 0, "text"]),
        ({"items": "not a list"}, ["body", "items"]),
        ({}, ["body", "items"]),
    ],
)
def test_malformed_requests_get_422_saying_where(client, payload, where):
    response = client.post("/v1/triage", json=payload)
    assert response.status_code == 422
    details = response.json()["detail"]
    assert where in [d["loc"] for d in details]
    assert all(set(d) == {"loc", "msg", "type"} for d in details)  # the input is never echoed back


def test_invalid_json_gets_422_without_echo(client):
    response = client.post("/v1/triage", content=b'{"items": [{"text": "secret words"', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
    assert "secret words" not in response.text


def test_batch_and_text_limits_give_413_with_the_limit(client):
    response = client.post("/v1/triage", json={"items": [{"text": "x"}] * 11})
    assert response.status_code == 413 and "limit is 10" in response.json()["detail"]
    response = client.post("/v1/triage", json={"items": [{"text": "ok"}, {"text": "a" * 501}]})
    assert response.status_code == 413 and response.json()["detail"].startswith("items[1].text has 501 characters")


def test_body_limit_rejects_before_parsing(triager):
    client = TestClient(create_app(ServiceSettings(max_request_bytes=2048), triager=triager))
    big = json.dumps({"items": [{"text": "word " * 1000}]}).encode()
    response = client.post("/v1/triage", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "larger than 2048 bytes" in response.json()["detail"]

    # Chunked upload (no Content-Length): counted as it streams, stopped at the limit.
    def chunks():
        for i in range(0, len(big), 512):
            yield big[i : i + 512]

    response = client.post("/v1/triage", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413 and "larger than 2048 bytes" in response.json()["detail"]
    small = client.post("/v1/triage", json={"items": [{"text": "fine"}]})
    assert small.status_code == 200


def test_bearer_token(triager, monkeypatch):
    monkeypatch.setenv("COMPLAINT_INSIGHT_API_TOKEN", "s3cret-token")
    client = TestClient(create_app(triager=triager))  # settings read from the environment
    payload = {"items": [{"text": "rude staff"}]}
    missing = client.post("/v1/triage", json=payload)
    assert missing.status_code == 401 and missing.headers["www-authenticate"].startswith("Bearer")
    wrong = client.post("/v1/triage", json=payload, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and 'error="invalid_token"' in wrong.headers["www-authenticate"]
    right = client.post("/v1/triage", json=payload, headers={"Authorization": "Bearer s3cret-token"})
    assert right.status_code == 200
    health = client.get("/healthz")  # open, so load balancers and the page can read it
    assert health.status_code == 200 and health.json()["auth_required"] is True
    assert "s3cret-token" not in health.text
    assert client.get("/").status_code == 200


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("COMPLAINT_INSIGHT_API_TOKEN", "  ")
    monkeypatch.setenv("COMPLAINT_INSIGHT_MAX_BATCH_ITEMS", "25")
    settings = load_settings()
    assert settings.api_token is None and settings.max_batch_items == 25
    monkeypatch.setenv("COMPLAINT_INSIGHT_MAX_BATCH_ITEMS", "0")
    with pytest.raises(ConfigError, match="COMPLAINT_INSIGHT_MAX_BATCH_ITEMS"):
        load_settings()


def test_openapi_schema_has_versioned_typed_paths(client):
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {
        "/healthz", "/v1/triage", "/v1/categorise", "/v1/actions/suggest", "/v1/themes", "/v1/themes/assign"
    }
    operation = schema["paths"]["/v1/triage"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/TriageRequest")
    assert {"200", "401", "413", "422"} <= set(operation["responses"])
    assert operation["security"] == [{"HTTPBearer": []}]
    result_fields = set(schema["components"]["schemas"]["TriageResult"]["properties"])
    assert {"is_complaint", "complaint_probability", "red_flags", "severity", "cues", "prompt"} <= result_fields


def test_staff_page_and_assets_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "http" not in page.text.replace('http-equiv', '')  # no CDN or external asset
    for asset, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
    assert client.get("/static/..%2Fapp.py").status_code == 404
    assert client.get("/static/nothing.js").status_code == 404


def test_staff_page_can_be_turned_off(triager):
    client = TestClient(create_app(ServiceSettings(staff_page=False), triager=triager))
    assert client.get("/").status_code == 404
    assert client.get("/healthz").status_code == 200


def test_logs_hold_no_complaint_text(client, caplog):
    secret = "Zebra-marker my neighbour Mrs Example was rude"
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/triage", json={"items": [{"id": "x1", "text": secret}]})
        client.post("/v1/triage", json={"items": [{"text": secret, "bad": 1}]})
        client.post("/v1/triage", json={"items": [{"text": secret * 100}]})  # over the text limit
        client.post(f"/v1/{secret}", json={})  # text in the URL
    # Everything the server side logged (the test client's own request log is not the server's).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    access = [r.getMessage() for r in caplog.records if r.name == "complaint_insight.service.access"]
    assert len(access) == 4
    assert access[0].startswith("POST /v1/triage 200 ") and access[1].startswith("POST /v1/triage 422 ")
    assert access[2].startswith("POST /v1/triage 413 ") and access[3].startswith("POST (no route) 404 ")
    assert "Zebra" not in logged and "x1" not in logged


def test_app_start_loads_lazy_models_before_the_first_request():
    # Otherwise the first caller whose text needs spaCy waits ~1 s, with every request queued behind it.
    import subprocess
    import sys

    code = (
        "import sys; from complaint_insight.service.app import create_app; "
        "assert 'spacy' not in sys.modules; create_app(); print('spacy' in sys.modules, 'py3langid' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True True"  # red-flag matcher and language identifier both loaded
