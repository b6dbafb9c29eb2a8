"""What the customer is told when verification locks (SPEC §5 Verification).

One place for these words: the verification form says them when an answer locks or is
refused, and the gateway says the first one to every message of a locked sender until the
lock ends. Each says how to reach a person: a locked sender already has a case in the
collectors' queue, which follows their conversation; a sender refused only because the
account is locked (by other senders' failures) can ask for one.
"""

from __future__ import annotations

LOCKED = (
    "For your security, verification is locked after too many attempts. A person from "
    "our team will follow up with you here within one business day."
)
ACCOUNT_LOCKED = (
    "For your security, verification for that account is locked after too many attempts. "
    "To reach a person, reply AGENT."
)


def lock_answer(support_contact: str = "", *, followed_up: bool = True) -> str:
    """The lock answer: a person follows up (``followed_up``), or how to ask for one.

    ``support_contact`` (``ARBOT_SUPPORT_CONTACT``: a phone number or an e-mail address) is
    added as the way to reach the team sooner.
    """
    text = LOCKED if followed_up else ACCOUNT_LOCKED
    if support_contact:
        text += f" You can also reach us at {support_contact}."
    return text
