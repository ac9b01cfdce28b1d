"""What a pseudonym would look like if someone derived it from a personal number or identity
value themselves (LNK-001): plain digests, encodings, truncations, and the Nummervoorziening's
first-level scrypt hash with the salt Kennisnet published in its reference implementation.

A pseudonym equal to any of these can be recomputed by anyone who has the number: it is not the
"not one-to-one derived" pseudonym the law requires (Kamerstuk 32 034; FACTS.md §1.2).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterator
from functools import lru_cache

# Kennisnet's reference implementation hard-coded this first-level salt before environments
# got their own (SchoolID Constants.java, .NET Constants.cs): anyone can recompute with it.
PUBLIC_SCRYPT_SALT = base64.b64decode("rktYml0MIp9TC9u6Ny6uqw==")
_DIGESTS = {"md5": 16, "sha1": 20, "sha256": 32, "sha512": 64}  # name -> digest bytes
_MIN_TRUNCATION = 16
_HEX_TAIL = re.compile(r"[0-9A-Fa-f]{16,}$")


def normalise(pseudonym: str) -> str:
    """The part of a pseudonym that carries its value: a URL's last segment, without spaces."""
    value = pseudonym.strip()
    if "://" in value:
        value = value.rstrip("/").rsplit("/", 1)[-1]
    return value


def forms(
    secret: str,
    fits: Callable[[int], bool] = lambda _: True,
    digests: tuple[str, ...] | None = None,
) -> Iterator[tuple[str, str]]:
    """(derived form, how it was made) for one secret: the secret itself, its hex and base64
    encodings, and its unsalted digests in hex (both cases) and base64 (with and without
    padding, standard and URL-safe). Only forms whose length ``fits`` are made: a digest no
    form of which could match is never computed (for a 128-hex ECK iD, only SHA-512 is)."""
    raw = secret.encode()
    if fits(len(secret)):
        yield secret, "the value itself"
    if fits(2 * len(raw)):
        yield raw.hex(), "the value hex-encoded"
    if fits(_b64_length(len(raw))):
        yield base64.b64encode(raw).decode(), "the value base64-encoded"
    for name in digests if digests is not None else _useful_digests(fits):
        digest = hashlib.new(name, raw).digest()
        if fits(2 * len(digest)):
            hexed = digest.hex()
            yield hexed, f"unsalted {name.upper()} (hex)"
            yield hexed.upper(), f"unsalted {name.upper()} (hex)"
        if fits(_b64_length(len(digest))) or fits(_b64_length(len(digest), padded=False)):
            for encoded in (base64.b64encode(digest), base64.urlsafe_b64encode(digest)):
                text = encoded.decode()
                yield text, f"unsalted {name.upper()} (base64)"
                yield text.rstrip("="), f"unsalted {name.upper()} (base64)"


def _useful_digests(fits: Callable[[int], bool]) -> tuple[str, ...]:
    """The digests with a form (hex, base64 padded or not) whose length fits."""
    return tuple(
        name
        for name, size in _DIGESTS.items()
        if any(fits(n) for n in (2 * size, _b64_length(size), _b64_length(size, padded=False)))
    )


@lru_cache(maxsize=512)
def _digest_plan(length: int, truncatable: bool) -> tuple[str, ...]:
    """The useful digests for every pseudonym of this length: worked out once, not per record."""
    return _useful_digests(lambda n: n == length or (truncatable and n > length))


def _b64_length(size: int, padded: bool = True) -> int:
    return 4 * ((size + 2) // 3) if padded else (4 * size + 2) // 3


def derivation_of(pseudonym: str, secrets: list[str]) -> str | None:
    """How the pseudonym derives from one of the secrets, or None."""
    value = normalise(pseudonym)
    if not value:
        return None
    lowered = value.lower()
    truncatable = len(value) >= _MIN_TRUNCATION and _HEX_TAIL.match(value) is not None

    def fits(length: int) -> bool:  # equal, or long enough to be cut to the value
        return length == len(value) or (truncatable and length > len(value))

    plan = _digest_plan(len(value), truncatable)
    for secret in _variants(secrets):
        for form, how in forms(secret, fits, plan):
            if value == form:
                return how
            if truncatable and form.lower().startswith(lowered):
                return f"{how}, truncated to {len(value)} characters"
    return None


def public_scrypt(pgn: str) -> str:
    """The first-level hash (HPgn) of a personal number with the published salt."""
    return hashlib.scrypt(
        pgn.lower().encode(),
        salt=PUBLIC_SCRYPT_SALT,
        n=131072,
        r=8,
        p=4,
        dklen=32,
        maxmem=2**31 - 1,
    ).hex()


def _variants(secrets: list[str]) -> Iterator[str]:
    """Each secret as written, trimmed, lower-cased, and (for numbers) digits only and padded."""
    seen: set[str] = set()
    for secret in secrets:
        digits = re.sub(r"\D", "", secret)
        candidates = [secret, secret.strip(), secret.strip().lower()]
        if digits and len(digits) >= 8:
            candidates += [digits, digits.zfill(9)]
        for candidate in candidates:
            if candidate and candidate not in seen:
                seen.add(candidate)
                yield candidate
