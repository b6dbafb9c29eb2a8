"""What the collectors' pages share: reading a form field, the status of a refusal, and
telling the collector what became of a decision's message to the customer."""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.datastructures import FormData
from starlette.requests import Request

from bot.errors import ArbotError, Conflict, InputError, NotFound
from bot.policy.text_input import storable
from bot.services import decisions
from bot.services.decisions import Notice
from bot.services.delivery import Postman

#: statuses a provider reports for a message it took
ACCEPTED = frozenset({"queued", "sent", "delivered", "duplicate"})


def status_of(exc: ArbotError) -> int:
    """The HTTP status of a refused request: 404 unknown, 409 state conflict, 400 input."""
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    return 400 if isinstance(exc, InputError) else 500


def text_field(form: FormData, name: str, *, limit: int, required: bool = True) -> str:
    """The trimmed text of field ``name``, storable (a NUL is U+FFFD).

    Raises:
        InputError: naming the field when it is missing or blank (if ``required``), or
            longer than ``limit`` characters.
    """
    value = form.get(name)
    text = storable(value).strip() if isinstance(value, str) else ""
    if required and not text:
        raise InputError(f"{name}: missing or blank")
    if len(text) > limit:
        raise InputError(f"{name}: longer than {limit} characters")
    return text


#: what the page says about the notice to the customer, by the code a redirect carries
NOTICE_OUTCOMES = {
    "told": "The customer was told.",
    "held": "The message to the customer is held (opted out, or no contact at all).",
    "unreachable": "The customer has no channel to be told on; contact them another way.",
    "failed": "The message to the customer failed; contact them another way.",
}


async def notify(postman: Postman, notice: Notice | None) -> str:
    """Sends a decision's notice; the :data:`NOTICE_OUTCOMES` code of what became of it.

    The decision is already stored, so a sending error is reported, not raised.
    """
    if notice is None:
        return "unreachable"
    try:
        delivered = await decisions.send(postman, notice)
    except ArbotError:
        return "failed"
    if delivered is None:
        return "unreachable"
    if delivered.status == "held":
        return "held"
    return "told" if delivered.status in ACCEPTED else "failed"


def outcome_banner(request: Request, subject: re.Pattern[str], outcomes: Mapping[str, str]) -> str:
    """The sentence a redirect after a decision asks its page to show.

    The query's ``decided`` must match ``subject`` and ``outcome`` and ``told`` be known
    codes, so a crafted link cannot put words of its own on the page.
    """
    decided = request.query_params.get("decided", "")
    outcome = request.query_params.get("outcome", "")
    if not subject.fullmatch(decided) or outcome not in outcomes:
        return ""
    notice = NOTICE_OUTCOMES.get(request.query_params.get("told", ""), "")
    return f"{decided} {outcomes[outcome]}. {notice}".strip()
