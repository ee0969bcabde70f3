"""Kill ``score`` with SIGKILL at N random moments, resume each, compare with an uninterrupted run.

    python scripts/check_resume.py [--points 20] [--audio fluidsynth|none] [--seed 1]

Prints, per kill point, the delay, which stage the manifest says was running, and whether the
resumed folder is byte-identical (every file, manifest included) to the reference run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"
CHILD = ("import sys; from scenescore.pipeline import score; from scenescore.options import ScoreOptions; "
         "from scenescore.render.options import AudioOptions, RenderOptions; "
         "score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name='film'), "
         "stage_options={'render': RenderOptions(audio=AudioOptions(backend=sys.argv[3]))})")


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith(".part")}


def run(out: Path, audio: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD, str(SAMPLE), str(out), audio], check=True)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--audio", default="fluidsynth")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        full = run(root / "ref", args.audio)
        reference = tree(root / "ref" / "film")
        print(f"reference run {full:.1f} s, {len(reference)} files")
        same = 0
        for k in range(args.points):
            out = root / f"k{k}"
            delay = rng.uniform(0.5, full)
            proc = subprocess.Popen([sys.executable, "-c", CHILD, str(SAMPLE), str(out), args.audio])
            time.sleep(delay)
            killed = proc.poll() is None
            if killed:
                proc.send_signal(signal.SIGKILL)
            proc.wait()
            manifest = out / "film" / "manifest.json"
            done = list(json.loads(manifest.read_text())["stages"]) if manifest.exists() else []
            run(out, args.audio)
            ok = tree(out / "film") == reference
            same += ok
            print(f"  kill {k + 1:2d} at {delay:5.1f} s ({'killed' if killed else 'had finished'}; "
                  f"stages done: {', '.join(done) or 'none'}): {'identical' if ok else 'DIFFERENT'}")
        print(f"{same}/{args.points} resumed runs byte-identical to the uninterrupted run")


if __name__ == "__main__":
    main()
