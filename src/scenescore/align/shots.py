"""Shot detection with PySceneDetect, behind a name -> detector table."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from scenescore.align.options import AlignOptions
from scenescore.align.records import Shot
from scenescore.errors import InputError, MissingDependencyError, OptionsError

log = logging.getLogger("scenescore.align")

ProgressCallback = Callable[[str, float], None]


def _content(options: AlignOptions) -> Any:
    from scenedetect import ContentDetector

    return ContentDetector(threshold=options.threshold, min_scene_len=options.min_shot_frames)


def _adaptive(options: AlignOptions) -> Any:
    from scenedetect import AdaptiveDetector

    return AdaptiveDetector(adaptive_threshold=options.adaptive_threshold,
                            min_scene_len=options.min_shot_frames)


#: Detector name -> factory building a PySceneDetect detector from the options.
SHOT_DETECTORS: dict[str, Callable[[AlignOptions], Any]] = {
    "content": _content,
    "adaptive": _adaptive,
}


def _import_scenedetect() -> Any:
    try:
        import scenedetect
    except ImportError:
        raise MissingDependencyError("shot detection", "scenedetect", "video") from None
    try:
        import cv2  # noqa: F401 - PySceneDetect's default backend
    except ImportError:
        raise MissingDependencyError("shot detection", "opencv-python-headless", "video") from None
    return scenedetect


def detect_shots(video: str | os.PathLike[str], *, options: AlignOptions | None = None,
                 frame_rate: Fraction | None = None, total_frames: int | None = None,
                 progress: ProgressCallback | None = None) -> list[Shot]:
    """Shots of the footage, frame-exact (every frame is decoded; no frame skipping).

    ``frame_rate`` and ``total_frames`` (from :func:`~scenescore.align.media.probe_video`) make
    the seconds exact for NTSC rates; without them PySceneDetect's own values are used.
    """
    opts = options or AlignOptions()
    factory = SHOT_DETECTORS.get(opts.detector)
    if factory is None:
        raise OptionsError(f"unknown shot detector {opts.detector!r}; "
                           f"known: {', '.join(sorted(SHOT_DETECTORS))}")
    scenedetect = _import_scenedetect()
    try:
        stream = scenedetect.open_video(str(video))
    except Exception as exc:  # PySceneDetect raises several types for unreadable files
        raise InputError(video, f"cannot open the video ({exc})") from None
    manager = scenedetect.SceneManager()
    manager.add_detector(factory(opts))
    fps = frame_rate or Fraction(float(stream.frame_rate)).limit_denominator(1001)
    total = total_frames or int(getattr(stream, "duration", None).frame_num
                                if getattr(stream, "duration", None) is not None else 0)

    callback = None
    if progress is not None and total:
        def callback(_image: Any, timecode: Any) -> None:
            frame = int(timecode.frame_num)
            if frame % 48 == 0:
                progress("shots", min(1.0, frame / total))

    manager.detect_scenes(video=stream, callback=callback)
    scene_list = manager.get_scene_list(start_in_scene=True)
    decoded = int(stream.frame_number) if getattr(stream, "frame_number", None) else total
    end_frame = max(total, decoded)
    starts = sorted({int(start.frame_num) for start, _ in scene_list} | {0})
    bounds = [*starts, end_frame]
    shots = [Shot(index=i, start_frame=a, end_frame=b, start_s=float(a / fps), end_s=float(b / fps))
             for i, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)) if b > a]
    if progress is not None:
        progress("shots", 1.0)
    log.info("%s: %d shots", video, len(shots))
    return shots
