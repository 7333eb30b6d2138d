"""django-tables2 tables for the reports. Rows are dicts from aggregate queries (not models),
except the running courses. Numbers render the Danish way; exports take the raw values."""

from datetime import date
from typing import Any

import django_tables2 as tables

from .formatting import number

NUM = {"td": {"class": "ppr-num"}, "th": {"class": "ppr-num"}}


class NumberColumn(tables.Column):
    """A right-aligned number: Danish separators on the page, the plain value in exports."""

    def __init__(self, *args: Any, decimals: int = 0, suffix: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        kwargs.setdefault("default", "–")
        super().__init__(*args, **kwargs)
        self.decimals = decimals
        self.suffix = suffix

    def render(self, value: Any) -> str:
        return number(value, self.decimals) + self.suffix

    def value(self, value: Any) -> Any:
        # Exports get the number itself: XLSX keeps it a number, CSV writes it the Danish way.
        return value


class ReportTable(tables.Table):
    class Meta:
        orderable = True
        empty_text = "Ingen data i den valgte periode og det valgte område."


class WaitingTimeTable(ReportTable):
    caption = "Ventetid fra indsendt indstilling til visitation og til endelig PPV"

    month = tables.Column(
        verbose_name="Måned (indsendt)", accessor="month_label", order_by=("month",)
    )
    district = tables.Column(verbose_name="Distrikt")
    submitted = NumberColumn(verbose_name="Indsendt")
    waiting = NumberColumn(verbose_name="Venter på visitation")
    visited = NumberColumn(verbose_name="Visiteret")
    visit_median = NumberColumn(verbose_name="Til visitation, median (dage)", decimals=1)
    visit_p90 = NumberColumn(verbose_name="Til visitation, 90 %-fraktil (dage)", decimals=1)
    ppv = NumberColumn(verbose_name="Endelig PPV")
    ppv_median = NumberColumn(verbose_name="Til endelig PPV, median (dage)", decimals=1)
    ppv_p90 = NumberColumn(verbose_name="Til endelig PPV, 90 %-fraktil (dage)", decimals=1)

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class WaitingListTable(ReportTable):
    caption = "Indstillinger, der venter på visitation, efter hvor længe de har ventet"

    district = tables.Column(verbose_name="Distrikt")
    days_0_7 = NumberColumn(verbose_name="0–7 dage")
    days_8_14 = NumberColumn(verbose_name="8–14 dage")
    days_15_30 = NumberColumn(verbose_name="15–30 dage")
    days_31_60 = NumberColumn(verbose_name="31–60 dage")
    days_over_60 = NumberColumn(verbose_name="Over 60 dage")
    total = NumberColumn(verbose_name="I alt")
    oldest_days = NumberColumn(verbose_name="Længst ventende (dage)")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class CaseloadTable(ReportTable):
    caption = "Sagsbelastning pr. sagsbehandler"

    worker = tables.Column(verbose_name="Sagsbehandler")
    profession = tables.Column(verbose_name="Faggruppe")
    open_now = NumberColumn(verbose_name="Åbne sager nu")
    opened = NumberColumn(verbose_name="Oprettet i perioden")
    closed = NumberColumn(verbose_name="Lukket i perioden")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class DeadlineTable(ReportTable):
    caption = "Frister overholdt til tiden pr. type"

    kind = tables.Column(verbose_name="Frist")
    total = NumberColumn(verbose_name="Med frist i perioden")
    on_time = NumberColumn(verbose_name="Overholdt til tiden")
    late = NumberColumn(verbose_name="Overholdt for sent")
    overdue = NumberColumn(verbose_name="Overskredet, ikke løst")
    pending = NumberColumn(verbose_name="Åben, ikke forfalden")
    on_time_pct = NumberColumn(verbose_name="Til tiden (%)", decimals=1)

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class RulerCountTable(ReportTable):
    caption = "Børn efter seneste Børnelineal-vurdering i perioden, pr. institution"

    district = tables.Column(verbose_name="Distrikt")
    institution = tables.Column(verbose_name="Institution")
    groen = NumberColumn(verbose_name="Grøn")
    gul = NumberColumn(verbose_name="Gul")
    roed = NumberColumn(verbose_name="Rød")
    total = NumberColumn(verbose_name="I alt")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class RulerMovementTable(ReportTable):
    caption = "Bevægelse mellem Børnelineal-farver i perioden"

    start = tables.Column(verbose_name="Farve før perioden")
    end = tables.Column(verbose_name="Farve ved periodens slutning")
    movement = tables.Column(verbose_name="Bevægelse")
    children = NumberColumn(verbose_name="Antal børn")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class InterventionTable(ReportTable):
    caption = "Forløb startet i perioden efter niveau, form og udfald"

    level = tables.Column(verbose_name="Forebyggelsesniveau")
    form = tables.Column(verbose_name="Form")
    active = NumberColumn(verbose_name="I gang")
    goals_met = NumberColumn(verbose_name="Mål nået")
    partly_met = NumberColumn(verbose_name="Delvist nået")
    not_met = NumberColumn(verbose_name="Ikke nået")
    referred = NumberColumn(verbose_name="Videre indsats")
    discontinued = NumberColumn(verbose_name="Afbrudt")
    total = NumberColumn(verbose_name="Forløb i alt")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class RunningCourseTable(ReportTable):
    caption = "Forløb, der kører nu"

    name = tables.Column(verbose_name="Forløb", accessor="display_name", order_by=("title",))
    intervention = tables.Column(verbose_name="Indsats", accessor="intervention__name")
    level = tables.Column(
        verbose_name="Niveau", accessor="intervention__level", order_by=("intervention__level",)
    )
    institution = tables.Column(verbose_name="Institution", default="–")
    district = tables.Column(
        verbose_name="Distrikt", accessor="place_district", default="–", orderable=False
    )
    responsible = tables.Column(verbose_name="Ansvarlig", order_by=("responsible__first_name",))
    starts_on = tables.DateColumn(verbose_name="Start", format="d.m.Y")
    ends_on = tables.DateColumn(verbose_name="Forventet slut", format="d.m.Y", default="–")
    participant_count = NumberColumn(verbose_name="Deltagere")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}
        order_by = ("starts_on",)

    def render_level(self, record: Any) -> str:
        return record.intervention.get_level_display()

    def value_level(self, record: Any) -> str:
        return record.intervention.get_level_display()

    def value_responsible(self, record: Any) -> str:
        return str(record.responsible)

    def value_institution(self, record: Any) -> str:
        return str(record.institution) if record.institution_id else ""

    # Exports get the dates themselves (django-tables2's default is ISO text): the CSV writes
    # them the Danish way, the XLSX keeps them dates that sort and show as dd.mm.åååå.
    def value_starts_on(self, value: date) -> date:
        return value

    def value_ends_on(self, value: date | None) -> date | None:
        return value


class AbsenceTable(ReportTable):
    caption = "Fraværssager efter trin i fraværsproceduren"

    step = tables.Column(verbose_name="Nået til trin", orderable=False)
    cases = NumberColumn(verbose_name="Fraværssager")
    open = NumberColumn(verbose_name="Åbne")
    closed = NumberColumn(verbose_name="Lukkede")
    indskoling = NumberColumn(verbose_name="Indskoling (0.–3.)")
    mellemtrin = NumberColumn(verbose_name="Mellemtrin (4.–6.)")
    overskoling = NumberColumn(verbose_name="Overskoling (7.–10.)")
    no_grade = NumberColumn(verbose_name="Klassetrin ikke oplyst")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


# --- Visitation to special offers ----------------------------------------------------------


class VisitationYearTable(ReportTable):
    caption = "Ansøgninger om specialpædagogisk bistand, afgørelser og klager pr. år"

    year = tables.Column(verbose_name="År")
    applications = NumberColumn(verbose_name="Ansøgninger indsendt")
    decisions = NumberColumn(verbose_name="Afgørelser i alt")
    granted = NumberColumn(verbose_name="Bevilget")
    refused = NumberColumn(verbose_name="Afslået")
    other = NumberColumn(verbose_name="Anden indsats")
    appeals = NumberColumn(verbose_name="Klager modtaget")
    appeals_changed = NumberColumn(verbose_name="Klager: ændret eller hjemvist")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class PlacementYearTable(ReportTable):
    caption = "Placeringer i specialtilbud pr. tilbud og år"

    year = tables.Column(verbose_name="År")
    offer = tables.Column(verbose_name="Tilbud")
    places = NumberColumn(verbose_name="Pladser pr. skoleår")
    placed = NumberColumn(verbose_name="Placeringer i året")
    started = NumberColumn(verbose_name="Heraf startet i året")
    returned = NumberColumn(verbose_name="Tilbage til almentilbuddet")
    child_years = NumberColumn(verbose_name="Pladsår", decimals=2)
    spending = NumberColumn(verbose_name="Udgift (kr.)")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class ReturnedTable(ReportTable):
    caption = "Børn, der er vendt tilbage til almentilbuddet, pr. år og tilbud"

    year = tables.Column(verbose_name="År")
    offer = tables.Column(verbose_name="Fra tilbud")
    children = NumberColumn(verbose_name="Børn tilbage i almentilbuddet")

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class SpendingTable(ReportTable):
    caption = "Udgift til specialtilbud pr. år (placeringer × årlig pris, forholdsmæssigt)"

    year = tables.Column(verbose_name="År")
    child_years = NumberColumn(verbose_name="Pladsår", decimals=2)
    own = NumberColumn(verbose_name="Egne tilbud (kr.)")
    bought = NumberColumn(verbose_name="Købte pladser (kr.)")
    total = NumberColumn(verbose_name="I alt (kr.)")
    millions = NumberColumn(verbose_name="I alt (mio. kr.)", decimals=2)

    class Meta(ReportTable.Meta):
        attrs = {"id": "report-table"}


class RetiredGoalTable(tables.Table):
    """Retired effect goals: kept with their history, off the overview."""

    name = tables.Column(verbose_name="Effektmål", linkify=True)
    unit = tables.Column(verbose_name="Enhed")
    measurement = tables.Column(verbose_name="Måling")
    retired_at = tables.DateTimeColumn(verbose_name="Udgået", format="j.n.Y")
    retired_by = tables.Column(verbose_name="Udgået ved", order_by=("retired_by__last_name",))

    class Meta:
        orderable = True
        order_by = ("-retired_at",)
        empty_text = "Der er ingen udgåede effektmål."


class PreventionSpendingTable(tables.Table):
    """The yearly spending on prevention the PPR leader has entered."""

    year = tables.Column(verbose_name="År", attrs=NUM)
    amount = NumberColumn(verbose_name="Udgift til forebyggelse (kr.)")
    note = tables.Column(verbose_name="Kilde", default="")
    recorded_by = tables.Column(verbose_name="Registreret af", order_by=("recorded_by__last_name",))
    recorded_at = tables.DateTimeColumn(verbose_name="Registreret", format="j.n.Y")

    class Meta:
        orderable = True
        order_by = ("-year",)
        empty_text = "Der er endnu ikke indtastet nogen udgift til forebyggelse."
