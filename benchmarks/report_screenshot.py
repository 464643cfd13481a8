"""Render the demo report (examples/report_demo.py, authored data only) in headless Chromium and save
a screenshot to docs/report.png. Nothing is fetched: the browser is offline.

    python benchmarks/report_screenshot.py [--out docs/report.png] [--html /tmp/report.html]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "examples"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "report.png"))
    parser.add_argument("--html", default=None, help="also keep the HTML here")
    parser.add_argument("--height", type=int, default=2600, help="pixels of the page captured from the top")
    args = parser.parse_args()

    import report_demo
    from playwright.sync_api import sync_playwright

    from complaint_insight.cli import main as cli

    chromium = os.environ.get("COMPLAINT_INSIGHT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp)
        report_demo.build(demo)
        html = demo / "report.html"
        rc = cli(
            [
                "report",
                str(demo / "feedback.csv"),
                "-o",
                str(html),
                "--group-column",
                "service",
                "--taxonomy",
                "qdc",
                "--log",
                str(demo / "learning.db"),
                "--surveys",
                str(ROOT / "examples" / "surveys.csv"),
                "--denominators",
                str(demo / "denominators.csv"),
                "--start",
                "2023-01-01",
                "--end",
                "2025-12-31",
                "--title",
                "Demo hospital: complaints learning report",
            ]
        )
        if rc:
            raise SystemExit(rc)
        if args.html:
            shutil.copy(html, args.html)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1100, "height": 900}, offline=True)
            page.goto(html.as_uri())
            page.screenshot(
                path=args.out, full_page=True, clip={"x": 0, "y": 0, "width": 1100, "height": args.height}
            )
            browser.close()
    print(f"screenshot -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
