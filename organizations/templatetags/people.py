from django import template

from linzi_platform.people import person_name, staff_names

register = template.Library()

_CACHE = "_staff_names"


def _names(context: template.Context) -> dict[str, str]:
    """The staff names, read once per request (once per render without a request)."""
    request = context.get("request")
    if request is not None:
        if not hasattr(request, _CACHE):
            setattr(request, _CACHE, staff_names())
        return getattr(request, _CACHE)
    if _CACHE not in context.render_context:
        context.render_context[_CACHE] = staff_names()
    return context.render_context[_CACHE]


@register.simple_tag(takes_context=True)
def person(context: template.Context, label: str | None) -> str:
    """`{% person push.sent_by_label %}`: the name people read for a stored actor label."""
    return person_name(label, _names(context))
