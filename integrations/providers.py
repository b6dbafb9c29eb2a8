"""The senders a deployment uses, chosen by settings (SPEC §7, §9).

``ARBOT_SMS_PROVIDER`` and ``ARBOT_TELEGRAM_PROVIDER`` pick ``twilio`` / ``telegram`` for
real use or ``outbox`` (the default) for development and tests. The web chat answers
inline, so whatever is sent to a web customer outside an answer (a collector's message)
goes to the outbox.
"""

from __future__ import annotations

from bot.errors import ConfigError
from bot.settings import Settings
from integrations.senders import MessageSender, OutboxSender


def build_senders(settings: Settings) -> dict[str, MessageSender]:
    """One sender per channel (``sms``, ``telegram``, ``web``).

    Raises:
        ConfigError: naming the setting a chosen provider is missing.
    """
    return {
        "sms": _sms(settings),
        "telegram": _telegram(settings),
        "web": OutboxSender(),
    }


def _sms(settings: Settings) -> MessageSender:
    if settings.sms_provider == "outbox":
        return OutboxSender()
    if settings.sms_provider != "twilio":
        raise ConfigError(f"ARBOT_SMS_PROVIDER: {settings.sms_provider!r} cannot send SMS")
    from integrations.twilio_sms import TwilioSmsSender  # the twilio library only when used

    return TwilioSmsSender.from_settings(settings)


def _telegram(settings: Settings) -> MessageSender:
    if settings.telegram_provider == "outbox":
        return OutboxSender()
    if settings.telegram_provider != "telegram":
        raise ConfigError(
            f"ARBOT_TELEGRAM_PROVIDER: {settings.telegram_provider!r} cannot send to Telegram"
        )
    from integrations.telegram_bot import TelegramSender  # PTB only when used

    return TelegramSender.from_settings(settings)
