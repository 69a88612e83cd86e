"""The fast signer must produce exactly what PyJWT produces."""

import datetime
import re

import jwt
import pytest

from wagtail_personal_links import tokens
from wagtail_personal_links.models.links import new_public_id, new_public_ids


@pytest.mark.parametrize(
    ("public_id", "expires_at"),
    [
        ("AbCdEfGhIjKl", datetime.datetime(2099, 1, 1, tzinfo=datetime.UTC)),
        ("AbCdEfGhIjKl", None),
        ('quote"and\\é', datetime.datetime(2030, 5, 5, 12, 0, 1, tzinfo=datetime.UTC)),
    ],
)
def test_signer_output_is_identical_to_pyjwt(public_id, expires_at):
    kid, key = tokens.signing_keys()[0]
    claims = {"sub": public_id}
    if expires_at is not None:
        claims["exp"] = int(expires_at.timestamp())

    token = tokens.sign(public_id, expires_at)

    assert token == jwt.encode(claims, key, algorithm="HS256", headers={"kid": kid, "typ": None})
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": kid}


def test_bulk_public_ids_look_like_single_ones():
    ids = new_public_ids(1000)

    assert len(set(ids)) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{12}", public_id) for public_id in ids)
    assert len(new_public_id()) == 12
