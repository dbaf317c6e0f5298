"""The interactive API docs (Swagger UI from the locally installed sidecar) under the site's
Content-Security-Policy.

drf-spectacular's split view serves Swagger UI's start-up script from the docs URL itself
(`?script`) instead of inline, and the page's template links a stylesheet instead of an inline
<style>, so the docs need no nonce and no 'unsafe-inline'. The one thing Swagger UI needs
beyond the site's policy: its stylesheet draws its icons as `data:` SVG images. The exception
is scoped to this view.
"""

from collections.abc import Callable

from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpResponseBase
from drf_spectacular.views import SpectacularSwaggerSplitView

DOCS_CSP_UPDATE = {"img-src": ["'self'", "data:"]}


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    # The schema's title is ASCII for SDK generators; the page keeps the Chinese name.
    title = settings.SPECTACULAR_SETTINGS["EXTENSIONS_INFO"]["x-title-zh"]


def api_docs_view(url_name: str) -> Callable[..., HttpResponseBase]:
    view = ApiDocsView.as_view(url_name=url_name)
    # Both headers: the enforced policy, and the report-only one when CSP_REPORT_ONLY is set.
    view = csp_update(DOCS_CSP_UPDATE)(view)
    return csp_update(DOCS_CSP_UPDATE, REPORT_ONLY=True)(view)
