"""The open-data page (/open-data/): each file with its fields, licence, update time and size."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.views.decorators.http import require_safe

from .opendata import DATASETS, SHANGHAI, open_data_latest
from .opendata_fields import OPEN_DATA_FIELDS, OPEN_DATA_TITLES, OPEN_DATA_URL_NAMES, OpenDataField


@dataclass(frozen=True)
class OpenDataListing:
    dataset: str
    title: str | Promise
    url: str
    fields: tuple[OpenDataField, ...]
    # None until the nightly task (or a first download) generated the file.
    generated_at: datetime.datetime | None
    size: int | None


def open_data_listings() -> list[OpenDataListing]:
    """Every open-data file as last generated; reads the files' sidecars, runs no query."""
    listings = []
    for dataset in DATASETS:
        latest = open_data_latest(dataset=dataset)
        generated_at = size = None
        if latest is not None:
            try:
                generated_at = datetime.datetime.fromisoformat(latest.generated_at)
                size = latest.path.stat().st_size
            except (ValueError, OSError):
                generated_at = size = None
        listings.append(
            OpenDataListing(
                dataset=dataset,
                title=OPEN_DATA_TITLES[dataset],
                url=reverse(OPEN_DATA_URL_NAMES[dataset]),
                fields=OPEN_DATA_FIELDS[dataset],
                generated_at=generated_at.astimezone(SHANGHAI) if generated_at else None,
                size=size,
            )
        )
    return listings


@require_safe
def open_data_index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {
        "listings": open_data_listings(),
        "licence": settings.OPEN_DATA_LICENCE,
    }
    response = render(request, "approvals/open_data.html", context)
    response["Cache-Control"] = "public, max-age=600"
    return response
