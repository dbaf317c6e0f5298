import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .items import item_choices
from .kinds import push_kind_choices
from .models import Push, PushState


class PushFilter(django_filters.FilterSet):
    """Filters of the inbox and outbox pages; the API uses the same set."""

    state = django_filters.ChoiceFilter(
        choices=PushState.choices, label=_("state"), empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        choices=push_kind_choices, label=_("kind"), empty_label=_("All")
    )
    item = django_filters.CharFilter(field_name="item_code", label=_("item code"))
    sent_after = django_filters.DateFilter(
        field_name="sent_at",
        lookup_expr="date__gte",
        label=_("sent from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sent_before = django_filters.DateFilter(
        field_name="sent_at",
        lookup_expr="date__lte",
        label=_("sent until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # "All" rather than NullBooleanSelect's "Unknown" for the empty choice of a filter.
    overdue = django_filters.BooleanFilter(
        field_name="overdue",
        label=_("overdue"),
        widget=forms.Select(choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]),
    )
    q = django_filters.CharFilter(method="search", label=_("search"))

    class Meta:
        model = Push
        fields = ["state", "kind", "item", "sent_after", "sent_before", "overdue", "q"]

    def search(self, queryset: QuerySet[Push], name: str, value: str) -> QuerySet[Push]:
        """Counterparty name (contains), or its code / the licence number (exact)."""
        value = value.strip()[:200]
        if not value:
            return queryset
        code = value.upper()
        return queryset.filter(
            Q(counterparty_name__icontains=value)
            | Q(counterparty_code=code)
            | Q(reference_no=value)
        )


class PushPageFilter(PushFilter):
    """The inbox and outbox pages' filters: the item is picked by its Chinese name from the
    catalog (the API keeps taking the code, as documented)."""

    item = django_filters.ChoiceFilter(
        field_name="item_code",
        choices=item_choices,
        label=_("transferred item"),
        empty_label=_("All"),
    )
