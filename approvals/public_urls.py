"""Public pages at the site root: licence verification and the open-data files."""

from django.urls import path

from . import public
from .opendata import ITEMS_CSV, ITEMS_JSON, LICENCES_CSV
from .opendata_page import open_data_index

app_name = "public"

urlpatterns = [
    path("verify/", public.verify_search, name="verify-search"),
    path("verify/<slug:code>/", public.verify, name="verify"),
    path("verify/<slug:code>/qr.svg", public.verify_qr, name="verify-qr"),
    path("open-data/", open_data_index, name="open-data"),
    path(
        "open-data/items.json",
        public.open_data,
        {"dataset": ITEMS_JSON},
        name="open-data-items-json",
    ),
    path(
        "open-data/items.csv", public.open_data, {"dataset": ITEMS_CSV}, name="open-data-items-csv"
    ),
    path(
        "open-data/licences.csv",
        public.open_data,
        {"dataset": LICENCES_CSV},
        name="open-data-licences-csv",
    ),
]
