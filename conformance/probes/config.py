"""The probe map: where the supplier's API is, how to authenticate as two schools, which
endpoint plays which role, how a pupil is sent, and the bounds of a run. TOML, read with tomllib;
secrets come from environment variables and are never printed."""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.model.errors import UserError
from conformance.probes.openapi import SeededMap, seed_map
from conformance.readers.source import read_limited
from conformance.readers.spec import load_document

ROLES = ("provision", "read", "list", "delete", "access")
OPTIONAL_ROLES = ("update",)  # probed when the map names it (PUT or PATCH of the item)
_PROBE_KEYS = (
    "base_url",
    "openapi",
    "max_requests",
    "max_seconds",
    "max_rate",
    "seed",
    "plain_http_port",
    "credentials",
    "endpoints",
    "fields",
    "payload",
)
PAYLOAD_KINDS = (
    "eckid",
    "given_name",
    "surname",
    "address",
    "birthdate",
    "bsn",
    "onderwijsnummer",
    "group",
)


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str  # may contain {id}


@dataclass(frozen=True, slots=True)
class Credential:
    """How one school authenticates: a header and its value, or OAuth2 client credentials
    (exchanged for a bearer token at ``token_url`` on the API's own host)."""

    header: str = "Authorization"
    value: str = ""  # the header's full value ("Bearer …" or an API key)
    token_url: str = ""
    client_id: str = ""
    client_secret: str = ""


@dataclass(frozen=True, slots=True)
class ProbeConfig:
    source: str
    base_url: str
    credentials: tuple[Credential, Credential]  # school A, school B
    endpoints: dict[str, Endpoint]
    id_field: str
    pseudonym_field: str
    payload: dict[str, str]  # request field -> kind of generated value
    max_requests: int
    max_seconds: float
    max_rate: float  # requests per second; 0 = unpaced
    seed: int
    subject: dict[str, str]
    plain_http_port: int = 80  # where an https API must not answer in plain HTTP


def find_config(given: Path | None) -> Path:
    """The probe map: the given file, else conformance.toml, else pyproject.toml's
    [tool.conformance] in the current folder."""
    if given is not None:
        return given
    for candidate in (Path("conformance.toml"), Path("pyproject.toml")):
        if candidate.is_file():
            return candidate
    raise UserError("--config", None, "no conformance.toml or pyproject.toml here; give --config")


MAX_CONFIG_BYTES = 1 << 20
# a day: a probe run that needs longer is a mistake, and a timer cannot wait past ~10^9 s
MAX_SECONDS = 86_400
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
# An HTTP header name (RFC 9110 token): no space, colon or line break to smuggle a header in.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML config (conformance.toml, pyproject.toml): a regular file of at most 1 MiB (a
    FIFO would block, ``/dev/zero`` never end), UTF-8, parsed; every problem one UserError."""
    name = str(path)
    data = read_limited(path, MAX_CONFIG_BYTES, "the config", follow_link=True)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise UserError(name, f"byte {exc.start}", "the config is not UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(name, None, f"invalid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        raise UserError(name, None, "invalid TOML: nested too deeply") from None


def load_config(path: Path) -> ProbeConfig:
    name = str(path)
    raw = read_toml(path)
    if path.name == "pyproject.toml":
        raw = _mapping(_mapping(raw.get("tool"), "tool", name).get("conformance"), "tool", name)
    probe = _table(raw, "probe", name)
    _known_keys(probe, name)
    seeded = _seed(probe, path)
    endpoints = (seeded.endpoints if seeded else {}) | _endpoints(probe, name)
    missing = [role for role in ROLES if role not in endpoints]
    if missing:
        raise UserError(name, "probe.endpoints", f"missing roles: {', '.join(missing)}")
    credentials = _table(probe, "credentials", name)
    if len(credentials) < 2:
        raise UserError(name, "probe.credentials", "two schools' credentials are needed")
    schools = tuple(_credential(entry, key, name) for key, entry in list(credentials.items())[:2])
    fields = _strings(probe, "fields", name)
    base_url = _base_url(probe, seeded, name)
    _check_endpoints(endpoints, name)
    return ProbeConfig(
        source=name,
        base_url=base_url,
        credentials=(schools[0], schools[1]),
        endpoints={role: Endpoint(method, path) for role, (method, path) in endpoints.items()},
        id_field=fields.get("id") or (seeded.id_field if seeded else "id"),
        pseudonym_field=(
            fields.get("pseudonym") or (seeded.pseudonym_field if seeded else "") or "eckId"
        ),
        payload=_payload(probe, seeded.payload if seeded else {}, name),
        max_requests=_number(probe, "max_requests", 300, name, integer=True, least=1),
        max_seconds=_number(probe, "max_seconds", 120, name, least=1e-3, most=MAX_SECONDS),
        max_rate=_number(probe, "max_rate", 10, name, least=0),
        seed=_number(probe, "seed", 2026, name, integer=True),
        subject=_strings(raw, "subject", name, where=""),
        plain_http_port=_port(probe, name),
    )


def _base_url(probe: dict[str, Any], seeded: SeededMap | None, name: str) -> str:
    base_url = _string(probe, "base_url", name)
    if not base_url and seeded and seeded.base_url:
        # never taken from the spec: its servers are usually production, and probes provision
        problem = f"state the test environment's URL (the spec names {shown(seeded.base_url)})"
        raise UserError(name, "probe.base_url", problem)
    if not base_url.startswith(("http://", "https://")):
        raise UserError(name, "probe.base_url", "an http(s) URL is needed")
    try:
        parts = urlsplit(base_url)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in range)
    except ValueError:
        raise UserError(name, "probe.base_url", "not a valid URL") from None
    if "@" in parts.netloc:  # never echo it: it holds a secret
        raise UserError(name, "probe.base_url", "credentials belong in [probe.credentials]")
    if not parts.hostname or not base_url.isprintable() or " " in base_url:
        raise UserError(name, "probe.base_url", "not a valid URL")
    return base_url.rstrip("/")


def _port(probe: dict[str, Any], name: str) -> int:
    port: int = _number(probe, "plain_http_port", 80, name, integer=True, least=1)
    if port > 65535:
        raise UserError(name, "probe.plain_http_port", "a TCP port is at most 65535")
    return port


def _endpoints(probe: dict[str, Any], name: str) -> dict[str, tuple[str, str]]:
    """role -> (METHOD, path), each written as ``{method = "GET", path = "/v1/…"}``."""
    found: dict[str, tuple[str, str]] = {}
    for role, entry in _mapping(probe.get("endpoints"), "probe.endpoints", name).items():
        where = f"probe.endpoints.{shown(role)}"
        table = _mapping(entry, where, name)
        method, route = table.get("method"), table.get("path")
        if not isinstance(method, str) or not isinstance(route, str):
            raise UserError(name, where, 'expected {method = "GET", path = "/…"}')
        found[role] = (method.upper(), route)
    return found


def _check_endpoints(endpoints: dict[str, tuple[str, str]], name: str) -> None:
    unknown = sorted(set(endpoints) - {*ROLES, *OPTIONAL_ROLES})
    if unknown:
        known = ", ".join((*ROLES, *OPTIONAL_ROLES))
        where = f"probe.endpoints.{shown(unknown[0])}"
        raise UserError(name, where, f"unknown role; use {known}")
    for role, (method, endpoint_path) in endpoints.items():
        if method not in _METHODS:
            raise UserError(name, f"probe.endpoints.{role}", "an HTTP method is needed")
        if (
            not endpoint_path.startswith("/")
            or endpoint_path.startswith("//")
            or ("@" in endpoint_path.split("?")[0])
            or not endpoint_path.isprintable()
        ):
            raise UserError(name, f"probe.endpoints.{role}", "a path on the API's host is needed")


def _mapping(value: Any, where: str, name: str) -> dict[str, Any]:
    """A TOML table (absent: empty); any other type is the config's mistake, said as such."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UserError(name, where, "expected a table")
    return value


def _string(table: dict[str, Any], key: str, name: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise UserError(name, f"probe.{key}", "expected a string")
    return value


def _strings(table: dict[str, Any], key: str, name: str, where: str = "probe.") -> dict[str, str]:
    """A table of strings (numbers are taken as written, e.g. a version 4.2)."""
    entries = _mapping(table.get(key), f"{where}{key}", name)
    for field, value in entries.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise UserError(name, f"{where}{key}.{shown(field)}", "expected a string")
    return {str(k): str(v) for k, v in entries.items()}


def _number(
    table: dict[str, Any],
    key: str,
    default: int,
    name: str,
    *,
    integer: bool = False,
    least: float | None = None,
    most: float | None = None,
) -> Any:
    """A bound or setting: an int (``integer``) or a finite number, at least ``least`` and
    at most ``most``.
    ``max_requests = "many"`` or ``= true`` is a config error, never a crash or a 1."""
    value = table.get(key, default)
    wrong_type = isinstance(value, bool) or not isinstance(value, int if integer else int | float)
    if wrong_type:
        expected = "an integer" if integer else "a number"
        raise UserError(name, f"probe.{key}", f"expected {expected}, not {_type_name(value)}")
    if not math.isfinite(value):
        raise UserError(name, f"probe.{key}", "expected a finite number, not nan or inf")
    if least is not None and value < least:
        raise UserError(name, f"probe.{key}", f"must be at least {least:g}")
    if most is not None and value > most:
        raise UserError(name, f"probe.{key}", f"must be at most {most:g}")
    return value if integer else float(value)


def _type_name(value: Any) -> str:
    names = {str: "a string", bool: "a boolean", dict: "a table", list: "an array"}
    return names.get(type(value), type(value).__name__)


def config_string(table: dict[str, Any], key: str, name: str) -> str:
    """A top-level string setting of a config ("" when absent), for certify's keys."""
    value = table.get(key, "")
    if not isinstance(value, str):
        raise UserError(name, key, f"expected a string, not {_type_name(value)}")
    return value


def shown(key: object) -> str:
    """A key or value as a config may spell it, on one short line (a quoted TOML key may hold
    anything, a line break included, and error messages are one line)."""
    text = str(key)
    text = text if text.isprintable() else repr(text)
    return text if len(text) <= 60 else text[:57] + "..."


def _known_keys(probe: dict[str, Any], name: str) -> None:
    """A misspelt key (``max_request``) would silently fall back to a default: an error."""
    for key in probe:
        if key not in _PROBE_KEYS:
            known = ", ".join(_PROBE_KEYS)
            raise UserError(name, f"probe.{shown(key)}", f"unknown key; expected one of {known}")


def _seed(probe: dict[str, Any], path: Path) -> SeededMap | None:
    """The map implied by ``probe.openapi`` (relative to the config file), if one is named."""
    if "openapi" not in probe:
        return None
    spec = path.parent / _string(probe, "openapi", str(path))
    if not spec.is_file():
        raise UserError(str(path), "probe.openapi", f"no such file: {shown(spec)}")
    seeded = _seed_from(spec)
    if seeded is None:
        raise UserError(
            str(spec), None, "no pupil resource (POST+GET collection, GET+DELETE item) to probe"
        )
    return seeded


def _seed_from(spec: Path) -> SeededMap | None:
    """The seeded map; the spec is the supplier's document, and the seeding walks its shape as
    OpenAPI says it is: where it is not (``servers: 5``, a $ref cycle through ``allOf``), that
    is the spec's mistake, said in one line, not a crash."""
    document, deref = load_document(spec)
    try:
        return seed_map(document, deref)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError, RecursionError) as exc:
        problem = f"not an OpenAPI document this probe can seed from ({type(exc).__name__})"
        raise UserError(str(spec), None, problem) from None


def _payload(probe: dict[str, Any], seeded: dict[str, str], name: str) -> dict[str, str]:
    """Request field -> the kind of value generated for it; an unknown kind is a typo."""
    payload = _strings(probe, "payload", name) or seeded
    for field, kind in payload.items():
        if kind not in PAYLOAD_KINDS:
            known = ", ".join(PAYLOAD_KINDS)
            where = f"probe.payload.{shown(field)}"
            raise UserError(name, where, f"unknown kind {shown(kind)!r}; use {known}")
    if "eckid" not in payload.values():
        raise UserError(name, "probe.payload", "one field must carry the pseudonym (eckid)")
    return payload


def _table(raw: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = raw.get(key)
    if value is None:
        raise UserError(name, key, "missing table")
    if not isinstance(value, dict):
        raise UserError(name, key, "expected a table")
    return value


def _credential(entry: Any, key: str, name: str) -> Credential:
    """bearer_env = "VAR" | {header = "X-Api-Key", value_env = "VAR"} |
    {token_url = "/oauth/token", client_id_env = "VAR", client_secret_env = "VAR"}."""
    where = f"probe.credentials.{shown(key)}"
    if not isinstance(entry, dict):
        raise UserError(name, where, "expected a table")
    for field, value in entry.items():
        if not isinstance(value, str):
            raise UserError(name, f"{where}.{shown(field)}", "expected a string")
    if "bearer_env" in entry:
        return Credential(value=f"Bearer {_env(entry['bearer_env'], name, where)}")
    if "value_env" in entry:
        header = entry.get("header", "X-Api-Key")
        if not _HEADER_NAME.fullmatch(header):
            raise UserError(name, f"{where}.header", "not an HTTP header name")
        return Credential(header=header, value=_env(entry["value_env"], name, where))
    if "token_url" in entry:
        return Credential(
            token_url=entry["token_url"],
            client_id=_env(entry.get("client_id_env", ""), name, where),
            client_secret=_env(entry.get("client_secret_env", ""), name, where),
        )
    raise UserError(name, where, "expected bearer_env, value_env (with header) or token_url")


def _env(variable: str, name: str, where: str) -> str:
    """A secret from the environment: configs name variables, never hold secrets. A value
    with a line break would smuggle a header into every request: refused (never shown)."""
    value = os.environ.get(variable) if variable and "\x00" not in variable else None
    if not value:
        raise UserError(name, where, f"environment variable {shown(variable)} is not set")
    if not value.isprintable():
        raise UserError(name, where, f"environment variable {shown(variable)} holds a line break")
    return value
