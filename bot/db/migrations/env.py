"""Alembic environment: runs migrations on the engine handed over by bot.db.migrate."""

from __future__ import annotations

from alembic import context

from bot.db.models import Base

#: tables in the AR database that belong to a library, not to the models: APScheduler's
#: job store (bot/scheduler); autogenerate must neither create nor drop them
FOREIGN_TABLES = frozenset({"scheduler_jobs"})


def _ours(name: str | None, type_: str, _parent_names: object) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=_ours,
    )
    context.run_migrations()
