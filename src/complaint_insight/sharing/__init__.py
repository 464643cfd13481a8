"""Anonymised sharing between organisations (see docs/sharing.md).

    from complaint_insight.sharing import build_export, write_export, read_export, compare_exports
    export = build_export(themed_frame, taxonomy="qdc", log="learning.db", organisation="Our Trust")
    write_export(export, "share.json")
    table = compare_exports(read_export("share.json"), read_export("their_share.json"))
"""
from __future__ import annotations

from complaint_insight.sharing.compare import compare_exports, parse_export, read_export
from complaint_insight.sharing.export import build_export, write_export
from complaint_insight.sharing.schema import (
    SCHEMA_VERSION,
    SharedAction,
    SharedCategory,
    SharedTheme,
    SharingExport,
    json_schema,
)

__all__ = [
    "SCHEMA_VERSION",
    "SharedAction",
    "SharedCategory",
    "SharedTheme",
    "SharingExport",
    "build_export",
    "compare_exports",
    "json_schema",
    "parse_export",
    "read_export",
    "write_export",
]
