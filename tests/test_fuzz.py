"""Property tests: on any input the readers and the segmenter raise nothing but InputError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenescore.errors import InputError
from scenescore.ingest import read_screenplay_bytes
from scenescore.options import IngestOptions
from scenescore.records import ElementType
from scenescore.segment import segment_document

FORMATS = ["fountain", "fdx", "html", "text", "pdf", None]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces screenplays are made of, so that generated input reaches deep into the rules.
PIECES = [
    "INT. KITCHEN - NIGHT", "EXT. LAKE - DAY (FLASHBACK)", "12  INT./EXT. CAR - MOVING  12", "I/E HOUSE",
    "ELLA", "ELLA (V.O.)", "MAX (CONT'D)", "@mcCLANE", "BOB ^", "(quietly)", "(beat", ")", "Hello there.",
    "CUT TO:", "> FADE OUT.", "FADE IN:", "> THE END <", "[[note", "]]", "/*", "*/", "# Act", "= synopsis",
    "===", "Title: X", "Author: Y", "(CONTINUED)", "CONTINUED:", "(MORE)", "23.", "*", "FLASHBACK:",
    "END FLASHBACK", "BACK TO PRESENT", "DREAM SEQUENCE", "END DREAM", "MONTAGE", "END MONTAGE",
    "INTERCUT WITH:", 'SUPER: "Twenty years earlier"', "CLOSE ON the letter", "ANGLE ON", "INSERT - NOTE",
    "~la la", "!SHOUT", ".FORCED", "", "  ", "\t", "ÉLODIE", "“smart”", "<b>", "</b>", "&amp;", "<pre>",
    "</pre>", '<td class="scrtext">', "<Paragraph Type=\"Action\"><Text>", "</Text></Paragraph>",
]
screenplay_text = st.lists(
    st.tuples(st.integers(min_value=0, max_value=40), st.sampled_from(PIECES) | st.text(max_size=30)),
    max_size=60,
).map(lambda rows: "\n".join(" " * indent + piece for indent, piece in rows))


def _exercise(data: bytes, fmt: str | None) -> None:
    try:
        doc = read_screenplay_bytes(data, "fuzz.input", IngestOptions(format=fmt))
    except InputError:
        return
    screenplay = segment_document(doc)
    assert len(screenplay.elements) == len(doc.lines)
    assert [e.line for e in screenplay.elements] == list(range(1, len(doc.lines) + 1))
    for scene in screenplay.scenes:
        assert scene.eighths >= 1 and scene.est_seconds >= 0
        assert scene.start_line <= scene.end_line
    for element in screenplay.elements:
        assert isinstance(element.type, ElementType)


@SETTINGS
@given(data=st.binary(max_size=2000), fmt=st.sampled_from(FORMATS))
def test_arbitrary_bytes(data: bytes, fmt: str | None) -> None:
    _exercise(data, fmt)


@SETTINGS
@given(text=screenplay_text, fmt=st.sampled_from(["fountain", "text", None]))
def test_screenplay_like_text(text: str, fmt: str | None) -> None:
    _exercise(text.encode("utf-8"), fmt)


@SETTINGS
@given(text=screenplay_text)
def test_html_wrapped(text: str) -> None:
    page = f'<html><body><table><tr><td class="scrtext"><pre>{text}</pre></td></tr></table></body></html>'
    _exercise(page.encode("utf-8"), "html")


@SETTINGS
@given(paragraphs=st.lists(st.tuples(
    st.sampled_from(["Scene Heading", "Action", "Character", "Dialogue", "Parenthetical", "Transition",
                     "Shot", "General", "Bogus"]),
    st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20), max_size=3)),
    max_size=30))
def test_fdx_structures(paragraphs: list[tuple[str, list[str]]]) -> None:
    from xml.sax.saxutils import escape, quoteattr

    body = "".join(
        f"<Paragraph Type={quoteattr(kind)}>" + "".join(f"<Text>{escape(run)}</Text>" for run in runs)
        + "</Paragraph>" for kind, runs in paragraphs)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><FinalDraft><Content>{body}</Content></FinalDraft>'
    _exercise(xml.encode("utf-8"), None)
