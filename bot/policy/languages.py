"""Which language to write in (SPEC §14): English (``en``) or Spanish (``es``).

The account's language once the sender is known; before that the language of the message
when it is clear — three words or more, most of them telling — else English. A message
that asks for a language ("español", "en español por favor", "english please") switches,
and the choice is kept (the gateway stores it on the account and the conversation).

The guess is a small count of function words and accented letters, no model: it only has
to tell English from Spanish in a customer's first message, and when it cannot it says so.
"""

from __future__ import annotations

import re
import unicodedata

ENGLISH = "en"
SPANISH = "es"
LANGUAGES = (ENGLISH, SPANISH)
DEFAULT = ENGLISH
#: a message shorter than this (in words) is never guessed from
MIN_WORDS = 3

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SPANISH_WORDS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "unos",
        "unas",
        "de",
        "del",
        "al",
        "y",
        "o",
        "pero",
        "que",
        "qué",
        "como",
        "cómo",
        "cuando",
        "cuándo",
        "cuanto",
        "cuánto",
        "cuánta",
        "debo",
        "tengo",
        "puedo",
        "quiero",
        "necesito",
        "hablar",
        "pagar",
        "pago",
        "pagaré",
        "es",
        "son",
        "está",
        "estoy",
        "estan",
        "están",
        "por",
        "para",
        "con",
        "sin",
        "mi",
        "mis",
        "me",
        "te",
        "se",
        "su",
        "sus",
        "yo",
        "usted",
        "ustedes",
        "no",
        "sí",
        "si",
        "hola",
        "gracias",
        "buenos",
        "buenas",
        "dias",
        "días",
        "tardes",
        "noches",
        "favor",
        "cuenta",
        "factura",
        "facturas",
        "deuda",
        "saldo",
        "dinero",
        "semana",
        "mes",
        "viernes",
        "lunes",
        "martes",
        "miércoles",
        "miercoles",
        "jueves",
        "sábado",
        "sabado",
        "domingo",
        "mañana",
        "manana",
        "hoy",
        "ayer",
        "quién",
        "quien",
        "eres",
        "soy",
        "hay",
        "ya",
        "muy",
        "también",
        "tambien",
        "nada",
        "todo",
        "esta",
        "este",
        "esto",
        "eso",
        "ese",
        "persona",
        "agente",
        "ayuda",
        "plan",
    ]
)
_ENGLISH_WORDS = frozenset(
    [
        "the",
        "an",
        "of",
        "and",
        "or",
        "but",
        "that",
        "what",
        "how",
        "when",
        "much",
        "many",
        "is",
        "are",
        "am",
        "was",
        "were",
        "be",
        "to",
        "for",
        "with",
        "without",
        "my",
        "me",
        "you",
        "your",
        "i",
        "we",
        "they",
        "he",
        "she",
        "it",
        "this",
        "these",
        "those",
        "can",
        "could",
        "will",
        "would",
        "do",
        "does",
        "did",
        "don't",
        "dont",
        "not",
        "yes",
        "no",
        "hi",
        "hello",
        "thanks",
        "thank",
        "please",
        "owe",
        "pay",
        "paid",
        "payment",
        "account",
        "invoice",
        "bill",
        "balance",
        "money",
        "week",
        "month",
        "friday",
        "monday",
        "today",
        "tomorrow",
        "who",
        "are",
        "bot",
        "person",
        "agent",
        "help",
        "plan",
        "have",
        "has",
        "need",
        "want",
        "talk",
        "next",
        "last",
        "at",
        "on",
        "in",
    ]
)
# "no", "plan", "me", "a" are in both: they count for neither
_SHARED = _SPANISH_WORDS & _ENGLISH_WORDS
_ACCENTS = frozenset("áéíóúñü¿¡")

_TO_SPANISH = frozenset({"español", "espanol", "en español", "en espanol", "spanish", "in spanish"})
_TO_ENGLISH = frozenset({"english", "inglés", "ingles", "en inglés", "en ingles", "in english"})
_POLITE = re.compile(
    r"\b(por favor|porfa|please|pls|plz|quiero|i want|can we speak|speak|talk|hablar|"
    r"hable|háblame|hablame|escríbame|escribame|write|me|to me|en|in)\b"
)


def normalise(language: str | None) -> str | None:
    """``en`` or ``es`` from a stored tag (``es-MX``, ``EN``); None for anything else."""
    if not language:
        return None
    tag = language.strip().lower().split("-")[0].split("_")[0]
    return tag if tag in LANGUAGES else None


def requested(text: str) -> str | None:
    """The language a message asks to switch to, or None when it asks for none.

    Only a message that is (nearly) nothing but the request switches: "english please",
    "en español por favor", "Español"; "I speak english at work" does not.
    """
    words = " ".join(_WORD.findall(text.lower()))
    rest = " ".join(_POLITE.sub(" ", words).split())
    for phrase in (words, rest):
        if phrase in _TO_SPANISH:
            return SPANISH
        if phrase in _TO_ENGLISH:
            return ENGLISH
    return None


def guess(text: str) -> str | None:
    """``es`` or ``en`` when the message is clearly in that language, else None.

    Clear: at least :data:`MIN_WORDS` words, and the telling ones (function words, plus
    one for Spanish when the text has accented letters) lean one way at least two to one,
    with two of them at least.
    """
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    spanish = sum(1 for w in words if w in _SPANISH_WORDS and w not in _SHARED)
    english = sum(1 for w in words if w in _ENGLISH_WORDS and w not in _SHARED)
    spanish += any(ch in _ACCENTS for ch in text.lower())  # a name's accents are not enough
    if spanish >= 2 and spanish >= 2 * english:
        return SPANISH
    if english >= 2 and english >= 2 * spanish:
        return ENGLISH
    return None


def choose(text: str, *, account: str | None, conversation: str | None) -> tuple[str, bool]:
    """The language to answer ``text`` in, and whether it is a switch the customer asked for.

    Args:
        text: the customer's message.
        account: the language on file for the sender's account; None when the sender is
            not known.
        conversation: the language the conversation has been held in so far (None: none yet).
    """
    asked = requested(text)
    if asked is not None:
        return asked, True
    known = normalise(account)
    if known is not None:
        return known, False
    return guess(text) or normalise(conversation) or DEFAULT, False


def folded(text: str) -> str:
    """``text`` in capitals without accents: how carrier keywords are compared (NO MÁS)."""
    decomposed = unicodedata.normalize("NFKD", text.upper())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
