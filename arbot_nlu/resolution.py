"""One answer per span when a rule-based and a learned extractor both find entities.

The ``entity_ruler`` (SpacyEntityExtractor) knows the closed forms exactly: dates,
invoice numbers, postal codes, "$300", "A-1003". DIET learns what only the context tells:
a bare "300" that is an amount, "1003" that is the last digits of an account, "6" that is
a number of installments. Left alone, both answer for the same words and DIET's answer is
often a fragment ("next" and "thursday" where the ruler found "next thursday"), which the
action server would then have to untangle. So:

- every entity of the rule-based extractor is kept;
- a learned entity is dropped when it overlaps a rule-based one (the rule's span wins);
- a learned entity is dropped when its label is one the rules own (``rule_only``): for a
  date or an invoice number that no rule matched, a learned guess is more often a
  stray word than a real one.

Plain Python on Rasa's entity dicts, so the app env's tests can import it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

Entity = dict[str, Any]


def _overlaps(entity: Entity, others: list[Entity]) -> bool:
    return any(entity["start"] < o["end"] and o["start"] < entity["end"] for o in others)


def resolve(
    entities: list[Entity], rule_extractor: str, rule_only: Collection[str]
) -> list[Entity]:
    """Returns ``entities`` without the learned ones the rule-based extractor overrides.

    Args:
        entities: what every extractor found, each dict with ``start``, ``end``,
            ``entity`` and ``extractor`` as Rasa sets them.
        rule_extractor: the ``extractor`` name of the rule-based extractor.
        rule_only: labels only the rule-based extractor may produce.
    """
    rules = [e for e in entities if e.get("extractor") == rule_extractor]
    return [
        e
        for e in entities
        if e.get("extractor") == rule_extractor
        or (e["entity"] not in rule_only and not _overlaps(e, rules))
    ]
