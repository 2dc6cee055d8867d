from django import forms
from django.utils.translation import gettext_lazy as _

from casework.models import Department

#: Larger files belong on the command line (``manage.py import_register``).
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Export of the earlier register (CSV or XLSX)"),
        help_text=_("One row per document of a person; the columns are listed below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    department = forms.ModelChoiceField(
        label=_("Responsible department"),
        queryset=Department.objects.order_by("name"),
        help_text=_("The department whose staff read the imported records."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 200 MB: import it on the command line.")
            )
        return upload
