"""The hand-written SQL baselines of ``bench/insight_scale.py`` (SPEC §13), for PostgreSQL.

``ROLLS_SQL`` gives every figure of ``arbot report rolls`` for a month — the five roll
rates and the cure rate, rounded in SQL — in one statement. ``EXPOSURE_SQL``,
``RECEIPTS_SQL`` and ``COMMITMENTS_SQL`` read what the forecast is computed from (open AR by
due date before each of the 13 trailing weeks and on D − 1, the payments of those weeks by
due date and day, the promises and installments): the weekly figures then come from the
same few milliseconds of arithmetic as the product's. AR as of a day is the invoices issued
by then, less everything applied, plus what was received after the earliest day read
(given back until it came), less the credits dated by then — as ``reports_sql.py`` reads it.
"""

from __future__ import annotations

_FLOWS = """
flows AS (
    SELECT issue_date AS since, NULL::date AS until, due_date, issue_date, account_id, amount
    FROM invoices WHERE issue_date <= %(last)s
    UNION ALL
    SELECT greatest(m.since, i.issue_date), m.until, i.due_date, i.issue_date, i.account_id,
           m.amount
    FROM (
        SELECT invoice_id, NULL::date AS since, NULL::date AS until, -amount AS amount
        FROM payment_applications
        UNION ALL
        SELECT a.invoice_id, NULL, p.received_date, a.amount
        FROM payments p JOIN payment_applications a ON a.payment_id = p.id
        WHERE p.received_date > %(first)s
        UNION ALL
        SELECT invoice_id, credit_date, NULL, -amount FROM credits WHERE credit_date <= %(last)s
    ) m
    JOIN invoices i ON i.id = m.invoice_id
    WHERE i.issue_date <= %(last)s
)"""

_ON = "since <= {d} AND (until IS NULL OR until > {d})"
_B, _E = "%(first)s::date", "%(last)s::date"


def _roll(low: int | None, high: int) -> str:
    was = f"due_date >= {_B} - {high}" + ("" if low is None else f" AND due_date <= {_B} - {low}")
    opening = f"sum(amount) FILTER (WHERE {_ON.format(d=_B)} AND {was})"
    rolled = (
        f"coalesce(sum(amount) FILTER (WHERE {_ON.format(d=_E)} AND issue_date <= {_B} "
        f"AND {was} AND due_date < {_E} - {high}), 0)"
    )
    return f"CASE WHEN {opening} <> 0 THEN round({rolled} / {opening}, 2) END"


#: built from constants only; the days are bound parameters
ROLLS_SQL = f"""
WITH {_FLOWS}, by_account AS (
    SELECT sum(amount) FILTER (WHERE {_ON.format(d=_B)} AND due_date < {_B}) AS pd0,
           sum(amount) FILTER (WHERE {_ON.format(d=_E)}) AS pd1
    FROM flows WHERE due_date < {_E} GROUP BY account_id
), cure AS (
    SELECT count(*) FILTER (WHERE pd0 > 0) AS past_due,
           count(*) FILTER (WHERE pd0 > 0 AND coalesce(pd1, 0) <= 0) AS cured
    FROM by_account
), rolls AS (
    SELECT {_roll(None, 0)}, {_roll(1, 30)}, {_roll(31, 60)}, {_roll(61, 90)}, {_roll(91, 120)}
    FROM flows
)
SELECT rolls.*, CASE WHEN past_due > 0 THEN round(cured::numeric / past_due, 2) END
FROM rolls, cure
"""  # noqa: S608 - built from constants only; the days are bound parameters

#: %(days)s: the 14 days read (the day before each trailing week, then D − 1)
_SNAPSHOTS = ", ".join(
    f"sum(amount) FILTER (WHERE {_ON.format(d=f'%(d{k})s::date')})" for k in range(13)
)
EXPOSURE_SQL = f"""
WITH {_FLOWS}, committed AS (
    SELECT account_id FROM promises WHERE status = 'pending'
    UNION SELECT account_id FROM payment_plans WHERE status = 'active'
)
SELECT due_date,
       sum(amount) FILTER (WHERE {_ON.format(d=_E)}
                           AND account_id NOT IN (SELECT account_id FROM committed)),
       {_SNAPSHOTS}
FROM flows GROUP BY due_date
"""  # noqa: S608 - as ROLLS_SQL

RECEIPTS_SQL = """
SELECT i.due_date, p.received_date, sum(a.amount)
FROM payment_applications a
JOIN payments p ON p.id = a.payment_id
JOIN invoices i ON i.id = a.invoice_id
WHERE p.received_date BETWEEN %(first)s AND %(last)s
GROUP BY i.due_date, p.received_date
"""

COMMITMENTS_SQL = """
SELECT 'promise', due_date, amount FROM promises
WHERE status = 'pending' AND due_date BETWEEN %(as_of)s AND %(horizon)s
UNION ALL
SELECT 'installment', s.due_date, s.amount FROM installments s
JOIN payment_plans p ON p.id = s.plan_id
WHERE s.status = 'scheduled' AND p.status = 'active'
  AND s.due_date BETWEEN %(as_of)s AND %(horizon)s
UNION ALL
SELECT 'kept', NULL, count(*) FILTER (WHERE status = 'kept') FROM promises
WHERE due_date BETWEEN %(history)s AND %(last)s
UNION ALL
SELECT 'broken', NULL, count(*) FILTER (WHERE status = 'broken') FROM promises
WHERE due_date BETWEEN %(history)s AND %(last)s
UNION ALL
SELECT 'paid', NULL, count(*) FILTER (WHERE status = 'paid') FROM installments
WHERE due_date BETWEEN %(history)s AND %(last)s
UNION ALL
SELECT 'missed', NULL, count(*) FILTER (WHERE status = 'missed') FROM installments
WHERE due_date BETWEEN %(history)s AND %(last)s
"""
