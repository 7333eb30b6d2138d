"""Run the local KOMBIT Context Handler stand-in (demo/saml_idp.py) for the demo: municipal staff
sign in through SAML with roles from the "municipality's user administration".

    PPR_SAML_IDP_METADATA=private/saml-demo/idp-metadata.xml \\
    PPR_SAML_SP_KEY_FILE=private/saml-demo/sp.key PPR_SAML_SP_CERT_FILE=private/saml-demo/sp.crt \\
    PPR_SAML_CVR=29189900 make demo
    DJANGO_DEBUG=true python manage.py saml_standin     # in a second terminal: private/saml-demo/, :8766

It writes the stand-in's metadata and a demo SP key and certificate (kept between runs), and
adds the demo's role mapping (KOMBIT role ``ppr-psykolog`` with organisation unit ``team-vest``
→ PPR-psykolog in PPR Team Vest, approved by the demo's PPR leader) if it is missing.
"""

import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from demo.saml_idp import DEMO_ROLE, IdP, make_key_and_cert, serve
from ppr.accounts.models import Role, SsoRoleMapping, User
from ppr.organisation.models import Team

DIRECTORY = Path(settings.BASE_DIR) / "private" / "saml-demo"


def _pair(name: str, common_name: str) -> tuple[str, str]:
    key, cert = DIRECTORY / f"{name}.key", DIRECTORY / f"{name}.crt"
    if not key.exists():
        DIRECTORY.mkdir(parents=True, exist_ok=True)
        pem_key, pem_cert = make_key_and_cert(common_name)
        key.write_text(pem_key)
        key.chmod(0o600)
        cert.write_text(pem_cert)
    return key.read_text(), cert.read_text()


class Command(BaseCommand):
    help = (
        "Kører en lokal afløser for KOMBITs Context Handler (SAML) til demoen. Ikke til produktion."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8766)

    def handle(self, *args: Any, port: int, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Afløseren er kun til demoen: kør med DJANGO_DEBUG=true.")
        idp_key, idp_cert = _pair("idp", "PPR Sag KOMBIT stand-in IdP")
        _sp_key, sp_cert = _pair("sp", "PPR Sag demo SP")
        idp = IdP(
            sso_url=f"http://127.0.0.1:{port}/sso",
            key_pem=idp_key,
            cert_pem=idp_cert,
            sp_cert_pem=sp_cert,
        )
        (DIRECTORY / "idp-metadata.xml").write_text(idp.metadata())
        try:
            team = Team.objects.filter(name="PPR Team Vest").first()
            leader = User.objects.filter(email="leder@ppr.nordvig.dk").first()
        except DatabaseError:
            team = leader = None
        if not (team and leader):
            self.stderr.write(
                "Demodatabasen mangler: start demoen (make demo) først, og kør så denne igen."
            )
        else:
            SsoRoleMapping.objects.get_or_create(
                privilege=DEMO_ROLE.format("ppr-psykolog"),
                org_unit="team-vest",
                defaults={
                    "role": Role.PSYCHOLOGIST,
                    "team": team,
                    "approved_by": leader,
                    "approved_at": timezone.now(),
                },
            )
        server = serve(idp, port=port)
        self.stdout.write(
            f"KOMBIT-afløser på http://127.0.0.1:{port}/ (metadata: {DIRECTORY}/idp-metadata.xml)"
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
            server.server_close()
