"""Pure collections policy: no I/O, no clock, no SQLAlchemy, Rasa or HTTP imports.

Every function takes ``today``/``now`` and a :class:`~bot.policy.rules.Policy` as arguments,
so the same rules serve the action server, the scheduler, the console and the reports.
"""
