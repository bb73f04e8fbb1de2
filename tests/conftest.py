"""Shared test setup: the fixture modules loaded with ``pytest_plugins`` get pytest's assertion
rewriting too (they are imported before the test modules that name them)."""

import pytest

pytest.register_assert_rewrite("store_support", "test_web_support", "alert_support")
