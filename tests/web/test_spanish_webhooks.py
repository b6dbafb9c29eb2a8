"""Spanish at the edge (SPEC §14): a real Twilio or Telegram webhook in, the reply out.

Rasa is the fake dialogue engine of the web tests: these tests are about what the gateway
decides — the language sent to Rasa, the keyword answers, the disclosure, the switch —
not about how well the NLU reads Spanish.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.db.models import Account, ContactPreference, Conversation
from bot.policy.catalog import say
from integrations.rasa import BotMessage, Button
from tests.fakes.telegram_api import text_update
from tests.web.test_telegram_webhook import CHAT, TelegramGateway, served, tg
from tests.web.test_twilio_webhook import COMPANY, PHONE, SmsGateway, served_twilio, sms

__all__ = ["served", "served_twilio", "sms", "tg"]  # the fixtures these tests use

STRANGER = "+16175559999"


def _speaks(sms: SmsGateway, account_id: int, language: str) -> None:
    with sms.gateway.sessions() as session, session.begin():
        account = session.get(Account, account_id)
        assert account is not None
        account.language = language


def _language_of(sms: SmsGateway, account_id: int) -> str:
    with sms.gateway.sessions() as session:
        account = session.get(Account, account_id)
        assert account is not None
        return account.language


def _languages_sent(sms: SmsGateway) -> list[str]:
    return [metadata["language"] for _, _, metadata in sms.gateway.dialogue.calls]


def test_parar_opts_a_spanish_account_out_with_one_spanish_confirmation(sms: SmsGateway) -> None:
    account_id = sms.gateway.add_account("B-1", PHONE, consumer=False)
    _speaks(sms, account_id, "es")
    sms.text("PARAR")
    assert sms.opted_out(account_id)
    assert sms.twilio.bodies() == [say("sms_stop", "es", company=COMPANY)]
    assert sms.gateway.dialogue.calls == []


def test_no_mas_with_its_accent_opts_out_before_the_bot(sms: SmsGateway) -> None:
    account_id = sms.gateway.add_account("B-1", PHONE, consumer=False)
    sms.text("No más")
    assert sms.opted_out(account_id)
    assert len(sms.twilio.bodies()) == 1
    assert sms.gateway.dialogue.calls == []


def test_a_spanish_keyword_from_an_unknown_sender_is_answered_in_spanish(sms: SmsGateway) -> None:
    sms.text("NO MAS", sender=STRANGER)
    assert sms.twilio.bodies() == [say("sms_stop", "es", company=COMPANY)]


def test_ayuda_answers_as_help_in_spanish(sms: SmsGateway) -> None:
    sms.text("ayuda", sender=STRANGER)
    (answer,) = sms.twilio.bodies()
    assert answer == say("sms_help", "es", company=COMPANY, contact="")
    assert "PARAR" in answer
    assert "tarifas de mensajes y datos" in answer
    assert sms.gateway.dialogue.calls == []


def test_an_english_account_texting_stop_hears_english(sms: SmsGateway) -> None:
    sms.gateway.add_account("B-1", PHONE, consumer=False)
    sms.text("STOP")
    assert sms.twilio.bodies() == [say("sms_stop", "en", company=COMPANY)]


def test_an_unknown_sender_writing_spanish_is_answered_in_spanish(sms: SmsGateway) -> None:
    sms.text("hola, ¿cuánto debo en mi cuenta?", sender=STRANGER)
    sms.text("sí", sender=STRANGER)  # too short to tell: the conversation keeps Spanish
    assert _languages_sent(sms) == ["es", "es"]


def test_an_unknown_sender_writing_english_or_too_little_gets_english(sms: SmsGateway) -> None:
    sms.text("300", sender=STRANGER)
    sms.text("how much do I owe", sender=STRANGER)
    assert _languages_sent(sms) == ["en", "en"]


def test_the_account_language_wins_once_the_sender_is_known(sms: SmsGateway) -> None:
    account_id = sms.gateway.add_account("B-1", PHONE, consumer=False)
    _speaks(sms, account_id, "es")
    sms.text("how much do I owe")
    assert _languages_sent(sms) == ["es"]


def test_a_spanish_consumer_hears_the_spanish_disclosure_first(sms: SmsGateway) -> None:
    account_id = sms.gateway.add_account("C-1", PHONE, consumer=True)
    _speaks(sms, account_id, "es")
    sms.gateway.dialogue.replies = [BotMessage("¡Hola! ¿En qué le puedo ayudar?")]
    sms.text("hola")
    (first,) = sms.twilio.bodies()
    assert first == (f"{say('disclosure', 'es', company=COMPANY)}\n¡Hola! ¿En qué le puedo ayudar?")
    assert "Esta comunicación es de un cobrador de deudas" in first


def test_asking_for_spanish_switches_and_the_account_keeps_it(sms: SmsGateway) -> None:
    account_id = sms.gateway.add_account("B-1", PHONE, consumer=False)
    sms.text("en español por favor")
    assert sms.twilio.bodies() == [say("switched", "es")]
    assert sms.gateway.dialogue.calls == []  # the gateway answers the request itself
    assert _language_of(sms, account_id) == "es"
    sms.text("how much do I owe")
    assert _languages_sent(sms) == ["es"]


def test_english_please_switches_a_spanish_account_back(sms: SmsGateway) -> None:
    account_id = sms.gateway.add_account("B-1", PHONE, consumer=False)
    _speaks(sms, account_id, "es")
    sms.text("english please")
    assert sms.twilio.bodies() == [say("switched", "en")]
    assert _language_of(sms, account_id) == "en"


def test_an_unknown_sender_switching_keeps_the_language_in_the_conversation(
    sms: SmsGateway,
) -> None:
    sms.text("español", sender=STRANGER)
    sms.text("300", sender=STRANGER)
    assert _languages_sent(sms) == ["es"]
    with sms.gateway.sessions() as session:
        conversation = session.scalars(select(Conversation)).one()
    assert conversation.language == "es"


def test_rasa_down_is_told_in_spanish(sms: SmsGateway) -> None:
    sms.gateway.dialogue.down = True
    sms.text("hola, necesito hablar con una persona", sender=STRANGER)
    assert sms.twilio.bodies() == [say("trouble", "es")]


def test_parar_on_telegram_turns_off_the_chat_in_spanish(tg: TelegramGateway) -> None:
    account_id = tg.add_account("A-104321")
    tg.send(text_update(1, CHAT, f"/start {tg.issue('A-104321')}"))
    tg.send(text_update(2, CHAT, "en español por favor"))
    tg.send(text_update(3, CHAT, "PARAR"))
    with tg.sessions() as session:
        preference = session.get(ContactPreference, account_id)
        assert preference is not None
        assert (preference.telegram_opt_out, preference.sms_opt_out) == (True, False)
    assert tg.fake.sent[-1]["text"] == say("telegram_stop", "es", company=COMPANY)
    assert tg.dialogue.calls == []


def test_ayuda_on_telegram_answers_as_help_in_spanish(tg: TelegramGateway) -> None:
    tg.send(text_update(1, CHAT, "AYUDA"))
    assert tg.fake.sent[-1]["text"] == say("telegram_help", "es", company=COMPANY, contact="")
    assert tg.dialogue.calls == []


def test_linking_a_spanish_account_on_telegram_is_confirmed_in_spanish(
    tg: TelegramGateway,
) -> None:
    account_id = tg.add_account("A-104321", consumer=True)
    with tg.sessions() as session, session.begin():
        account = session.get(Account, account_id)
        assert account is not None
        account.language = "es"
    tg.send(text_update(1, CHAT, f"/start {tg.issue('A-104321')}"))
    answer = tg.fake.sent[-1]["text"]
    assert answer.startswith(say("disclosure", "es", company=COMPANY))
    assert answer.endswith(say("telegram_linked", "es", last4="4321", name="Ada Supply"))


def test_numbered_options_end_with_the_spanish_reply_line(sms: SmsGateway) -> None:
    sms.gateway.dialogue.replies = [
        BotMessage("¿Registro esta promesa?", (Button("Sí", "/affirm"), Button("No", "/deny")))
    ]
    sms.text("hola, quiero pagar el viernes", sender=STRANGER)
    assert sms.twilio.bodies() == ["¿Registro esta promesa?\n1) Sí\n2) No\nResponda 1 o 2"]


def test_numbered_options_stay_english_for_an_english_sender(sms: SmsGateway) -> None:
    sms.gateway.dialogue.replies = [
        BotMessage("Shall I?", (Button("Yes", "/affirm"), Button("No", "/deny")))
    ]
    sms.text("how much do I owe", sender=STRANGER)
    assert sms.twilio.bodies() == ["Shall I?\n1) Yes\n2) No\nReply 1 or 2"]
