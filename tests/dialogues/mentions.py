"""Whether a bot reply mentions an amount, a date or a text, however the bot writes it.

The dialogues check facts, not wording: ``1240.00`` is found as "1,240.00", "$1240" or
"1,240"; 2026-12-04 as "Dec 4", "December 4th", "4 Dec", "12/04" or "2026-12-04".
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def amount_pattern(amount: str) -> re.Pattern[str]:
    """An amount with or without thousands separators; ``.00`` may be left out."""
    value = Decimal(amount)
    whole, cents = divmod(abs(value), 1)
    grouped = f"{int(whole):,}".replace(",", ",?")
    fraction = r"(?:\.00)?" if cents == 0 else re.escape(f"{cents:.2f}"[1:])
    return re.compile(rf"(?<![\d.,]){grouped}{fraction}(?![\d]|[.,]\d)")


def date_pattern(day: date, today: date | None = None) -> re.Pattern[str]:
    """A date written the ways a bot writes one (the weekday alone is not enough); "today"
    and "tomorrow" too when ``today`` says which day that is."""
    name = MONTHS[day.month - 1]
    spelled = {name, name[:3], "Sept"} if name == "September" else {name, name[:3]}
    month = rf"(?:{'|'.join(sorted(spelled, key=len, reverse=True))})\.?"
    number = rf"0?{day.day}(?:st|nd|rd|th)?(?!\d)"
    forms = [
        re.escape(day.isoformat()),
        rf"\b{month}\s+{number}",
        rf"(?<!\d){number}\s+(?:of\s+)?{month}\b",
        rf"(?<![\d/]){day.month:d}/0?{day.day}(?!\d)",
        rf"(?<![\d/])0{day.month:d}/0?{day.day}(?!\d)",
    ]
    if today is not None and day == today:
        forms.append(r"\btoday\b")
    if today is not None and day == today + timedelta(days=1):
        forms.append(r"\btomorrow\b")
    return re.compile("|".join(forms), re.IGNORECASE)


def text_pattern(text: str) -> re.Pattern[str]:
    """A text in any case, spaces matching any run of white space."""
    return re.compile(r"\s+".join(map(re.escape, text.split())), re.IGNORECASE)
