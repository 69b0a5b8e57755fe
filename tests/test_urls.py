"""Secrets in URLs: which URLs carry one, and how URLs are shown without them."""

from __future__ import annotations

import pytest

from toolkit.clients.urls import redact_url, url_secret


@pytest.mark.parametrize(
    ("url", "secret", "shown"),
    [
        ("http://127.0.0.1:9090", "", "http://127.0.0.1:9090"),
        ("https://h.example/x?q=a%20b&page=2", "", "https://h.example/x?q=a%20b&page=2"),
        ("http://admin:pw@h.example:3000/x", "a password", "http://***@h.example:3000/x"),
        ("https://glpat-abc@h.example/", "credentials before the host", "https://***@h.example/"),
        (
            "https://h.example/hook?token=abc&x=1",
            "a secret in the query (token=)",
            "https://h.example/hook?token=***&x=1",
        ),
        (
            "https://h.example/hook?X-Api-Key=abc",
            "a secret in the query (X-Api-Key=)",
            "https://h.example/hook?X-Api-Key=***",
        ),
        (
            "https://hooks.slack.com/services/T000/B000/XXXX",
            "a secret in the path (Slack webhook URLs are themselves the secret)",
            "https://hooks.slack.com/services/***",
        ),
        (
            "https://discord.com/api/webhooks/1/abc",
            "a secret in the path (Discord webhook URLs are themselves the secret)",
            "https://discord.com/api/webhooks/***",
        ),
    ],
)
def test_secrets_are_found_and_hidden(url: str, secret: str, shown: str) -> None:
    assert url_secret(url) == secret
    assert redact_url(url) == shown
