"""score: resumable, reproducible run folders."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenescore.errors import OptionsError
from scenescore.options import ScoreOptions, SegmentOptions
from scenescore.pipeline import score as _score
from scenescore.render.options import AudioOptions, RenderOptions


def score(script, *, options, stage_options=None):  # noqa: ANN001, ANN202 - test shorthand
    return _score(script, options=options, stage_options={**FAST, **(stage_options or {})})

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample" / "sample.fountain"
# MIDI only: audio and MusicXML are tested in tests/render and once end to end in test_cli_score.
FAST = {"render": RenderOptions(audio=AudioOptions(backend="none"), musicxml=False)}


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _stages(**kwargs) -> ScoreOptions:
    return ScoreOptions(**kwargs)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("ref")
    score(SAMPLE, options=ScoreOptions(out=str(out), name="film"))
    return _tree(out / "film")


def test_run_folder_and_manifest(tmp_path: Path, reference: dict[str, bytes]) -> None:
    result = score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film"))
    assert set(result.statuses.values()) == {"ran"}
    files = _tree(tmp_path / "film")
    assert files == reference  # same inputs, same seed: byte-identical, manifest included
    manifest = json.loads(files["manifest.json"])
    assert manifest["input"]["sha256"] and manifest["versions"]["scenescore"]
    for stage, record in manifest["stages"].items():
        assert record["status"] == "done", stage
        for rel in record["outputs"]:
            assert rel in files
    assert {"elements.jsonl", "scenes.parquet", "scenes.csv", "emotions.parquet"} <= set(files)


def test_unchanged_stages_are_skipped_and_an_option_reruns_only_what_depends(tmp_path: Path) -> None:
    first = score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film"))
    order = list(first.statuses)
    again = score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film"))
    assert set(again.statuses.values()) == {"skipped"}
    # A memory option changes the analyze stage and what follows, never segment.
    from scenescore.emotion import MemoryOptions

    changed = score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film"),
                    stage_options={"memory": MemoryOptions(carry=0.7)})
    assert changed.statuses["segment"] == "skipped"
    assert all(changed.statuses[s] == "ran" for s in order[order.index("analyze"):])
    seg = score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film"),
                stage_options={"memory": MemoryOptions(carry=0.7), "segment": SegmentOptions(target_runtime_s=900)})
    assert seg.statuses["segment"] == "ran"


def test_tampered_output_is_redone(tmp_path: Path, reference: dict[str, bytes]) -> None:
    score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film"))
    victim = tmp_path / "film" / "scenes.csv"
    victim.write_bytes(victim.read_bytes()[:100])
    result = score(SAMPLE, options=ScoreOptions(out=str(tmp_path), name="film"))
    assert result.statuses["segment"] == "ran"
    assert _tree(tmp_path / "film") == reference


def test_slices(tmp_path: Path) -> None:
    opts = ScoreOptions(out=str(tmp_path), name="film")
    with pytest.raises(OptionsError, match="has not run"):
        score(SAMPLE, options=dataclasses.replace(opts, start="analyze"))
    only_first = score(SAMPLE, options=dataclasses.replace(opts, stop="segment"))
    assert only_first.statuses["segment"] == "ran"
    assert all(v == "not in slice" for k, v in only_first.statuses.items() if k != "segment")
    rest = score(SAMPLE, options=dataclasses.replace(opts, start="analyze"))
    assert rest.statuses["segment"] == "not in slice" and rest.statuses["analyze"] == "ran"
    with pytest.raises(OptionsError, match="unknown stage 'mix'"):
        score(SAMPLE, options=dataclasses.replace(opts, start="mix"))


def test_kill_9_at_random_points_then_resume(tmp_path: Path, reference: dict[str, bytes]) -> None:
    """A run killed anywhere and started again ends with the same files as an uninterrupted one."""
    code = ("import sys; from scenescore.pipeline import score; from scenescore.options import ScoreOptions; "
            "from scenescore.render.options import AudioOptions, RenderOptions; "
            "score(sys.argv[1], options=ScoreOptions(out=sys.argv[2], name='film'), stage_options={'render': "
            "RenderOptions(audio=AudioOptions(backend='none'), musicxml=False)})")
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    rng = random.Random(7)
    for attempt in range(5):
        out = tmp_path / f"k{attempt}"
        proc = subprocess.Popen([sys.executable, "-c", code, str(SAMPLE), str(out)], env=env)
        time.sleep(rng.uniform(0.3, 2.5))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        score(SAMPLE, options=ScoreOptions(out=str(out), name="film"))
        leftovers = [p.name for p in (out / "film").iterdir() if p.name.endswith(".part")]
        files = {k: v for k, v in _tree(out / "film").items() if not k.endswith(".part")}
        assert files == reference, f"attempt {attempt}"
        assert not leftovers or all(n.startswith(".") for n in leftovers)


def test_score_an_imsdb_title_from_a_local_site(tmp_path: Path) -> None:
    from scenescore.corpus.options import CrawlOptions
    from support.fakesite import FakeFilm, FakeImsdb

    text = (ROOT / "corpus" / "sample" / "sample.txt").read_text(encoding="utf-8")
    site = FakeImsdb([FakeFilm("What the Lake Keeps", script=text)]).start()
    try:
        crawl = CrawlOptions(base_url=site.base_url, rate_limit=0, corpus_dir=str(tmp_path / "corpus"))
        result = score("What the Lake Keeps", options=ScoreOptions(out=str(tmp_path / "runs"), stop="spot"),
                       stage_options={"corpus": crawl})
    finally:
        site.stop()
    assert result.folder.name == "what-the-lake-keeps"
    manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input"]["source"] == "imsdb:What the Lake Keeps"
    assert (result.folder / "scenes.parquet").exists() and result.statuses["spot"] == "ran"
