"""Signing and verifying tokens: the security properties tokens.py promises."""

import base64
import datetime
import json
import logging

import jwt
import pytest
import time_machine
from django.test import override_settings

from wagtail_personal_links import tokens
from wagtail_personal_links.tokens import TokenStatus

UTC = datetime.UTC
PUBLIC_ID = "AbCdEfGhIjKl"
LOGGER = "wagtail_personal_links"


def current_key():
    kid, key = tokens.signing_keys()[0]
    return kid, key


def encode(claims, key, algorithm="HS256", kid=None):
    return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid or current_key()[0]})


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_signed_token_verifies_to_its_public_id_and_expiry():
    expires_at = datetime.datetime(2030, 1, 2, tzinfo=UTC)

    verified = tokens.verify(tokens.sign(PUBLIC_ID, expires_at))

    assert verified.status is TokenStatus.VALID
    assert verified.public_id == PUBLIC_ID
    assert verified.expires_at == expires_at
    assert verified


def test_signing_is_deterministic_and_carries_no_personal_data():
    token = tokens.sign(PUBLIC_ID)

    assert tokens.sign(PUBLIC_ID) == token
    assert jwt.decode(token, options={"verify_signature": False}) == {"sub": PUBLIC_ID}
    assert set(jwt.get_unverified_header(token)) == {"alg", "kid"}


def test_a_link_url_stays_short_enough_for_sms():
    expires_at = datetime.datetime(2030, 12, 31, tzinfo=UTC)
    url = f"https://www.example.com/pl/{tokens.sign(PUBLIC_ID, expires_at)}"

    assert len(url) <= 160


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: t[:-2] + ("AA" if t[-2:] != "AA" else "BB"), id="signature"),
        pytest.param(
            lambda t: ".".join([t.split(".")[0], b64({"sub": "SomeoneElse1"}), t.split(".")[2]]),
            id="payload",
        ),
        pytest.param(lambda t: t.split(".")[0] + "..", id="truncated"),
        pytest.param(lambda t: "not-a-token", id="garbage"),
        pytest.param(lambda t: "é.é.é", id="non-ascii"),
    ],
)
def test_a_tampered_token_is_invalid_and_the_reason_is_logged(caplog, tamper):
    caplog.set_level(logging.DEBUG, logger=LOGGER)

    verified = tokens.verify(tamper(tokens.sign(PUBLIC_ID)))

    assert verified.status is TokenStatus.INVALID
    assert verified.public_id is None
    assert not verified
    assert any(
        r.name == LOGGER and "Invalid personal link token" in r.message for r in caplog.records
    )


def test_alg_none_is_refused(caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    header = b64({"alg": "none", "kid": current_key()[0]})

    verified = tokens.verify(f"{header}.{b64({'sub': PUBLIC_ID})}.")

    assert verified.status is TokenStatus.INVALID
    assert "rejected token" in caplog.text


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_hs512_with_the_right_key_is_refused(caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    kid, key = current_key()

    verified = tokens.verify(encode({"sub": PUBLIC_ID}, key, algorithm="HS512", kid=kid))

    assert verified.status is TokenStatus.INVALID
    assert "alg value is not allowed" in caplog.text


def test_a_key_that_is_not_configured_is_refused(caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    stranger = b"s" * 32

    unknown_kid = tokens.verify(encode({"sub": PUBLIC_ID}, stranger, kid="zz"))
    borrowed_kid = tokens.verify(encode({"sub": PUBLIC_ID}, stranger))

    assert unknown_kid.status is TokenStatus.INVALID
    assert borrowed_kid.status is TokenStatus.INVALID
    assert "unknown key id 'zz'" in caplog.text
    assert "Signature verification failed" in caplog.text


def test_a_token_without_sub_is_refused(caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER)

    verified = tokens.verify(encode({"exp": 4_000_000_000}, current_key()[1]))

    assert verified.status is TokenStatus.INVALID
    assert "sub" in caplog.text


@time_machine.travel(datetime.datetime(2030, 1, 1, 23, 59, 59, tzinfo=UTC), tick=False)
def test_a_token_is_valid_until_the_last_second_before_its_expiry():
    token = tokens.sign(PUBLIC_ID, datetime.datetime(2030, 1, 2, tzinfo=UTC))

    assert tokens.verify(token).status is TokenStatus.VALID


@time_machine.travel(datetime.datetime(2030, 1, 2, 0, 0, 0, tzinfo=UTC), tick=False)
def test_a_token_expires_at_midnight_utc_and_says_so(caplog):
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    expires_at = datetime.datetime(2030, 1, 2, tzinfo=UTC)

    verified = tokens.verify(tokens.sign(PUBLIC_ID, expires_at))

    assert verified.status is TokenStatus.EXPIRED
    assert verified.public_id == PUBLIC_ID
    assert verified.expires_at == expires_at
    assert f"Token for link {PUBLIC_ID} has expired" in caplog.text


def test_rotating_secret_key_keeps_old_tokens_valid_and_signs_with_the_new_key():
    old_secret = "an-old-secret-key-that-is-long-enough-0123456789"
    new_secret = "a-new-secret-key-that-is-long-enough-9876543210"
    with override_settings(SECRET_KEY=old_secret, SECRET_KEY_FALLBACKS=[]):
        old_token = tokens.sign(PUBLIC_ID)
        old_kid = jwt.get_unverified_header(old_token)["kid"]

    with override_settings(SECRET_KEY=new_secret, SECRET_KEY_FALLBACKS=[old_secret]):
        new_token = tokens.sign(PUBLIC_ID)
        assert tokens.verify(old_token).status is TokenStatus.VALID
    with override_settings(SECRET_KEY=new_secret, SECRET_KEY_FALLBACKS=[]):
        assert tokens.verify(old_token).status is TokenStatus.INVALID

    assert jwt.get_unverified_header(new_token)["kid"] != old_kid


def test_configured_signing_keys_sign_with_the_newest_and_verify_with_all():
    old_key, new_key = "o" * 32, "n" * 32
    with override_settings(PERSONAL_LINKS_SIGNING_KEYS=[old_key]):
        old_token = tokens.sign(PUBLIC_ID)

    with override_settings(PERSONAL_LINKS_SIGNING_KEYS=[new_key, old_key]):
        new_token = tokens.sign(PUBLIC_ID)
        assert tokens.verify(old_token).status is TokenStatus.VALID
        assert tokens.verify(new_token).status is TokenStatus.VALID

    assert jwt.decode(new_token, new_key, algorithms=["HS256"])["sub"] == PUBLIC_ID
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(new_token, old_key, algorithms=["HS256"])
