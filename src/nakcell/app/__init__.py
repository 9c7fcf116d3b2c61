"""``nakcell app``: the digital twin in a browser (Dash, served from this machine).

Dash serves its own scripts (React, Plotly, its components) from the installed Python
packages, so the app needs no network; it listens on 127.0.0.1 unless told otherwise. See
docs/app.md.
"""

from __future__ import annotations

import threading
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050


def create_app() -> Any:
    """The Dash application (layout and callbacks), scripts served locally."""
    from dash import Dash

    from nakcell.app import callbacks, layout

    app = Dash(
        __name__,
        title="nakcell",
        serve_locally=True,  # every script from this server, never a CDN
        suppress_callback_exceptions=True,
        update_title=None,
    )
    app.layout = layout.page()
    callbacks.register(app)
    return app


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, debug: bool = False) -> None:
    """Run the app until interrupted."""
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    threading.Thread(target=_warm_up, daemon=True).start()
    create_app().run(host=host, port=port, debug=debug)


def _warm_up() -> None:
    """Build the cell model's tables (alloy activity, phase data: ~10 s once) while the page
    loads, so the first run a user starts is as quick as the next."""
    from nakcell.app import service as sv

    try:
        cell = sv.get_cell("seed-nak")
        sv.run_symmetric(cell, sv.build_protocol(sv.ProtocolForm("galvanostatic", "1", "0.5", "1")))
    except Exception:  # a warm-up failure must not stop the app; the user's run will report
        pass
