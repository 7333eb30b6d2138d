"""Custody changes the CPR register reported for a case's child (the nightly refresh)."""

from django.db import models

from cases.models.casework import Case
from cases.models.children import Guardian


class CustodyChangeKind(models.TextChoices):
    GAINED = "fik", "Har fået forældremyndighed"
    LOST = "mistede", "Har ikke længere forældremyndighed"
    PROTECTED = "beskyttet", "Har fået navne- og adressebeskyttelse"
    UNPROTECTED = "ubeskyttet", "Har ikke længere navne- og adressebeskyttelse"
    DECEASED = "doed", "Er registreret som død i CPR"


class CustodyChange(models.Model):
    """One change in who holds custody of the case's child, found in the CPR register by the
    nightly refresh and applied to the guardians; the case's timeline shows it. The text names
    the guardian, never a CPR number or an address."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="custody_changes", verbose_name="sag"
    )
    guardian = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="forælder/værge",
    )
    guardian_name = models.CharField("forælder/værge", max_length=200)
    kind = models.CharField("ændring", max_length=20, choices=CustodyChangeKind.choices)
    occurred_on = models.DateField("dato")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ændring i forældremyndighed"
        verbose_name_plural = "ændringer i forældremyndighed"
        ordering = ["-occurred_on", "-recorded_at"]
        indexes = [models.Index(fields=["case", "-occurred_on"])]

    def __str__(self) -> str:
        return f"{self.guardian_name}: {self.get_kind_display()}"
