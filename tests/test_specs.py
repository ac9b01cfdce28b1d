"""Interface specs: OpenAPI and JSON Schema read as the fields they let flow; bad specs exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_text

from conformance.readers.spec import read_spec

OPENAPI = """openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pupils:
    post:
      parameters:
        - $ref: "#/components/parameters/School"
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/Leerling"}
      responses:
        "201": {description: created}
components:
  parameters:
    School: {name: brin, in: query, schema: {type: string}}
  schemas:
    Leerling:
      allOf:
        - {$ref: "#/components/schemas/Base"}
        - type: object
          properties:
            contact:
              type: object
              properties:
                phones: {type: array, items: {type: string}}
    Base:
      type: object
      properties:
        eckId: {type: string}
"""


def test_refs_allof_nested_objects_and_parameters(tmp_path: Path) -> None:
    path = tmp_path / "api.yaml"
    path.write_text(OPENAPI)
    spec = read_spec(path, frozenset({"leerling"}))
    (record,) = spec.records
    assert record.synthetic
    assert record.kind == "leerling"
    assert record.fields == {"brin": ["string"], "eckId": ["string"], "contact/phones": ["string"]}
    assert record.path == "/paths/~1pupils/post"
    assert record.line == 6
    assert [(f.place, f.name) for f in spec.url_fields] == [("query", "brin")]


def test_bad_specs_are_one_clear_error(tmp_path: Path, cli) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("openapi: 3.0.0\npaths: {/x: [unclosed\n")
    run = cli("check", "--profile", "nl-generic", broken)
    assert run.code == 2
    assert "broken.yaml:line 3 column 1: malformed spec" in run.err
    dangling = tmp_path / "dangling.yaml"
    dangling.write_text(OPENAPI.replace("#/components/schemas/Base", "#/components/schemas/Gone"))
    run = cli("check", "--profile", "nl-generic", dangling)
    assert run.code == 2
    assert "unresolvable $ref #/components/schemas/Gone" in run.err


def test_an_unresolvable_ref_is_shown_without_the_data_typed_into_it(tmp_path: Path, cli) -> None:
    """The error quoted the reference as written: a name, BSN or e-mail address typed where a
    schema's name belongs reached the terminal raw."""
    leaking = tmp_path / "leaking.yaml"
    target = "#/components/schemas/Jan de Vries 111222333 jan.devries@example.nl"
    leaking.write_text(OPENAPI.replace("#/components/schemas/Base", target))
    run = cli("check", "--profile", "nl-generic", leaking)
    assert run.code == 2
    assert "unresolvable $ref #/components/schemas/" in run.err
    for value in ("Jan de Vries", "111222333", "devries"):
        assert value not in run.err


XSD = "uwlr/v2.2/Schemas"


def test_uwlr_smalle_set_xsd_fits_the_smalle_set_and_the_full_xsd_does_not(reference, cli) -> None:
    smalle = (
        reference / XSD / "Profiel smalle set" / "Profiel_Smalle_set_UWLR_Leerlinggegevens_v2p2.xsd"
    )
    run = cli("check", "--profile", "uwlr-2.2", "--purpose", "smalle-set", smalle)
    assert (run.verdict("NAW-001"), run.verdict("MIN-001")) == ("pass", "pass")
    assert run.report["inputs"][0]["format"] == "xsd"
    pseudo = cli("check", "--profile", "uwlr-2.2", "--purpose", "pseudoniem", smalle)
    assert {"achternaam", "roepnaam", "voorvoegsel"} <= {
        f["field"] for f in pseudo.findings("NAW-001")
    }
    full = cli(
        "check",
        "--profile",
        "uwlr-2.2",
        "--purpose",
        "smalle-set",
        reference / XSD / "UWLR_Leerlinggegevens_v2p2.xsd",
    )
    outside = {f["field"] for f in full.findings("MIN-001")}
    assert {"bsn", "geslacht", "emailadres", "postcodenl", "voornamen"} <= outside
    assert all(f["evidence"] is None for f in full.findings("NAW-001"))


_PUPIL = "{type: object, properties: {eckId: {type: string}, achternaam: {type: string}}}"
_BODY = f"content: {{application/json: {{schema: {_PUPIL}}}}}"


@pytest.mark.parametrize(
    ("document", "requirement"),
    [
        pytest.param(  # a path item given by $ref (3.0 and 3.1)
            "paths:\n  /leerlingen:\n    $ref: '#/components/pathItems/L'\n"
            "components:\n  pathItems:\n    L:\n      get:\n        responses:\n"
            f"          '200': {{description: ok, {_BODY}}}\n",
            "NAW-001",
            id="path-item-ref",
        ),
        pytest.param(
            "webhooks:\n  nieuw:\n    post:\n"
            f"      requestBody: {{{_BODY}}}\n      responses: {{'200': {{description: ok}}}}\n",
            "NAW-001",
            id="webhook",
        ),
        pytest.param(
            "paths:\n  /abonnement:\n    post:\n      responses: {'201': {description: ok}}\n"
            "      callbacks:\n        wijziging:\n          '{$request.body#/url}':\n"
            f"            post:\n              requestBody: {{{_BODY}}}\n"
            "              responses: {'200': {description: ok}}\n",
            "NAW-001",
            id="callback",
        ),
        pytest.param(
            "paths:\n  /groepen:\n    get:\n      responses:\n        '200':\n"
            "          description: ok\n          content:\n            application/json:\n"
            f"              schema: {{type: object, additionalProperties: {_PUPIL}}}\n",
            "NAW-001",
            id="map-of-pupils",
        ),
        pytest.param(
            "servers: [{url: 'https://api.example.nl'}]\npaths:\n  /groepen:\n"
            "    servers: [{url: 'http://oud.example.nl'}]\n    get:\n"
            "      responses: {'200': {description: ok}}\n",
            "API-007",
            id="path-server",
        ),
        pytest.param(
            "paths:\n  /groepen:\n    get:\n      servers: [{url: 'http://api2.example.nl'}]\n"
            "      responses: {'200': {description: ok}}\n",
            "API-007",
            id="operation-server",
        ),
        pytest.param(
            "servers:\n  - url: '{scheme}://api.example.nl'\n    variables:\n"
            "      scheme: {default: https, enum: [http, https]}\n"
            "paths:\n  /groepen:\n    get:\n      responses: {'200': {description: ok}}\n",
            "API-007",
            id="server-variable",
        ),
    ],
)
def test_every_part_of_an_openapi_document_is_read(
    tmp_path: Path, cli, document: str, requirement: str
) -> None:
    """Operations under a path item's $ref, webhooks and callbacks, a map's values, and
    servers of a path or an operation or with variables went unread: each passed."""
    head = 'openapi: 3.1.0\ninfo: {title: t, version: "1"}\n'
    run = check_text(cli, tmp_path / "api.yaml", head + document)
    assert run.code == 1, run.out
    assert run.findings(requirement), run.out


SWAGGER = """swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.nl
basePath: /v1
schemes: [https]
paths:
  /leerlingen:
    post:
      parameters:
        - {name: body, in: body, schema: {$ref: '#/definitions/Leerling'}}
      responses:
        "200": {description: ok, schema: {$ref: '#/definitions/Leerling'}}
definitions:
  Leerling:
    type: object
    properties:
      eckId: {type: string}
      groep: {type: string}
"""


def test_swagger_2_is_read_as_openapi_3_is(tmp_path: Path, cli) -> None:
    """A Swagger 2.0 document was taken for a CSV file ('row has 2 cells but the header has
    1'): its body parameter, its responses' schemas and its schemes are read."""
    clean = tmp_path / "clean.yaml"
    clean.write_text(SWAGGER)
    spec = read_spec(clean, frozenset())
    assert [sorted(r.fields) for r in spec.records] == [["eckId", "groep"]] * 2
    assert spec.servers[0][0] == "https://api.example.nl/v1"
    assert cli("check", "--profile", "nl-generic", clean).code == 0
    leaking = tmp_path / "leaking.yaml"
    leaking.write_text(
        SWAGGER.replace("schemes: [https]", "schemes: [http, https]").replace(
            "groep: {type: string}", "achternaam: {type: string}"
        )
    )
    run = cli("check", "--profile", "nl-generic", leaking)
    assert run.code == 1
    assert [f["field"] for f in run.findings("NAW-001")] == ["achternaam"]
    assert "server http://api.example.nl/… is plain HTTP" in run.findings("API-007")[0]["message"]


SERVERS = """openapi: 3.0.3
info: {title: t, version: "1"}
servers:
  - url: "%s"
paths: {}
"""


@pytest.mark.parametrize(
    ("url", "code", "shown"),
    [
        # urlsplit refuses an open bracket (it was an internal error, exit 3)
        ("http://[::1", 0, None),
        ("http://]", 1, "server http://]/… is plain HTTP"),
        ("https://[", 0, None),
        # a user, password or path may be a pupil's name or number: only the host is shown
        (
            "http://tjeerd.kwakkelstein:111222333@api.example/v1/111222333",
            1,
            "http://api.example/…",
        ),
        ("http://kwakkelstein-111222333.school.example/", 1, "server http://k"),
    ],
)
def test_a_server_url_is_judged_by_its_scheme_and_host_alone(
    tmp_path: Path, cli, url: str, code: int, shown: str | None
) -> None:
    spec = tmp_path / "servers.yaml"
    spec.write_text(SERVERS % url)
    run = cli("check", "--profile", "nl-generic", spec)
    assert run.code == code, run.err
    for text in (run.out, run.err, str(run.findings("API-007"))):
        assert "111222333" not in text and "kwakkelstein" not in text.lower()
    if shown is not None:
        assert shown in run.findings("API-007")[0]["message"]
