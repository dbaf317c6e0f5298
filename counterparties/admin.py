from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from linzi_platform.admin import PlatformModelAdmin

from .models import Counterparty
from .validators import normalize_code, normalize_phone


@admin.register(Counterparty)
class CounterpartyAdmin(PlatformModelAdmin):
    list_display = ["name", "kind", "credit_code", "id_number", "contact_name", "contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code", "id_number", "contact_name"]
    readonly_fields = ["created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Counterparty, form: Any, change: bool) -> None:
        # Same normal form as counterparty_get_or_create, so the code is found again later.
        obj.credit_code = normalize_code(obj.credit_code) or None
        obj.id_number = normalize_code(obj.id_number) or None
        obj.contact_phone = normalize_phone(obj.contact_phone)
        super().save_model(request, obj, form, change)
