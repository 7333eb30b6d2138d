"""The load test's request mix (bench/locustfile.py), replayed in one process: CPU per request.

`make load` reports the web workers' CPU seconds for the whole run; on a loaded machine its
timings say little. This replays the same users' requests in-process (django.test.Client, the
settings bench/load.sh gives gunicorn) and measures, per endpoint, the process's CPU time per
request (``time.process_time``) and the SQL queries it makes, and the mean weighted by how often
the load test asks for each endpoint. It does not depend on the machine's load the way wall-clock
times do. Run it against a copy of the load test's database (the demo municipality):

    psql postgres://postgres@127.0.0.1:5432/postgres -c "CREATE DATABASE ppr_x TEMPLATE ppr_load"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ppr_x REDIS_URL=redis://127.0.0.1:6379/8 \\
        .venv/bin/python bench/load_replay.py [--rounds 20] [--profile "case page"]

Not part of the test run. Password logins are left out of the figures (PBKDF2 by design).
"""

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import statistics
import sys
import time
import uuid
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(os.environ.get("REPLAY_ROOT", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)

# As bench/load.sh runs gunicorn.
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppr.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "load-test-only-secret-key-0123456789abcdefghijkl")
os.environ.setdefault("PPR_FIELD_KEY", "ZGVtby1vbmx5LWZpZWxkLWtleS0wMTIzNDU2Nzg5YWI=")
os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
os.environ["DJANGO_SECURE_SSL_REDIRECT"] = "false"
os.environ["PPR_SITE_URL"] = "http://127.0.0.1:8000"
os.environ["DJANGO_SECURE_COOKIES"] = "false"
os.environ["PPR_MFA_REQUIRED"] = "false"
os.environ["DJANGO_LOG_LEVEL"] = "WARNING"
os.environ["PPR_PROXY_COUNT"] = "1"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from load_shapes import CASE_LINK, CHILD_OPTION, DOCUMENT_LINK, REFERRAL, VERSION  # noqa: E402

PASSWORD = "demo-ppr-2026"
HOST = "127.0.0.1:8765"

OLD_CHILD_OPTION = re.compile(r'<option value="(\d+)"')
#: How often the 50-user `make load` of 7 Dec asked for each endpoint (the mean's weights).
WEIGHTS = {
    "case page": 1330,
    "referral list": 952,
    "case list": 681,
    "start page": 398,
    "referral start": 353,
    "referral child search": 353,
    "referral draft": 353,
    "referral form": 353,
    "referral submit": 353,
    "journal form": 339,
    "journal save": 339,
    "documents": 321,
    "document PDF": 321,
    "plan": 57,
    "plan PDF order": 57,
    "PDF status": 57,
}

CPU: dict[str, list[float]] = defaultdict(list)
QUERIES: dict[str, list[int]] = defaultdict(list)
STATUS: dict[str, set[int]] = defaultdict(set)
PROFILE_NAME = ""
PROFILER = cProfile.Profile()


class Counter:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


class Answer:
    def __init__(self, status_code: int, location: str, text: str) -> None:
        self.status_code, self.location, self.text = status_code, location, text


class User:
    number = 0

    def __init__(self, email: str) -> None:
        User.number += 1
        n = User.number
        self.client = Client(
            enforce_csrf_checks=True,
            HTTP_HOST=HOST,
            HTTP_X_FORWARDED_FOR=f"10.20.{n // 250}.{n % 250 + 1}",
        )
        self.client.get("/konto/login/")
        response = self.client.post(
            "/konto/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": self.token()},
            HTTP_REFERER=f"http://{HOST}/konto/login/",
        )
        assert response.status_code == 302, (email, response.status_code)

    def token(self) -> str:
        cookie = self.client.cookies.get("csrftoken")
        return cookie.value if cookie else ""

    def request(self, name: str, method: str, path: str, data: dict | None = None) -> Answer:
        counter = Counter()
        kwargs = {}
        if method == "post":
            data = {"csrfmiddlewaretoken": self.token(), **(data or {})}
            kwargs["HTTP_REFERER"] = f"http://{HOST}{path}"
        profiling = name == PROFILE_NAME
        with connection.execute_wrapper(counter):
            started = time.process_time()
            if profiling:
                PROFILER.enable()
            response = getattr(self.client, method)(path, data or {}, **kwargs)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if profiling:
                PROFILER.disable()
            spent = time.process_time() - started
        CPU[name].append(spent * 1000)
        QUERIES[name].append(counter.n)
        STATUS[name].add(response.status_code)
        return Answer(
            response.status_code, response.get("Location", ""), body.decode("utf-8", "replace")
        )


def psychologist_round(user: User, cases: list[str]) -> None:
    for _ in range(4):
        user.request("case page", "get", f"/sager/{random.choice(cases)}/")
    for _ in range(2):
        user.request("case list", "get", "/sager/?visning=mine")
    path = f"/sager/{random.choice(cases)}/journal/ny/"
    user.request("journal form", "get", path)
    data = {
        "occurred_on": date.today().isoformat(),
        "kind": "samtale",
        "title": "LOAD replay",
        "text": "Samtale med barnet om trivsel i klassen. " * 5,
        "client_token": str(uuid.uuid4()),
    }
    user.request("journal save", "post", path, data)


def school_leader_round(user: User) -> None:
    for _ in range(3):
        user.request("referral list", "get", "/sager/indstillinger/")
    page = user.request("documents", "get", "/dokumenter/").text
    links = DOCUMENT_LINK.findall(page)
    if links:
        user.request("document PDF", "get", random.choice(links))
    path = "/sager/indstillinger/ny/"
    start = user.request("referral start", "get", path).text
    found = user.request("referral child search", "post", path, {"find": "1", "q": "en"}).text
    children = CHILD_OPTION.findall(found) or OLD_CHILD_OPTION.findall(start)
    if not children:
        return
    response = user.request("referral draft", "post", path, {"child": random.choice(children)})
    if response.status_code != 302:
        return
    form_path = response.location
    versions = VERSION.findall(user.request("referral form", "get", form_path).text)
    data = {**REFERRAL, "version": versions[0] if versions else "1", "action": "submit"}
    user.request("referral submit", "post", form_path, data)


def leader_round(user: User) -> None:
    for _ in range(6):
        user.request("start page", "get", "/")
    user.request("plan", "get", "/rapporter/udviklingsplan/")
    response = user.request("plan PDF order", "post", "/rapporter/udviklingsplan/udskriv/")
    if response.status_code == 302:
        user.request("PDF status", "get", response.location)


def main() -> None:
    global PROFILE_NAME
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--profile", default="", help="an endpoint's name: cProfile it")
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    random.seed(7)
    psychologist = User("psykolog@ppr.nordvig.dk")
    school_leader = User("skoleleder.vestervang@nordvig.dk")
    leader = User("leder@ppr.nordvig.dk")
    cases = sorted(
        set(
            CASE_LINK.findall(psychologist.request("case list", "get", "/sager/?visning=mine").text)
        )
    )
    assert cases, "the psychologist has no cases"
    for round_ in range(args.warmup + args.rounds):
        if round_ == args.warmup:
            CPU.clear()
            QUERIES.clear()
            PROFILE_NAME = args.profile
        psychologist_round(psychologist, cases)
        school_leader_round(school_leader)
        leader_round(leader)
    print(f"{'endpoint':<24}{'n':>5}{'CPU p50':>9}{'mean':>8}{'queries':>9}  status")
    total = weight = 0.0
    for name, w in WEIGHTS.items():
        if not CPU[name]:
            print(f"{name:<24}  (not reached)")
            continue
        mean = statistics.fmean(CPU[name])
        total += w * mean
        weight += w
        queries = sorted(set(QUERIES[name]))
        q = str(queries[0]) if len(queries) == 1 else f"{queries[0]}-{queries[-1]}"
        print(
            f"{name:<24}{len(CPU[name]):>5}{statistics.median(CPU[name]):>9.1f}{mean:>8.1f}"
            f"{q:>9}  {sorted(STATUS[name])}"
        )
    print(f"weighted mean CPU per request (load test's mix): {total / weight:.1f} ms")
    if args.profile:
        out = io.StringIO()
        pstats.Stats(PROFILER, stream=out).sort_stats(args.sort).print_stats(45)
        print(out.getvalue())


if __name__ == "__main__":
    main()
