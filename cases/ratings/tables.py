"""The Børnelineal report tables: counts by colour per institution and per district."""

import django_tables2 as tables


class _CountColumns(tables.Table):
    groen = tables.Column(verbose_name="Grøn", attrs={"td": {"class": "ppr-num"}})
    gul = tables.Column(verbose_name="Gul", attrs={"td": {"class": "ppr-num"}})
    roed = tables.Column(verbose_name="Rød", attrs={"td": {"class": "ppr-num"}})
    total = tables.Column(verbose_name="I alt", attrs={"td": {"class": "ppr-num"}})


class InstitutionColourTable(_CountColumns):
    """Ratings in the period by colour, one row per institution."""

    institution = tables.Column(verbose_name="Institution", accessor="institution__name")
    district = tables.Column(verbose_name="Distrikt", accessor="institution__district__name")

    class Meta:
        sequence = ("institution", "district", "groen", "gul", "roed", "total")
        empty_text = "Ingen vurderinger i perioden."
        attrs = {"id": "rating-institution-table"}


class DistrictColourTable(_CountColumns):
    """Ratings in the period by colour, one row per district."""

    district = tables.Column(verbose_name="Distrikt", accessor="institution__district__name")

    class Meta:
        sequence = ("district", "groen", "gul", "roed", "total")
        empty_text = "Ingen vurderinger i perioden."
        attrs = {"id": "rating-district-table"}
