"""The web console in a real browser: Playwright driving Debian's Chromium, headless.

The pages are those of the e2e stack (Rasa, the action server and the web app, started once
for the session, see conftest.py). A collector works an escalation that a real web chat
created, from the live queue to the customer's next message answered by the bot again; a
manager's dashboard shows the figures ``arbot report`` prints for the same period; a
collector is refused the dashboard. One browser for the module and a fresh context (cookie
jar) per scenario.

Without Playwright or a ``chromium`` on the PATH the module is skipped, saying why, unless
``ARBOT_REQUIRE_BROWSER=1`` (CI) makes that a failure. ``ARBOT_CONSOLE_SCREENSHOTS=DIR``
saves queue.png, conversation.png and dashboard.png there (scripts/console_screenshots);
without it the tests write no file.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import pytest
from sqlalchemy import select

from bot.db.models import Escalation
from tests.cli.runner import arbot
from tests.e2e.chat import customer, say, verify
from tests.e2e.conftest import Stack

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # the module is skipped (or its browser fixture fails), saying why
    HAVE_PLAYWRIGHT = False
else:
    HAVE_PLAYWRIGHT = True

#: this machine's network is closed: without these Chromium stalls on refused connections
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
VIEWPORT: Any = {"width": 1280, "height": 800}
WAIT_MS = 15_000  # the queue page polls every 5 s; Rasa shares two cores with the browser
SCREENSHOTS = "ARBOT_CONSOLE_SCREENSHOTS"

#: Copper Kettle Bakery, A-1019, 540.00 past due; no other e2e test writes as this customer
CUSTOMER = "+18015550119"
REPLY = "Hi, this is Dana from accounts. I can set up a payment date with you."
NOTE = "Asked for a person after hearing the balance; offered a payment date."
#: a period other than the default 30 days, ending before today, so the range is honoured
START, END = "2026-10-01", "2026-11-20"
#: the KPI elements of the dashboard and the key of each in `arbot report kpis --json`
KPI_IDS = {
    "kpi-dso": "dso",
    "kpi-best-possible-dso": "best_possible_dso",
    "kpi-add": "add",
    "kpi-cei": "cei",
    "kpi-ptp-kept-rate": "ptp_kept_rate",
    "kpi-promises-kept": "promises_kept",
    "kpi-promises-broken": "promises_broken",
    "kpi-bot-containment": "bot_containment",
}
RATES = {"ptp_kept_rate", "bot_containment"}


class Shoot(Protocol):
    """Takes a screenshot named ``name`` when asked to (see :func:`shoot`)."""

    def __call__(self, page: Page, name: str, *, full_page: bool = False) -> None: ...


@dataclass(frozen=True)
class Login:
    email: str
    password: str


def _missing() -> str | None:
    """Why the browser cannot run here, or None."""
    if not HAVE_PLAYWRIGHT:
        return "playwright is not installed (requirements/app.lock: `make envs`)"
    if shutil.which("chromium") is None:
        return "no chromium on the PATH (`make test` installs Debian's with apt)"
    return None


REQUIRED = os.environ.get("ARBOT_REQUIRE_BROWSER") == "1"
if _missing() and not REQUIRED:  # skipped before the e2e stack is started for nothing
    pytest.skip(str(_missing()), allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, once for the module.

    Module scope, not session: while Playwright's sync API runs, the thread's asyncio loop
    counts as running, which later tests that call ``asyncio.run`` would trip over.
    """
    missing = _missing()
    if missing:
        pytest.fail(f"{missing}, and ARBOT_REQUIRE_BROWSER=1 requires the browser tests")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    """A page in a context of its own: no cookie is shared between scenarios."""
    context = browser.new_context(base_url=stack.web_url, viewport=VIEWPORT)
    context.set_default_timeout(WAIT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def users(stack: Stack) -> dict[str, Login]:
    """A collector and a manager, added with ``arbot user add`` as an operator would."""
    made = {}
    for role in ("collector", "manager"):
        login = Login(f"browser.{role}@example.com", secrets.token_urlsafe(18))
        added = arbot(
            "user", "add", login.email, "--role", role, "--password-stdin",
            database=stack.database_url, stdin=login.password + "\n",
        )  # fmt: skip
        assert added.code == 0, added.err
        made[role] = login
    return made


@pytest.fixture
def shoot() -> Shoot:
    """Saves the window (or the whole page) as ``NAME.png`` when ARBOT_CONSOLE_SCREENSHOTS
    names a folder; otherwise does nothing."""
    folder = os.environ.get(SCREENSHOTS)

    def take(page: Page, name: str, *, full_page: bool = False) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=full_page)

    return take


def log_in(page: Page, login: Login) -> None:
    """Fills in the login form and waits for the console behind it."""
    page.goto("/console/login")
    page.get_by_label("E-mail").fill(login.email)
    page.get_by_label("Password").fill(login.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("header .who")).to_contain_text(login.email)


def _open_request(stack: Stack, sender: str) -> int:
    with stack.db.connect() as connection:
        found = connection.scalar(
            select(Escalation.id).where(
                Escalation.channel == "web",
                Escalation.address == sender,
                Escalation.reason == "customer_request",
                Escalation.status == "open",
            )
        )
    assert found is not None, f"no open customer_request escalation for web:{sender}"
    return found


def _outbox(stack: Stack, address: str) -> list[dict[str, Any]]:
    listed = arbot("outbox", "--to", address, "--json", database=stack.database_url)
    assert listed.code == 0, listed.err
    sent: list[dict[str, Any]] = listed.json()
    return sent


def test_login_refuses_a_wrong_password(page: Page, users: dict[str, Login]) -> None:
    page.goto("/console/queue")
    expect(page).to_have_url(re.compile(r"/console/login\?next="))
    page.get_by_label("E-mail").fill(users["collector"].email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_a_collector_works_an_escalation_a_real_chat_created(
    stack: Stack, page: Page, users: dict[str, Login], shoot: Shoot
) -> None:
    log_in(page, users["collector"])
    expect(page).to_have_url(re.compile(r"/console/queue"))

    who = customer(stack, CUSTOMER)
    balance = " ".join(verify(stack, who, "how much do i owe"))
    assert "$540.00" in balance, balance
    asked = " ".join(say(stack, who.phone, "let me talk to a real person"))
    assert "collector" in asked, asked
    escalation = _open_request(stack, who.phone)
    row = page.locator(f'#queue tbody tr[data-id="{escalation}"]')
    expect(row).to_contain_text("unclaimed")  # the open page polls: no reload
    expect(row).to_contain_text(f"{who.account_number} · Copper Kettle Bakery")
    shoot(page, "queue")

    row.get_by_role("link").click()
    heading = page.get_by_role("heading", name=re.compile(rf"^Escalation {escalation}\b"))
    expect(heading).to_be_visible()
    panel = page.get_by_role("complementary", name="Account")
    expect(panel.get_by_role("heading", level=2)).to_contain_text(who.account_number)
    page.get_by_role("button", name="Claim").click()
    expect(page.get_by_text("by you")).to_be_visible()

    assert say(stack, who.phone, "hello? is anyone there") == []  # the bot is silent now
    page.reload()
    transcript = page.locator("ol.transcript")
    expect(transcript.locator("li").last).to_contain_text("hello? is anyone there")
    page.get_by_label(re.compile(r"^Reply to the customer")).fill(REPLY)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(transcript.locator("li.author-collector").last).to_contain_text(REPLY)
    sent = _outbox(stack, who.phone)[-1]
    assert (sent["channel"], sent["author"], sent["text"]) == ("web", "collector", REPLY)
    page.get_by_label(re.compile(r"^Add a note")).fill(NOTE)
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("ul.notes")).to_contain_text(NOTE)
    assert all(NOTE not in message["text"] for message in _outbox(stack, who.phone))
    shoot(page, "conversation", full_page=True)  # the page is longer than the window

    page.get_by_role("button", name="Resolve and return to the bot").click()
    expect(page).to_have_url(re.compile(r"/console/queue"))
    expect(page.locator(f'#queue tbody tr[data-id="{escalation}"]')).to_have_count(0)
    assert say(stack, who.phone, "how much do i owe") != []  # the bot answers again


def _shown_number(text: str) -> Decimal | None:
    """A figure as the page prints it (``439.74``, ``33%``, ``81,645.40``, ``n/a``)."""
    if text == "n/a":
        return None
    return Decimal(text.replace(",", "").rstrip("%"))


def _expected_shown(key: str, value: Any) -> Decimal | None:
    if value is None:
        return None
    if key in RATES:
        return (Decimal(str(value)) * 100).quantize(Decimal(1))
    return Decimal(str(value))


def test_the_manager_dashboard_shows_what_arbot_report_prints(
    stack: Stack, page: Page, users: dict[str, Login], shoot: Shoot
) -> None:
    log_in(page, users["manager"])
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_label("From").fill(START)
    page.get_by_label("To", exact=True).fill(END)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"from={START}&to={END}"))
    expect(page.locator("#period")).to_contain_text(f"{START} to {END}")

    kpis = arbot("report", "kpis", "--from", START, "--to", END, "--json",
                 database=stack.database_url).json()  # fmt: skip
    aging = arbot("report", "aging", "--as-of", END, "--json", database=stack.database_url).json()
    for element, key in KPI_IDS.items():
        figure = page.locator(f"#{element}")
        assert json.loads(figure.get_attribute("data-value") or "") == kpis[key], element
        assert _shown_number(figure.inner_text()) == _expected_shown(key, kpis[key]), element
    total = page.locator("#aging-total")
    assert json.loads(total.get_attribute("data-value") or "") == aging["total"]
    assert _shown_number(total.inner_text()) == Decimal(aging["total"])

    chart = page.locator("svg#chart-aging")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    bars = chart.locator("g.bar")
    expect(bars).to_have_count(len(aging["buckets"]))
    shown = [text.strip() for text in bars.locator("text.figure").all_text_contents()]
    assert shown == [f"{Decimal(amount):,.2f}" for amount in aging["buckets"].values()]
    expect(page.locator("svg#chart-ptp-weeks")).to_be_visible()
    chart.evaluate("svg => svg.closest('figure').scrollIntoView({block: 'end'})")
    shoot(page, "dashboard")  # the key figures and both charts


def test_a_collector_gets_the_403_page_for_the_dashboard(
    page: Page, users: dict[str, Login]
) -> None:
    log_in(page, users["collector"])
    expect(page.get_by_role("link", name="Dashboard")).to_have_count(0)
    response = page.goto("/console/dashboard")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    expect(page.locator("#kpi-dso")).to_have_count(0)
