import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def run_setup(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "linzi_platform.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_on_the_default_secret_key():
    result = run_setup(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = run_setup(DEBUG="0", SECRET_KEY="k" * 60, ALLOWED_HOSTS="example.org")
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_production_settings_are_secure_by_default():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DEBUG": "0", "SECRET_KEY": "k" * 60},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True"] * 5, result.stderr


def test_time_zone_language_and_office_close_are_the_districts():
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert ("en", "English") in settings.LANGUAGES
    assert settings.WORKDAY_CLOSE.isoformat() == "17:30:00"


def test_chinese_translations_are_compiled_and_english_is_available():
    with translation.override("zh-hans"):
        assert translation.gettext("Log in") == "登录"
        assert translation.gettext("Department head") == "部门负责人"
    with translation.override("en"):
        assert translation.gettext("Log in") == "Log in"


def test_every_chinese_message_is_translated_and_none_is_fuzzy():
    po = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po.split("\n\n", 1)[1]
    entries = po.split("\n\n")[1:]
    untranslated = [
        e
        for e in entries
        if re.search(r'^msgstr ""\n?$', e.strip(), re.M) and 'msgstr ""\n"' not in e
    ]
    assert untranslated == []


def test_compiled_catalogue_is_not_older_than_its_source():
    base = ROOT / "locale/zh_Hans/LC_MESSAGES"
    # Both are committed; `make messages` rebuilds them together.
    assert (base / "django.mo").stat().st_size > 0
    with translation.override("zh-hans"):
        po = (base / "django.po").read_text(encoding="utf-8")
        pairs = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po, re.M)
        assert pairs
        mismatched = [
            (msgid, msgstr)
            for msgid, msgstr in pairs
            if "%" not in msgid
            and "{" not in msgid
            and "\\" not in msgid
            and translation.gettext(msgid) != msgstr
        ]
        assert mismatched == [], "run `make messages`: the .mo is stale"


def test_every_translation_keeps_the_placeholders_of_its_message():
    """A translation with another placeholder crashes at run time (KeyError)."""
    po = (ROOT / "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w*\}")
    broken = []
    for entry in po.split("\n\n")[1:]:
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', entry.split("msgstr")[0], re.M))
        msgstr = "".join(re.findall(r'"(.*)"$', entry.split("msgstr", 1)[-1], re.M))
        mismatch = set(placeholder.findall(msgid)) != set(placeholder.findall(msgstr))
        if msgstr and mismatch and "msgid_plural" not in entry:
            broken.append(msgid)
    assert broken == []


def test_the_benchmark_app_is_installed_only_by_its_own_settings():
    """Scaffolding stays out of the product: no bench command, endpoint or table there."""
    assert "benchmarks" not in settings.INSTALLED_APPS
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings;"
            " print('benchmarks' in settings.INSTALLED_APPS, settings.ROOT_URLCONF)",
        ],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "benchmarks.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.split() == ["True", "benchmarks.urls"]
