"""`manage.py check`: the import's limits fit together with the platform's request limit."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

# The upload form's own fields and the multipart framing around the file.
FORM_OVERHEAD_BYTES = 1024 * 1024


def check_import_limits(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    limit = settings.LICENCE_IMPORT_MAX_BYTES
    request_limit = settings.REQUEST_MAX_BYTES
    if limit < 1 or settings.LICENCE_IMPORT_MAX_ROWS < 1 or settings.LICENCE_IMPORT_BATCH_SIZE < 1:
        errors.append(
            Error(
                "LICENCE_IMPORT_MAX_BYTES、LICENCE_IMPORT_MAX_ROWS 和 LICENCE_IMPORT_BATCH_SIZE "
                "必须是正整数。",
                id="approvals.E001",
            )
        )
    if request_limit is not None and limit + FORM_OVERHEAD_BYTES > request_limit:
        errors.append(
            Error(
                f"LICENCE_IMPORT_MAX_BYTES（{limit}）加上表单约 1 MB 超过了 REQUEST_MAX_BYTES"
                f"（{request_limit}）：超限的导入文件会被请求大小限制直接拒绝（413），"
                "管理员看不到说明文件过大的提示。",
                hint="请调小 LICENCE_IMPORT_MAX_BYTES，或调大 REQUEST_MAX_BYTES。",
                id="approvals.E002",
            )
        )
    return errors
