from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("licences/", views.licence_list, name="licence-list"),
    path("licences/new/", views.decision_item_choice, name="decision-item"),
    path("licences/new/<slug:code>/", views.decision_create, name="decision-create"),
    path("licences/<int:pk>/", views.licence_detail, name="licence-detail"),
    path("counterparty-lookup/", views.counterparty_lookup, name="counterparty-lookup"),
    path("counterparties/<int:pk>/", views.counterparty_detail, name="counterparty-detail"),
]
