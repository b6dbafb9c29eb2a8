"""The one error hierarchy of arbot.

Every error the project raises on purpose derives from :class:`ArbotError`; messages name
the value that failed, so the CLI and the web app can show them as they are::

    ArbotError
    ├── ConfigError            a setting is missing or malformed
    ├── InputError             bad user input (CLI argument, CSV row, API field)
    │   └── ImportRejected     a CSV file failed validation; carries every row error
    ├── NotFound               an account, invoice, user … does not exist
    ├── Conflict               the request contradicts stored state (duplicate user …)
    ├── DeliveryFailed         a channel provider refused or failed to send
    ├── PaymentProviderFailed  the payment provider (Stripe) refused or could not be reached
    └── DialogueUnavailable    no Rasa server answered (unreachable, timed out, 5xx)
"""

from __future__ import annotations

from collections.abc import Sequence


class ArbotError(Exception):
    """Base of every error arbot raises on purpose."""


class ConfigError(ArbotError):
    """A setting is missing or malformed."""


class InputError(ArbotError):
    """Input from a user or a file is not acceptable."""


class ImportRejected(InputError):
    """A CSV file failed validation; nothing from it was imported.

    Args:
        errors: one ``FILE:LINE: column: reason`` line per failing cell.
        rows: every failure as ``(line or index, column, reason)``, uncapped (the JSON API
            lists them by object).
    """

    def __init__(self, errors: Sequence[str], rows: Sequence[tuple[int, str, str]] = ()) -> None:
        self.errors = tuple(errors)
        self.rows = tuple(rows)
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        super().__init__(f"{self.errors[0]}{more}" if self.errors else "import rejected")


class NotFound(ArbotError):
    """The named record does not exist."""


class Conflict(ArbotError):
    """The request contradicts what is stored."""


class DeliveryFailed(ArbotError):
    """A channel provider did not accept a message.

    Args:
        message: what went wrong, naming the provider and its error.
        retryable: a later attempt may succeed (the provider was busy or failing), as
            opposed to a refusal (a bad number, a blocked chat, bad credentials).
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class PaymentProviderFailed(ArbotError):
    """The payment provider refused a request or could not be reached."""


class DialogueUnavailable(ArbotError):
    """No dialogue server answered a message: unreachable, timed out or failing (5xx)."""
