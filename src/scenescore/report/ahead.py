"""The arc PNG drawn ahead of the deliver stage, in a helper process.

Everything the PNG draws is on disk once ``spot`` has written its files, yet deliver draws it
after the render, on one core while the other idles; matplotlib's import and the drawing are
most of deliver's time. So ``score`` starts a helper process when the run begins (its imports
run on the core that segment and analyze leave idle), asks it to draw once the plot's stages
are done, and deliver takes its PNG if the helper has answered and drew exactly the data
deliver would draw (:meth:`~scenescore.report.png.ArcPlotData.digest`); otherwise (the helper
failed, drew other data, or has not drawn yet: it runs at a low priority, so on a busy machine
deliver does not wait for it) deliver draws it itself and says why in the log. Either way
``arc.png`` has the same bytes.

The helper is a fresh interpreter (``sys.executable``) on this process's ``sys.path``, not a
fork: the run may have threads (the CLI's progress display, a studio server). One helper per
run, owned by its :class:`~scenescore.pipeline.engine.Run` and closed when the run ends.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

from scenescore.report.png import ArcPlotData

log = logging.getLogger(__name__)

#: How long deliver waits for the helper to start answering before drawing the PNG itself: the
#: helper runs at a low priority (it should use idle cores only), so on a busy machine it may not
#: have drawn yet, and deliver does not wait for it.
READY_WAIT_S = 0.0
#: How long deliver reads an answer that has begun.
TAKE_TIMEOUT_S = 60.0
#: The helper's niceness: beside synthesis on a busy machine it yields; on an idle core it runs
#: as fast.
HELPER_NICE = 10

#: The helper's own entry point (``-c``: run on the parent's ``sys.path``, given as argv[1]).
#: It leaves without tearing the interpreter down (a fifth of a second with matplotlib and
#: pandas loaded), which deliver would wait for: its answer is written and flushed.
_BOOT = ("import json, os, sys; sys.path[:0] = json.loads(sys.argv[1]); "
         "from scenescore.report.ahead import serve; serve(); os._exit(0)")


def helper_command() -> list[str]:
    """The helper's command line (a test replaces it with one that fails)."""
    return [sys.executable, "-c", _BOOT, json.dumps(sys.path)]


class ArcPlotAhead:
    """One run's helper: :meth:`start` when the run begins, :meth:`draw` once the plot's data is
    on disk, :meth:`take` in deliver, :meth:`close` when the run ends."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self._proc = proc
        self._asked = False

    @classmethod
    def start(cls) -> ArcPlotAhead | None:
        """A helper importing the plotting libraries now; None (logged) when none can start."""
        try:
            if not sys.executable:
                raise OSError("no Python executable to start (an embedded interpreter)")
            proc = subprocess.Popen(helper_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL)
        except OSError as exc:
            log.warning("arc plot: no helper process (%s); deliver draws it", exc)
            return None
        return cls(proc)

    def draw(self, folder: str | os.PathLike[str]) -> None:
        """Ask the helper to draw the arc of ``folder`` as it is on disk now."""
        if self._asked:
            return
        self._asked = True
        request = {"folder": str(Path(folder).resolve()), "package": _package_file()}
        if self._proc.stdin is None:  # started without a pipe: nothing to ask (take() says so)
            return
        try:
            self._proc.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            self._proc.stdin.flush()
        except OSError as exc:  # it died already; take() says how
            log.debug("arc plot: the helper did not take the request (%s)", exc)

    def take(self, data: ArcPlotData, *, timeout: float = TAKE_TIMEOUT_S) -> bytes | None:
        """The helper's PNG if it drew ``data`` (what deliver would draw); None, with the reason
        in the log, when it was not asked, failed, or drew other data."""
        if not self._asked:
            log.info("arc plot: the helper was not asked to draw; deliver draws it")
            self.close()
            return None
        if not self._answering(READY_WAIT_S):
            log.info("arc plot: the helper has not drawn it yet (a busy machine); deliver draws it")
            self.close()
            return None
        try:
            out, _ = self._proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            log.warning("arc plot: the helper took over %.0f s; deliver draws it", timeout)
            self.close()
            return None
        except (OSError, ValueError) as exc:
            log.warning("arc plot: the helper's answer could not be read (%s); deliver draws it", exc)
            self.close()
            return None
        header, _, png = out.partition(b"\n")
        try:
            answer = json.loads(header)
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            log.warning("arc plot: the helper failed (exit code %s, no answer); deliver draws it",
                        self._proc.returncode)
            return None
        if "error" in answer:
            log.warning("arc plot: the helper failed (%s); deliver draws it", answer["error"])
            return None
        if answer.get("size") != len(png):
            log.warning("arc plot: the helper's PNG is truncated; deliver draws it")
            return None
        if answer.get("digest") != data.digest():
            log.info("arc plot: the helper drew other data than deliver reads now; deliver draws it")
            return None
        log.debug("arc plot: drawn by the helper")
        return png

    def _answering(self, wait_s: float) -> bool:
        """Whether the helper has begun its answer (or exited) within ``wait_s``."""
        import select

        try:
            ready, _, _ = select.select([self._proc.stdout], [], [], wait_s)
        except (OSError, ValueError):  # no select on pipes (Windows): wait for the answer
            return True
        return bool(ready)

    def close(self) -> None:
        """Stop the helper if it still runs (a run whose deliver was skipped, or that failed)."""
        proc = self._proc
        if proc.poll() is None:
            proc.kill()
        with contextlib.suppress(OSError, ValueError, subprocess.TimeoutExpired):
            proc.communicate(timeout=10)


def _package_file() -> str:
    import scenescore

    return str(Path(scenescore.__file__).resolve())


def serve(stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None) -> None:
    """The helper: import the plotting libraries, wait for one request, answer it, exit. The
    answer is a JSON line (the drawn data's digest and the PNG's size, or the error) and the PNG."""
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing printed by a library may reach the answer
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(HELPER_NICE)
    answer: dict[str, Any]
    png = b""
    try:
        from scenescore.report.png import arc_plot_data, draw_arc, import_plotting
        from scenescore.report.run import read_run_view

        import_plotting()
        import pandas  # noqa: F401 - read_run_view reads the tables with it
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which draws it itself
        failure: str | None = f"{type(exc).__name__}: {exc}"
    else:
        failure = None
    line = stdin.readline()
    if not line:
        return  # the run ended without asking
    try:
        if failure is not None:
            raise RuntimeError(failure)
        request = json.loads(line)
        if request.get("package") != _package_file():
            raise RuntimeError(f"the helper imported {_package_file()}, not {request.get('package')}")
        data = arc_plot_data(read_run_view(request["folder"]))
        png = draw_arc(data)
        answer = {"digest": data.digest(), "size": len(png)}
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which draws it itself
        answer = {"error": f"{type(exc).__name__}: {exc}"[:500]}
        png = b""
    stdout.write(json.dumps(answer).encode("utf-8") + b"\n" + png)
    stdout.flush()
