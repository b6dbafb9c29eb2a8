"""The scheduler process: reminder passes and the daily evaluation, one leader at a time.

:mod:`bot.scheduler.lock` decides which scheduler leads (a database lock);
:mod:`bot.scheduler.timetable` says when the jobs run;
:mod:`bot.scheduler.process` runs APScheduler in the leader; :mod:`bot.scheduler.jobs`
holds what the jobs do in production (the reminder services), wired lazily.
"""
