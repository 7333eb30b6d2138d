"""The list of deliveries to the archive."""

import django_tables2 as tables

from .models import Delivery


class DeliveryTable(tables.Table):
    pk = tables.Column(
        verbose_name="Aflevering", linkify=("archive:detail", {"pk": tables.A("pk")})
    )
    av_id = tables.Column(verbose_name="AV-id")
    requested_at = tables.DateTimeColumn(verbose_name="Bestilt", format="d.m.Y H:i")
    case_count = tables.Column(verbose_name="Sager", orderable=False)
    status = tables.Column(verbose_name="Status")
    delivered_at = tables.DateTimeColumn(verbose_name="Afleveret", format="d.m.Y H:i", default="–")

    class Meta:
        model = Delivery
        fields = ("pk", "av_id", "requested_at", "case_count", "status", "delivered_at")
        orderable = True
        order_by = ("-requested_at",)
        empty_text = "Der er ikke afleveret noget til arkivet endnu."
        attrs = {"id": "delivery-table"}
