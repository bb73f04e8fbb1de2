"""parley's database: the only place with SQL. See ``docs/STORE.md`` for the API and the schema.

::

    from parley.store import open_store
    with open_store("parley.db") as store:          # or "postgresql://user@host/db"
        print(store.stats())
"""

from __future__ import annotations

from parley.store.db import TABLES, Store, database_url, open_store

__all__ = ["Store", "TABLES", "database_url", "open_store"]
