# The notification tests' fixtures (a food item with two receivers, the `decide` helper).
from tests.notifications.conftest import (  # noqa: F401
    decide,
    food_item,
    receiver_clerk,
    second_supervision_department,
)
