"""Synthetic footage for the align tests: a performance of the sample screenplay.

``perform`` lays out, frame by frame, what a cut of the film would hold: each scene's spoken
lines (some dropped, some swapped, a few paraphrased, a few ad-libs) with lead-ins and tails,
one shot per scene plus a cut between lines in some scenes. ``render`` turns it into an H.264
480p file with an espeak-ng speech track, and ``srt`` writes the true subtitle times.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from scenescore.records import Scene

#: Colours of consecutive shots: bright and dark in turn, far apart in hue, so every cut is hard.
PALETTE = ("#e03c3c", "#1e2878", "#f0f046", "#145a1e", "#50dcdc", "#641464", "#f5a028",
           "#0f4646")
AD_LIBS = ("Hey, did you hear that noise outside", "Wait for me over there")
SPEECH_RATE = 22050


@dataclass
class Spoken:
    scene_id: int
    text: str
    start: int  # frames
    end: int


@dataclass
class Performance:
    fps: int
    frames: int
    scene_starts: dict[int, int]
    cuts: list[int]
    lines: list[Spoken]
    shot_colours: list[tuple[int, str]] = field(default_factory=list)  # (start frame, colour)


def _script_lines(scene: Scene, per_scene: int, words: int) -> list[str]:
    return [" ".join(d.text.split()[:words]) for d in scene.dialogue[:per_scene]]


def perform(scenes: list[Scene], *, fps: int = 24, seed: int = 8, perturb: float = 0.2,
            per_scene: int = 2, words: int = 6, durations: dict[str, float] | None = None
            ) -> Performance:
    """Lay out the footage. ``perturb`` is the share of lines dropped or swapped."""
    rng = random.Random(seed)
    plan: list[tuple[int, list[str]]] = [(s.scene_id, _script_lines(s, per_scene, words))
                                         for s in scenes]
    all_lines = [(k, n) for k, (_, lines) in enumerate(plan) for n in range(len(lines))]
    touched = rng.sample(all_lines, round(perturb * len(all_lines)))
    drop = set(touched[::2])
    swap = set(touched[1::2])
    performed: list[tuple[int, list[str]]] = []
    for k, (sid, lines) in enumerate(plan):
        kept = [t for n, t in enumerate(lines) if (k, n) not in drop]
        if any((k, n) in swap for n in range(len(lines))) and len(kept) >= 2:
            kept[0], kept[1] = kept[1], kept[0]
        elif any((k, n) in swap for n in range(len(lines))) and k > 0 and performed[-1][1]:
            pass  # nothing to swap with inside the scene
        performed.append((sid, kept))
    # Paraphrase one word of every fifth line, and put two ad-libs mid-scene.
    for k, (_sid, lines) in enumerate(performed):
        for n, text in enumerate(lines):
            w = text.split()
            if (k + n) % 5 == 0 and len(w) > 3:
                w[len(w) // 2] = "really"
                lines[n] = " ".join(w)
    with_two = [p for p in performed if len(p[1]) >= 2]
    for p, extra in zip(with_two[1::4], AD_LIBS, strict=False):
        p[1].insert(1, extra)

    def frames(seconds: float) -> int:
        return max(1, round(seconds * fps))

    def speech(text: str) -> float:
        return durations[text] if durations and text in durations else 0.3 * len(text.split()) + 0.2

    t = 0
    scene_starts: dict[int, int] = {}
    cuts: list[int] = []
    shots: list[int] = []
    spoken: list[Spoken] = []
    for k, (sid, lines) in enumerate(performed):
        scene_starts[sid] = t
        shots.append(t)
        t += frames(rng.uniform(0.5, 0.9))
        if not lines:
            t += frames(rng.uniform(1.2, 2.0))
        for n, text in enumerate(lines):
            if n > 0:
                gap = frames(0.4)
                if n == 1 and k % 3 == 0:  # shot / reverse shot inside the scene
                    shots.append(t + gap // 2)
                t += gap
            end = t + frames(speech(text))
            spoken.append(Spoken(sid, text, t, end))
            t = end
        t += frames(rng.uniform(0.5, 0.9))
    cuts = shots[1:]
    colours = [(start, PALETTE[n % len(PALETTE)]) for n, start in enumerate(shots)]
    return Performance(fps=fps, frames=t, scene_starts=scene_starts, cuts=cuts, lines=spoken,
                       shot_colours=colours)


def speak(texts: list[str], folder: Path) -> dict[str, np.ndarray]:
    """espeak-ng audio (int16 at 22.05 kHz) of each distinct text."""
    out: dict[str, np.ndarray] = {}
    for n, text in enumerate(dict.fromkeys(texts)):
        path = folder / f"line{n}.wav"
        subprocess.run(["espeak-ng", "-s", "230", "-w", str(path), text], check=True,
                       capture_output=True)
        with wave.open(str(path)) as fh:
            assert fh.getframerate() == SPEECH_RATE
            out[text] = np.frombuffer(fh.readframes(fh.getnframes()), dtype="<i2")
    return out


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(rate)
        fh.writeframes(samples.astype("<i2").tobytes())


def render(perf: Performance, audio: dict[str, np.ndarray], out: Path) -> Path:
    """854x480 H.264 with the speech track; each shot a noisy flat colour."""
    fps = perf.fps
    bounds = [s for s, _ in perf.shot_colours] + [perf.frames]
    graph = []
    for n, ((start, colour), end) in enumerate(zip(perf.shot_colours, bounds[1:], strict=True)):
        graph.append(f"color=c={colour}:s=854x480:r={fps}:d={(end - start) / fps:.6f}[v{n}]")
    count = len(perf.shot_colours)
    graph.append("".join(f"[v{n}]" for n in range(count))
                 + f"concat=n={count}:v=1:a=0,noise=alls=6:allf=t,trim=end_frame={perf.frames}[out]")
    track = np.zeros(round(perf.frames / fps * SPEECH_RATE) + SPEECH_RATE, dtype=np.int32)
    for line in perf.lines:
        at = round(line.start / fps * SPEECH_RATE)
        clip = audio[line.text][: round((line.end - line.start) / fps * SPEECH_RATE)]
        track[at:at + len(clip)] += clip
    wav = out.with_suffix(".speech.wav")
    write_wav(wav, np.clip(track, -32768, 32767), SPEECH_RATE)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-filter_complex", ";".join(graph),
                    "-i", str(wav), "-map", "[out]", "-map", "0:a:0", "-c:v", "libx264",
                    "-preset", "ultrafast", "-crf", "26", "-g", str(fps * 2), "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-shortest", str(out)], check=True)
    return out


def srt(perf: Performance) -> str:
    def stamp(frame: int) -> str:
        ms = round(frame * 1000 / perf.fps)
        return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"

    return "".join(f"{n}\n{stamp(x.start)} --> {stamp(x.end)}\n{x.text}\n\n"
                   for n, x in enumerate(perf.lines, 1))


def need_tools(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} on PATH (apt-get install ffmpeg espeak-ng)")


def need_scenedetect() -> None:
    pytest.importorskip("scenedetect", reason="needs scenescore[video] (scenedetect)")
    pytest.importorskip("cv2", reason="needs scenescore[video] (opencv-python-headless)")


@dataclass
class Footage:
    video: Path
    subtitles: Path
    performance: Performance
    scenes: list[Scene]
