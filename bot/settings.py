"""Settings from ``ARBOT_*`` environment variables and an optional ``.env`` file (SPEC §9).

The real environment wins over ``.env``. Policy numbers are overridden one by one with
``ARBOT_POLICY_<FIELD>`` (for example ``ARBOT_POLICY_PROMISE_MAX_DAYS=10``).
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clock import Clock, FixedClock, SystemClock, parse_instant
from bot.errors import ConfigError
from bot.policy.credit import (
    DEFAULT_ALLOWANCE_RATES,
    HOLD_DAYS_PAST_DUE,
    WRITE_OFF_DAYS,
    parse_allowance_rates,
)
from bot.policy.finance_charges import ChargeRules
from bot.policy.rules import Policy

PROVIDERS = ("outbox", "twilio", "telegram")
PAYMENT_PROVIDERS = ("link", "stripe")
#: what Stripe Checkout can take here (SPEC §11 ``ARBOT_PAYMENT_METHODS``)
PAYMENT_METHODS = ("card", "us_bank_account", "link", "cashapp", "amazon_pay")
STRIPE_API_URL = "https://api.stripe.com"
TRACKER_SCHEMES = ("sqlite", "postgresql", "postgres")
LOCK_SCHEMES = ("redis", "rediss")
#: the most Rasa replicas or action servers one setting may ask for
MAX_PROCESSES = 64


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about its deployment."""

    database_url: str = "sqlite:///var/arbot.db"
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    public_url: str = "http://127.0.0.1:8000"
    rasa_urls: tuple[str, ...] = ("http://127.0.0.1:5005",)
    #: where Rasa calls the action server (``action_endpoint`` of the endpoints file)
    action_server_url: str = "http://127.0.0.1:5055/webhook"
    #: how many Rasa replicas; one ``ARBOT_RASA_URL`` becomes that many on consecutive ports
    rasa_replicas: int = 1
    #: how many action servers ``arbot run`` starts, on consecutive ports from
    #: ``action_server_url``; replica i calls action server i mod this
    action_servers: int = 1
    #: Rasa's tracker store: blank = the one that goes with the AR database (a SQLite file
    #: beside it, or its schema ``rasa`` on PostgreSQL), or a ``sqlite:///`` or
    #: ``postgresql://`` URL (every replica must share one)
    tracker_store_url: str = field(default="", repr=False)
    #: Rasa's lock store: blank = in memory (one replica only), or ``redis://`` / ``rediss://``
    lock_store_url: str = field(default="", repr=False)
    sms_provider: str = "outbox"
    telegram_provider: str = "outbox"
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_from: str = ""
    #: the Twilio REST API's base URL (tests point it at a local fake)
    twilio_api_url: str = "https://api.twilio.com"
    telegram_token: str = field(default="", repr=False)
    telegram_secret: str = field(default="", repr=False)
    #: the Bot API's address up to the token (a local fake in tests, a self-hosted server)
    telegram_api_url: str = "https://api.telegram.org/bot"
    #: the bot's @username without the @, for ``https://t.me/<bot>?start=CODE`` links
    telegram_bot_username: str = ""
    default_timezone: ZoneInfo | None = None
    company_name: str = "Acme Supply Co."
    #: how a customer reaches a person (phone or e-mail), in the HELP answer
    support_contact: str = ""
    payment_link: str = ""
    #: ``link`` (the ``payment_link`` template) or ``stripe`` (Checkout links, SPEC §11)
    payment_provider: str = "link"
    stripe_secret_key: str = field(default="", repr=False)
    stripe_webhook_secret: str = field(default="", repr=False)
    #: Stripe's API base address (tests point it at a local fake)
    stripe_api_url: str = STRIPE_API_URL
    payment_methods: tuple[str, ...] = ("card", "us_bank_account")
    #: days a ``/pay/{token}`` link stays valid
    payment_link_days: int = 14
    now: datetime | None = None
    policy: Policy = field(default_factory=Policy)
    #: minutes between two reminder passes of the scheduler
    scheduler_interval_minutes: int = 15
    #: when the scheduler evaluates the day (promises, plans), in ``default_timezone`` or UTC
    scheduler_daily_at: time = time(6, 0)
    #: how often a waiting scheduler retries the lock, and the leader checks it still holds it
    scheduler_lock_poll_seconds: float = 5.0
    #: the largest request body the web app reads (a Twilio form is a few kilobytes)
    max_body_bytes: int = 64 * 1024
    #: web chat messages a minute per client address (``POST /webhooks/rest/webhook``);
    #: 0 turns the limit off
    webchat_rate_limit: int = 60
    #: the bearer token the web chat asks for; blank: none
    webchat_token: str = field(default="", repr=False)
    #: an undisputed invoice more than this many days past due puts its account on hold
    hold_days_past_due: int = HOLD_DAYS_PAST_DUE
    #: percent of each aging bucket reserved as the allowance for doubtful accounts
    allowance_rates: tuple[tuple[str, Decimal], ...] = tuple(
        parse_allowance_rates(DEFAULT_ALLOWANCE_RATES).items()
    )

    #: ``ARBOT_FINANCE_CHARGE_*``: rate (0: off), grace days, minimum, consumers
    finance_charges: ChargeRules = ChargeRules()
    #: an undisputed invoice more than this many days past due may be written off
    write_off_days: int = WRITE_OFF_DAYS
    #: ``ARBOT_WEBHOOK_URL``: receivers of the change feed (SPEC §15); none: not sent
    webhook_urls: tuple[str, ...] = ()
    #: ``ARBOT_WEBHOOK_SECRET``: the HMAC key of ``X-Arbot-Signature``
    webhook_secret: str = field(default="", repr=False)

    def clock(self) -> Clock:
        """The clock every process of this deployment uses."""
        return FixedClock(self.now) if self.now is not None else SystemClock()


def read_dotenv(path: Path) -> dict[str, str]:
    """Reads ``KEY=value`` lines; blank lines and ``#`` comments are skipped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ConfigError(f"{path}:{number}: expected KEY=value")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("\"'")
    return values


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Builds :class:`Settings` from the environment (and ``.env`` beneath it).

    Raises:
        ConfigError: naming the variable whose value is malformed.
    """
    env = read_dotenv(dotenv) if dotenv is not None else {}
    env.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return env.get(f"ARBOT_{name}", default).strip()

    for name, allowed in (("SMS_PROVIDER", PROVIDERS), ("TELEGRAM_PROVIDER", PROVIDERS)):
        if get(name, "outbox") not in allowed:
            raise ConfigError(f"ARBOT_{name}: {get(name)!r} is not one of {', '.join(allowed)}")
    try:
        now = parse_instant(get("NOW")) if get("NOW") else None
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return Settings(
        database_url=get("DATABASE_URL", Settings.database_url),
        web_host=get("WEB_HOST", Settings.web_host),
        web_port=_int(get("WEB_PORT", str(Settings.web_port)), "ARBOT_WEB_PORT"),
        public_url=get("PUBLIC_URL", Settings.public_url).rstrip("/"),
        action_server_url=get("ACTION_SERVER_URL", Settings.action_server_url),
        sms_provider=get("SMS_PROVIDER", "outbox"),
        telegram_provider=get("TELEGRAM_PROVIDER", "outbox"),
        twilio_account_sid=get("TWILIO_ACCOUNT_SID"),
        twilio_auth_token=get("TWILIO_AUTH_TOKEN"),
        twilio_from=get("TWILIO_FROM"),
        twilio_api_url=get("TWILIO_API_URL", Settings.twilio_api_url).rstrip("/"),
        telegram_token=get("TELEGRAM_TOKEN"),
        telegram_secret=get("TELEGRAM_SECRET"),
        telegram_api_url=get("TELEGRAM_API_URL", Settings.telegram_api_url).rstrip("/"),
        telegram_bot_username=get("TELEGRAM_BOT_USERNAME").removeprefix("@"),
        default_timezone=zone_or_none(get("DEFAULT_TIMEZONE"), "ARBOT_DEFAULT_TIMEZONE"),
        company_name=get("COMPANY_NAME", Settings.company_name),
        support_contact=get("SUPPORT_CONTACT"),
        payment_link=get("PAYMENT_LINK"),
        now=now,
        policy=_policy(env),
        max_body_bytes=_positive(get("MAX_BODY_BYTES", "65536"), "ARBOT_MAX_BODY_BYTES"),
        webchat_rate_limit=_not_negative(
            get("WEBCHAT_RATE_LIMIT", str(Settings.webchat_rate_limit)),
            "ARBOT_WEBCHAT_RATE_LIMIT",
        ),
        webchat_token=_token(get("WEBCHAT_TOKEN"), "ARBOT_WEBCHAT_TOKEN"),
        **_scheduler(get),
        **_dialogue(get),
        **_payments(get),
        **_credit(get),
        **_webhooks(get),
    )


def _webhooks(get: Callable[[str, str], str]) -> dict[str, Any]:
    """``ARBOT_WEBHOOK_URL`` (comma-separated http(s) URLs) and ``ARBOT_WEBHOOK_SECRET``."""
    urls = tuple(u.strip() for u in get("WEBHOOK_URL", "").split(",") if u.strip())
    for url in urls:
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise ConfigError(f"ARBOT_WEBHOOK_URL: {url!r} is not an http(s) URL")
    secret = get("WEBHOOK_SECRET", "")
    if urls and not secret:
        raise ConfigError("ARBOT_WEBHOOK_SECRET: required when ARBOT_WEBHOOK_URL is set")
    return {"webhook_urls": urls, "webhook_secret": secret}


def zone_or_none(name: str, variable: str) -> ZoneInfo | None:
    """An IANA zone, or None for a blank name; raises ConfigError naming ``variable``."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{variable}: {name!r} is not an IANA time zone") from None


def _scheduler(get: Callable[[str, str], str]) -> dict[str, Any]:
    """The ``ARBOT_SCHEDULER_*`` settings, each checked and named when malformed."""
    minutes = _int(get("SCHEDULER_INTERVAL_MINUTES", "15"), "ARBOT_SCHEDULER_INTERVAL_MINUTES")
    if minutes < 1:
        raise ConfigError(f"ARBOT_SCHEDULER_INTERVAL_MINUTES: {minutes} is not at least 1")
    daily = get("SCHEDULER_DAILY_AT", "06:00")
    try:
        daily_at = time.fromisoformat(daily)
    except ValueError:
        daily_at = time(tzinfo=timezone.utc)  # refused below, like an offset
    if daily_at.tzinfo is not None:  # the zone is ARBOT_DEFAULT_TIMEZONE's, not an offset's
        raise ConfigError(f"ARBOT_SCHEDULER_DAILY_AT: {daily!r} is not a local time (HH:MM)")
    poll = get("SCHEDULER_LOCK_POLL_SECONDS", "5")
    try:
        poll_seconds = float(poll)
    except ValueError:
        poll_seconds = 0.0
    if not (math.isfinite(poll_seconds) and poll_seconds > 0):
        raise ConfigError(f"ARBOT_SCHEDULER_LOCK_POLL_SECONDS: {poll!r} is not a positive number")
    return {
        "scheduler_interval_minutes": minutes,
        "scheduler_daily_at": daily_at,
        "scheduler_lock_poll_seconds": poll_seconds,
    }


def _payments(get: Callable[[str, str], str]) -> dict[str, Any]:
    """The ``ARBOT_PAYMENT_*`` and ``ARBOT_STRIPE_*`` settings (SPEC §11).

    Stripe needs its API key (``sk_…`` or ``rk_…``) and the webhook signing secret
    (``whsec_…``): without either a payment could be taken but never recorded.
    """
    provider = get("PAYMENT_PROVIDER", "link")
    if provider not in PAYMENT_PROVIDERS:
        raise ConfigError(
            f"ARBOT_PAYMENT_PROVIDER: {provider!r} is not one of {', '.join(PAYMENT_PROVIDERS)}"
        )
    key, secret = get("STRIPE_SECRET_KEY", ""), get("STRIPE_WEBHOOK_SECRET", "")
    if provider == "stripe":
        if not key.startswith(("sk_", "rk_")):
            problem = "missing" if not key else "not a Stripe secret key (sk_… or rk_…)"
            raise ConfigError(f"ARBOT_STRIPE_SECRET_KEY: {problem}, needed by provider stripe")
        if not secret.startswith("whsec_"):
            problem = "missing" if not secret else "not a webhook signing secret (whsec_…)"
            raise ConfigError(f"ARBOT_STRIPE_WEBHOOK_SECRET: {problem}, needed by provider stripe")
    methods = tuple(m.strip() for m in get("PAYMENT_METHODS", "card,us_bank_account").split(","))
    unknown = [m for m in methods if m not in PAYMENT_METHODS]
    if unknown or not any(methods):
        raise ConfigError(
            f"ARBOT_PAYMENT_METHODS: {','.join(unknown) or 'blank'} is not among"
            f" {', '.join(PAYMENT_METHODS)}"
        )
    api_url = get("STRIPE_API_URL", STRIPE_API_URL).rstrip("/")
    if not api_url.startswith(("https://", "http://")):
        raise ConfigError(f"ARBOT_STRIPE_API_URL: {api_url!r} is not an http(s) URL")
    return {
        "payment_provider": provider,
        "stripe_secret_key": key,
        "stripe_webhook_secret": secret,
        "stripe_api_url": api_url,
        "payment_methods": methods,
        "payment_link_days": _positive(get("PAYMENT_LINK_DAYS", "14"), "ARBOT_PAYMENT_LINK_DAYS"),
    }


def _credit(get: Callable[[str, str], str]) -> dict[str, Any]:
    """The credit control settings (SPEC §12), each named when malformed."""
    text = get("ALLOWANCE_RATES", DEFAULT_ALLOWANCE_RATES)
    try:
        rates = parse_allowance_rates(text)
    except ValueError as exc:
        raise ConfigError(f"ARBOT_ALLOWANCE_RATES: {exc}") from None
    return {
        "hold_days_past_due": _not_negative(
            get("HOLD_DAYS_PAST_DUE", str(HOLD_DAYS_PAST_DUE)), "ARBOT_HOLD_DAYS_PAST_DUE"
        ),
        "allowance_rates": tuple(rates.items()),
        "finance_charges": _finance_charges(get),
        "write_off_days": _not_negative(
            get("WRITE_OFF_DAYS", str(WRITE_OFF_DAYS)), "ARBOT_WRITE_OFF_DAYS"
        ),
    }


def _finance_charges(get: Callable[[str, str], str]) -> ChargeRules:
    """``ARBOT_FINANCE_CHARGE_RATE``, ``_GRACE_DAYS``, ``_MIN`` and ``_CONSUMERS``."""
    amounts: dict[str, Decimal] = {}
    for name, default in (("RATE", "0"), ("MIN", "1.00")):
        text = get(f"FINANCE_CHARGE_{name}", default)
        try:
            amounts[name] = Decimal(text)
        except InvalidOperation:
            amounts[name] = Decimal(-1)
        if not amounts[name].is_finite() or amounts[name] < 0:
            raise ConfigError(f"ARBOT_FINANCE_CHARGE_{name}: {text!r} is not a number ≥ 0")
    consumers = get("FINANCE_CHARGE_CONSUMERS", "false").lower()
    if consumers not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError(f"ARBOT_FINANCE_CHARGE_CONSUMERS: {consumers!r} is not true or false")
    return ChargeRules(
        rate=amounts["RATE"],
        grace_days=_not_negative(
            get("FINANCE_CHARGE_GRACE_DAYS", "30"), "ARBOT_FINANCE_CHARGE_GRACE_DAYS"
        ),
        minimum=amounts["MIN"],
        consumers=consumers in ("true", "1", "yes"),
    )


def _dialogue(get: Callable[[str, str], str]) -> dict[str, Any]:
    """Rasa's replicas, the action servers and Rasa's stores (the production profile).

    One ``ARBOT_RASA_URL`` and ``ARBOT_RASA_REPLICAS=N`` name N replicas on consecutive
    ports; a list of URLs names the replicas itself (N, when given, must match it).
    """
    urls = [u.strip().rstrip("/") for u in get("RASA_URL", "").split(",") if u.strip()]
    urls = urls or list(Settings.rasa_urls)
    if len(set(urls)) != len(urls):
        raise ConfigError("ARBOT_RASA_URL: a replica is named twice")
    replicas_text = get("RASA_REPLICAS", "")
    replicas = _count(replicas_text or str(len(urls)), "ARBOT_RASA_REPLICAS")
    if len(urls) == 1:
        urls = list(consecutive_ports(urls[0], replicas, 5005))
    elif replicas != len(urls):
        raise ConfigError(
            f"ARBOT_RASA_REPLICAS: {replicas} does not match the {len(urls)} URLs of"
            " ARBOT_RASA_URL (give one URL, or leave ARBOT_RASA_REPLICAS blank)"
        )
    stores = {}
    for name, schemes in (("TRACKER_STORE_URL", TRACKER_SCHEMES), ("LOCK_STORE_URL", LOCK_SCHEMES)):
        url = get(name, "")
        scheme = url.partition("://")[0].partition("+")[0].lower()
        if url and scheme not in schemes:
            raise ConfigError(f"ARBOT_{name}: the scheme is not one of {', '.join(schemes)}")
        stores[name.lower()] = url
    return {
        "rasa_urls": tuple(urls),
        "rasa_replicas": replicas,
        "action_servers": _count(get("ACTION_SERVERS", "1"), "ARBOT_ACTION_SERVERS"),
        **stores,
    }


def consecutive_ports(url: str, count: int, default_port: int) -> tuple[str, ...]:
    """``count`` copies of ``url`` on its port and the ones after it (path kept).

    One copy is ``url`` as it is; several need a port to count from (``default_port``
    when the URL has none, as ``arbot run`` starts the server there).
    """
    if count == 1:
        return (url,)
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    first = parts.port or default_port
    return tuple(urlunsplit(parts._replace(netloc=f"{host}:{first + n}")) for n in range(count))


def _count(text: str, variable: str) -> int:
    count = _int(text, variable)
    if not 1 <= count <= MAX_PROCESSES:
        raise ConfigError(f"{variable}: {count} is not between 1 and {MAX_PROCESSES}")
    return count


def _positive(text: str, variable: str) -> int:
    number = _int(text, variable)
    if number < 1:
        raise ConfigError(f"{variable}: {number} is not at least 1")
    return number


def _not_negative(text: str, variable: str) -> int:
    number = _int(text, variable)
    if number < 0:
        raise ConfigError(f"{variable}: {number} is not 0 or more")
    return number


#: a shorter shared secret could be guessed; 16 characters is 96 bits of base64
MIN_TOKEN_CHARS = 16


def _token(text: str, variable: str) -> str:
    """A bearer token: blank, or at least MIN_TOKEN_CHARS printable ASCII characters."""
    if not text:
        return ""
    if len(text) < MIN_TOKEN_CHARS:
        raise ConfigError(f"{variable}: shorter than {MIN_TOKEN_CHARS} characters")
    if not (text.isascii() and text.isprintable() and " " not in text):
        raise ConfigError(f"{variable}: only printable ASCII characters without spaces")
    return text


def _int(text: str, variable: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"{variable}: {text!r} is not a whole number") from None


#: policy numbers below 1 would lock every sender at once, or never count a failure
_AT_LEAST_ONE = frozenset(
    {"verification_max_failures", "verification_account_max_failures", "verification_window_hours"}
)


def _policy(env: Mapping[str, str]) -> Policy:
    overrides: dict[str, object] = {}
    for item in dataclasses.fields(Policy):
        variable = f"ARBOT_POLICY_{item.name.upper()}"
        text = env.get(variable, "").strip()
        if not text:
            continue
        default = getattr(Policy(), item.name)
        try:
            if isinstance(default, Decimal):
                overrides[item.name] = Decimal(text)
            elif isinstance(default, time):
                overrides[item.name] = time.fromisoformat(text)
            else:
                overrides[item.name] = int(text)
        except (ValueError, InvalidOperation):
            raise ConfigError(f"{variable}: {text!r} is not a valid {item.name}") from None
        if item.name in _AT_LEAST_ONE and overrides[item.name] < 1:  # type: ignore[operator]
            raise ConfigError(f"{variable}: {text!r} is not at least 1")
    return dataclasses.replace(Policy(), **overrides)  # type: ignore[arg-type]
