import pytest
from pydantic import ValidationError

from gateway.settings import GatewaySettings
from services.actors.settings import ActorsSettings


def test_production_refuses_the_placeholder_secret():
    with pytest.raises(ValidationError, match="identity_secret"):
        ActorsSettings(environment="production")
    with pytest.raises(ValidationError, match="identity_secret"):
        GatewaySettings(environment="production")


def test_production_starts_with_a_real_secret():
    assert ActorsSettings(environment="production", identity_secret="x" * 40).environment == "production"


def test_each_upstream_may_have_several_replicas():
    settings = GatewaySettings(actors_url="http://a:1, http://b:2/", actors_timeout=3)
    assert settings.upstreams()["actors"] == (["http://a:1", "http://b:2"], 3)
