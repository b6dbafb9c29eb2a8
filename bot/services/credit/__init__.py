"""Credit control (SPEC §12): credit holds and the credit report.

``holds`` starts and releases holds in the caller's transaction whenever their cause
changes (imports, payments, credits, decisions); ``report`` sums the allowance for doubtful
accounts from the aging the reports already compute. The rules are in
:mod:`bot.policy.credit`; the queries in :mod:`bot.repositories.credit_holds`.
"""
