"""The stage engine: a run folder, its manifest, and stages run, skipped or redone by their keys.

A run folder holds ``manifest.json`` (input hashes, options, versions, and per stage its key,
status and the sha256 of each file it wrote) next to the stage outputs. A stage's key is a
hash of its own options, its code (the package version, the stage's own version, a digest of the
source files it runs, and the sha256 of every shipped data file it reads: lexicons, model
weights), the keys of the stages it reads, the input's sha256 and the seed, so:

* a stage whose key is unchanged, whose files are all present and intact, and whose inputs (the
  files of the stages it reads) are the ones it was made from, is skipped;
* changing one option changes that stage's key and the keys of the stages after it, and only
  those run again; upgrading the package re-runs every stage, and changing a shipped data file
  re-runs the stages that read it (and what follows, as their files change);
* a stage that *degraded* (translate fell back to the rules, render padded audio) is recorded as
  ``degraded`` with the reason: the run says so (``RunResult.degraded``, ``manifest.json``'s
  ``degraded``, the report), and the next run retries the stage instead of skipping it;
* files are written atomically and a stage is recorded only after all its files are written,
  so a run killed at any point and started again redoes the interrupted stage and ends with the
  same files as an uninterrupted run.

Stages that are skipped are not loaded unless a later stage needs their results; cheap stages
(segment, analyze, spot) are then recomputed in memory, which is deterministic and takes a
fraction of a second, and expensive ones load what they wrote (conditions).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import scenescore
from scenescore import __version__
from scenescore.errors import OptionsError, ScenescoreError
from scenescore.io import atomic_write_bytes, sha256_file
from scenescore.options import ScoreOptions

log = logging.getLogger(__name__)

#: Bumped when the run-folder layout or manifest meaning changes.
MANIFEST_VERSION = 2
#: Where the package's shipped data files live (lexicons, model weights): part of the code.
DATA_DIR = Path(scenescore.__file__).resolve().parent / "data"
#: Files in the data folder that no stage reads (documentation).
DATA_IGNORED = ("README*",)
#: The package's own source files (a stage's ``source`` globs are matched against these).
SOURCE_DIR = Path(scenescore.__file__).resolve().parent

class Emit:
    """How a stage writes its files: ``emit(rel, data)`` writes atomically and records the hash;
    ``emit.record(rel)`` records a file the stage wrote itself (atomically) into the folder.
    ``emit.files`` is what the stage says its files are (e.g. render: each cue's MIDI, MusicXML
    and audio), kept in the manifest so later readers never re-derive the stage's file names."""

    def __init__(self, folder: Path, stage: str) -> None:
        self.folder = folder
        self.stage = stage
        self.outputs: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        self.files: dict[str, Any] = {}
        #: Set by a stage whose result is worse than asked for (a fallback, padded audio): why.
        self.degraded: str | None = None
        #: What the stage noticed about its input and the user should see (a timeline layer that
        #: never closes, no scene headings): kept in the manifest and shown in the report.
        self.warnings: list[str] = []

    def __call__(self, rel: str, data: bytes) -> None:
        if rel in self.outputs:
            raise ScenescoreError(f"stage {self.stage} wrote {rel} twice")
        atomic_write_bytes(self.folder / rel, data)
        self.outputs[rel] = sha256_bytes(data)
        self.sizes[rel] = len(data)

    def record(self, rel: str) -> None:
        path = self.folder / rel
        self.outputs[rel] = sha256_file(path)
        self.sizes[rel] = path.stat().st_size


ProgressCallback = Callable[[str, str], None]  # (stage, status)


@dataclass(frozen=True, slots=True)
class Ahead:
    """Part of a stage's work started before its turn, where it can use a core the stages
    before it leave idle (deliver's arc PNG: ``report/ahead.py``). ``start(run)`` is called when
    the run begins (the stage in the slice, and not its first stage) and returns a handle with
    ``close()``, or None; ``go(run, handle)`` once every stage in ``after`` has its files on disk
    (run, skipped, or done before the slice). The stage's ``write`` finds the handle in
    ``run.ahead[name]``, and must give the same files without it; the run closes it at its end."""

    after: tuple[str, ...]
    start: Callable[[Run], Any]
    go: Callable[[Run, Any], None]


@dataclass(slots=True)
class Stage:
    """One stage: what it reads, how it computes its result, and how it writes its files."""

    name: str
    version: str
    reads: tuple[str, ...]
    compute: Callable[[Run], Any]
    write: Callable[[Run, Any, Emit], None]
    options: Callable[[Run], Any] = lambda run: None
    load: Callable[[Run], Any] | None = None
    #: Shipped data files the stage reads, as globs under ``scenescore/data/``; their sha256 are
    #: part of its key. A data file no stage of the run claims counts for every stage, so a
    #: newly shipped file can never leave a stale result behind (declare it to be precise).
    data: tuple[str, ...] = ()
    #: The package's source files the stage runs, as globs under ``scenescore/``; their digest is
    #: part of its key, so a code change re-runs the stage even where the version was not bumped
    #: (a checkout between releases).
    source: tuple[str, ...] = ()
    #: Work started ahead of the stage's turn (see :class:`Ahead`).
    ahead: Ahead | None = None


@dataclass
class RunResult:
    folder: Path
    statuses: dict[str, str]
    seconds: dict[str, float]
    manifest: dict[str, Any]

    @property
    def degraded(self) -> dict[str, str]:
        """Stage → why its result is worse than asked for (empty for a clean run)."""
        return dict(self.manifest.get("degraded") or {})

    @property
    def status(self) -> str:
        """``ok``, or ``degraded`` when a stage fell back (the CLI exits 3)."""
        return "degraded" if self.degraded else "ok"


def slugify(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return slug[:80] or "film"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_DATA_CACHE: dict[tuple[str, int, int], str] = {}


def data_files(root: Path | None = None) -> list[str]:
    """The shipped data files (relative POSIX paths), documentation left out."""
    root = DATA_DIR if root is None else root
    if not root.is_dir():
        return []
    files = [p.relative_to(root).as_posix() for p in sorted(root.rglob("*")) if p.is_file()]
    return [f for f in files if not _matches(f, DATA_IGNORED) and not Path(f).name.startswith(".")]


def _matches(rel: str, globs: Sequence[str]) -> bool:
    """``fnmatch`` on the relative POSIX path: ``*`` crosses folders (``emotion*`` matches
    ``emotion/model.npz`` and ``emotion_weights.npz``)."""
    return any(fnmatch.fnmatchcase(rel, g) for g in globs)


def _file_digest(path: Path) -> str:
    """sha256 of a data file, remembered per (path, size, mtime): model weights are hashed once."""
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _DATA_CACHE:
        _DATA_CACHE[key] = sha256_file(path)
    return _DATA_CACHE[key]


def data_fingerprint(globs: Sequence[str], claimed_by_any: Sequence[str], root: Path | None = None
                     ) -> dict[str, str]:
    """sha256 of each data file a stage reads: those its globs match, plus those no stage claims."""
    root = DATA_DIR if root is None else root
    out = {}
    for rel in data_files(root):
        if _matches(rel, globs) or not _matches(rel, claimed_by_any):
            out[rel] = _file_digest(root / rel)
    return out


def source_fingerprint(globs: Sequence[str], root: Path | None = None) -> str | None:
    """One digest of the package's files the globs match (modules, templates; never compiled
    caches); None when there are none."""
    root = SOURCE_DIR if root is None else root
    if not globs:
        return None
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    parts = [f"{rel}:{_file_digest(root / rel)}" for rel in files if _matches(rel, globs)]
    return sha256_bytes("\n".join(parts).encode())[:32] if parts else None


def _plain(value: Any) -> Any:
    """Options as JSON-able data, for keys and the manifest."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


class Run:
    """One film's run: the folder, the manifest, and the stages' results computed on demand."""

    def __init__(self, source: str, data: bytes, folder: Path, stages: Sequence[Stage],
                 options: ScoreOptions, stage_options: dict[str, Any],
                 progress: ProgressCallback | None = None, on_cue: Callable[[Any], None] | None = None) -> None:
        self.source = source
        self.data = data
        self.folder = folder
        self.stages = {s.name: s for s in stages}
        self.order = [s.name for s in stages]
        self.options = options
        self.stage_options = stage_options
        self.progress = progress
        self.on_cue = on_cue  # the render stage's per-cue progress (render.film.CueProgress)
        self.input_sha = sha256_bytes(data)
        self._values: dict[str, Any] = {}
        self._loaded: set[str] = set()
        self._keys: dict[str, str] = {}
        self._versions: dict[str, str] | None = None
        #: Handles of work started ahead of a stage's turn, by stage (:class:`Ahead`).
        self.ahead: dict[str, Any] = {}
        self._ahead_gone: set[str] = set()
        self.manifest = self._load_manifest()

    # manifest ---------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    def _load_manifest(self) -> dict[str, Any]:
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("%s: unreadable manifest, starting the run afresh", self.manifest_path)
            return {}
        if manifest.get("manifest_version") != MANIFEST_VERSION:
            return {}
        return manifest

    def _save_manifest(self) -> None:
        self.manifest["manifest_version"] = MANIFEST_VERSION
        degraded = {name: record.get("degraded", "")
                    for name, record in sorted(self.manifest.get("stages", {}).items())
                    if record.get("status") == "degraded"}
        if degraded:
            self.manifest["degraded"] = degraded
        else:
            self.manifest.pop("degraded", None)
        warnings = {name: list(record["warnings"])
                    for name, record in sorted(self.manifest.get("stages", {}).items())
                    if record.get("warnings")}
        if warnings:
            self.manifest["warnings"] = warnings
        else:
            self.manifest.pop("warnings", None)
        self.manifest["input"] = {"source": self.source, "sha256": self.input_sha, "bytes": len(self.data)}
        # Where the run folder lives is not part of what it holds: a copied folder stays valid.
        self.manifest["options"] = {k: v for k, v in _plain(self.options).items() if k not in ("out", "name")}
        if self._versions is None:  # read once per run, not at each of a dozen saves
            self._versions = _versions()
        self.manifest["versions"] = self._versions
        text = json.dumps(self.manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        atomic_write_bytes(self.manifest_path, text.encode("utf-8"))

    # keys and values --------------------------------------------------------------------
    def code(self, name: str) -> dict[str, Any]:
        """What a stage's code is: the package version, the stage's version, its source files and
        the data files it reads."""
        stage = self.stages[name]
        claimed = [g for s in self.stages.values() for g in s.data]
        return {"scenescore": __version__, "stage": stage.version, "source": source_fingerprint(stage.source),
                "data": data_fingerprint(stage.data, claimed)}

    def key(self, name: str) -> str:
        if name not in self._keys:
            stage = self.stages[name]
            payload = {
                "stage": name, "code": self.code(name), "options": _plain(stage.options(self)),
                "reads": {r: self.key(r) for r in stage.reads},
                "input": self.input_sha if not stage.reads else None,
                "seed": self.options.seed,
            }
            self._keys[name] = sha256_bytes(json.dumps(payload, sort_keys=True, default=str).encode())[:32]
        return self._keys[name]

    def value(self, name: str) -> Any:
        """A stage's result: computed (or loaded) once per process."""
        if name not in self._values:
            stage = self.stages[name]
            if stage.load is not None and self.is_recorded(name):
                self._values[name] = stage.load(self)
                self._loaded.add(name)
            else:
                self._values[name] = stage.compute(self)
        return self._values[name]

    def fresh_value(self, name: str) -> Any:
        """A stage's result computed in this process (a loaded one is not what running means)."""
        if name in self._loaded:
            del self._values[name]
            self._loaded.discard(name)
        if name not in self._values:
            self._values[name] = self.stages[name].compute(self)
        return self._values[name]

    def _inputs_digest(self, name: str) -> str | None:
        """The files a stage's reads wrote, as recorded now (what its result was made from)."""
        record = self.manifest.get("stages", {}).get(name)
        if not record:
            return None
        return sha256_bytes(json.dumps(record.get("outputs", {}), sort_keys=True).encode())[:32]

    def is_current(self, name: str) -> bool:
        """Done (not degraded) with the same key, from the same inputs, and its files intact."""
        record = self.manifest.get("stages", {}).get(name)
        if not record or record.get("status") != "done":
            return False
        stage = self.stages[name]
        if record.get("inputs", {}) != {r: self._inputs_digest(r) for r in stage.reads}:
            return False
        return self.is_recorded(name)

    def is_recorded(self, name: str) -> bool:
        """The manifest records this stage (done or degraded) with the same key, files intact."""
        record = self.manifest.get("stages", {}).get(name)
        if not record or record.get("status") not in ("done", "degraded") or record.get("key") != self.key(name):
            return False
        for rel, digest in record.get("outputs", {}).items():
            path = self.folder / rel
            if not path.is_file() or path.stat().st_size != record.get("sizes", {}).get(rel, -1):
                return False
            if sha256_file(path) != digest:
                return False
        return True

    # running ----------------------------------------------------------------------------
    def run_stage(self, name: str) -> str:
        if not self.options.force and self.is_current(name):
            return "skipped"
        stage = self.stages[name]
        value = self.fresh_value(name)
        emit = Emit(self.folder, name)
        outputs, sizes = emit.outputs, emit.sizes
        stages = self.manifest.setdefault("stages", {})
        previous = stages.pop(name, None)  # recorded again only when every file is written
        self._save_manifest()
        stage.write(self, value, emit)
        if previous:
            for rel in set(previous.get("outputs", {})) - set(outputs):
                stale = self.folder / rel
                if stale.is_file():
                    stale.unlink()
        stages[name] = {"key": self.key(name), "status": "degraded" if emit.degraded else "done",
                        "outputs": dict(sorted(outputs.items())), "sizes": dict(sorted(sizes.items())),
                        "options": _plain(stage.options(self)), "code": self.code(name),
                        "inputs": {r: self._inputs_digest(r) for r in stage.reads}}
        if emit.files:
            stages[name]["files"] = emit.files
        if emit.warnings:
            stages[name]["warnings"] = list(emit.warnings)
        if emit.degraded:
            stages[name]["degraded"] = emit.degraded
            log.warning("%s: %s degraded: %s", self.folder.name, name, emit.degraded)
        self._save_manifest()
        return "degraded" if emit.degraded else "ran"

    def run(self) -> RunResult:
        start = self.options.start or self.order[0]
        stop = self.options.stop or self.order[-1]
        for label, value in (("--from", start), ("--to", stop)):
            if value not in self.stages:
                raise OptionsError(f"{label}: unknown stage {value!r}; stages: {', '.join(self.order)}")
        lo, hi = self.order.index(start), self.order.index(stop)
        if lo > hi:
            raise OptionsError(f"--from {start} comes after --to {stop}")
        for name in self.order[:lo]:
            if not self.is_recorded(name):
                raise OptionsError(f"--from {start}: stage {name!r} has not run with these inputs and "
                                   f"options in {self.folder}; run it first (or drop --from)")
        self.folder.mkdir(parents=True, exist_ok=True)
        statuses: dict[str, str] = {}
        seconds: dict[str, float] = {}
        try:
            self._start_ahead(lo, hi)
            for name in self.order:
                if not lo <= self.order.index(name) <= hi:
                    statuses[name] = "not in slice"
                    self._go_ahead(statuses)
                    continue
                if self.progress:
                    self.progress(name, "start")
                t0 = time.perf_counter()
                statuses[name] = self.run_stage(name)
                seconds[name] = round(time.perf_counter() - t0, 3)
                log.info("%s: %s %s in %.2fs", self.folder.name, name, statuses[name], seconds[name])
                if self.progress:
                    self.progress(name, statuses[name])
                self._go_ahead(statuses)
        finally:
            self._close_ahead()
        return RunResult(self.folder, statuses, seconds, self.manifest)

    def _start_ahead(self, lo: int, hi: int) -> None:
        """Start the work of stages in the slice that have some (not the slice's first stage:
        nothing would run beside it); none when the score's options turn it off."""
        if not self.options.ahead:
            return
        for name in self.order[lo + 1:hi + 1]:
            ahead = self.stages[name].ahead
            if ahead is not None:
                handle = ahead.start(self)
                if handle is not None:
                    self.ahead[name] = handle

    def _go_ahead(self, statuses: dict[str, str]) -> None:
        for name, handle in self.ahead.items():
            ahead = self.stages[name].ahead
            if (ahead is not None and name not in statuses and name not in self._ahead_gone
                    and all(s in statuses or s not in self.stages for s in ahead.after)):
                self._ahead_gone.add(name)
                ahead.go(self, handle)

    def _close_ahead(self) -> None:
        for name, handle in self.ahead.items():
            try:
                handle.close()
            except Exception:  # noqa: BLE001 - the run's own result or error is what counts
                log.warning("%s: closing the work started ahead of %s failed", self.folder.name, name, exc_info=True)
        self.ahead.clear()
        self._ahead_gone.clear()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"scenescore": __version__}
    for package in ("pandas", "pyarrow", "mido", "numpy", "transformers", "torch", "openai"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            continue
    from scenescore.render.fluidsynth import version as fluidsynth_version

    if (fs := fluidsynth_version()) is not None:  # the synthesizer the audio came from
        out["fluidsynth"] = fs
    return out
