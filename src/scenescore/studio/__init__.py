"""The studio: a local web page for the spotting session (``scenescore studio RUN_DIR``).

Needs the ``studio`` extra (Starlette and uvicorn), imported only when the studio starts.
"""

from scenescore.studio.server import create_app, make_server

__all__ = ["create_app", "make_server"]
