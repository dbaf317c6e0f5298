from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


class PeopleValidator(OAuth2Validator):
    """The district's directory: each person's account, name and department as claims, given
    with the `profile` scope (in the ID token and at the userinfo endpoint)."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "department": "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        person = settings.CONFIG["people"].get(request.user.username, {})
        claims = {"preferred_username": request.user.username, "name": person.get("name", "")}
        if person.get("department"):
            claims["department"] = person["department"]
        return claims
