"""Attribution on real news with a floor: statements of the shared real-news set (issue 8).

Real reporting attributes with constructions the written development set rarely uses ("per the
Journal", "X, who said", "..., Reuters reported", quotations introduced by a colon), so the
statements of ``shared/corpus-news`` hold their own floor: precision and recall >= 0.80. The written
set's statements keep theirs (F1 >= 0.95). The texts are read from ``shared/`` at run time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.evaluate import score_dirs
from parley.extractor import default_extractor
from parley.ingest import read_sources
from parley.records import Article

#: Lowest acceptable precision and recall of statements on the real-news set.
NEWS_STATEMENTS_FLOOR = 0.80
#: Lowest acceptable F1 of statements on the written development set.
WRITTEN_STATEMENTS_FLOOR = 0.95

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (SHARED / "gold-news").is_dir(), reason="the shared directory is not beside the project"
    ),
]


def _statements(tmp_path: Path, corpus: str, gold: str) -> dict:
    articles = [a for a in read_sources([SHARED / corpus]) if isinstance(a, Article)]
    for article, records in default_extractor().extract_many(articles):
        (tmp_path / f"{article.id}.json").write_text(json.dumps(records.to_dict()), encoding="utf-8")
    return score_dirs(SHARED / gold, tmp_path)["kinds"]["statements"]


def test_statements_on_real_news(tmp_path: Path) -> None:
    scored = _statements(tmp_path, "corpus-news", "gold-news")
    assert scored["precision"] >= NEWS_STATEMENTS_FLOOR, scored
    assert scored["recall"] >= NEWS_STATEMENTS_FLOOR, scored


def test_statements_on_the_written_set(tmp_path: Path) -> None:
    assert _statements(tmp_path, "corpus", "gold")["f1"] >= WRITTEN_STATEMENTS_FLOOR
