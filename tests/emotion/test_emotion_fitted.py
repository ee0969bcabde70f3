"""The fitted default: the shipped weights are what the training script produces, and it reads."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scenescore.emotion import analyze_texts
from scenescore.emotion.fitted import FittedBackend, load_model

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "emobank" / "emobank_train_dev.csv"


@pytest.mark.skipif(not DATA.exists(), reason="EmoBank train/dev not in ../shared")
def test_shipped_weights_are_what_training_produces() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "scripts" / "train_emotion.py"), "--check"],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    assert out.returncode == 0, out.stdout + out.stderr
    assert "matches" in out.stdout


def test_model_is_small_loads_fast_and_says_its_licence() -> None:
    path = ROOT / "src" / "scenescore" / "data" / "emotion_model.npz"
    assert path.stat().st_size < 3_000_000
    load_model.cache_clear()
    started = time.perf_counter()
    model = load_model()
    assert time.perf_counter() - started < 1.0
    assert "CC-BY-SA" in model.meta["licence"] and model.meta["n_train"] == 8062


def test_fitted_reads_valence_and_arousal() -> None:
    calm, happy, sad, frantic = analyze_texts([
        "She sleeps quietly by the window.", "I love this wonderful day, we won!",
        "He died alone in the cold, and nobody came to the funeral.",
        "RUN! GET OUT NOW! THEY'RE SHOOTING!"])
    assert happy.valence > 0.2 > -0.2 > sad.valence
    assert frantic.arousal > calm.arousal + 0.3
    assert happy.evidence and -1 <= sad.valence <= 1
    assert "import sklearn" not in (ROOT / "src" / "scenescore" / "emotion" / "fitted.py").read_text()


def test_negation_flips_the_reading() -> None:
    backend = FittedBackend()
    good, not_good = backend.score_texts(["This is good.", "This is not good."])
    assert good.valence > not_good.valence
    assert backend.score_texts([""])[0].weight == 0.0


def test_batched_scoring_is_bit_for_bit_the_text_by_text_reference() -> None:
    """score_texts hashes, counts and weights a whole batch in array operations (the speed of
    issue 16); every output must equal score_one's, float for float and string for string."""
    from scenescore.emotion.scene import scene_units
    from scenescore.segment import segment_screenplay

    texts = ["", "   ", "No.", "No.", "!!!", "...", "Ça va? Très bien, merci!", "NOT GOOD. Not good at all!",
             "She didn't cry. She never cries — not once, not ever.", "İstanbul in the rain", "x" * 300]
    for script in ("sample/sample.fountain", "blind/let_go_at_the_top.fountain"):
        for scene in segment_screenplay(ROOT / "corpus" / script).scenes:
            texts += [u.text for u in scene_units(scene, "line", delivery=True)]
    backend = FittedBackend()
    batched = backend.score_texts(texts)
    assert len(batched) == len(texts)
    assert batched == [backend.score_one(t) for t in texts]
    assert backend.score_texts([]) == []
