"""Outbound messages that need a person: failed, or in doubt (SPEC §7).

The dispatcher (:mod:`bot.services.dispatch`) gives a message up as ``failed`` (a
refusal, or 24 hours of failures) or marks it ``in_doubt`` (handed over, no answer
stored); it never resends either by itself. Here a person lists them
(``arbot outbox --failed``, ``/console/failed``), sends one again once, or discards it;
each decision is an audit event on the message with who made it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.errors import Conflict, NotFound
from bot.repositories import audit, users
from bot.repositories import dispatch_queue as queue
from bot.services.dispatch import Postman, Sent, send_now


def needing_a_person(sessions: sessionmaker[Session]) -> list[queue.Stuck]:
    """Failed and in-doubt messages, oldest first (``arbot outbox --failed``)."""
    with sessions() as session, session.begin():
        return queue.needing_a_person(session)


async def retry(
    postman: Postman, message_id: int, *, actor: str, user_id: int | None = None, by: str = ""
) -> Sent:
    """A person sends a failed or in-doubt message again, once (audited).

    Raises:
        NotFound: naming the message when it is not failed or in doubt.
    """
    await run_in_threadpool(_decide, postman, message_id, "retried", actor, user_id, by)
    found = await send_now(postman, [message_id])
    return found.get(message_id) or Sent(message_id, "pending", "queued")


def discard(
    postman: Postman, message_id: int, *, actor: str, user_id: int | None = None, by: str = ""
) -> None:
    """A person gives a failed or in-doubt message up for good (audited).

    Raises:
        NotFound: naming the message when it is not failed or in doubt.
    """
    _decide(postman, message_id, "discarded", actor, user_id, by)


def _decide(
    postman: Postman, message_id: int, action: str, actor: str, user_id: int | None, by: str
) -> None:
    now = postman.queue_now()
    with postman.sessions() as session, session.begin():
        if user_id is None and "@" in by:  # an operator naming a console user
            user = users.by_email(session, by.strip().lower())
            if user is None:
                raise NotFound(f"by: no console user {by!r}")
            user_id = user.id
        found = queue.stuck(session, message_id)
        if found is None:
            raise NotFound(f"message {message_id} is not failed or in doubt")
        if action == "retried":
            queue.requeue(session, message_id, now)
        elif action == "discarded":
            queue.discard(session, message_id)
        else:
            raise Conflict(f"action: {action!r} is not retried or discarded")
        audit.record(
            session, at=now, entity="message", entity_id=message_id, action=action,
            actor=actor, user_id=user_id,
            detail={"was": found.state, "error": found.error, "by": by},
        )  # fmt: skip
