"""Helpers of the translate tests: a fake OpenAI server on loopback, answers, tiny local LMs."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from scenescore.records import DialogueLine, Scene, Timeline

SAMPLE = Path(__file__).resolve().parents[2] / "corpus" / "sample" / "sample.fountain"

#: A valid answer for any cue (the fields a model fills; ours are added by the pipeline).
GOOD_ANSWER: dict[str, Any] = {
    "prompt": "Hushed chamber strings and solo piano in D minor at 64 bpm, slow legato lines, "
              "soft and sparse, a fragile melody rising once then fading into silence.",
    "genre": "intimate orchestral film score",
    "instrumentation": [
        {"name": "piano", "program": 0, "role": "melody"},
        {"name": "strings", "program": 48, "role": "harmony"},
        {"name": "contrabass", "program": 43, "role": "bass"},
    ],
    "tempo_bpm": 64, "key": "D", "mode": "minor", "meter": "4/4", "dynamics": "p",
    "intensity_curve": [{"at": 0.0, "intensity": 0.2}, {"at": 0.6, "intensity": 0.5},
                        {"at": 1.0, "intensity": 0.1}],
    "articulation": "legato", "pitch_register": "low", "harmony": "minor triads",
    "note_density": 0.3, "themes": [], "avoid": ["drums"], "rationale": "Grief, held back.",
}


def chat_body(content: str, *, prompt_tokens: int = 120, completion_tokens: int = 80,
              model: str = "fake-model") -> dict[str, Any]:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


@dataclass
class Reply:
    """What the fake server answers to one request."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def good(answer: dict[str, Any] | None = None, **usage: int) -> Reply:
    return Reply(body=chat_body(json.dumps(answer or GOOD_ANSWER), **usage))


def text(content: str) -> Reply:
    return Reply(body=chat_body(content))


def error(status: int, message: str = "boom", headers: dict[str, str] | None = None,
          code: str | None = None) -> Reply:
    return Reply(status=status, headers=headers or {},
                 body={"error": {"message": message, "type": "server_error", "code": code}})


class FakeOpenAI:
    """A real HTTP server on 127.0.0.1 speaking OpenAI chat completions.

    ``script`` replies are used in order, then ``default`` (a function of the request body) for
    every later request. Requests (body and headers) are recorded.
    """

    def __init__(self, default: Callable[[dict[str, Any]], Reply] | None = None) -> None:
        self.script: list[Reply] = []
        self.default = default or (lambda body: good())
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append(body)
                    fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                    reply = fake.script.pop(0) if fake.script else None
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                try:
                    if reply is None:
                        reply = fake.default(body)
                    if reply.delay:
                        time.sleep(reply.delay)
                    data = json.dumps(reply.body).encode() if not isinstance(reply.body, bytes) else reply.body
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self.wfile.write(data)  # the client may have given up (timeouts)
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def save_tiny_causal_lm(path: Any, *, words: list[str], positions: int = 4096) -> str:
    """A random GPT-2 (1 layer, 16 dims) and a word-level tokenizer built here, saved to ``path``."""
    import torch
    import transformers
    from tokenizers import Tokenizer, models, pre_tokenizers

    torch.manual_seed(0)
    vocab = {tok: i for i, tok in enumerate(["[UNK]", "[PAD]", "[EOS]", *dict.fromkeys(words)])}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]")
    config = transformers.GPT2Config(
        vocab_size=len(vocab), n_positions=positions, n_embd=16, n_layer=1, n_head=2,
        bos_token_id=vocab["[EOS]"], eos_token_id=vocab["[EOS]"], pad_token_id=vocab["[PAD]"])
    model = transformers.GPT2LMHeadModel(config)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


def build_scene(scene_id: int, *, seconds: float = 30.0, timeline: str = "present",
                characters: Sequence[str] = (), action: str = "Rain on the window.",
                dialogue: Sequence[tuple[str, str]] = ()) -> Scene:
    lines = tuple(DialogueLine(speaker=s, parenthetical="", text=t) for s, t in dialogue)
    heading = f"INT. ROOM {scene_id} - DAY"
    text = "\n".join([heading, action, *(f"{d.speaker}\n{d.text}" for d in lines)])
    return Scene(scene_id=scene_id, number=str(scene_id), heading=heading, int_ext="INT",
                 location=f"ROOM {scene_id}", time_of_day="DAY", timeline=Timeline(timeline),
                 characters=tuple(characters) or tuple(dict.fromkeys(s for s, _ in dialogue)),
                 dialogue=lines, action=action, text=text, word_count=len(text.split()),
                 eighths=4, est_seconds=seconds, start_line=1, end_line=10)


def build_analysis(scenes: Sequence[Scene], affect: Sequence[tuple[float, float]],
                   memory: Any = None) -> Any:
    """An EmotionAnalysis from given scene valence/arousal, through the real memory."""
    from scenescore.emotion import EmotionAnalysis, MemoryOptions, SceneEmotion
    from scenescore.memory import emotional_arc, remember

    emotions = [SceneEmotion(scene_id=s.scene_id, valence=v, arousal=a, emotions=(("calm", 0.5),),
                             confidence=0.5, evidence=("rain",),
                             characters={c: (v, a) for c in s.characters}, backend="test",
                             timeline=str(s.timeline))
                for s, (v, a) in zip(scenes, affect, strict=True)]
    mem = memory or MemoryOptions(carry=0.0, inherit={}, character_carry=0.0)
    states = remember(emotions, mem)
    return EmotionAnalysis(emotions=tuple(emotions), states=tuple(states),
                           arc=emotional_arc(states, mem), backend="test")
