"""The bare SQL baselines of ``bench/reports_scale.py``: one statement per report, by hand.

Each gives every figure of its report, rounded as SPEC §8 says, with no ORM and nothing
left for Python. AR as of a day D is the invoices issued by D, less the payments received
and the credits dated by D. Rather than join every payment to read its received date, all
applications are taken off and those received after the (earliest) day are given back —
the payments received since are few and found through their received-date index.
"""

from __future__ import annotations

AGING_SQL = """
WITH flows AS (
    SELECT due_date, amount FROM invoices WHERE issue_date <= %(day)s
    UNION ALL
    SELECT i.due_date, m.amount
    FROM (
        SELECT invoice_id, -amount AS amount FROM payment_applications
        UNION ALL
        SELECT a.invoice_id, a.amount
        FROM payments p JOIN payment_applications a ON a.payment_id = p.id
        WHERE p.received_date > %(day)s
        UNION ALL
        SELECT invoice_id, -amount FROM credits WHERE credit_date <= %(day)s
    ) m
    JOIN invoices i ON i.id = m.invoice_id
    WHERE i.issue_date <= %(day)s
)
SELECT
    coalesce(sum(amount) FILTER (WHERE due_date >= %(day)s::date), 0.00),
    coalesce(sum(amount) FILTER (
        WHERE due_date BETWEEN %(day)s::date - 30 AND %(day)s::date - 1), 0.00),
    coalesce(sum(amount) FILTER (
        WHERE due_date BETWEEN %(day)s::date - 60 AND %(day)s::date - 31), 0.00),
    coalesce(sum(amount) FILTER (
        WHERE due_date BETWEEN %(day)s::date - 90 AND %(day)s::date - 61), 0.00),
    coalesce(sum(amount) FILTER (
        WHERE due_date BETWEEN %(day)s::date - 120 AND %(day)s::date - 91), 0.00),
    coalesce(sum(amount) FILTER (WHERE due_date <= %(day)s::date - 121), 0.00),
    coalesce(sum(amount), 0.00)
FROM flows
"""

KPIS_SQL = """
WITH flows AS (
    SELECT true AS sale, issue_date AS since, NULL::date AS until, due_date, amount
    FROM invoices WHERE issue_date <= %(end)s
    UNION ALL
    SELECT false, greatest(m.since, i.issue_date), m.until, i.due_date, m.amount
    FROM (
        SELECT invoice_id, NULL::date AS since, NULL::date AS until, -amount AS amount
        FROM payment_applications
        UNION ALL
        SELECT a.invoice_id, NULL, p.received_date, a.amount
        FROM payments p JOIN payment_applications a ON a.payment_id = p.id
        WHERE p.received_date > %(before)s
        UNION ALL
        SELECT invoice_id, credit_date, NULL, -amount FROM credits WHERE credit_date <= %(end)s
    ) m
    JOIN invoices i ON i.id = m.invoice_id
    WHERE i.issue_date <= %(end)s
), totals AS (
    SELECT
        coalesce(sum(amount) FILTER (
            WHERE since <= %(before)s AND (until IS NULL OR until > %(before)s)), 0) AS ar_before,
        coalesce(sum(amount) FILTER (WHERE until IS NULL OR until > %(end)s), 0) AS ar_end,
        coalesce(sum(amount) FILTER (
            WHERE (until IS NULL OR until > %(end)s) AND due_date >= %(end)s), 0) AS current_end,
        coalesce(sum(amount) FILTER (WHERE sale AND since >= %(start)s), 0) AS sales
    FROM flows
), promised AS (
    SELECT count(*) FILTER (WHERE status = 'kept') AS kept,
           count(*) FILTER (WHERE status = 'broken') AS broken
    FROM promises WHERE due_date BETWEEN %(start)s AND %(end)s
), talks AS (
    SELECT count(*) AS conversations, count(*) FILTER (WHERE NOT escalated) AS contained
    FROM conversations WHERE started_at >= %(since)s AND started_at < %(until)s
)
SELECT
    CASE WHEN sales <> 0 THEN round(ar_end * %(days)s / sales, 2) END,
    CASE WHEN sales <> 0 THEN round(current_end * %(days)s / sales, 2) END,
    CASE WHEN sales <> 0 THEN round((ar_end - current_end) * %(days)s / sales, 2) END,
    CASE WHEN ar_before + sales - current_end <> 0 THEN
        round((ar_before + sales - ar_end) * 100 / (ar_before + sales - current_end), 2) END,
    CASE WHEN kept + broken > 0 THEN round(kept::numeric / (kept + broken), 2) END,
    kept,
    broken,
    CASE WHEN conversations > 0 THEN round(contained::numeric / conversations, 2) END
FROM totals, promised, talks
"""

#: for scale only: the invoices' stored open amounts by bucket — one pass over the invoices
#: and nothing else. Not the reports' figures: it cannot say what was open on a past day.
STORED_OPEN_SQL = """
SELECT
    sum(open_amount) FILTER (WHERE due_date >= %(day)s::date),
    sum(open_amount) FILTER (
        WHERE due_date BETWEEN %(day)s::date - 30 AND %(day)s::date - 1),
    sum(open_amount) FILTER (
        WHERE due_date BETWEEN %(day)s::date - 60 AND %(day)s::date - 31),
    sum(open_amount) FILTER (
        WHERE due_date BETWEEN %(day)s::date - 90 AND %(day)s::date - 61),
    sum(open_amount) FILTER (
        WHERE due_date BETWEEN %(day)s::date - 120 AND %(day)s::date - 91),
    sum(open_amount) FILTER (WHERE due_date <= %(day)s::date - 121)
FROM invoices WHERE issue_date <= %(day)s
"""
