import pytest

pytest.importorskip("fastapi")
pytest.importorskip("pydantic_settings")
from fastapi.testclient import TestClient

from complaint_insight.service import ServiceSettings, create_app
from complaint_insight.triage import Triager


@pytest.fixture(scope="module")
def triager():
    return Triager()


def test_assign_over_http_matches_python(tmp_path, fitted, triager):
    fitted.save(tmp_path / "m")
    app = create_app(ServiceSettings(max_batch_items=5, theme_model=str(tmp_path / "m")), triager=triager)
    client = TestClient(app)
    texts = ["The car park was full again", "", None, "Lorem ipsum dolor sit amet"]
    response = client.post("/v1/themes/assign", json={"items": [{"id": i, "text": t} for i, t in enumerate(texts)]})
    assert response.status_code == 200
    results = response.json()["results"]
    expected = fitted.assign(texts)
    assert [r["theme_id"] for r in results] == list(expected["theme_id"])
    assert [r["id"] for r in results] == [0, 1, 2, 3] and results[1]["theme_distance"] is None
    assert client.get("/v1/themes").json()["themes"][0]["id"] == "T01"
    too_many = client.post("/v1/themes/assign", json={"items": [{"text": "x"}] * 6})
    assert too_many.status_code == 413


def test_without_a_theme_model_is_404(triager):
    client = TestClient(create_app(ServiceSettings(), triager=triager))
    response = client.post("/v1/themes/assign", json={"items": [{"text": "x"}]})
    assert response.status_code == 404 and "COMPLAINT_INSIGHT_THEME_MODEL" in response.json()["detail"]
