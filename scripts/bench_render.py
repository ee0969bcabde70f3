"""Benchmark the render stage: sketches + MIDI, FluidSynth audio, the whole render, MusicGen.

    python scripts/bench_render.py                       # 12 synthetic cues of 60 s, median of 3
    python scripts/bench_render.py --sample              # the sample film through translate
    python scripts/bench_render.py --musicgen tiny       # + a tiny random MusicGen on the CPU
    python scripts/bench_render.py --musicgen facebook/musicgen-small --device cuda   # real size

Prints one table and one JSON line (median seconds and real-time factors).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from scenescore.conditions.schema import MusicCondition
from scenescore.render.backends import AudioJob
from scenescore.render.film import render_film, sketch_film
from scenescore.render.fluidsynth import render_fluidsynth
from scenescore.render.mapping import condition_from_va
from scenescore.render.midi import film_to_midi, sketch_to_midi
from scenescore.render.options import (
    AudioOptions,
    FluidSynthOptions,
    MusicGenOptions,
    RenderOptions,
)

ROOT = Path(__file__).resolve().parents[1]


def synthetic(cues: int, seconds: float) -> tuple[list[MusicCondition], list[float]]:
    conditions, starts, t = [], [], 0.0
    for k in range(cues):
        v = -0.8 + 1.6 * ((k * 7) % cues) / max(1, cues - 1)
        a = -0.8 + 1.6 * ((k * 5) % cues) / max(1, cues - 1)
        conditions.append(condition_from_va(round(v, 2), round(a, 2), seconds=seconds, cue_id=f"{k // 20 + 1}M{k % 20 + 1:02d}"))
        starts.append(t)
        t += seconds + 5.0
    return conditions, starts


def sample_film(workdir: Path) -> tuple[list[MusicCondition], list[float]]:
    """The sample screenplay through the translate stage's offline rules (its CLI)."""
    import csv

    jsonl, notes = workdir / "conditions.jsonl", workdir / "cues.csv"
    subprocess.run([sys.executable, "-m", "scenescore.cli", "translate", str(ROOT / "corpus/sample/sample.fountain"),
                    "-o", str(jsonl), "--notes", str(notes)], check=True, capture_output=True)
    conditions = [MusicCondition.model_validate_json(line) for line in jsonl.read_text().splitlines() if line]
    starts = {row["cue"]: float(row["start_s"]) for row in csv.DictReader(notes.open())}
    return conditions, [starts[c.cue_id] for c in conditions]


def timed(fn, runs: int) -> float:  # noqa: ANN001
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def tiny_musicgen(folder: Path) -> str:
    sys.path.insert(0, str(ROOT / "tests" / "render"))
    import test_render_musicgen as t  # the same tiny model the tests build
    import torch
    import transformers

    torch.manual_seed(0)
    text, audio, decoder = t._configs()
    config = transformers.MusicgenConfig(text_encoder=text.to_dict(), audio_encoder=audio.to_dict(),
                                         decoder=decoder.to_dict())
    transformers.MusicgenForConditionalGeneration(config).save_pretrained(folder)
    t._tokenizer().save_pretrained(folder)
    return str(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cues", type=int, default=12)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sample", action="store_true", help="bench the sample film (corpus/sample) instead")
    parser.add_argument("--workers", type=int, default=0, help="FluidSynth processes (0: every CPU)")
    parser.add_argument("--musicgen", default=None, help="'tiny' or a model id/folder to bench MusicGen too")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--musicgen-cues", type=int, default=4)
    parser.add_argument("--musicgen-seconds", type=float, default=10.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        work = Path(tmp)
        conditions, starts = sample_film(work) if args.sample else synthetic(args.cues, args.seconds)
        music_s = sum(c.duration_s for c in conditions)
        film_s = max(s + c.duration_s for s, c in zip(starts, conditions, strict=True))
        results: dict[str, float] = {"cues": len(conditions), "music_s": round(music_s, 1), "film_s": round(film_s, 1)}

        def midi() -> None:
            sketches = sketch_film(conditions, starts)
            for s, start in zip(sketches, starts, strict=True):
                sketch_to_midi(s, start_s=start)
            film_to_midi(sketches, starts)

        results["midi_s"] = timed(midi, args.runs)
        sketches = sketch_film(conditions, starts)
        jobs = [AudioJob(c, s) for c, s in zip(conditions, sketches, strict=True)]
        audio = AudioOptions(fluidsynth=FluidSynthOptions(workers=args.workers))
        results["fluidsynth_s"] = timed(lambda: sum(1 for _ in render_fluidsynth(jobs, options=audio)), args.runs)
        results["fluidsynth_x_realtime"] = round(music_s / results["fluidsynth_s"], 1)
        options = RenderOptions(audio=audio)
        results["render_film_s"] = timed(lambda: render_film(conditions, starts, work / "out", options=options),
                                         args.runs)
        results["render_film_no_xml_s"] = timed(
            lambda: render_film(conditions, starts, work / "out2", options=replace(options, musicxml=False)), args.runs)
        results["temp_track_x_realtime"] = round(film_s / results["render_film_no_xml_s"], 1)

        if args.musicgen:
            from scenescore.render.musicgen import load_musicgen, render_musicgen

            model = tiny_musicgen(work / "tiny") if args.musicgen == "tiny" else args.musicgen
            mg = MusicGenOptions(model=model, device=args.device)
            loaded = load_musicgen(mg)
            mg_conditions = [replace_duration(c, args.musicgen_seconds) for c in conditions[: args.musicgen_cues]]
            mg_sketches = sketch_film(mg_conditions, starts[: len(mg_conditions)])
            mg_jobs = [AudioJob(c, s) for c, s in zip(mg_conditions, mg_sketches, strict=True)]
            mg_audio = AudioOptions(backend="musicgen", musicgen=mg)
            seconds = timed(lambda: sum(1 for _ in render_musicgen(mg_jobs, options=mg_audio, loaded=loaded)), args.runs)
            results["musicgen_model"] = str(args.musicgen)
            results["musicgen_device"] = loaded.device
            results["musicgen_s"] = seconds
            results["musicgen_x_realtime"] = round(sum(c.duration_s for c in mg_conditions) / seconds, 2)

    for key, value in results.items():
        print(f"{key:>24}  {value:.3f}" if isinstance(value, float) else f"{key:>24}  {value}")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in results.items()}))


def replace_duration(c: MusicCondition, seconds: float) -> MusicCondition:
    return c.model_copy(update={"duration_s": seconds})


if __name__ == "__main__":
    main()
