import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.clients import sign_in

pytestmark = pytest.mark.django_db
OWN_APPS = {
    "organizations",
    "workdays",
    "audit",
    "approvals",
    "notifications",
    "supervision",
    "credit",
    "coordination",
}


def own_models():
    return [m for m in apps.get_models() if m._meta.app_label in OWN_APPS]


def test_every_model_of_the_platform_is_in_the_admin():
    missing = [m.__name__ for m in own_models() if not admin.site.is_registered(m)]
    assert missing == [] or missing == ["AuditChainHead"]


def test_every_model_has_a_chinese_verbose_name():
    with translation.override("zh-hans"):
        for model in own_models():
            name = str(model._meta.verbose_name)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in name), (model.__name__, name)


def test_every_admin_changelist_and_add_page_opens_for_the_platform_admin(platform_admin):
    client = Client()
    sign_in(client, platform_admin)
    for model in own_models():
        if not admin.site.is_registered(model):
            continue
        info = (model._meta.app_label, model._meta.model_name)
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert response.status_code == 200, info
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "'\"%<>"})
        assert response.status_code == 200, info


def test_a_clerk_cannot_open_the_admin(supervision_clerk):
    client = Client()
    sign_in(client, supervision_clerk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
