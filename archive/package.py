"""Writing an arkiveringsversion (bekendtgørelse nr. 128 af 12. februar 2020) of closed cases.

The folder ``<AVID>.1/`` holds:

- ``Indices/`` – archiveIndex.xml, tableIndex.xml, docIndex.xml, contextDocumentationIndex.xml
  and, written last, fileIndex.xml with the MD5 checksum of every other file;
- ``Tables/tableN/`` – ``tableN.xml`` and ``tableN.xsd`` per table; the XSD is generated here
  from the table's columns, which come from the models' fields;
- ``Documents/docCollection1/<dID>/1.tif`` – each rendered document of the cases, its PDF
  turned into a multi-page bitonal TIFF (CCITT group 4) with pypdfium2 and Pillow;
- ``ContextDocumentation/docCollection1/1/1.tif`` – a short description of the system;
- ``Schemas/standard/`` – the index schemas the indices are written to (archive/schemas/,
  our own; see the note in each file).

What goes in: the child of each case, its guardians, referrals, the delivered cases, their
journals, the child's Børnelineal ratings, the cases' PPVs, decisions and rendered documents –
every field by its code name, described in tableIndex with its Danish name. Relations carry
both the other row's id and its name (an author, an institution). The CPR number: the child's
is masked (birth date + xxxx) and a guardian's is left out, unless PPR_ARCHIVE_RECEIVES_CPR says
the archive receives it in clear (README, "Arkivaflevering").
"""

import datetime
import decimal
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pypdfium2
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from lxml import etree
from PIL import Image

from cases.models import Case, Child, Guardian, JournalEntry, Ppv, Referral, RulerRating
from ppr.documents import rendering
from ppr.documents.models import Document, DocumentStatus
from rights import export
from visitation.models import Decision

NS = "http://www.sa.dk/xmlns/diark/1.0"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XS = "http://www.w3.org/2001/XMLSchema"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
INDEX_NAMES = (
    "archiveIndex",
    "tableIndex",
    "docIndex",
    "contextDocumentationIndex",
    "fileIndex",
)
#: Rendering resolution of the TIFFs (bitonal text stays readable at 200 dpi).
DPI = 200
#: Characters XML 1.0 cannot hold.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

#: (key in rights.export.collect, table name, description) in the order they are written.
TABLES = (
    ("child", "barn", "Barnet, som sagen handler om"),
    ("guardians", "foraeldre", "Barnets forældre og værger"),
    ("referrals", "indstillinger", "Indstillinger (henvisninger) til PPR om barnet"),
    ("cases", "sager", "De afleverede, lukkede PPR-sager"),
    ("journal", "journal", "Sagernes journalnotater"),
    ("ratings", "boernelineal", "Børnelinealens vurderinger af barnet"),
    ("ppvs", "ppv", "Pædagogisk psykologiske vurderinger (PPV)"),
    ("decisions", "afgoerelser", "Afgørelser om specialpædagogisk bistand"),
    ("documents", "dokumenter", "Dannede dokumenter; arkiv_dokument_id peger på docIndex"),
)


@dataclass
class Column:
    name: str
    sql_type: str
    xsd_type: str
    original: str
    nullable: bool
    description: str
    values: list[Any] = field(default_factory=list)


@dataclass
class Table:
    number: int
    name: str
    description: str
    model: type[models.Model]
    columns: list[Column]
    row_count: int
    foreign_keys: list[tuple[str, str]] = field(default_factory=list)  # (column, table)

    @property
    def folder(self) -> str:
        return f"table{self.number}"

    @property
    def namespace(self) -> str:
        return f"http://www.sa.dk/xmlns/siard/1.0/schema0/{self.folder}.xsd"


@dataclass
class Written:
    """What was written: for the delivery's row and the tests."""

    root: Path
    tables: list[Table]
    documents: dict[int, int]  # Document pk -> dID
    file_count: int
    size_bytes: int


def _el(parent: etree._Element, name: str, text: object = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = _xml_text(text)
    return element


def _xml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        aware = value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)
        return aware.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    return _NOT_XML.sub("", str(value))


def _write_xml(path: Path, root: etree._Element) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def _nsmap(default: str, **prefixed: str) -> Any:
    """A namespace map with a default namespace (lxml's key None, which its stubs refuse)."""
    return {None: default, **prefixed}


def _last_error(schema: etree.XMLSchema) -> str:
    return str(cast(Any, schema.error_log).last_error)


def _index_root(name: str) -> etree._Element:
    root = etree.Element(f"{{{NS}}}{name}", nsmap=_nsmap(NS, xsi=XSI))
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} ../Schemas/standard/{name}.xsd")
    return root


# --- Collecting the rows ----------------------------------------------------------------


def _sections(cases: Sequence[Case]) -> dict[str, tuple[type[models.Model], list[Any], list[Any]]]:
    """{key: (model, rows, records)} for the tables, from rights.export.collect per child,
    narrowed to the delivered cases where a record belongs to a case."""
    case_ids = {case.pk for case in cases}
    decided = set(
        Decision.objects.filter(application__case__in=case_ids).values_list("pk", flat=True)
    )
    keep: dict[str, Callable[[Any], bool]] = {
        "cases": lambda row: row.pk in case_ids,
        "journal": lambda row: row.case_id in case_ids,
        "ppvs": lambda row: row.case_id in case_ids,
        "decisions": lambda row: row.pk in decided,
    }
    merged: dict[str, tuple[type[models.Model], list[Any], list[Any]]] = {}
    children = {case.child_id: case.child for case in cases}
    for child in children.values():
        collected = export.collect(child)
        for section in collected.sections:
            if section.key not in {key for key, _, _ in TABLES}:
                continue
            model, rows, records = merged.setdefault(section.key, (section.model, [], []))
            test = keep.get(section.key, lambda row: True)
            for row, record in zip(section.rows, section.records, strict=True):
                if test(row):
                    rows.append(row)
                    records.append(record)
    # Documents: only those about a row that is delivered.
    kept = {
        (ContentType.objects.get_for_model(merged[key][0]).pk, row.pk)
        for key in ("referrals", "cases", "ppvs", "decisions")
        if key in merged
        for row in merged[key][1]
    }
    if "documents" in merged:
        model, rows, records = merged["documents"]
        pairs = [
            (row, record)
            for row, record in zip(rows, records, strict=True)
            if (row.content_type_id, row.object_id) in kept
        ]
        merged["documents"] = (model, [row for row, _ in pairs], [r for _, r in pairs])
    return merged


def _types(f: "models.Field[Any, Any]") -> tuple[str, str]:
    if f.is_relation or isinstance(f, models.AutoField | models.IntegerField):
        return "INTEGER", "xs:integer"
    if isinstance(f, models.BooleanField):
        return "BOOLEAN", "xs:boolean"
    if isinstance(f, models.DateTimeField):
        return "TIMESTAMP", "xs:dateTime"
    if isinstance(f, models.DateField):
        return "DATE", "xs:date"
    if isinstance(f, models.DecimalField):
        return f"DECIMAL({f.max_digits},{f.decimal_places})", "xs:decimal"
    if isinstance(f, models.FloatField):
        return "DOUBLE PRECISION", "xs:double"
    return "", "xs:string"


def _describe(f: "models.Field[Any, Any]") -> str:
    text = str(f.verbose_name).capitalize()
    if f.choices:
        codes = "; ".join(f"{code} = {label}" for code, label in f.flatchoices if code != "")
        text = f"{text} ({codes})" if codes else text
    return text


def _value(row: models.Model, f: "models.Field[Any, Any]") -> Any:
    value = getattr(row, f.attname)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _table(
    number: int,
    name: str,
    description: str,
    model: type[models.Model],
    rows: list[Any],
    records: list[dict[str, Any]],
    *,
    extra: Iterable[Column] = (),
) -> Table:
    columns: list[Column] = []
    for f in model._meta.concrete_fields:
        if f.name in export.SKIPPED_FIELDS:
            continue
        sql_type, xsd_type = _types(f)
        column = Column(
            name=f.attname if f.is_relation else ("id" if f.primary_key else f.name),
            sql_type=sql_type,
            xsd_type=xsd_type,
            original=f.get_internal_type(),
            nullable=f.null,
            description=_describe(f),
            values=[_value(row, f) for row in rows],
        )
        columns.append(column)
        if f.is_relation and f.related_model is not None:
            columns.append(
                Column(
                    name=f"{f.name}_tekst",
                    sql_type="",
                    xsd_type="xs:string",
                    original="relation",
                    nullable=True,
                    description=f"{_describe(f)}: navn eller betegnelse",
                    values=[record.get(f.name) or None for record in records],
                )
            )
    columns.extend(extra)
    for column in columns:
        if not column.sql_type:
            longest = max((len(_xml_text(v)) for v in column.values if v is not None), default=1)
            column.sql_type = f"NATIONAL CHARACTER VARYING({max(longest, 1)})"
        column.nullable = column.nullable or any(v is None for v in column.values)
    return Table(
        number=number,
        name=name,
        description=description,
        model=model,
        columns=columns,
        row_count=len(rows),
    )


def collect_tables(
    cases: Sequence[Case], *, receives_cpr: bool
) -> tuple[list[Table], list[Document]]:
    """The tables of the delivery and the documents to render, in order."""
    merged = _sections(cases)
    tables: list[Table] = []
    documents: list[Document] = []
    for number, (key, name, description) in enumerate(TABLES, start=1):
        model, rows, records = merged.get(key, (_model_of(key), [], []))
        extra: list[Column] = []
        if key == "child":
            extra.append(
                Column(
                    name="cpr",
                    sql_type="NATIONAL CHARACTER VARYING(11)",
                    xsd_type="xs:string",
                    original="CharField",
                    nullable=False,
                    description=(
                        "CPR-nummer" if receives_cpr else "CPR-nummer, maskeret (fødselsdato)"
                    ),
                    values=[row.cpr if receives_cpr else row.cpr_masked for row in rows],
                )
            )
        if key == "guardians" and receives_cpr:
            extra.append(
                Column(
                    name="cpr",
                    sql_type="NATIONAL CHARACTER VARYING(11)",
                    xsd_type="xs:string",
                    original="CharField",
                    nullable=True,
                    description="CPR-nummer (tomt, hvis det ikke er registreret)",
                    values=[row.cpr or None for row in rows],
                )
            )
        if key == "documents":
            documents = [
                row for row in rows if row.status == DocumentStatus.READY and row.file.name
            ]
            ids = {row.pk: index for index, row in enumerate(documents, start=1)}
            extra.append(
                Column(
                    name="arkiv_dokument_id",
                    sql_type="INTEGER",
                    xsd_type="xs:integer",
                    original="dID",
                    nullable=True,
                    description="Dokumentets dID i docIndex (tomt, hvis det ikke er dannet)",
                    values=[ids.get(row.pk) for row in rows],
                )
            )
        tables.append(_table(number, name, description, model, rows, records, extra=extra))
    _link(tables, merged)
    return tables, documents


def _model_of(key: str) -> type[models.Model]:
    return {
        "child": Child,
        "guardians": Guardian,
        "referrals": Referral,
        "cases": Case,
        "journal": JournalEntry,
        "ratings": RulerRating,
        "ppvs": Ppv,
        "decisions": Decision,
        "documents": Document,
    }[key]


def _link(tables: list[Table], merged: dict[str, Any]) -> None:
    """Foreign keys between delivered tables, where every value is a delivered row."""
    by_model = {table.model: table for table in tables}
    for table in tables:
        for f in table.model._meta.concrete_fields:
            target = by_model.get(f.related_model) if f.is_relation else None  # type: ignore[arg-type]  # related_model is a model class here
            if target is None or target is table:
                continue
            values = next(c.values for c in table.columns if c.name == f.attname)
            present = set(next(c.values for c in target.columns if c.name == "id"))
            if values and all(v is None or v in present for v in values):
                table.foreign_keys.append((f.attname, target.name))


# --- Writing ----------------------------------------------------------------------------


def _table_xsd(table: Table) -> etree._Element:
    schema = etree.Element(
        f"{{{XS}}}schema",
        nsmap=_nsmap(table.namespace, xs=XS),
        targetNamespace=table.namespace,
        elementFormDefault="qualified",
        attributeFormDefault="unqualified",
    )
    root = etree.SubElement(schema, f"{{{XS}}}element", name="table", type="tableType")
    del root  # the root element's declaration; its type follows
    table_type = etree.SubElement(schema, f"{{{XS}}}complexType", name="tableType")
    sequence = etree.SubElement(table_type, f"{{{XS}}}sequence")
    etree.SubElement(
        sequence,
        f"{{{XS}}}element",
        name="row",
        type="rowType",
        minOccurs="0",
        maxOccurs="unbounded",
    )
    row_type = etree.SubElement(schema, f"{{{XS}}}complexType", name="rowType")
    row_sequence = etree.SubElement(row_type, f"{{{XS}}}sequence")
    for index, column in enumerate(table.columns, start=1):
        attributes = {"name": f"c{index}", "type": column.xsd_type}
        if column.nullable:
            attributes["nillable"] = "true"
        etree.SubElement(row_sequence, f"{{{XS}}}element", attrib=attributes)
    return schema


def _table_xml(table: Table) -> etree._Element:
    root = etree.Element("table", nsmap=_nsmap(table.namespace, xsi=XSI))
    root.tag = f"{{{table.namespace}}}table"
    root.set(f"{{{XSI}}}schemaLocation", f"{table.namespace} {table.folder}.xsd")
    for row_index in range(table.row_count):
        row = etree.SubElement(root, f"{{{table.namespace}}}row")
        for index, column in enumerate(table.columns, start=1):
            cell = etree.SubElement(row, f"{{{table.namespace}}}c{index}")
            value = column.values[row_index]
            if value is None:
                cell.set(f"{{{XSI}}}nil", "true")
            else:
                cell.text = _xml_text(value)
    return root


def _table_index(tables: list[Table]) -> etree._Element:
    root = _index_root("tableIndex")
    _el(root, "version", "1.0")
    _el(root, "dbName", "ppr_sag")
    _el(root, "databaseProduct", settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1])
    tables_el = _el(root, "tables")
    for table in tables:
        el = _el(tables_el, "table")
        _el(el, "name", table.name)
        _el(el, "folder", table.folder)
        _el(el, "description", table.description)
        columns = _el(el, "columns")
        for index, column in enumerate(table.columns, start=1):
            col = _el(columns, "column")
            _el(col, "name", column.name)
            _el(col, "columnID", f"c{index}")
            _el(col, "type", column.sql_type)
            _el(col, "typeOriginal", column.original)
            _el(col, "nullable", column.nullable)
            _el(col, "description", column.description)
        key = _el(el, "primaryKey")
        _el(key, "name", f"pk_{table.name}")
        _el(key, "column", "id")
        if table.foreign_keys:
            keys = _el(el, "foreignKeys")
            for column_name, target in table.foreign_keys:
                fk = _el(keys, "foreignKey")
                _el(fk, "name", f"fk_{table.name}_{column_name}")
                _el(fk, "referencedTable", target)
                reference = _el(fk, "reference")
                _el(reference, "column", column_name)
                _el(reference, "referenced", "id")
        _el(el, "rows", table.row_count)
    return root


def pdf_to_tiff(pdf: bytes, target: Path) -> int:
    """Write ``pdf`` as a multi-page bitonal TIFF (CCITT group 4); return its page count."""
    document = pypdfium2.PdfDocument(pdf)
    pages: list[Image.Image] = []
    try:
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(scale=DPI / 72, grayscale=True)
            grey = bitmap.to_pil().convert("L")
            pages.append(grey.point(lambda v: 255 if v > 160 else 0, mode="1"))
            page.close()
    finally:
        document.close()
    target.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(
        target,
        format="TIFF",
        save_all=True,
        append_images=pages[1:],
        compression="group4",
        dpi=(DPI, DPI),
    )
    return len(pages)


def _archive_index(av_id: str, cases: Sequence[Case], receives_cpr: bool) -> etree._Element:
    root = _index_root("archiveIndex")
    closed = [timezone.localdate(case.closed_at) for case in cases if case.closed_at]
    opened = [timezone.localdate(case.opened_at) for case in cases]
    _el(root, "archiveInformationPackageID", f"{av_id}.1")
    _el(root, "archivePeriodStart", min(opened))
    _el(root, "archivePeriodEnd", max(closed or opened))
    _el(root, "archiveInformationPacketType", True)
    _el(root, "archiveType", True)
    _el(root, "systemName", "PPR Sag")
    _el(
        root,
        "systemPurpose",
        "Sagsbehandling i Pædagogisk Psykologisk Rådgivning: indstillinger, sager, "
        "journal, pædagogisk psykologiske vurderinger og afgørelser om specialpædagogisk bistand.",
    )
    _el(
        root,
        "systemContent",
        "Lukkede PPR-sager om børn med barnet, forældre og værger, indstillinger, journal, "
        "Børnelineal, PPV, afgørelser og de dannede dokumenter.",
    )
    _el(root, "komNum", False)
    _el(root, "cprNum", receives_cpr)
    _el(root, "cvrNum", False)
    _el(root, "containsDigitalDocuments", True)
    _el(root, "searchRelatedOtherRecords", False)
    _el(root, "systemFileConcept", True)
    _el(root, "multipleDataCollection", False)
    _el(root, "personalDataRestrictedInfo", True)
    _el(root, "archiveApproval", settings.PPR_ARCHIVE_RECIPIENT)
    return root


def _context_index(today: datetime.date) -> etree._Element:
    root = _index_root("contextDocumentationIndex")
    document = _el(root, "document")
    _el(document, "documentID", 1)
    _el(document, "documentTitle", "Systembeskrivelse af PPR Sag")
    _el(
        document,
        "documentDescription",
        "Kort beskrivelse af systemets formål, tabeller og dokumenter i arkiveringsversionen.",
    )
    _el(document, "documentDate", today)
    authors = _el(document, "documentAuthors")
    author = _el(authors, "documentAuthor")
    _el(author, "authorName", "PPR Sag")
    _el(author, "authorInstitution", settings.PPR_ARCHIVE_RECIPIENT)
    _el(document, "documentCategory", "systemInformation")
    return root


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest().upper()


def _file_index(root: Path) -> etree._Element:
    index = _index_root("fileIndex")
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root.parent)
        if relative.parts[1:] == ("Indices", "fileIndex.xml"):
            continue
        entry = _el(index, "f")
        _el(entry, "foN", "\\".join(relative.parts[:-1]))
        _el(entry, "fiN", relative.name)
        _el(entry, "md5", _md5(path))
    return index


def write(*, av_id: str, cases: Sequence[Case], target: Path, receives_cpr: bool) -> Written:
    """Write the arkiveringsversion of ``cases`` to ``target`` (the ``<AVID>.1`` folder)."""
    tables, documents = collect_tables(cases, receives_cpr=receives_cpr)
    for table in tables:
        folder = target / "Tables" / table.folder
        _write_xml(folder / f"{table.folder}.xsd", _table_xsd(table))
        _write_xml(folder / f"{table.folder}.xml", _table_xml(table))
    _write_xml(target / "Indices" / "tableIndex.xml", _table_index(tables))

    doc_index = _index_root("docIndex")
    ids: dict[int, int] = {}
    for did, document in enumerate(documents, start=1):
        with document.file.open("rb") as handle:
            pdf = handle.read()
        pdf_to_tiff(pdf, target / "Documents" / "docCollection1" / str(did) / "1.tif")
        ids[document.pk] = did
        doc = _el(doc_index, "doc")
        _el(doc, "dID", did)
        _el(doc, "mID", 1)
        _el(doc, "dCf", "docCollection1")
        _el(doc, "oFn", f"{document.kind}-{document.pk}.pdf")
        _el(doc, "aFt", "tif")
    (target / "Documents" / "docCollection1").mkdir(parents=True, exist_ok=True)
    _write_xml(target / "Indices" / "docIndex.xml", doc_index)

    today = timezone.localdate()
    description = rendering.render(
        "archive/system_description_pdf.html",
        {"title": "Systembeskrivelse af PPR Sag", "tables": tables, "av_id": f"{av_id}.1"},
    )
    pdf_to_tiff(
        description.content, target / "ContextDocumentation" / "docCollection1" / "1" / "1.tif"
    )
    _write_xml(target / "Indices" / "contextDocumentationIndex.xml", _context_index(today))
    _write_xml(target / "Indices" / "archiveIndex.xml", _archive_index(av_id, cases, receives_cpr))
    standard = target / "Schemas" / "standard"
    standard.mkdir(parents=True, exist_ok=True)
    for name in INDEX_NAMES:
        (standard / f"{name}.xsd").write_bytes((SCHEMAS / f"{name}.xsd").read_bytes())
    _write_xml(target / "Indices" / "fileIndex.xml", _file_index(target))
    files = [p for p in target.rglob("*") if p.is_file()]
    return Written(
        root=target,
        tables=tables,
        documents=ids,
        file_count=len(files),
        size_bytes=sum(p.stat().st_size for p in files),
    )


# --- Checking ---------------------------------------------------------------------------


def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def validate(target: Path) -> list[str]:
    """Every problem of the arkiveringsversion at ``target``: indices against our schemas (and
    Rigsarkivet's in PPR_ARCHIVE_OFFICIAL_XSD_DIR, when set), tables against their XSDs, and
    every file against its checksum in fileIndex. Empty when it is sound."""
    problems: list[str] = []
    official = settings.PPR_ARCHIVE_OFFICIAL_XSD_DIR
    for name in INDEX_NAMES:
        document = etree.parse(str(target / "Indices" / f"{name}.xml"))
        schemas = [SCHEMAS / f"{name}.xsd"]
        if official:
            schemas.append(Path(official) / f"{name}.xsd")
        for schema_path in schemas:
            schema = _schema(schema_path)
            if not schema.validate(document):
                problems.append(f"{name}.xml mod {schema_path}: {_last_error(schema)}")
    for table_dir in sorted((target / "Tables").iterdir()):
        schema = _schema(table_dir / f"{table_dir.name}.xsd")
        document = etree.parse(str(table_dir / f"{table_dir.name}.xml"))
        if not schema.validate(document):
            problems.append(f"{table_dir.name}.xml: {_last_error(schema)}")
    listed = etree.parse(str(target / "Indices" / "fileIndex.xml"))
    seen = set()
    for entry in listed.getroot():
        folder, name, md5 = (child.text or "" for child in entry)
        path = target.parent.joinpath(*folder.split("\\"), name)
        seen.add(path)
        if not path.is_file():
            problems.append(f"{folder}\\{name} findes ikke")
        elif _md5(path) != md5:
            problems.append(f"{folder}\\{name}: forkert kontrolsum")
    for path in target.rglob("*"):
        if path.is_file() and path not in seen and path.name != "fileIndex.xml":
            problems.append(f"{path.relative_to(target)} mangler i fileIndex")
    return problems
