"""A slow file e-mail backend for the real-worker test: one file per message, named by reminder."""

import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def __init__(
        self, *args: object, directory: str = "", delay: float = 0.0, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # BaseEmailBackend's stubbed keyword arguments are narrower than object
        self.directory = Path(directory)
        self.delay = delay

    def send_messages(self, email_messages):
        for message in email_messages:
            # Sleep first: a kill during the sleep is a crash before the send.
            time.sleep(self.delay)
            reminder = message.extra_headers.get("X-PPR-Reminder", "none")
            (self.directory / f"{reminder}-{uuid.uuid4().hex}.eml").write_bytes(
                message.message().as_bytes()
            )
        return len(email_messages)
