"""KOMBIT login (SAML) and the PPR leader's role mappings. The SP's endpoints answer nobody while SAML is off (the default); a
parent is kept to the portal as everywhere. tests/saml covers them switched on."""

from typing import Any

from django.utils import timezone

from ppr.accounts.models import Role, SsoRoleMapping
from tests.security.routes import Route, everyone

off = everyone(404, anonymous=404)

ROUTES = [
    Route("saml:metadata", off),
    Route("saml:login", off),
    Route("saml:acs", off, method="post", data=lambda cast: {"SAMLResponse": "eA=="}),
    Route("saml:acs", everyone(405, anonymous=405)),
]


def mapping(cast: Any) -> dict[str, int]:
    created = SsoRoleMapping.objects.create(
        privilege="http://nordvig.dk/roles/usersystemrole/ppr-psykolog/1",
        role=Role.PSYCHOLOGIST,
        team=cast.team_vest,
        approved_by=cast.ppr_leader,
        approved_at=timezone.now(),
    )
    return {"pk": created.pk}


def mapping_data(cast: Any) -> dict[str, Any]:
    return {
        "privilege": "http://nordvig.dk/roles/usersystemrole/ppr-sekretaer/1",
        "role": Role.SECRETARY,
        "org_unit": "",
    }


leader_only = everyone(403, ppr_leader=200)
leader_acts = everyone(403, ppr_leader=302)

ROUTES += [
    Route("accounts:sso-mappings", leader_only),
    Route("accounts:sso-mappings", everyone(405), method="post"),
    Route("accounts:sso-mapping-add", leader_only),
    Route("accounts:sso-mapping-add", leader_acts, method="post", data=mapping_data),
    Route("accounts:sso-mapping-edit", leader_only, kwargs=mapping),
    Route(
        "accounts:sso-mapping-edit", leader_acts, kwargs=mapping, method="post", data=mapping_data
    ),
    Route("accounts:sso-mapping-retire", leader_acts, kwargs=mapping, method="post"),
    Route("accounts:sso-mapping-retire", everyone(405), kwargs=mapping),
]
