"""The probe map: where the supplier's API is, how to authenticate as two schools, which
endpoint plays which role, how a pupil is sent, and the bounds of a run. TOML, read with tomllib;
secrets come from environment variables and are never printed."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conformance.model.errors import UserError

ROLES = ("provision", "read", "list", "delete", "access")


@dataclass(frozen=True, slots=True)
class Endpoint:
    method: str
    path: str  # may contain {id}


@dataclass(frozen=True, slots=True)
class ProbeConfig:
    source: str
    base_url: str
    tokens: tuple[str, str]  # school A, school B (bearer tokens)
    endpoints: dict[str, Endpoint]
    id_field: str
    pseudonym_field: str
    payload: dict[str, str]  # request field -> kind of generated value
    max_requests: int
    max_seconds: float
    seed: int
    subject: dict[str, str]


def load_config(path: Path) -> ProbeConfig:
    name = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(name, None, "no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise UserError(name, None, f"invalid TOML: {exc}") from None
    probe = _table(raw, "probe", name)
    endpoints = _table(probe, "endpoints", name)
    missing = [role for role in ROLES if role not in endpoints]
    if missing:
        raise UserError(name, "probe.endpoints", f"missing roles: {', '.join(missing)}")
    credentials = _table(probe, "credentials", name)
    if len(credentials) < 2:
        raise UserError(name, "probe.credentials", "two schools' credentials are needed")
    tokens = tuple(_secret(entry, key, name) for key, entry in list(credentials.items())[:2])
    fields = _table(probe, "fields", name)
    return ProbeConfig(
        source=name,
        base_url=str(probe.get("base_url", "")).rstrip("/"),
        tokens=(tokens[0], tokens[1]),
        endpoints={
            r: Endpoint(str(e["method"]).upper(), str(e["path"])) for r, e in endpoints.items()
        },
        id_field=str(fields.get("id", "id")),
        pseudonym_field=str(fields.get("pseudonym", "eckId")),
        payload={str(k): str(v) for k, v in _table(probe, "payload", name).items()},
        max_requests=int(probe.get("max_requests", 300)),
        max_seconds=float(probe.get("max_seconds", 120)),
        seed=int(probe.get("seed", 2026)),
        subject={str(k): str(v) for k, v in (raw.get("subject") or {}).items()},
    )


def _table(raw: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = raw.get(key)
    if not isinstance(value, dict):
        raise UserError(name, key, "missing table")
    return value


def _secret(entry: Any, key: str, name: str) -> str:
    if isinstance(entry, dict) and "bearer_env" in entry:
        value = os.environ.get(str(entry["bearer_env"]))
        if not value:
            raise UserError(
                name,
                f"probe.credentials.{key}",
                f"environment variable {entry['bearer_env']} is not set",
            )
        return value
    raise UserError(name, f"probe.credentials.{key}", 'expected {bearer_env = "VARIABLE"}')
