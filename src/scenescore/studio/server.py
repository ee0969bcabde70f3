"""``scenescore studio RUN_DIR``: the spotting session as a local web page.

A Starlette app served by uvicorn on 127.0.0.1 only. The page (plain HTML/JS/CSS shipped with
the package, nothing fetched from elsewhere) shows the arc and the cues with players; people
drag a cue's in/out, toggle scenes dry, change a cue's music, pin themes, and press re-render:
the server validates the edits, writes ``spotting.toml`` into the run folder, re-runs the
pipeline (which redoes only what the edits touch) in a background thread with progress, and
the page reloads the cues whose audio changed.

Local only, and guarded against DNS rebinding: every request must name this server in its
``Host`` (``127.0.0.1:PORT`` or ``localhost:PORT``), an ``Origin``, when sent, must be this
server, and a change (POST) must come from this server's page as JSON. Nothing else answers.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenescore.errors import ScenescoreError

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
#: Files of the run folder the page may fetch (players, downloads).
SERVED_SUFFIXES = frozenset({".wav", ".mid", ".musicxml", ".png", ".csv", ".json", ".jsonl", ".toml", ".html"})
#: A re-run: called with a progress callback (stage, status); raises ScenescoreError on bad input.
Rerun = Callable[[Callable[[str, str], None]], Any]
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass
class Job:
    """The re-render in progress (or the last one)."""

    state: str = "idle"  # idle, running, done, error
    stages: list[list[str]] = field(default_factory=list)
    message: str = ""
    changed: list[str] = field(default_factory=list)
    started: float = 0.0
    seconds: float = 0.0
    number: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "stages": self.stages, "message": self.message, "changed": self.changed,
                "seconds": round(self.seconds, 2), "number": self.number}


class LocalOnly:
    """ASGI middleware: refuse any request that does not name this server (DNS rebinding,
    cross-site requests)."""

    def __init__(self, app: Any, port: int) -> None:
        self.app = app
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{h}" for h in self.hosts}

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        problem = None
        if headers.get("host", "").lower() not in self.hosts:
            problem = "host not allowed"
        elif "origin" in headers and headers["origin"].lower() not in self.origins:
            problem = "origin not allowed"
        elif scope.get("method", "GET") not in ("GET", "HEAD"):
            if headers.get("origin", "").lower() not in self.origins:
                problem = "a change must come from the studio page"
            elif not headers.get("content-type", "").startswith("application/json"):
                problem = "a change must be JSON"
        if problem is None:
            await self.app(scope, receive, send)
            return
        body = f"forbidden: {problem}\n".encode()
        await send({"type": "http.response.start", "status": 403,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class Studio:
    """The run folder, its edits and the one re-render job."""

    def __init__(self, run_dir: Path, rerun: Rerun) -> None:
        self.run_dir = run_dir.resolve()
        self.rerun = rerun
        self.job = Job()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    @property
    def edits_path(self) -> Path:
        from scenescore.session import EDITS_FILE

        return self.run_dir / EDITS_FILE

    def edits(self) -> dict[str, Any]:
        from scenescore.session import SpottingEdits, read_edits

        path = self.edits_path
        edits = read_edits(path) if path.is_file() else SpottingEdits()
        return edits.model_dump(mode="json", by_alias=True, exclude_defaults=True)

    def view(self) -> dict[str, Any]:
        """What the page draws: scenes (with keys), cues with conditions and file links, edits."""
        from scenescore.report import read_run_view
        from scenescore.session import scene_keys

        view = read_run_view(self.run_dir)
        keys = scene_keys(view.scenes)  # type: ignore[arg-type]
        digests = _digests(self.run_dir)
        scenes = [{"scene_id": s.scene_id, "key": keys[s.scene_id], "heading": s.heading, "start_s": s.start_s,
                   "end_s": s.end_s, "timeline": s.timeline, "valence": s.valence, "arousal": s.arousal,
                   "mood": s.mood, "characters": list(s.characters)} for s in view.scenes]
        cues = []
        for c in view.cues:
            audio = _rel_media(self.run_dir, c.audio)
            cues.append({"cue": c.cue, "condition": c.condition,
                         "audio": audio, "audio_version": digests.get(audio or "", "")[:12],
                         "midi": _rel_media(self.run_dir, c.midi)})
        try:
            edits, error = self.edits(), ""
        except ScenescoreError as exc:
            edits, error = {}, str(exc)
        session = _read_json(self.run_dir / "session_report.json")
        return {"title": view.title, "scenes": scenes, "cues": cues, "edits": edits, "edits_error": error,
                "session": session, "job": self.job.to_dict(),
                "characters": sorted({n for s in view.scenes for n in s.characters})}

    def submit(self, data: dict[str, Any]) -> dict[str, Any]:
        """Validate and write the edits, then start the re-render."""
        from scenescore.io import atomic_write_text
        from scenescore.session import edits_to_toml, parse_edits

        edits = parse_edits(data, self.edits_path)
        with self.lock:
            if self.job.state == "running":
                raise _Busy("a re-render is running")
            previous = self.edits_path.read_bytes() if self.edits_path.is_file() else None
            atomic_write_text(self.edits_path, edits_to_toml(edits))
            before = _digests(self.run_dir)
            self.job = Job(state="running", started=time.perf_counter(), number=self.job.number + 1)
            job = self.job
        thread = threading.Thread(target=self._run, args=(job, previous, before), daemon=True,
                                  name="studio-rerender")
        self.thread = thread
        thread.start()
        return job.to_dict()

    def _run(self, job: Job, previous: bytes | None, before: dict[str, str]) -> None:
        def progress(stage: str, status: str) -> None:
            job.stages.append([stage, status])

        try:
            self.rerun(progress)
            after = _digests(self.run_dir)
            job.changed = sorted(_cue_of(rel) for rel, d in after.items()
                                 if rel.startswith("audio/") and before.get(rel) != d and _cue_of(rel))
            job.state = "done"
        except ScenescoreError as exc:
            job.state, job.message = "error", str(exc)
            self._restore(previous)
        except Exception as exc:  # noqa: BLE001 - the page must hear about it; logged with traceback
            log.exception("studio re-render failed")
            job.state, job.message = "error", f"{type(exc).__name__}: {exc}"
            self._restore(previous)
        finally:
            job.seconds = time.perf_counter() - job.started

    def _restore(self, previous: bytes | None) -> None:
        """Edits that could not be applied are not left behind as the run's edits."""
        from scenescore.io import atomic_write_bytes

        if previous is None:
            self.edits_path.unlink(missing_ok=True)
        else:
            atomic_write_bytes(self.edits_path, previous)


class _Busy(Exception):
    pass


def _cue_of(rel: str) -> str:
    name = Path(rel).stem
    return name.split("_", 1)[0] if name != "temp_score" else ""


def _rel_media(folder: Path, value: Any) -> str | None:
    if not value:
        return None
    p = Path(str(value))
    if p.is_absolute():
        try:
            return p.resolve().relative_to(folder).as_posix()
        except ValueError:
            return None
    return p.as_posix()


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _digests(folder: Path) -> dict[str, str]:
    """File → sha256 as the manifest records it (nothing is read)."""
    manifest = _read_json(folder / "manifest.json") or {}
    out: dict[str, str] = {}
    for record in (manifest.get("stages") or {}).values():
        out.update(record.get("outputs") or {})
    return out


def create_app(run_dir: str | Path, rerun: Rerun, *, port: int) -> Any:
    """The studio's ASGI app for one run folder, answering only as ``127.0.0.1:port``."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import FileResponse, JSONResponse, Response
    from starlette.routing import Route

    studio = Studio(Path(run_dir), rerun)
    if not (studio.run_dir / "manifest.json").is_file():
        raise ScenescoreError(f"{run_dir}: not a run folder (no manifest.json); run `scenescore score` first")

    def static(name: str, media: str) -> Callable[[Request], Response]:
        def handler(_request: Request) -> Response:
            return Response((STATIC / name).read_bytes(), media_type=media,
                            headers={"content-security-policy": _CSP, "cache-control": "no-store"})
        return handler

    def api_run(_request: Request) -> Response:
        return JSONResponse(studio.view(), headers={"cache-control": "no-store"})

    def api_job(_request: Request) -> Response:
        return JSONResponse(studio.job.to_dict(), headers={"cache-control": "no-store"})

    async def api_edits(request: Request) -> Response:
        try:
            data = await request.json()
        except ValueError:
            return JSONResponse({"error": "the body is not JSON"}, status_code=400)
        if not isinstance(data, dict):
            return JSONResponse({"error": "the edits must be a JSON object"}, status_code=400)
        try:
            return JSONResponse(studio.submit(data), status_code=202)
        except _Busy as exc:
            return JSONResponse({"error": str(exc)}, status_code=409)
        except ScenescoreError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

    def files(request: Request) -> Response:
        rel = request.path_params["path"]
        target = (studio.run_dir / rel).resolve()
        try:
            target.relative_to(studio.run_dir)
        except ValueError:
            return Response("not found\n", status_code=404)
        if target.suffix.lower() not in SERVED_SUFFIXES or not target.is_file():
            return Response("not found\n", status_code=404)
        return FileResponse(target, headers={"cache-control": "no-cache"})

    routes = [
        Route("/", static("studio.html", "text/html; charset=utf-8")),
        Route("/studio.js", static("studio.js", "text/javascript; charset=utf-8")),
        Route("/studio.css", static("studio.css", "text/css; charset=utf-8")),
        Route("/api/run", api_run),
        Route("/api/job", api_job),
        Route("/api/edits", api_edits, methods=["POST"]),
        Route("/files/{path:path}", files),
    ]
    app = Starlette(routes=routes)
    app.state.studio = studio
    return LocalOnly(app, port)


def bind(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (never another interface); port 0 picks a free one."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise ScenescoreError(f"studio: cannot listen on 127.0.0.1:{port} ({exc.strerror})") from None
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def make_server(run_dir: str | Path, rerun: Rerun, *, port: int = 0) -> tuple[Any, socket.socket]:
    """A uvicorn server for the studio and its bound socket (``server.run(sockets=[sock])``)."""
    try:
        import uvicorn
    except ImportError:
        from scenescore.errors import MissingDependencyError

        raise MissingDependencyError("scenescore studio", "uvicorn", "studio") from None
    sock = bind(port)
    actual = sock.getsockname()[1]
    app = create_app(run_dir, rerun, port=actual)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    return uvicorn.Server(config), sock


# ---- re-running the run's own pipeline ------------------------------------------------------
#: Stage records of the manifest → the option tables their options came from.
_RECORDED_TABLES: dict[str, tuple[str, ...]] = {
    "segment": ("ingest", "segment"), "analyze": ("analyze", "memory"), "spot": ("spot",),
    "translate": ("translate",), "render": ("render",), "align": ("align",), "evidence": ("evidence",),
}


def recorded_stage_options(manifest: dict[str, Any]) -> dict[str, Any]:
    """The stage options a run was made with, rebuilt from its manifest, so a re-run from the
    studio keeps every stage's key (and redoes only what the edits touch)."""
    from scenescore.config import options_from_config

    out: dict[str, Any] = {}
    for stage, tables in _RECORDED_TABLES.items():
        record = (manifest.get("stages") or {}).get(stage) or {}
        recorded = record.get("options")
        if not isinstance(recorded, dict):
            continue
        for table in tables:
            values = recorded.get(table) if len(tables) > 1 or table in recorded else recorded
            if not isinstance(values, dict):
                continue
            try:
                out[table] = options_from_config({table: values}, table)
            except ScenescoreError as exc:
                log.warning("studio: the run's [%s] options cannot be rebuilt (%s); using the defaults", table, exc)
    return out


def rerun_for(run_dir: str | Path, *, script: str | Path | None = None,
              stage_options: dict[str, Any] | None = None, audio: str | None = None) -> Rerun:
    """A re-run of ``run_dir`` with the options recorded in its manifest (``stage_options``
    on top; ``audio`` another audio backend), on ``script`` or the screenplay the run was made
    from."""
    import dataclasses

    from scenescore.options import ScoreOptions

    folder = Path(run_dir).resolve()
    manifest = _read_json(folder / "manifest.json")
    if not isinstance(manifest, dict):
        raise ScenescoreError(f"{run_dir}: not a run folder (no readable manifest.json)")
    source = str(script) if script is not None else str((manifest.get("input") or {}).get("source") or "")
    if not source or (not source.startswith("imsdb:") and not Path(source).is_file()):
        raise ScenescoreError(f"{run_dir}: the screenplay it was made from ({source or 'unknown'}) is not found; "
                              f"pass --script PATH")
    recorded = manifest.get("options") or {}
    fields = {f.name for f in dataclasses.fields(ScoreOptions)} - {"out", "name", "start", "stop", "force"}
    options = ScoreOptions(out=str(folder.parent), name=folder.name,
                           **{k: v for k, v in recorded.items() if k in fields})
    stages = {**recorded_stage_options(manifest), **(stage_options or {})}
    if audio is not None:
        from scenescore.render.options import RenderOptions

        render = stages.get("render") or RenderOptions()
        stages["render"] = dataclasses.replace(render, audio=dataclasses.replace(render.audio, backend=audio))
    if source.startswith("imsdb:"):
        source = source.removeprefix("imsdb:")

    def rerun(progress: Callable[[str, str], None]) -> Any:
        from scenescore.pipeline import score

        return score(source, options=options, stage_options=stages, progress=progress)

    return rerun
