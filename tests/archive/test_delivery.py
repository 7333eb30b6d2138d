"""The archive delivery: an arkiveringsversion of closed cases written by a Celery task, its
files valid against the schemas and listed with their checksums, the documents as TIFF, one
delivery per case however often it is ordered, and the archive's receipt."""

import hashlib
import io
from datetime import date
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from django.urls import reverse
from lxml import etree
from PIL import Image

from archive import package, tasks
from archive.models import DeliveredCase, Delivery, DeliveryStatus, Receipt
from cases.casework.services import close_case
from cases.models import Case
from ppr.documents.models import Document
from tests.cases.factories import GuardianFactory, JournalEntryFactory, RulerRatingFactory
from tests.visitation.factories import decision

pytestmark = pytest.mark.django_db

NS = {"d": package.NS}


@pytest.fixture
def archive_dir(settings: Any, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "storage")},
        },
    }
    settings.PPR_ARCHIVE_DIR = str(tmp_path / "arkiv")
    settings.PPR_ARCHIVE_AV_ID = "AVID.KOM.4321"
    return tmp_path / "arkiv"


@pytest.fixture
def closed_case(cast: Any, archive_dir: Path, django_capture_on_commit_callbacks: Any) -> Case:
    with django_capture_on_commit_callbacks(execute=True):  # the decision letter is rendered
        granted = decision(cast)
    case = granted.application.case
    JournalEntryFactory(case=case, author=cast.psychologist, text="Samtale med <mor> & far.")
    RulerRatingFactory(child=case.child, rater=cast.psychologist)
    GuardianFactory(child=case.child, name="Mor Testesen")
    return close_case(case=case, by=cast.psychologist, outcome="specialtilbud")


def deliver(case: Case, capture: Any) -> Delivery:
    with capture(execute=True):
        tasks.deliver_cases.delay([case.pk])
    return Delivery.objects.get(cases__case=case)


def root_of(delivery: Delivery) -> Path:
    return Path(delivery.folder) / f"{delivery.av_id}.1"


def test_the_delivery_is_a_valid_arkiveringsversion(
    closed_case, archive_dir, django_capture_on_commit_callbacks
) -> None:
    delivery = deliver(closed_case, django_capture_on_commit_callbacks)
    assert delivery.status == DeliveryStatus.DELIVERED, delivery.error
    root = root_of(delivery)
    assert root.parent.parent == archive_dir
    assert package.validate(root) == []
    for name in package.INDEX_NAMES:
        assert (root / "Indices" / f"{name}.xml").is_file()
        assert (root / "Schemas" / "standard" / f"{name}.xsd").is_file()
    archive_index = etree.parse(str(root / "Indices" / "archiveIndex.xml"))
    assert archive_index.findtext("d:archiveInformationPackageID", namespaces=NS) == (
        "AVID.KOM.4321.1"
    )
    table_index = etree.parse(str(root / "Indices" / "tableIndex.xml"))
    names = table_index.xpath("//d:table/d:name/text()", namespaces=NS)
    assert names == [name for _, name, _ in package.TABLES]
    for folder in table_index.xpath("//d:table/d:folder/text()", namespaces=NS):
        table = root / "Tables" / folder
        schema = etree.XMLSchema(etree.parse(str(table / f"{folder}.xsd")))
        schema.assertValid(etree.parse(str(table / f"{folder}.xml")))
    rows = dict(
        zip(
            names,
            (int(n) for n in table_index.xpath("//d:table/d:rows/text()", namespaces=NS)),
            strict=True,
        )
    )
    assert rows["barn"] == 1 and rows["sager"] == 1 and rows["journal"] >= 1
    assert rows["foraeldre"] >= 1 and rows["boernelineal"] >= 1 and rows["afgoerelser"] == 1
    journal = (root / "Tables" / "table5" / "table5.xml").read_text()
    assert "Samtale med &lt;mor&gt; &amp; far." in journal
    # Our own index schemas, the official folder, when set, validate too.
    schemas = [
        etree.XMLSchema(etree.parse(str(package.SCHEMAS / f"{n}.xsd"))) for n in ("docIndex",)
    ]
    schemas[0].assertValid(etree.parse(str(root / "Indices" / "docIndex.xml")))


def test_the_file_index_lists_every_file_with_its_md5(
    closed_case, django_capture_on_commit_callbacks
) -> None:
    root = root_of(deliver(closed_case, django_capture_on_commit_callbacks))
    listed = etree.parse(str(root / "Indices" / "fileIndex.xml")).getroot()
    entries = {}
    for entry in listed:
        folder, name, md5 = (child.text for child in entry)
        entries[Path(root.parent, *folder.split("\\"), name)] = md5
    files = {p for p in root.rglob("*") if p.is_file() and p.name != "fileIndex.xml"}
    assert set(entries) == files
    for path, md5 in entries.items():
        assert hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest().upper() == md5


def test_a_changed_file_fails_the_check(closed_case, django_capture_on_commit_callbacks) -> None:
    root = root_of(deliver(closed_case, django_capture_on_commit_callbacks))
    table = root / "Tables" / "table1" / "table1.xml"
    table.write_text(table.read_text().replace("<c1>", "<c1>9"))
    assert any("kontrolsum" in problem for problem in package.validate(root))


def test_each_document_is_a_tiff_with_the_pdfs_pages(
    closed_case, django_capture_on_commit_callbacks
) -> None:
    delivery = deliver(closed_case, django_capture_on_commit_callbacks)
    root = root_of(delivery)
    doc_index = etree.parse(str(root / "Indices" / "docIndex.xml"))
    ids = doc_index.xpath("//d:doc/d:dID/text()", namespaces=NS)
    assert ids and delivery.document_count == len(ids)
    documents = [d for d in Document.objects.order_by("pk") if d.file.name and d.status == "ready"]
    pages_by_name = {}
    for document in documents:
        with document.file.open("rb") as handle:
            pdf = pypdfium2.PdfDocument(handle.read())
            pages_by_name[f"{document.kind}-{document.pk}.pdf"] = len(pdf)
            pdf.close()
    for doc in doc_index.getroot():
        did = doc.findtext("d:dID", namespaces=NS)
        original = doc.findtext("d:oFn", namespaces=NS)
        with Image.open(root / "Documents" / "docCollection1" / did / "1.tif") as image:
            assert image.format == "TIFF"
            assert image.n_frames == pages_by_name[original]
    context = root / "ContextDocumentation" / "docCollection1" / "1" / "1.tif"
    with Image.open(context) as image:
        assert image.n_frames >= 1


def test_pdf_to_tiff_keeps_every_page(tmp_path) -> None:
    pdf = pypdfium2.PdfDocument.new()
    for _ in range(3):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    assert package.pdf_to_tiff(buffer.getvalue(), tmp_path / "1.tif") == 3
    with Image.open(tmp_path / "1.tif") as image:
        assert image.n_frames == 3 and image.info["compression"] == "group4"


def test_the_task_run_twice_for_a_case_makes_one_delivery(
    closed_case, django_capture_on_commit_callbacks
) -> None:
    first = deliver(closed_case, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliver_cases.delay([closed_case.pk]).get() is None
        tasks.deliver_closed_cases.delay()
        assert tasks.build_delivery.delay(first.pk).get() == "skipped"
    assert Delivery.objects.count() == 1 and DeliveredCase.objects.count() == 1


def test_an_open_case_is_not_delivered(cast, archive_dir) -> None:
    case = decision(cast).application.case
    assert tasks.deliver_cases.delay([case.pk]).get() is None
    assert not Delivery.objects.exists()


def test_no_clear_cpr_unless_the_archive_receives_it(
    closed_case, settings, django_capture_on_commit_callbacks
) -> None:
    child = closed_case.child
    root = root_of(deliver(closed_case, django_capture_on_commit_callbacks))
    text = "".join(p.read_text() for p in (root / "Tables").rglob("*.xml"))
    assert child.cpr not in text and child.cpr.replace("-", "") not in text
    assert child.cpr_masked in text


def test_the_archive_may_receive_cpr(
    closed_case, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PPR_ARCHIVE_RECEIVES_CPR = True
    root = root_of(deliver(closed_case, django_capture_on_commit_callbacks))
    assert closed_case.child.cpr in (root / "Tables" / "table1" / "table1.xml").read_text()
    archive_index = etree.parse(str(root / "Indices" / "archiveIndex.xml"))
    assert archive_index.findtext("d:cprNum", namespaces=NS) == "true"


def test_nothing_is_delivered_when_the_archive_keeps_no_cases(
    closed_case, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PPR_ARCHIVE_KEEP_CASES = False
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliver_closed_cases.delay().get() is None
    assert not Delivery.objects.exists()


def test_official_schemas_are_used_when_configured(
    closed_case, settings, tmp_path, django_capture_on_commit_callbacks
) -> None:
    official = tmp_path / "officielle"
    official.mkdir()
    for name in package.INDEX_NAMES:
        (official / f"{name}.xsd").write_bytes((package.SCHEMAS / f"{name}.xsd").read_bytes())
    strict = (
        (official / "archiveIndex.xsd")
        .read_text()
        .replace(
            '<xs:element name="archiveApproval" type="text"/>',
            '<xs:element name="archiveApproval" type="text"/><xs:element name="extra" type="text"/>',
        )
    )
    (official / "archiveIndex.xsd").write_text(strict)
    root = root_of(deliver(closed_case, django_capture_on_commit_callbacks))
    settings.PPR_ARCHIVE_OFFICIAL_XSD_DIR = str(official)
    problems = package.validate(root)
    assert len(problems) == 1 and problems[0].startswith("archiveIndex.xml mod")


# --- The delivery page and the receipt --------------------------------------------------


def test_the_leader_records_the_receipt_once(
    cast, client_as, closed_case, django_capture_on_commit_callbacks
) -> None:
    delivery = deliver(closed_case, django_capture_on_commit_callbacks)
    leader = client_as(cast.ppr_leader)
    url = reverse("archive:receipt", args=[delivery.pk])
    data = {"archive_reference": "SA 2026-123", "received_on": "2026-12-01", "note": ""}
    assert leader.post(url, data).status_code == 302
    assert leader.post(url, data).status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.delivery == delivery and receipt.received_on == date(2026, 12, 1)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RECEIVED
    page = leader.get(reverse("archive:detail", args=[delivery.pk]))
    assert "SA 2026-123" in page.content.decode()


def test_a_receipt_without_reference_is_refused_in_danish(
    cast, client_as, closed_case, django_capture_on_commit_callbacks
) -> None:
    delivery = deliver(closed_case, django_capture_on_commit_callbacks)
    response = client_as(cast.ppr_leader).post(
        reverse("archive:receipt", args=[delivery.pk]), {"received_on": "ikke en dato"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "Skriv arkivets journalnummer fra kvitteringen." in text
    assert "Skriv en gyldig dato." in text
    assert not Receipt.objects.exists()


def test_a_delivery_not_yet_built_takes_no_receipt(cast, client_as, closed_case) -> None:
    delivery = Delivery.objects.create(av_id="AVID.KOM.4321")
    response = client_as(cast.ppr_leader).post(
        reverse("archive:receipt", args=[delivery.pk]),
        {"archive_reference": "SA 1", "received_on": "2026-12-01"},
    )
    assert response.status_code == 422
    assert not Receipt.objects.exists()


def test_the_leader_orders_the_closed_cases_once(
    cast, client_as, closed_case, django_capture_on_commit_callbacks
) -> None:
    leader = client_as(cast.ppr_leader)
    with django_capture_on_commit_callbacks(execute=True):
        assert leader.post(reverse("archive:deliver")).status_code == 302
        assert leader.post(reverse("archive:deliver")).status_code == 302
    assert Delivery.objects.get().status == DeliveryStatus.DELIVERED


def test_the_list_pages_deliveries_at_a_constant_query_count(
    cast, client_as, archive_dir, django_assert_num_queries
) -> None:
    from tests.conftest import SESSION_QUERIES

    for _ in range(30):
        Delivery.objects.create(av_id="AVID.KOM.4321")
    leader = client_as(cast.ppr_leader)
    url = reverse("archive:list")
    leader.get(url)
    with django_assert_num_queries(SESSION_QUERIES + 5):
        response = leader.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "30 afleveringer" in text and "delivery-table" in text
    assert leader.get(url, {"page": 2}).status_code == 200


@pytest.mark.parametrize("role", ["psychologist", "school_leader", "administrator", "secretary"])
def test_only_the_ppr_leader_reaches_the_pages(cast, client_as, role, archive_dir) -> None:
    delivery = Delivery.objects.create(av_id="AVID.KOM.4321")
    client = client_as(getattr(cast, role))
    assert client.get(reverse("archive:list")).status_code == 403
    assert client.get(reverse("archive:detail", args=[delivery.pk])).status_code == 403
    assert client.post(reverse("archive:deliver")).status_code == 403
