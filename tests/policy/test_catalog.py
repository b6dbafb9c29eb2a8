"""Every customer text exists in English and in Spanish, with the same placeholders
(SPEC §14): the catalogs, the reminder templates and the Rasa responses in domain.yml."""

from __future__ import annotations

import re
from pathlib import Path
from string import Template
from typing import Any

import pytest
from ruamel.yaml import YAML

from bot.policy.catalog import CATALOGS, MONTHS, placeholders, say
from bot.policy.languages import LANGUAGES
from bot.policy.reminder_text import template_dir, templates

DOMAIN = Path(__file__).resolve().parents[2] / "domain.yml"
_FIELD = re.compile(r"\{(\w+)\}")


def _template_fields(template: Template) -> frozenset[str]:
    found = Template.pattern.finditer(template.template)
    return frozenset(m.group("named") or m.group("braced") for m in found if m.group(0) != "$$")


def _responses() -> dict[str, Any]:
    domain: dict[str, Any] = YAML(typ="safe").load(DOMAIN.read_text(encoding="utf-8"))
    return dict(domain["responses"])


def _language(variation: dict[str, Any]) -> str:
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return str(condition["value"])
    return "en"


def test_both_catalogs_hold_the_same_keys() -> None:
    assert set(CATALOGS) == set(LANGUAGES)
    english = set(CATALOGS["en"])
    for language, texts in CATALOGS.items():
        assert set(texts) == english, f"{language}: {set(texts) ^ english}"


@pytest.mark.parametrize("key", sorted(CATALOGS["en"]))
def test_a_catalog_text_has_the_same_placeholders_in_every_language(key: str) -> None:
    wanted = placeholders(CATALOGS["en"][key])
    for language, texts in CATALOGS.items():
        assert placeholders(texts[key]) == wanted, f"{key} in {language}"
        assert texts[key].strip(), f"{key} is blank in {language}"


def test_every_language_names_twelve_months() -> None:
    assert {language: len(names) for language, names in MONTHS.items()} == {
        language: 12 for language in LANGUAGES
    }


def test_every_reminder_template_exists_in_every_language_with_the_same_placeholders() -> None:
    english = templates("en")
    assert english
    for language in LANGUAGES:
        found = templates(language)
        assert set(found) == set(english), f"{language} in {template_dir(language)}"
        for name, template in found.items():
            assert _template_fields(template) == _template_fields(english[name]), name


def test_every_domain_response_has_one_variation_per_language_with_the_same_parts() -> None:
    responses = _responses()
    assert responses
    for name, variations in responses.items():
        by_language = {_language(v): v for v in variations}
        assert sorted(by_language) == sorted(LANGUAGES), name
        assert len(variations) == len(LANGUAGES), name
        english = by_language["en"]
        for language, variation in by_language.items():
            where = f"{name} in {language}"
            assert set(_FIELD.findall(variation["text"])) == set(_FIELD.findall(english["text"])), (
                where
            )
            payloads = [b["payload"] for b in variation.get("buttons") or []]
            assert payloads == [b["payload"] for b in english.get("buttons") or []], where


def test_the_spanish_disclosure_is_the_cfpb_model_wording() -> None:
    assert say("disclosure", "es", company="Acme") == (
        "Acme: Esta comunicación es de un cobrador de deudas. Es un intento de cobrar una "
        "deuda y cualquier información obtenida será utilizada para ese propósito."
    )


def test_the_spanish_sms_footer_is_the_spec_sentence() -> None:
    assert say("sms_stop_line", "es") == "Responda PARAR para no recibir más mensajes."


@pytest.mark.parametrize("language", [None, "", "fr", "EN"])
def test_an_unknown_language_reads_the_english_catalog(language: str | None) -> None:
    assert say("trouble", language) == CATALOGS["en"]["trouble"]


def test_a_regional_tag_reads_its_language() -> None:
    assert say("trouble", "es-MX") == CATALOGS["es"]["trouble"]


def test_a_missing_key_is_a_key_error_naming_it() -> None:
    with pytest.raises(KeyError, match="no_such_text"):
        say("no_such_text", "es")
