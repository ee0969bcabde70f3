"""Evidence from the picture: key frames on synthetic footage, tiny random BLIP-2 and CLIP.

The models are built from configs with a word-level tokenizer written here, saved with
``save_pretrained`` and loaded back through the module's loaders with ``local_files_only``:
their words are noise; the tests prove the wiring, offline and in seconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scenescore.align.evidence import (
    CORE_LABELS,
    VISUAL_EMOTION_PROMPTS,
    SceneEvidence,
    VisualEmotion,
    caption_frames,
    evidence_for_prompt,
    keyframe_times,
    load_captioner,
    read_frames,
    sample_keyframes,
    scene_evidence,
    visual_emotion,
)
from scenescore.align.records import Shot, TranscriptLine
from scenescore.errors import InputError, OptionsError

FPS = 24
#: Three 2 s shots with hard cuts at 2 s and 4 s.
COLOURS = ("red", "green", "blue")
SHOTS = tuple(Shot(index=i, start_frame=48 * i, end_frame=48 * (i + 1), start_s=2.0 * i,
                   end_s=2.0 * (i + 1)) for i in range(3))
SPANS = {1: (0.0, 3.0), 2: (3.0, 6.0)}


@pytest.fixture(scope="module")
def clip_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (shutil.which("ffmpeg") and shutil.which("ffprobe")):
        pytest.skip("needs ffmpeg and ffprobe (apt-get install ffmpeg)")
    out = tmp_path_factory.mktemp("evidence") / "colours.mp4"
    sources = ";".join(f"color=c={c}:s=160x120:r={FPS}:d=2[v{i}]" for i, c in enumerate(COLOURS))
    graph = sources + ";" + "".join(f"[v{i}]" for i in range(3)) + "concat=n=3:v=1:a=0[out]"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-filter_complex", graph,
                    "-map", "[out]", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "240",
                    str(out)], check=True)
    return out


SAMPLE_FOR_SCORE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "sample.fountain"


def _dominant(image) -> str:  # noqa: ANN001 - an RGB array
    means = image.reshape(-1, 3).mean(axis=0)
    return COLOURS[int(means.argmax())]


# --- key frames --------------------------------------------------------------------------------

def test_keyframe_times_even_then_one_per_missed_shot() -> None:
    assert keyframe_times(SPANS, SHOTS, frame_rate=FPS, per_scene=3) == {
        1: [0.5, 1.5, 2.5], 2: [3.5, 4.5, 5.5]}
    # One even sample per scene misses a shot in each: its middle frame is added.
    assert keyframe_times(SPANS, SHOTS, frame_rate=FPS, per_scene=1) == {
        1: [36 / FPS, 59 / FPS], 2: [83 / FPS, 108 / FPS]}
    assert keyframe_times(SPANS, SHOTS, frame_rate=FPS, per_scene=1, per_shot=False) == {
        1: [1.5], 2: [4.5]}


def test_keyframe_times_cap_and_empty_span() -> None:
    times = keyframe_times({1: (0.0, 10.0), 2: (10.0, 10.0)}, frame_rate=FPS, per_scene=15,
                           max_per_scene=4)
    assert len(times[1]) == 4 and times[1] == sorted(times[1]) and times[2] == []
    with pytest.raises(OptionsError, match="per_scene"):
        keyframe_times(SPANS, per_scene=0)


def test_read_frames_is_frame_exact(clip_video: Path) -> None:
    before, after, last = read_frames(clip_video, [47 / FPS, 48 / FPS, 143 / FPS], width=None)
    assert before.shape == (120, 160, 3)
    assert (_dominant(before), _dominant(after), _dominant(last)) == ("red", "green", "blue")


def test_sample_keyframes_per_scene(clip_video: Path) -> None:
    seen: list[tuple[str, float]] = []
    frames = sample_keyframes(clip_video, SPANS, SHOTS, per_scene=1, width=64,
                              progress=lambda step, f: seen.append((step, f)))
    assert {sid: [t for t, _ in items] for sid, items in frames.items()} == {
        1: [36 / FPS, 59 / FPS], 2: [83 / FPS, 108 / FPS]}
    assert [[_dominant(img) for _, img in items] for items in frames.values()] == [
        ["red", "green"], ["green", "blue"]]
    assert frames[1][0][1].shape == (48, 64, 3)
    assert seen[-1] == ("keyframes", 1.0)


# --- records -----------------------------------------------------------------------------------

def test_scene_evidence_gathers_lines_captions_and_emotion() -> None:
    transcript = [TranscriptLine(0, 0.2, 1.0, "Hello."), TranscriptLine(1, 2.8, 3.4, "Wait!"),
                  TranscriptLine(2, 5.0, 6.0, "Bye.")]
    evidence = scene_evidence(
        SPANS, captions={1: ["a red room", "a red room", "a green door"]}, transcript=transcript,
        emotions={2: VisualEmotion(-0.5, 0.6, 0.4, {"fear": 0.7, "calm": 0.3})})
    one, two = evidence[1], evidence[2]
    assert one.captions == ("a red room", "a green door")
    assert one.transcript_lines == ("Hello.",) and two.transcript_lines == ("Wait!", "Bye.")
    assert one.visual_valence is None and one.confidence == 0.0
    assert (two.visual_valence, two.visual_arousal, two.confidence) == (-0.5, 0.6, 0.4)
    json.dumps([e.to_dict() for e in evidence.values()])
    lines = evidence_for_prompt(evidence)
    assert lines[1] == ("picture: a red room", "picture: a green door", "dialogue: Hello.")
    assert lines[2][-1].startswith("look: fear (valence -0.50")
    # A plain (valence, arousal, confidence) triple is accepted too.
    assert scene_evidence(SPANS, emotions={1: (0.1, 0.2, 0.3)})[1].confidence == 0.3


def test_prompt_lines_are_bounded() -> None:
    ev = SceneEvidence(scene_id=1, start_s=0, end_s=1, captions=tuple(f"c{i}" for i in range(20)),
                       transcript_lines=("word " * 400,))
    lines = ev.prompt_lines(max_captions=3, max_chars=200)
    assert lines[:3] == ("picture: c0", "picture: c10", "picture: c19")
    assert sum(map(len, lines)) <= 200 and lines[-1].endswith("…")


def test_visual_emotion_table_uses_known_positions() -> None:
    assert set(VISUAL_EMOTION_PROMPTS) <= set(CORE_LABELS)
    with pytest.raises(OptionsError, match="labels"):
        visual_emotion({}, model=(None, None), labels={"ennui": "a bored scene", "joy": "x"})


def test_import_stays_light() -> None:
    code = ("import sys, scenescore.align.evidence; "
            "print(any(m in sys.modules for m in ('torch', 'transformers')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- tiny models -------------------------------------------------------------------------------

_WORD_TEXT = ("a an the room man woman dark bright red blue green car street night day sits walks "
              "film still of joyful tender calm sad fearful angry surprised disgusted scene happy "
              "loving peaceful sorrowful frightening tense violent surprising astonishing disgusting "
              "repulsive")
WORDS = _WORD_TEXT.split()


def _word_tokenizer(specials: list[str], **kw: str):  # noqa: ANN202 - a transformers tokenizer
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(specials + WORDS)}
    backend = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Whitespace()
    bos, eos = kw["bos_token"], kw["eos_token"]
    backend.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", special_tokens=[(bos, vocab[bos]), (eos, vocab[eos])])
    return PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="<unk>", **kw)


@pytest.fixture(scope="module")
def tiny_blip2(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch = pytest.importorskip("torch", reason="needs torch (scenescore[video])")
    pytest.importorskip("transformers", reason="needs transformers (scenescore[video])")
    from transformers import (
        Blip2Config,
        Blip2ForConditionalGeneration,
        Blip2Processor,
        Blip2QFormerConfig,
        Blip2VisionConfig,
        BlipImageProcessor,
        OPTConfig,
    )

    folder = tmp_path_factory.mktemp("blip2")
    tokenizer = _word_tokenizer(["<pad>", "<unk>", "<s>", "</s>"], pad_token="<pad>",
                                bos_token="<s>", eos_token="</s>")
    processor = Blip2Processor(
        image_processor=BlipImageProcessor(size={"height": 32, "width": 32}),
        tokenizer=tokenizer, num_query_tokens=4)
    vocab = len(tokenizer)
    config = Blip2Config(
        vision_config=Blip2VisionConfig(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                        num_attention_heads=2, image_size=32,
                                        patch_size=8).to_dict(),
        qformer_config=Blip2QFormerConfig(hidden_size=16, num_hidden_layers=1,
                                          num_attention_heads=2, intermediate_size=32,
                                          encoder_hidden_size=16, vocab_size=vocab).to_dict(),
        text_config=OPTConfig(vocab_size=vocab, hidden_size=16, num_hidden_layers=1, ffn_dim=32,
                              num_attention_heads=2, max_position_embeddings=64,
                              word_embed_proj_dim=16, pad_token_id=0, bos_token_id=2,
                              eos_token_id=3).to_dict(),
        num_query_tokens=4, image_token_index=tokenizer.convert_tokens_to_ids("<image>"))
    torch.manual_seed(0)
    model = Blip2ForConditionalGeneration(config).eval()
    model.save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    torch = pytest.importorskip("torch", reason="needs torch (scenescore[video])")
    pytest.importorskip("transformers", reason="needs transformers (scenescore[video])")
    from transformers import (
        CLIPConfig,
        CLIPImageProcessor,
        CLIPModel,
        CLIPProcessor,
        CLIPTextConfig,
        CLIPVisionConfig,
    )

    folder = tmp_path_factory.mktemp("clip")
    tokenizer = _word_tokenizer(["<pad>", "<unk>", "<|startoftext|>", "<|endoftext|>"],
                                pad_token="<pad>", bos_token="<|startoftext|>",
                                eos_token="<|endoftext|>")
    processor = CLIPProcessor(
        image_processor=CLIPImageProcessor(size={"shortest_edge": 32},
                                           crop_size={"height": 32, "width": 32}),
        tokenizer=tokenizer)
    config = CLIPConfig(
        text_config=CLIPTextConfig(vocab_size=len(tokenizer), hidden_size=16,
                                   intermediate_size=32, num_hidden_layers=1,
                                   num_attention_heads=2, max_position_embeddings=32,
                                   pad_token_id=0, bos_token_id=2, eos_token_id=3).to_dict(),
        vision_config=CLIPVisionConfig(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                       num_attention_heads=2, image_size=32,
                                       patch_size=8).to_dict(),
        projection_dim=8)
    torch.manual_seed(0)
    CLIPModel(config).eval().save_pretrained(folder)
    processor.save_pretrained(folder)
    return folder


def test_caption_frames_with_tiny_blip2(clip_video: Path, tiny_blip2: Path) -> None:
    frames = sample_keyframes(clip_video, SPANS, SHOTS, per_scene=2, width=64)
    seen: list[float] = []
    # A random model may stop at once or say only special tokens: keep it to words.
    specials = list(range(4)) + [len(WORDS) + 4]
    captions = caption_frames(frames, model_path=tiny_blip2, batch_size=3, max_new_tokens=5,
                              generate_kwargs={"suppress_tokens": specials},
                              progress=lambda _step, f: seen.append(f))
    assert {sid: len(c) for sid, c in captions.items()} == {1: 2, 2: 2}
    assert all(c and set(c.split()) <= set(WORDS) for cs in captions.values() for c in cs), captions
    assert seen[-1] == 1.0
    evidence = scene_evidence(SPANS, frames=frames, captions=captions)
    assert evidence[1].frame_times == (0.75, 2.25)
    assert all(e.captions for e in evidence.values())


def test_visual_emotion_with_tiny_clip(clip_video: Path, tiny_clip: Path) -> None:
    frames = sample_keyframes(clip_video, SPANS, SHOTS, per_scene=3, width=64)
    scores = visual_emotion(frames, clip_model_path=tiny_clip, batch_size=4)
    assert set(scores) == {1, 2}
    for valence, arousal, confidence, labels in scores.values():
        assert -1 <= valence <= 1 and -1 <= arousal <= 1 and 0 <= confidence <= 1
        assert set(labels) == set(VISUAL_EMOTION_PROMPTS)
        assert sum(labels.values()) == pytest.approx(1.0, abs=1e-4)


def test_missing_model_is_an_input_error(tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="needs transformers (scenescore[video])")
    with pytest.raises(InputError, match="hf download"):
        load_captioner(tmp_path / "no-such-blip2")
    with pytest.raises(InputError, match="Hugging Face cache"):
        load_captioner("scenescore-test/never-downloaded-blip2")


def test_gather_evidence_end_to_end(clip_video: Path, tiny_blip2: Path, tiny_clip: Path) -> None:
    from scenescore.align.evidence import EvidenceOptions, gather_evidence
    from scenescore.align.media import probe_video
    from scenescore.align.records import Alignment, SceneSpan

    scenes = tuple(SceneSpan(scene_id=sid, start_s=a, end_s=b, start_tc="", end_tc="",
                             confidence=1.0, method="dialogue", dialogue_words=1,
                             matched_words=1, start_on_cut=True, end_on_cut=True)
                   for sid, (a, b) in SPANS.items())
    alignment = Alignment(video=probe_video(clip_video), shots=SHOTS, scenes=scenes,
                          transcript=(TranscriptLine(0, 4.0, 5.0, "Look out!"),),
                          transcript_source="subtitles")
    steps: set[str] = set()
    evidence = gather_evidence(clip_video, alignment, options=EvidenceOptions(
        per_scene=2, frame_width=64, caption_model=str(tiny_blip2), clip_model=str(tiny_clip),
        max_caption_tokens=4), progress=lambda step, _f: steps.add(step))
    assert steps == {"keyframes", "captions", "visual_emotion"}
    assert evidence[1].frame_times == (0.75, 2.25) and evidence[2].frame_times == (3.75, 5.25)
    assert evidence[2].transcript_lines == ("Look out!",)
    assert all(e.visual_valence is not None and e.confidence >= 0 for e in evidence.values())
    assert evidence_for_prompt(evidence)[2][-1].startswith("look: ")


def test_score_with_footage_gathers_evidence(footage, tiny_blip2: Path, tiny_clip: Path,  # noqa: ANN001
                                            tmp_path: Path) -> None:
    """With a caption model configured, score adds an evidence stage that feeds translate."""
    import json

    from scenescore.align import EvidenceOptions
    from scenescore.options import ScoreOptions
    from scenescore.pipeline import score

    options = ScoreOptions(out=str(tmp_path), name="film", video=str(footage.video),
                           subtitles=str(footage.subtitles), stop="translate")
    evidence = EvidenceOptions(caption_model=str(tiny_blip2), clip_model=str(tiny_clip), per_scene=1,
                               per_shot=False)
    result = score(SAMPLE_FOR_SCORE, options=options, stage_options={"evidence": evidence})
    assert list(result.statuses)[:4] == ["segment", "align", "evidence", "analyze"]
    rows = json.loads((result.folder / "align" / "evidence.json").read_text(encoding="utf-8"))
    assert rows and all(isinstance(row["captions"], list) for row in rows.values())
    assert any(row["captions"] for row in rows.values())
    assert result.statuses["translate"] == "ran"
    # The picture's reading joins each scene's emotion, and the evidence says so.
    emotions = (result.folder / "emotions.csv").read_text(encoding="utf-8")
    assert "picture: valence" in emotions
