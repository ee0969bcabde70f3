"""Run the whole offline pipeline on every real screenplay, as a new user would, and print a table.

    python scripts/sweep_real.py [--data DIR] [--out DIR] [--classes standard,flat,...]
                                 [--no-native] [--no-renderings] [--no-mutants] [--batch]
                                 [--audio-shorts N] [--fuzz N] [--json FILE]

Inputs, scored one at a time through ``python -m scenescore score FILE --audio none`` in a
subprocess (so the exit code and stderr are what a user gets):

- every ``.fountain`` and ``.fdx`` in DATA (default ``../shared/data/screenplays``, copyrighted:
  see its README; nothing of them is written outside ``--out``), in its native form;
- each of them rendered into every layout class of ``segment/render_layouts.py`` (one seeded
  rendering per class, written as a ``.txt`` file, or an IMSDB-shaped ``.html`` page for
  ``imsdb_html``; tab layouts keep their tabs), as ``scripts/eval_segment.py`` builds them;
- ``--batch``: ``scenescore batch`` (serial executor) over the native files;
- mutated, truncated and binary files made from one of them (``--no-mutants`` to skip);
- ``--fuzz N``: N seeded damaged copies of every native file and every rendering (truncated at a
  random byte, bytes flipped, lines dropped, a block repeated, junk lines, blocks swapped,
  indentation stripped, other line endings, control characters, Latin-1, stray HTML tags);
- ``--audio-shorts N``: the N shortest native files again with the default audio backend;
- ``--degraded``: the shortest file with ``[translate] backend = "openai"`` pointed at a closed
  loopback port, so translation falls back to the rules: the run must exit 3, not 0.

Per run it records: exit code and whether a traceback or an "unexpected" error appeared (a crash);
scene count against the gold headings (the source's headings after the slug convention,
``render_layouts.load_script``; bar: within 30% when there are at least 10); the longest cue and
the total music minutes (bar: no cue over 5 minutes); per timeline layer the share of scenes and
its longest run, flagged when a run covers more than a quarter of the scenes, with whether a
warning named it; the warnings logged; degraded stages and that the exit code says so (3); that
every file the manifest records is on disk at its recorded size; the film's tone (genre, source,
valence) and share of cues in minor or dark modes (``eval_emotion.DARK_MODES``); the five turning
points' positions as % of the script (recorded only: these scripts have no human labels).

The shipped line typer was trained on renderings of these same sources (scripts/train_segment.py),
so this sweep is a robustness check of the whole pipeline, not a held-out typing evaluation (that
is scripts/eval_segment.py). Without the data folder it says so and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_emotion import DARK_MODES  # noqa: E402
from scenescore.records import ElementType  # noqa: E402
from scenescore.segment.render_layouts import (  # noqa: E402
    LAYOUT_CLASSES,
    load_script,
    random_layout,
    render,
    to_html,
)

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "screenplays"
MAX_CUE_S = 300.0
#: A layer whose longest run of scenes covers more than this share is flagged (as segment's warning).
LAYER_SHARE = 0.25
_WARNING = re.compile(r"^WARNING [\w.]+: (.*)$")


@dataclass
class Row:
    name: str
    kind: str  # native | rendering | mutant | fuzzed | audio | degraded | batch
    rc: int | None = None
    crash: bool = False
    error: str = ""
    gold_headings: int | None = None
    scenes: int | None = None
    cues: int = 0
    longest_cue_s: float = 0.0
    music_min: float = 0.0
    layers: dict[str, tuple[float, float]] = field(default_factory=dict)  # layer -> (share, longest run share)
    warnings: list[str] = field(default_factory=list)
    degraded: list[str] = field(default_factory=list)
    outputs_ok: bool | None = None
    tone: str = ""
    dark_share: float | None = None
    tps: list[str] = field(default_factory=list)  # "TP1 12%", or "scene 3" for an unlabelled raw shift
    markup_headings: int | None = None
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    stderr_tail: list[str] = field(default_factory=list)


def gold_headings(path: Path, *, convention: bool = True) -> int:
    """Headings of a source: after the slug convention (what the typer is trained to find), or as
    the source's markup types them (``convention=False``)."""
    script = load_script(path, convention=convention)
    return sum(1 for block in script.blocks for p in block if p.kind == "heading")


def write_rendering(path: Path, klass: str, seed: int, folder: Path) -> tuple[Path, int]:
    """One seeded rendering of ``path`` in ``klass`` written as a file a user could have; returns
    the file and the number of gold headings in it."""
    script = load_script(path)
    rng = random.Random(seed)
    excerpt = klass == "excerpt"
    lay = random_layout(rng, rng.choice(LAYOUT_CLASSES[:-1]) if excerpt else klass)
    lines, types, bold = render(script, lay, rng, excerpt=excerpt)
    heads = sum(t is ElementType.SCENE_HEADING for t in types)
    stem = f"{path.stem}.{path.suffix[1:]}.{klass}"
    if lay.html:
        out = folder / f"{stem}.html"
        out.write_bytes(to_html(lines, bold, next_line_close=lay.bold_next_line))
    else:
        out = folder / f"{stem}.txt"
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out, heads


def mutants(source: Path, fdx: Path | None, folder: Path, seed: int) -> list[Path]:
    """Broken files made from a real one: truncated, shuffled, re-encoded, binary, empty."""
    rng = random.Random(seed)
    data = source.read_bytes()
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    made: dict[str, bytes] = {
        "empty.fountain": b"",
        "whitespace.txt": b" \n\t\n   \n",
        "random.fountain": bytes(rng.randrange(256) for _ in range(4096)),
        "png_named.txt": b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(512)),
        "fake.pdf": b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(512)),
        "gzipped.fountain": gzip.compress(data, mtime=0),
        "nul_inside.fountain": data[: len(data) // 2] + b"\x00\x00" + data[len(data) // 2:],
        "truncated_half.fountain": data[: len(data) // 2],
        "truncated_mid_char.fountain": data[:1] + "é".encode()[:1],
        "utf16.fountain": text.encode("utf-16"),
        "cp1252.txt": text.replace("'", "’").encode("cp1252", errors="replace"),
        "shuffled.fountain": "\n".join(rng.sample(lines, len(lines))).encode(),
        "every_third_dropped.fountain": "\n".join(x for i, x in enumerate(lines) if i % 3).encode(),
        "no_headings.fountain": "\n".join(x for x in lines
                                          if not re.match(r"^\s*(INT|EXT|I/E)[./ ]", x, re.I)).encode(),
        "one_long_line.txt": (" ".join(lines)).encode(),
        "html_no_pre.html": b"<html><body><p>" + data[:2000].replace(b"<", b"") + b"</p></body></html>",
        "entity_bomb.fdx": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
                            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                            b'<FinalDraft><Content><Paragraph Type="Action"><Text>&b;</Text></Paragraph>'
                            b'</Content></FinalDraft>'),
    }
    if fdx is not None:
        raw = fdx.read_bytes()
        made["truncated.fdx"] = raw[: len(raw) // 2]
        made["fdx_no_content.fdx"] = b'<?xml version="1.0"?><FinalDraft DocumentType="Script"></FinalDraft>'
    out = []
    for name, blob in made.items():
        path = folder / name
        path.write_bytes(blob)
        out.append(path)
    out.append(folder / "does_not_exist.fountain")
    return out


#: Damage done to a file that stays a screenplay of sorts (``--fuzz``): each takes the file's
#: bytes and a seeded generator and returns new bytes.
def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def _flip_bytes(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(max(1, len(out) // 1000)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _drop_lines(data: bytes, rng: random.Random) -> bytes:
    return b"\n".join(x for x in _lines(data) if rng.random() > 0.1)


def _repeat_block(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    a = rng.randrange(len(lines))
    b = min(len(lines), a + rng.randrange(1, 200))
    return b"\n".join(lines[:b] + lines[a:b] * rng.randrange(2, 6) + lines[b:])


def _junk_lines(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    for _ in range(max(1, len(lines) // 50)):
        junk = bytes(rng.choice(b"()[]{}<>&;:.-_*#=!~^|/\\\t ABCXYZint.ext.0123456789\x0c\x1b\xc3\xa9")
                     for _ in range(rng.randrange(1, 80)))
        lines.insert(rng.randrange(len(lines) + 1), junk)
    return b"\n".join(lines)


def _swap_blocks(data: bytes, rng: random.Random) -> bytes:
    lines = _lines(data)
    cut = sorted(rng.sample(range(len(lines) + 1), 3)) if len(lines) >= 3 else [0, 0, len(lines)]
    a, b, c = cut
    return b"\n".join(lines[:a] + lines[b:c] + lines[a:b] + lines[c:])


def _strip_indent(data: bytes, rng: random.Random) -> bytes:
    return b"\n".join(x.lstrip() for x in _lines(data))


def _line_endings(data: bytes, rng: random.Random) -> bytes:
    return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n", b"\x0c\n"]))


def _controls(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(max(1, len(out) // 2000)):
        out.insert(rng.randrange(len(out) + 1), rng.choice([0, 1, 7, 8, 11, 12, 27, 127]))
    return bytes(out)


def _latin1(data: bytes, rng: random.Random) -> bytes:
    return data.decode("utf-8", errors="replace").encode("latin-1", errors="replace")


def _tags(data: bytes, rng: random.Random) -> bytes:  # stray markup in a text or HTML file
    lines = _lines(data)
    for _ in range(max(1, len(lines) // 40)):
        k = rng.randrange(len(lines)) if lines else 0
        tag = rng.choice([b"<b>", b"</b>", b"<pre>", b"</pre>", b"<br>", b"&nbsp;", b"&amp;", b"<!--", b"-->",
                          b"<script>", b"]]>", b"<![CDATA["])
        lines[k:k] = [tag]
    return b"\n".join(lines)


FUZZ = {"truncated": _truncate, "bytes_flipped": _flip_bytes, "lines_dropped": _drop_lines,
        "block_repeated": _repeat_block, "junk_lines": _junk_lines, "blocks_swapped": _swap_blocks,
        "indent_stripped": _strip_indent, "line_endings": _line_endings, "control_chars": _controls,
        "latin1": _latin1, "stray_tags": _tags}


def fuzzed(path: Path, folder: Path, rng: random.Random, per_file: int) -> list[Path]:
    """``per_file`` damaged copies of ``path`` (kinds drawn without repeats), same suffix."""
    data = path.read_bytes()
    out = []
    for kind in rng.sample(sorted(FUZZ), min(per_file, len(FUZZ))):
        target = folder / f"{path.stem}.{kind}{path.suffix}"
        target.write_bytes(FUZZ[kind](data, rng) if data else b"")
        out.append(target)
    return out


def run_cli(args: list[str], timeout: float, env_extra: dict[str, str] | None = None
            ) -> tuple[int | None, str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), COLUMNS="160", **(env_extra or {}))
    t0 = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "scenescore", *args], capture_output=True, text=True,
                              env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        return None, f"timed out after {timeout:.0f} s\n{exc.stderr or ''}", time.perf_counter() - t0
    return done.returncode, done.stderr, time.perf_counter() - t0


def score_one(path: Path, kind: str, out: Path, name: str, audio: str, timeout: float,
              gold: int | None, *, markup: int | None = None, config: Path | None = None) -> Row:
    row = Row(name=name, kind=kind, gold_headings=gold, markup_headings=markup)
    head = ["--config", str(config)] if config else []
    # A dummy key: the degraded check's endpoint is a closed port on loopback, nothing is sent.
    rc, stderr, row.seconds = run_cli([*head, "score", str(path), "--out", str(out), "--name", name,
                                       "--audio", audio, "-q"], timeout,
                                      {"OPENAI_API_KEY": "sweep-dummy"} if config else None)
    row.rc = rc
    row.crash = rc is None or "Traceback" in stderr or "unexpected" in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    row.error = errors[-1] if errors else ""
    row.warnings = [m.group(1) for line in stderr.splitlines() if (m := _WARNING.match(line))]
    row.stderr_tail = stderr.strip().splitlines()[-3:] if rc not in (0, 3) else []
    if rc == 1 and (len(errors) != 1 or row.crash) and kind != "degraded":
        row.problems.append("exit 1 without exactly one clean error line")
    if rc not in (0, 1, 3):
        row.problems.append(f"exit {rc}")
    folder = out / name
    if rc in (0, 3):
        read_run(folder, row)
    if row.crash:
        row.problems.append("crash: " + (stderr.strip().splitlines() or ["?"])[-1][:200])
    return row


def read_run(folder: Path, row: Row) -> None:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    stages = manifest.get("stages", {})
    row.degraded = sorted(n for n, s in stages.items() if s.get("status") == "degraded")
    if row.degraded and row.rc != 3:
        row.problems.append(f"degraded ({', '.join(row.degraded)}) but exit {row.rc}")
    if not row.degraded and row.rc == 3:
        row.problems.append("exit 3 with no degraded stage")
    row.outputs_ok = all((folder / rel).is_file() and (folder / rel).stat().st_size == size
                         for s in stages.values() for rel, size in s.get("sizes", {}).items())
    if not row.outputs_ok:
        row.problems.append("a file the manifest records is missing or of another size")
    with (folder / "scenes.csv").open(encoding="utf-8", newline="") as fh:
        timeline = [r["timeline"] for r in csv.DictReader(fh)]
    row.scenes = len(timeline)
    if row.gold_headings and row.gold_headings >= 10 and abs(row.scenes - row.gold_headings) > 0.3 * row.gold_headings:
        markup = f" (the markup types {row.markup_headings})" if row.markup_headings is not None else ""
        row.problems.append(f"{row.scenes} scenes for {row.gold_headings} headings{markup}")
    for layer in sorted(set(timeline) - {"present"}):
        longest = run = 0
        for t in timeline:
            run = run + 1 if t == layer else 0
            longest = max(longest, run)
        share, run_share = timeline.count(layer) / len(timeline), longest / len(timeline)
        row.layers[layer] = (share, run_share)
        if run_share > LAYER_SHARE and len(timeline) >= 8 and not any(layer in w for w in row.warnings):
            # Left open to the end with no warning is a bug; closed by a marker, worth a look.
            at_end = run == longest
            row.problems.append(f"{layer} runs over {run_share:.0%} of the scenes"
                                + (" to the end, not warned" if at_end else " (closed by a marker)"))
    cues = json.loads((folder / "cues.json").read_text(encoding="utf-8"))
    lengths = [c["end_s"] - c["start_s"] for c in cues]
    row.cues = len(cues)
    row.longest_cue_s = max(lengths, default=0.0)
    row.music_min = sum(lengths) / 60
    if row.longest_cue_s > MAX_CUE_S:
        row.problems.append(f"cue of {row.longest_cue_s / 60:.1f} min")
    modes = [json.loads(line)["mode"] for line in
             (folder / "conditions.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    row.dark_share = sum(m in DARK_MODES for m in modes) / len(modes) if modes else None
    arc = json.loads((folder / "arc.json").read_text(encoding="utf-8"))
    tone = arc.get("tone") or {}
    row.tone = f"{tone.get('genre', '?')} ({tone.get('source', '?')}, v {tone.get('valence', 0):+.2f})"
    row.tps = [f"{tp['label']} {100 * tp['position']:.0f}%" if tp.get("position") is not None
               else f"scene {tp.get('scene_id')}" for tp in arc.get("turning_points", [])]


def run_batch(files: list[Path], out: Path, timeout: float) -> Row:
    row = Row(name=f"batch of {len(files)} native files", kind="batch")
    rc, stderr, row.seconds = run_cli(["batch", *map(str, files), "--out", str(out), "--audio", "none",
                                       "--executor", "serial", "-q"], timeout)
    row.rc = rc
    row.crash = rc is None or "Traceback" in stderr or "unexpected" in stderr
    row.warnings = [m.group(1) for line in stderr.splitlines() if (m := _WARNING.match(line))]
    summary = out / "batch_summary.csv"
    if summary.exists():
        with summary.open(encoding="utf-8", newline="") as fh:
            films = list(csv.DictReader(fh))
        row.scenes = len(films)
        failed = [f for f in films if (f.get("status") or "").lower() not in ("done", "ok", "ran", "skipped")]
        if failed:
            row.problems.append(f"{len(failed)} films not done: "
                                + "; ".join(f"{f.get('film') or f.get('input')}: {f.get('status')} {f.get('error', '')}"[:120]
                                            for f in failed[:3]))
    else:
        row.problems.append("no batch_summary.csv")
    if rc != 0:
        row.problems.append(f"exit {rc}: " + (stderr.strip().splitlines() or ["?"])[-1][:200])
    return row


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def print_table(rows: list[Row]) -> None:
    print("| input | kind | exit | scenes / gold | cues | longest cue | music min | layers (share, longest run) "
          "| warnings | tone | minor/dark | turning points | s | problems |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- | ---: | --- | ---: | --- |")
    for r in rows:
        layers = ", ".join(f"{k} {a:.0%}/{b:.0%}" for k, (a, b) in r.layers.items()) or "-"
        gold = "-" if r.gold_headings is None else str(r.gold_headings)
        if r.markup_headings is not None and r.markup_headings != r.gold_headings:
            gold += f" (markup {r.markup_headings})"
        scenes = "-" if r.scenes is None else f"{r.scenes} / {gold}"
        longest = f"{r.longest_cue_s / 60:.1f} min" if r.cues else "-"
        tps = ", ".join(r.tps) or "-"
        extra = r.error if r.rc == 1 else ""
        print(f"| {r.name} | {r.kind} | {r.rc} | {scenes} | {r.cues or '-'} | {longest} | "
              f"{r.music_min:.1f} | {layers} | {len(r.warnings)} | {r.tone or '-'} | {_pct(r.dark_share)} | {tps} | "
              f"{r.seconds:.1f} | {'; '.join(r.problems) or extra[:90] or 'ok'} |")


def summary(rows: list[Row]) -> None:
    scored = [r for r in rows if r.kind in ("native", "rendering") and r.scenes is not None]
    big = [r for r in scored if (r.gold_headings or 0) >= 10]
    within = [r for r in big if abs(r.scenes - r.gold_headings) <= 0.3 * r.gold_headings]
    print()
    print(f"runs: {len(rows)}; crashes: {sum(r.crash for r in rows)}; runs with a problem: "
          f"{sum(bool(r.problems) for r in rows)}")
    print(f"scene count within 30% of the gold headings (>= 10 headings): {len(within)}/{len(big)}")
    print(f"longest cue over all scored runs: {max((r.longest_cue_s for r in scored), default=0) / 60:.1f} min; "
          f"runs with a cue over 5 min: {sum(r.longest_cue_s > MAX_CUE_S for r in scored)}")
    print(f"mutants: exit codes {sorted({r.rc for r in rows if r.kind == 'mutant'}, key=str)}, "
          f"clean one-line errors {sum(r.rc == 1 and not r.problems for r in rows if r.kind == 'mutant')}"
          f"/{sum(r.rc == 1 for r in rows if r.kind == 'mutant')}")
    fuzzed = [r for r in rows if r.kind == "fuzzed"]
    if fuzzed:
        over = sum(r.longest_cue_s > MAX_CUE_S for r in fuzzed)
        print(f"fuzzed: {len(fuzzed)} runs, exit codes {sorted({r.rc for r in fuzzed}, key=str)} "
              f"({sum(r.rc == 0 for r in fuzzed)} scored, {sum(r.rc == 1 for r in fuzzed)} refused), "
              f"crashes {sum(r.crash for r in fuzzed)}, with a problem {sum(bool(r.problems) for r in fuzzed)}, "
              f"with a cue over 5 min {over}")
    warned = sorted({w for r in rows for w in r.warnings})
    if warned:
        print("distinct warnings (first 30):")
        for w in warned[:30]:
            print(f"  {w[:160]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, help="run folders and rendered files (default: a temporary folder)")
    parser.add_argument("--classes", default=",".join(LAYOUT_CLASSES), help="layout classes to render")
    parser.add_argument("--only", help="comma list of source file names (default: all)")
    parser.add_argument("--seed", type=int, default=1700, help="seed of the renderings and mutants")
    parser.add_argument("--no-native", action="store_true")
    parser.add_argument("--no-renderings", action="store_true")
    parser.add_argument("--no-mutants", action="store_true")
    parser.add_argument("--batch", action="store_true", help="also batch over the native files (serial)")
    parser.add_argument("--audio-shorts", type=int, default=0, metavar="N",
                        help="also score the N shortest native files with the default audio")
    parser.add_argument("--degraded", action="store_true",
                        help="also score the shortest file with an LLM endpoint that is down (expects exit 3)")
    parser.add_argument("--fuzz", type=int, default=0, metavar="N",
                        help="also N seeded damaged copies (truncated, bytes flipped, lines dropped, ...) of "
                             "every native file and every rendering")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"{args.data}: no screenplay folder here (the real scripts live in ../shared/data/screenplays); "
              "nothing to sweep")
        return 0
    sources = sorted(p for p in args.data.iterdir() if p.suffix in (".fountain", ".fdx"))
    if args.only:
        sources = [p for p in sources if p.name in set(args.only.split(","))]
    if not sources:
        print(f"{args.data}: no .fountain or .fdx files; nothing to sweep")
        return 0
    work = args.out or Path(tempfile.mkdtemp(prefix="sweep_real_"))
    files, runs = work / "files", work / "runs"
    files.mkdir(parents=True, exist_ok=True)
    runs.mkdir(parents=True, exist_ok=True)
    print(f"sweep: {len(sources)} sources from {args.data}; working in {work}", flush=True)
    classes = [c for c in args.classes.split(",") if c]
    rows: list[Row] = []
    fuzz_inputs: list[tuple[Path, int]] = []

    def done(row: Row) -> None:
        rows.append(row)
        print(f"  {row.name}: exit {row.rc}, {row.scenes} scenes, {row.cues} cues, {row.seconds:.1f} s"
              + (f"  PROBLEM {'; '.join(row.problems)}" if row.problems else ""), file=sys.stderr, flush=True)

    for s_index, path in enumerate(sources):
        gold = gold_headings(path)
        if not args.no_native:
            row = score_one(path, "native", runs, f"{path.stem}.{path.suffix[1:]}", "none", args.timeout, gold,
                            markup=gold_headings(path, convention=False))
            done(row)
        if args.no_renderings:
            continue
        for c_index, klass in enumerate(classes):
            seed = args.seed * 1000 + s_index * 100 + c_index
            rendered, heads = write_rendering(path, klass, seed, files)
            done(score_one(rendered, "rendering", runs, rendered.stem, "none", args.timeout, heads))
            if args.fuzz:
                fuzz_inputs.append((rendered, seed))
        if args.fuzz:
            fuzz_inputs.append((path, args.seed * 1000 + s_index * 100 + 99))
    if args.audio_shorts:
        natives = sorted(sources, key=lambda p: p.stat().st_size)[: args.audio_shorts]
        for path in natives:
            done(score_one(path, "audio", runs, f"{path.stem}.{path.suffix[1:]}.audio", "fluidsynth",
                           args.timeout, gold_headings(path)))
    if args.degraded:
        # An LLM translation whose server is down falls back to the rules: the run must say so (exit 3).
        config = work / "dead_llm.toml"
        config.write_text('[translate]\nbackend = "openai"\nbase_url = "http://127.0.0.1:9/v1"\n'
                          "max_retries = 0\nbackoff_s = 0.0\ntimeout_s = 2.0\n", encoding="utf-8")
        path = min(sources, key=lambda p: p.stat().st_size)
        row = score_one(path, "degraded", runs, f"{path.stem}.{path.suffix[1:]}.dead-llm", "none", args.timeout,
                        gold_headings(path), config=config)
        if row.rc != 3:
            row.problems.append(f"an LLM fallback run exited {row.rc}, not 3")
        done(row)
    if args.batch:
        done(run_batch(sources, work / "batch", args.timeout * len(sources)))
    if not args.no_mutants:
        fountain = next((p for p in sources if p.suffix == ".fountain"), sources[0])
        fdx = next((p for p in sources if p.suffix == ".fdx"), None)
        mutant_dir = work / "mutants"
        mutant_dir.mkdir(exist_ok=True)
        for path in mutants(fountain, fdx, mutant_dir, args.seed):
            done(score_one(path, "mutant", runs, f"mutant.{path.name}", "none", args.timeout, None))
    if fuzz_inputs:
        fuzz_dir = work / "fuzzed"
        fuzz_dir.mkdir(exist_ok=True)
        for path, seed in fuzz_inputs:
            for damaged in fuzzed(path, fuzz_dir, random.Random(seed), args.fuzz):
                done(score_one(damaged, "fuzzed", runs, f"fuzzed.{damaged.name}", "none", args.timeout, None))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in rows], indent=1), encoding="utf-8")
    print()
    print_table(rows)
    summary(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
