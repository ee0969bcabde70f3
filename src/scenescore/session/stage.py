"""The session inside ``score``: edits applied after spot and after translate, state kept.

The pipeline's stages call these with what they have; nothing here knows the stage engine.

* spot: :func:`spot_session` keeps cue ids from the run folder's last state, applies the
  edits and returns the cue list (a list, with the session attached for translate);
  :func:`spot_files` is what the stage writes besides the cues (``session.json``).
* translate: :func:`translate_session` applies the condition edits and pins, and returns the
  conditions with the files to write (``locks.json``, ``session_report.json``).
* render: :func:`pinned_motifs` for the theme book.

``spotting.toml`` is read from the run folder, else from beside the screenplay; its digest
joins the spot stage's key, so editing it re-runs spot and what follows (render then redoes
only the cues whose conditions changed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scenescore.session.apply import EditNote, apply_condition_edits, pin_motif
from scenescore.session.edits import SpottingEdits, find_edits, read_edits
from scenescore.session.refs import scene_keys
from scenescore.session.revision import Revision, diff_cues
from scenescore.session.state import (
    LOCKS_FILE,
    STATE_FILE,
    PreviousRun,
    SpotSession,
    edit_spotting,
    locks_bytes,
    read_locks,
    read_previous,
    scene_rows,
)

if TYPE_CHECKING:  # pragma: no cover
    from scenescore.conditions.schema import MusicCondition
    from scenescore.records import Scene
    from scenescore.spotting.records import Cue

log = logging.getLogger(__name__)
REPORT_FILE = "session_report.json"


@dataclass(frozen=True, slots=True)
class SessionInputs:
    """The edits of a run (empty without a file) and where they came from."""

    edits: SpottingEdits
    path: Path | None

    @property
    def digest(self) -> str | None:
        return self.edits.digest() if self.path is not None else None


def session_inputs(script: str | None, folder: Path) -> SessionInputs:
    """Read and validate the run's ``spotting.toml`` (an :class:`EditError` names a bad edit)."""
    script_path = script if script and Path(script).is_file() else None
    path = find_edits(script_path, folder)
    if path is None:
        return SessionInputs(SpottingEdits(), None)
    return SessionInputs(read_edits(path), path)


class SessionCues(list):  # type: ignore[type-arg]
    """Spot's result: the cue list (what later stages read), with the session that made it."""

    session: SpotSession
    previous: PreviousRun | None
    previous_conditions: dict[str, dict[str, Any]]
    inputs: SessionInputs


def spot_session(cues: Sequence[Cue], scenes: Sequence[Scene], folder: Path, inputs: SessionInputs, *,
                 analysis: Any = None, spans: Mapping[int, tuple[float, float]] | None = None,
                 options: Any = None) -> SessionCues:
    """Spot's cues → this run's cues: ids kept from the folder's last run, edits applied."""
    previous = read_previous(folder)
    session = edit_spotting(cues, scenes, inputs.edits, analysis=analysis, spans=spans, previous=previous,
                            locks=read_locks(folder) if inputs.path is not None else None, options=options,
                            source=inputs.path or "spotting.toml")
    out = SessionCues(session.edited.cues)
    out.session = session
    out.previous = previous
    out.inputs = inputs
    out.previous_conditions = _read_conditions(folder / "conditions.jsonl") if previous is not None else {}
    for note in session.edited.stale:
        log.warning("%s: %s no longer applies: %s", inputs.path, note.edit, note.detail)
    return out


def _read_conditions(path: Path) -> dict[str, dict[str, Any]]:
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError):
        return {}
    return {r["cue_id"]: r for r in rows if isinstance(r, dict) and "cue_id" in r}


def spot_files(cues: SessionCues, scenes: Sequence[Scene]) -> dict[str, bytes]:
    """``session.json``: what the next run compares against."""
    keys = scene_keys(scenes)
    state = PreviousRun(
        scenes=scene_rows(scenes),
        spotted=[(c.cue_id, c.reel, frozenset(keys[s] for s in c.scene_ids if s in keys))
                 for c in cues.session.spotted],
        cues=[c.to_dict() for c in cues])
    data = json.dumps(state.to_dict(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    return {STATE_FILE: data.encode("utf-8")}


@dataclass(slots=True)
class TranslatedSession:
    conditions: list[MusicCondition]
    files: dict[str, bytes] = field(default_factory=dict)
    revision: Revision | None = None


def translate_session(cues: Sequence[Cue], conditions: Sequence[MusicCondition],
                      scenes: Sequence[Scene]) -> TranslatedSession:
    """The conditions after the session's edits, and the files translate writes for it."""
    if not isinstance(cues, SessionCues):
        return TranslatedSession(list(conditions))
    session, inputs = cues.session, cues.inputs
    after = apply_condition_edits(conditions, session.edited, source=inputs.path or "spotting.toml")
    files: dict[str, bytes] = {}
    if after.locks:
        files[LOCKS_FILE] = locks_bytes(after.locks)
    changed: dict[str, list[str]] = {}
    for source in (session.edited.changed, after.changed):
        for cid, labels in source.items():
            changed.setdefault(cid, []).extend(x for x in labels if x not in changed.get(cid, []))
    revision = Revision(scenes=session.scenes) if session.scenes is not None else Revision()
    revision.edits = [n.to_dict() for n in session.edited.notes]
    previous = cues.previous
    if previous is not None:
        revision.cues = diff_cues(
            previous.cues, [c.to_dict() for c in cues], old_keys=previous.keys, new_keys=scene_keys(scenes),
            old_conditions=cues.previous_conditions or None,
            new_conditions={c.cue_id: c.model_dump(mode="json") for c in after.conditions}
            if cues.previous_conditions else None,
            edits=changed, scenes=session.scenes)
    if inputs.path is not None or (revision.cues or not revision.scenes.unchanged):
        report = {"edits_file": str(inputs.path) if inputs.path else None, "digest": inputs.digest,
                  **revision.to_dict(), "lines": revision.lines(),
                  "ids": {k: v for k, v in session.ids.items() if k != v},
                  "changed_by_edits": changed,
                  "motifs": {k: [list(v[0]), list(v[1])] for k, v in after.motifs.items()}}
        files[REPORT_FILE] = (json.dumps(report, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()
    return TranslatedSession(after.conditions, files, revision)


def with_conditions(translation: Any, conditions: Sequence[MusicCondition]) -> Any:
    """A translate result with other conditions (a frozen dataclass)."""
    return replace(translation, conditions=tuple(conditions))


def pinned_motifs(inputs: SessionInputs) -> dict[str, tuple[tuple[int, ...], tuple[float, ...]]]:
    """Motif id → (degrees, quarter lengths) of the themes the edits pin."""
    from scenescore.conditions.themes import motif_id
    from scenescore.memory.context import character_id

    return {motif_id(character_id(pin.character)): pin_motif(pin) for pin in inputs.edits.theme}


def locked_cues(cues: Any) -> frozenset[str]:
    """Ids of the cues a session locked (their notes are frozen in render too)."""
    return frozenset(cues.session.edited.locks) if isinstance(cues, SessionCues) else frozenset()


def stale_notes(cues: Any) -> list[EditNote]:
    return list(cues.session.edited.stale) if isinstance(cues, SessionCues) else []
