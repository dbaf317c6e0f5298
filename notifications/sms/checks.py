"""System check of the SMS settings: with the government SMS platform as the backend,
`manage.py check` names each gateway setting that is still empty (every message would
otherwise be refused or fail), and a backend that cannot be imported."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.utils.module_loading import import_string

from .backends import HttpGatewayBackend

GATEWAY_SETTINGS = (
    "SMS_GATEWAY_URL",
    "SMS_GATEWAY_ACCOUNT",
    "SMS_GATEWAY_SECRET",
    "SMS_TEMPLATE_DEADLINE_TODAY",
    "SMS_TEMPLATE_AUTO_CLAIMED",
)


def check_sms_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        backend = import_string(settings.SMS_BACKEND)
    except ImportError:
        return [
            Error(
                f"SMS_BACKEND={settings.SMS_BACKEND!r} 无法导入，短信提醒无法发送。",
                hint="请填写短信后端的完整路径，如 notifications.sms.backends.HttpGatewayBackend。",
                id="notifications.E101",
            )
        ]
    if not (isinstance(backend, type) and issubclass(backend, HttpGatewayBackend)):
        return []
    missing = [name for name in GATEWAY_SETTINGS if not str(getattr(settings, name, "")).strip()]
    if not missing:
        return []
    return [
        Warning(
            f"短信后端为政务短信平台，但以下设置为空：{'、'.join(missing)}。",
            hint="请按短信平台分配的接口地址、账号、签名密钥和模板编号填写。",
            id="notifications.W101",
        )
    ]
