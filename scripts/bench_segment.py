"""Benchmark: parse and segment a feature-length (~120 page) screenplay in every format.

The feature is built by repeating the sample screenplay in corpus/sample/ until it reaches
the target page count. Prints the median of several runs per format, lines per second, the
ratio to the 150 ms target, and for printed layouts the same pipeline with the rule-based
line typer (the baseline, timed in the same process, interleaved run by run).

    python scripts/bench_segment.py [--pages 120] [--runs 7]
"""

from __future__ import annotations

import argparse
import platform
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample"
sys.path.insert(0, str(ROOT / "src"))

from scenescore.ingest import read_screenplay_bytes  # noqa: E402


def _repeat_body(text: str, times: int) -> str:
    """Title page once (the first printed page, 55 lines), then the script body ``times`` times."""
    lines = text.splitlines(keepends=True)
    return "".join(lines[:55]) + "".join(lines[55:]) * times


def build_feature(pages: int) -> dict[str, bytes]:
    txt = (SAMPLE / "sample.txt").read_text(encoding="utf-8")
    sample_pages = max(1, round(txt.count("\n") / 55))
    times = max(1, round(pages / sample_pages))
    out: dict[str, bytes] = {}
    out["text"] = _repeat_body(txt, times).encode("utf-8")
    out["flat"] = _repeat_body((SAMPLE / "sample_flat.txt").read_text(encoding="utf-8"), times).encode("utf-8")
    fountain = (SAMPLE / "sample.fountain").read_text(encoding="utf-8")
    title, _, body = fountain.partition("\n\n")
    out["fountain"] = (title + "\n\n" + body * times).encode("utf-8")
    html = (SAMPLE / "sample.html").read_bytes()
    m = re.search(rb"(<pre>)(.*?)(</pre>)", html, re.S | re.I)
    assert m, "sample.html has no <pre>"
    out["html"] = html[:m.start(2)] + m.group(2) * times + html[m.end(2):]
    fdx = (SAMPLE / "sample.fdx").read_bytes()
    m = re.search(rb"(<Content>)(.*?)(</Content>)", fdx, re.S)
    assert m, "sample.fdx has no <Content>"
    out["fdx"] = fdx[:m.start(2)] + m.group(2) * times + fdx[m.end(2):]
    pdf_path = SAMPLE / "sample.pdf"
    if pdf_path.exists():
        out["pdf"] = _feature_pdf(out["text"].decode("utf-8"))
    return out


def _feature_pdf(text: str) -> bytes:
    """Lay the feature's text out as a PDF (Courier 12, 55 lines a page) with fpdf2."""
    try:
        from fpdf import FPDF
    except ImportError:
        return b""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Courier", size=12)
    lines = text.replace("\f", "").split("\n")
    for start in range(0, len(lines), 55):
        pdf.add_page()
        for k, line in enumerate(lines[start:start + 55]):
            if line.strip():
                indent = len(line) - len(line.lstrip(" "))
                pdf.text(x=36 + indent * 7.2, y=72 + k * 12, text=line.strip().encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def bench(data: bytes, name: str, runs: int) -> tuple[float, float, float, int, int]:
    """Median seconds to read+type, to read+type+build the scene table, and the latter with
    the rule-based typer."""
    from scenescore.segment import build_scenes
    from scenescore.segment.typers import type_document

    timings_parse, timings_total, timings_rules = [], [], []
    scenes = lines = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        doc = read_screenplay_bytes(data, f"feature.{name}")
        elements = type_document(doc)
        t1 = time.perf_counter()
        built, _warnings = build_scenes(elements, numbers=doc.numbers)
        t2 = time.perf_counter()
        timings_parse.append(t1 - t0)
        timings_total.append(t2 - t0)
        scenes, lines = len(built), len(doc.lines)
        if doc.hints is None:
            t3 = time.perf_counter()
            doc = read_screenplay_bytes(data, f"feature.{name}")
            build_scenes(type_document(doc, "rules"), numbers=doc.numbers)
            timings_rules.append(time.perf_counter() - t3)
    rules = statistics.median(timings_rules) if timings_rules else float("nan")
    return statistics.median(timings_parse), statistics.median(timings_total), rules, scenes, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    features = build_feature(args.pages)
    print(f"machine: {platform.machine()} {platform.processor() or ''} python {platform.python_version()}")
    print(f"{'format':<9} {'lines':>6} {'scenes':>6} {'parse ms':>9} {'read+type+segment ms':>21} "
          f"{'lines/s':>10} {'vs 150 ms':>9} {'rules ms':>9} {'vs rules':>8}")
    for name, data in features.items():
        if not data:
            print(f"{name:<9} skipped (fpdf2 not installed)")
            continue
        runs = max(3, args.runs // 2) if name == "pdf" else args.runs
        parse_s, total_s, rules_s, scenes, lines = bench(data, name, runs)
        print(f"{name:<9} {lines:>6} {scenes:>6} {parse_s * 1000:>9.1f} {total_s * 1000:>21.1f} "
              f"{lines / total_s:>10,.0f} {total_s / 0.15:>8.2f}x {rules_s * 1000:>9.1f} {total_s / rules_s:>7.2f}x")


if __name__ == "__main__":
    main()
