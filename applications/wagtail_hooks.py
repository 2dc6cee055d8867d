"""The applicant's uploads in the back office's case file (casework does not import this app)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component


class UploadedDocumentsPanel(Component):
    """The files uploaded with the online application, each opened through the checked view."""

    name = "uploads"
    title = _("Uploaded documents")
    order = 40
    #: Like the document checklist, not shown to the Service Point.
    full_file_only = True
    template_name = "applications/staff/case_file_panel.html"

    def __init__(self, case, documents) -> None:
        self.case = case
        self.documents = documents

    def get_context_data(self, parent_context=None):
        return {"case": self.case, "documents": self.documents}


@hooks.register("casework_case_file_panels")
def uploaded_documents_panel(request, case):
    # From the checklist the case file has read already (no query of its own).
    documents = sorted((d for d in case.documents.all() if d.file), key=lambda d: d.pk)
    if not documents:
        return None
    return UploadedDocumentsPanel(case, documents)
