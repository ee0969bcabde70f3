"""The studio's server: local only, refusing requests that do not name it (DNS rebinding),
validating edits before anything runs, and re-running the run with its own options."""

from __future__ import annotations

import http.client
import json
import time

import pytest
from studio_support import score_sample, serve


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory):
    run_dir, script = score_sample(tmp_path_factory.mktemp("studio"), audio="none")
    yield from serve(run_dir, script)


def request(port: int, method: str, path: str, *, headers: dict | None = None, body: bytes | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        res = conn.getresponse()
        return res.status, dict(res.getheaders()), res.read()
    finally:
        conn.close()


def test_it_listens_on_loopback_only(studio) -> None:
    from scenescore.studio.server import bind

    sock = bind(0)
    try:
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()
    status, headers, body = request(studio.port, "GET", "/")
    assert status == 200 and b"studio.js" in body
    assert "default-src 'none'" in headers["content-security-policy"]
    status, _, _ = request(studio.port, "GET", "/", headers={"Host": f"localhost:{studio.port}"})
    assert status == 200


@pytest.mark.parametrize("headers", [
    {"Host": "evil.example:8765"},                       # a rebound name pointing at 127.0.0.1
    {"Host": "127.0.0.1"},                               # no port: not this server
    {"Host": "127.0.0.1:1"},
    {"Origin": "http://evil.example"},                   # a page elsewhere reading this one
    {"Origin": "null"},
])
def test_requests_that_do_not_name_this_server_are_refused(studio, headers: dict) -> None:
    for path in ("/", "/api/run", "/files/cues.json"):
        status, _, body = request(studio.port, "GET", path, headers=headers)
        assert status == 403, (path, headers)
        assert body.startswith(b"forbidden")


def test_changes_must_come_from_the_page_as_json(studio) -> None:
    origin = f"http://127.0.0.1:{studio.port}"
    body = json.dumps({"cue": []}).encode()
    assert request(studio.port, "POST", "/api/edits", body=body,
                   headers={"Content-Type": "application/json"})[0] == 403          # no Origin
    assert request(studio.port, "POST", "/api/edits", body=b"cue=1",
                   headers={"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    status, _, answer = request(studio.port, "POST", "/api/edits", body=json.dumps(
        {"cue": [{"id": "1M02", "music": {"tempo": 0}}]}).encode(),
        headers={"Origin": origin, "Content-Type": "application/json"})
    assert status == 400
    assert "[[cue]] #1 1M02: music.tempo: tempo 0 bpm" in json.loads(answer)["error"]
    assert not (studio.run_dir / "spotting.toml").exists()


def test_files_stay_inside_the_run_folder(studio) -> None:
    assert request(studio.port, "GET", "/files/cues.json")[0] == 200
    for path in ("/files/../film/sample.fountain", "/files/%2e%2e/film/sample.fountain", "/files/scenes.parquet",
                 "/files//etc/passwd"):
        assert request(studio.port, "GET", path)[0] == 404, path


def test_a_re_render_keeps_the_run_s_options_and_redoes_only_what_changed(studio) -> None:
    origin = f"http://127.0.0.1:{studio.port}"
    cues = json.loads((studio.run_dir / "cues.json").read_text())
    target = cues[1]["cue_id"]
    edits = {"cue": [{"id": target, "music": {"tempo": 132}}]}
    status, _, answer = request(studio.port, "POST", "/api/edits", body=json.dumps(edits).encode(),
                                headers={"Origin": origin, "Content-Type": "application/json"})
    assert status == 202, answer
    deadline = time.monotonic() + 120
    while True:
        job = json.loads(request(studio.port, "GET", "/api/job")[2])
        if job["state"] != "running" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert job["state"] == "done", job
    stages = dict(job["stages"][1::2])  # (stage, start), (stage, status), ...
    assert stages["segment"] == "skipped" and stages["analyze"] == "skipped"
    assert stages["spot"] == "ran" and stages["render"] == "ran"
    toml = (studio.run_dir / "spotting.toml").read_text()
    assert f'id = "{target}"' in toml and "tempo = 132" in toml
    view = json.loads(request(studio.port, "GET", "/api/run")[2])
    cond = next(c["condition"] for c in view["cues"] if c["cue"]["cue_id"] == target)
    assert cond["tempo_bpm"] == 132
    assert view["session"]["changed_by_edits"] == {target: ["[[cue]] #1 " + target]}


def test_the_command_refuses_a_folder_that_is_not_a_run(tmp_path, capsys) -> None:
    from scenescore.cli import main

    with pytest.raises(SystemExit) as info:
        main(["studio", str(tmp_path)])
    assert info.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"error: {tmp_path}: not a run folder (no readable manifest.json)"]


def test_the_run_s_options_come_back_from_its_manifest(studio) -> None:
    from scenescore.studio.server import recorded_stage_options

    manifest = json.loads((studio.run_dir / "manifest.json").read_text())
    options = recorded_stage_options(manifest)
    assert options["segment"].target_runtime_s == 60.0
    assert options["render"].audio.backend == "none"
    assert options["render"].audio.fluidsynth.interpolation == "linear"
