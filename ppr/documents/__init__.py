"""Stored documents and PDF rendering, shared by every domain document (PPV, notat, referat…).

How a domain app uses it (ppr/ never imports the domain apps; the domain calls in):

1. The subject model (e.g. ``PPV``, ``Note``) defines ``can_download(user) -> bool`` and says
   whose child it concerns (``audit_child_id`` / ``audit_institution_id``, e.g. through the
   ``ppr.audit.audited.Audited`` mixin). A subject without ``can_download`` is downloadable
   by nobody (404).
2. Its template extends ``documents/pdf_base.html`` (blocks ``title``, ``content``,
   ``signature``; the context names ``title`` and ``subject_line`` — the child's name and
   masked CPR as one string). ``documents/example.html`` shows the parts.
3. The finalising service calls, in its transaction::

       request_pdf(subject=ppv, kind=DocumentKind.PPV, title="PPV, version 2",
                   template_name="cases/ppv_pdf.html", context={...}, by=user, version=2)

   The context holds JSON primitives only and never a full CPR number (refused). The PDF is
   rendered after commit by ``tasks.render_document`` on the ``pdf`` queue; one document per
   subject, kind and version, so ordering the same version again is a no-op.
4. The domain page includes ``{% include "documents/_status.html" with document=doc %}``:
   it polls while the PDF is made, then links to the audited download
   (``documents:document-download``), or offers "Prøv igen" to whoever ordered it.
   ``Document.objects.for_subject(obj)`` lists a subject's documents, newest version first.
5. To appear on the "Dokumenter" page (``documents:document-list``, PPV and notat kinds), the
   subject's queryset also defines ``printable_for(user)``: the same rule as ``can_download``
   as one queryset. ``Document.objects.printable_for(user)`` joins those into one SQL filter
   (constant query count); a subject without it is never listed (deny by default).
"""
