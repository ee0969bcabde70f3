"""``score``: every stage from screenplay to temp score, into one resumable run folder.

The package is in three parts: :mod:`~scenescore.pipeline.engine` (the generic stage engine:
run folder, manifest, keys, skipping and redoing), :mod:`~scenescore.pipeline.stages` (the
stages of ``score`` as engine stages) and :mod:`~scenescore.pipeline.inputs` (what a script
argument means, shared with ``batch``). See the engine's docstring for how keys and the
manifest work.
"""

from scenescore.options import ScoreOptions
from scenescore.pipeline.engine import (
    MANIFEST_VERSION,
    Emit,
    ProgressCallback,
    Run,
    RunResult,
    Stage,
    sha256_bytes,
    slugify,
)
from scenescore.pipeline.inputs import corpus_script_path, fetch_script, resolve_input
from scenescore.pipeline.stages import ScoreRequest, default_stages, score

__all__ = [
    "MANIFEST_VERSION", "Emit", "ProgressCallback", "Run", "RunResult", "ScoreOptions",
    "ScoreRequest", "Stage", "corpus_script_path", "default_stages", "fetch_script",
    "resolve_input", "score", "sha256_bytes", "slugify",
]
