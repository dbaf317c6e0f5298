"""No stored copies of what a signed-in person sees (GB/T 22239-2019 8.1.4.8, residual
information): every answer to a signed-in session or an API key says `Cache-Control:
no-store`, so neither a shared office browser (the back button after logging out) nor a proxy
keeps a department's records. Anonymous public pages stay cacheable."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.security.world import World

pytestmark = pytest.mark.django_db


def _no_store(response: HttpResponse) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


def test_pages_and_downloads_for_a_signed_in_clerk_are_not_stored(world: World) -> None:
    client = world.web("A1")
    for url in [
        reverse("dashboard"),
        reverse("approvals:licence-detail", args=[world.pk("licence")]),
        reverse("notifications:push-detail", args=[world.pk("push")]),
        reverse("supervision:evidence-download", args=[world.pk("action_evidence")]),
        reverse("catalog:list"),  # public, but this answer may show the clerk's menu
        "/no-such-page/",
    ]:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert _no_store(response), (url, response.get("Cache-Control"))


def test_the_api_answers_a_session_or_a_key_with_no_store(world: World) -> None:
    for client in (world.web("A1"), world.api("A1")):
        for url in [reverse("api:me"), reverse("api:licence-detail", args=[world.pk("licence")])]:
            response = client.get(url)
            assert response.status_code == 200, (url, response.content)
            assert _no_store(response), (url, response.get("Cache-Control"))


def test_public_pages_for_anonymous_visitors_stay_cacheable(world: World, client: Client) -> None:
    code = world.objects["licence"].supervision_code
    for url in [
        reverse("catalog:list"),
        reverse("public:verify", kwargs={"code": code}),
        reverse("public:verify-qr", kwargs={"code": code}),
        reverse("api:items"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert not _no_store(response), (url, response.get("Cache-Control"))
