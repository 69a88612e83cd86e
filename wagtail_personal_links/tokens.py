"""Sign and verify personal link tokens. The only module that imports ``jwt``.

A token comes in one of two formats (``PERSONAL_LINKS_TOKEN_FORMAT``); both
always verify, so a site can switch without breaking links already sent.

- ``"jwt"``: a compact HS256 JWT whose ``sub`` is a link's random public id
  and whose ``exp`` is the link's expiry, when it has one. Its header names
  the signing key (``kid``), so that keys can rotate: the newest key signs,
  every configured key verifies.
- ``"short"``: a 20-character code of 120 bits for SMS and QR codes, a keyed
  MAC of the link's public id. The database keeps only a keyed hash of the
  code (:func:`code_hasher`), and the link is found by that hash, so a leaked
  table holds no working link. The expiry is read from the link's row. Both
  are keyed BLAKE2b (``hashlib``), a MAC in its own right that costs a quarter
  of an HMAC-SHA256 here: every link made pays for its code's hash.

Neither carries personal data.

Security properties kept here:

- The algorithm is pinned on decode (``algorithms=["HS256"]``): ``none``,
  HS512 and asymmetric confusion are all refused.
- Keys are derived from ``SECRET_KEY`` (and ``SECRET_KEY_FALLBACKS``) with a
  purpose salt, so a token is useless anywhere else the secret is used.
- Signing is deterministic: the same link gives the same URL every time, so a
  batch can be downloaded again without storing tokens (a short code is
  derived again from the public id, never read back).
- :func:`verify` never raises on bad input; it returns a result to switch on
  and logs the reason at DEBUG.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import enum
import hashlib
import hmac
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import jwt
from django.conf import settings
from django.utils.crypto import salted_hmac

from .conf import personal_links_settings

__all__ = [
    "TOKEN_FORMATS",
    "ShortSigner",
    "Signer",
    "TokenStatus",
    "VerifiedToken",
    "code_hasher",
    "sign",
    "signer",
    "signing_keys",
    "verify",
]

logger = logging.getLogger("wagtail_personal_links")

ALGORITHM = "HS256"
KEY_SALT = "wagtail_personal_links.tokens"
TOKEN_FORMATS = ("jwt", "short")
#: A short code is this many bytes of MAC: 120 bits, 20 URL-safe characters.
SHORT_CODE_BYTES = 15
_SHORT_CODE = re.compile(rf"[A-Za-z0-9_-]{{{SHORT_CODE_BYTES * 4 // 3}}}")


class TokenStatus(enum.Enum):
    """What :func:`verify` found."""

    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


@dataclass(frozen=True)
class VerifiedToken:
    """The outcome of verifying a token.

    For a JWT, ``public_id`` is set for valid and expired tokens (both carry
    a good signature) and ``expires_at`` is the token's own ``exp``, if any.
    A well-formed short code is valid if a link has one of its
    ``code_hashes`` (one per key); the link's row says when it expires.
    """

    status: TokenStatus
    public_id: str | None = None
    expires_at: datetime.datetime | None = None
    code_hashes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.status is TokenStatus.VALID


def _key_id(key: bytes) -> str:
    # Two bytes keep URLs short; a clash between two keys only costs a second try.
    digest = hashlib.sha256(key).digest()
    return base64.urlsafe_b64encode(digest[:2]).decode().rstrip("=")


@lru_cache(maxsize=8)
def _derive(secrets: tuple[str | bytes, ...], configured: bool) -> tuple[tuple[str, bytes], ...]:
    if configured:
        keys = [s.encode() if isinstance(s, str) else s for s in secrets]
    else:
        keys = [
            salted_hmac(KEY_SALT, "signing-key", secret=s, algorithm="sha256").digest()
            for s in secrets
        ]
    return tuple((_key_id(key), key) for key in keys)


def signing_keys() -> tuple[tuple[str, bytes], ...]:
    """Return ``(kid, key)`` pairs, newest first; the first one signs."""
    configured = personal_links_settings.SIGNING_KEYS
    if configured is not None:
        return _derive(tuple(configured), True)
    secrets = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ()))
    return _derive(tuple(secrets), False)


class Signer:
    """Sign many tokens with one key, preparing the header and key once.

    The output is byte-for-byte what ``jwt.encode(claims, key, "HS256",
    headers={"kid": kid, "typ": None})`` gives (the tests hold it to that), but
    a 100,000-link batch signs in a third of the time: the header is encoded
    once, the claims are two fixed keys, and the HMAC is the standard library's
    one-shot ``hmac.digest``.
    """

    def __init__(self, kid: str, key: bytes) -> None:
        header = json.dumps({"alg": ALGORITHM, "kid": kid}, separators=(",", ":"))
        self._header = _b64(header.encode()) + b"."
        self._key = key

    def __call__(
        self,
        public_id: str,
        expires_at: datetime.datetime | None = None,
        code_hash: str | None = None,
    ) -> str:
        """Return the token for a link's public id, expiring with the link."""
        tail = b"}" if expires_at is None else b',"exp":%d}' % int(expires_at.timestamp())
        # The same JSON as json.dumps({"sub": ..., "exp": ...}, separators=(",", ":")).
        payload = b'{"sub":' + json.dumps(public_id).encode() + tail
        signing_input = self._header + _b64(payload)
        signature = _b64(hmac.digest(self._key, signing_input, "sha256"))
        return (signing_input + b"." + signature).decode()


_URL_SAFE = bytes.maketrans(b"+/", b"-_")


def _b64(data: bytes) -> bytes:
    # base64.urlsafe_b64encode, without its two extra function calls per use.
    return binascii.b2a_base64(data, newline=False).translate(_URL_SAFE).rstrip(b"=")


Mac = Callable[[bytes], bytes]


def _keyed_blake2b(key: bytes, size: int) -> Mac:
    # Keying is the costly part: copy a keyed state rather than key one per message.
    keyed = hashlib.blake2b(key=key, digest_size=size)

    def mac(message: bytes) -> bytes:
        state = keyed.copy()
        state.update(message)
        return state.digest()

    return mac


def _short_keys() -> tuple[tuple[Mac, Mac], ...]:
    """Return ``(code MAC, hash MAC)`` pairs, newest first, one pair per signing key."""
    return _derive_short(signing_keys())


@lru_cache(maxsize=8)
def _derive_short(keys: tuple[tuple[str, bytes], ...]) -> tuple[tuple[Mac, Mac], ...]:
    # Separate keys for the two jobs, so the stored hash never equals a code.
    return tuple(
        (
            _keyed_blake2b(hmac.digest(key, b"short-code", "sha256"), SHORT_CODE_BYTES),
            _keyed_blake2b(hmac.digest(key, b"code-hash", "sha256"), 32),
        )
        for _kid, key in keys
    )


def _short_code(code_mac: Mac, public_id: str) -> str:
    return _b64(code_mac(public_id.encode())).decode()


def _code_hash(hash_mac: Mac, code: str) -> str:
    return _b64(hash_mac(code.encode())).decode()


def code_hasher() -> Callable[[str], str]:
    """Return a function giving the hash to store for a link's short code, from its public id.

    The newest key makes it; the code itself is never stored.
    """
    code_mac, hash_mac = _short_keys()[0]
    return lambda public_id: _code_hash(hash_mac, _short_code(code_mac, public_id))


class ShortSigner:
    """Give links their short codes, derived again from their public ids.

    The code the newest key makes is checked against the hash stored with
    the link; after a key rotation the older key that made it is found, so a
    batch downloaded again gives the same URLs. A link whose hash no key
    reproduces (or that has none) gets a JWT instead, which works as well.
    """

    def __init__(self, keys: tuple[tuple[Mac, Mac], ...], fallback: Signer) -> None:
        self._keys = keys
        self._fallback = fallback

    def __call__(
        self,
        public_id: str,
        expires_at: datetime.datetime | None = None,
        code_hash: str | None = None,
    ) -> str:
        """Return the short code of a link whose stored hash is ``code_hash``."""
        if code_hash is not None:
            for code_mac, hash_mac in self._keys:
                code = _short_code(code_mac, public_id)
                if hmac.compare_digest(_code_hash(hash_mac, code), code_hash):
                    return code
        return self._fallback(public_id, expires_at)


def signer(token_format: str | None = None) -> Signer | ShortSigner:
    """Return a signer for the newest key, in ``PERSONAL_LINKS_TOKEN_FORMAT`` by default.

    Call it with a link's ``public_id``, ``expires_at`` and stored ``code_hash``.
    """
    jwt_signer = Signer(*signing_keys()[0])
    if (token_format or personal_links_settings.TOKEN_FORMAT) == "short":
        return ShortSigner(_short_keys(), jwt_signer)
    return jwt_signer


def sign(
    public_id: str,
    expires_at: datetime.datetime | None = None,
    code_hash: str | None = None,
    *,
    token_format: str | None = None,
) -> str:
    """Return the token for a link's public id, expiring with the link.

    A short code needs the link's stored ``code_hash``; without it, the link
    gets a JWT.
    """
    return signer(token_format)(public_id, expires_at, code_hash)


def verify(token: str) -> VerifiedToken:
    """Check a token's signature, algorithm and expiry; never raise on bad input.

    Both formats are accepted whatever ``PERSONAL_LINKS_TOKEN_FORMAT`` says. A
    short code is only checked for its form here: the caller looks its
    ``code_hashes`` up.
    """
    if _SHORT_CODE.fullmatch(token):
        hashes = tuple(_code_hash(hash_mac, token) for _code_mac, hash_mac in _short_keys())
        return VerifiedToken(TokenStatus.VALID, code_hashes=hashes)
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.InvalidTokenError as exc:
        return _invalid("malformed token: %s", exc)
    keys = [key for key_id, key in signing_keys() if key_id == kid]
    if not keys:
        return _invalid("unknown key id %r", kid)
    result = VerifiedToken(TokenStatus.INVALID)
    for key in keys:
        result = _decode(token, key)
        if result.status is not TokenStatus.INVALID:
            break
    return result


def _decode(token: str, key: bytes) -> VerifiedToken:
    options = {"require": ["sub"]}
    try:
        claims = jwt.decode(token, key, algorithms=[ALGORITHM], options=options)
    except jwt.ExpiredSignatureError:
        claims = jwt.decode(
            token, key, algorithms=[ALGORITHM], options={**options, "verify_exp": False}
        )
        logger.debug("Token for link %s has expired", claims["sub"])
        return VerifiedToken(TokenStatus.EXPIRED, claims["sub"], _expiry(claims))
    except jwt.InvalidTokenError as exc:
        return _invalid("rejected token: %s", exc)
    if not isinstance(claims["sub"], str):
        return _invalid("rejected token: %s", "sub is not a string")
    return VerifiedToken(TokenStatus.VALID, claims["sub"], _expiry(claims))


def _expiry(claims: dict) -> datetime.datetime | None:
    exp = claims.get("exp")
    return None if exp is None else datetime.datetime.fromtimestamp(exp, tz=datetime.UTC)


def _invalid(reason: str, detail: object) -> VerifiedToken:
    logger.debug("Invalid personal link token, " + reason, detail)
    return VerifiedToken(TokenStatus.INVALID)
