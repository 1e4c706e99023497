"""The one public entry point: identity, routing to the services, aggregated OpenAPI, health."""

VERSION = "0.1.0"
