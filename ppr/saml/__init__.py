"""Staff sign-in through KOMBIT's Fælleskommunal Adgangsstyring (Context Handler 2, OIOSAML 3).

``config`` reads the ``PPR_SAML_*`` settings into python3-saml's settings, ``privileges`` parses
the OIO Basic Privilege Profile, ``sp`` builds the AuthnRequest and checks the Response, and
``views`` serves the SP's metadata, login redirect and Assertion Consumer Service. What the
assertion's roles become in PPR Sag is decided in ``ppr.accounts.sso`` (the PPR leader's
mapping). docs/saml.md records the library decision.
"""
