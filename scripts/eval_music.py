"""Evaluate the sketches as film music: every figure of issue 15's bar, in one run.

    python scripts/eval_music.py                  # sample + eval/layouts + shared screenplays
    python scripts/eval_music.py --json out.json  # also write the figures

Each film goes screenplay -> segment -> analyze -> spot -> translate (rules) -> render (the
product's path), and every figure is measured on the **written MIDI** read back, not on the
sketcher's own records. The real screenplays in ``../shared/data/screenplays`` are read at
run time and never copied into the project.

Figures (definitions in docs/render.md, "Evaluating the music"):

- hit points: scene cuts inside a cue (the scene table's estimated times); distance to the
  nearest downbeat of the file's own tempo map and time signatures, in beats; share within
  1/8 beat (and within one frame at 24 fps);
- motif: 4-note interval patterns (three successive semitone intervals) in 32-note windows of the
  melody line; repetition = share of the window's patterns that occur in it more than once; against a diatonic random walk and melodies of
  music21's corpus (Bach chorale sopranos, Essen folk songs);
- melody below the accompaniment's top note: share of sounding beats;
- endings: cues meant to stay open (a segue, a build, a condition that says not to resolve)
  that do not end on a root-position tonic; cues meant to close that do;
- loudness: per-cue Spearman correlation of bar energy (sum of velocity^2 x seconds) with the
  condition's intensity at the bar's middle; median over cues with a moving curve;
- texture: share of cues where the set of sounding parts (tracks; the melody and the theme
  tracks, one player, count as one part) changes between bars (last bar aside);
- avoid-list violations: an independent check per avoid phrase the rules or an LLM produce;
- keys: per film, the share of cues on its most common tonic;
- closed loop (held-out of any tuning: a valence/arousal grid through the rules backend):
  Spearman of tempo, note density and mean velocity with arousal; mode against valence; and
  MusPy's scale consistency, pitch-class entropy, empty-beat rate over the film cues; low
  voicings (two notes 1-4 semitones apart below C3 sounding together).
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "screenplays"
FPS = 24.0
SPEECH_BAND = (60, 84)
MELODIC = ("Melody", "Theme", "Counter")
CACHE = Path("/tmp/scenescore-eval-music-corpus.json")
BASELINE = False  # --no-map: render without the dramatic map (what the render stage did before it)


def films() -> list[tuple[str, Path, str]]:
    """(name, path, group) of every script evaluated."""
    out = [("sample", ROOT / "corpus/sample/sample.fountain", "sample")]
    for p in sorted((ROOT / "eval/layouts").glob("*_imsdb.html")):
        out.append((p.stem.replace("_imsdb", ""), p, "layouts"))
    if SHARED.is_dir():
        for p in sorted(SHARED.glob("*.fountain")):
            out.append((p.stem, p, "real"))
    return out


@dataclass
class FilmRun:
    name: str
    group: str
    scenes: list
    cues: list
    conditions: list
    midis: list[bytes]
    maps: list = field(default_factory=list)


def run_film(name: str, path: Path, group: str) -> FilmRun:
    from scenescore.conditions.translate import translate_cues
    from scenescore.emotion import analyze_screenplay
    from scenescore.render.film import sketch_film
    from scenescore.render.midi import sketch_to_midi
    from scenescore.segment import segment_screenplay
    from scenescore.spotting import spot_cues

    screenplay = segment_screenplay(path)
    analysis = analyze_screenplay(screenplay.scenes)
    cues = spot_cues(screenplay.scenes, analysis)
    conditions = list(translate_cues(cues, screenplay.scenes, analysis).conditions)
    by_id = {c.cue_id: c for c in cues}
    starts = [by_id[c.cue_id].start_s for c in conditions]
    markers, t = [], 0.0
    for scene in screenplay.scenes:
        markers.append((t, f"sc. {scene.scene_id}"))
        t += scene.est_seconds
    kwargs = {}
    maps = []
    if not BASELINE:
        try:  # the dramatic map, where the render stage has one
            from scenescore.render.drama import cue_maps

            maps = cue_maps(cues, screenplay.scenes, analysis, elements=screenplay.elements)
            kwargs["maps"] = maps
        except ImportError:
            pass
    sketches = sketch_film(conditions, starts, scenes=markers, **kwargs)
    midis = [sketch_to_midi(s, start_s=st) for s, st in zip(sketches, starts, strict=True)]
    return FilmRun(name, group, list(screenplay.scenes), [by_id[c.cue_id] for c in conditions], conditions,
                   midis, maps)


# -- reading MIDI -------------------------------------------------------------------------------


@dataclass
class Track:
    name: str
    program: int
    drum: bool
    notes: list[tuple[float, float, int, int]]  # start_s, end_s, pitch, velocity


@dataclass
class Reading:
    tracks: list[Track]
    downbeats: list[float]  # seconds
    beats: list[float]
    tempos: list[tuple[float, float]]
    end_s: float


def read(data: bytes) -> Reading:
    import mido

    smf = mido.MidiFile(file=io.BytesIO(data))
    ppq = smf.ticks_per_beat
    tempo_ev: list[tuple[int, int]] = []
    sig_ev: list[tuple[int, int, int]] = []
    for track in smf.tracks:
        tick = 0
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo":
                tempo_ev.append((tick, msg.tempo))
            elif msg.type == "time_signature":
                sig_ev.append((tick, msg.numerator, msg.denominator))
    tempo_ev.sort()
    if not tempo_ev or tempo_ev[0][0] > 0:
        tempo_ev.insert(0, (0, 500_000))
    seg = []  # (tick, seconds, us per quarter)
    secs = 0.0
    for k, (tick, us) in enumerate(tempo_ev):
        if k:
            pt, _, pus = seg[-1]
            secs += (tick - pt) * pus / 1e6 / ppq
        seg.append((tick, secs, us))

    def to_s(tick: int) -> float:
        cur = seg[0]
        for s in seg:
            if s[0] <= tick:
                cur = s
            else:
                break
        return cur[1] + (tick - cur[0]) * cur[2] / 1e6 / ppq

    tracks: list[Track] = []
    end_tick = 0
    for track in smf.tracks:
        tick, name, program, drum = 0, "", 0, False
        open_: dict[tuple[int, int], tuple[int, int]] = {}
        notes = []
        for msg in track:
            tick += msg.time
            if msg.type == "track_name":
                name = msg.name
            elif msg.type == "program_change":
                program = msg.program
            elif msg.type == "note_on" and msg.velocity > 0:
                drum = drum or msg.channel == 9
                open_[(msg.channel, msg.note)] = (tick, msg.velocity)
            elif msg.type in ("note_off", "note_on"):
                st = open_.pop((msg.channel, msg.note), None)
                if st is not None:
                    notes.append((to_s(st[0]), to_s(tick), msg.note, st[1]))
        end_tick = max(end_tick, tick)
        if notes:
            tracks.append(Track(name, program, drum, sorted(notes)))
    sig_ev.sort()
    if not sig_ev or sig_ev[0][0] > 0:
        sig_ev.insert(0, (0, 4, 4))
    downbeats, beats = [], []
    for k, (tick, num, den) in enumerate(sig_ev):
        stop = sig_ev[k + 1][0] if k + 1 < len(sig_ev) else end_tick
        bar = num * ppq * 4 // den
        beat = ppq * 4 // den * (3 if den == 8 and num % 3 == 0 and num > 3 else 1)
        t = tick
        while t < stop or (t == tick and t <= stop):
            downbeats.append(to_s(t))
            b = t
            while b < min(t + bar, stop):
                beats.append(to_s(b))
                b += beat
            t += bar
    tempos = [(s[1], 60e6 / s[2]) for s in seg]
    return Reading(tracks, downbeats, beats, tempos, to_s(end_tick))


def spearman(x: list[float], y: list[float]) -> float | None:
    from scenescore.render.metrics import spearman as sp

    if len(x) < 3 or len(set(x)) < 2 or len(set(y)) < 2:
        return None
    return sp(x, y)


def sounding(notes, t):  # noqa: ANN001, ANN201
    return [n for n in notes if n[0] <= t + 1e-6 and n[1] > t + 1e-6]


# -- figures ------------------------------------------------------------------------------------


def hit_points(fr: FilmRun, readings: list[Reading]) -> tuple[list[float], list[float]]:
    """(distance in beats, distance in seconds) of every scene cut inside a cue."""
    cuts, t = [], 0.0
    for scene in fr.scenes:
        cuts.append(t)
        t += scene.est_seconds
    beats_d, secs_d = [], []
    for cue, r in zip(fr.cues, readings, strict=True):
        for c in cuts:
            rel = c - cue.start_s
            if 0.5 < rel < cue.duration_s - 0.5:
                nearest = min(r.downbeats, key=lambda d: abs(d - rel))
                beat_s = 60.0 / next((bpm for ts, bpm in reversed(r.tempos) if ts <= rel + 1e-9), r.tempos[0][1])
                beats_d.append(abs(nearest - rel) / beat_s)
                secs_d.append(abs(nearest - rel))
    return beats_d, secs_d


def melody_line(r: Reading) -> list[tuple[float, float, int]]:
    notes = [n for tr in r.tracks if tr.name.startswith(MELODIC) and not tr.drum for n in tr.notes]
    if not notes:
        return []
    by_onset: dict[float, tuple[float, float, int]] = {}
    for s, e, p, _ in notes:
        key = round(s, 3)
        if key not in by_onset or p > by_onset[key][2]:
            by_onset[key] = (s, e, p)
    return [by_onset[k] for k in sorted(by_onset)]


def repetition(pitches: list[int], window: int = 32) -> list[float]:
    out = []
    for i in range(0, len(pitches) - window + 1, window // 2):
        w = pitches[i:i + window]
        iv = [b - a for a, b in zip(w, w[1:], strict=False)]
        pats = [tuple(iv[k:k + 3]) for k in range(len(iv) - 2)]
        counts: dict[tuple[int, ...], int] = {}
        for pat in pats:
            counts[pat] = counts.get(pat, 0) + 1
        out.append(sum(counts[pat] > 1 for pat in pats) / len(pats))  # patterns heard again in the window
    return out


def random_walk_repetition(n: int = 40, seed: int = 0) -> float:
    rng = random.Random(seed)
    steps = (0, 2, 4, 5, 7, 9, 11)
    vals = []
    for _ in range(n):
        deg = 14
        line = []
        for _ in range(32):
            deg = max(0, min(28, deg + rng.choice((-2, -1, 1, 2))))
            line.append(60 + 12 * (deg // 7) + steps[deg % 7])
        vals += repetition(line)
    return statistics.mean(vals)


def corpus_repetition() -> float | None:
    """Mean repetition of music21 corpus melodies (cached in /tmp: parsing takes a while)."""
    if CACHE.exists():
        return json.loads(CACHE.read_text())["repetition"]
    try:
        from music21 import corpus
    except ImportError:
        return None
    vals: list[float] = []
    paths = [p for p in corpus.getComposer("bach")][:60]
    for p in paths:
        try:
            s = corpus.parse(p)
        except Exception:  # noqa: BLE001, S112 - a corpus file that does not parse is skipped
            continue
        if not s.parts:
            continue
        pitches = [n.pitch.midi for n in s.parts[0].recurse().notes if n.isNote]
        vals += repetition(pitches)
    try:
        folk = corpus.parse("essenFolksong/altdeu10")
        for work in list(folk.scores)[:80]:
            pitches = [n.pitch.midi for n in work.recurse().notes if n.isNote]
            vals += repetition(pitches)
    except Exception:  # noqa: BLE001 - the collection may be missing
        pass
    if not vals:
        return None
    value = statistics.mean(vals)
    CACHE.write_text(json.dumps({"repetition": value, "windows": len(vals)}))
    return value


def melody_below(r: Reading) -> tuple[int, int]:
    mel = [n for tr in r.tracks if tr.name.startswith(MELODIC) and not tr.drum for n in tr.notes]
    acc = [n for tr in r.tracks if not tr.name.startswith(MELODIC) and not tr.drum for n in tr.notes]
    below = total = 0
    for b in r.beats:
        m = sounding(mel, b)
        a = sounding(acc, b)
        if m and a:
            total += 1
            if max(n[2] for n in m) < max(n[2] for n in a):
                below += 1
    return below, total


def meant_open(cue, condition) -> bool:  # noqa: ANN001
    text = f"{condition.harmony} {' '.join(condition.avoid)}".lower()
    return (getattr(condition, "ending", None) in ("open", "segue", "hard_out") or "hard out" in cue.out_point or "segue" in cue.out_point or str(cue.function) == "build tension" or "never resolve" in text
            or "unresolved" in text or "resolution" in text)


def ends_on_root_tonic(r: Reading, condition) -> bool:  # noqa: ANN001
    from scenescore.render.theory import MINOR_FAMILY, tonic_pc

    tonic = tonic_pc(condition.key)
    third = 3 if condition.mode in MINOR_FAMILY else 4
    pitched = [n for tr in r.tracks if not tr.drum for n in tr.notes]
    if not pitched:
        return False
    final = sounding(pitched, max(n[1] for n in pitched) - 0.05)  # the sonority the cue ends on
    pcs = {(n[2] - tonic) % 12 for n in final}
    lowest = min(final, key=lambda n: n[2])[2]
    return (lowest - tonic) % 12 == 0 and pcs <= {0, third, 7, 2} and (third in pcs or 7 in pcs or pcs == {0})


def loudness_correlation(r: Reading, condition) -> float | None:  # noqa: ANN001
    try:
        from scenescore.render.notes import intensity_at
    except ImportError:  # before the sketcher was split (a baseline run)
        from scenescore.render.sketch import intensity_at

    d = condition.duration_s
    bars = [b for b in r.downbeats if b < d - 1e-6] + [d]
    energy, intens = [], []
    notes = [n for tr in r.tracks for n in tr.notes]
    for a, b in zip(bars, bars[1:], strict=False):
        if b - a < 0.3:
            continue
        e = sum((n[3] / 127) ** 2 * (min(n[1], b) - max(n[0], a)) for n in notes if n[0] < b and n[1] > a)
        energy.append(e / (b - a))
        intens.append(intensity_at(condition, (a + b) / 2 / d))
    return spearman(energy, intens)


def texture_changes(r: Reading) -> bool:
    bars = r.downbeats
    if len(bars) < 3:
        return False
    sets = []
    for a, b in zip(bars[:-2], bars[1:-1], strict=False):  # every bar but the last
        sets.append(frozenset("tune" if tr.name.startswith(("Melody", "Theme")) else tr.name
                              for tr in r.tracks if any(n[0] < b and n[1] > a for n in tr.notes)))
    return len(set(sets)) > 1


def avoid_violations(r: Reading, condition) -> list[str]:  # noqa: ANN001
    from scenescore.render.metrics import avoid_violations as check

    beat_s = 60.0 / r.tempos[0][1]
    return check([(tr.name, tr.program, tr.drum, tr.notes) for tr in r.tracks], condition, beat_s=beat_s)


def low_voicing_clash(r: Reading) -> bool:
    pitched = [n for tr in r.tracks if not tr.drum for n in tr.notes if n[2] < 48]
    for n in pitched:
        for m in sounding(pitched, n[0]):
            if m is not n and 1 <= abs(m[2] - n[2]) <= 4:
                return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--only", nargs="*", help="film names to run")
    parser.add_argument("--no-map", action="store_true", help="render without the dramatic map")
    args = parser.parse_args()
    global BASELINE
    BASELINE = args.no_map
    logging.basicConfig(level=logging.WARNING)
    sys.path.insert(0, str(ROOT / "scripts"))
    from scenescore.render.metrics import (
        detect_key,
        empty_beat_rate,
        mean_velocity,
        note_density,
        pitch_class_entropy,
        read_midi,
        scale_consistency,
    )
    from scenescore.render.theory import MINOR_FAMILY, tonic_pc

    t0 = time.perf_counter()
    hits_b, hits_s, reps, below, total_beats = [], [], [], 0, 0
    open_ok = open_n = closed_ok = closed_n = 0
    loud, textures, violations, viol_items = [], [], 0, {}
    key_share: dict[str, float] = {}
    per_cue = []
    low_clash = 0
    ncues = 0
    over8 = nchanges = 0
    largest = 0.0
    for name, path, group in films():
        if args.only and name not in args.only:
            continue
        fr = run_film(name, path, group)
        readings = [read(m) for m in fr.midis]
        b, s = hit_points(fr, readings)
        hits_b += b
        hits_s += s
        tonics: dict[int, int] = {}
        for cue, c, r, midi in zip(fr.cues, fr.conditions, readings, fr.midis, strict=True):
            ncues += 1
            # Held tempos (a segment of 1.5 s or more); a ramp between two of them is one change.
            held = [b for k, (ts, b) in enumerate(r.tempos)
                    if (r.tempos[k + 1][0] if k + 1 < len(r.tempos) else c.duration_s) - ts >= 1.5]
            for b0, b1 in zip(held, held[1:], strict=False):
                if abs(b1 / b0 - 1) < 1e-4:
                    continue
                nchanges += 1
                over8 += abs(b1 / b0 - 1) > 0.08 + 1e-6
                largest = max(largest, abs(b1 / b0 - 1))
            line = melody_line(r)
            reps += repetition([p for _, _, p in line])
            bl, tb = melody_below(r)
            below += bl
            total_beats += tb
            rooted = ends_on_root_tonic(r, c)
            if meant_open(cue, c):
                open_n += 1
                open_ok += not rooted
            else:
                closed_n += 1
                closed_ok += rooted
            lc = loudness_correlation(r, c)
            if lc is not None:
                loud.append(lc)
            textures.append(texture_changes(r))
            v = avoid_violations(r, c)
            violations += bool(v)
            for item in v:
                viol_items[item] = viol_items.get(item, 0) + 1
            tonics[tonic_pc(c.key)] = tonics.get(tonic_pc(c.key), 0) + 1
            low_clash += low_voicing_clash(r)
            m = read_midi(midi)
            _, mode, _ = detect_key(m)
            mean_tempo = sum(b * ((r.tempos[k + 1][0] if k + 1 < len(r.tempos) else c.duration_s) - t)
                             for k, (t, b) in enumerate(r.tempos) if t < c.duration_s) / c.duration_s
            per_cue.append({"a": c.arousal, "v": c.valence, "tempo": mean_tempo, "density": note_density(m),
                            "velocity": mean_velocity(m), "mode_ok": (mode == "minor") == (c.mode in MINOR_FAMILY),
                            "sc": scale_consistency(m), "pce": pitch_class_entropy(m), "ebr": empty_beat_rate(m)})
        key_share[name] = max(tonics.values()) / sum(tonics.values())
        print(f"{name:28s} {group:8s} {len(fr.cues):3d} cues, {len(b):3d} cuts in cues, top tonic "
              f"{key_share[name]:.0%}", file=sys.stderr)
    rw = random_walk_repetition()
    cr = corpus_repetition()
    ar = [p["a"] for p in per_cue]
    val = [p for p in per_cue if abs(p["v"]) >= 0.12]
    fig = {
        "cues": ncues,
        "hit_points": len(hits_b),
        "hit_within_eighth_beat": sum(d <= 0.125 for d in hits_b) / max(1, len(hits_b)),
        "hit_within_frame": sum(d <= 1 / FPS for d in hits_s) / max(1, len(hits_s)),
        "hit_median_beats": statistics.median(hits_b) if hits_b else None,
        "tempo_changes_over_8pct": over8 / max(1, nchanges),
        "tempo_largest_change": largest,
        "repetition_melody": statistics.mean(reps) if reps else None,
        "repetition_random_walk": rw,
        "repetition_corpus": cr,
        "repetition_ratio_to_corpus": (statistics.mean(reps) / cr) if reps and cr else None,
        "melody_below_accompaniment": below / max(1, total_beats),
        "open_cues": open_n,
        "open_not_root_tonic": open_ok / max(1, open_n),
        "closed_on_root_tonic": closed_ok / max(1, closed_n),
        "loudness_rank_corr_median": statistics.median(loud) if loud else None,
        "texture_changes": sum(textures) / max(1, len(textures)),
        "avoid_violating_cues": violations,
        "avoid_violations_by_item": viol_items,
        "keys_top_tonic_share": key_share,
        "closed_loop_tempo_arousal": spearman(ar, [p["tempo"] for p in per_cue]),
        "closed_loop_density_arousal": spearman(ar, [p["density"] for p in per_cue]),
        "closed_loop_velocity_arousal": spearman(ar, [p["velocity"] for p in per_cue]),
        "mode_follows_valence": sum(p["mode_ok"] for p in val) / max(1, len(val)),
        "scale_consistency_mean": statistics.mean(p["sc"] for p in per_cue),
        "pitch_class_entropy_median": statistics.median(p["pce"] for p in per_cue),
        "empty_beat_rate_mean": statistics.mean(p["ebr"] for p in per_cue),
        "cues_with_low_voicing_clash": low_clash,
        "seconds": round(time.perf_counter() - t0, 1),
    }
    grid = grid_closed_loop()
    fig.update(grid)
    for k, v in fig.items():
        print(f"{k:34s} {json.dumps(v) if not isinstance(v, float) else f'{v:.3f}'}")
    if args.json:
        args.json.write_text(json.dumps(fig, indent=1) + "\n")


def grid_closed_loop() -> dict[str, float | None]:
    """Valence/arousal grid through the rules backend (the product's mapping) to written MIDI."""
    from scenescore.render.mapping import condition_from_va
    from scenescore.render.metrics import detect_key, mean_velocity, note_density, read_midi
    from scenescore.render.midi import sketch_to_midi
    from scenescore.render.sketch import sketch_cue

    rows = []
    for v in (-0.8, -0.4, 0.4, 0.8):
        for a in (-0.8, -0.4, 0.0, 0.4, 0.8):
            c = condition_from_va(v, a, seconds=30.0)
            m = read_midi(sketch_to_midi(sketch_cue(c)))
            rows.append((c, m, detect_key(m)[1]))
    out: dict[str, float | None] = {}
    for name, measure in (("tempo", lambda m: m.tempo_bpm), ("density", note_density), ("velocity", mean_velocity)):
        rhos = [spearman([c.arousal for c, _, _ in rows if c.valence == v],
                         [measure(m) for c, m, _ in rows if c.valence == v]) for v in (-0.8, -0.4, 0.4, 0.8)]
        out[f"grid_{name}_arousal_min"] = min(r for r in rhos if r is not None)
    out["grid_mode_follows_valence"] = sum((mode == "minor") == (c.valence < 0) for c, _, mode in rows) / len(rows)
    return out


if __name__ == "__main__":
    main()
