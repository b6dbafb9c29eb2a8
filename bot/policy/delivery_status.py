"""The order of a message's delivery statuses, so callbacks arriving late cannot undo news.

Providers report a message's progress in separate callbacks that may arrive out of order
(Twilio: queued → sending → sent → delivered, or → undelivered / failed; a read receipt
after delivery). A status only replaces one that comes earlier in that progress.
"""

from __future__ import annotations

#: progress rank of each status; equal ranks are alternatives (delivered or undelivered)
RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "read": 4,
}


def supersedes(new: str, current: str | None) -> bool:
    """Whether a reported ``new`` status should replace the stored ``current`` one.

    Unknown statuses are kept as reported unless the stored one is final.
    """
    if current is None:
        return True
    new_rank = RANK.get(new, 2)
    return new_rank >= RANK.get(current, 0)
