"""The production profile's settings: Rasa replicas, action servers, Rasa's stores."""

from __future__ import annotations

import pytest

from bot.errors import ConfigError
from bot.settings import consecutive_ports, load_settings


def test_one_replica_one_action_server_and_rasas_default_stores_by_default() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.rasa_urls == ("http://127.0.0.1:5005",)
    assert (settings.rasa_replicas, settings.action_servers) == (1, 1)
    assert (settings.tracker_store_url, settings.lock_store_url) == ("", "")


def test_n_replicas_of_one_url_are_on_consecutive_ports() -> None:
    settings = load_settings(
        {"ARBOT_RASA_URL": "http://10.0.0.5:6005", "ARBOT_RASA_REPLICAS": "3"}, dotenv=None
    )
    assert settings.rasa_urls == (
        "http://10.0.0.5:6005",
        "http://10.0.0.5:6006",
        "http://10.0.0.5:6007",
    )
    assert settings.rasa_replicas == 3


def test_a_list_of_urls_names_the_replicas_itself() -> None:
    settings = load_settings(
        {"ARBOT_RASA_URL": "http://rasa-a:5005/, http://rasa-b:5005"}, dotenv=None
    )
    assert settings.rasa_urls == ("http://rasa-a:5005", "http://rasa-b:5005")
    assert settings.rasa_replicas == 2


def test_a_replica_count_that_contradicts_the_list_is_refused() -> None:
    with pytest.raises(ConfigError, match="ARBOT_RASA_REPLICAS: 3 does not match the 2 URLs"):
        load_settings(
            {"ARBOT_RASA_URL": "http://a:5005,http://b:5005", "ARBOT_RASA_REPLICAS": "3"},
            dotenv=None,
        )


def test_a_replica_named_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match="ARBOT_RASA_URL: a replica is named twice"):
        load_settings({"ARBOT_RASA_URL": "http://a:5005,http://a:5005/"}, dotenv=None)


@pytest.mark.parametrize("value", ["0", "-1", "65", "two"])
@pytest.mark.parametrize("variable", ["ARBOT_RASA_REPLICAS", "ARBOT_ACTION_SERVERS"])
def test_a_process_count_must_be_a_whole_number_from_1_to_64(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        load_settings({variable: value}, dotenv=None)


def test_the_stores_take_postgresql_and_redis_urls() -> None:
    settings = load_settings(
        {
            "ARBOT_TRACKER_STORE_URL": "postgresql+psycopg://rasa:pw@db:5432/arbot_rasa",
            "ARBOT_LOCK_STORE_URL": "rediss://:pw@cache:6380/2",
            "ARBOT_ACTION_SERVERS": "2",
        },
        dotenv=None,
    )
    assert settings.tracker_store_url == "postgresql+psycopg://rasa:pw@db:5432/arbot_rasa"
    assert settings.lock_store_url == "rediss://:pw@cache:6380/2"
    assert settings.action_servers == 2
    assert "pw" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ARBOT_TRACKER_STORE_URL", "mongodb://secret@mongo:27017/rasa"),
        ("ARBOT_TRACKER_STORE_URL", "/var/rasa.db"),
        ("ARBOT_LOCK_STORE_URL", "memcached://secret@cache:11211"),
    ],
)
def test_an_unknown_store_is_refused_without_echoing_the_url(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable) as raised:
        load_settings({variable: value}, dotenv=None)
    assert "secret" not in str(raised.value)


def test_consecutive_ports_keep_the_path_and_default_the_port() -> None:
    assert consecutive_ports("http://127.0.0.1/webhook", 2, 5055) == (
        "http://127.0.0.1:5055/webhook",
        "http://127.0.0.1:5056/webhook",
    )
    assert consecutive_ports("http://[::1]:7000", 2, 5005) == (
        "http://[::1]:7000",
        "http://[::1]:7001",
    )
    assert consecutive_ports("http://rasa", 1, 5005) == ("http://rasa",)
