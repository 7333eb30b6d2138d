"""Digital Post (NgDP): MeMo messages to citizens, sent by a configured transport.

The domain apps hand over plain data (recipient CPR, sender, title, the PDF and its file name);
this package builds and validates the MeMo message, records it (``DigitalPostMessage``) and
sends it through Celery with retry. It imports no domain app.
"""
