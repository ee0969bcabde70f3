"""Evaluate valence/arousal against human ratings: Pearson r per backend and for plain VADER.

    python scripts/eval_emotion.py DATA [--split test] [--backends lexicon,vader] [--model PATH]
                                        [--base-url URL --llm-model NAME] [--json]
    python scripts/eval_emotion.py --tone [SCREENPLAY ...]   # mode shares per film and brief

DATA is either
- a TSV with a header holding ``text``, ``valence`` and ``arousal`` (any rating scale: Pearson r
  does not care) and optionally ``split``; or
- EmoBank's ``corpus/emobank.csv`` (columns ``id,split,V,A,D,text``; CC-BY-SA 4.0,
  github.com/JULIELab/EmoBank), read as is.

Only held-out rows are scored: the ``split`` column's ``--split`` rows (default ``test``), or,
without one, the fifth of the rows whose text hashes to 0 mod 5 (stable across runs). Nothing in
scenescore was fitted to any rated data; if you tune, tune on the other rows only.

Baseline ``vader``: valence = VADER's compound; arousal from naive cues = 0.5 |compound| +
0.3 min(!, 3)/3 + 0.2 share of words in capitals.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from scenescore.emotion import AnalyzeOptions, LLMOptions, TransformersOptions, analyze_texts  # noqa: E402


@dataclass(frozen=True)
class Rated:
    text: str
    valence: float
    arousal: float
    split: str | None


def read_ratings(path: Path) -> list[Rated]:
    """Rows of a TSV (text, valence, arousal[, split]) or of EmoBank's CSV (V, A, text, split)."""
    raw = path.read_text("utf-8")
    dialect = "excel-tab" if path.suffix.lower() in (".tsv", ".tab") or "\t" in raw.split("\n", 1)[0] else "excel"
    rows = list(csv.DictReader(raw.splitlines(), dialect=dialect))
    if not rows:
        raise SystemExit(f"{path}: no rows")
    cols = {c.lower(): c for c in rows[0]}
    v_col = cols.get("valence") or cols.get("v")
    a_col = cols.get("arousal") or cols.get("a")
    t_col = cols.get("text") or cols.get("sentence")
    if not (v_col and a_col and t_col):
        raise SystemExit(f"{path}: need text, valence and arousal columns (or EmoBank's V, A, text)")
    s_col = cols.get("split")
    out = []
    for row in rows:
        try:
            out.append(Rated(row[t_col] or "", float(row[v_col]), float(row[a_col]),
                             row[s_col] if s_col else None))
        except (TypeError, ValueError):
            continue
    return out


def held_out(rows: list[Rated], split: str) -> tuple[list[Rated], str]:
    if any(r.split for r in rows):
        return [r for r in rows if r.split == split], f"split column == {split!r}"
    picked = [r for r in rows if int(hashlib.sha1(r.text.encode()).hexdigest(), 16) % 5 == 0]
    return picked, "sha1(text) % 5 == 0 (20%)"


def pearson(xs: list[float], ys: list[float]) -> float:
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:
        return math.nan


_CAPS = re.compile(r"\b[A-Z]{3,}\b")
_WORDS = re.compile(r"\b\w+\b")


def vader_baseline(texts: list[str]) -> tuple[list[float], list[float]]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    valence, arousal = [], []
    for text in texts:
        compound = analyzer.polarity_scores(text)["compound"]
        words = max(1, len(_WORDS.findall(text)))
        valence.append(compound)
        arousal.append(0.5 * abs(compound) + 0.3 * min(text.count("!"), 3) / 3
                       + 0.2 * len(_CAPS.findall(text)) / words)
    return valence, arousal


def score_backend(name: str, texts: list[str], args: argparse.Namespace) -> tuple[list[float], list[float]]:
    if name == "vader":
        return vader_baseline(texts)
    options = AnalyzeOptions(
        backend=name,
        transformers=TransformersOptions(model=args.model),
        llm=LLMOptions(base_url=args.base_url, model=args.llm_model or LLMOptions().model),
    )
    results = analyze_texts(texts, options=options)
    return [r.valence for r in results], [r.arousal for r in results]


SCRIPTS = (
    (ROOT / "corpus" / "sample" / "sample.fountain", ROOT / "corpus" / "sample" / "sample.expected_arc.json"),
    (ROOT / "corpus" / "blind" / "let_go_at_the_top.fountain", ROOT / "corpus" / "blind" / "let_go_at_the_top.expected.json"),
)


def arc_figures() -> list[dict]:
    """Turning points of both screenplays against the expectations written before the first run."""
    from scenescore.memory import analyze_screenplay
    from scenescore.segment import segment_screenplay

    out = []
    for script, expected in SCRIPTS:
        scenes = segment_screenplay(script).scenes
        spec = json.loads(expected.read_text("utf-8"))
        end = max(s.end_line for s in scenes)
        pos = {s.number: s.start_line / end for s in scenes}
        analysis = analyze_screenplay(scenes)
        found = [t.position for t in analysis.arc.turning_points]
        true = [pos[str(tp["scene"])] for tp in spec["turning_points"].values()]
        dist = [min(abs(t - f) for f in found) for t in true]
        out.append({"script": script.name, "true": [round(t, 3) for t in true],
                    "reported": [round(f, 3) for f in found], "mean_distance": sum(dist) / len(dist),
                    "max_distance": max(dist), "tone": analysis.tone.to_dict()})
    return out


#: Modes with a minor third (and phrygian's flat second): what "minor or dark modes" counts.
DARK_MODES = frozenset({"minor", "aeolian", "dorian", "phrygian", "locrian", "harmonic minor"})
#: Briefs naming a genre, and none (the film's own tone: tags, vocabulary or reading).
TONE_BRIEFS = (None, "horror", "thriller", "crime", "comedy", "drama")


def tone_figures(scripts: list[Path]) -> list[dict]:
    """Per film and brief: the tone it got and the share of its cues in minor or dark modes
    (rules translation, default spotting), the way the palette follows the film's tone."""
    from scenescore.conditions.options import TranslateOptions
    from scenescore.conditions.translate import translate_cues
    from scenescore.emotion import create_backend
    from scenescore.memory import analyze_screenplay
    from scenescore.segment import segment_screenplay
    from scenescore.spotting import spot_cues

    backend = create_backend(AnalyzeOptions())
    out = []
    for script in scripts:
        scenes = segment_screenplay(script).scenes
        for brief in TONE_BRIEFS:
            analysis = analyze_screenplay(scenes, backend=backend, style=brief)
            cues = spot_cues(scenes, analysis)
            modes = [c.mode for c in translate_cues(cues, scenes, analysis,
                                                    options=TranslateOptions(style=brief)).conditions]
            out.append({"script": script.name, "scenes": len(scenes), "brief": brief,
                        "genre": analysis.tone.genre, "source": analysis.tone.source, "cues": len(modes),
                        "dark_share": sum(m in DARK_MODES for m in modes) / max(1, len(modes))})
    return out


def print_tone(rows: list[dict]) -> None:
    print("| script | scenes | brief | tone (source) | cues | minor/dark |\n| --- | ---: | --- | --- | ---: | ---: |")
    for r in rows:
        print(f"| {r['script']} | {r['scenes']} | {r['brief'] or '-'} | {r['genre']} ({r['source']}) | "
              f"{r['cues']} | {r['dark_share']:.0%} |")
    print("\nby brief: mean / lowest / highest share of cues in minor or dark modes")
    for brief in TONE_BRIEFS:
        shares = [r["dark_share"] for r in rows if r["brief"] == brief]
        if shares:
            print(f"  {brief or '(own tone)':<10} mean {statistics.mean(shares):.0%}  lowest {min(shares):.0%}  "
                  f"highest {max(shares):.0%}  ({len(shares)} films)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", help="rated texts (optional with --tone)")
    parser.add_argument("--split", default="test")
    parser.add_argument("--backends", default="fitted,lexicon,vader",
                        help="comma list; add transformers (--model) and llm (--base-url) where available")
    parser.add_argument("--model", help="transformers backend: local model folder")
    parser.add_argument("--base-url", help="llm backend: OpenAI-compatible endpoint")
    parser.add_argument("--llm-model")
    parser.add_argument("--limit", type=int, help="score at most this many held-out rows")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--arcs", action="store_true",
                        help="also the turning points of corpus/sample and corpus/blind against their expectations")
    parser.add_argument("--tone", nargs="*", type=Path, metavar="SCREENPLAY",
                        help="mode shares per film for each genre brief (default: the real screenplays in "
                             "../shared/data/screenplays, read at run time, and both project scripts)")
    args = parser.parse_args()

    if args.tone is not None:
        scripts = args.tone or [*sorted((ROOT.parent / "shared" / "data" / "screenplays").glob("*.fountain")),
                                *(s for s, _ in SCRIPTS)]
        rows = tone_figures(scripts)
        print(json.dumps(rows) if args.json else "", end="\n" if args.json else "")
        if not args.json:
            print_tone(rows)
        if args.data is None:
            return
    if args.data is None:
        parser.error("DATA is required unless --tone is given")
    rows, how = held_out(read_ratings(args.data), args.split)
    rows = rows[: args.limit] if args.limit else rows
    if len(rows) < 3:
        raise SystemExit(f"{args.data}: only {len(rows)} held-out rows ({how})")
    texts = [r.text for r in rows]
    gold_v, gold_a = [r.valence for r in rows], [r.arousal for r in rows]
    results = []
    for name in [b.strip() for b in args.backends.split(",") if b.strip()]:
        valence, arousal = score_backend(name, texts, args)
        results.append({"backend": name, "n": len(rows), "held_out": how,
                        "valence_r": round(pearson(valence, gold_v), 4),
                        "arousal_r": round(pearson(arousal, gold_a), 4)})
    arcs = arc_figures() if args.arcs else []
    if args.json:
        print(json.dumps(results if not args.arcs else {"backends": results, "arcs": arcs}))
        return
    print(f"{args.data} held out: {how}, n = {len(rows)}\n")
    print("| backend | valence r | arousal r |\n| --- | ---: | ---: |")
    for r in results:
        print(f"| {r['backend']} | {r['valence_r']:.3f} | {r['arousal_r']:.3f} |")
    if args.arcs:
        print("\n| script | true TP positions | reported | mean distance | max |\n| --- | --- | --- | ---: | ---: |")
        for a in arcs:
            print(f"| {a['script']} | {a['true']} | {a['reported']} | {a['mean_distance']:.3f} | {a['max_distance']:.3f} |")


if __name__ == "__main__":
    main()
