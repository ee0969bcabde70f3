"""Form: the bar grid of a cue and where its theme passages sit in it.

Bars are grouped in phrases of ``SketchOptions.phrase_bars``; a short last fragment joins the
bar before it so the cadence starts a whole bar early.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from scenescore.render.themes import ThemePhrase

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Placed:
    """A theme phrase placed at a bar of the cue."""

    phrase: ThemePhrase
    bar: int
    bars: int
    reprise: bool = False




class FormPlanner:
    """Mixin of the sketcher: the bar grid and the placement of themes."""

    def bar_start(self, bar: int) -> float:
        return bar * self.bar_q


    def theme_phrases(self) -> list[ThemePhrase]:
        phrases: list[ThemePhrase] = []
        for use in self.c.themes:
            phrases += self.book.use(motif_id=use.motif, character=use.character,
                                     transformation=use.transformation, cue_id=self.c.cue_id,
                                     cue_mode=self.c.mode)
        return phrases

    def place_themes(self, phrases: list[ThemePhrase]) -> list[Placed]:
        placed: list[Placed] = []
        bar = 1 if self.n_bars >= 8 else 0
        for phrase in phrases:
            bars = max(1, math.ceil(phrase.quarters / self.bar_q - 1e-9))
            if bar > self.final_bar and placed:
                log.info("%s: no room for theme %s (%s)", self.c.cue_id, phrase.motif_id, phrase.transformation)
                continue
            placed.append(Placed(phrase, bar, bars))
            bar += bars + (1 if bars < 4 else 0)
        # A long cue brings its last theme back where the intensity peaks.
        if placed and self.final_bar - bar >= 2 * placed[-1].bars + 2:
            peak_bar = max(range(bar, self.final_bar - placed[-1].bars),
                           key=lambda b: (self.intensity(self.bar_start(b)), -b))
            placed.append(Placed(placed[-1].phrase, peak_bar, placed[-1].bars, reprise=True))
        return placed

