"""What a pseudonym would look like if someone derived it from a personal number or identity
value themselves (LNK-001): plain digests, encodings, truncations, and the Nummervoorziening's
first-level scrypt hash with the salt Kennisnet published in its reference implementation.

A pseudonym equal to any of these can be recomputed by anyone who has the number: it is not the
"not one-to-one derived" pseudonym the law requires (Kamerstuk 32 034; FACTS.md §1.2).
"""

from __future__ import annotations

import base64
import hashlib
import importlib
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import suppress
from functools import lru_cache, partial
from operator import itemgetter, methodcaller
from typing import Any, NamedTuple, cast

# Kennisnet's reference implementation hard-coded this first-level salt before environments
# got their own (SchoolID Constants.java, .NET Constants.cs): anyone can recompute with it.
PUBLIC_SCRYPT_SALT = base64.b64decode("rktYml0MIp9TC9u6Ny6uqw==")
# hashlib's name -> (digest bytes, the name a finding gives it), in the order they are tried
_DIGESTS = {
    "md5": (16, "MD5"),
    "sha1": (20, "SHA1"),
    "sha224": (28, "SHA224"),
    "sha256": (32, "SHA256"),
    "sha384": (48, "SHA384"),
    "sha512": (64, "SHA512"),
    "sha3_224": (28, "SHA3-224"),
    "sha3_256": (32, "SHA3-256"),
    "sha3_384": (48, "SHA3-384"),
    "sha3_512": (64, "SHA3-512"),
    "blake2s": (32, "BLAKE2s"),
    "blake2b": (64, "BLAKE2b"),
}
ALL_DIGESTS = tuple(_DIGESTS)
# The ones seen in the wild: what LNK-001 tries on every record once a sample of records has
# shown none of the others (each digest tried costs per record; there are twelve)
COMMON_DIGESTS = ("md5", "sha1", "sha256", "sha512")
# The digests whose hex has an ECK iD's 128 characters: SHA-512 first, the one seen in the wild
ECKID_DIGESTS = tuple(name for name, (size, _) in _DIGESTS.items() if size == 64)
_UUID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{12}"
)
# A digest after a prefix ('ll-' + sha256): the hex after the last separator
_PREFIXED_HEX = re.compile(r".+[-_:.|/]([0-9A-Fa-f]{32,})")
_UUID_NAMESPACES = (uuid.NAMESPACE_DNS, uuid.NAMESPACE_URL, uuid.NAMESPACE_OID, uuid.NAMESPACE_X500)
_MIN_TRUNCATION = 16
_HEX_TAIL = re.compile(r"[0-9A-Fa-f]{16,}$")
_NON_DIGITS = re.compile(r"\D")
_HEX_SHA512_BYTES = 64  # a secret this long has a hex encoding of 128 characters or more


def normalise(pseudonym: str) -> str:
    """The part of a pseudonym that carries its value: a URL's last segment, without spaces."""
    value = pseudonym.strip()
    if "://" in value:
        value = value.rstrip("/").rsplit("/", 1)[-1]
    return value


def _useful_digests(fits: Callable[[int], bool]) -> tuple[str, ...]:
    """The digests with a form (hex, base64 padded or not) whose length fits."""
    return tuple(
        name
        for name, (size, _) in _DIGESTS.items()
        if any(fits(n) for n in (2 * size, _b64_length(size), _b64_length(size, padded=False)))
    )


@lru_cache(maxsize=512)
def _digest_plan(length: int, truncatable: bool, digests: tuple[str, ...]) -> tuple[str, ...]:
    """The useful digests for every pseudonym of this length: worked out once, not per record."""
    fits = _useful_digests(lambda n: n == length or (truncatable and n > length))
    return tuple(name for name in fits if name in digests)


def _b64_length(size: int, padded: bool = True) -> int:
    return 4 * ((size + 2) // 3) if padded else (4 * size + 2) // 3


def derivation_of(
    pseudonym: str,
    secrets: list[str],
    digests: tuple[str, ...] = ALL_DIGESTS,
    inner: bool = True,
) -> str | None:
    """How the pseudonym derives from one of the secrets, or None.

    The forms, in this order: the secret itself, hex- and base64-encoded, then each unsalted
    digest of ``digests`` (of :data:`_DIGESTS`: MD5, SHA-1, SHA-2, SHA-3, BLAKE2) in hex (both
    cases) and base64 (padded or not, standard and URL-safe). Only those whose length could
    match are built: LNK-001 asks this for every record. Then the same of a digest inside
    the pseudonym — a UUID's hex (``UUID(md5(bsn).hexdigest())``), the hex after a prefix
    (``'ll-' + sha256``) — and a name-based UUID (version 3 or 5) of a secret, unless not
    ``inner`` (they double the cost of every UUID-shaped or prefixed pseudonym).
    """
    value = normalise(pseudonym)
    if not value:
        return None
    how = _derivation(value, secrets, digests)
    if how is not None or not inner:
        return how
    within = _inner_digest(value)
    if within is not None:
        how = _derivation(within[0], secrets, digests)
        if how is not None:
            return f"{how}, {within[1]}"
    return _name_based_uuid(value, secrets)


_AS_UUID, _AFTER_PREFIX, _NAME_BASED = "written as a UUID", "after a prefix", "a name-based UUID"


def _derivation(value: str, secrets: list[str], digests: tuple[str, ...]) -> str | None:
    truncatable = len(value) >= _MIN_TRUNCATION and _HEX_TAIL.match(value) is not None
    target = _Target(value, value.lower(), len(value), truncatable)
    plan = _digest_plan(len(value), truncatable, digests)
    for secret in _variants(secrets):
        how = _derived_from(target, secret, plan)
        if how is not None:
            return how
    return None


def _inner_digest(value: str) -> tuple[str, str] | None:
    """A digest written inside the value, and how: a UUID's 32 hex digits, or the hex after a
    prefix."""
    lowered = value.lower()
    if _UUID.fullmatch(lowered) is not None:
        return lowered.replace("-", ""), _AS_UUID
    prefixed = _PREFIXED_HEX.fullmatch(value)
    if prefixed is not None:
        return prefixed[1], _AFTER_PREFIX
    return None


def _name_based_uuid(value: str, secrets: list[str]) -> str | None:
    """A version-3 or -5 UUID (MD5 or SHA-1 of a namespace and a name) of a secret, in one of
    the namespaces RFC 4122 publishes: anyone can recompute it."""
    form = _UUID.fullmatch(value.lower())
    if form is None or form[1] not in "35":
        return None
    make = uuid.uuid3 if form[1] == "3" else uuid.uuid5
    for secret in _variants(secrets):
        for namespace in _UUID_NAMESPACES:
            if str(make(namespace, secret)) == value.lower():
                return f"{_NAME_BASED} (version {form[1]}) of the value"
    return None


def tail_derivation(
    tail: str, secrets: list[str], digests: tuple[str, ...] = ECKID_DIGESTS
) -> str | None:
    """:func:`derivation_of` for a pseudonym whose value is 128 lower-case hex characters (an
    ECK iD's), of the given 64-byte digests: of all the forms only those digests in hex have
    that length, unless a secret is long enough (64 bytes or more) for its own encodings to
    reach it — then the general way."""
    for secret in _variants(secrets):
        raw = secret.encode()
        if len(raw) >= _HEX_SHA512_BYTES:
            return derivation_of(tail, secrets)
        for name in digests:
            if hashlib.new(name, raw).hexdigest() == tail:
                return f"unsalted {_DIGESTS[name][1]} (hex)"
    return None


def variant_digests(
    secrets: list[str], digests: tuple[str, ...] = ("sha512",)
) -> set[bytes] | None:
    """The digests (of the given names) of every variant of every secret: a tail that is the
    hex of none of them has no :func:`tail_derivation` by those digests from any of these
    secrets. None when a secret is long enough (64 bytes) for its own encodings to reach 128
    characters (then ask per record).

    Built column-wise, every step a ``map`` in C: a column of keys costs a few hashes each and
    no Python call per value.
    """
    stripped = list(map(str.strip, secrets))
    digits = [d for d in map(partial(_NON_DIGITS.sub, ""), secrets) if len(d) >= 8]
    variants = {*secrets, *stripped, *map(str.lower, stripped), *digits}
    variants.update(map(methodcaller("zfill", 9), digits))
    variants.update(map(_LINE.format, stripped))  # echo KEY | sha512sum
    variants.discard("")
    variants.discard("\n")
    raw = list(map(str.encode, variants))
    if raw and max(map(len, raw)) >= _HEX_SHA512_BYTES:
        return None
    found: set[bytes] = set()
    for name in digests:
        found.update(map(_DIGEST_OF, map(_constructor(name), raw)))
    return found


_LINE = "{}\n"
_DIGEST_OF = methodcaller("digest")


def _constructor(name: str) -> Callable[[bytes], Any]:
    """hashlib's constructor of the digest, except for SHA-512: CPython's own (module _sha2
    from 3.12, _sha512 before), which hashes a key of a few bytes in two thirds of the time
    of hashlib's OpenSSL one, whose context set-up per call is most of the cost (0.67 against
    1.0 µs, measured 2026-12-07): LNK-001 hashes every key five times."""
    if name == "sha512":
        return _BUILTIN_SHA512
    return cast(Callable[[bytes], Any], getattr(hashlib, name))


def _builtin_sha512() -> Callable[[bytes], Any]:
    for module in ("_sha2", "_sha512"):
        with suppress(ImportError, AttributeError):
            return cast(Callable[[bytes], Any], importlib.import_module(module).sha512)
    return hashlib.sha512  # a Python built without its own hashes


_BUILTIN_SHA512 = _builtin_sha512()


# SHA3-512 and BLAKE2b, as long as SHA-512 but seen far less and together three times its cost,
# are tried on every row of an input's first windows (a small export wholly) and on the first
# rows of each later window: a supplier hashing its pupils hashes them all
SAMPLED_ROWS = 32
EVERY_ROW_BEFORE = 2_048


def eckids_disjoint(columns: list[tuple[list[str], list[str], str, int]]) -> list[bool | None]:
    """For each (keys, the sampled rows' keys, pseudonyms joined by newlines, length of their
    common prefix): True when no pseudonym ends in the SHA-512 hex digest of a variant of any
    of the keys nor in another 64-byte digest of a sampled row's (compared with every
    pseudonym: a hit elsewhere only costs the per-record look that finds it is none),
    False when one may, None when :func:`variant_digests` cannot tell column-wise. Whole columns
    in, one answer each out: what a worker process is handed (``conformance.checks.offload``).
    """
    answers: list[bool | None] = []
    for keys, first_keys, joined, prefix in columns:
        tails = list(map(itemgetter(slice(prefix, None)), joined.split("\n")))
        digests = variant_digests(keys)
        others = variant_digests(first_keys, ECKID_DIGESTS[1:])
        if digests is None or others is None:
            answers.append(None)
        else:
            answers.append(_none_among(digests | others, tails))
    return answers


def _none_among(digests: set[bytes], tails: list[str]) -> bool:
    """Whether no tail is the hex of one of the digests. Compared as bytes (one decoding per
    tail, not an encoding per digest); a tail that is not hex is the hex of no digest, and one
    in upper case (which decodes to a digest's bytes but is not its ``hexdigest``) only costs
    the per-record look that finds it is no derivation."""
    try:
        return digests.isdisjoint(map(bytes.fromhex, tails))
    except ValueError:  # a tail that is not hex: compared as text
        return set(map(bytes.hex, digests)).isdisjoint(tails)


class _Target(NamedTuple):
    value: str
    lowered: str
    length: int
    truncatable: bool

    def fits(self, length: int) -> bool:  # equal, or long enough to be cut to the value
        return length == self.length or (self.truncatable and length > self.length)

    def matches(self, form: str, how: str) -> str | None:
        if form == self.value:
            return how
        if self.truncatable and form.lower().startswith(self.lowered):
            if len(form) == self.length:  # the whole digest in the other case: not truncated
                return how
            return f"{how}, truncated to {self.length} characters"
        return None


def _derived_from(target: _Target, secret: str, plan: tuple[str, ...]) -> str | None:
    found = _plain_forms(target, secret)
    if found is not None:
        return found
    raw = secret.encode()
    for name in plan:
        found = _digest_forms(target, hashlib.new(name, raw).digest(), _DIGESTS[name][1])
        if found is not None:
            return found
    return None


def _plain_forms(target: _Target, secret: str) -> str | None:
    """The secret itself, hex-encoded, base64-encoded: each made only if its length fits."""
    raw = secret.encode()
    found = None
    if target.fits(len(secret)):
        found = target.matches(secret, "the value itself")
    if found is None and target.fits(2 * len(raw)):
        found = target.matches(raw.hex(), "the value hex-encoded")
    if found is None and target.fits(_b64_length(len(raw))):
        found = target.matches(base64.b64encode(raw).decode(), "the value base64-encoded")
    return found


def _digest_forms(target: _Target, digest: bytes, name: str) -> str | None:
    if target.fits(2 * len(digest)):
        hexed = digest.hex()
        how = f"unsalted {name} (hex)"
        found = target.matches(hexed, how) or target.matches(hexed.upper(), how)
        if found is not None:
            return found
    size = len(digest)
    if target.fits(_b64_length(size)) or target.fits(_b64_length(size, padded=False)):
        how = f"unsalted {name} (base64)"
        for encoded in (base64.b64encode(digest), base64.urlsafe_b64encode(digest)):
            text = encoded.decode()
            found = target.matches(text, how) or target.matches(text.rstrip("="), how)
            if found is not None:
                return found
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
    """Each secret as written, trimmed, lower-cased, and (for numbers) digits only and padded;
    trimmed with a newline after it, as ``echo KEY | sha512sum`` hashes it (not its digits with
    one too: a hash more per key, a fifth of LNK-001's cost, for a form seen nowhere)."""
    seen: set[str] = set()
    for secret in secrets:
        digits = _NON_DIGITS.sub("", secret)
        trimmed = secret.strip()
        candidates = [secret, trimmed, trimmed.lower(), f"{trimmed}\n" if trimmed else ""]
        if digits and len(digits) >= 8:
            candidates += [digits, digits.zfill(9)]
        for candidate in candidates:
            if candidate and candidate not in seen:
                seen.add(candidate)
                yield candidate
