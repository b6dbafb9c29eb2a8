"""The composition root: settings, clock, engine and session factory, built once per process.

Every process (CLI, web app, action server, scheduler) calls :func:`container` and reaches
services through it; nothing else creates engines or reads settings.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.db.engine import make_engine, make_session_factory
from bot.logging_setup import install_masking, settings_secrets
from bot.settings import Settings, load_settings


@dataclass(frozen=True)
class Container:
    """What a process is wired with."""

    settings: Settings
    clock: Clock
    engine: Engine
    sessions: sessionmaker[Session]


def build_container(settings: Settings) -> Container:
    """Wires a process from explicit settings (tests use this directly)."""
    engine = make_engine(settings.database_url)
    return Container(
        settings=settings,
        clock=settings.clock(),
        engine=engine,
        sessions=make_session_factory(engine),
    )


@functools.cache
def container() -> Container:
    """The process-wide container, built from the environment on first use.

    From then on the process's log records are masked (:mod:`bot.logging_setup`): no
    phone number, token, password or secret of these settings reaches a log.
    """
    settings = load_settings()
    install_masking(settings_secrets(settings))
    return build_container(settings)
