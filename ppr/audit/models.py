"""The append-only access and change log."""

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Læst"
    SEARCH = "search", "Søgning"
    CREATE = "create", "Oprettet"
    UPDATE = "update", "Ændret"
    DELETE = "delete", "Slettet"
    EXPORT = "export", "Eksport"
    PRINT = "print", "Udskrift/download"
    REVEAL_CPR = "reveal_cpr", "Fuldt CPR-nummer vist"
    LOGIN = "login", "Login"
    LOGIN_FAILED = "login_failed", "Mislykket login"
    LOGOUT = "logout", "Log ud"
    MFA = "mfa", "Totrinsbekræftelse"


class AuditEvent(models.Model):
    """One access to personal data or one change: who, when, what, which child, from where, why.

    Rows are never updated or deleted (a database trigger enforces it on PostgreSQL), except
    by the retention purge. The actor is kept as id and name, not as a foreign key, so that
    deleting a user never has to touch the log.
    """

    at = models.DateTimeField("tidspunkt", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="bruger",
    )
    actor_name = models.CharField("brugerens navn", max_length=200, blank=True)
    role = models.CharField("rolle", max_length=100, blank=True)
    action = models.CharField("handling", max_length=20, choices=AuditAction.choices)
    object_type = models.CharField("objekttype", max_length=100, blank=True)
    object_id = models.CharField("objekt-id", max_length=64, blank=True)
    child_id = models.BigIntegerField("barn (id)", null=True, blank=True)
    term = models.CharField("søgeterm", max_length=200, blank=True)
    purpose = models.CharField("formål", max_length=200, blank=True)
    institution_id = models.BigIntegerField("institution (id)", null=True, blank=True)
    ip = models.GenericIPAddressField("IP-adresse", null=True, blank=True)
    request_id = models.CharField("request-id", max_length=64, blank=True)

    class Meta:
        verbose_name = "loghændelse"
        verbose_name_plural = "adgangslog"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["child_id", "-at"], name="audit_child_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["action", "-at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()}"
