"""Domain errors. The CLI turns any of these into one line on stderr and exit code 1."""

from __future__ import annotations

from pathlib import Path


class ScenescoreError(Exception):
    """Base of every error the library raises on purpose."""


class InputError(ScenescoreError):
    """A user's input cannot be read: the message names the file and the problem."""

    def __init__(self, source: str | Path, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class OptionsError(ScenescoreError):
    """An option or configuration value is invalid."""


class OutputError(ScenescoreError):
    """An output cannot be written (exists and overwrite not allowed, unknown format...)."""


class MissingDependencyError(ScenescoreError):
    """An optional dependency is needed; the message names the install command."""

    def __init__(self, feature: str, package: str, extra: str) -> None:
        super().__init__(
            f"{feature} needs the optional package {package!r}: "
            f"pip install 'scenescore[{extra}]'"
        )
