from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

from organizations import api as organizations_api

from . import views

api_v1 = [
    path("departments/", organizations_api.DepartmentListApi.as_view(), name="departments"),
    path("me/", organizations_api.WhoAmIApi.as_view(), name="me"),
]

admin.site.site_header = _("Linzi Approval-Supervision Coordination Platform")
admin.site.site_title = _("Platform administration")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard", permanent=False)),
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
]
