"""The spaCy pipeline built from code (arbot_nlu/build_spacy.py) finds amounts and dates in
English and in Spanish (SPEC §5, §14) with the spans data/nlu annotates.

spaCy lives in the Rasa environment only, so the pipeline is built and run there, once,
over every phrase below.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from bot.cli.plan import project_root

Entities = list[tuple[str, str]]

CASES: dict[str, Entities] = {
    # English, unchanged by the Spanish patterns
    "i'll pay $300 next friday": [("$300", "amount"), ("next friday", "date")],
    "five hundred dollars on the 15th": [("five hundred dollars", "amount"), ("the 15th", "date")],
    "thanks a lot": [],
    # Spanish: the English tokenizer splits ¿ ¡ and $ off as the patterns expect
    "¿cuánto debo?": [],
    "¡puedo pagar $350 el viernes!": [("$350", "amount"), ("el viernes", "date")],
    "te pago 350 dólares el 15": [("350 dólares", "amount"), ("el 15", "date")],
    "trescientos cincuenta": [("trescientos cincuenta", "amount")],
    "trescientos cincuenta y cinco dolares": [("trescientos cincuenta y cinco dolares", "amount")],
    "mil doscientos el próximo lunes": [("mil doscientos", "amount"), ("el próximo lunes", "date")],
    "dos mil": [("dos mil", "amount")],
    "quinientos dólares": [("quinientos dólares", "amount")],
    "hace 3 días pagué 300dlls": [("hace 3 días", "date"), ("300dlls", "amount")],
    "mil gracias": [],  # a bare "mil" is not an amount
    "trescientos y ya": [("trescientos", "amount")],  # nor does one end on "y"
    "pasado mañana": [("pasado mañana", "date")],
    "pasado manana por la tarde": [("pasado manana por la tarde", "date")],
    "pago a fin de mes": [("fin de mes", "date")],  # not the preposition
    "la próxima semana": [("la próxima semana", "date")],
    "la proxima semana": [("la proxima semana", "date")],
    "la semana que viene": [("la semana que viene", "date")],
    "el viernes en la mañana": [("el viernes en la mañana", "date")],
    "el sabado": [("el sabado", "date")],
    "el día 15 de diciembre": [("el día 15 de diciembre", "date")],
    "15 de enero": [("15 de enero", "date")],
    "el 1ro del mes que viene": [("el 1ro del mes que viene", "date")],
    "el quince": [("el quince", "date")],
    "dentro de dos semanas": [("dentro de dos semanas", "date")],
    "dentro de un mes": [("dentro de un mes", "date")],
    "puedo pagar en 6 meses": [],  # a number of installments (DIET's), not a date
    "en seis meses": [],
    "el mes pasado": [("el mes pasado", "date")],
    "mañana temprano": [("mañana temprano", "date")],
    "para la quincena": [("la quincena", "date")],
    "la factura INV-2044 de la cuenta A-1003": [
        ("INV-2044", "invoice_number"),
        ("A-1003", "account_number"),
    ],
}

PROBE = """
import json, sys
sys.path.insert(0, {root!r})
from arbot_nlu.build_spacy import pipeline
nlp = pipeline()
phrases = json.loads(sys.stdin.read())
print(json.dumps({{p: [[e.text, e.label_] for e in nlp(p).ents] for p in phrases}}))
"""


@pytest.fixture(scope="module")
def found() -> dict[str, Entities]:
    python = project_root() / ".venv" / "rasa" / "bin" / "python"
    assert python.is_file(), f"the Rasa environment is missing ({python}; run `make envs`)"
    done = subprocess.run(
        [str(python), "-W", "ignore", "-c", PROBE.format(root=str(project_root()))],
        input=json.dumps(list(CASES)),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    return {phrase: [(text, label) for text, label in ents] for phrase, ents in seen.items()}


@pytest.mark.parametrize(("phrase", "entities"), CASES.items(), ids=list(CASES))
def test_the_pipeline_finds_the_amounts_and_dates_with_their_spans(
    found: dict[str, Entities], phrase: str, entities: Entities
) -> None:
    assert found[phrase] == entities
