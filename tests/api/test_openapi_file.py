"""docs/openapi.yaml is the API contract in the repository: it must be what the code serves.

A change to a serializer or a view that changes the schema fails here until ``make schema``
has regenerated the file, so the contract's changes show up in review.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command

import yaml

COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def generate(path: Path) -> str:
    # The same command, options and settings as `make schema`; no warning is tolerated.
    call_command("spectacular", validate=True, fail_on_warn=True, lang="zh-hans", file=str(path))
    return path.read_text(encoding="utf-8")


def test_the_committed_schema_is_current(tmp_path):
    generated = generate(tmp_path / "openapi.yaml")
    committed = COMMITTED.read_text(encoding="utf-8")
    assert generated == committed, "docs/openapi.yaml is out of date: run `make schema`"


def test_the_committed_schema_is_the_served_one(db, client):
    served = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert served.status_code == 200
    assert served.json() == yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def test_every_operation_declares_its_errors():
    """Schemathesis holds responses to the documented codes; every operation that takes input
    documents its 4xx, all with the shared ``Error`` body (detail, request_id)."""
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {code for code in operation["responses"] if code.startswith("4")}
            if operation.get("parameters") or operation.get("requestBody"):
                assert errors, f"{method.upper()} {path} declares no error response"
            for code in errors:
                body = operation["responses"][code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/Error"}, (method, path, code)
            if path.startswith("/api/v1/staff/"):
                assert {"401", "403"} <= errors, f"{method.upper()} {path}"
