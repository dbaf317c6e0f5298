"""Unified identity sign-in (统一身份认证) over OpenID Connect, with mozilla-django-oidc: the
provider's endpoints (provider.py), who the signed-in person is on the platform (backend.py),
and the start, callback and refusal pages (views.py). Settings: OIDC_* in
linzi_platform/settings.py; the README lists them."""
