"""The sample screenplay spotted (as a neutral film), and a revised draft of it.

The revision is made here from the sample's text (a scene inserted, one deleted, one renamed),
the way a writer's next draft changes a script: nothing about it is tuned to the edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"

INSERTED = """EXT. MARSH HOUSE - GARDEN - DAY

Ella kneels in the frozen garden and pulls a dead tomato vine out by the root. She shakes the soil off it and lays it on the wall like something that might still be saved.

"""


@dataclass
class Film:
    text: str
    scenes: Any
    analysis: Any
    cues: list


def film_of(text: str, name: str = "sample.fountain") -> Film:
    """The script segmented and spotted as a neutral film (no emotion analysis: cues split on
    timeline, reel and length, coverage by need), so these tests do not move when the emotion
    model does."""
    from scenescore.ingest import read_screenplay_bytes
    from scenescore.segment import segment_document
    from scenescore.spotting import spot_cues

    screenplay = segment_document(read_screenplay_bytes(text.encode("utf-8"), name))
    return Film(text, screenplay.scenes, None, spot_cues(screenplay.scenes, None))


def revise(text: str) -> str:
    """Insert a garden scene before the boathouse, delete the short kitchen-at-night scene,
    rename INT. BOATHOUSE - NIGHT to INT. WORKSHOP - NIGHT."""
    lines = text.split("\n")
    # delete: from the heading of the night kitchen scene to the next heading
    start = next(i for i, ln in enumerate(lines) if ln.startswith("INT. MARSH HOUSE - KITCHEN - NIGHT")
                 and "FLASHBACK" not in ln)
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"^(INT|EXT|I/E|MONTAGE)", lines[i]))
    del lines[start:end]
    text = "\n".join(lines)
    text = text.replace("INT. BOATHOUSE - NIGHT", "INT. WORKSHOP - NIGHT", 1)
    at = text.index("INT. BOATHOUSE - CONTINUOUS")
    return text[:at] + INSERTED + text[at:]
