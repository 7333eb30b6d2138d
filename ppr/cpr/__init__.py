"""CPR lookup: a person's name, birth date, address, custody holders and protection.

``lookup.py`` is the interface the domain apps use (``get_lookup()`` returns the configured
implementation, or ``None`` when the lookup is off); ``sf1520.py`` speaks Serviceplatformen's
SF1520 PersonBaseDataExtended (SOAP 1.1, the municipality's certificate over TLS);
``standin.py`` is the local SOAP service that answers like it, for the demo and the tests.
Configured by the ``PPR_CPR_*`` environment variables (README, "Environment variables",
``PPR_CPR_LOOKUP``), off by default.

What was checked against what: the request's and the answer's element names, their namespaces
and their order, the status code 90 (dead), the custody types 3-6 and the protection's
``beskyttet``/``startdato``/``slutdato`` follow the public SF1520 PersonBaseDataExtended
version 4 service contract (read, not copied: PersonBaseDataExtendedServiceMsg.xsd and
...ServiceTypes.xsd, as published in itk-dev/serviceplatformen). Only the stand-in has answered
this code: no call has reached Serviceplatformen. Believed, not confirmed by a public source:
the order of the ``InvocationContext`` children, and that "not found" comes as a SOAP fault whose
text says so (``sf1520.NOT_FOUND_WORDS``; an answer without ``persondata`` counts as not found
too).
"""
