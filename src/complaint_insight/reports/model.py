"""The report's figures as typed models: the JSON output is ``Report.model_dump_json()``.

Every section is present for any input; a section that the input cannot support is empty (or
None) and ``notes`` says why. ``SCHEMA_VERSION`` changes when a field changes meaning or goes.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from complaint_insight.reports.spc import XmrChart
from complaint_insight.reports.surveys import SurveyResult

SCHEMA_VERSION = "1"


class PeriodVolume(BaseModel):
    label: str = Field(description="2025-01 (month) or 2025-Q1 (quarter)")
    start: dt.date
    end: dt.date
    partial: bool = Field(description="the data cover only part of this period; not a real drop")
    rows: int = Field(description="feedback rows dated in the period")
    complaints: int
    complaint_rate: float | None = Field(description="complaints / rows; None when rows is 0")


class SpcSection(BaseModel):
    subject: str = Field(description="'all complaints', 'complaint rate', or 'theme: ...' / 'category: ...'")
    chart: XmrChart


class SeverityCount(BaseModel):
    level: int = Field(description="0-3 (HCAT severity); -1 = not assessed")
    label: str
    complaints: int


class RedFlagCount(BaseModel):
    type: str
    rows: int = Field(description="rows (complaint or not) carrying this red flag")


class Topic(BaseModel):
    """A theme or taxonomy category, with its complaints."""

    kind: Literal["theme", "category"]
    id: str
    label: str
    complaints: int
    share: float = Field(description="share of all complaints (a complaint can carry several categories)")
    high_severity: int = Field(description="complaints of severity 2 or 3")
    red_flag_rows: int
    quotes: list[str] = Field(
        description="representative complaints, personal data removed; empty when quotes are turned off"
    )


class Emerging(BaseModel):
    kind: Literal["theme", "category"]
    id: str
    label: str
    status: Literal["new", "growing"]
    period: str = Field(description="the last full period")
    count: int = Field(description="complaints in that period")
    earlier_count: int = Field(description="complaints in the comparison periods before it")
    earlier_periods: int
    ratio: float | None = Field(
        description="rate per day in the last period / rate per day before; None when new"
    )
    p_value: float | None = Field(description="one-sided exact Poisson-rate test; None when new")


class ActionRow(BaseModel):
    id: int | None
    theme_id: str
    theme_label: str
    action_text: str
    owner: str
    date_agreed: dt.date
    due_date: dt.date | None
    status: str
    overdue: bool
    effect: str | None
    effect_ratio: float | None
    effect_p: float | None
    effect_fell: bool = Field(description="ratio < 1 with p < 0.05")


class ActionsSection(BaseModel):
    log: str | None = Field(description="learning log file name; None when none was given")
    by_status: dict[str, int]
    overdue: int
    measured: int = Field(description="actions with a measured before/after effect")
    fell: int = Field(description="actions after which complaints fell by more than chance")
    entries: list[ActionRow]


class GroupRow(BaseModel):
    group: str
    rows: int
    complaints: int
    complaint_rate: float | None = Field(description="complaints / feedback rows")
    denominator: float | None = Field(description="sum of the supplied denominator over periods with one")
    complaints_in_denominator_periods: int | None
    rate_per_1000: float | None = Field(description="complaints per 1,000 denominator units")
    category_shares: dict[str, float] = Field(
        description="share of the group's complaints per shared category"
    )
    category_rates_per_1000: dict[str, float] = Field(
        description="per 1,000 denominator units; empty without one"
    )


class ComparisonSection(BaseModel):
    group_column: str
    with_denominator: bool
    categories: list[str] = Field(description="category ids compared (the top ones overall)")
    category_labels: dict[str, str]
    groups: list[GroupRow]


class Report(BaseModel):
    schema_version: str = SCHEMA_VERSION
    title: str
    generated_at: dt.datetime
    source: str
    period: Literal["month", "quarter"]
    coverage_start: dt.date | None
    coverage_end: dt.date | None
    rows: int
    undated_rows: int
    complaints: int
    triage_run: bool = Field(description="triage columns were computed here (the input had none)")
    taxonomy: str | None
    notes: list[str]
    changes: list[str] = Field(description="plain-language list of special-cause signals")
    periods: list[PeriodVolume]
    spc: list[SpcSection]
    severity: list[SeverityCount]
    red_flags: list[RedFlagCount]
    themes: list[Topic]
    categories: list[Topic]
    emerging: list[Emerging]
    actions: ActionsSection | None
    comparison: ComparisonSection | None
    surveys: list[SurveyResult]
