"""A real OpenID Connect provider for the tests of unified identity sign-in: django-oauth-toolkit
in its own process on 127.0.0.1 (serve.py), with its own settings, SQLite file and RSA key.
tests/organizations/oidc_helpers.py starts it and drives a browser through it."""
