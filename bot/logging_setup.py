"""Log records without phone numbers or credentials, whoever logs them and wherever they go.

:func:`install_masking` wraps the process's log record factory, so every record is masked
as it is made — arbot's own, uvicorn's access log, httpx's request lines (which carry the
Telegram bot token in the URL), SQLAlchemy's statement parameters, a library's DEBUG
dump — before any handler, formatter or test capture sees it. The composition root
(:func:`bot.container.container`) installs it, so the web app, the scheduler, the action
server and the CLI all log this way.

What :func:`mask` hides:

* phone numbers — ``+16175550101``, ``(617) 555-0101``, a bare run of 10 to 15 digits
  (a Telegram chat id too) — down to their last four digits: ``+•••••••0101``;
* Telegram bot tokens (``123456789:AA…``) wherever they appear, in URLs (``%3A``) too;
* the value after ``Bearer``/``Basic``, and after any ``…password…``, ``…secret…``,
  ``…token…``, ``…session…``, ``…cookie…``, ``…csrf…``, ``…api_key…`` or
  ``authorization`` key (``password=…``, ``"token": "…"``,
  ``X-Telegram-Bot-Api-Secret-Token: …``, an HTTP library's ``(b'set-cookie', b'…')``);
* the password of a URL (``postgresql://arbot:…@db``);
* the deployment's own secrets, by value (the auth token, bot token, webhook secret, the
  database password), as they are or URL-encoded.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.settings import Settings

HIDDEN = "•••"
#: the shortest value masked by value: shorter ones would hide ordinary words
MIN_SECRET_CHARS = 6

_TELEGRAM_TOKEN = re.compile(r"(?<!\d)\d{5,12}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")
_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]{6,}")
_CREDENTIAL_NAMES = (
    r"(?:password|passwd|secret|token|session|cookie|csrf|api[_-]?key|authorization)"
)
#: ``password=…``, ``"token": "…"``, ``Secret-Token: …``
_SECRET_KEY = re.compile(
    rf"(?i)(\b[\w-]*{_CREDENTIAL_NAMES}[\w-]*[\"']?\s*[:=]\s*[\"']?)"
    r"(?!(?:bearer|basic)\s)([^\s\"'&,;}]+)"
)
#: a header as an HTTP library's DEBUG log shows it: ``(b'set-cookie', b'…')``
_SECRET_HEADER = re.compile(
    rf"(?i)(\(b?['\"][\w-]*{_CREDENTIAL_NAMES}[\w-]*['\"],\s*b?['\"])([^'\"]+)"
)
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@", re.IGNORECASE)
_PHONES = (
    re.compile(r"\+\d(?:[\s().-]?\d){7,14}(?!\d)"),  # E.164, perhaps written with spaces
    re.compile(r"(?<![\w.+-])\d{10,15}(?![\w.])"),  # a bare number (or a chat id)
    re.compile(r"(?<![\w+])\(?\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}(?!\d)"),  # (617) 555-0101
)

_CREDENTIAL_SETTINGS = ("token", "secret", "password", "key")

_known: set[str] = set()
_ATTRIBUTE = "_arbot_masking"


def mask(text: str) -> str:
    """``text`` with phone numbers cut to their last four digits and credentials hidden."""
    for secret in sorted(_known, key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    text = _TELEGRAM_TOKEN.sub(HIDDEN, text)
    text = _URL_PASSWORD.sub(rf"\g<1>{HIDDEN}@", text)
    text = _AUTH_SCHEME.sub(rf"\g<1>\g<2>{HIDDEN}", text)
    text = _SECRET_HEADER.sub(rf"\g<1>{HIDDEN}", text)
    text = _SECRET_KEY.sub(rf"\g<1>{HIDDEN}", text)
    for pattern in _PHONES:
        text = pattern.sub(_last_digits, text)
    return text


def settings_secrets(settings: Settings) -> list[str]:
    """The credentials among ``settings``: every setting named like one (token, secret,
    password, key) and the password of every URL (the database's, a store's)."""
    found: list[str] = []
    for item in dataclasses.fields(settings):
        value = getattr(settings, item.name)
        values = value if isinstance(value, tuple) else (value,)
        for text in (v for v in values if isinstance(v, str) and v):
            if any(word in item.name for word in _CREDENTIAL_SETTINGS):
                found.append(text)
            elif "://" in text:
                found.extend(_url_password(text))
    return found


def install_masking(secrets: Iterable[str] = ()) -> None:
    """Masks every log record made in this process from now on (idempotent).

    Args:
        secrets: values to hide wherever they appear (shorter than
            :data:`MIN_SECRET_CHARS` are ignored); added to those of earlier calls.
    """
    for secret in (s for s in secrets if len(s) >= MIN_SECRET_CHARS):
        _known.update({secret, quote(secret, safe=""), quote_plus(secret, safe="")})
    current = logging.getLogRecordFactory()
    if getattr(current, _ATTRIBUTE, False):
        return
    logging.setLogRecordFactory(masking_factory(current))


def masking_factory(make: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    """A record factory that masks the records ``make`` makes."""

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        mask_record(record)
        return record

    setattr(factory, _ATTRIBUTE, True)
    return factory


def mask_record(record: logging.LogRecord) -> None:
    """Masks a record in place: its message and arguments, its traceback and stack.

    The arguments stay arguments when masking each of them is enough (formatters such as
    uvicorn's access log read them one by one); otherwise the record carries the masked
    message and no arguments.
    """
    if record.exc_info and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a bad format string: logging reports it as usual
        return
    if mask(message) == message:
        return
    if isinstance(record.msg, str):
        record.msg = mask(record.msg)
    if isinstance(record.args, Mapping):
        record.args = {key: _masked_arg(value) for key, value in record.args.items()}
    elif isinstance(record.args, tuple):
        record.args = tuple(_masked_arg(value) for value in record.args)
    try:
        still = record.getMessage()
    except (TypeError, ValueError):
        still = ""
    if not still or mask(still) != still:
        record.msg, record.args = mask(message), ()


def _masked_arg(value: object) -> object:
    """An argument as it may be logged: numbers as they are unless masking changes them,
    anything else as its masked text when masking changes it."""
    if value is None or isinstance(value, bool | float):
        return value
    text = str(value)
    masked = mask(text)
    if masked == text:
        return value
    return masked


def _url_password(url: str) -> list[str]:
    try:
        password = make_url(url).password
    except ArgumentError:
        password = urlsplit(url).password
    return [str(password)] if password else []


def _last_digits(found: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", found.group(0))
    lead = "+" if found.group(0).startswith("+") else ""
    return f"{lead}{'•' * (len(digits) - 4)}{digits[-4:]}"
