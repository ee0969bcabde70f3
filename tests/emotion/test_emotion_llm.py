"""The llm backend against a fake OpenAI-compatible server on loopback (stdlib http.server)."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from emotion_support import build_scene

from scenescore.emotion import AnalyzeOptions, LLMOptions, analyze_screenplay, analyze_texts
from scenescore.emotion.llm import EmotionBackendError

pytest.importorskip("openai")


class FakeServer:
    """Answers chat completions; ``mode`` picks good, once-bad-then-good, always-bad or 500."""

    def __init__(self) -> None:
        self.mode = "good"
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append({"path": self.path, "body": body,
                                        "auth": self.headers.get("Authorization")})
                if server.mode == "500":
                    self.send_response(500)
                    self.end_headers()
                    return
                bad = server.mode == "bad" or (server.mode == "flaky" and len(server.requests) == 1)
                self._reply(server.answer(body, bad))

            def _reply(self, content: str) -> None:
                payload = json.dumps({
                    "id": "x", "object": "chat.completion", "created": 0, "model": "fake",
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content}}],
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @staticmethod
    def answer(body: dict, bad: bool) -> str:
        texts = re.findall(r"^\[(\d+)\] (.*)$", body["messages"][1]["content"], flags=re.MULTILINE)
        if bad:
            return json.dumps({"items": [{"index": 1, "valence": 3.0, "arousal": 0.0}]})
        items = []
        for n, text in texts:
            happy = "love" in text.lower()
            items.append({"index": int(n), "valence": 0.8 if happy else -0.4,
                          "arousal": 0.6 if "!" in text else -0.2,
                          "emotions": [{"label": "Joy" if happy else "sadness", "score": 0.9}],
                          "reasons": [text[:20]], "confidence": 0.8})
        return "Here you go:\n```json\n" + json.dumps({"items": items}) + "\n```"


@pytest.fixture
def server():
    fake = FakeServer()
    fake.thread.start()
    yield fake
    fake.httpd.shutdown()
    fake.httpd.server_close()


def _options(url: str, **kw) -> AnalyzeOptions:
    return AnalyzeOptions(backend="llm", llm=LLMOptions(base_url=url, model="fake-model", max_retries=0,
                                                        timeout_s=10, batch_size=2, **kw))


def test_scores_texts_with_reasons(server, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    results = analyze_texts(["I love you!", "", "It rains.", "Love, again"], options=_options(server.url))
    assert [r.valence for r in results] == [0.8, 0.0, -0.4, 0.8]
    assert results[0].arousal == 0.6 and results[0].emotions[0] == ("joy", 0.9)
    assert results[0].evidence == ("I love you!",) and results[1].confidence == 0.0
    assert len(server.requests) == 2  # batch_size 2: [text, empty], [text, text]
    request = server.requests[0]
    assert request["path"] == "/v1/chat/completions" and request["body"]["model"] == "fake-model"
    assert request["auth"] == "Bearer sk-test"


def test_invalid_reply_is_asked_again(server) -> None:
    server.mode = "flaky"
    (r,) = analyze_texts(["I love it"], options=_options(server.url))
    assert r.valence == 0.8 and len(server.requests) == 2
    assert "invalid" in server.requests[1]["body"]["messages"][-1]["content"]


def test_invalid_twice_is_an_error(server) -> None:
    server.mode = "bad"
    with pytest.raises(EmotionBackendError, match="failed validation twice"):
        analyze_texts(["I love it"], options=_options(server.url))


def test_server_error_is_an_error_without_the_key(server, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-123")
    server.mode = "500"
    with pytest.raises(EmotionBackendError) as exc:
        analyze_texts(["x"], options=_options(server.url))
    assert "sk-secret-123" not in str(exc.value)


def test_whole_scenes_go_to_the_model(server) -> None:
    scenes = [build_scene(1, action="Rain.", dialogue=[("ANA", "", "I love you!"), ("BEN", "", "Go.")]),
              build_scene(2, action="Love in summer.", timeline="flashback")]
    analysis = analyze_screenplay(scenes, options=_options(server.url))
    sent = [t for req in server.requests for t in re.findall(
        r"^\[\d+\] (.*)$", req["body"]["messages"][1]["content"], flags=re.MULTILINE)]
    assert len(sent) == 4  # scene 1, ANA's lines, BEN's lines, scene 2
    assert analysis.emotions[0].characters["ANA"][0] > 0 > analysis.emotions[0].characters["BEN"][0]
    assert analysis.backend == "llm"
