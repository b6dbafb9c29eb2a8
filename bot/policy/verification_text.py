"""What the customer is told when verification locks (SPEC §5 Verification).

One place for these words: the verification form says them when an answer locks or is
refused, and the gateway says the first one to every message of a locked sender until the
lock ends. Each says how to reach a person: a locked sender already has a case in the
collectors' queue, which follows their conversation; a sender refused only because the
account is locked (by other senders' failures) can ask for one.
"""

from __future__ import annotations

from bot.policy.catalog import say

LOCKED = say("locked", "en")
ACCOUNT_LOCKED = say("account_locked", "en")


def lock_answer(
    support_contact: str = "", *, followed_up: bool = True, language: str | None = "en"
) -> str:
    """The lock answer: a person follows up (``followed_up``), or how to ask for one, in
    ``language``.

    ``support_contact`` (``ARBOT_SUPPORT_CONTACT``: a phone number or an e-mail address) is
    added as the way to reach the team sooner.
    """
    text = say("locked" if followed_up else "account_locked", language)
    if support_contact:
        text += say("locked_contact", language, contact=support_contact)
    return text
