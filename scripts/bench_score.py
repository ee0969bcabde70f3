"""Benchmark: the whole ``score`` of a feature against FluidSynth alone on the same cues.

For each script (a ~120-page feature built by repeating the sample screenplay, and any script
given on the command line) it runs, alternating so that the machine's drift hits both:

- **whole**: ``score`` from the script into a fresh folder, FluidSynth audio (the defaults);
- **synth**: the same cues (the same stages up to ``translate``, then sketched, untimed)
  rendered by FluidSynth alone and discarded: no files, no temp track (the floor).

and prints, from one run of this script: the medians of both, their ratio (wall and CPU; the
whole score's CPU includes the helper processes it starts and waits for, deliver's arc plot),
real time and real time per core (minutes of music over wall and over CPU seconds), mean and
peak voices, voice-time per held note (FluidSynth's active voice count sampled every 10 ms,
integrated, over the held notes' time) and peak memory, and each run's ratio of the two (run
back to back, so under the same load: the figure to read on a shared machine), and what writing
the whole score's audio files alone costs (as many files and bytes, packed from float samples,
hashed, written and synced, without synthesis: CPU seconds, and their share of the CPU the whole
score spends over synthesis: the part of it no overlap can remove on a machine whose cores the
synthesizer already fills). With
``--baseline REV`` the same two are also run on the source of another commit (``git archive``),
interleaved, for a before and after in one run; a commit without the voice meter (71ca619) has
its cues' events, made by its own code, played through this tree's meter (untimed). With ``--compare``, each cue is rendered with the default playing and with
``--before`` sketch options (default: every patch's own release, no CC72), and the residual's
level per cue is printed, split between where releases were cut (from a note-off of a part given
CC72 to the end of its patch's own release) and elsewhere.

    python scripts/bench_score.py [SCRIPT ...] [--pages 120] [--runs 3] [--no-sample]
                                  [--baseline REV] [--compare [--before JSON]] [--per-cue] [--draft]
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

WHOLE = """
import json, sys, time, resource
from scenescore.pipeline import score
from scenescore.options import ScoreOptions
from scenescore.render.options import AudioOptions, FluidSynthOptions, RenderOptions
fs = FluidSynthOptions(**json.loads(sys.argv[3]))
def children():  # helper processes the run started and waited for (deliver's arc plot)
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    return u.ru_utime + u.ru_stime
t, c, k = time.perf_counter(), time.process_time(), children()
r = score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name="feature"),
          stage_options={"render": RenderOptions(audio=AudioOptions(fluidsynth=fs))})
wall, cpu = time.perf_counter() - t, time.process_time() - c + children() - k
cues = json.load(open(r.folder / "cues.json"))
wavs = [f.stat() for f in (r.folder / "audio").glob("*.wav")]
print(json.dumps({"wall": wall, "cpu": cpu, "stages": r.seconds, "cues": len(cues),
                  "audio": {"files": len(wavs), "bytes": sum(w.st_size for w in wavs),
                            "written": sum(w.st_blocks * 512 for w in wavs)},
                  "music_s": sum(c["end_s"] - c["start_s"] for c in cues),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SYNTH = """
import json, sys, time, resource
from scenescore.pipeline import score
from scenescore.options import ScoreOptions
from scenescore.conditions.schema import MusicCondition
from scenescore.render.backends import AudioJob
from scenescore.render.film import sketch_film
from scenescore.render.fluidsynth import render_fluidsynth
from scenescore.render.midi import CONTROL, NOTE_OFF, NOTE_ON, PROGRAM
from scenescore.render.options import AudioOptions, FluidSynthOptions
r = score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name="feature", stop="translate"))
conds = [MusicCondition.model_validate_json(line)
         for line in r.folder.joinpath("conditions.jsonl").read_text().splitlines()]
starts = [c["start_s"] for c in json.loads(r.folder.joinpath("cues.json").read_text())]
jobs = [AudioJob(condition=c, sketch=s) for c, s in zip(conds, sketch_film(conds, starts), strict=True)]
options = AudioOptions(fluidsynth=FluidSynthOptions(**json.loads(sys.argv[3])))
stats = {}
t, c = time.perf_counter(), time.process_time()
try:
    for _ in render_fluidsynth(jobs, options=options, voices=stats.__setitem__):
        pass
except TypeError:  # a baseline without the voice meter
    for _ in render_fluidsynth(jobs, options=options):
        pass
wall, cpu = time.perf_counter() - t, time.process_time() - c
sr = options.sample_rate
if not stats and len(sys.argv) > 4:  # the events this tree plays, for METER to measure (untimed)
    from scenescore.render.midi import performance_events
    names = {NOTE_ON: "on", NOTE_OFF: "off", CONTROL: "cc", PROGRAM: "program"}
    json.dump([{"cue": j.condition.cue_id, "frames": round((j.sketch.duration_s + options.crossfade_s) * sr),
                "events": [[f, names[k], ch, a, b] for f, k, ch, a, b in performance_events(j.sketch, sr)]}
               for j in jobs], open(sys.argv[4], "w"))
print(json.dumps({"wall": wall, "cpu": cpu, "music_s": sum(j.sketch.duration_s for j in jobs),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "cues": [{"cue": jobs[k].condition.cue_id, "frames": s.frames, "voice_frames": s.voice_frames,
                            "peak": s.peak, "held_frames": s.held_frames} for k, s in sorted(stats.items())]}))
"""

FLOOR = """
import json, os, sys, time
import numpy as np
from scenescore.render.audio import BwfWriter
# The audio files' bytes written alone: as many files, as many frames (24-bit stereo) and as
# much of them on disk (the rest silence, a hole), packed from float samples, hashed, written,
# synced: the part of the whole score's work that no scheduling can remove.
audio = json.loads(sys.argv[3])
frames, data = audio["bytes"] // 6, min(audio["written"], audio["bytes"]) // 6
per_file, loud_per_file = frames // audio["files"], data // audio["files"]
block = np.random.default_rng(0).uniform(-0.5, 0.5, (1 << 18, 2)).astype(np.float32)
t, c = time.perf_counter(), time.process_time()
for k in range(audio["files"]):
    w = BwfWriter(os.path.join(sys.argv[2], f"{k}.wav"), frames=per_file, sample_rate=48000)
    left = loud_per_file
    while left > 0:
        n = min(left, len(block))
        w.write(block[:n])
        left -= n
    w.close()
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c}))
"""

METER = """
import json, sys
from concurrent.futures import ThreadPoolExecutor
from scenescore.render.fluidsynth import Synth, require_fluidsynth
from scenescore.render.midi import CONTROL, NOTE_OFF, NOTE_ON, PROGRAM
from scenescore.render.options import AudioOptions, FluidSynthOptions
kinds = {"on": NOTE_ON, "off": NOTE_OFF, "cc": CONTROL, "program": PROGRAM}
options = AudioOptions(fluidsynth=FluidSynthOptions(**json.loads(sys.argv[3])))
lib, soundfont = require_fluidsynth(options.fluidsynth)
keeper = Synth(lib, soundfont, options.fluidsynth, options.sample_rate)  # keeps the samples cached
cues = json.load(open(sys.argv[1]))
def one(cue):
    synth = Synth(lib, soundfont, options.fluidsynth, options.sample_rate)
    try:
        _, s = synth.render_measured([(f, kinds[k], ch, a, b) for f, k, ch, a, b in cue["events"]], cue["frames"])
    finally:
        synth.close()
    return {"cue": cue["cue"], "frames": s.frames, "voice_frames": s.voice_frames, "peak": s.peak,
            "held_frames": s.held_frames}
with ThreadPoolExecutor(2) as pool:
    rows = list(pool.map(one, cues))
keeper.close()
print(json.dumps({"cues": rows}))
"""

COMPARE = """
import json, sys
import numpy as np
from scenescore.pipeline import score
from scenescore.options import ScoreOptions
from scenescore.conditions.schema import MusicCondition
from scenescore.render.backends import AudioJob
from scenescore.render.film import sketch_film
from scenescore.render.fluidsynth import render_fluidsynth
from scenescore.render.options import AudioOptions, FluidSynthOptions, SketchOptions
from scenescore.render.performance import GM_RELEASE_S, RELEASE_CC
r = score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name="feature", stop="translate"))
conds = [MusicCondition.model_validate_json(line)
         for line in r.folder.joinpath("conditions.jsonl").read_text().splitlines()]
starts = [c["start_s"] for c in json.loads(r.folder.joinpath("cues.json").read_text())]
new = old = AudioOptions(fluidsynth=FluidSynthOptions(**json.loads(sys.argv[3]), workers=1))
jobs = [AudioJob(condition=c, sketch=s) for c, s in zip(conds, sketch_film(conds, starts), strict=True)]
before = [AudioJob(condition=c, sketch=s) for c, s in
          zip(conds, sketch_film(conds, starts, options=SketchOptions(**json.loads(sys.argv[4]))), strict=True)]
sn, so = {}, {}
rows = []
for (k, a), (_, b) in zip(render_fluidsynth(jobs, options=new, voices=sn.__setitem__),
                          render_fluidsynth(before, options=old, voices=so.__setitem__)):
    frames = round(jobs[k].sketch.duration_s * new.sample_rate)  # the cue's own length, no ring-out
    a, b = a[:frames].astype(np.float64), b[:frames].astype(np.float64)
    res = a - b
    # where a release was cut: from each note-off of a part given CC72 until its patch's own
    # release would have ended
    mask = np.zeros(frames, bool)
    for part in jobs[k].sketch.parts:
        if any(cc == RELEASE_CC for _, cc, _ in part.controls):
            ring = round(GM_RELEASE_S[part.program] * new.sample_rate)
            for n in part.notes:
                end = round(n.end_s * new.sample_rate)
                mask[end:end + ring] = True
    e_res, e_sig = float((res ** 2).sum()), float((b ** 2).sum())
    rows.append({"cue": jobs[k].condition.cue_id, "seconds": frames / new.sample_rate,
                 "residual_db": 10 * np.log10(max(e_res, 1e-30) / max(e_sig, 1e-30)),
                 "in_cut": float((res[mask] ** 2).sum()) / e_res if e_res > 0 else 1.0,
                 "same_db": 10 * np.log10(max(float((res[~mask] ** 2).sum()), 1e-30)
                                          / max(float((b[~mask] ** 2).sum()), 1e-30)),
                 "cut_share": float(mask.mean()),
                 "vf": [so[k].voice_frames, sn[k].voice_frames], "hf": [so[k].held_frames, sn[k].held_frames],
                 "vpn_new": sn[k].voice_frames / max(sn[k].held_frames, 1),
                 "vpn_old": so[k].voice_frames / max(so[k].held_frames, 1)})
print(json.dumps(rows))
"""


def build_feature(pages: int, folder: Path) -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    title, _, body = text.partition("\n\n")
    times = max(1, round(pages / 15))  # the sample is about 15 pages
    path = folder / "feature.fountain"
    path.write_text(title + "\n\n" + body * times, encoding="utf-8")
    return path


def child(code: str, *args: str, src: Path) -> object:
    env = dict(os.environ, PYTHONPATH=str(src))
    with tempfile.TemporaryDirectory(prefix="bench-score-") as out:
        proc = subprocess.run([sys.executable, "-c", code, args[0], out, *args[1:]], env=env,
                              capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def baseline_src(rev: str, folder: Path) -> Path:
    """The ``src`` tree of another commit, unpacked into ``folder``."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder / "src"


def med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def voices(rows: list[dict]) -> tuple[float, int, float] | None:
    cues = rows[0]["cues"]
    if not cues:
        return None
    vf = sum(c["voice_frames"] for c in cues)
    return (vf / sum(c["frames"] for c in cues), max(c["peak"] for c in cues),
            vf / max(1, sum(c["held_frames"] for c in cues)))


def report(label: str, whole: list[dict], synth: list[dict], cores: int, per_cue: bool) -> dict:
    w, s = med(whole, "wall"), med(synth, "wall")
    wc, sc = med(whole, "cpu"), med(synth, "cpu")
    music = whole[0]["music_s"]
    stages = {k: round(statistics.median(r["stages"].get(k, 0.0) for r in whole), 2) for k in whole[0]["stages"]}
    print(f"{label}: {whole[0]['cues']} cues, {music / 60:.1f} min of music")
    print(f"  whole score      median {w:6.1f} s (" + ", ".join(f"{r['wall']:.1f}" for r in whole)
          + f"); CPU {wc:6.1f} s; {music / w:5.0f}x real time, {music / wc:4.0f}x a core; "
          f"peak RSS {max(r['peak_mb'] for r in whole):.0f} MB")
    print(f"    stages: {stages}")
    print(f"  synthesis alone  median {s:6.1f} s (" + ", ".join(f"{r['wall']:.1f}" for r in synth)
          + f"); CPU {sc:6.1f} s; {music / s:5.0f}x real time, {music / sc:4.0f}x a core; "
          f"peak RSS {max(r['peak_mb'] for r in synth):.0f} MB")
    print(f"  ratio whole/synthesis: wall {w / s:.2f}x, CPU {wc / sc:.2f}x (CPU over synthesis {wc - sc:+.1f} s); "
          f"{cores} cores")
    if len(whole) > 1:  # each run's whole and synthesis ran back to back: their ratio sees the same load
        paired = [a["wall"] / b["wall"] for a, b in zip(whole, synth, strict=True)]
        print("  ratio per run (whole and synthesis back to back): wall "
              + ", ".join(f"{r:.2f}x" for r in paired) + f", median {statistics.median(paired):.2f}x; CPU "
              + ", ".join(f"{a['cpu'] / b['cpu']:.2f}x" for a, b in zip(whole, synth, strict=True)))
    v = voices(synth)
    if v is not None:
        how = f" (its events played by {synth[0]['metered_by']})" if synth[0].get("metered_by") else ""
        print(f"  voices: mean {v[0]:.1f}, peak {v[1]}, voice-time per held note {v[2]:.2f}{how}")
        if per_cue:
            for c in synth[0]["cues"]:
                print(f"    {c['cue']:>6} {c['frames'] / 48000:6.1f} s  mean {c['voice_frames'] / c['frames']:5.1f}"
                      f"  peak {c['peak']:3d}  per held note {c['voice_frames'] / max(1, c['held_frames']):5.2f}")
    floor = [r for r in whole if "floor" in r]
    if floor:
        fc = statistics.median(r["floor"]["cpu"] for r in floor)
        a = whole[0]["audio"]
        print(f"  writing the audio alone ({a['files']} files, {a['bytes'] / 1e9:.2f} GB, "
              f"{a['written'] / 1e9:.2f} GB of it on disk; packed, hashed, written, synced): median CPU {fc:.1f} s, "
              f"{100 * fc / max(1e-9, wc - sc):.0f}% of the CPU over synthesis")
    return {"whole": w, "synth": s, "ratio": w / s, "voices": v}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scripts", nargs="*", type=Path, help="more screenplays to benchmark (any format score reads)")
    parser.add_argument("--pages", type=int, default=120, help="length of the sample-built feature")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-sample", action="store_true", help="skip the sample-built feature")
    parser.add_argument("--baseline", metavar="REV", help="also run the source of this commit, interleaved")
    parser.add_argument("--compare", action="store_true",
                        help="residual per cue of the default playing against the --before sketch options")
    parser.add_argument("--before", metavar="JSON", default='{"release_beats": 0}',
                        help="sketch options of the 'before' side of --compare (default: each patch's own release)")
    parser.add_argument("--fluidsynth", metavar="JSON", default="{}", help="FluidSynth options of both runs")
    parser.add_argument("--draft", action="store_true", help="linear interpolation, no reverb")
    parser.add_argument("--per-cue", action="store_true")
    args = parser.parse_args()
    fs = json.loads(args.fluidsynth)
    if args.draft:
        fs.update(interpolation="linear", reverb=False)
    cores = len(os.sched_getaffinity(0))
    print(f"machine: {platform.machine()} python {platform.python_version()}, {cores} cores, "
          f"load average {os.getloadavg()[0]:.1f} at start; FluidSynth options {fs or 'defaults'}")
    with tempfile.TemporaryDirectory() as tmp:
        scripts = [] if args.no_sample else [build_feature(args.pages, Path(tmp))]
        scripts += [p.resolve() for p in args.scripts]
        trees = {"this tree": ROOT / "src"}
        if args.baseline:
            base = Path(tmp) / "baseline"
            base.mkdir()
            trees[f"baseline {args.baseline}"] = baseline_src(args.baseline, base)
        for script in scripts:
            name = "sample-built feature" if script.parent == Path(tmp) else script.name
            results = {t: ([], []) for t in trees}
            for run in range(args.runs):
                for label, src in trees.items():
                    whole = child(WHOLE, str(script), json.dumps(fs), src=src)
                    if "audio" in whole:  # a baseline tree may not report its files
                        whole["floor"] = child(FLOOR, str(script), json.dumps(whole["audio"]), src=ROOT / "src")
                    results[label][0].append(whole)
                    events = Path(tmp) / "events.json"
                    results[label][1].append(child(SYNTH, str(script), json.dumps(fs), str(events), src=src))
                    if run == 0 and events.exists():
                        # a tree without the voice meter: its cues' events measured by this tree's
                        # meter (the same synthesizer, SoundFont and settings), untimed
                        results[label][1][0]["cues"] = child(METER, str(events), json.dumps(fs),
                                                             src=ROOT / "src")["cues"]
                        results[label][1][0]["metered_by"] = "this tree's meter"
                        events.unlink()
            print(f"{name}: load average {os.getloadavg()[0]:.1f} after its runs")
            figures = {label: report(f"{name}, {label}", *results[label], cores, args.per_cue) for label in trees}
            if args.baseline:
                now, then = figures["this tree"], figures[f"baseline {args.baseline}"]
                line = f"  before -> after: ratio {then['ratio']:.2f}x -> {now['ratio']:.2f}x"
                line += f", whole {then['whole']:.1f} s -> {now['whole']:.1f} s"
                if now["voices"] and then["voices"]:
                    line += (f", voice-time per held note {then['voices'][2]:.2f} -> {now['voices'][2]:.2f}"
                             f" ({now['voices'][2] / then['voices'][2]:.2f} of before)")
                print(line)
            if args.compare:
                rows = child(COMPARE, str(script), json.dumps(fs), args.before, src=ROOT / "src")
                print(f"  residual per cue, the default playing against {args.before} (the cue's own length; "
                      "'cut' = from each note-off of a part given CC72 to the end of its patch's own release):")
                for r in rows:
                    print(f"    {r['cue']:>6} {r['seconds']:6.1f} s  residual {r['residual_db']:6.1f} dB, "
                          f"{100 * r['in_cut']:5.1f}% of it where releases were cut ({100 * r['cut_share']:4.1f}% of the "
                          f"time), {r['same_db']:6.1f} dB elsewhere; voices per held note "
                          f"{r['vpn_old']:.2f} -> {r['vpn_new']:.2f}")
                before, after = ([sum(r[key][side] for r in rows) for key in ("vf", "hf")] for side in (0, 1))
                print(f"  the film: voice-time per held note {before[0] / max(1, before[1]):.2f} -> "
                      f"{after[0] / max(1, after[1]):.2f} ({after[0] / max(1, before[0]):.2f} of the voice-time)")


if __name__ == "__main__":
    main()
