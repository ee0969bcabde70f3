"""Benchmark: offline ``score`` of a feature-length screenplay, FluidSynth audio for every cue.

Builds a ~120-page script by repeating the sample screenplay's scenes (Fountain), scores it into
a temporary folder from scratch N times and prints the median wall time, the per-stage times,
the minutes of music rendered, the CPU seconds and the peak resident memory of the scoring
process (FluidSynth runs inside it). Baselines in the same process: the same run with
``--audio none`` (MIDI and MusicXML only) and with the draft synthesis settings (linear
interpolation, no reverb).

    python scripts/bench_score.py [--pages 120] [--runs 3] [--only fluidsynth] [--synth]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"

CHILD = """
import json, sys, time, resource
from scenescore.pipeline import score
from scenescore.options import ScoreOptions
from scenescore.render.options import AudioOptions, RenderOptions
from scenescore.render.options import FluidSynthOptions
audio = sys.argv[3]
fs = FluidSynthOptions(**json.loads(sys.argv[4]))
t = time.perf_counter()
r = score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name="feature"),
          stage_options={"render": RenderOptions(audio=AudioOptions(backend=audio, fluidsynth=fs))})
wall = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_SELF)
cues = json.load(open(r.folder / "cues.json"))
print(json.dumps({"wall": wall, "stages": r.seconds, "cues": len(cues), "cpu": use.ru_utime + use.ru_stime,
                  "music_min": sum(c["end_s"] - c["start_s"] for c in cues) / 60,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def build_feature(pages: int, folder: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n\n")
    times = max(1, round(pages / 15))  # the sample is about 15 pages
    path = folder / "feature.fountain"
    path.write_text(title + "\n\n" + body * times, encoding="utf-8")
    return path


VARIANTS = {  # name: (audio backend, FluidSynth options)
    "none": ("none", {}),
    "fluidsynth": ("fluidsynth", {}),
    "fluidsynth-draft": ("fluidsynth", {"interpolation": "linear", "reverb": False}),
}


SYNTH_CHILD = """
import json, sys, time
from scenescore.pipeline import score
from scenescore.options import ScoreOptions
from scenescore.render.backends import AudioJob
from scenescore.render.film import sketch_film
from scenescore.render.fluidsynth import render_fluidsynth
from scenescore.render.options import AudioOptions, FluidSynthOptions
r = score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name="feature", stop="translate"))
conditions = r.folder.joinpath("conditions.jsonl").read_text().splitlines()
from scenescore.conditions.schema import MusicCondition
conds = [MusicCondition.model_validate_json(line) for line in conditions]
starts = [c["start_s"] for c in json.loads(r.folder.joinpath("cues.json").read_text())]
jobs = [AudioJob(condition=c, sketch=s) for c, s in zip(conds, sketch_film(conds, starts), strict=True)]
options = AudioOptions(fluidsynth=FluidSynthOptions(**json.loads(sys.argv[3])))
t, c = time.perf_counter(), time.process_time()
for _ in render_fluidsynth(jobs, options=options):
    pass
music = sum(j.sketch.duration_s + options.crossfade_s for j in jobs)
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "music_s": music}))
"""


def synth_only(script: Path, fs: dict) -> dict:
    """FluidSynth alone on the feature's cues (sketched in the child, rendered, discarded)."""
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([sys.executable, "-c", SYNTH_CHILD, str(script), out, json.dumps(fs)],
                              capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_once(script: Path, audio: str, fs: dict) -> dict:
    with tempfile.TemporaryDirectory() as out:
        proc = subprocess.run([sys.executable, "-c", CHILD, str(script), out, audio, json.dumps(fs)],
                              capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=list(VARIANTS), action="append", help="run only these variants")
    parser.add_argument("--synth", action="store_true", help="also time FluidSynth alone on the same cues")
    args = parser.parse_args()
    print(f"machine: {platform.machine()} python {platform.python_version()}, "
          f"{len(__import__('os').sched_getaffinity(0))} cores")
    with tempfile.TemporaryDirectory() as tmp:
        script = build_feature(args.pages, Path(tmp))
        for name in args.only or list(VARIANTS):
            audio, fs = VARIANTS[name]
            results = [run_once(script, audio, fs) for _ in range(args.runs)]
            wall = statistics.median(r["wall"] for r in results)
            first = results[0]
            stages = {k: round(statistics.median(r["stages"][k] for r in results), 2) for k in first["stages"]}
            cpu = statistics.median(r["cpu"] for r in results)
            walls = ", ".join(f"{r['wall']:.1f}" for r in results)
            print(f"{name:<17} median {wall:6.1f} s over {args.runs} runs ({walls}); "
                  f"CPU {cpu:.1f} s; cues {first['cues']}, music {first['music_min']:.1f} min; "
                  f"peak RSS {max(r['peak_mb'] for r in results):.0f} MB "
                  f"(+ children {max(r['children_peak_mb'] for r in results):.0f} MB)")
            print(f"    stages: {stages}")
        if args.synth:  # the floor: synthesis alone, no files
            for name, (_, fs) in VARIANTS.items():
                if name == "none":
                    continue
                results = [synth_only(script, fs) for _ in range(args.runs)]
                wall = statistics.median(r["wall"] for r in results)
                cpu = statistics.median(r["cpu"] for r in results)
                music = results[0]["music_s"]
                print(f"synth only, {name:<17} median {wall:6.1f} s, CPU {cpu:.1f} s: "
                      f"{music / wall:.0f}x real time, {music / cpu:.0f}x a core ({music / 60:.1f} min with ring-outs)")


if __name__ == "__main__":
    main()
