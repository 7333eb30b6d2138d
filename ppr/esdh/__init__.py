"""Journalisation in the municipality's ESDH and the Sags- og Dokumentindeks (SF1470).

The domain hands over plain data (``CaseInfo``) and documents; this app files them in the ESDH
through an adapter (``adapter.EsdhAdapter``; SBSYS's REST API in ``sbsys.py``) and feeds the
index through another (``index.IndexAdapter``), in Celery with retry and backoff. A record per
filing (``Filing``) and per indexed item (``IndexEntry``) keeps what is owed until it is done,
so an outside failure loses nothing. ``standin.py`` is the local stand-in for both services.
"""
