"""The public catalog of transferred items (R19): no login, read only."""

import mimetypes
from pathlib import PurePath

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import ItemSampleText
from .selectors import SEARCH_MAX_LENGTH, item_get_public, items_public

PAGE_SIZE = 20


@require_GET
def catalog_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    # get_page() turns a missing, non-numeric or out-of-range page into a valid one.
    page = Paginator(items_public(search=query), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "approvals/catalog_list.html", {"page": page, "query": query})


@require_GET
def catalog_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = item_get_public(code=code)
    if item is None:
        raise Http404
    return render(request, "approvals/catalog_detail.html", {"item": item})


@require_GET
def catalog_sample_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A sample text of an active item; media files are not served directly."""
    sample = get_object_or_404(ItemSampleText, pk=pk, item__code=code, item__active=True)
    try:
        handle = sample.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    suffix = PurePath(sample.file.name).suffix
    content_type = mimetypes.guess_type(sample.file.name)[0] or "application/octet-stream"
    return FileResponse(
        handle, as_attachment=True, filename=f"{sample.title}{suffix}", content_type=content_type
    )
