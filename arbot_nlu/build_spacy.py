"""Builds the spaCy pipeline Rasa's SpacyNLP loads: a blank English tokenizer plus an
``entity_ruler`` with arbot's patterns. No model download (none is reachable here).

Usage (rasa env): ``python -m arbot_nlu.build_spacy OUTPUT_DIR``
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import spacy
from spacy.language import Language

from arbot_nlu.patterns import all_patterns

#: identifiers kept whole by the tokenizer (it would split "INV-1003-01" and "60614-1234")
IDENTIFIER = r"^(?:(?i:inv)-?\d[\d-]*|\d{5}-\d{4}|[Aa]-?\d{3,})$"


def pipeline() -> Language:
    """The blank English tokenizer and the ruler with every pattern, English and Spanish
    (the English tokenizer splits "¿cuánto" and "$350" as the Spanish patterns expect)."""
    nlp = spacy.blank("en")
    nlp.tokenizer.token_match = re.compile(IDENTIFIER).match
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(all_patterns())  # type: ignore[attr-defined]
    return nlp


def build(output: Path) -> None:
    nlp = pipeline()
    nlp.meta["name"] = "arbot"
    nlp.meta["version"] = "1.0.0"
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m arbot_nlu.build_spacy OUTPUT_DIR")
    build(Path(sys.argv[1]))
