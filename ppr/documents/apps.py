from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ppr.documents"
    label = "documents"
    verbose_name = "Dokumenter"
