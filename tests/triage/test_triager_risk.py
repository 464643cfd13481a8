"""The whole triage on single texts, batches, DataFrames and the CLI: one code path, same answers."""
import pandas as pd

from complaint_insight.triage.result import ROW_COLUMNS


def test_single_and_batch_agree(triager):
    texts = ["My nan has bruises all up her arms and the home can't tell us how.", "Lovely staff, thank you.", "n/a"]
    batch = triager.assess_many(texts)
    assert [triager.assess(t).to_dict() for t in texts] == [r.to_dict() for r in batch]


def test_red_flag_result(triager):
    text = "My nan has bruises all up her arms and the home can't tell us how she got them."
    result = triager.assess(text)
    flag = next(f for f in result.red_flags if f.type == "safeguarding")
    assert flag.span is not None and text[flag.span.start:flag.span.end] == flag.span.text
    assert result.severity == 3 and result.severity_label == "high" and "safeguarding" in result.severity_reason
    assert "safeguarding lead" in result.prompt


def test_ordinary_complaint(triager):
    text = "Waited four hours in A&E with a sprained ankle and nobody told us what was happening."
    result = triager.assess(text)
    assert result.is_complaint == 1 and result.red_flags == []
    assert result.severity in (1, 2) and result.intensity in ("no_explicit_reproach", "disapproval", "accusation", "blame")
    assert result.cues and all(text[c.start:c.end] == c.text for c in result.cues)
    assert result.cues[0].text in result.prompt


def test_non_english_gets_a_human_reader_and_no_guess(triager):
    result = triager.assess("Czekałam na karetkę ponad cztery godziny. To skandal.")
    assert result.status == "non_english" and result.needs_human_reader
    assert result.complaint_probability is None and [f.type for f in result.red_flags] == ["needs_human_reader"]


def test_no_content_answer(triager):
    result = triager.assess("did not answer")
    assert (result.status, result.is_complaint, result.complaint_probability, result.red_flags) == ("empty", 0, 0.0, [])


def test_frame_columns_and_order(triager):
    frame = pd.DataFrame({"text": ["Staff slapped my mother.", None, "Great care"]}, index=[5, 3, 9])
    out = triager.assess_frame(frame)
    assert list(out.index) == [5, 3, 9] and set(ROW_COLUMNS) <= set(out.columns)
    assert "safeguarding" in out.loc[5, "red_flags"].split(";") and out.loc[9, "red_flags"] == ""


def test_policy_override_reaches_the_prompt(tmp_path):
    from complaint_insight.triage import Triager

    path = tmp_path / "policy.yaml"
    path.write_text("routes:\n  self_harm:\n    route: ring the crisis team on 0800 000\n", encoding="utf-8")
    result = Triager(policy=path).assess("I've got the pills saved up and I want to end my life.")
    assert "0800 000" in result.prompt and "0800 000" in result.to_row()["red_flag_routes"]


def test_cli_adds_the_risk_columns(tmp_path):
    from complaint_insight.cli import main

    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    pd.DataFrame({"id": [1, 2], "text": ["I will be suing the surgery.", "ok"]}).to_csv(source, index=False)
    assert main(["triage", str(source), "-o", str(target), "--id-column", "id", "--quiet"]) == 0
    out = pd.read_csv(target, keep_default_na=False)
    assert list(out["id"]) == [1, 2] and "legal_action" in out.loc[0, "red_flags"].split(";")
    assert out.loc[1, "red_flags"] == ""
    for column in ("severity", "severity_reason", "intensity", "cues", "prompt", "red_flag_routes"):
        assert column in out.columns


def test_cli_bad_policy_is_one_line(tmp_path, capsys):
    from complaint_insight.cli import main

    source, policy = tmp_path / "in.csv", tmp_path / "p.yaml"
    pd.DataFrame({"text": ["hi"]}).to_csv(source, index=False)
    policy.write_text("routes: [", encoding="utf-8")
    assert main(["triage", str(source), "-o", str(tmp_path / "o.csv"), "--policy", str(policy), "--quiet"]) == 2
    assert "not valid YAML" in capsys.readouterr().err
