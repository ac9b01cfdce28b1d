"""The spec reader's review: no spec hangs it, no field is dropped silently, and every place an
OpenAPI document or JSON Schema lets a field flow is read (response headers, a parameter's
content, $ref siblings, if/then/else, dependentSchemas, patternProperties, tuple items), and a
spec is told by its top-level key wherever that key stands."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, check_text

from conformance.readers.spec import is_spec, read_spec

NAMES = {"achternaam", "bsn"}  # what every failing spec below lets flow, in some field


def _leaves(run: Any, rid: str) -> set[str]:
    """The last step of each field the requirement's findings name."""
    return {str(f["field"]).rsplit("/", 1)[-1] for f in run.findings(rid)}


def _openapi(schemas: dict[str, Any], schema: dict[str, Any]) -> str:
    """An OpenAPI 3.0 document whose one response has ``schema``, as JSON."""
    response = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    return json.dumps(
        {
            "openapi": "3.0.3",
            "info": {"title": "A", "version": "1"},
            "servers": [{"url": "https://api.example"}],
            "paths": {"/pupils": {"get": {"responses": {"200": response}}}},
            "components": {"schemas": schemas},
        }
    )


@contextmanager
def _within(seconds: float) -> Iterator[None]:
    """Fail, rather than hang the suite, if the block runs longer (the reader read a fan-out
    for ever)."""

    def expired(*_: object) -> None:
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


PUPIL = {"type": "object", "properties": {"eckId": {"type": "string"}}}
PERSONAL = {"achternaam": {"type": "string"}, "bsn": {"type": "string"}}


# --- 1. a fan-out of $refs is read once per schema, never for ever ------------------------


def test_an_allof_fan_out_finishes_at_once(tmp_path: Path) -> None:
    """H0..H12 each ``allOf`` the next eight times: 8^12 walks, which never ended (a fresh
    interpreter, as a user runs it, so a hang is a timeout rather than a stuck suite)."""
    schemas: dict[str, Any] = {f"H{i}": {"allOf": [_ref(f"H{i + 1}")] * 8} for i in range(12)}
    schemas["H12"] = {"type": "object", "properties": PERSONAL}
    spec = tmp_path / "fanout.json"
    spec.write_text(_openapi(schemas, {"type": "object", "properties": {"x": _ref("H0")}}))
    report = tmp_path / "report.json"
    argv = ["check", "--profile", "nl-generic", str(spec), "--json", str(report)]
    run = subprocess.run(
        [sys.executable, "-m", "conformance", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )
    assert run.returncode == 1, run.stderr[-300:]
    verdicts = {r["id"]: r for r in json.loads(report.read_text())["requirements"]}
    assert verdicts["NAW-001"]["verdict"] == "fail"
    assert {f["field"] for f in verdicts["NAW-001"]["findings"]} == {"x/achternaam", "x/bsn"}


def test_a_property_fan_out_is_refused_in_one_line(tmp_path: Path, cli) -> None:
    """Eight properties, each the next schema, 13 deep: 8^13 distinct fields. Refused as too
    many fields (exit 2, one line) — never read for ever, never passed."""
    schemas: dict[str, Any] = {
        f"E{i}": {"type": "object", "properties": {f"p{j}": _ref(f"E{i + 1}") for j in range(8)}}
        for i in range(13)
    }
    schemas["E13"] = {"type": "object", "properties": {}}
    with _within(30):
        run = check_text(cli, tmp_path / "fan.json", _openapi(schemas, _ref("E0")))
    assert run.code == 2
    assert "more than 100,000 fields; refused" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_mutually_recursive_schemas_are_refused_within_a_budget(tmp_path: Path, cli) -> None:
    """Twelve schemas that each refer to all twelve: every path through them differs, so
    nothing is remembered; the reader stops at its step budget with one line."""
    names = [f"S{i}" for i in range(12)]
    every = {f"p{j}": _ref(n) for j, n in enumerate(names)}
    schemas = {n: {"type": "object", "properties": every} for n in names}
    with _within(30):
        run = check_text(cli, tmp_path / "mesh.json", _openapi(schemas, _ref("S0")))
    assert run.code == 2
    assert "steps to read; refused" in run.err or "fields; refused" in run.err


# --- 2. depth: aliases are not nesting, nesting is read, too deep is refused -------------


def test_a_chain_of_fourteen_ref_aliases_is_followed(tmp_path: Path, cli) -> None:
    """P0 → P1 → … → P14: the reader gave up after twelve $refs and the response had no
    fields at all (not applicable, so CONFORMANT)."""
    schemas: dict[str, Any] = {f"P{i}": _ref(f"P{i + 1}") for i in range(14)}
    schemas["P14"] = {"type": "object", "properties": {"eckId": {"type": "string"}, **PERSONAL}}
    run = check_text(cli, tmp_path / "chain.json", _openapi(schemas, _ref("P0")))
    assert run.code == 1
    assert run.verdict("NAW-001") == "fail"
    assert _leaves(run, "NAW-001") == NAMES


def test_fields_fourteen_objects_deep_are_read(tmp_path: Path, cli) -> None:
    schema: dict[str, Any] = {"type": "object", "properties": PERSONAL}
    for level in range(1, 15):
        schema = {"type": "object", "properties": {f"level{level}": schema}}
    schema["properties"]["eckId"] = {"type": "string"}
    run = check_text(cli, tmp_path / "deep.json", _openapi({}, schema))
    assert run.verdict("NAW-001") == "fail"
    assert _leaves(run, "NAW-001") == NAMES


def test_a_thirteen_level_allof_chain_is_read_to_its_end(tmp_path: Path, cli) -> None:
    schemas: dict[str, Any] = {
        f"T{i}": {"allOf": [_ref(f"T{i + 1}"), {"properties": {f"f{i}": {"type": "string"}}}]}
        for i in range(13)
    }
    schemas["T13"] = {"type": "object", "properties": PERSONAL}
    run = check_text(cli, tmp_path / "allof.json", _openapi(schemas, _ref("T0")))
    assert run.verdict("NAW-001") == "fail"
    assert _leaves(run, "NAW-001") == NAMES


def test_nesting_beyond_the_limit_is_refused_not_cut_off(tmp_path: Path, cli) -> None:
    schema: dict[str, Any] = {"type": "object", "properties": PERSONAL}
    for level in range(200):
        schema = {"type": "object", "properties": {f"n{level}": schema}}
    run = check_text(cli, tmp_path / "deeper.json", _openapi({}, schema))
    assert run.code == 2
    assert "nest more than 128 levels deep; refused" in run.err
    assert len(run.err.strip().splitlines()) == 1


def test_a_ref_alias_cycle_that_is_used_is_refused(tmp_path: Path, cli) -> None:
    schemas = {"A": _ref("B"), "B": _ref("A")}
    run = check_text(cli, tmp_path / "loop.json", _openapi(schemas, _ref("A")))
    assert run.code == 2
    assert "a $ref that leads back to itself" in run.err


def test_a_recursive_schema_keeps_every_name_and_ends(tmp_path: Path) -> None:
    """Person.ouder is a Person: read down one repetition, every name is there."""
    schemas = {
        "Person": {
            "type": "object",
            "properties": {"eckId": {"type": "string"}, "ouder": _ref("Person"), **PERSONAL},
        }
    }
    path = tmp_path / "recursive.json"
    path.write_text(_openapi(schemas, _ref("Person")))
    (record,) = read_spec(path, frozenset()).records
    assert {"achternaam", "ouder/achternaam", "ouder/bsn", "eckId"} <= set(record.fields)
    assert all(p.count("ouder") <= 2 for p in record.fields)
    assert "ouder/ouder" not in record.fields  # the cut-off recursion is no field of its own


# --- 3. every place a field can flow is read ----------------------------------------------

RESPONSE_HEADERS = """openapi: 3.0.3
info: {title: Resultaten API, version: "2.1"}
servers: [{url: "https://api.leverancier.example"}]
paths:
  /results:
    get:
      responses:
        "200":
          description: results per pupil
          headers:
            X-Leerling-Bsn:
              schema: {type: string}
            X-Achternaam:
              $ref: "#/components/headers/Naam"
            Content-Type:
              schema: {type: string}
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Result"}
        "204":
          description: headers only
          headers:
            X-Bsn: {schema: {type: string}}
components:
  headers:
    Naam: {schema: {type: string}}
  schemas:
    Result:
      type: object
      properties:
        eckId: {type: string}
        score: {type: number}
"""

SWAGGER_HEADERS = """swagger: "2.0"
info: {title: Leerlingen, version: "1.0"}
host: api.leverancier.example
schemes: [https]
paths:
  /resultaten:
    get:
      responses:
        "200":
          description: ok
          headers:
            X-Leerling-Achternaam: {type: string}
            X-Bsn: {type: string}
          schema:
            type: array
            items: {type: object, properties: {eckId: {type: string}, score: {type: number}}}
"""

PARAM_CONTENT = """openapi: 3.0.3
info: {title: A, version: "1"}
servers: [{url: "https://api.example"}]
paths:
  /resultaten:
    post:
      parameters:
        - name: groep
          in: header
          content:
            application/json:
              schema: {type: object, properties: {achternaam: {type: string}, bsn: {type: string}}}
      requestBody:
        content:
          application/json:
            schema: {type: object, properties: {eckId: {type: string}, score: {type: number}}}
      responses:
        "204": {description: ok}
"""

REF_SIBLINGS = """openapi: 3.1.0
info: {title: Resultaten API, version: "2.1"}
servers: [{url: "https://api.leverancier.example"}]
paths:
  /pupils:
    get:
      responses:
        "200":
          description: pupils
          content:
            application/json:
              schema:
                type: array
                items: {$ref: "#/components/schemas/Pupil"}
components:
  schemas:
    Base:
      type: object
      properties:
        eckId: {type: string}
    Pupil:
      $ref: "#/components/schemas/Base"
      properties:
        achternaam: {type: string}
        bsn: {type: string}
"""


def _schema(body: dict[str, Any]) -> str:
    return json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema", **body})


_OWN = {"eckId": {"type": "string"}, "groep": {"type": "string"}}
_PERSON = {"type": "object", "properties": PERSONAL}


@pytest.mark.parametrize(
    ("name", "text", "fields"),
    [
        pytest.param(
            "headers.yaml", RESPONSE_HEADERS, {"X-Leerling-Bsn", "X-Achternaam", "X-Bsn"}, id="oas3"
        ),
        pytest.param(
            "swagger.yaml", SWAGGER_HEADERS, {"X-Leerling-Achternaam", "X-Bsn"}, id="swagger2"
        ),
        pytest.param("param.yaml", PARAM_CONTENT, {"groep/achternaam", "groep/bsn"}, id="content"),
        pytest.param("sibling.yaml", REF_SIBLINGS, {"achternaam", "bsn"}, id="ref-siblings"),
        pytest.param(
            "ifthen.json",
            _schema(
                {
                    "type": "object",
                    "properties": _OWN,
                    "if": {"properties": {"groep": {"const": "8"}}},
                    "then": {"properties": {"achternaam": {"type": "string"}}},
                    "else": {"properties": {"bsn": {"type": "string"}}},
                }
            ),
            {"achternaam", "bsn"},
            id="if-then-else",
        ),
        pytest.param(
            "dependent.json",
            _schema({"type": "object", "properties": _OWN, "dependentSchemas": {"groep": _PERSON}}),
            {"achternaam", "bsn"},
            id="dependentSchemas",
        ),
        pytest.param(
            "pattern.json",
            _schema(
                {
                    "type": "object",
                    "properties": {"eckId": {"type": "string"}},
                    "patternProperties": {"^bsn$": {"type": "string"}, "^achternaam$": {}},
                }
            ),
            {"achternaam", "bsn"},
            id="patternProperties",
        ),
        pytest.param(
            "prefix.json",
            _schema(
                {
                    "type": "object",
                    "properties": {
                        "eckId": {"type": "string"},
                        "leerling": {"type": "array", "prefixItems": [_PERSON]},
                    },
                }
            ),
            {"leerling/achternaam", "leerling/bsn"},
            id="prefixItems",
        ),
        pytest.param(
            "tuple.json",
            json.dumps(
                {
                    "$schema": "http://json-schema.org/draft-04/schema#",
                    "type": "object",
                    "properties": {
                        "eckId": {"type": "string"},
                        "leerlingen": {"type": "array", "items": [_PERSON]},
                    },
                }
            ),
            {"leerlingen/achternaam", "leerlingen/bsn"},
            id="draft4-tuple-items",
        ),
    ],
)
def test_every_place_a_field_flows_is_read(
    tmp_path: Path, cli, name: str, text: str, fields: set[str]
) -> None:
    run = check_text(cli, tmp_path / name, text)
    assert run.code == 1
    assert run.verdict("NAW-001") == "fail"
    assert {f["field"] for f in run.findings("NAW-001")} == fields


def test_content_type_and_a_clean_response_header_are_no_personal_fields(tmp_path: Path) -> None:
    """Content-Type is the body's (the OpenAPI spec says to ignore it); the headers are fields
    beside the body's, and a response with headers only is a record of its own."""
    path = tmp_path / "headers.yaml"
    path.write_text(RESPONSE_HEADERS)
    records = read_spec(path, frozenset()).records
    assert [set(r.fields) for r in records] == [
        {"X-Leerling-Bsn", "X-Achternaam", "eckId", "score"},
        {"X-Bsn"},
    ]


def test_not_is_not_read(tmp_path: Path, cli) -> None:
    """What ``not`` names may not be sent: it is no field (its schema declares a bsn, which
    a reader of ``not`` would report)."""
    forbidden = {"properties": {"bsn": {"type": "string"}}, "required": ["bsn"]}
    text = _schema({"type": "object", "properties": _OWN, "not": forbidden})
    run = check_text(cli, tmp_path / "not.json", text)
    assert run.verdict("NAW-001") == "pass"


def test_a_property_that_combines_scalars_is_a_field(tmp_path: Path) -> None:
    """``bsn: {allOf: [{$ref: Nummer}]}`` declares no fields below it: it is the field (it was
    dropped, as an object with nothing inside)."""
    schemas = {"Nummer": {"type": "string"}}
    schema = {"type": "object", "properties": {"bsn": {"allOf": [_ref("Nummer")]}}}
    path = tmp_path / "scalar.json"
    path.write_text(_openapi(schemas, schema))
    (record,) = read_spec(path, frozenset()).records
    assert record.fields == {"bsn": ["value"]}


# --- 4. a spec is told by its top-level key, wherever it stands --------------------------


def _sorted_spec(person: dict[str, Any]) -> str:
    """An OpenAPI document written with sorted keys: ``openapi`` after a large components."""
    groups = {
        f"Groep{i}": {"type": "object", "description": "Een groep of klas " * 4} for i in range(40)
    }
    return json.dumps(
        json.loads(_openapi({**groups, "Leerling": person}, _ref("Leerling"))),
        sort_keys=True,
        indent=2,
    )


def test_a_sorted_openapi_json_is_read_as_a_spec(tmp_path: Path, cli) -> None:
    text = _sorted_spec({"type": "object", "properties": {"eckId": {"type": "string"}, **PERSONAL}})
    assert text.index('"openapi"') > 4096
    run = check_text(cli, tmp_path / "sorted.json", text)
    assert run.report is not None
    assert run.report["inputs"][0]["format"] == "openapi"
    assert _leaves(run, "NAW-001") == NAMES


def test_a_clean_sorted_openapi_json_passes(tmp_path: Path, cli) -> None:
    """It was read as an export of one record, and failed PSN-001 and MIN-001."""
    run = check_text(cli, tmp_path / "clean.json", _sorted_spec(PUPIL))
    assert run.code == 0
    assert (run.verdict("NAW-001"), run.verdict("MIN-001"), run.verdict("PSN-001")) == (
        "pass",
        "pass",
        "not_applicable",
    )


def test_a_json_export_is_never_a_spec_by_a_key_inside_it(tmp_path: Path) -> None:
    """Only a top-level key tells: a record's own ``$schema`` or ``openapi`` does not, in the
    first bytes or later; a sorted YAML spec is told by its line."""
    record = {"eckId": "x", "meta": {"$schema": "s", "openapi": 1}}
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"leerlingen": [record] * 400}))
    assert not is_spec(export)
    array = tmp_path / "array.json"
    array.write_text(json.dumps([{"openapi": "3.0.0"}]))
    assert not is_spec(array)
    late = tmp_path / "late.json"
    late.write_text(json.dumps({"leerlingen": [record] * 400, "$schema": "https://x"}))
    assert is_spec(late)
    padding = "".join(f"    S{i}: {{type: object, description: {'x' * 60}}}\n" for i in range(80))
    sorted_yaml = tmp_path / "sorted.yaml"
    sorted_yaml.write_text(f"components:\n  schemas:\n{padding}openapi: 3.0.3\npaths: {{}}\n")
    assert is_spec(sorted_yaml)


def test_an_apis_technical_response_headers_are_no_fields(tmp_path: Path, cli) -> None:
    """Rate limits, ETags, links and request ids are the API's, not a pupil's: as fields,
    MIN-001's closed world called each unknown (a false alarm on every real API). A header
    named as a person's data still counts."""
    text = RESPONSE_HEADERS.replace(
        "            Content-Type:\n",
        "            X-RateLimit-Limit: {schema: {type: integer}}\n"
        "            ETag: {schema: {type: string}}\n"
        "            Link: {schema: {type: string}}\n"
        "            X-Request-Id: {schema: {type: string}}\n"
        "            Age: {schema: {type: integer}}\n"  # a cache's seconds, not years
        "            X-Country: {schema: {type: string}}\n"
        "            Content-Type:\n",
    )
    path = tmp_path / "headers.yaml"
    path.write_text(text)
    fields = set().union(*(set(r.fields) for r in read_spec(path, frozenset()).records))
    assert fields == {"X-Leerling-Bsn", "X-Achternaam", "eckId", "score", "X-Bsn"}


def test_every_response_keeps_its_fields_however_many_schemas_are_made_on_the_way(
    tmp_path: Path,
) -> None:
    """Schemas were memoised by id() alone: a missing body's {} and a $ref merged with its
    siblings are made on the way and freed, and the next one given the same id took the first
    one's (empty) fields — 29 of 30 responses lost their bsn (a review)."""
    paths = {
        f"/p{n}": {
            "delete": {"responses": {"204": {"description": "gone"}}},
            "get": {
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "$ref": "#/components/schemas/P",
                                    "properties": {"bsn": {"type": "string"}},
                                }
                            }
                        },
                    }
                }
            },
        }
        for n in range(30)
    }
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": paths,
        "components": {"schemas": {"P": {"properties": {"eckId": {"type": "string"}}}}},
    }
    path = tmp_path / "api.json"
    path.write_text(json.dumps(document))
    records = read_spec(path, frozenset()).records
    assert len(records) == 30
    assert all({"eckId", "bsn"} <= set(r.fields) for r in records)
