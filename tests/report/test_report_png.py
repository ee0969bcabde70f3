"""The arc as a PNG: a real image, deterministic, and readable for an odd folder too."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

from scenescore.report import arc_png


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        chunks.append((data[at + 4:at + 8], data[at + 8:at + 8 + length]))
        at += 12 + length
    return chunks


def test_png_is_an_image_of_reasonable_size(sample_run: Path) -> None:
    data = arc_png(sample_run)
    chunks = png_chunks(data)
    kind, header = chunks[0]
    width, height = struct.unpack(">II", header[:8])
    assert kind == b"IHDR" and width >= 1000 and height >= 600
    assert chunks[-1][0] == b"IEND"
    assert not [body for k, body in chunks if k == b"tEXt" and body.startswith(b"Software")]


def test_png_is_deterministic_and_independent_of_the_folder_name(sample_run: Path, tmp_path: Path) -> None:
    first = arc_png(sample_run)
    assert arc_png(sample_run) == first
    moved = tmp_path / "elsewhere"
    shutil.copytree(sample_run, moved)
    assert arc_png(moved) == first


def test_png_of_a_small_hostile_folder(hostile_run: Path) -> None:
    assert png_chunks(arc_png(hostile_run))[0][0] == b"IHDR"
