"""ffmpeg/ffprobe: probe the footage, read its audio, mux a temp score into it.

ffmpeg is an OS package (``apt-get install ffmpeg``), not a Python one; it is looked up on PATH
when first needed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from scenescore.errors import InputError, OutputError, ScenescoreError
from scenescore.timecode import parse_frame_rate

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

log = logging.getLogger("scenescore.align")


class ToolNotFoundError(ScenescoreError):
    """An OS program the stage needs is not on PATH."""

    def __init__(self, tool: str, package: str) -> None:
        super().__init__(f"{tool} is not on PATH: install it with your OS packages, "
                         f"e.g. sudo apt-get install {package}")


def find_tool(name: str, package: str = "ffmpeg") -> str:
    path = shutil.which(name)
    if path is None:
        raise ToolNotFoundError(name, package)
    return path


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What the picture is: its exact frame rate drives every timecode."""

    source: str
    frame_rate: Fraction
    duration_s: float
    width: int
    height: int
    frames: int
    has_audio: bool

    def to_dict(self) -> dict[str, object]:
        return {"source": self.source, "frame_rate": f"{self.frame_rate.numerator}/"
                f"{self.frame_rate.denominator}", "fps": round(float(self.frame_rate), 6),
                "duration_s": round(self.duration_s, 3), "width": self.width,
                "height": self.height, "frames": self.frames, "has_audio": self.has_audio}


def _run(cmd: list[str], source: str | Path, what: str, *, timeout: float | None = None
         ) -> subprocess.CompletedProcess[bytes]:
    try:
        proc = subprocess.run(cmd, capture_output=True, check=False, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise InputError(source, f"{what} timed out") from None
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["(no message)"]
        raise InputError(source, f"{what} failed: {tail[0]}")
    return proc


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Frame rate, duration, size and frame count of the first video stream."""
    p = Path(path)
    if not p.is_file():
        raise InputError(p, "no such video file")
    cmd = [find_tool("ffprobe"), "-v", "error", "-print_format", "json", "-show_streams",
           "-show_format", str(p)]
    info = json.loads(_run(cmd, p, "ffprobe").stdout or b"{}")
    streams = info.get("streams", [])
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None:
        raise InputError(p, "has no video stream")
    rate_text = video.get("avg_frame_rate") or "0/0"
    if rate_text in ("0/0", "0/1"):
        rate_text = video.get("r_frame_rate") or "0/0"
    try:
        rate = parse_frame_rate(rate_text)
    except ScenescoreError:
        raise InputError(p, f"unreadable frame rate {rate_text!r}") from None
    duration = float(video.get("duration") or info.get("format", {}).get("duration") or 0.0)
    frames = int(video.get("nb_frames") or 0) or round(duration * float(rate))
    return VideoInfo(source=str(p), frame_rate=rate, duration_s=duration,
                     width=int(video.get("width") or 0), height=int(video.get("height") or 0),
                     frames=frames,
                     has_audio=any(s.get("codec_type") == "audio" for s in streams))


def read_audio(path: str | os.PathLike[str], *, sample_rate: int = 16_000) -> np.ndarray:
    """The footage's first audio track as mono float32 at ``sample_rate`` (what Whisper takes)."""
    import numpy as np

    cmd = [find_tool("ffmpeg"), "-nostdin", "-v", "error", "-i", str(path), "-map", "0:a:0",
           "-ac", "1", "-ar", str(sample_rate), "-f", "s16le", "-"]
    raw = _run(cmd, path, "reading the audio track").stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0


def mux_audio(video: str | os.PathLike[str], wav: str | os.PathLike[str],
              out: str | os.PathLike[str], *, overwrite: bool = False,
              audio_codec: str | None = None) -> Path:
    """Write ``video``'s picture with ``wav`` as its only sound, for review; atomic.

    The picture is copied, not re-encoded, so frames and timecodes stay exactly the footage's.
    The audio is AAC in MP4/MOV (PCM in MKV) and is cut or padded to the picture's length.
    """
    target = Path(out)
    if target.exists() and not overwrite:
        raise OutputError(f"{target}: exists (pass overwrite to replace it)")
    for src in (Path(video), Path(wav)):
        if not src.is_file():
            raise InputError(src, "no such file")
    codec = audio_codec or ("pcm_s24le" if target.suffix.lower() == ".mkv" else "aac")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}",
                               dir=target.parent)
    os.close(fd)
    cmd = [find_tool("ffmpeg"), "-nostdin", "-v", "error", "-y", "-i", str(video), "-i", str(wav),
           "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy", "-c:a", codec,
           "-af", "apad", "-shortest", str(tmp)]
    try:
        _run(cmd, video, "muxing the score")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    log.info("muxed %s into %s", wav, target)
    return target
