"""CSRF secrets and masks: drawn in one call, uniform over Django's alphabet, and Django still uses them."""

import pytest
from django.middleware import csrf
from django.test import RequestFactory

from council.shared import csrf_strings
from council.shared.csrf_strings import ALPHABET, LENGTH, mask_secret, random_csrf_string


def test_a_string_is_32_letters_and_digits_and_never_repeats():
    drawn = {random_csrf_string() for _ in range(2000)}

    assert len(drawn) == 2000
    assert all(len(text) == LENGTH and set(text) <= set(ALPHABET) for text in drawn)
    # Every character turns up: 64,000 draws from 62 characters.
    assert set("".join(drawn)) == set(ALPHABET)


def test_every_character_comes_from_exactly_four_byte_values_and_the_rest_are_dropped(monkeypatch):
    """Each byte value drawn on its own: what it gives, and how many values give each character."""
    given_by, dropped = {}, []
    for value in range(256):
        draws = [bytes([value]) * 48, bytes(48)]  # the second only if the first gave nothing
        with monkeypatch.context() as patch:  # only for this one string
            patch.setattr(csrf_strings, "_random_bytes", lambda n, draws=draws: draws.pop(0))
            text = random_csrf_string()
        if draws:
            assert len(set(text)) == 1
            given_by.setdefault(text[0], []).append(value)
        else:
            dropped.append(value)

    assert sorted(given_by) == sorted(ALPHABET)
    assert {len(values) for values in given_by.values()} == {4}
    assert dropped == list(range(248, 256))


def test_a_draw_that_falls_short_is_drawn_again(monkeypatch):
    draws = iter([bytes([250]) * 48, bytes([255]) * 20 + bytes(range(28)), bytes(range(48))])
    with monkeypatch.context() as patch:  # only for this one string
        patch.setattr(csrf_strings, "_random_bytes", lambda n: next(draws))
        text = random_csrf_string()

    assert text == ALPHABET[:32]


def test_django_draws_its_secret_and_its_mask_with_it(monkeypatch):
    """Installed at start-up, and still what Django's get_token calls: one draw each for secret and mask."""
    assert csrf._get_new_csrf_string is random_csrf_string
    assert csrf._mask_cipher_secret is mask_secret
    draws = []
    token_bytes = csrf_strings._random_bytes
    monkeypatch.setattr(csrf_strings, "_random_bytes", lambda n: draws.append(n) or token_bytes(n))
    request = RequestFactory().get("/")

    token = csrf.get_token(request)

    assert len(draws) == 2  # the browser's new secret, and this page's mask
    csrf._check_token_format(token)
    assert csrf._unmask_cipher_token(token) == request.META["CSRF_COOKIE"]


def test_a_masked_secret_unmasks_with_djangos_code_and_masks_differ():
    for _ in range(200):
        secret = random_csrf_string()
        tokens = {mask_secret(secret) for _ in range(3)}

        assert len(tokens) == 3  # a new mask each time (BREACH)
        for token in tokens:
            csrf._check_token_format(token)
            assert csrf._unmask_cipher_token(token) == secret
            assert csrf._does_token_match(token, secret)


def test_the_same_tokens_as_djangos_masking_for_the_same_mask(monkeypatch):
    """Django's own masking, given the same mask, writes the same token."""
    secret, mask = random_csrf_string(), random_csrf_string()
    monkeypatch.setattr(csrf_strings, "random_csrf_string", lambda: mask)
    ours = mask_secret(secret)
    chars = ALPHABET
    theirs = mask + "".join(
        chars[(chars.index(s) + chars.index(m)) % len(chars)] for s, m in zip(secret, mask, strict=True)
    )

    assert ours == theirs


@pytest.mark.django_db
def test_a_form_posted_with_the_token_passes_and_one_without_is_refused(client):
    client.handler.enforce_csrf_checks = True
    client.get("/gop-y/")
    secret = client.cookies["csrftoken"].value
    assert len(secret) == LENGTH and set(secret) <= set(ALPHABET)
    token = csrf._mask_cipher_secret(secret)

    refused = client.post("/gop-y/", {"message": "x"})
    accepted = client.post("/gop-y/", {"message": "x", "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code != 403
