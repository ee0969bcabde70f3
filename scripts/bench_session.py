"""Benchmark: a spotting-session edit to one cue of a feature, against the full run.

Builds a feature-length screenplay by repeating the sample (as ``bench_score.py`` does), scores
it from scratch with FluidSynth audio, then writes a ``spotting.toml`` that changes one cue in
the middle of the film and scores again; each run is a fresh process (nothing cached in
memory). Prints per run the wall times, the ratio edit / full, what render redid (cues rendered,
neighbours synthesized for the temp track's crossfades, temp track patched or mixed whole), and
the median ratio. The issue's bar: the edit re-run under 10% of the full run.

    python scripts/bench_session.py [--pages 120] [--runs 3] [--edit tempo|out] [--draft]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"

CHILD = """
import json, sys, time
from scenescore.pipeline import score
from scenescore.options import ScoreOptions
from scenescore.render.options import AudioOptions, FluidSynthOptions, RenderOptions
fs = FluidSynthOptions(**json.loads(sys.argv[3]))
t = time.perf_counter()
r = score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name="feature"),
          stage_options={"render": RenderOptions(audio=AudioOptions(fluidsynth=fs))})
wall = time.perf_counter() - t
print(json.dumps({"wall": wall, "stages": r.seconds, "statuses": r.statuses}))
"""


def build_feature(pages: int, folder: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n\n")
    path = folder / "feature.fountain"
    path.write_text(title + "\n\n" + body * max(1, round(pages / 15)), encoding="utf-8")
    return path


def child(script: Path, out: Path, fluidsynth: dict) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", CHILD, str(script), str(out), json.dumps(fluidsynth)],
                          capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def edit_for(folder: Path, kind: str) -> tuple[str, str]:
    """A one-cue edit in the middle of the film, as a music editor would write it."""
    cues = json.loads((folder / "cues.json").read_text(encoding="utf-8"))
    cue = cues[len(cues) // 2]
    if kind == "tempo":
        conditions = [json.loads(x) for x in (folder / "conditions.jsonl").read_text().splitlines() if x]
        tempo = next(c["tempo_bpm"] for c in conditions if c["cue_id"] == cue["cue_id"])
        new = 100 if abs(tempo - 100) > 5 else 120
        return cue["cue_id"], f'[[cue]]\nid = "{cue["cue_id"]}"\nmusic = {{ tempo = {new} }}\n'
    end = cue["end_s"] - min(5.0, (cue["end_s"] - cue["start_s"]) / 3)
    return cue["cue_id"], f'[[cue]]\nid = "{cue["cue_id"]}"\nout = {end:.1f}\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edit", choices=("tempo", "out"), default="tempo")
    parser.add_argument("--draft", action="store_true", help="linear interpolation, no reverb")
    args = parser.parse_args()
    fluidsynth = {"interpolation": "linear", "reverb": False} if args.draft else {}
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f} (shared with other jobs: compare the ratio, not the seconds)")
    ratios = []
    for k in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-session-") as tmp:
            folder = Path(tmp)
            script = build_feature(args.pages, folder)
            full = child(script, folder / "runs", fluidsynth)
            run_dir = folder / "runs" / "feature"
            cue_id, edits = edit_for(run_dir, args.edit)
            (script.parent / "spotting.toml").write_text(edits, encoding="utf-8")
            again = child(script, folder / "runs", fluidsynth)
            state = json.loads((run_dir / "render_state.json").read_text())
            cues = len(state["cues"])
            report = json.loads((run_dir / "session_report.json").read_text())
            ratio = again["wall"] / full["wall"]
            ratios.append(ratio)
            print(f"run {k + 1}: {cues} cues; full {full['wall']:.1f} s (render {full['stages']['render']:.1f} s); "
                  f"edit of {cue_id} ({args.edit}) {again['wall']:.2f} s (render {again['stages']['render']:.2f} s); "
                  f"ratio {ratio:.3f}; changed: {sorted(report['changed_by_edits'])}")
            print("       edit run stages: " + ", ".join(f"{s} {again['statuses'][s]} {t:.2f}s"
                                                        for s, t in again["stages"].items()))
    print(f"median ratio edit/full over {len(ratios)} runs: {statistics.median(ratios):.3f} (bar: < 0.10)")


if __name__ == "__main__":
    main()
