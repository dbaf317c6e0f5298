from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_openapi_schema_validates_without_a_single_warning(tmp_path: Path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    for path in ["/api/v1/licences/", "/api/v1/pushes/{id}/claim/", "/api/v1/items/"]:
        assert path in schema["paths"], path
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"]["name"] == "Authorization"
