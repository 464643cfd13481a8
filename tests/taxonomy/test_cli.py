import pandas as pd
import pytest

from complaint_insight.cli import main
from complaint_insight.io import read_table, write_table


@pytest.fixture
def feedback(tmp_path):
    frame = pd.DataFrame(
        {
            "id": ["r1", "r2", "r3", "r4"],
            "body": ["No parking spaces at all", "", "The cafe tea was cold", "=HYPERLINK(\"x\")"],
            "ward": ["A", "B", "C", "D"],
            "severity": [2, -1, 3, 1],
        }
    )
    path = tmp_path / "in.csv"
    write_table(frame, path, csv_formula_guard=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_categorise_custom_file_keeps_rows(tmp_path, feedback, custom_taxonomy_file, suffix):
    out = tmp_path / f"out{suffix}"
    code = main(["categorise", str(feedback), "-o", str(out), "--taxonomy", str(custom_taxonomy_file),
                 "--text-column", "body", "--quiet", "--chunk-size", "3"])
    assert code == 0
    frame = read_table(out)
    assert list(frame["id"]) == ["r1", "r2", "r3", "r4"] and list(frame["ward"]) == ["A", "B", "C", "D"]
    assert frame["categories"].fillna("").tolist()[:3] == ["parking", "", "food"]
    assert {"p_parking", "p_food", "p_staff", "category_status"} <= set(frame.columns)
    assert pd.to_numeric(frame["p_food"]).between(0, 1).all()


def test_builtin_with_severity_and_threshold(tmp_path, feedback):
    out = tmp_path / "out.csv"
    code = main(["categorise", str(feedback), "-o", str(out), "--taxonomy", "hcat", "--text-column", "body",
                 "--severity-column", "severity", "--threshold", "0", "--quiet"])
    assert code == 0
    frame = read_table(out)
    assert frame.loc[0, "categories"].count(";") == 6  # threshold 0: every HCAT category
    assert frame.loc[0, "severity_environment"] == "2" and frame.loc[1, "severity_environment"] == "-1"


def test_user_errors_exit_2_with_one_clear_message(tmp_path, feedback, capsys):
    out = tmp_path / "out.csv"
    assert main(["categorise", str(feedback), "-o", str(out), "--taxonomy", "hact", "--text-column", "body"]) == 2
    err = capsys.readouterr().err
    assert "unknown taxonomy 'hact'" in err and "hcat" in err and "qdc" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: t\ncategories:\n  - id: a\n    name: A\n", encoding="utf-8")
    assert main(["categorise", str(feedback), "-o", str(out), "--taxonomy", str(bad), "--text-column", "body"]) == 2
    assert f"{bad}:3: category 'a' has no description" in capsys.readouterr().err
    assert main(["categorise", str(feedback), "-o", str(out), "--taxonomy", "hcat"]) == 2
    assert "text column 'text' not found" in capsys.readouterr().err
    assert main(["categorise", str(feedback), "-o", str(out)]) == 2
    assert main(["categorise", str(feedback), "-o", str(out), "--taxonomy", "hcat", "--threshold", "2"]) == 2


def test_model_option_checks_taxonomy(tmp_path, feedback, custom_taxonomy_file, capsys):
    from complaint_insight.taxonomy import Categoriser

    folder = Categoriser(custom_taxonomy_file).set_thresholds(0.0).save(tmp_path / "model")
    out = tmp_path / "out.csv"
    assert main(["categorise", str(feedback), "-o", str(out), "--model", str(folder), "--text-column", "body", "--quiet"]) == 0
    assert read_table(out).loc[0, "categories"].count(";") == 2  # the saved threshold 0 is used
    assert main(["categorise", str(feedback), "-o", str(out), "--model", str(folder), "--taxonomy", "hcat",
                 "--text-column", "body"]) == 2
    assert "holds a 'clinic' categoriser" in capsys.readouterr().err


def test_theme_map_out(tmp_path, custom_taxonomy_file, capsys):
    frame = pd.DataFrame(
        {
            "body": ["No parking spaces at all", "Could not park anywhere", "The cafe tea was cold", "", "Cold soup"],
            "theme": ["t1", "t1", "t2", "t2", ""],
        }
    )
    path = tmp_path / "in.csv"
    write_table(frame, path, csv_formula_guard=False)
    out, mapping = tmp_path / "out.csv", tmp_path / "map.csv"
    code = main(["categorise", str(path), "-o", str(out), "--taxonomy", str(custom_taxonomy_file), "--text-column", "body",
                 "--theme-column", "theme", "--theme-map-out", str(mapping), "--quiet", "--chunk-size", "2"])
    assert code == 0
    categorised = read_table(out)
    table = read_table(mapping)
    # recompute from the written categories: the map must agree with the rows, across chunks
    t1 = categorised.loc[categorised.theme == "t1", "categories"]
    n_parking = sum("parking" in c.split(";") for c in t1)
    row = table[(table.theme_id == "t1") & (table.category_id == "parking")]
    assert n_parking == 2 and int(row["n"].item()) == 2 and float(row["share_of_theme"].item()) == 1.0
    assert row["category_name"].item() == "Parking" and row["dominant"].item() == "True"
    assert set(table.theme_id) == {"t1", "t2"}  # the blank theme is left out
    assert int(table.loc[table.theme_id == "t2", "theme_size"].iloc[0]) == 2
    assert main(["categorise", str(path), "-o", str(out), "--taxonomy", "hcat", "--text-column", "body",
                 "--theme-column", "theme"]) == 2
    assert "go together" in capsys.readouterr().err
    assert main(["categorise", str(path), "-o", str(out), "--taxonomy", "hcat", "--text-column", "body",
                 "--theme-column", "cluster", "--theme-map-out", str(mapping)]) == 2
    assert "theme column 'cluster' not found" in capsys.readouterr().err
    assert main(["categorise", str(path), "-o", str(out), "--taxonomy", "hcat", "--text-column", "body",
                 "--theme-column", "theme", "--theme-map-out", str(out)]) == 2
    assert "different file" in capsys.readouterr().err
