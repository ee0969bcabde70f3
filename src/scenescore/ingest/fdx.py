"""Final Draft ``.fdx``: one normalized line per paragraph, its type from the ``Type`` attribute.

XML is parsed with defusedxml (no entity expansion, no external references). A paragraph's
text is the concatenation of its ``<Text>`` runs, which Final Draft splits at every style
change, sometimes inside a word. Title-page paragraphs come first, as metadata.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element as XmlElement

from scenescore.errors import InputError
from scenescore.records import Document, ElementType, SourceFormat

#: Final Draft paragraph types → ours. Unknown types read as action.
FDX_TYPES: dict[str, ElementType] = {
    "scene heading": ElementType.SCENE_HEADING,
    "action": ElementType.ACTION,
    "general": ElementType.ACTION,
    "character": ElementType.CHARACTER,
    "dialogue": ElementType.DIALOGUE,
    "parenthetical": ElementType.PARENTHETICAL,
    "transition": ElementType.TRANSITION,
    "shot": ElementType.SHOT,
    "lyrics": ElementType.DIALOGUE,
    "cast list": ElementType.METADATA,
    "new act": ElementType.OTHER,
    "end of act": ElementType.OTHER,
    "outline": ElementType.OTHER,
    "outline body": ElementType.OTHER,
}


def _paragraph_text(paragraph: XmlElement) -> str:
    """The paragraph's own ``<Text>`` runs, joined exactly; notes and properties are not text."""
    runs = [node.text or "" for node in paragraph if _local(node.tag) == "Text"]
    return "".join(runs).replace("\u00a0", " ")


def _local(tag: object) -> str:
    name = str(tag)
    return name.rsplit("}", 1)[-1]


def _paragraphs(container: XmlElement | None) -> list[XmlElement]:
    """Script paragraphs in order: children of ``<Content>``, and those of ``<DualDialogue>``."""
    if container is None:
        return []
    if _local(container.tag) != "Content":
        container = next((n for n in container if _local(n.tag) == "Content"), container)
    out: list[XmlElement] = []
    for node in container:
        if _local(node.tag) != "Paragraph":
            continue
        dual = next((n for n in node if _local(n.tag) == "DualDialogue"), None)
        if dual is not None:
            out.extend(n for n in dual if _local(n.tag) == "Paragraph")
        else:
            out.append(node)
    return out


def read_fdx(data: bytes, source: str) -> Document:
    import defusedxml.ElementTree as safe_et
    from defusedxml import DefusedXmlException

    try:
        root = safe_et.fromstring(data)
    except DefusedXmlException as exc:
        raise InputError(source, f"unsafe XML refused ({type(exc).__name__})") from None
    except Exception as exc:  # xml.etree.ElementTree.ParseError and friends
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(source, f"malformed Final Draft XML ({detail})") from None
    if _local(root.tag) != "FinalDraft":
        raise InputError(source, f"not a Final Draft file (root element <{_local(root.tag)}>)")
    content = next((n for n in root if _local(n.tag) == "Content"), None)
    if content is None:
        raise InputError(source, "Final Draft file without a <Content> element")
    title_page = next((n for n in root if _local(n.tag) == "TitlePage"), None)

    lines: list[str] = []
    hints: list[ElementType | None] = []
    numbers: dict[int, str] = {}
    for paragraph in _paragraphs(title_page):
        text = _paragraph_text(paragraph)
        for part in text.split("\n"):
            if part.strip():
                lines.append(part)
                hints.append(ElementType.METADATA)
    for paragraph in _paragraphs(content):
        kind = FDX_TYPES.get((paragraph.get("Type") or "action").strip().lower(), ElementType.ACTION)
        text = _paragraph_text(paragraph)
        parts = text.split("\n") if text else [""]
        for i, part in enumerate(parts):
            if not part.strip():
                continue
            if i == 0 and kind is ElementType.SCENE_HEADING and paragraph.get("Number"):
                numbers[len(lines) + 1] = paragraph.get("Number", "").strip()
            lines.append(part)
            hints.append(kind)
    if not lines:
        raise InputError(source, "Final Draft file with no paragraphs of text")
    title = next((line.strip() for line, hint in zip(lines, hints, strict=True)
                  if hint is ElementType.METADATA and line.strip()), None)
    return Document(source=source, format=SourceFormat.FDX, lines=tuple(lines),
                    hints=tuple(hints), numbers=numbers or None, title=title)
