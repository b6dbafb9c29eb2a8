"""Complaints and venting: "this is ridiculous", "stop harassing me", "you people keep texting".

A customer who vents is not asking for anything the intents name, and must never be read as
a request to be texted again. The bot answers with empathy and the ways out (a person, STOP)
instead of "I can't help with that". Pure: text in, a yes or no out.
"""

from __future__ import annotations

import re

_VENTING = re.compile(
    r"\b(?:ridiculous|absurd|outrageous|unbelievable|insane|crazy|joke|pathetic|disgusting|"
    r"unacceptable|harass\w*|annoy\w*|sick (?:and tired )?of|tired of|fed up|frustrat\w*|"
    r"angry|pissed|furious|upset|rude|scam\w*|leave me alone|bother\w* me|pester\w*|"
    r"keep (?:texting|messaging|calling|bugging|sending)|wtf|stupid|useless|terrible|"
    r"awful|worst|hate)\b|!{2,}"
)


def is_complaint(text: str) -> bool:
    """Whether ``text`` vents frustration (a complaint rather than a request)."""
    return bool(_VENTING.search(text.lower().replace("’", "'")))


_REFUSING = re.compile(
    r"\b(?:don'?t|dont|do not|never|stop|quit|no more|not|unsubscribe|opt out)\b"
)


def refuses_contact(text: str) -> bool:
    """Whether ``text`` says no to being contacted ("and don't you dare start texting me
    again"): such a message is never taken as consent, whatever NLU reads it as."""
    return bool(_REFUSING.search(text.lower().replace("’", "'")))


_PERSON = re.compile(
    r"\b(?:person|human|agent|someone|somebody|representative|rep|manager|operator|people)\b"
)
_ASKING_WHAT_WE_ARE = re.compile(
    r"^(?:are|r|is) (?:you|u|this|it) (?:a |an )?(?:real |actual |live )?"
    r"(?:bot|robot|person|human|machine|ai|computer|automated)\b"
)


def wants_a_person(text: str) -> bool:
    """Whether ``text`` demands a person ("get me a real person NOW", "a PERSON") rather than
    asks what the bot is ("are you a real person?")."""
    t = " ".join(text.lower().replace("’", "'").split())
    if not _PERSON.search(t):
        return False
    return not _ASKING_WHAT_WE_ARE.search(t) or bool(
        re.search(r"\b(?:get|give|put|want|need|talk|speak|connect|transfer)\b", t)
    )
