"""Reading the curation database back in tests: every row of every table.

A module of its own (not conftest) because the browser tests have a conftest too, and test
modules must not import a conftest by name.
"""

from __future__ import annotations

from typing import Any

from faq_bot.config import Settings

TableRows = dict[str, list[dict[str, Any]]]


def read_tables(url: str) -> TableRows:
    """Every row of every table at database `url`, read with a connection of its own."""
    import sqlalchemy

    from faq_bot.curation.store import database_url

    engine = sqlalchemy.create_engine(database_url(Settings(database_url=url)))
    try:
        meta = sqlalchemy.MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {name: [dict(row._mapping) for row in conn.execute(table.select())]
                    for name, table in meta.tables.items()}
    finally:
        engine.dispose()
