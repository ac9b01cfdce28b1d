"""The probe map: where the supplier's API is, how to authenticate as two schools, which
endpoint plays which role, how a pupil is sent, and the bounds of a run. TOML, read with tomllib;
secrets come from environment variables and are never printed."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.model.errors import UserError
from conformance.probes.openapi import SeededMap, seed_map
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


def load_config(path: Path) -> ProbeConfig:
    name = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(name, None, "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(name, None, f"invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        raw = (raw.get("tool") or {}).get("conformance") or {}
    probe = _table(raw, "probe", name)
    _known_keys(probe, name)
    seeded = _seed(probe, path)
    endpoints = (seeded.endpoints if seeded else {}) | {
        str(role): (str(e["method"]).upper(), str(e["path"]))
        for role, e in (probe.get("endpoints") or {}).items()
    }
    missing = [role for role in ROLES if role not in endpoints]
    if missing:
        raise UserError(name, "probe.endpoints", f"missing roles: {', '.join(missing)}")
    credentials = _table(probe, "credentials", name)
    if len(credentials) < 2:
        raise UserError(name, "probe.credentials", "two schools' credentials are needed")
    schools = tuple(_credential(entry, key, name) for key, entry in list(credentials.items())[:2])
    fields = probe.get("fields") or {}
    base_url = str(probe.get("base_url") or "")
    if not base_url and seeded and seeded.base_url:
        # never taken from the spec: its servers are usually production, and probes provision
        problem = f"state the test environment's URL (the spec names {seeded.base_url})"
        raise UserError(name, "probe.base_url", problem)
    if not base_url.startswith(("http://", "https://")):
        raise UserError(name, "probe.base_url", "an http(s) URL is needed")
    if "@" in urlsplit(base_url).netloc:  # never echo it: it holds a secret
        raise UserError(name, "probe.base_url", "credentials belong in [probe.credentials]")
    unknown = sorted(set(endpoints) - {*ROLES, *OPTIONAL_ROLES})
    if unknown:
        known = ", ".join((*ROLES, *OPTIONAL_ROLES))
        raise UserError(name, f"probe.endpoints.{unknown[0]}", f"unknown role; use {known}")
    for role, (_, endpoint_path) in endpoints.items():
        if (
            not endpoint_path.startswith("/")
            or endpoint_path.startswith("//")
            or ("@" in endpoint_path.split("?")[0])
        ):
            raise UserError(name, f"probe.endpoints.{role}", "a path on the API's host is needed")
    return ProbeConfig(
        source=name,
        base_url=base_url.rstrip("/"),
        credentials=(schools[0], schools[1]),
        endpoints={role: Endpoint(method, path) for role, (method, path) in endpoints.items()},
        id_field=str(fields.get("id") or (seeded.id_field if seeded else "id")),
        pseudonym_field=str(
            fields.get("pseudonym") or (seeded.pseudonym_field if seeded else "") or "eckId"
        ),
        payload=_payload(probe.get("payload") or (seeded.payload if seeded else {}), name),
        max_requests=int(probe.get("max_requests", 300)),
        max_seconds=float(probe.get("max_seconds", 120)),
        max_rate=float(probe.get("max_rate", 10)),
        seed=int(probe.get("seed", 2026)),
        subject={str(k): str(v) for k, v in (raw.get("subject") or {}).items()},
        plain_http_port=int(probe.get("plain_http_port", 80)),
    )


def _known_keys(probe: dict[str, Any], name: str) -> None:
    """A misspelt key (``max_request``) would silently fall back to a default: an error."""
    for key in probe:
        if key not in _PROBE_KEYS:
            known = ", ".join(_PROBE_KEYS)
            raise UserError(name, f"probe.{key}", f"unknown key; expected one of {known}")


def _seed(probe: dict[str, Any], path: Path) -> SeededMap | None:
    """The map implied by ``probe.openapi`` (relative to the config file), if one is named."""
    if "openapi" not in probe:
        return None
    spec = path.parent / str(probe["openapi"])
    if not spec.is_file():
        raise UserError(str(path), "probe.openapi", f"no such file: {spec}")
    seeded = seed_map(*load_document(spec))
    if seeded is None:
        raise UserError(
            str(spec), None, "no pupil resource (POST+GET collection, GET+DELETE item) to probe"
        )
    return seeded


def _payload(raw: dict[str, Any], name: str) -> dict[str, str]:
    """Request field -> the kind of value generated for it; an unknown kind is a typo."""
    payload = {str(k): str(v) for k, v in raw.items()}
    for field, kind in payload.items():
        if kind not in PAYLOAD_KINDS:
            known = ", ".join(PAYLOAD_KINDS)
            raise UserError(name, f"probe.payload.{field}", f"unknown kind {kind!r}; use {known}")
    if "eckid" not in payload.values():
        raise UserError(name, "probe.payload", "one field must carry the pseudonym (eckid)")
    return payload


def _table(raw: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise UserError(name, key, "missing table")
    return value


def _credential(entry: Any, key: str, name: str) -> Credential:
    """bearer_env = "VAR" | {header = "X-Api-Key", value_env = "VAR"} |
    {token_url = "/oauth/token", client_id_env = "VAR", client_secret_env = "VAR"}."""
    where = f"probe.credentials.{key}"
    if not isinstance(entry, dict):
        raise UserError(name, where, "expected a table")
    if "bearer_env" in entry:
        return Credential(value=f"Bearer {_env(entry['bearer_env'], name, where)}")
    if "value_env" in entry:
        header = str(entry.get("header", "X-Api-Key"))
        return Credential(header=header, value=_env(entry["value_env"], name, where))
    if "token_url" in entry:
        return Credential(
            token_url=str(entry["token_url"]),
            client_id=_env(entry.get("client_id_env", ""), name, where),
            client_secret=_env(entry.get("client_secret_env", ""), name, where),
        )
    raise UserError(name, where, "expected bearer_env, value_env (with header) or token_url")


def _env(variable: Any, name: str, where: str) -> str:
    """A secret from the environment: configs name variables, never hold secrets."""
    value = os.environ.get(str(variable))
    if not value:
        raise UserError(name, where, f"environment variable {variable} is not set")
    return value
