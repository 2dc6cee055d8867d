"""StreamField blocks of the public site: each block has an icon, a template and a description.

Editors build topic pages from these: plain text, what to bring, what it costs, what to watch
out for, how the procedure runs and whom to call.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from .constants import CONTENT_LANGUAGES, Service

#: Each ``lang-xx`` feature (cms/wagtail_hooks.py) marks a passage as written in that language.
RICH_TEXT_FEATURES = [
    "h2",
    "h3",
    "bold",
    "italic",
    "ol",
    "ul",
    "link",
    "document-link",
    *(f"lang-{code}" for code, _name in CONTENT_LANGUAGES),
]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)

    class Meta:
        icon = "title"
        template = "cms/blocks/heading_block.html"
        label = _("Heading")
        description = _("A section heading (level 2) that also appears in the page outline.")


class ChecklistItemBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Document"), max_length=250)
    note = blocks.CharBlock(label=_("Note"), required=False, max_length=250)


class DocumentChecklistBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    items = blocks.ListBlock(ChecklistItemBlock(), label=_("Documents"), min_num=1)
    footnote = blocks.CharBlock(label=_("Footnote"), required=False, max_length=300)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/document_checklist_block.html"
        label = _("Document checklist")
        description = _("The documents an applicant has to bring, as a tick list.")


class FeeRowBlock(blocks.StructBlock):
    service = blocks.CharBlock(label=_("Service"), max_length=200)
    amount = blocks.DecimalBlock(label=_("Amount in EUR"), min_value=0, decimal_places=2)
    note = blocks.CharBlock(label=_("Note"), required=False, max_length=250)


class FeeTableBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    rows = blocks.ListBlock(FeeRowBlock(), label=_("Fees"), min_num=1)
    footnote = blocks.CharBlock(label=_("Footnote"), required=False, max_length=300)

    class Meta:
        icon = "table"
        template = "cms/blocks/fee_table_block.html"
        label = _("Fee table")
        description = _("Fees per service in euros, with an optional note per row.")


class NoticeBlock(blocks.StructBlock):
    level = blocks.ChoiceBlock(
        label=_("Kind"),
        choices=[("info", _("Information")), ("warning", _("Warning"))],
        default="info",
    )
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "cms/blocks/notice_block.html"
        label = _("Notice")
        description = _("A highlighted box for important information or a warning.")


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=150)
    text = blocks.RichTextBlock(label=_("Explanation"), features=RICH_TEXT_FEATURES)


class ProcedureBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "cms/blocks/procedure_block.html"
        label = _("Step-by-step procedure")
        description = _("The procedure as numbered steps, from application to card.")


class ContactBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False)
    show_phone_hours = blocks.BooleanBlock(
        label=_("Show phone hours"), required=False, default=True
    )
    show_opening_hours = blocks.BooleanBlock(
        label=_("Show opening hours"), required=False, default=False
    )

    class Meta:
        icon = "mail"
        template = "cms/blocks/contact_block.html"
        label = _("Contact and phone hours")
        description = _(
            "The office's address, phone, e-mail and hours, taken from the office settings."
        )


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    description = blocks.CharBlock(label=_("Description"), required=False, max_length=250)
    language = blocks.ChoiceBlock(
        label=_("Language of the document"),
        choices=CONTENT_LANGUAGES,
        default="de",
        help_text=_(
            "Its title is marked with this language, so that screen readers pronounce it "
            "correctly; visitors of other languages see which language it is in."
        ),
    )

    class Meta:
        icon = "doc-full"
        template = "cms/blocks/download_block.html"
        label = _("Download")
        description = _("A form or leaflet to download, with its file type and size.")


class VideoBlock(blocks.StructBlock):
    """A video served from this site (no external player), with captions and a text version."""

    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    video = DocumentChooserBlock(
        label=_("Video file"), help_text=_("A WebM or MP4 file uploaded to the documents.")
    )
    captions = DocumentChooserBlock(
        label=_("Captions (WebVTT)"),
        required=False,
        help_text=_("A .vtt file with the spoken or signed content as text, in German."),
    )
    transcript = blocks.RichTextBlock(
        label=_("Text version"),
        features=RICH_TEXT_FEATURES,
        help_text=_("What the video says, for everyone who cannot watch it."),
    )

    class Meta:
        icon = "media"
        template = "cms/blocks/video_block.html"
        label = _("Video")
        description = _("A video with captions and its content as text.")


class TopTaskBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=60)
    text = blocks.CharBlock(label=_("Short text"), required=False, max_length=160)
    service = blocks.ChoiceBlock(
        label=_("Online service"),
        choices=Service.choices,
        required=False,
        help_text=_(
            "Links straight to the online service in the page's language; "
            "takes precedence over page and address."
        ),
    )
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or address"),
        required=False,
        max_length=300,
        help_text=_("Used when neither a service nor a page is chosen."),
    )

    class Meta:
        icon = "pick"
        template = "cms/blocks/top_task_block.html"
        label = _("Top task")
        description = _("A prominent link to one of the most frequent tasks on the home page.")


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="cms/blocks/text_block.html",
        description=_("Formatted running text."),
    )
    checklist = DocumentChecklistBlock()
    fees = FeeTableBlock()
    notice = NoticeBlock()
    procedure = ProcedureBlock()
    contact = ContactBlock()

    class Meta:
        block_counts = {"contact": {"max_num": 1}}


class DownloadsBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    text = blocks.RichTextBlock(
        label=_("Text"),
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="cms/blocks/text_block.html",
        description=_("Formatted running text."),
    )
    download = DownloadBlock()
