"""Insight for managers (SPEC §13): roll rates and cure rate, right-party contact and promise
conversion, the 13-week cash forecast.

Each report reads its sums in one transaction (:mod:`bot.repositories.insight`,
:mod:`bot.repositories.forecast`), computes with the pure formulas of
:mod:`bot.policy.insight` and :mod:`bot.policy.forecast`, and has ``to_json`` (the contract
shape) and ``to_rows`` (``--csv`` and the console's downloads). The handoff summary, the
fourth part of §13, is made where escalations open (:mod:`bot.repositories.handoff_summaries`).
"""
