"""The transformers backend on a tiny random model built here (never downloaded)."""

from __future__ import annotations

import dataclasses

import pytest
from emotion_support import build_scene

from scenescore.emotion import (
    AnalyzeOptions,
    TransformersOptions,
    analyze_screenplay,
    analyze_texts,
)
from scenescore.errors import InputError, OptionsError

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

EKMAN = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]
WORDS = ["i", "love", "hate", "this", "the", "gun", "screams", "calm", "sea", "she", "weeps", "!", "."]


def _save_tiny_model(path, labels, multi_label: bool = False) -> str:
    torch.manual_seed(0)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", "utf-8")
    tokenizer = transformers.BertTokenizer(vocab_file=str(path / "vocab.txt"))
    config = transformers.BertConfig(
        vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
        intermediate_size=32, max_position_embeddings=64, num_labels=len(labels),
        id2label=dict(enumerate(labels)), label2id={lbl: i for i, lbl in enumerate(labels)},
        problem_type="multi_label_classification" if multi_label else None)
    model = transformers.BertForSequenceClassification(config)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


@pytest.fixture(scope="module")
def ekman_model(tmp_path_factory) -> str:
    return _save_tiny_model(tmp_path_factory.mktemp("ekman"), EKMAN)


def _options(model: str, **kw) -> AnalyzeOptions:
    return AnalyzeOptions(backend="transformers",
                          transformers=TransformersOptions(model=model, batch_size=2, device="cpu", **kw))


def test_scores_texts_in_batches(ekman_model) -> None:
    texts = ["i love this !", "", "the gun screams", "calm sea .", "she weeps"]
    results = analyze_texts(texts, options=_options(ekman_model))
    assert len(results) == 5 and results[1].confidence == 0.0
    for r in results:
        assert -1 <= r.valence <= 1 and -1 <= r.arousal <= 1 and 0 <= r.confidence <= 1
    labels = {label for r in results for label, _ in r.emotions}
    assert labels and labels <= set(EKMAN)
    assert results[0].emotions[0][1] >= results[0].emotions[-1][1]


def test_label_positions_set_valence(ekman_model) -> None:
    # every label placed at the same point: valence/arousal must be exactly that point
    same = {label: (0.25, -0.5) for label in EKMAN}
    (r,) = analyze_texts(["i love this"], options=_options(ekman_model, label_map=same))
    assert r.valence == pytest.approx(0.25) and r.arousal == pytest.approx(-0.5)


def test_unknown_labels_need_a_label_map(tmp_path) -> None:
    model = _save_tiny_model(tmp_path, ["LABEL_X", "joy"], multi_label=True)
    with pytest.raises(OptionsError, match="LABEL_X"):
        analyze_texts(["hi"], options=_options(model))
    (r,) = analyze_texts(["i love this"], options=_options(model, label_map={"label_x": (-1.0, 1.0)}))
    assert -1 <= r.valence <= 1


def test_missing_model_is_an_input_error(tmp_path) -> None:
    with pytest.raises(InputError, match="cannot load"):
        analyze_texts(["hi"], options=_options(str(tmp_path / "nowhere")))
    with pytest.raises(OptionsError, match="needs a model"):
        analyze_texts(["hi"], options=dataclasses.replace(_options("x"), transformers=TransformersOptions()))


def test_whole_screenplay_with_transformers(ekman_model) -> None:
    scenes = [build_scene(1, action="She weeps.", dialogue=[("ANA", "(screaming)", "i hate this !")]),
              build_scene(2, action="Calm sea.", timeline="flashback")]
    analysis = analyze_screenplay(scenes, options=_options(ekman_model))
    assert analysis.backend == "transformers"
    assert analysis.emotions[0].top_emotion in EKMAN and "ANA" in analysis.emotions[0].characters
    assert analysis.states[1].inherited_from == 1
