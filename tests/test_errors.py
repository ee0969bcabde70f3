"""Bad input: one line naming the file and the problem, exit code 1, nothing written."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from scenescore.cli import main
from scenescore.errors import InputError
from scenescore.ingest import read_screenplay, read_screenplay_bytes
from scenescore.options import IngestOptions


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def _minimal_pdf_without_text() -> bytes:
    """A valid one-page PDF that draws a rectangle and has no text layer (like a scan)."""
    stream = b"0 0 m 100 100 l S"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


BAD_INPUTS = {
    "empty.txt": (b"", "empty file"),
    "blank.fountain": (b"\n\n   \n", "empty file"),
    "binary.txt": (zlib.compress(b"x" * 5000) * 3, "binary file"),
    "nul.fountain": (b"INT. HOUSE - DAY\x00\x00\x00\x00" * 50, "binary file"),
    "page.html": (b"<html><body><h1>Search IMSDb</h1><p>No script here.</p></body></html>",
                  "without a screenplay"),
    "broken.fdx": (b'<?xml version="1.0"?><FinalDraft><Content><Paragraph Type="Action"><Text>Hi'
                   b"</Paragraph></Content>", "malformed Final Draft XML"),
    "other.fdx": (b'<?xml version="1.0"?><Screenplay><p>Hi</p></Screenplay>', "not a Final Draft file"),
    "bomb.fdx": (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                 b'<FinalDraft><Content><Paragraph><Text>&b;</Text></Paragraph></Content></FinalDraft>',
                 "unsafe XML refused"),
    "damaged.pdf": (b"%PDF-1.4\n1 0 obj <<>> garbage", "unreadable PDF"),
    "scan.pdf": (_minimal_pdf_without_text(), "no text layer"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_is_one_clear_line(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, problem = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(data)
    out_table = tmp_path / "scenes.csv"
    code, out, err = _run(["segment", str(path), "-o", str(out_table)], capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0] and problem in lines[0]
    assert "Traceback" not in err and out == ""
    assert not out_table.exists()
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_missing_file_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["parse", str(tmp_path / "nope.txt")], capsys)
    assert code == 1 and "nope.txt: no such file" in err
    code, _, err = _run(["parse", str(tmp_path)], capsys)
    assert code == 1 and "is a folder" in err


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"INT. HOUSE - DAY\n\nA line of action.\n" * 2000)
    with pytest.raises(InputError, match="over the 1,000-byte limit"):
        read_screenplay(path, IngestOptions(max_bytes=1000))


def test_size_limit_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"INT. HOUSE - DAY\n\nA line of action.\n" * 40000)
    code, _, err = _run(["segment", "--max-mb", "1", str(path)], capsys)
    assert code == 1 and "limit" in err and "big.txt" in err


def test_unknown_forced_format() -> None:
    with pytest.raises(InputError, match="unknown format 'docx'; known: fountain, fdx, html, text, pdf"):
        read_screenplay_bytes(b"INT. HOUSE - DAY\n", "x.txt", IngestOptions(format="docx"))


@pytest.mark.parametrize("encoding,bom", [("utf-8", b"\xef\xbb\xbf"), ("utf-8", b""), ("cp1252", b""),
                                          ("latin-1", b""), ("utf-16", b"")])
def test_encodings_are_detected(encoding: str, bom: bytes) -> None:
    text = "INT. CAFÉ – NIGHT\n\nZoë waits. “Late again,” she says.\n\n                    ZOË\n          Où es-tu?\n"
    if encoding == "latin-1":
        text = text.replace("–", "-").replace("“", '"').replace("”", '"')
    data = bom + text.encode(encoding)
    doc = read_screenplay_bytes(data, "script.txt")
    assert doc.lines[0].startswith("INT. CAF")
    assert "É" in doc.lines[0] and "Zoë" in doc.lines[2]


def test_debug_reraises(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(InputError):
        main(["--debug", "segment", str(path)])
