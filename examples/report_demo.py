"""Build a three-year demo input for ``complaint-insight report`` from the authored examples/feedback.csv.

    python examples/report_demo.py /tmp/demo
    complaint-insight report /tmp/demo/feedback.csv -o /tmp/demo/report.html --json /tmp/demo/report.json \
        --group-column service --taxonomy qdc --log /tmp/demo/learning.db \
        --surveys examples/surveys.csv --denominators /tmp/demo/denominators.csv --start 2023-01-01 --end 2025-12-31

The 24 authored comments are triaged and categorised once, then drawn at random (seed 0) onto
days from 2023 to 2025, with waiting-time complaints in the emergency department made to rise
through 2025 so the charts have something to find. Denominators (attendances per service and
quarter) and the learning log are made up for the demo.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def build(out: Path) -> None:
    from complaint_insight.actions import LogEntry, SQLiteLearningLog
    from complaint_insight.taxonomy import load_categoriser
    from complaint_insight.triage import Triager

    out.mkdir(parents=True, exist_ok=True)
    seed = pd.read_csv(HERE / "feedback.csv", dtype=str, keep_default_na=False)
    seed = Triager().assess_frame(seed)
    seed = load_categoriser("qdc").categorise_frame(seed)
    seed = seed[["text", "service", "is_complaint", "severity", "red_flags", "categories"]]
    rng = np.random.default_rng(0)
    days = pd.date_range("2023-01-01", "2025-12-31", freq="D")
    waiting = seed.index[seed["text"].str.contains("hours", case=False) & (seed["is_complaint"] == 1)]
    rows = []
    for day in days:
        picks = list(rng.integers(0, len(seed), rng.poisson(6)))
        if day.year == 2025:  # a growing problem: extra waiting complaints, more each month
            picks += list(rng.choice(waiting, rng.poisson(0.25 * day.month)))
        for i in picks:
            rows.append({**seed.loc[i].to_dict(), "date": day.strftime("%Y-%m-%d")})
    frame = pd.DataFrame(rows)
    frame.to_csv(out / "feedback.csv", index=False)
    quarters = pd.period_range("2023Q1", "2025Q4", freq="Q")
    denominators = [
        {"group": s, "period": f"{q.year}-Q{q.quarter}", "count": int(rng.normal(base, base * 0.05))}
        for s, base in (
            ("Emergency department", 24000),
            ("Outpatients", 60000),
            ("Community nursing", 9000),
            ("Maternity", 3000),
            ("Mental health", 5000),
            ("Inpatient ward", 12000),
        )
        for q in quarters
    ]
    pd.DataFrame(denominators).to_csv(out / "denominators.csv", index=False)
    log_path = out / "learning.db"
    log_path.unlink(missing_ok=True)
    log = SQLiteLearningLog(log_path)
    log.add(
        LogEntry(
            theme_id="timeliness_of_care",
            theme_label="Timeliness of care",
            action_text="Hourly rounding with waiting-time updates in the emergency department",
            owner="ED matron",
            date_agreed=dt.date(2025, 6, 1),
            due_date=dt.date(2025, 9, 30),
            status="in_progress",
        )
    )
    log.add(
        LogEntry(
            theme_id="kept_informed_clarity",
            theme_label="Kept informed",
            action_text="Text message when a clinic runs more than 30 minutes late",
            owner="outpatients manager",
            date_agreed=dt.date(2024, 3, 1),
            due_date=dt.date(2024, 6, 30),
            status="done",
            effect="fell: 14.2 a month before, 9.1 after, ratio 0.64 (95% CI 0.49-0.83), p = 0.001",
            effect_ratio=0.64,
            effect_p=0.001,
            effect_measured=dt.date(2025, 1, 15),
        )
    )
    log.add(
        LogEntry(
            theme_id="discharge",
            theme_label="Discharge",
            action_text="Discharge checklist includes medicines",
            owner="ward manager",
            date_agreed=dt.date(2025, 10, 1),
            status="planned",
        )
    )
    print(f"{len(frame)} rows -> {out}", file=sys.stderr)


if __name__ == "__main__":
    build(Path(sys.argv[1] if len(sys.argv) > 1 else "report_demo"))
