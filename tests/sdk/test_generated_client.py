"""Partner systems generate their client from the served schema (docs/api/openapi.yaml): with
openapi-python-client and no config, the package installs, names its calls in the domain's
words, sends each body as what the endpoint takes, and reads the error envelope as a type."""

import json
from pathlib import Path

import pytest

from approvals.models import Licence
from notifications.models import Push, PushState
from tests.clients import api_key_for
from tests.factories import (
    ApprovalDepartmentFactory,
    ApprovalItemFactory,
    DepartmentFactory,
    valid_credit_code,
)
from tests.sdk.helpers import (
    build_wheel,
    generate_client,
    pip_install,
    project_metadata,
    run_partner_flow,
    throwaway_venv,
)


@pytest.mark.django_db(transaction=True)
def test_a_client_generated_from_the_served_schema_installs_and_runs_the_partner_flow(
    live_server, eager_tasks, tmp_path: Path
):
    approval = ApprovalDepartmentFactory(code="xzsp-sdk", name="测试行政审批服务局")
    supervision = DepartmentFactory(code="scjg-sdk", name="测试市场监督管理局")
    ApprovalItemFactory(code="food", name="食品经营许可", supervision_departments=[supervision])
    approval_key, supervision_key = api_key_for(approval), api_key_for(supervision)

    generated = tmp_path / "generated"
    generated.mkdir()
    project, output = generate_client(f"{live_server.url}/api/schema/", generated)
    assert "Warning" not in output, output
    meta = project_metadata(project)
    assert (meta["name"], meta["packages"]) == ("linzi-platform-client", ["linzi_platform_client"])
    api = project / "linzi_platform_client" / "api"
    assert {"licences", "pushes", "supervision_actions", "listings"} <= {
        path.name for path in api.iterdir()
    }
    assert (api / "licences" / "licence_record.py").is_file()
    assert (api / "pushes" / "push_claim.py").is_file()
    # The licence body is JSON only: no multipart encoding of its nested counterparty.
    licence_record = (api / "licences" / "licence_record.py").read_text(encoding="utf-8")
    assert '_kwargs["json"] = body.to_dict()' in licence_record
    assert "multipart" not in licence_record

    python = throwaway_venv(tmp_path / "venv")
    pip_install(python, build_wheel(project, tmp_path))
    result = run_partner_flow(
        python,
        tmp_path,
        live_server.url,
        approval_key,
        supervision_key,
        "food",
        valid_credit_code("91370305MA3CAP10"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)

    assert report["client_module"].startswith(str(tmp_path / "venv"))
    licence = Licence.objects.get()
    assert report["licence_id"] == licence.pk
    push = Push.objects.get(pk=report["push_id"])
    assert push.receiver == supervision and push.state == PushState.CLAIMED
    assert report["push_state"] == "pending" and report["claimed_state"] == "claimed"
    assert report["conflict_code"] == "conflict"
    assert report["error_type"] == "ErrorEnvelope"
    assert report["error_code"] == "invalid" and report["error_fields"] == ["item"]
    assert report["item_messages"] and report["error_message"]
    assert report["action_attachments"] == ["penalty.pdf"]
    assert report["action_counterparty"] == licence.counterparty.credit_code
