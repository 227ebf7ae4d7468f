"""The OpenAPI schema is the truth about the API, for every view (today's and those added later):
drf-spectacular has nothing to warn about, every API route is documented, errors have one shape,
and each GET answers in the shape its schema says (a page, an array or an object)."""

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator
from rest_framework.views import APIView

ROOT = Path(__file__).resolve().parents[2]
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def test_spectacular_validates_the_schema_without_a_single_warning(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "s.yml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "supportops.settings.test"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr


def _api_views(resolver=None, prefix=""):
    """(path with {params}, view class) for every DRF view of the URL conf under /api/v1/."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _api_views(entry, route)
        elif isinstance(entry, URLPattern):
            view_class = getattr(entry.callback, "cls", None)
            if view_class and issubclass(view_class, APIView) and route.startswith("api/v1/"):
                path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route).lstrip("^").rstrip("$")
                path = path.replace("{pk}", "{id}")  # drf-spectacular's SCHEMA_COERCE_PATH_PK
                yield path, view_class


def test_every_api_view_and_method_is_in_the_schema(schema):
    missing = []
    for path, view_class in _api_views():
        if path in ("/api/v1/schema/", "/api/v1/docs/"):
            continue
        for method in METHODS:
            if hasattr(view_class, method) and method not in schema["paths"].get(path, {}):
                missing.append(f"{method.upper()} {path} ({view_class.__name__})")
    assert missing == []


def test_operation_ids_are_unique(schema):
    ids = [operation["operationId"] for _, _, operation in operations(schema)]
    assert len(ids) == len(set(ids))


def test_errors_are_documented_with_the_one_json_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                assert response["content"]["application/json"]["schema"] == error, (path, method, code)
        if {} not in operation.get("security", [{}]):  # needs credentials
            assert "401" in responses, (path, method)
            assert "WWW-Authenticate" in responses["401"]["headers"], (path, method)
        if method in ("post", "patch", "put"):
            assert "400" in responses, (path, method)
        if "{" in path:
            assert "404" in responses, (path, method)
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail"}


def test_team_is_required_where_the_view_needs_it(schema):
    def required(path: str) -> set[str]:
        parameters = schema["paths"][path]["get"].get("parameters", [])
        return {p["name"] for p in parameters if p["in"] == "query" and p.get("required")}

    for name in ("load", "response-times", "cost", "topics"):
        assert "team" in required(f"/api/v1/reports/{name}/")
    assert "team" in required("/api/v1/postmortems/agenda/")


def test_times_without_an_offset_are_documented_as_team_local(schema):
    def description(path: str, name: str) -> str:
        parameters = schema["paths"][path]["get"]["parameters"]
        return next(p["description"] for p in parameters if p["name"] == name)

    assert "team's time zone" in description("/api/v1/teams/{slug}/oncall/", "at")
    assert "team's time zone" in description("/api/v1/shifts/", "starts_after")
    absence = schema["components"]["schemas"]["AbsenceInputRequest"]["properties"]["starts_at"]
    assert "team's time zone" in absence["description"]


# ---- every GET answers in the documented shape (filled from real objects made through the API) ----


@pytest.fixture
def world(as_member, manager, primary, team, other_team, outsider):
    # Every optional feature switched on, so that each GET has something to show.
    team.session_minutes_per_week = 120
    team.save()
    api = as_member(manager)
    # The team offers one-to-one sessions, so their public slots answer 200 too.
    team.session_minutes_per_week = 30
    team.save(update_fields=["session_minutes_per_week"])

    def post(url: str, data: dict) -> dict:
        response = api.post(url, data, format="json")
        assert response.status_code == 201, (url, response.content)
        return response.json()

    inquiry = post(
        "/api/v1/inquiries/",
        {
            "team": "ads",
            "subject": "Kernel dies",
            "body": "…",
            "requester_name": "Lea",
            "requester_email": "l@x.org",
        },
    )
    postmortem = post("/api/v1/postmortems/", {"team": "ads", "inquiries": [inquiry["reference"]]})
    base = f"/api/v1/postmortems/{postmortem['id']}/"
    milestone = post(base + "milestones/", {"at": "2026-03-02T09:00:00Z", "description": "Reported"})
    recommendation = post(base + "recommendations/", {"description": "Pin the version"})
    absence = post(
        "/api/v1/absences/",
        {"member": primary.pk, "starts_at": "2026-05-04T00:00", "ends_at": "2026-05-06T00:00"},
    )
    rotation = post(
        "/api/v1/teams/ads/rotations/",
        {
            "shift_length_minutes": 240,
            "handoff_time": "09:00",
            "starts_on": str(dt.date.today()),
            "members": [primary.pk],
        },
    )
    improvement = post(
        "/api/v1/improvements/",
        {"team": "ads", "title": "Docs", "kind": "low_hanging_fruit", "estimate_hours": "2"},
    )
    values = {
        "slug": "ads",
        "reference": inquiry["reference"],
        "postmortem_id": postmortem["id"],
        "milestone_id": milestone["id"],
        "recommendation_id": recommendation["id"],
        "absence_id": absence["id"],
        "member_id": primary.pk,
        "rotation_id": rotation["id"],
        "improvement_id": improvement["id"],
    }
    return api, values


def _response_schema(schema: dict, operation: dict) -> dict | None:
    ok = operation["responses"].get("200", {})
    body = ok.get("content", {}).get("application/json", {}).get("schema")
    if body and "$ref" in body:
        return schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    return body


def test_every_get_answers_in_the_shape_its_schema_documents(schema, world):
    api, values = world
    checked, skipped = 0, []
    for path, method, operation in operations(schema):
        if method != "get":
            continue
        names = re.findall(r"{(\w+)}", path)
        if any(name not in values for name in names):
            skipped.append(path)
            continue
        url = path.format(**{name: values[name] for name in names})
        query = {
            p["name"]: "ads"
            for p in operation.get("parameters", [])
            if p.get("required") and p["in"] == "query"
        }
        if any(name != "team" for name in query):
            skipped.append(path)
            continue
        response = api.get(url, query, HTTP_ACCEPT="application/json")
        if response.status_code == 400 and "400" in operation["responses"] and operation.get("parameters"):
            skipped.append(path)  # needs some of its optional parameters (e.g. the cost planner)
            continue
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        documented = _response_schema(schema, operation)
        body = response.json()
        if documented is None:
            continue
        checked += 1
        if set(documented.get("properties", {})) >= {"count", "next", "previous", "results"}:
            assert isinstance(body, dict) and set(body) >= {"count", "next", "previous", "results"}, (
                f"{url} is documented as a page; a view answering a bare list says `pagination_class = None`"
            )
        elif documented.get("type") == "array":
            assert isinstance(body, list), (url, "documented as an array")
        elif documented.get("type") == "object" and documented.get("properties"):
            assert isinstance(body, dict), url
            assert set(documented.get("required", [])) <= set(body), (
                url,
                set(documented["required"]) - set(body),
            )
        if query:
            assert api.get(url, HTTP_ACCEPT="application/json").status_code == 400, f"{url} without {query}"
    assert checked >= 20, (checked, skipped)
