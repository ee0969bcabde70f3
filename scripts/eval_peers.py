#!/usr/bin/env python3
"""Compare our Fountain and FDX readers with other parsers' test suites and print the result.

    .venv/bin/python scripts/eval_peers.py [--limit N] [--suite NAME] [--fixtures DIR]

Prints a table per suite and overall (elements compared, type agreement), the disagreements
(file, expected type with the peer's label, our type, text), files whose text differs, reader
errors, and a smoke run over unlabelled scripts. Always exits 0: a file our reader cannot read is
a finding in the report. The harness is ``tests/peers.py``; the mapping is in docs/peers.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
if str(ROOT / "src") not in sys.path:
    sys.path.append(str(ROOT / "src"))

import peers  # noqa: E402


def _table(report: peers.Report) -> list[str]:
    head = (f"{'suite':<23} {'reader':<8} {'files':>5} {'errors':>6} {'compared':>8} "
            f"{'agreed':>6} {'agree%':>7} {'soft':>4} {'recall':>6} {'precis':>6}")
    rows = [head, "-" * len(head)]

    def line(s: peers.Summary) -> str:
        return (f"{s.name:<23} {s.fmt:<8} {s.files:>5} {s.errors:>6} {s.compared:>8} "
                f"{s.agreed:>6} {s.pct:>6.1f}% {s.soft:>4} {s.recall:>6.2f} {s.precision:>6.2f}")

    rows += [line(s) for s in report.suites.values()]
    rows.append("-" * len(head))
    rows += [line(s) for s in report.by_format.values()]
    rows.append(line(report.overall))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=40,
                        help="disagreements to print (0: all; default 40)")
    parser.add_argument("--suite", help="only disagreements of suites whose name contains this")
    parser.add_argument("--fixtures", type=Path, default=peers.PEERS,
                        help=f"fixtures folder (default {peers.PEERS})")
    args = parser.parse_args(argv)

    if not args.fixtures.is_dir():
        print(f"no peer fixtures at {args.fixtures}: nothing to compare")
        return 0
    try:
        report = peers.run_all(args.fixtures)
    except Exception as exc:  # keep the promise: report, do not crash
        print(f"harness failed: {type(exc).__name__}: {exc}")
        return 0

    print(f"Peer check of the Fountain and FDX readers ({args.fixtures})\n")
    print("\n".join(_table(report)))
    print("\nagree% = agreed / compared elements; soft = agreed through an equivalence "
          "(our shot for their action);\nrecall/precis = share of their / our normalized text "
          "that aligned.")

    for problem in report.problems:
        print(f"\nLOAD PROBLEM {problem}")
    errors = [r for r in report.results if r.error]
    if errors:
        print(f"\nReader errors ({len(errors)}):")
        for r in errors:
            print(f"  {r.case.name}: {r.error}")

    rows = [r for r in report.disagreements if not args.suite or args.suite in r.suite]
    shown = rows if args.limit <= 0 else rows[: args.limit]
    print(f"\nDisagreements ({len(rows)}" + (f", first {len(shown)}" if len(shown) < len(rows)
                                          else "") + "):")
    print(f"  {'file':<44} {'kind':<7} {'expected (peer label)':<31} {'ours':<23} text")
    for r in shown:
        expected = f"{r.expected} ({r.label})" if r.label != "-" else r.expected
        print(f"  {r.case:<44} {r.kind:<7} {expected:<31} {r.ours:<23} {r.text}")

    differs = [r for r in report.results
               if not r.error and (r.recall < 0.9 or r.precision < 0.9)]
    if differs:
        print("\nText differs (under 90 % of their text found in ours, or of ours in theirs):")
        for r in differs:
            print(f"  {r.case.name:<44} recall {r.recall:.2f}  precision {r.precision:.2f}")

    print("\nSmoke run, unlabelled scripts (non-blank lines per type):")
    for name, err, counts in peers.smoke(args.fixtures):
        detail = f"ERROR {err}" if err else ", ".join(f"{k} {v}" for k, v in counts.items())
        print(f"  {name:<44} {detail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
