"""Credit approval in the admin: every record is written by the services (the catalog by
its web form, which keeps the versions), so the admin only shows them."""

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from linzi_platform.admin import PlatformModelAdmin, PlatformTabularInline

from .models import (
    CreditCatalogEntry,
    CreditCatalogVersion,
    CreditCommitment,
    RevocationRequest,
    Verification,
    VerificationFile,
)


class ViewOnly:
    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ViewOnlyAdmin(ViewOnly, PlatformModelAdmin):
    pass


class CatalogVersionInline(ViewOnly, PlatformTabularInline):
    model = CreditCatalogVersion
    extra = 0
    can_delete = False
    fields = [
        "version",
        "changed_by_label",
        "changed_by_department",
        "changed_at",
        "changed_fields",
    ]
    readonly_fields = fields
    ordering = ["-version"]


@admin.register(CreditCatalogEntry)
class CreditCatalogEntryAdmin(ViewOnlyAdmin):
    list_display = ["item", "mode", "version", "updated_by_label", "updated_at"]
    list_filter = ["mode"]
    list_select_related = ["item"]
    search_fields = ["item__code", "item__name", "conditions"]
    readonly_fields = ["edit_on_the_web"]
    inlines = [CatalogVersionInline]

    @admin.display(description=_("edit"))
    def edit_on_the_web(self, obj: CreditCatalogEntry) -> str:
        # Edited only through the web form, which keeps the previous version (R9).
        return format_html(
            '<a href="{}">{}</a>',
            reverse("credit:catalog-edit", args=[obj.item.code]),
            _("Edit on the platform (a new version is kept)"),
        )


@admin.register(CreditCatalogVersion)
class CreditCatalogVersionAdmin(ViewOnlyAdmin):
    list_display = ["entry", "version", "changed_by_label", "changed_by_department", "changed_at"]
    list_filter = ["changed_by_department"]
    list_select_related = ["entry__item", "changed_by_department"]
    search_fields = ["entry__item__code", "entry__item__name", "changed_by_label"]
    date_hierarchy = "changed_at"


@admin.register(CreditCommitment)
class CreditCommitmentAdmin(ViewOnlyAdmin):
    list_display = ["licence", "mode", "signer", "signed_at", "catalog_version"]
    list_filter = ["mode"]
    list_select_related = ["licence__item"]
    search_fields = ["licence__licence_no", "signer", "licence__counterparty__name"]
    date_hierarchy = "signed_at"


class VerificationFileInline(ViewOnly, PlatformTabularInline):
    model = VerificationFile
    extra = 0
    can_delete = False
    fields = ["name", "file", "uploaded_by_label", "uploaded_at"]
    readonly_fields = fields


@admin.register(Verification)
class VerificationAdmin(ViewOnlyAdmin):
    list_display = ["licence", "department", "state", "deadline", "overdue", "verified_at"]
    list_filter = ["state", "overdue", "department"]
    list_select_related = ["licence__item", "department"]
    search_fields = ["licence__licence_no", "licence__counterparty__name"]
    date_hierarchy = "deadline"
    inlines = [VerificationFileInline]


@admin.register(VerificationFile)
class VerificationFileAdmin(ViewOnlyAdmin):
    list_display = ["name", "verification", "uploaded_by_label", "uploaded_at"]
    list_select_related = ["verification__licence__item"]
    search_fields = ["name", "verification__licence__licence_no"]


@admin.register(RevocationRequest)
class RevocationRequestAdmin(ViewOnlyAdmin):
    list_display = ["licence", "department", "source", "reported_by", "state", "created_at"]
    list_filter = ["state", "source", "department"]
    list_select_related = ["licence__item", "department", "reported_by"]
    search_fields = ["licence__licence_no", "licence__counterparty__name", "reason"]
    date_hierarchy = "created_at"
