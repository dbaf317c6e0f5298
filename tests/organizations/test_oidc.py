"""Unified identity sign-in end to end: a real OpenID Connect provider (django-oauth-toolkit in
a second process on 127.0.0.1), the authorisation code flow with PKCE through it, and the
platform's checks of the tokens and of the person (organizations/oidc/)."""

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from audit.models import AuditEvent
from organizations.models import PasswordState, StaffRole
from organizations.oidc.provider import discovery_cache_clear
from organizations.sign_in import OIDC, SIGN_IN_METHOD_SESSION_KEY
from tests.factories import ApprovalDepartmentFactory, DepartmentFactory, StaffFactory, UserFactory
from tests.organizations.oidc_helpers import (
    PLATFORM,
    SECRETS,
    Browser,
    Provider,
    TokenProxy,
    claim_rewritten,
    id_token_for_other_client,
    identity_provider,
    query,
    signature_byte_flipped,
    token_proxy,
)

# One worker runs them all (make test's --dist loadgroup): the provider starts once.
pytestmark = pytest.mark.xdist_group("oidc_provider")

SUPPORT = "区行政审批服务局信息科 0533-7180000"
# The district's directory at the provider: account → name and department (code or name).
PEOPLE = {
    "zhangsan": {"name": "张三", "department": "scjgj"},
    "chenping": {"name": "陈平", "department": "xzspj"},
    "wangwu": {"name": "王五", "department": "scjgj"},
    "sunqi": {"name": "孙七", "department": "scjgj"},
    "zhouba": {"name": "周八", "department": "区卫生健康局"},
}


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with identity_provider(PEOPLE) as running:
        yield running


@pytest.fixture
def oidc(settings, provider: Provider) -> Iterator[Provider]:
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = PLATFORM
    settings.OIDC_RP_CLIENT_SECRET = SECRETS[PLATFORM]
    settings.OIDC_DEPARTMENT_CLAIM = "department"
    settings.OIDC_TIMEOUT = 5
    settings.SUPPORT_CONTACT = SUPPORT
    discovery_cache_clear()
    yield provider
    discovery_cache_clear()


@pytest.fixture
def staff(db, settings) -> SimpleNamespace:
    """The platform's side: who has an account, in which department and role."""
    # Nobody here signs in with a password: the factories' passwords need no slow hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    market = DepartmentFactory(code="scjgj", name="区市场监督管理局")
    health = DepartmentFactory(code="wsjkj", name="区卫生健康局")
    approval = ApprovalDepartmentFactory(code="xzspj", name="区行政审批服务局")
    return SimpleNamespace(
        market=market,
        health=health,
        clerk=StaffFactory(
            user__username="zhangsan", user__first_name="张三", department=market
        ).user,
        head=StaffFactory(
            user__username="zhaoliu",
            user__first_name="赵六",
            department=market,
            role=StaffRole.HEAD,
        ).user,
        admin=StaffFactory(
            user__username="chenping",
            user__first_name="陈平",
            department=approval,
            role=StaffRole.PLATFORM_ADMIN,
        ).user,
        # 孙七 has an account but no department and role; 周八 moved to 卫健局 at the
        # district, the platform still has them at 市场监管局.
        no_membership=UserFactory(username="sunqi", first_name="孙七"),
        moved=StaffFactory(
            user__username="zhouba", user__first_name="周八", department=market
        ).user,
    )


def _signed_in(browser: Browser) -> bool:
    return SESSION_KEY in browser.platform.session


def _last_refusal() -> AuditEvent:
    return AuditEvent.objects.filter(action="auth.login_failed").latest("id")


def test_staff_member_signs_in_with_pkce_and_lands_on_their_home_page(oidc, staff) -> None:
    browser = Browser("zhangsan")
    authorize = browser.start("/dashboard/")
    params = query(authorize)
    assert authorize.startswith(f"{oidc.issuer}/authorize/?")
    assert params["client_id"] == PLATFORM
    assert params["response_type"] == "code"
    assert params["code_challenge_method"] == "S256"
    assert len(params["code_challenge"]) == 43  # base64url of a SHA-256
    assert params["state"] and params["nonce"]

    response = browser.come_back(browser.consent(authorize))

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert int(browser.platform.session[SESSION_KEY]) == staff.clerk.pk
    assert browser.platform.session[SIGN_IN_METHOD_SESSION_KEY] == OIDC
    home = browser.platform.get("/dashboard/")
    assert home.status_code == 200
    page = home.content.decode()
    assert "区市场监督管理局" in page
    assert "经办人" in page
    assert "张三" in page
    event = AuditEvent.objects.filter(action="auth.login").latest("id")
    assert event.actor_id == staff.clerk.pk
    assert event.details["method"] == "oidc"
    assert event.details["subject"]


def test_the_provider_checks_the_pkce_verifier_the_platform_kept(oidc, staff) -> None:
    """PKCE end to end: a code presented with another verifier is refused by the provider."""
    browser = Browser("zhangsan")
    authorize = browser.start()
    session = browser.platform.session
    session["oidc_states"][query(authorize)["state"]]["code_verifier"] = "x" * 64
    session.save()

    response = browser.come_back(browser.consent(authorize))

    assert response.status_code == 403
    assert "统一身份认证未完成" in response.content.decode()
    assert not _signed_in(browser)
    assert _last_refusal().details["reason"] == "provider_error"


def test_cancelling_at_the_provider_signs_nobody_in(oidc, staff) -> None:
    browser = Browser("zhangsan")
    back = browser.consent(browser.start(), allow=False)
    assert query(back)["error"] == "access_denied"

    response = browser.come_back(back)

    assert response.status_code == 403
    assert "统一身份认证未完成" in response.content.decode()
    assert not _signed_in(browser)
    assert _last_refusal().details["reason"] == "provider_error"


def test_an_unknown_person_is_refused_with_a_page_that_says_whom_to_ask(oidc, staff) -> None:
    browser = Browser("wangwu")

    response = browser.sign_in()

    assert response.status_code == 403
    page = response.content.decode()
    assert "登录未成功" in page
    assert "王五" in page
    assert "本平台尚未为您开通工作人员账号" in page
    # Whom to ask: the heads of the department the provider names, and the administrator.
    assert "区市场监督管理局" in page
    assert "赵六" in page
    assert SUPPORT in page
    assert "wangwu" not in page
    assert not _signed_in(browser)
    refusal = _last_refusal()
    assert refusal.details["method"] == "oidc"
    assert refusal.details["reason"] == "unknown_account"
    assert refusal.details["username"] == "wangwu"
    # No password was tried: nothing counts towards the password lockout.
    assert not AccessAttempt.objects.exists()
    # Nobody was created.
    assert not type(staff.clerk).objects.filter(username="wangwu").exists()


def test_a_person_without_a_staff_membership_is_refused(oidc, staff) -> None:
    browser = Browser("sunqi")

    response = browser.sign_in()

    assert response.status_code == 403
    page = response.content.decode()
    assert "尚未分配部门和角色" in page
    assert SUPPORT in page
    assert not _signed_in(browser)
    assert _last_refusal().details["reason"] == "no_membership"


def test_the_department_claim_must_name_the_membership_department(oidc, staff) -> None:
    browser = Browser("zhouba")

    response = browser.sign_in()

    assert response.status_code == 403
    page = response.content.decode()
    assert "区卫生健康局" in page  # at the identity provider
    assert "区市场监督管理局" in page  # on the platform
    assert "赵六" in page  # the platform department's head
    assert not _signed_in(browser)
    assert _last_refusal().details["reason"] == "department_mismatch"


def test_without_a_department_claim_setting_the_department_is_not_compared(
    oidc, staff, settings
) -> None:
    settings.OIDC_DEPARTMENT_CLAIM = ""

    response = Browser("zhouba").sign_in()

    assert response.status_code == 302


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(signature_byte_flipped, id="signature-byte-flipped"),
        pytest.param(
            lambda token: claim_rewritten(token, "preferred_username", "chenping"),
            id="account-rewritten-to-an-administrator",
        ),
    ],
)
def test_a_tampered_id_token_is_refused(oidc, staff, settings, tamper) -> None:
    proxy = TokenProxy(target=oidc.token_endpoint, tamper=tamper)
    with token_proxy(proxy) as url:
        settings.OIDC_OP_TOKEN_ENDPOINT = url
        browser = Browser("zhangsan")
        response = browser.sign_in()

    assert proxy.seen, "the platform fetched its tokens through the proxy"
    assert response.status_code == 403
    assert "身份认证服务的应答未通过平台校验" in response.content.decode()
    assert not _signed_in(browser)
    refusal = _last_refusal()
    assert refusal.details["reason"] == "token_invalid"
    assert "signature" in refusal.details["error"].lower()


def test_an_id_token_issued_to_another_client_is_refused(oidc, staff, settings) -> None:
    """Everything right (the provider's signature, issuer, the person, even the nonce) but
    the audience: a token for another system replayed at the platform."""
    browser = Browser("zhangsan")
    authorize = browser.start()
    other = id_token_for_other_client(browser, oidc, nonce=query(authorize)["nonce"])
    proxy = TokenProxy(target=oidc.token_endpoint, tamper=lambda _token: other)
    with token_proxy(proxy) as url:
        settings.OIDC_OP_TOKEN_ENDPOINT = url
        response = browser.come_back(browser.consent(authorize))

    assert response.status_code == 403
    assert not _signed_in(browser)
    refusal = _last_refusal()
    assert refusal.details["reason"] == "token_invalid"
    assert "audience" in refusal.details["error"].lower()


def test_an_id_token_from_another_issuer_is_refused(oidc, staff, settings) -> None:
    """The same provider reached under another name than OIDC_ISSUER: its tokens name their
    own issuer, which is not the one configured."""
    other_name = oidc.issuer.replace("127.0.0.1", "localhost")
    settings.OIDC_ISSUER = other_name
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{oidc.issuer}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = oidc.token_endpoint
    settings.OIDC_OP_USER_ENDPOINT = f"{oidc.issuer}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{oidc.issuer}/.well-known/jwks.json"
    browser = Browser("zhangsan")

    response = browser.sign_in()

    assert response.status_code == 403
    assert not _signed_in(browser)
    assert "issuer" in _last_refusal().details["error"].lower()


def test_a_callback_is_used_once(oidc, staff) -> None:
    browser = Browser("zhangsan")
    callback = browser.consent(browser.start())
    assert browser.come_back(callback).status_code == 302
    browser.platform.logout()

    again = browser.come_back(callback)

    assert again.status_code == 400
    assert "登录链接已失效" in again.content.decode()
    assert not _signed_in(browser)
    assert _last_refusal().details["reason"] == "stale_request"


def test_an_administrator_still_confirms_the_second_factor(oidc, staff) -> None:
    browser = Browser("chenping")

    assert browser.sign_in().status_code == 302

    home = browser.platform.get("/dashboard/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("two_factor:enrol"))


def test_a_password_due_for_change_does_not_hold_up_a_provider_sign_in(oidc, staff) -> None:
    PasswordState.objects.create(user=staff.clerk, changed_at="2020-01-01T00:00Z", must_change=True)
    browser = Browser("zhangsan")

    assert browser.sign_in().status_code == 302

    assert browser.platform.get("/dashboard/").status_code == 200


def test_an_unreachable_provider_is_a_page_not_an_error(settings, staff) -> None:
    settings.OIDC_ISSUER = "http://127.0.0.1:9/o"  # nothing listens on the discard port
    settings.OIDC_RP_CLIENT_ID = PLATFORM
    settings.OIDC_TIMEOUT = 2
    discovery_cache_clear()

    response = Browser("zhangsan").platform.get(reverse("oidc:start"))

    assert response.status_code == 503
    assert "暂时无法连接统一身份认证服务" in response.content.decode()
    assert _last_refusal().details["reason"] == "provider_unavailable"


def test_a_discovery_document_of_another_issuer_is_refused(oidc, staff, settings) -> None:
    settings.OIDC_ISSUER = oidc.issuer.replace("127.0.0.1", "localhost")

    response = Browser("zhangsan").platform.get(reverse("oidc:start"))

    assert response.status_code == 503
    assert "another issuer" in _last_refusal().details["error"]
