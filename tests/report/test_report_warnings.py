"""What segment notices about a script (a flashback that never closes) reaches the manifest and
the report page, not only the log: a user reading the report sees why the film is shaded so."""

from __future__ import annotations

import json
from pathlib import Path

from scenescore.options import ScoreOptions
from scenescore.pipeline import score
from scenescore.render.options import AudioOptions, RenderOptions

# An original script: the flashback opened in scene 2 never closes.
SCRIPT = "\n".join(
    ["Title: Low Tide", "", ""]
    + [line for n in range(1, 9) for line in (
        f"EXT. SEA WALL - DAY {n}" if n != 2 else "INT. BOAT SHED - NIGHT", "",
        "FLASHBACK:" if n == 2 else f"Waves climb the wall, number {n}, and fall back.", "",
        "NORA", "We should have gone inland." if n % 2 else "The tide does not wait.", "")]
)


def test_segment_warnings_reach_the_manifest_and_the_report(tmp_path: Path) -> None:
    script = tmp_path / "low_tide.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    result = score(script, options=ScoreOptions(out=str(tmp_path / "runs"), name="film"),
                   stage_options={"render": RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)})
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    [warning] = manifest["warnings"]["segment"]
    assert "flashback" in warning and "never closes" in warning
    assert manifest["stages"]["segment"]["warnings"] == [warning]
    assert result.status == "ok"  # a warning about the script is not a degraded run
    page = (result.folder / "report.html").read_text(encoding="utf-8")
    assert 'id="warnings"' in page and "segment: " in page and "never closes" in page


def test_a_clean_script_has_no_warnings(scored_run: Path) -> None:
    manifest = json.loads((scored_run / "manifest.json").read_text(encoding="utf-8"))
    assert "warnings" not in manifest
    assert 'id="warnings"' not in (scored_run / "report.html").read_text(encoding="utf-8")
