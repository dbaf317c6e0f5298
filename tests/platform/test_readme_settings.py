"""The README documents every setting a deployment reads from its environment."""

import re

from tests.services import ROOT

SETTINGS = ROOT / "linzi_platform" / "settings.py"
READ_FROM_ENVIRONMENT = re.compile(r'(?:os\.environ\.get|env_bool|env_list)\(\s*"([A-Z0-9_]+)"')


def test_every_environment_setting_is_in_the_readme():
    names = set(READ_FROM_ENVIRONMENT.findall(SETTINGS.read_text(encoding="utf-8")))
    assert len(names) > 30  # the pattern still finds them
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == [], f"settings read from the environment but not in README.md: {missing}"
