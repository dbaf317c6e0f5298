from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from approvals import api as approvals_api
from approvals import catalog_api
from notifications import api as notifications_api
from organizations import api as organizations_api
from organizations import password_views, sign_in
from reporting import api as report_api
from reporting import views as reporting_views

from . import sessions, views
from .api_docs import api_docs_view

api_v1 = [
    path("departments/", organizations_api.DepartmentListApi.as_view(), name="departments"),
    path("me/", organizations_api.WhoAmIApi.as_view(), name="me"),
    path("items/", catalog_api.ItemListApi.as_view(), name="items"),
    path("items/<slug:code>/", catalog_api.ItemDetailApi.as_view(), name="item-detail"),
    path("licences/", approvals_api.LicenceListCreateApi.as_view(), name="licences"),
    path("licences/<int:pk>/", approvals_api.LicenceDetailApi.as_view(), name="licence-detail"),
    path("pushes/", notifications_api.PushListApi.as_view(), name="pushes"),
    path("pushes/<int:pk>/", notifications_api.PushDetailApi.as_view(), name="push-detail"),
    path("pushes/<int:pk>/claim/", notifications_api.PushClaimApi.as_view(), name="push-claim"),
    path(
        "pushes/<int:pk>/feedback/",
        notifications_api.PushFeedbackApi.as_view(),
        name="push-feedback",
    ),
    path(
        "pushes/<int:pk>/feedback/<int:feedback_id>/reply/",
        notifications_api.FeedbackReplyApi.as_view(),
        name="push-feedback-reply",
    ),
    path(
        "reports/monthly/<str:month>/",
        report_api.MonthlyReportApi.as_view(),
        name="report-monthly",
    ),
    path("", include("supervision.api_urls")),
    path("credit/", include("credit.api_urls")),
    path("coordination/", include("coordination.api_urls")),
]

admin.site.site_header = _("Linzi Approval-Supervision Coordination Platform")
admin.site.site_title = _("Platform administration")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
    path("dashboard/", reporting_views.dashboard, name="dashboard"),
    path("accounts/login/", sign_in.StaffLoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", include("organizations.two_factor")),
    path("accounts/oidc/", include("organizations.oidc.views")),
    path("accounts/password/", password_views.password_change, name="password-change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", views.health, name="health"),
    path("session/keepalive/", sessions.keepalive, name="session-keepalive"),
    # Before the admin's own: under unified identity sign-in it leads to the platform's login.
    path("admin/login/", sign_in.admin_login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("catalog/", include("approvals.catalog_urls")),
    path("", include("approvals.public_urls")),
    path("pushes/reports/", include("reporting.urls")),
    path("pushes/", include("notifications.urls")),
    path("supervision/", include("supervision.urls")),
    path("credit/", include("credit.urls")),
    path("coordination/", include("coordination.urls")),
    path("", include("approvals.urls")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs_view("schema"), name="api-docs"),
    # Last: the JSON 404 for every other /api/ path.
    re_path(r"^api/", views.api_not_found),
]

# Error pages in the site's layout (and the API's envelope under /api/).
handler400 = "linzi_platform.error_views.bad_request"
handler403 = "linzi_platform.error_views.permission_denied"
handler404 = "linzi_platform.error_views.page_not_found"
handler500 = "linzi_platform.error_views.server_error"
