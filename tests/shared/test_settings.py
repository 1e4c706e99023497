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


def test_a_service_named_in_the_settings_is_routed_without_code():
    settings = GatewaySettings(services="actors=http://a:1,http://a:2,reports=http://r:9", timeouts="reports=20")
    assert settings.upstreams() == {"actors": (["http://a:1", "http://a:2"], 10.0), "reports": (["http://r:9"], 20.0)}
    as_json = GatewaySettings(services='{"reports": "http://r:9"}')
    assert as_json.upstreams() == {"reports": (["http://r:9"], 10.0)}


def test_per_service_variables_set_or_add_one_service(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("GATEWAY_FUNDING_URL", "http://f:1")
    monkeypatch.setenv("GATEWAY_REPORTS_URL", "http://r:9")
    monkeypatch.setenv("GATEWAY_REPORTS_TIMEOUT", "20")
    monkeypatch.setenv("GATEWAY_BULK_TIMEOUT", "100")  # a setting of its own, not a service called "bulk"
    settings = GatewaySettings()
    upstreams = settings.upstreams()
    assert upstreams["funding"] == (["http://f:1"], 10.0)
    assert upstreams["reports"] == (["http://r:9"], 20.0)
    assert set(upstreams) == {"actors", "funding", "surveys", "reporting", "dashboard", "reports"}
    assert settings.bulk_timeout == 100


def test_service_names_are_path_segments_the_gateway_does_not_use_itself():
    with pytest.raises(ValidationError, match="whoami"):
        GatewaySettings(services="whoami=http://w:1")
    with pytest.raises(ValidationError, match="lower-case"):
        GatewaySettings(services={"Actors": "http://a:1"})
    with pytest.raises(ValidationError, match="not among the services"):
        GatewaySettings(services="actors=http://a:1", timeouts="funding=3")
