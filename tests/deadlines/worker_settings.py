"""Settings for the Celery worker that ``test_real_worker`` starts: e-mails become files."""

import os

from ppr.settings import *  # noqa: F403

MAILERS = {
    "default": {
        "BACKEND": "tests.deadlines.worker_mail.SlowFileBackend",
        "OPTIONS": {
            "directory": os.environ["PPR_TEST_MAIL_DIR"],
            "delay": float(os.environ.get("PPR_TEST_MAIL_DELAY", "0")),
        },
    }
}
