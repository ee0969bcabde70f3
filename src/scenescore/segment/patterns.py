"""Regular expressions for what a screenplay line can be, shared by typing and segmenting."""

from __future__ import annotations

import re

# A printed scene number: 12, 12A, A12, 12.1 (with an optional trailing period).
NUMBER = r"(?:[A-Z]{0,2}\d{1,4}[A-Z]{0,3}(?:\.\d{1,2})?)"
LEADING_NUMBER = re.compile(rf"^\s*({NUMBER})\.?(?=\s{{1,}}\S)")
TRAILING_NUMBER = re.compile(rf"(?<=\S)\s{{1,}}({NUMBER})\.?\s*$")
REVISION_MARK = re.compile(r"(?:(?<=\s)|^)\*+\s*$")
LEADING_REVISION_MARK = re.compile(r"^\*+\s{2,}")

HEADING_PREFIX = re.compile(
    r"^(?:(?:FLASHBACK|FLASH\s?BACK|FLASH-FORWARD|FLASH\s?FORWARD|DREAM|NIGHTMARE|"
    r"INTERCUT|MONTAGE|BACK TO|CONTINUOUS)\s*[-:–—]?\s*)?"
    r"(?:(?P<ie>INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|INT\.?\s*-\s*EXT|I\s*/\s*E|E\s*/\s*I|INT|EXT|EST|"
    r"INTERIOR|EXTERIOR))(?:[.:\s/\-–—]|$)")
HEADING_MIXED = re.compile(r"^(int|ext|int\./ext|ext\./int|i/e)\.\s+\S", re.I)
TIME_SLUG = re.compile(
    r"\s[-–—]\s*(DAY|NIGHT|MORNING|EVENING|AFTERNOON|DUSK|DAWN|SUNSET|SUNRISE|CONTINUOUS|LATER|"
    r"MOMENTS LATER|SAME|SAME TIME|MIDNIGHT|NOON|MAGIC HOUR)\b[^a-z]*$")

TRANSITION_TO = re.compile(r"^[A-Z0-9 .'\-/&,]*\bTO:?$")
TRANSITION_WORDS = re.compile(
    r"^(?:FADE\s+IN|FADE\s+OUT|FADE\s+TO\s+BLACK|FADE\s+TO\s+WHITE|FADE\s+UP|FADE\s+OUT\s+TO\s+BLACK|"
    r"CUT\s+TO\s+BLACK|SMASH\s+CUT|MATCH\s+CUT|JUMP\s+CUT|HARD\s+CUT|QUICK\s+CUT|CUT|DISSOLVE|"
    r"IRIS\s+(?:IN|OUT)|WIPE|TIME\s+CUT|FADE\s+TO)\b[^a-z]*[.:]?\s*$"
    r"|^(?:INTERCUT(?:\s+WITH)?:|BACK\s+TO\s+(?:THE\s+)?PRESENT(?:\s+DAY)?[.:]?)\s*$")

SHOT = re.compile(
    r"^(?:CLOSE\s+ON|CLOSE\s+UP|CLOSE-UP|CLOSEUP|CLOSE\s+SHOT|CLOSER(?:\s+ON)?|EXTREME\s+CLOSE|"
    r"EXTREME\s+CLOSE-UP|ECU|ECU\s+ON|ANGLE\s+ON|ANOTHER\s+ANGLE|NEW\s+ANGLE|REVERSE\s+ANGLE|"
    r"REVERSE\s+ON|REVERSE|WIDE\s+ON|WIDE\s+SHOT|WIDE\s+ANGLE|WIDER|WIDEN|INSERT|POV|"
    r"BACK\s+TO\s+SCENE|BACK\s+ON|ON\s+\S+|OVER\s+\S+|TRACKING|MOVING(?:\s+(?:SHOT|WITH|ON))?|"
    r"TIGHT\s+ON|TIGHT\s+SHOT|TIGHTER|FAVORING|FAVOURING|DOLLY|STEADICAM|HANDHELD|AERIAL|HIGH\s+ANGLE|"
    r"LOW\s+ANGLE|OVERHEAD|TWO\s+SHOT|THREE\s+SHOT|MEDIUM\s+SHOT|MEDIUM\s+ON|FULL\s+SHOT|"
    r"ESTABLISHING|PAN\s+TO|PAN\s+WITH|TILT|CRANE|PUSH\s+IN|PULL\s+BACK|PULL\s+OUT|ZOOM|"
    r"RACK\s+FOCUS|FREEZE\s+FRAME|SPLIT\s+SCREEN|UNDERWATER|SLOW\s+MOTION|"
    r"OVER\s+THE\s+SHOULDER|OTS|EXT\s+SHOT|STOCK\s+SHOT)\b")
POV_SUFFIX = re.compile(r"(?:'S|’S)?\s+(?:POV|P\.O\.V\.)(?:\s*$|\s+[-–—])")
NAME_PREFIXES = re.compile(r"\b(?:Mc|Mac|De|Di|Da|La|Le|Van|Von|O')(?=[A-Z])")

PAGE_FURNITURE = re.compile(
    r"^(?:\(?\s*CONTINUED\s*\)?(?:\s*:?\s*(?:\(\s*\d+\s*\))?)?:?|\(?\s*MORE\s*\)?|\(?\s*CONT'?D\.?\s*\)?|"
    r"CONT(?:INUED)?\s+ON\s+NEXT\s+PAGE|\(?\s*CONTINUED\s+ON\s+NEXT\s+PAGE\s*\)?)\s*$", re.I)
PAGE_NUMBER = re.compile(
    r"^(?:(?:page\s*)?\d{1,3}[A-Z]?\.?|-\s*\d{1,3}\s*-|\d{1,3}\s*(?:of|/)\s*\d{1,3}|"
    r"\[\s*\d{1,3}\s*\]|\(\s*\d{1,3}\s*\))$", re.I)
PAGE_HEADER = re.compile(
    r"^.{0,80}?\b(?:rev(?:\.|ised|ision)?|draft|pages?|pink|blue|yellow|green|goldenrod|salmon|"
    r"cherry|buff|white)\b.{0,60}?\s{2,}\d{1,3}[A-Z]?\.?\s*$", re.I)
ONLY_MARKS = re.compile(r"^[\s*#_=~\-.]+$")
DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d\d\b")
# Act structure of TV scripts and omitted scenes: structure, not script text.
ACT_MARKER = re.compile(
    r"^(?:TEASER|COLD\s+OPEN|TAG|(?:END\s+OF\s+)?(?:ACT|PART)\s+(?:ONE|TWO|THREE|FOUR|FIVE|SIX|SEVEN|"
    r"EIGHT|\d{1,2}|[IVX]{1,5})|END\s+OF\s+(?:COLD\s+OPEN|TEASER|TAG|SHOW|EPISODE|PILOT))\s*$")
OMITTED = re.compile(rf"^(?:{NUMBER}\.?\s+)?OMITTED(?:\s+{NUMBER}\.?)?\s*$")

TITLE_PAGE_SIGNAL = re.compile(
    r"\b(?:written\s+by|screenplay\s+by|story\s+by|teleplay\s+by|by|based\s+on|draft|revised|"
    r"revisions?|copyright|all\s+rights\s+reserved|contact|agency|agent|represented|"
    r"shooting\s+script|final|first|second|production|address|phone|tel|e-?mail|"
    r"\d{1,2}/\d{1,2}/\d{2,4}|(?:19|20)\d\d)\b|©|\(c\)|@", re.I)

EXTENSION = re.compile(r"\s*\([^()]*\)?")
CONTD = re.compile(r"\b(?:CONT'?D|CONT’D|CONTD|CONT\.|CONTINUING|CONTINUED)\b", re.I)
PARENTHESES = re.compile(r"\([^()]*\)")
