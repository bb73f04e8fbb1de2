"""parley's web layer: the JSON API and the dashboard pages over a store (``parley serve``).

``create_app(store_url, settings=None)`` builds the FastAPI app. It reads through
``parley.analysis`` and the Store's read methods and writes only through ``parley.flow``.
"""

from __future__ import annotations

from parley.web.app import create_app

__all__ = ["create_app"]
