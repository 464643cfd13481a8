"""/v1/categorise and /v1/actions/suggest: same results as the Python API, same order, clear 4xx."""
import pytest

pytest.importorskip("fastapi")
pytest.importorskip("pydantic_settings")
from fastapi.testclient import TestClient  # noqa: E402

from complaint_insight.actions import ActionSuggester  # noqa: E402
from complaint_insight.service import ServiceSettings, create_app  # noqa: E402
from complaint_insight.taxonomy import available_taxonomies, load_categoriser  # noqa: E402
from complaint_insight.triage import Triager  # noqa: E402

TEXTS = ["We waited four hours in A&E and nobody told us why.", "", None, "The ward toilets were filthy."]


@pytest.fixture(scope="module")
def triager():
    return Triager()


@pytest.fixture(scope="module")
def hcat():
    return load_categoriser("hcat")


@pytest.fixture(scope="module")
def suggester():
    return ActionSuggester(category_source="similarity")  # no categoriser to load: a faster test


@pytest.fixture(scope="module")
def client(triager, hcat, suggester):
    settings = ServiceSettings(max_batch_items=5, max_text_chars=500)
    return TestClient(create_app(settings, triager=triager, categorisers={"hcat": hcat}, suggester=suggester))


def test_categorise_matches_the_python_api_in_order(client, hcat):
    items = [{"id": f"r{i}", "text": t} for i, t in enumerate(TEXTS)] + [{"text": "no id"}]
    response = client.post("/v1/categorise", json={"taxonomy": "hcat", "items": items})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["taxonomy"] == "hcat" and body["trained"] is True and body["taxonomy_version"]
    expected = hcat.categorise([i["text"] for i in items], ids=[i.get("id") for i in items])
    assert body["results"] == [r.to_dict() for r in expected]
    assert [r["id"] for r in body["results"]] == ["r0", "r1", "r2", "r3", None]
    assert [r["status"] for r in body["results"]] == ["ok", "empty", "empty", "ok", "ok"]
    first = body["results"][0]
    assert set(first["probabilities"]) == set(hcat.classes_)
    assert all(c["probability"] >= c["threshold"] for c in first["categories"])


def test_unknown_taxonomy_lists_the_available_ones(client):
    response = client.post("/v1/categorise", json={"taxonomy": "../../etc/passwd", "items": [{"text": "x"}]})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("unknown taxonomy") and all(name in detail for name in available_taxonomies())


@pytest.mark.parametrize("path, extra", [("/v1/categorise", {"taxonomy": "hcat"}), ("/v1/actions/suggest", {})])
def test_empty_and_oversized_batches(client, path, extra):
    empty = client.post(path, json={**extra, "items": []})
    assert empty.status_code == 422 and empty.json()["detail"] == "items is empty: send at least one item"
    many = client.post(path, json={**extra, "items": [{"text": "rude staff"}] * 6})
    assert many.status_code == 413 and "limit is 5" in many.json()["detail"]
    long = client.post(path, json={**extra, "items": [{"text": "a" * 501}]})
    assert long.status_code == 413 and long.json()["detail"].startswith("items[0].text has 501 characters")


def test_suggest_by_text_category_and_theme_in_order(client, suggester):
    items = [
        {"id": "c1", "text": TEXTS[0]},
        {"id": "t1", "theme": "waiting_times"},
        {"id": "q1", "category": "qdc:discharge"},
        {"id": "t2", "theme": {"id": "T7", "label": "mould in flats", "key_phrases": ["black mould"]}},
    ]
    response = client.post("/v1/actions/suggest", json={"items": items, "k": 2})
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["c1", "t1", "q1", "t2"] and {r["status"] for r in results} == {"ok"}
    assert results[0]["actions"] == [a.to_dict() for a in suggester.suggest(TEXTS[0], k=2)]
    assert results[1]["actions"] == [a.to_dict() for a in suggester.suggest(theme="waiting_times", k=2)]
    assert results[2]["actions"] == [a.to_dict() for a in suggester.suggest(category="qdc:discharge", k=2)]
    assert "Damp and mould" in results[3]["actions"][0]["themes"]
    for result in results:
        assert len(result["actions"]) == 2
        for action in result["actions"]:
            assert action["text"] and action["why"] and action["owner"]
            assert action["strength"] in ("stronger", "intermediate", "weaker")


def test_an_unusable_item_gets_a_reason_and_the_rest_still_run(client):
    items = [{"text": "   "}, {"text": "12345"}, {"category": "qdc:no_such_thing"}, {"theme": "repairs"}]
    results = client.post("/v1/actions/suggest", json={"items": items}).json()["results"]
    assert [r["status"] for r in results] == ["empty", "unreadable", "invalid", "ok"]
    assert "unknown qdc category" in results[2]["detail"] and results[2]["actions"] == []
    assert len(results[3]["actions"]) == 3


@pytest.mark.parametrize(
    "payload, where",
    [
        ({"items": [{"text": "a", "theme": "b"}]}, ["body", "items", 0]),
        ({"items": [{}]}, ["body", "items", 0]),
        ({"items": [{"text": "a"}], "k": 0}, ["body", "k"]),
        ({"items": [{"text": "a"}], "k": 11}, ["body", "k"]),
        ({"items": [{"text": "a", "extra": 1}]}, ["body", "items", 0, "extra"]),
    ],
)
def test_malformed_suggest_requests_get_422_saying_where(client, payload, where):
    response = client.post("/v1/actions/suggest", json=payload)
    assert response.status_code == 422
    assert where in [d["loc"] for d in response.json()["detail"]]


def test_new_endpoints_need_the_token_when_one_is_set(triager, hcat, suggester):
    settings = ServiceSettings(api_token="tok-123")
    client = TestClient(create_app(settings, triager=triager, categorisers={"hcat": hcat}, suggester=suggester))
    for path, payload in (
        ("/v1/categorise", {"taxonomy": "hcat", "items": [{"text": "rude staff"}]}),
        ("/v1/actions/suggest", {"items": [{"text": "rude staff"}]}),
    ):
        assert client.post(path, json=payload).status_code == 401
        ok = client.post(path, json=payload, headers={"Authorization": "Bearer tok-123"})
        assert ok.status_code == 200


def test_learning_log_actions_come_first(triager, hcat, suggester, tmp_path):
    import datetime as dt

    from complaint_insight.actions import LogEntry, SQLiteLearningLog

    path = tmp_path / "log.sqlite"
    SQLiteLearningLog(path).add(LogEntry(
        theme_id="waiting_times", theme_label="Waiting times and delays", action_text="Weekend triage nurse",
        owner="ED matron", date_agreed=dt.date(2024, 1, 10), status="done",
    ))
    settings = ServiceSettings(actions_log=str(path))
    client = TestClient(create_app(settings, triager=triager, categorisers={"hcat": hcat}, suggester=suggester))
    first = client.post("/v1/actions/suggest", json={"items": [{"theme": "waiting_times"}]}).json()["results"][0]
    assert first["actions"][0]["source"] == "learning_log" and first["actions"][0]["text"] == "Weekend triage nurse"


def test_openapi_lists_the_new_typed_paths(client):
    schema = client.get("/openapi.json").json()
    assert {"/v1/categorise", "/v1/actions/suggest"} <= set(schema["paths"])
    for path, request in (("/v1/categorise", "CategoriseRequest"), ("/v1/actions/suggest", "SuggestRequest")):
        operation = schema["paths"][path]["post"]
        assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(request)
        assert {"200", "401", "413", "422"} <= set(operation["responses"])
        assert operation["security"] == [{"HTTPBearer": []}]


def test_a_taxonomy_without_a_trained_model_is_zero_shot_and_says_so(client):
    payload = {"taxonomy": "uk_public_services", "items": [{"text": "The bins have not been collected for three weeks"}]}
    body = client.post("/v1/categorise", json=payload).json()
    assert body["trained"] is False
    assert [c["id"] for c in body["results"][0]["categories"]][:1] == ["waste_recycling"]
