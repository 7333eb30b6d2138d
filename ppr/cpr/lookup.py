"""The CPR lookup's interface: what a lookup answers, and the configured implementation.

A lookup answers a ``Person`` (found; possibly deceased, possibly with name and address
protection) or raises ``PersonNotFound``; a service that cannot answer (down, a timeout, a
fault, an answer we cannot read) raises ``CprServiceDown`` so the caller falls back to typing
by hand. No CPR number is ever put into an exception's text or a log line.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol


class CprServiceDown(Exception):
    """The CPR service did not answer usefully; the user types the data by hand."""


class PersonNotFound(Exception):
    """The CPR register has no person with this number."""


class CustodyKind(StrEnum):
    """Who holds forældremyndighed, as SF1520's ``foraeldremyndighedtype`` says (3-6)."""

    MOTHER = "mor"
    FATHER = "far"
    OTHER = "anden"


@dataclass(frozen=True)
class Address:
    street: str = ""
    postcode: str = ""
    district: str = ""
    co_name: str = ""

    def __str__(self) -> str:
        line = ", ".join(
            part for part in (f"c/o {self.co_name}" if self.co_name else "", self.street) if part
        )
        town = " ".join(part for part in (self.postcode, self.district) if part)
        return ", ".join(part for part in (line, town) if part)


@dataclass(frozen=True)
class CustodyHolder:
    """One custody holder of the looked-up person: their CPR number and what kind."""

    cpr: str
    kind: CustodyKind


@dataclass(frozen=True)
class Person:
    cpr: str
    first_name: str
    last_name: str
    birth_date: date | None
    address: Address | None = None
    #: Navne- og adressebeskyttelse (``adressebeskyttelse/beskyttet`` in force today).
    protected: bool = False
    deceased: bool = False
    custody: list[CustodyHolder] = field(default_factory=list)

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def shown_address(self) -> str:
        """The address, or "" when it is protected (it is then neither shown nor stored)."""
        return "" if self.protected or self.address is None else str(self.address)


class CprLookup(Protocol):
    @property
    def name(self) -> str: ...

    def lookup(self, cpr: str) -> Person:
        """The person with this 10-digit CPR number; raises PersonNotFound or CprServiceDown."""
        ...
