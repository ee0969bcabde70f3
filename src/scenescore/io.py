"""All disk I/O: bounded reads, atomic writes, and the table schemas declared once."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from scenescore.errors import InputError, OutputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from scenescore.records import Element, Scene

#: Scene table columns in order; nested columns are stored as lists in parquet and as JSON in CSV.
SCENE_COLUMNS: tuple[str, ...] = (
    "scene_id", "number", "heading", "int_ext", "location", "time_of_day", "timeline",
    "characters", "dialogue", "action", "text", "word_count", "eighths", "est_seconds",
    "start_line", "end_line", "start_s", "end_s", "time_basis",
)
NESTED_SCENE_COLUMNS: frozenset[str] = frozenset({"characters", "dialogue"})
TABLE_SUFFIXES: tuple[str, ...] = (".parquet", ".csv", ".json", ".jsonl")


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def read_input_bytes(path: str | os.PathLike[str], *, max_bytes: int) -> bytes:
    """Read a user's input file, refusing what is missing, a folder, or over the size limit."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise InputError(p, "no such file") from None
    except OSError as exc:
        raise InputError(p, f"cannot read ({exc.strerror or exc})") from None
    if p.is_dir():
        raise InputError(p, "is a folder, expected a screenplay file")
    if size > max_bytes:
        raise InputError(p, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(p, f"cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:  # grew while we looked
        raise InputError(p, f"file is over the {max_bytes:,}-byte limit")
    return data


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    target = Path(path)
    if target.exists() and not overwrite:
        raise OutputError(f"{target}: exists (pass overwrite to replace it)")
    fh, tmp = open_atomic(target)
    try:
        with fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


def open_atomic(target: Path) -> tuple[BinaryIO, str]:
    """A temporary file beside ``target`` (ordinary permissions) and its path, for a writer that
    renames it into place when done."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)  # mkstemp makes 0600; users expect ordinary permissions
        return os.fdopen(fd, "wb"), tmp
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise


# Digests of files this process wrote and hashed as it wrote them: (size, mtime_ns, sha256) by
# path. A file whose size or modification time has changed since is hashed again from disk.
_DIGESTS: dict[str, tuple[int, int, str]] = {}
_DIGESTS_LOCK = threading.Lock()


def remember_sha256(path: str | os.PathLike[str], digest: str) -> None:
    """Record the sha256 of a file just written, so recording it does not read it back."""
    st = os.stat(path)
    with _DIGESTS_LOCK:
        _DIGESTS[os.path.abspath(path)] = (st.st_size, st.st_mtime_ns, digest)


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The file's sha256 (from what this process wrote, if the file is unchanged since)."""
    st = os.stat(path)
    with _DIGESTS_LOCK:
        known = _DIGESTS.get(os.path.abspath(path))
    if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
        return known[2]
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = True) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def elements_to_jsonl(elements: Iterable[Element]) -> str:
    return "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in elements)


def scenes_to_frame(scenes: Sequence[Scene]) -> pd.DataFrame:
    """The scene table as pandas, with the declared column order (also for zero scenes)."""
    import pandas as pd

    rows = [s.to_dict() for s in scenes]
    return pd.DataFrame(rows, columns=list(SCENE_COLUMNS))


def table_bytes(frame: pd.DataFrame, suffix: str, *,
                nested: frozenset[str] = NESTED_SCENE_COLUMNS) -> bytes:
    """A table serialized as parquet, CSV (nested columns as JSON) or JSON records."""
    suffix = suffix.lower()
    if suffix == ".parquet":
        import io as _io

        import pyarrow as pa
        import pyarrow.parquet as pq

        buf = _io.BytesIO()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buf)
        return buf.getvalue()
    if suffix == ".csv":
        flat = frame.copy()
        for col in nested & set(flat.columns):
            flat[col] = [json.dumps(v, ensure_ascii=False) for v in flat[col]]
        return flat.to_csv(index=False).encode("utf-8")
    if suffix not in (".json", ".jsonl"):
        raise OutputError(f"unknown table format {suffix or '(none)'!r}; use one of {', '.join(TABLE_SUFFIXES)}")
    records: list[dict[str, Any]] = json.loads(frame.to_json(orient="records", force_ascii=False))
    if suffix == ".jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    else:
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    return text.encode("utf-8")


def write_table(frame: pd.DataFrame, path: str | os.PathLike[str], *, overwrite: bool = True,
                nested: frozenset[str] = NESTED_SCENE_COLUMNS) -> Path:
    """Write a table as parquet, CSV (nested columns as JSON) or JSON records, atomically."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise OutputError(f"{target}: unknown table format {suffix or '(none)'!r}; "
                          f"use one of {', '.join(TABLE_SUFFIXES)}")
    if target.exists() and not overwrite:
        raise OutputError(f"{target}: exists (pass overwrite to replace it)")
    return atomic_write_bytes(target, table_bytes(frame, suffix, nested=nested), overwrite=overwrite)


def read_scene_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a scene table written by :func:`write_table` back into pandas."""
    import pandas as pd

    p = Path(path)
    suffix = p.suffix.lower()
    if not p.exists():
        raise InputError(p, "no such file")
    try:
        if suffix == ".parquet":
            return pd.read_parquet(p)
        if suffix == ".csv":
            frame = pd.read_csv(p, keep_default_na=False, dtype={"number": str})
            for col in NESTED_SCENE_COLUMNS & set(frame.columns):
                frame[col] = [json.loads(v) if v else [] for v in frame[col]]
            return frame
        if suffix == ".jsonl":
            return pd.read_json(p, lines=True)
        if suffix == ".json":
            return pd.read_json(p)
    except (ValueError, OSError) as exc:
        raise InputError(p, f"not a readable scene table ({exc})") from None
    raise InputError(p, f"unknown table format {suffix!r}")
