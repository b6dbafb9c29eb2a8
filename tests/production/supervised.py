"""``arbot run``'s own supervisor over its own process plan, with Rasa's files elsewhere.

``python -m tests.production.supervised VAR NAME[,NAME...]`` does what ``arbot run --only
NAME...`` does — the plan of :func:`bot.cli.plan.processes` from the ``ARBOT_*``
environment, started and kept running by :func:`bot.cli.run.supervise`, which starts a
process again when it dies — except that Rasa's endpoints files go to ``VAR`` instead of
the repository's ``var/``, which a developer's own ``arbot run`` may be using. SIGTERM
stops every process. Fault tests and the load bench run their stack through this.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import FrameType

from bot.cli.plan import processes
from bot.cli.run import supervise
from bot.settings import load_settings


def main(argv: list[str]) -> int:
    """Runs the plan until SIGTERM or SIGINT; 1 when a process failed to start."""
    var, names = Path(argv[0]), {name for name in argv[1].split(",") if name}
    plan = processes(load_settings(dotenv=None), only=names, var=var)
    stopping = False

    def stop(_signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"supervising {', '.join(spec.name for spec in plan.specs)}", flush=True)
    failure = supervise(plan, lambda: stopping)
    if failure is not None:
        print(f"supervisor: {failure}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
