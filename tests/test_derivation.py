"""LNK-001's derivations: every way a supplier might turn a number into a 'pseudonym'."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conformance.detect.derivation import (
    ECKID_DIGESTS,
    SAMPLED_ROWS,
    _variants,
    derivation_of,
    eckids_disjoint,
    normalise,
    public_scrypt,
    tail_derivation,
    variant_digests,
)

BSN = "111222333"


def _sha256(value: str) -> bytes:
    return hashlib.sha256(value.encode()).digest()


@pytest.mark.parametrize(
    ("pseudonym", "expected"),
    [
        (BSN, "the value itself"),
        (BSN.encode().hex(), "hex-encoded"),
        (base64.b64encode(BSN.encode()).decode(), "base64-encoded"),
        (hashlib.md5(BSN.encode()).hexdigest(), "MD5 (hex)"),  # noqa: S324  (what we detect)
        (hashlib.sha1(BSN.encode()).hexdigest().upper(), "SHA1 (hex)"),  # noqa: S324
        (_sha256(BSN).hex(), "SHA256 (hex)"),
        (base64.b64encode(_sha256(BSN)).decode().rstrip("="), "SHA256 (base64)"),
        (base64.urlsafe_b64encode(_sha256(BSN)).decode(), "SHA256 (base64)"),
        (hashlib.sha512(BSN.encode()).hexdigest(), "SHA512 (hex)"),
        (hashlib.sha3_512(BSN.encode()).hexdigest(), "SHA3-512 (hex)"),
        (hashlib.blake2b(BSN.encode()).hexdigest(), "BLAKE2b (hex)"),
        (hashlib.sha3_256(BSN.encode()).hexdigest(), "SHA3-256 (hex)"),
        (hashlib.blake2s(BSN.encode()).hexdigest()[:32], "BLAKE2s (hex), truncated"),
        (base64.b64encode(hashlib.sha384(BSN.encode()).digest()).decode(), "SHA384 (base64)"),
        (hashlib.sha224(BSN.encode()).hexdigest(), "SHA224 (hex)"),
        (_sha256(BSN).hex()[:24], "truncated to 24 characters"),
        (f"https://pseudo.example/{_sha256(BSN).hex()}", "SHA256 (hex)"),
        # with the newline `echo $BSN | sha512sum` hashes too
        (hashlib.sha512(f"{BSN}\n".encode()).hexdigest(), "SHA512 (hex)"),
        (_sha256(f"{BSN}\n").hex(), "SHA256 (hex)"),
    ],
)
def test_derivations_of_a_bsn(pseudonym: str, expected: str) -> None:
    how = derivation_of(pseudonym, [BSN])
    assert how is not None
    assert expected in how


def test_a_written_bsn_is_compared_as_written_and_by_its_digits() -> None:
    assert derivation_of(_sha256(BSN).hex(), ["1112.22.333"]) is not None
    assert derivation_of(_sha256("1112.22.333").hex(), ["1112.22.333"]) is not None


def test_salted_or_unrelated_values_are_not_derivations() -> None:
    salted = hashlib.sha256(b"secret-salt" + BSN.encode()).hexdigest()
    assert derivation_of(salted, [BSN]) is None
    assert derivation_of(_sha256("123456782").hex(), [BSN]) is None
    assert derivation_of("abc", [BSN]) is None
    assert derivation_of(_sha256(BSN).hex()[:8], [BSN]) is None  # too short to call truncated


def test_normalise_takes_the_last_url_segment() -> None:
    assert normalise(" https://ketenid.nl/201703/abc/ ") == "abc"
    assert normalise("abc") == "abc"


def test_public_scrypt_matches_kennisnets_test_vector() -> None:
    expected = "9735dfd2235eaeb5f0300886bcc99c82ffc1d6420c4e0bde8de7218def2135fa"
    assert public_scrypt("063138219") == expected


# --- the fast ways give what the plain enumeration of forms gives ------------------------------


def _forms(secret: str) -> Iterator[tuple[str, str]]:
    """Every derived form of one secret, in the documented order, with how it was made."""
    raw = secret.encode()
    yield secret, "the value itself"
    yield raw.hex(), "the value hex-encoded"
    yield base64.b64encode(raw).decode(), "the value base64-encoded"
    for name, label in _NAMED_DIGESTS:
        digest = hashlib.new(name, raw).digest()
        hexed = digest.hex()
        yield hexed, f"unsalted {label} (hex)"
        yield hexed.upper(), f"unsalted {label} (hex)"
        for encoded in (base64.b64encode(digest), base64.urlsafe_b64encode(digest)):
            text = encoded.decode()
            yield text, f"unsalted {label} (base64)"
            yield text.rstrip("="), f"unsalted {label} (base64)"


_NAMED_DIGESTS = [  # written out, in the documented order
    ("md5", "MD5"),
    ("sha1", "SHA1"),
    ("sha224", "SHA224"),
    ("sha256", "SHA256"),
    ("sha384", "SHA384"),
    ("sha512", "SHA512"),
    ("sha3_224", "SHA3-224"),
    ("sha3_256", "SHA3-256"),
    ("sha3_384", "SHA3-384"),
    ("sha3_512", "SHA3-512"),
    ("blake2s", "BLAKE2s"),
    ("blake2b", "BLAKE2b"),
]


def _reference(pseudonym: str, secrets: list[str]) -> str | None:
    """derivation_of written plainly: every form of every secret, whatever its length,
    compared one by one (derivation_of skips the forms whose length cannot match); then of
    the digest inside a UUID or after a prefix; then name-based UUIDs."""
    value = normalise(pseudonym)
    if not value:
        return None
    found = _reference_of(value, secrets)
    if found is not None:
        return found
    lowered = value.lower()
    hexes = "[0-9a-f]"
    uuid_form = re.fullmatch(
        rf"{hexes}{{8}}-{hexes}{{4}}-({hexes}){hexes}{{3}}-({hexes}){hexes}{{3}}-{hexes}{{12}}",
        lowered,
    )
    inner = None
    if uuid_form is not None:
        inner = lowered.replace("-", ""), "written as a UUID"
    elif uuid_form is None and (prefixed := re.fullmatch(r".+[-_:.|/]([0-9a-fA-F]{32,})", value)):
        inner = prefixed[1], "after a prefix"
    if inner is not None and (found := _reference_of(inner[0], secrets)) is not None:
        return f"{found}, {inner[1]}"
    if uuid_form is not None and uuid_form[1] in "35":
        make = uuid.uuid3 if uuid_form[1] == "3" else uuid.uuid5
        spaces = (uuid.NAMESPACE_DNS, uuid.NAMESPACE_URL, uuid.NAMESPACE_OID, uuid.NAMESPACE_X500)
        for secret in _variants(secrets):
            if any(str(make(space, secret)) == lowered for space in spaces):
                return f"a name-based UUID (version {uuid_form[1]}) of the value"
    return None


def _reference_of(value: str, secrets: list[str]) -> str | None:
    lowered = value.lower()
    truncatable = len(value) >= 16 and re.match(r"[0-9A-Fa-f]{16,}$", value) is not None

    def fits(length: int) -> bool:
        return length == len(value) or (truncatable and length > len(value))

    for secret in _variants(secrets):
        for form, how in _forms(secret):
            if not fits(len(form)):
                continue
            if value == form:
                return how
            if truncatable and form.lower().startswith(lowered):
                cut = len(form) > len(value)
                return f"{how}, truncated to {len(value)} characters" if cut else how
    return None


_SECRETS = st.lists(
    st.one_of(
        st.sampled_from([BSN, " 111222333 ", "L00000017", "ll-0017", "a" * 70, "x" * 100]),
        st.text(st.characters(codec="utf-8"), max_size=12),
    ),
    min_size=1,
    max_size=3,
)


@st.composite
def _derived_or_not(draw: st.DrawFn) -> tuple[str, list[str]]:
    secrets = draw(_SECRETS)
    secret = draw(st.sampled_from(secrets)).strip()
    raw = secret.encode()
    candidates = [
        secret,
        raw.hex(),
        base64.b64encode(raw).decode(),
        hashlib.sha512(raw).hexdigest(),
        hashlib.sha512(raw.lower()).hexdigest()[:40],
        base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).decode().rstrip("="),
        hashlib.sha3_512(raw).hexdigest(),
        hashlib.blake2b(raw.lower()).hexdigest()[:30],
        base64.b64encode(hashlib.sha3_256(raw).digest()).decode(),
        str(uuid.UUID(hashlib.md5(raw).hexdigest())),  # noqa: S324  (what we detect)
        str(uuid.UUID(hashlib.sha256(raw).hexdigest()[:32])),
        "ll-" + hashlib.sha256(raw).hexdigest(),
        str(uuid.uuid5(uuid.NAMESPACE_DNS, secret)),
        str(uuid.uuid3(uuid.NAMESPACE_URL, secret)),
        str(uuid.uuid4()),
        hashlib.md5(raw).hexdigest().upper(),  # noqa: S324  (what we detect)
        "https://ketenid.nl/201703/" + hashlib.sha512(raw).hexdigest(),
        "https://ketenid.nl/201703/" + hashlib.sha512(b"other").hexdigest(),
        draw(st.text(max_size=20)),
    ]
    return draw(st.sampled_from(candidates)), secrets


@settings(max_examples=400, deadline=None)
@given(case=_derived_or_not())
def test_derivation_of_equals_the_plain_enumeration(case: tuple[str, list[str]]) -> None:
    pseudonym, secrets = case
    assert derivation_of(pseudonym, secrets) == _reference(pseudonym, secrets)


@settings(max_examples=300, deadline=None)
@given(secrets=_SECRETS, derived=st.booleans(), pick=st.integers(0, 2))
def test_the_eckid_shortcut_equals_derivation_of(
    secrets: list[str], derived: bool, pick: int
) -> None:
    secret = secrets[pick % len(secrets)].strip()
    name = ECKID_DIGESTS[pick % len(ECKID_DIGESTS)]
    tail = hashlib.new(name, (secret if derived else secret + "!").encode()).hexdigest()
    assert tail_derivation(tail, secrets) == derivation_of(tail, secrets)


@settings(max_examples=300, deadline=None)
@given(
    column=st.lists(_SECRETS, min_size=1, max_size=4),
    variant=st.sampled_from(
        [
            str.strip,
            str.lower,
            lambda s: s.strip().lower(),
            lambda s: s,
            lambda s: re.sub(r"\D", "", s),  # digits only: "L00000017" -> "00000017"
            lambda s: re.sub(r"\D", "", s).zfill(9),  # and padded: "000000017"
            lambda s: s.strip() + "\n",  # as `echo KEY | sha512sum` hashes it
        ]
    ),
    pick=st.integers(0, 20),
)
def test_a_columns_hex_digests_hold_every_derivation_of_its_records(
    column: list[list[str]], variant: object, pick: int
) -> None:
    """LNK-001 skips a batch whose ECK iD tails are the hex of none of its keys'
    variant_digests: so every tail that tail_derivation finds for a record (by the same
    digests) must be among them."""
    assert callable(variant)
    secrets = column[pick % len(column)]
    digests = ECKID_DIGESTS[: 1 + pick % len(ECKID_DIGESTS)]
    tail = hashlib.new(digests[-1], variant(secrets[pick % len(secrets)]).encode()).hexdigest()
    found = variant_digests([value for values in column for value in values], digests)
    if tail_derivation(tail, secrets, digests) is not None and found is not None:
        assert bytes.fromhex(tail) in found
    if found is None:  # only for a secret long enough for the general way
        assert any(len(s.encode()) >= 64 for values in column for s in values)


_PREFIX = "https://ketenid.nl/201703/"


@settings(max_examples=200, deadline=None)
@given(
    keys=st.lists(st.from_regex(r"L[0-9]{8}", fullmatch=True), min_size=1, max_size=60),
    row=st.integers(0, 59),
    digest=st.sampled_from(ECKID_DIGESTS),
    derived=st.booleans(),
    odd=st.sampled_from(["", "upper", "not hex"]),
)
def test_eckids_disjoint_answers_as_the_records_do(
    keys: list[str], row: int, digest: str, derived: bool, odd: str
) -> None:
    """What the LNK-001 worker answers for a column (True: no record's tail is a derivation)
    agrees with tail_derivation asked record by record, also where a tail is in upper case or
    is not hex (the worker compares digests as bytes, and falls back to text for those)."""
    row %= len(keys)
    tails = [hashlib.sha512(f"random {i} {k}".encode()).hexdigest() for i, k in enumerate(keys)]
    if derived:  # one row's ECK iD made from its own key, lower-cased (a variant)
        tails[row] = hashlib.new(digest, keys[row].lower().encode()).hexdigest()
    if odd == "upper":
        tails[row] = tails[row].upper()
    elif odd == "not hex":
        tails[(row + 1) % len(keys)] = "z" * 128
    joined = "\n".join(_PREFIX + tail for tail in tails)
    (answer,) = eckids_disjoint([(keys, keys[:SAMPLED_ROWS], joined, len(_PREFIX))])
    found = [tail_derivation(tail, [key]) for tail, key in zip(tails, keys, strict=True)]
    sampled = digest == "sha512" or row < SAMPLED_ROWS
    if any(found[:SAMPLED_ROWS]) or (any(found) and sampled):
        assert answer is False
    if not derived:
        assert answer is True
    if derived and sampled and odd == "":
        assert found[row] is not None
        assert answer is False


def test_a_whole_digest_in_upper_case_is_not_called_truncated() -> None:
    upper = hashlib.md5(BSN.encode()).hexdigest().upper()  # noqa: S324  (what we detect)
    assert derivation_of(upper, [BSN]) == "unsalted MD5 (hex)"


@pytest.mark.parametrize(
    ("pseudonym", "expected"),
    [
        (str(uuid.UUID(hashlib.md5(BSN.encode()).hexdigest())), "MD5 (hex), written as a UUID"),  # noqa: S324
        (str(uuid.UUID(_sha256(BSN).hex()[:32])), "truncated to 32 characters, written as a UUID"),
        ("ll-" + _sha256(BSN).hex(), "SHA256 (hex), after a prefix"),
        ("pupil:" + hashlib.sha3_256(BSN.encode()).hexdigest(), "SHA3-256 (hex), after a prefix"),
        (str(uuid.uuid5(uuid.NAMESPACE_DNS, BSN)), "name-based UUID (version 5)"),
        (str(uuid.uuid3(uuid.NAMESPACE_URL, BSN)), "name-based UUID (version 3)"),
    ],
)  # fmt: skip
def test_a_digest_inside_a_uuid_or_after_a_prefix_is_found(pseudonym: str, expected: str) -> None:
    """'Deterministic UUIDs' of the BSN and prefixed digests passed LNK-001 (probe hunt)."""
    how = derivation_of(pseudonym, [BSN])
    assert how is not None
    assert expected in how


def test_a_random_uuid_is_no_derivation() -> None:
    assert derivation_of(str(uuid.uuid4()), [BSN]) is None
    assert derivation_of("ll-" + "ab" * 16, [BSN]) is None
