from django.apps import AppConfig


class DraftsConfig(AppConfig):
    name = "ppr.drafts"
    label = "drafts"
    verbose_name = "Kladder"
