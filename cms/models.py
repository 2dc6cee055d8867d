"""Page types of the public site and the office-wide site settings."""

from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from . import cache
from .blocks import RICH_TEXT_FEATURES, BodyBlock, DownloadsBlock, TopTaskBlock, VideoBlock
from .constants import Conformance, EvaluationMethod, Service, Weekday
from .routing import routed_ancestors, site_for_request
from .selectors import private_sections, public, service_url


class HoursBlock(blocks.StructBlock):
    weekday = blocks.ChoiceBlock(label=_("Weekday"), choices=Weekday.choices)
    opens = blocks.TimeBlock(label=_("From"))
    closes = blocks.TimeBlock(label=_("Until"))

    class Meta:
        icon = "time"
        label = _("Time slot")


def _footer_page(model: str, verbose_name) -> models.ForeignKey:
    """A page the footer of every page links to, chosen in the office settings."""
    return models.ForeignKey(
        model,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


#: Where an office has not written its own (NRW: action straight to the administrative court).
DEFAULT_LEGAL_REMEDY = (
    "Gegen diesen Bescheid können Sie innerhalb eines Monats nach seiner Bekanntgabe Klage "
    "beim Verwaltungsgericht erheben, in dessen Bezirk die Behörde ihren Sitz hat. Die Klage "
    "ist schriftlich oder zur Niederschrift der Urkundsbeamtin oder des Urkundsbeamten der "
    "Geschäftsstelle des Gerichts zu erheben; sie kann auch als elektronisches Dokument nach "
    "Maßgabe des § 55a der Verwaltungsgerichtsordnung eingereicht werden."
)


@register_setting(icon="site")
class OfficeSettings(BaseSiteSetting):
    """Facts about the office shown in header, footer and contact boxes of every page."""

    office_name = models.CharField(_("office name"), max_length=150)
    street = models.CharField(_("street and number"), max_length=150, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone_hours = StreamField(
        [("slot", HoursBlock())], verbose_name=_("phone hours"), blank=True, default=list
    )
    opening_hours = StreamField(
        [("slot", HoursBlock())], verbose_name=_("opening hours"), blank=True, default=list
    )
    accepts_girocard = models.BooleanField(_("girocard (EC card)"), default=True)
    accepts_credit_card = models.BooleanField(_("credit card"), default=False)
    accepts_cash = models.BooleanField(_("cash"), default=False)
    towns = models.TextField(
        _("towns whose Bürgerbüro accepts applications"),
        blank=True,
        help_text=_("One town per line."),
    )
    legal_remedy = models.TextField(
        _("instructions on legal remedies (Rechtsbehelfsbelehrung)"),
        blank=True,
        default=DEFAULT_LEGAL_REMEDY,
        help_text=_(
            "Printed under every refusal and grant notice, in German. Name the remedy your "
            "Land provides (objection or action), the authority or court with its address and "
            "the period. Blank lines separate paragraphs."
        ),
    )
    legal_notice_page = _footer_page("cms.LegalPage", _("legal notice (Impressum)"))
    privacy_page = _footer_page("cms.LegalPage", _("privacy statement (Datenschutzerklärung)"))
    accessibility_page = _footer_page(
        "cms.AccessibilityStatementPage",
        _("accessibility statement (Erklärung zur Barrierefreiheit)"),
    )
    easy_language_page = _footer_page("cms.LegalPage", _("easy-to-read German (Leichte Sprache)"))
    sign_language_page = _footer_page("cms.SignLanguagePage", _("German Sign Language (DGS)"))

    panels = [
        FieldPanel("office_name"),
        MultiFieldPanel(
            [
                FieldPanel("street"),
                FieldPanel("postcode"),
                FieldPanel("city"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading=_("Address and contact"),
        ),
        FieldPanel("phone_hours"),
        FieldPanel("opening_hours"),
        MultiFieldPanel(
            [
                FieldPanel("accepts_girocard"),
                FieldPanel("accepts_credit_card"),
                FieldPanel("accepts_cash"),
            ],
            heading=_("Payment methods"),
        ),
        FieldPanel("towns"),
        FieldPanel("legal_remedy"),
        MultiFieldPanel(
            [
                FieldPanel("legal_notice_page"),
                FieldPanel("privacy_page"),
                FieldPanel("accessibility_page"),
                FieldPanel("easy_language_page"),
                FieldPanel("sign_language_page"),
            ],
            heading=_("Footer: legal and accessibility pages"),
            help_text=_(
                "Linked from the footer of every page, in the visitor's language where a "
                "translation exists."
            ),
        ),
    ]

    class Meta:
        verbose_name = _("office settings")

    def __str__(self) -> str:
        return self.office_name

    @classmethod
    def for_request(cls, request):
        """The settings of the request's site, kept in the cache until they change.

        Every public page shows them; editing still reads them afresh (``for_site``).
        """
        attr_name = cls.get_cache_attr_name()
        if not hasattr(request, attr_name):
            site = site_for_request(request)
            if site is None:
                return super().for_request(request)
            instance = cache.remember(
                f"office-settings:{site.pk}", lambda: cls.for_site(site), across_publishes=True
            )
            instance._request = request
            setattr(request, attr_name, instance)
        return getattr(request, attr_name)

    @property
    def town_list(self) -> list[str]:
        return [line.strip() for line in self.towns.splitlines() if line.strip()]

    @property
    def payment_methods(self) -> list[str]:
        methods = []
        if self.accepts_girocard:
            methods.append(_("girocard (EC card)"))
        if self.accepts_credit_card:
            methods.append(_("credit card"))
        if self.accepts_cash:
            methods.append(_("cash"))
        return methods


class PublicPage(Page):
    """What the public site's page types share."""

    class Meta:
        abstract = True

    def route(self, request, path_components):
        """Wagtail's routing, reading a child of the usual page type in one query.

        Wagtail reads the child by slug and then its own fields (two queries per level); the
        child type most pages here have is tried first with both at once. A child of another
        type, or none, goes through Wagtail's own lookup.
        """
        child_type = self.usual_child_type()
        if path_components and child_type is not None:
            child = child_type.objects.child_of(self).filter(slug=path_components[0]).first()
            if child is not None:
                child._cached_parent_obj = self
                return child.route(request, path_components[1:])
        return super().route(request, path_components)

    @classmethod
    def usual_child_type(cls):
        """The page type most children have, if any (the first of ``subpage_types``)."""
        types = cls.allowed_subpage_models()
        return types[0] if types and issubclass(types[0], PublicPage) else None

    def get_view_restrictions(self):
        """Wagtail's restrictions of this page, asked of the database only where some may apply.

        No restriction applies when no page has one, or when neither the page nor an ancestor
        is an alias (whose source could be restricted elsewhere) and no restricted page lies
        on the page's path.
        """
        sections = private_sections()
        if not sections:
            return PageViewRestriction.objects.none()
        ancestors = routed_ancestors(self)
        if (
            ancestors is not None
            and self.alias_of_id is None
            and all(a.alias_of_id is None for a in ancestors)
            and not any(self.path.startswith(path) for path, _depth in sections)
        ):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(PublicPage):
    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    top_tasks = StreamField(
        [("task", TopTaskBlock())],
        verbose_name=_("top tasks"),
        blank=True,
        default=list,
        max_num=6,
    )
    news_count = models.PositiveSmallIntegerField(_("number of news items shown"), default=3)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("top_tasks"),
        FieldPanel("news_count"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "cms.TopicPage",
        "cms.NewsIndexPage",
        "cms.DownloadsPage",
        "cms.LegalPage",
        "cms.AccessibilityStatementPage",
        "cms.SignLanguagePage",
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Pages that a tile already links to are not listed again; a tile that leads to a
        # service does not link its page, so that page stays in the list.
        task_keys = {
            block.value["page"].translation_key
            for block in self.top_tasks
            if block.value["page"] and not block.value.get("service")
        }
        news = NewsPage.objects.live().descendant_of(self).order_by("-date", "-pk")
        context["latest_news"] = public(news, request)[: self.news_count]
        context["news_index"] = NewsIndexPage.objects.live().child_of(self).first()
        topics = TopicPage.objects.live().child_of(self).exclude(translation_key__in=task_keys)
        context["topics"] = public(topics, request)
        return context


class TopicPage(PublicPage):
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("One or two sentences shown in lists.")
    )
    service = models.CharField(
        _("online service"),
        max_length=20,
        choices=Service.choices,
        blank=True,
        help_text=_("Shown below the introduction as a prominent link to the online service."),
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True, default=list)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("service"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.TopicPage"]
    subpage_types = ["cms.TopicPage"]

    class Meta:
        verbose_name = _("topic page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["subtopics"] = self.subtopic_links(request) if self.numchild else []
        context["service_url"] = (
            service_url(self.service, self.locale.language_code) if self.service else None
        )
        return context

    def subtopic_links(self, request) -> list[dict]:
        """Title, introduction and address of the public subtopics, kept until the next
        publish (like the main menu)."""

        def links():
            pages = public(TopicPage.objects.live().child_of(self), request)
            return [{"title": p.title, "intro": p.intro, "url": p.get_url(request)} for p in pages]

        return cache.remember(f"subtopics:{self.pk}", links)


class NewsIndexPage(PublicPage):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = NewsPage.objects.live().child_of(self).order_by("-date", "-pk")
        context["news"] = Paginator(public(news, request), 10).get_page(request.GET.get("page"))
        return context


class NewsPage(PublicPage):
    date = models.DateField(_("date"), default=timezone.localdate)
    teaser = models.TextField(_("teaser"), help_text=_("Shown in news lists."))
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True, default=list)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("teaser"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("teaser"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news item")


class DownloadsPage(PublicPage):
    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(DownloadsBlock(), verbose_name=_("downloads"), blank=True, default=list)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("downloads page")


class LegalPage(Page):
    """A page linked from the footer: legal notice, privacy statement, Leichte Sprache."""

    intro = models.TextField(_("introduction"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True, default=list)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("footer page (legal notice, privacy, Leichte Sprache)")


class AccessibilityStatementPage(Page):
    """The Erklärung zur Barrierefreiheit that BITV 2.0 (§ 7) requires of public websites.

    The mandatory parts are fields, so that none can be left out: how far the site complies,
    what is not accessible, when and how the statement was made, a feedback contact and the
    enforcement procedure.
    """

    intro = models.TextField(_("introduction"), blank=True)
    conformance = models.CharField(
        _("compliance"),
        max_length=10,
        choices=Conformance.choices,
        default=Conformance.PARTIAL,
    )
    non_accessible = RichTextField(
        _("content that is not accessible"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Each barrier, why it exists and which accessible alternative there is."),
    )
    prepared_on = models.DateField(_("statement prepared on"), default=timezone.localdate)
    reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    method = models.CharField(
        _("evaluation"),
        max_length=20,
        choices=EvaluationMethod.choices,
        default=EvaluationMethod.SELF,
    )
    method_details = models.TextField(
        _("how the site was evaluated"),
        blank=True,
        help_text=_("e.g. which pages were tested, with which tools and by whom."),
    )
    feedback_text = RichTextField(
        _("feedback"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("How visitors report barriers and how soon they get an answer."),
    )
    feedback_email = models.EmailField(
        _("feedback e-mail"),
        blank=True,
        help_text=_("Empty: the office's e-mail address from the office settings."),
    )
    feedback_phone = models.CharField(
        _("feedback phone"),
        max_length=40,
        blank=True,
        help_text=_("Empty: the office's phone number from the office settings."),
    )
    enforcement = RichTextField(
        _("enforcement procedure"),
        features=RICH_TEXT_FEATURES,
        help_text=_(
            "Where visitors turn when their feedback was not answered satisfactorily "
            "(Schlichtungsverfahren / Durchsetzungsverfahren), with address and website."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("conformance"), FieldPanel("non_accessible")],
            heading=_("Compliance"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("prepared_on"),
                FieldPanel("reviewed_on"),
                FieldPanel("method"),
                FieldPanel("method_details"),
            ],
            heading=_("Preparation of this statement"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("feedback_text"),
                FieldPanel("feedback_email"),
                FieldPanel("feedback_phone"),
            ],
            heading=_("Feedback and contact"),
        ),
        FieldPanel("enforcement"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("non_accessible"),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("accessibility statement")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        office = OfficeSettings.for_request(request) if request is not None else None
        context["feedback_email"] = self.feedback_email or (office.email if office else "")
        context["feedback_phone"] = self.feedback_phone or (office.phone if office else "")
        return context


class SignLanguagePage(Page):
    """Information in German Sign Language (DGS): videos served from this site, each with
    captions and a text version (BITV 2.0 § 4)."""

    intro = models.TextField(_("introduction"), blank=True)
    videos = StreamField(
        [("video", VideoBlock())], verbose_name=_("videos"), blank=True, default=list
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True, default=list)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("videos"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("videos"),
    ]

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("German Sign Language page")


class PublishingSchedule(models.Model):
    """The state of scheduled publishing (one row): the lease of the run in progress and what
    the last run did. See :mod:`cms.scheduling`."""

    lease_until = models.DateTimeField(_("run in progress until"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last run started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last run finished"), null=True, blank=True)
    last_published = models.PositiveIntegerField(_("pages published by the last run"), default=0)
    last_unpublished = models.PositiveIntegerField(
        _("pages unpublished by the last run"), default=0
    )
    last_error = models.TextField(_("error of the last run"), blank=True)

    class Meta:
        verbose_name = _("scheduled publishing")
        verbose_name_plural = _("scheduled publishing")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class SourceContentChange(models.Model):
    """When a German page's content last changed (one row per German page that was published).

    ``last_published_at`` moves with every publication, also one that changes nothing (e.g. a
    page published again to fix its schedule); translations compare with this instead, so they
    only count as outdated when there is something to take over (:mod:`cms.translations`)."""

    page = models.OneToOneField(Page, on_delete=models.CASCADE, primary_key=True, related_name="+")
    content_hash = models.CharField(max_length=64)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("content change of a German page")
        verbose_name_plural = _("content changes of German pages")

    def __str__(self) -> str:
        return f"{self.page_id} @ {self.changed_at:%Y-%m-%d %H:%M}"
