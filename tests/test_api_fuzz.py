"""The API fuzzed from its own OpenAPI schema (schemathesis): no request it generates, valid or
not, makes the server fail (5xx), and every answer keeps to the schema's statuses and types.

Bounded: ``EXAMPLES`` requests per operation and mode, so the whole run takes a minute or two.
Each operation is its own test case (schemathesis's pytest plugin does not run on pytest 9, so the
cases are drawn with Hypothesis from ``APIOperation.as_strategy``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from test_web_support import TOKEN

from parley.settings import load_settings
from parley.web import create_app

pytest_plugins = ["test_web_support"]

EXAMPLES = 20
#: The methods that write (and need the token).
WRITES = ("POST", "DELETE")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The operations and modes to fuzz, read from the schema of an app over an empty in-memory store
# (the schema does not depend on what is stored). Invalid requests only where there is something
# to make invalid: parameters or a body.


def _schema() -> dict:
    app = create_app(":memory:")
    try:
        return app.openapi()
    finally:
        app.state.parley.close()


_SCHEMA = _schema()
CASES = sorted(
    (path, method.upper(), mode)
    for path, methods in _SCHEMA["paths"].items()
    for method, operation in methods.items()
    for mode in ([GenerationMode.POSITIVE, GenerationMode.NEGATIVE] if operation.get("parameters")
                 or operation.get("requestBody") else [GenerationMode.POSITIVE])
)  # fmt: skip


@pytest.fixture(scope="module")
def api(
    seed_db: Path, extractor: object, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[schemathesis.BaseSchema]:
    """The schema of the app over a copy of the seed store, with a write token configured."""
    copy = tmp_path_factory.mktemp("fuzz") / "parley.db"
    shutil.copyfile(seed_db, copy)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PARLEY_TOKEN", TOKEN)
        app = create_app(str(copy), load_settings(serve={"max_body_bytes": 200_000}), extractor=extractor)
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
        app.state.parley.close()


def fuzz(
    schema: schemathesis.BaseSchema, path: str, method: str, mode: GenerationMode, **headers: str
) -> None:
    """Send ``EXAMPLES`` generated requests to one operation and check every answer."""
    operation = schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case: schemathesis.Case) -> None:
        response = case.call_and_validate(headers=headers or None, checks=CHECKS)
        if method in WRITES and not headers:
            assert response.status_code in (401, 403, 413, 422), response.text

    run()


@pytest.mark.parametrize(("path", "method", "mode"), CASES, ids=[f"{m} {p} {g.value}" for p, m, g in CASES])
def test_no_request_fails_the_server(
    api: schemathesis.BaseSchema, path: str, method: str, mode: GenerationMode
) -> None:
    """Without a token: reads answer, writes are refused with 401/403 (or 413/422), never 5xx."""
    fuzz(api, path, method, mode)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(
    ("path", "method"),
    [("/api/articles", "POST"), ("/api/articles/{article_id}", "DELETE")],
    ids=["POST", "DELETE"],
)
def test_no_write_fails_the_server(
    api: schemathesis.BaseSchema, path: str, method: str, mode: GenerationMode
) -> None:
    """With the token: whatever the body, an article is stored or refused as input, and whatever the
    id, an article is deleted or not found, never 5xx."""
    fuzz(api, path, method, mode, Authorization=f"Bearer {TOKEN}")
