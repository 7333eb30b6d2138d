"""Load test mix for PPR Sag (run by bench/load.sh; 127.0.0.1 only, headless, bounded in time).

- School leaders draft referrals for their children, fill them in and submit them, look at
  their referrals and print their children's final PPVs and notater (PDF downloads).
- Psychologists read the case list and case pages and write journal entries.
- The PPR leader reads the start page and prints the development plan (PDF, rendered by Celery).

Every journal entry carries this run's marker in its title; bench/load.sh compares the number of
journal entries, referral drafts and submitted referrals the users were told were saved (302)
with what the database holds afterwards.
"""

import itertools
import json
import os
import random
import uuid
from datetime import date
from pathlib import Path

from load_shapes import CASE_LINK, CHILD_OPTION, DOCUMENT_LINK, REFERRAL, VERSION  # noqa: E402
from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-ppr-2026")
RUN = os.environ.get("LOAD_RUN", uuid.uuid4().hex[:8])
COUNTS_FILE = Path(os.environ.get("LOAD_COUNTS", "/tmp/ppr-load-counts.json"))
COUNTS = {"journal": 0, "drafts": 0, "submitted": 0}


USER_NUMBERS = itertools.count(1)


class PprUser(HttpUser):
    abstract = True
    email = ""
    wait_time = between(1, 3)

    def on_start(self) -> None:
        # Every simulated user has its own address, as behind the municipality's proxy
        # (bench/load.sh runs the app with PPR_PROXY_COUNT=1): rate limits count per user.
        n = next(USER_NUMBERS)
        self.client.headers["X-Forwarded-For"] = f"10.20.{n // 250}.{n % 250 + 1}"
        self.client.get("/konto/login/", name="login")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/konto/login/",
            {"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/konto/login/"},
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login {self.email}: {response.status_code}")

    def csrf(self) -> dict[str, str]:
        return {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}

    def submit(self, path: str, data: dict, name: str, *, page: str | None = None):
        """POST a form as the browser does (CSRF token, Referer of the page it is on), without
        following the redirect; the caller judges the answer (``catch_response``)."""
        return self.client.post(
            path,
            {**self.csrf(), **data},
            headers={"Referer": f"{self.host}{page or path}"},
            allow_redirects=False,
            name=name,
            catch_response=True,
        )


class Psychologist(PprUser):
    weight = 5
    email = "psykolog@ppr.nordvig.dk"

    def on_start(self) -> None:
        super().on_start()
        page = self.client.get("/sager/?visning=mine", name="case list").text
        self.cases = sorted(set(CASE_LINK.findall(page))) or []

    @task(4)
    def read_case(self) -> None:
        if self.cases:
            self.client.get(f"/sager/{random.choice(self.cases)}/", name="case page")

    @task(2)
    def case_list(self) -> None:
        self.client.get("/sager/?visning=mine", name="case list")

    @task(1)
    def write_journal(self) -> None:
        if not self.cases:
            return
        case = random.choice(self.cases)
        path = f"/sager/{case}/journal/ny/"
        self.client.get(path, name="journal form")
        data = {
            "occurred_on": date.today().isoformat(),
            "kind": "samtale",
            "title": f"LOAD {RUN}",
            "text": "Samtale med barnet om trivsel i klassen. " * 5,
            "client_token": str(uuid.uuid4()),
        }
        with self.submit(path, data, "journal save") as response:
            if response.status_code == 302:
                COUNTS["journal"] += 1
            else:
                response.failure(f"journal: {response.status_code}")


class SchoolLeader(PprUser):
    weight = 4
    email = "skoleleder.vestervang@nordvig.dk"

    @task(3)
    def referrals(self) -> None:
        self.client.get("/sager/indstillinger/", name="referral list")

    @task(1)
    def print_documents(self) -> None:
        """Open "Dokumenter" and download one of the children's final PPVs or notater."""
        links = DOCUMENT_LINK.findall(self.client.get("/dokumenter/", name="documents").text)
        if links:
            self.client.get(random.choice(links), name="document PDF")

    @task(1)
    def draft_and_submit(self) -> None:
        """Start a draft, fill it in and submit it (the form's "Indsend" button)."""
        path = "/sager/indstillinger/ny/"
        self.client.get(path, name="referral start")
        # The picker's search, as the browser sends it while the user types ("en": Hansen, …).
        with self.submit(path, {"find": "1", "q": "en"}, "referral child search") as found:
            found.success()
            children = CHILD_OPTION.findall(found.text)
        if not children:
            return
        with self.submit(path, {"child": random.choice(children)}, "referral draft") as response:
            if response.status_code == 400:
                # A business rule (e.g. the child already has a draft) answered in the form.
                response.success()
                return
            if response.status_code != 302:
                response.failure(f"draft: {response.status_code}")
                return
            COUNTS["drafts"] += 1
            form_path = response.headers["Location"]
        versions = VERSION.findall(self.client.get(form_path, name="referral form").text)
        data = {**REFERRAL, "version": versions[0] if versions else "1"}
        with self.submit(form_path, {**data, "action": "submit"}, "referral submit") as response:
            if response.status_code == 302:
                COUNTS["submitted"] += 1
            elif response.status_code == 400 and "samtykke" in response.text:
                # Saved as a draft; the demo child's parents have not consented (the gate works).
                response.success()
            else:
                response.failure(f"submit: {response.status_code}")


class Leader(PprUser):
    """The PPR leadership: mostly the overview; now and then a fresh development plan PDF."""

    weight = 1
    email = "leder@ppr.nordvig.dk"

    @task(6)
    def start_page(self) -> None:
        self.client.get("/", name="start page")

    @task(1)
    def print_plan(self) -> None:
        """Order the plan as a PDF (rendered by the Celery worker), then poll its status."""
        self.client.get("/rapporter/udviklingsplan/", name="plan")
        path = "/rapporter/udviklingsplan/udskriv/"
        with self.submit(path, {}, "plan PDF order", page="/rapporter/udviklingsplan/") as response:
            if response.status_code != 302:
                response.failure(f"plan PDF: {response.status_code}")
                return
            status = response.headers["Location"]
        self.client.get(status, name="PDF status")


@events.quitting.add_listener
def _save_counts(environment, **kwargs) -> None:
    COUNTS_FILE.write_text(json.dumps({"run": RUN, **COUNTS}))
