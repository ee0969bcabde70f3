"""Stages import one way (docs/architecture.md, "Stages one way"), and no module imports itself
back through others.

Read from the source with ``ast``, so an import inside a function, under ``TYPE_CHECKING`` or
through an ``importlib`` table (a string naming a module) counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "scenescore"

#: The stages in flow order; a stage may import only itself, earlier stages and shared modules.
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ingest", ("ingest",)),
    ("segment", ("segment",)),
    ("align", ("align",)),
    ("analyze", ("emotion",)),
    ("remember", ("memory",)),
    ("spot", ("spotting",)),
    ("translate", ("conditions",)),
    ("render", ("render",)),
    ("deliver", ("deliver", "report")),
)
#: Shared records and helpers: they import only each other.
SHARED = frozenset({"records", "errors", "options", "io", "timecode", "circumplex"})
#: Around the stages (the CLI, the run engine, batch, config, the corpus crawler, evaluation):
#: they may import any stage; no stage may import them.
AROUND_PREFIXES = ("cli", "pipeline", "batch", "config", "corpus", "evaluate", "session", "studio", "__main__")
#: Backward imports kept on purpose, each a lazy alias for a name that moved to a later stage.
SANCTIONED: dict[tuple[str, str], str] = {
    ("scenescore.emotion", "scenescore.memory"):
        "scenescore.emotion.analyze_screenplay: it runs the memory, so it lives in scenescore.memory",
    ("scenescore.spotting", "scenescore.deliver.notes"):
        "the spotting notes moved to deliver; scenescore.spotting.spotting_notes_frame still resolves",
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    """Nodes under ``if TYPE_CHECKING:`` (imported for annotations only, never run)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (getattr(node.test, "id", None) == "TYPE_CHECKING"
                                         or getattr(node.test, "attr", None) == "TYPE_CHECKING"):
            for child in node.body:
                ids.update(id(n) for n in ast.walk(child))
    return ids


def imports_of(name: str, *, runtime_only: bool = False) -> set[str]:
    """Every scenescore module ``name`` imports, anywhere in its source (``runtime_only``: not
    counting imports for annotations under ``TYPE_CHECKING``)."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    docstrings = _docstring_nodes(tree)
    skip = _type_checking_nodes(tree) if runtime_only else set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            targets = [node.value]  # importlib tables name modules as strings
        for target in targets:
            if target.startswith("scenescore") and target in MODULES and target != name:
                found.add(target)
    return found


GRAPH: dict[str, set[str]] = {name: imports_of(name) for name in MODULES}
RUNTIME_GRAPH: dict[str, set[str]] = {name: imports_of(name, runtime_only=True) for name in MODULES}


def stage_of(name: str) -> tuple[str, int | None]:
    """(``stage``/``shared``/``around``/``root``, the stage's position in the flow)."""
    parts = name.split(".")
    if len(parts) == 1:
        return "root", None
    top = parts[1]
    for index, (_, packages) in enumerate(STAGES):
        if top in packages:
            return "stage", index
    if top in SHARED:
        return "shared", None
    if top.startswith(AROUND_PREFIXES):
        return "around", None
    raise AssertionError(f"{name}: not placed in the architecture; add it to a stage, SHARED or "
                         "AROUND_PREFIXES in tests/test_architecture.py and to docs/architecture.md")


def _sanctioned(importer: str, imported: str) -> bool:
    return any(importer == a and (imported == b or imported.startswith(b + ".")) for a, b in SANCTIONED)


def test_every_module_is_placed() -> None:
    for name in MODULES:
        stage_of(name)


def test_stages_import_only_earlier_stages_and_shared_modules() -> None:
    wrong = []
    for importer, targets in sorted(GRAPH.items()):
        kind, position = stage_of(importer)
        if kind not in ("stage", "shared"):
            continue
        for imported in sorted(targets):
            other, other_position = stage_of(imported)
            if other == "shared" or _sanctioned(importer, imported):
                continue
            if other == "root" and imported == "scenescore":  # the version, nothing else
                continue
            if kind == "shared" or other != "stage" or other_position > position:
                stage = STAGES[position][0] if position is not None else kind
                target = STAGES[other_position][0] if other_position is not None else other
                wrong.append(f"{importer} ({stage}) imports {imported} ({target})")
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_sanctioned_backward_imports_still_exist() -> None:
    """An alias that is no longer needed is removed from the list too."""
    for importer, imported in SANCTIONED:
        assert any(t == imported or t.startswith(imported + ".") for t in GRAPH[importer]), (importer, imported)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles_between_modules() -> None:
    """Every import that runs (lazy ones too) is an edge, except a package's ``__init__``
    re-exporting its own modules; imports for annotations only never run."""
    graph = {name: {t for t in targets if not t.startswith(name + ".")}
             for name, targets in RUNTIME_GRAPH.items()}
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


@pytest.mark.parametrize("importer", ["scenescore.align.evidence", "scenescore.emotion",
                                      "scenescore.deliver.cuesheet"])
def test_the_named_backward_imports_are_gone(importer: str) -> None:
    """The ones issue 13 found: picture evidence read the emotion stage, emotion read the memory,
    deliver read render's timecode."""
    later = {"scenescore.align.evidence": "scenescore.emotion", "scenescore.emotion": "scenescore.memory.",
             "scenescore.deliver.cuesheet": "scenescore.render"}[importer]
    assert not [t for t in GRAPH[importer] if t.startswith(later)]


def test_the_check_catches_a_lazy_import_of_a_later_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test itself: a function-level import of render from segment is found."""
    source = "def f():\n    from scenescore.render.midi import timecode\n    return timecode\n"
    path = tmp_path / "probe.py"
    path.write_text(source)
    monkeypatch.setitem(MODULES, "scenescore.segment.probe", path)
    assert "scenescore.render.midi" in imports_of("scenescore.segment.probe")
    assert stage_of("scenescore.segment.probe")[1] < stage_of("scenescore.render.midi")[1]
