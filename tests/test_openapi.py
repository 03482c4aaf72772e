"""/openapi.json: a valid OpenAPI document that describes every API and health path the app
serves, and whose schemas real replies and real error bodies satisfy."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from faq_bot.core.faq.model import Faq
from faq_bot.core.replies import ReplyBuilder

SPEC_URI = "urn:faq-bot:openapi"
IGNORED_METHODS = {"HEAD", "OPTIONS"}
# A question that gets each kind of reply over HTTP. Which questions get a clarify depends on
# how the matcher's thresholds are tuned, so that kind is built by the engine's ReplyBuilder
# below instead.
BY_KIND = {
    "answer": "What is kratom?",
    "referral": "how many grams for sleep",
    "emergency": "I want to kill myself",
    "fallback": "where can I buy the best kratom",
    "smalltalk": "hello",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """The served OpenAPI document."""
    from faq_bot import create_app
    from faq_bot.config import Settings, bundled_data_dir

    app = create_app(Settings(data_dir=bundled_data_dir(), ratelimit=None, reload_interval=0,
                              curation=False))
    response = app.test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def validator(spec: dict[str, Any], schema: str) -> Draft202012Validator:
    """A validator for components/schemas/`schema`, resolving the spec's own $refs."""
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    registry = Registry().with_resource(SPEC_URI, resource)
    return Draft202012Validator({"$ref": f"{SPEC_URI}#/components/schemas/{schema}"},
                                registry=registry)


def response_schema(spec: dict[str, Any], path: str, method: str,
                    status: str) -> dict[str, Any]:
    """The JSON schema the spec gives for one response, with $refs left for the registry."""
    return spec["paths"][path][method]["responses"][status]["content"]["application/json"][
        "schema"]


def openapi_path(rule: str) -> str:
    """A Flask rule written as an OpenAPI path: /items/<int:id> -> /items/{id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_the_document_is_valid_openapi(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_api_and_health_route_is_documented(spec: dict[str, Any], app: Flask) -> None:
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule in {"/healthz", "/readyz"}:
            served[openapi_path(rule.rule)] = set(rule.methods or ()) - IGNORED_METHODS
    assert {"/api/v1/ask", "/api/v1/faq", "/healthz", "/readyz"} <= set(served)
    for path, methods in served.items():
        assert path in spec["paths"], f"{path} is served but not in /openapi.json"
        documented = {m.upper() for m in spec["paths"][path]}
        assert methods <= documented, f"{path}: {methods - documented} not documented"


def test_the_ask_errors_of_the_contract_are_documented(spec: dict[str, Any]) -> None:
    responses = spec["paths"]["/api/v1/ask"]["post"]["responses"]
    assert {"200", "400", "413", "415", "429"} <= set(responses)


@pytest.mark.parametrize("kind", BY_KIND)
def test_real_replies_of_each_kind_match_the_reply_schema(spec: dict[str, Any],
                                                          client: FlaskClient,
                                                          kind: str) -> None:
    reply = client.post("/api/v1/ask", json={"question": BY_KIND[kind]}).get_json()
    assert reply["kind"] == kind
    assert [e.message for e in validator(spec, "Reply").iter_errors(reply)] == []


def test_clarify_and_fallback_with_suggestions_match_the_reply_schema(spec: dict[str, Any],
                                                                     faq: Faq) -> None:
    build = ReplyBuilder(faq)
    entries = list(faq.entries[:3])
    check = validator(spec, "Reply")
    for reply in (build.clarify(entries, 0.4), build.fallback("default", entries, 0.3)):
        data = reply.to_dict()
        assert data["suggestions"]
        assert [e.message for e in check.iter_errors(data)] == []


def test_the_reply_schema_rejects_a_wrong_reply(spec: dict[str, Any]) -> None:
    # Guards the test above: a schema that resolved to nothing would accept anything.
    check = validator(spec, "Reply")
    assert not check.is_valid({"kind": "answer"})
    assert not check.is_valid({"id": "x", "kind": "poem", "text": "", "source": None,
                               "safety": "", "faq_id": None, "confidence": 2,
                               "suggestions": [], "topic": None, "context": []})


@pytest.mark.parametrize(("method", "path", "kwargs", "status"), [
    pytest.param("POST", "/api/v1/ask", {"json": {}}, 400, id="400"),
    pytest.param("POST", "/api/v1/ask", {"json": {"question": "x" * 501}}, 413, id="413"),
    pytest.param("POST", "/api/v1/ask", {"data": "hi", "content_type": "text/plain"}, 415,
                 id="415"),
    pytest.param("GET", "/api/v1/ask", {}, 405, id="405"),
    pytest.param("GET", "/api/v1/nope", {}, 404, id="404"),
])
def test_real_error_bodies_match_the_error_schema(spec: dict[str, Any], client: FlaskClient,
                                                  method: str, path: str,
                                                  kwargs: dict[str, Any], status: int) -> None:
    response = client.open(path, method=method, **kwargs)
    assert response.status_code == status
    check = validator(spec, "Error")
    assert [e.message for e in check.iter_errors(response.get_json())] == []
    assert not check.is_valid({"message": "flat"})


@pytest.mark.parametrize("path", ["/api/v1/faq", "/healthz", "/readyz"])
def test_get_endpoints_match_their_documented_schema(spec: dict[str, Any], client: FlaskClient,
                                                     path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    schema = response_schema(spec, path, "get", "200")
    resource = Resource.from_contents(spec, default_specification=DRAFT202012)
    check = Draft202012Validator(schema, registry=Registry().with_resource(SPEC_URI, resource))
    assert [e.message for e in check.iter_errors(response.get_json())] == []
