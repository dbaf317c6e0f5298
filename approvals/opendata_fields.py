"""What each open-data file holds, field by field, for the open-data page (/open-data/).

Kept beside the writers' column lists: a test checks that every column written is described
here, so a new column cannot reach the files without its description.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import CreditMode, ImportantCategory, LicenceStatus
from .opendata import ITEMS_CSV, ITEMS_JSON, LICENCES_CSV
from .public import EXPIRED, PUBLIC_STATUS_LABELS


@dataclass(frozen=True)
class OpenDataField:
    name: str
    meaning: str | Promise
    example: str
    # A coded field's values with their Chinese labels: (value, label).
    values: Sequence[tuple[str, str | Promise]] = field(default=())


# A true/false column, as the files write it.
BOOLEAN = (("true", _("Yes")), ("false", _("No")))


_ITEM_FIELDS = (
    OpenDataField("code", _("Item code in the catalog"), "SP-SPJY-001"),
    OpenDataField("name", _("Item name"), "食品经营许可"),
    OpenDataField("legal_basis", _("Legal basis"), "《中华人民共和国食品安全法》第三十五条"),
    OpenDataField("conditions", _("Conditions for the licence"), "有与经营的食品品种相适应的场所"),
    OpenDataField("quantity_limits", _("Quantity limits, empty when none"), ""),
    OpenDataField("procedure", _("Procedure"), "申请—受理—审查—决定"),
    OpenDataField("time_limit", _("Statutory time limit"), "20个工作日"),
    OpenDataField("fees", _("Fees"), "不收费"),
    OpenDataField("materials", _("Materials list"), "申请书；营业执照复印件"),
    OpenDataField(
        "supervision_departments", _("Supervision departments (names)"), "临淄区市场监督管理局"
    ),
    OpenDataField(
        "integrated_licence",
        _("Integrated licence (one industry, one licence)"),
        "false",
        BOOLEAN,
    ),
    OpenDataField(
        "notification_commitment",
        _("Notification-commitment system applies"),
        "true",
        BOOLEAN,
    ),
    OpenDataField(
        "credit_mode",
        _("Credit approval mode"),
        "post_verification",
        tuple(CreditMode.choices),
    ),
    OpenDataField("important", _("Important item"), "false", BOOLEAN),
    OpenDataField(
        "important_category",
        _("Category of an important item, empty when none"),
        "work_safety",
        tuple((value, label) for value, label in ImportantCategory.choices if value),
    ),
)
_DEPARTMENT_CODES = OpenDataField(
    "supervision_department_codes",
    _("Supervision department codes, separated by semicolons"),
    "scjg;wsjk",
)

OPEN_DATA_FIELDS: dict[str, tuple[OpenDataField, ...]] = {
    ITEMS_JSON: (
        OpenDataField(
            "generated_at",
            _("When the file was generated (Beijing time)"),
            "2026-12-01T02:00:00+08:00",
        ),
        OpenDataField(
            "items", _("The catalog items, one object each with the fields below"), "[…]"
        ),
        *(
            OpenDataField(
                "supervision_departments",
                _("Supervision departments, each with its code and name"),
                '[{"code": "scjg", "name": "临淄区市场监督管理局"}]',
            )
            if item_field.name == "supervision_departments"
            else item_field
            for item_field in _ITEM_FIELDS
        ),
    ),
    ITEMS_CSV: (*_ITEM_FIELDS[:10], _DEPARTMENT_CODES, *_ITEM_FIELDS[10:]),
    LICENCES_CSV: (
        OpenDataField("licence_no", _("Licence number"), "JY13703050012345"),
        OpenDataField("item_code", _("Item code in the catalog"), "SP-SPJY-001"),
        OpenDataField("item_name", _("Item name"), "食品经营许可"),
        OpenDataField(
            "counterparty_name", _("Licence holder (organisations only)"), "临淄齐都食品有限公司"
        ),
        OpenDataField(
            "credit_code", _("Unified social credit code of the holder"), "91370305MA3C8Q7X0A"
        ),
        OpenDataField(
            "status",
            _("Status as of the day the file was generated"),
            "valid",
            tuple(
                (value, PUBLIC_STATUS_LABELS[value]) for value in (*LicenceStatus.values, EXPIRED)
            ),
        ),
        OpenDataField("licence_date", _("Date of the licence decision"), "2026-11-24"),
        OpenDataField("valid_from", _("Valid from"), "2026-11-24"),
        OpenDataField("valid_to", _("Valid until, empty when unlimited"), "2031-11-23"),
        OpenDataField("issuing_department", _("Issuing department"), "临淄区行政审批服务局"),
    ),
}

OPEN_DATA_TITLES: dict[str, str | Promise] = {
    ITEMS_JSON: _("Catalog of transferred items (JSON)"),
    ITEMS_CSV: _("Catalog of transferred items (CSV)"),
    LICENCES_CSV: _("Register of licences granted to organisations (CSV)"),
}
OPEN_DATA_URL_NAMES = {
    ITEMS_JSON: "public:open-data-items-json",
    ITEMS_CSV: "public:open-data-items-csv",
    LICENCES_CSV: "public:open-data-licences-csv",
}
