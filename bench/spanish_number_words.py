"""Spanish number words: bot.policy.numbers_es against the text2num library (issue 18).

Reads every number 0..999,999 as num2words writes it in Spanish, and a set of words-only
phrases customers write (with ill-formed ones that must be refused), with both readers.
text2num is not in the lock (this bench is what decided against it): run it from a scratch
environment that has text2num and num2words, with the repository on the path:

    uv venv /tmp/t2n && uv pip install --python /tmp/t2n/bin/python text2num num2words
    PYTHONPATH=. /tmp/t2n/bin/python bench/spanish_number_words.py
"""

from __future__ import annotations

import time

from num2words import num2words
from text_to_num import text2num

from bot.policy.numbers_es import fold, words_value


def ours(t: str) -> int | None:
    return words_value(fold(t).split())


def theirs(t: str) -> int | None:
    try:
        return text2num(t.lower(), "es")
    except ValueError:
        return None


# words-only phrases customers write, with the number meant (None: not one number)
PHRASES = {
    "trescientos cincuenta": 350,
    "mil doscientos": 1200,
    "mil doscientos cincuenta": 1250,
    "mil": 1000,
    "dos mil": 2000,
    "cien": 100,
    "ciento cincuenta": 150,
    "quinientos": 500,
    "quinientas": 500,
    "doscientas": 200,
    "veintiun mil": 21000,
    "veintiún mil": 21000,
    "dieciseis": 16,
    "dieciséis": 16,
    "setecientos setenta y siete": 777,
    "cien mil": 100000,
    "un millon": 1000000,
    "Trescientos Cincuenta": 350,
    "cuarenta": 40,
    "uno": 1,
    "doce cincuenta": None,
    "dos dos": None,
    "mil mil": None,
    "ciento": None,
    "cien veinte": None,
    "veinte treinta": None,
    "y": None,
    "cincuenta y": None,
    "trescientos y cincuenta": None,
    "tres cientos": None,
}


def main() -> None:
    numbers = range(1_000_000)
    texts = [num2words(n, lang="es") for n in numbers]
    # customers often type without accents: "veintidos", "dieciseis"
    plain = [fold(t) for t in texts]
    for name, read in (("numbers_es", ours), ("text2num", theirs)):
        start = time.perf_counter()
        right = sum(read(t) == n for t, n in zip(texts, numbers, strict=True))
        took = time.perf_counter() - start
        right_plain = sum(read(t) == n for t, n in zip(plain, numbers, strict=True))
        phrase_right = sum(read(t) == want for t, want in PHRASES.items())
        wrong = [t for t, want in PHRASES.items() if read(t) != want]
        print(
            f"{name}: 0..999,999 as num2words writes them {right}/{len(texts)}, "
            f"without accents {right_plain}/{len(plain)}, "
            f"{took / len(texts) * 1e6:.1f} us/number; phrase set "
            f"{phrase_right}/{len(PHRASES)}; wrong: {wrong}"
        )


if __name__ == "__main__":
    main()
