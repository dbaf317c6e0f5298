from django.urls import path

from . import catalog_views

app_name = "catalog"

urlpatterns = [
    path("", catalog_views.catalog_list, name="list"),
    path("<slug:code>/", catalog_views.catalog_detail, name="detail"),
    path(
        "<slug:code>/samples/<int:pk>/",
        catalog_views.catalog_sample_download,
        name="sample",
    ),
]
