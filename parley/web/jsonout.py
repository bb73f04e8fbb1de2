"""JSON answers of data that is already plain (dicts, lists, strings, numbers, None).

FastAPI passes what an endpoint returns through ``jsonable_encoder``, a Python walk over every
value that costs more than the queries behind an article page; ``json.dumps`` does the same
in C. Endpoints return :class:`JSONData` themselves.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse


class JSONData(JSONResponse):
    """A JSON response rendered with ``json.dumps`` (a value it cannot encode is written as text)."""

    def render(self, content: Any) -> bytes:
        return json.dumps(
            content, ensure_ascii=False, allow_nan=False, separators=(",", ":"), default=str
        ).encode("utf-8")
