"""Schemathesis over the whole OpenAPI schema, in process (R1–R20 through the API): for every
operation, a bounded number of generated requests — valid and invalid — with an approval
and a supervision department's key. No request may answer 5xx, and every response must
match the schema (status codes, content types, bodies, the error envelope)."""

import datetime
import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from linzi_platform.wsgi import application
from tests.clients import api_key_for
from tests.factories import ApprovalItemFactory, DepartmentFactory, StaffFactory, record_licence

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 6

# The schema cannot express the domain rules (check digits, existing codes, working-day
# notice periods), so a schema-valid body may rightly be refused with 400, and django-filter
# reads an empty filter as "no filter". Every other check runs: no 5xx, documented status
# codes, content types, headers and bodies, auth, unsupported methods.
NOT_CHECKED = [positive_data_acceptance, negative_data_rejection]


@pytest.fixture
def _keep_the_test_connection():
    """The WSGI handler closes the connection after each request; inside the test's
    transaction that would end it. Django's own test client disconnects the same hook."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(
    _keep_the_test_connection, approval_department, supervision_department, approval_clerk, settings
):
    """A small but real world, so ids in paths sometimes hit records."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(
            settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}), "100000/minute"
        ),
    }
    second = DepartmentFactory(code="zjj-fuzz", name="住房和城乡建设局")
    item = ApprovalItemFactory(code="food", supervision_departments=[supervision_department])
    StaffFactory(department=second)
    record_licence(approval_clerk, item, valid_to=datetime.date(2031, 9, 29))
    return {
        "approval": api_key_for(approval_department),
        "supervision": api_key_for(supervision_department),
    }


def _load_schema() -> schemathesis.BaseSchema:
    """Built in process at collection time (no HTTP round trip, no database needed); the
    operations are then called on the WSGI application itself."""
    raw = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    config = SchemathesisConfig()
    config.projects.default.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    )
    loaded = schemathesis.openapi.from_dict(raw, config=config)
    loaded.app = application
    return loaded


schema = _load_schema()


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_no_operation_answers_5xx_or_off_schema(case, fuzz_world):
    for key in fuzz_world.values():
        case.call_and_validate(
            headers={"Authorization": f"Api-Key {key}"}, excluded_checks=NOT_CHECKED
        )
