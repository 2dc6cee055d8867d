"""Demo content of the public site: locales, site, settings, pages in four languages, editors.

Idempotent: what exists is left alone, what is missing is created. Called by ``load_demo``.
"""

import json
from datetime import date, time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.search.backends import get_search_backend

from . import demo_content as content
from .models import (
    AccessibilityStatementPage,
    DownloadsPage,
    HomePage,
    LegalPage,
    NewsIndexPage,
    NewsPage,
    OfficeSettings,
    SignLanguagePage,
    TopicPage,
)

LANGUAGES = ["de", "en", "uk", "ru"]
PAGE_TYPES = {
    "HomePage": HomePage,
    "TopicPage": TopicPage,
    "NewsIndexPage": NewsIndexPage,
    "NewsPage": NewsPage,
    "DownloadsPage": DownloadsPage,
    "LegalPage": LegalPage,
    "AccessibilityStatementPage": AccessibilityStatementPage,
    "SignLanguagePage": SignLanguagePage,
}
#: Footer pages (legal notice, privacy, accessibility, Leichte Sprache, DGS) and their media.
FOOTER_DATA = Path(__file__).resolve().parent / "demo_data"
EDITORS = "Editors"
MODERATORS = "Moderators"
WORKFLOW_NAME = "Freigabe durch die Redaktionsleitung"
TASK_NAME = "Freigabe Redaktionsleitung"
DEMO_PASSWORD = "demo"  # noqa: S105 - local demo logins, documented in the README
USERS = [
    ("editor", "Erika", "Redakteurin", EDITORS),
    ("redaktionsleitung", "Rainer", "Redaktionsleiter", MODERATORS),
]


def load(*, stdout, style) -> None:
    with transaction.atomic():
        locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
        _tree_roots(locales["de"])
        documents = _documents()
        pages = _german_pages(documents)
        _site(pages["home"])
        _office_settings()
        for code in LANGUAGES[1:]:
            _translate(pages, locales[code], content.CONTENT[code], documents)
        _footer_pages(pages["home"], locales)
        _groups_and_workflow()
        _users()
        _index_pages()
    stdout.write(style.SUCCESS(f"  public site: {len(pages)} pages in {len(LANGUAGES)} languages"))


def _index_pages() -> None:
    """Index the public pages now; on save Wagtail only queues the work for a task worker."""
    backend = get_search_backend()
    for model in PAGE_TYPES.values():
        backend.add_bulk(model, model.objects.all())


def _tree_roots(locale: Locale) -> None:
    """Wagtail's migrations create the page and collection roots; a flushed test database
    (or a restored dump without them) may lack them."""
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale, live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def _stream(blocks: list) -> str:
    return json.dumps(blocks)


def _fields(key: str, kind: str, text: dict, pages: dict, documents: dict) -> dict:
    fields = {"title": text["title"], "slug": text["slug"]}
    if kind == "HomePage":
        fields["intro"] = text["intro"]
        if not all(task in pages for task in content.TOP_TASKS):
            return fields  # the targets do not exist yet; filled in once they do
        fields["top_tasks"] = _stream(
            [
                {
                    "type": "task",
                    "value": {
                        "title": text["tasks"][task][0],
                        "text": text["tasks"][task][1],
                        "service": content.SERVICES.get(task, ""),
                        "page": None if task in content.SERVICES else pages[task].pk,
                        "url": "",
                    },
                }
                for task in content.TOP_TASKS
            ]
        )
    elif kind == "TopicPage":
        fields["intro"] = text["intro"]
        fields["service"] = content.SERVICES.get(key, "")
        fields["body"] = _stream(text["body"])
    elif kind == "NewsIndexPage":
        fields["intro"] = text["intro"]
    elif kind == "NewsPage":
        fields["date"] = date.fromisoformat(content.NEWS_DATES[key])
        fields["teaser"] = text["teaser"]
        fields["body"] = _stream(text["body"])
    elif kind == "DownloadsPage":
        fields["intro"] = text["intro"]
        fields["body"] = _stream(
            [
                {"type": "download", "value": {"document": documents[doc].pk, "description": d}}
                for doc, d in text["downloads"].items()
            ]
        )
    return fields


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _german_pages(documents: dict) -> dict:
    """Create the German tree; the home page's top tasks are set once their targets exist."""
    root = Page.get_first_root_node()
    german = content.CONTENT["de"]
    pages: dict[str, Page] = {}
    for key, parent_key, kind, in_menu in content.TREE:
        model = PAGE_TYPES[kind]
        text = german[key]
        parent = root if parent_key is None else pages[parent_key]
        slugs = [text["slug"], *content.FORMER_SLUGS.get(key, [])]
        existing = model.objects.child_of(parent).filter(slug__in=slugs).first()
        if existing is not None:
            if existing.slug != text["slug"]:
                existing.slug = text["slug"]
                _publish(existing)
            pages[key] = existing
            continue
        page = model(show_in_menus=in_menu, **_fields(key, kind, text, pages, documents))
        parent.add_child(instance=page)
        _publish(page)
        pages[key] = page
    _top_tasks(pages, german, documents)
    _topic_services(pages)
    return pages


def _translate(pages: dict, locale: Locale, texts: dict, documents: dict) -> None:
    """Copy each German page into ``locale`` and fill in the translated texts."""
    translated: dict[str, Page] = {}
    for key, _parent, kind, _menu in content.TREE:
        source = pages[key]
        existing = source.get_translation_or_none(locale)
        if existing is not None:
            translated[key] = existing.specific
            continue
        page = source.copy_for_translation(locale).specific
        for name, value in _fields(key, kind, texts[key], translated, documents).items():
            setattr(page, name, value)
        page.save()
        _publish(page)
        translated[key] = page
    _top_tasks(translated, texts, documents)
    _topic_services(translated)


def _top_tasks(pages: dict, texts: dict, documents: dict) -> None:
    """Fill in the home page's top tasks once their targets exist, in the page's language.

    A home page loaded by an earlier version links the service tasks to their topic pages;
    those tiles are switched to the service itself. A translated home page starts as a copy
    of the German one; tiles still carrying the German texts get the translated ones. Tiles
    an editor changed otherwise stay as they are.
    """
    home = pages["home"]
    home.refresh_from_db()  # its child count changed while the tree was built
    if not any(block.value["page"] or block.value.get("service") for block in home.top_tasks):
        home.top_tasks = _fields("home", "HomePage", texts["home"], pages, documents)["top_tasks"]
        _publish(home)
        return
    by_service = {service: task for task, service in content.SERVICES.items()}
    by_page = {pages[task].translation_key: task for task in content.TOP_TASKS}
    german = content.CONTENT["de"]["home"]["tasks"]
    tasks = []
    changed = False
    for block in home.top_tasks:
        value = dict(block.value)
        target = value.get("page")
        task = by_service.get(value.get("service")) or (
            by_page.get(target.translation_key) if target is not None else None
        )
        if task is None:
            tasks.append(("task", value))
            continue
        if task in content.SERVICES and not value.get("service"):
            value["service"] = content.SERVICES[task]
            value["page"] = None
        elif task not in content.SERVICES and target is not None and target.pk != pages[task].pk:
            value["page"] = pages[task]  # the copy still points at the German page
        wanted = texts["home"]["tasks"][task]
        if (value["title"], value["text"]) == german[task] and german[task] != wanted:
            value["title"], value["text"] = wanted
        changed = changed or value != dict(block.value)
        tasks.append(("task", value))
    if changed:
        home.top_tasks = tasks
        _publish(home)


def _topic_services(pages: dict) -> None:
    """Give the topic pages about an online service their call-to-action link."""
    for key, service in content.SERVICES.items():
        page = pages[key]
        if page.service:
            continue
        page.service = service
        _publish(page)


#: Where ``make run`` serves the demo.
DEMO_HOST, DEMO_PORT = "127.0.0.1", 8000


def _site(home: Page) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    if (site.hostname, site.port) == ("localhost", 80):
        # Wagtail's placeholder: the demo runs where `make run` serves it, so links in its
        # e-mails work (config.links); an office sets its own address under Settings → Sites.
        site.hostname, site.port = DEMO_HOST, DEMO_PORT
    old_root = site.root_page if site.pk else None
    site.root_page = home
    site.site_name = content.OFFICE["office_name"]
    site.save()
    # Wagtail's installer leaves a "Welcome" page behind; it has no place in the office's tree.
    if old_root is not None and old_root.pk != home.pk and old_root.specific_class is Page:
        old_root.delete()


def _hours(slots) -> str:
    return _stream(
        [
            {
                "type": "slot",
                "value": {
                    "weekday": day,
                    "opens": time.fromisoformat(start).isoformat(),
                    "closes": time.fromisoformat(end).isoformat(),
                },
            }
            for day, start, end in slots
        ]
    )


def _office_settings() -> None:
    site = Site.objects.get(is_default_site=True)
    office = content.OFFICE
    settings_obj, created = OfficeSettings.objects.get_or_create(site=site)
    if not created and settings_obj.office_name:
        return
    for name in ("office_name", "street", "postcode", "city", "phone", "email"):
        setattr(settings_obj, name, office[name])
    for name in ("accepts_girocard", "accepts_credit_card", "accepts_cash"):
        setattr(settings_obj, name, office[name])
    settings_obj.phone_hours = _hours(office["phone_hours"])
    settings_obj.opening_hours = _hours(office["opening_hours"])
    settings_obj.towns = "\n".join(office["towns"])
    settings_obj.save()


def _footer_document(name: str, title: str):
    """A file of ``demo_data`` as a Wagtail document (the placeholder video, its captions)."""
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title, collection=Collection.get_first_root_node())
        data = (FOOTER_DATA / name).read_bytes()
        document.file.save(name, ContentFile(data), save=False)
        document.file_size = len(data)
        document.save()
    return document


def _footer_fields(kind: str, text: dict, common: dict, media: dict) -> dict:
    fields = {"title": text["title"], "slug": text["slug"], "intro": text.get("intro", "")}
    if kind == "AccessibilityStatementPage":
        fields.update(
            conformance=common["conformance"],
            prepared_on=date.fromisoformat(common["prepared_on"]),
            method=common["method"],
            non_accessible=text["non_accessible"],
            method_details=text["method_details"],
            feedback_text=text["feedback_text"],
            enforcement=text["enforcement"],
        )
    elif kind == "SignLanguagePage":
        fields["videos"] = _stream(
            [
                {
                    "type": "video",
                    "value": {
                        "heading": video["heading"],
                        "video": media["video"].pk,
                        "captions": media["captions"].pk,
                        "transcript": video["transcript"],
                    },
                }
                for video in text["videos"]
            ]
        )
        fields["body"] = _stream(text.get("body", []))
    else:
        fields["body"] = _stream(text.get("body", []))
    return fields


def _footer_pages(home: Page, locales: dict) -> None:
    """The pages the footer links to, below the home page of each language that has a text;
    the office settings link the German ones (the footer shows each visitor's translation)."""
    data = json.loads((FOOTER_DATA / "footer_pages.json").read_text(encoding="utf-8"))
    media = {
        "video": _footer_document("dgs-placeholder.webm", "Gebärdensprache: Platzhalter-Video"),
        "captions": _footer_document(
            "dgs-placeholder.de.vtt", "Gebärdensprache: Untertitel zum Platzhalter-Video"
        ),
    }
    office = OfficeSettings.objects.get(site=Site.objects.get(is_default_site=True))
    changed = False
    for entry in data["pages"]:
        model = PAGE_TYPES[entry["type"]]
        common = entry.get("common", {})
        german = model.objects.child_of(home).filter(slug=entry["de"]["slug"]).first()
        if german is None:
            german = model(**_footer_fields(entry["type"], entry["de"], common, media))
            home.add_child(instance=german)
            _publish(german)
        for code in LANGUAGES[1:]:
            text = entry.get(code)
            if text is None or german.get_translation_or_none(locales[code]) is not None:
                continue
            page = german.copy_for_translation(locales[code]).specific
            for name, value in _footer_fields(entry["type"], text, common, media).items():
                setattr(page, name, value)
            page.save()
            _publish(page)
        if getattr(office, f"{entry['setting']}_id") is None:
            setattr(office, entry["setting"], german)
            changed = True
    if changed:
        office.save()


def _pdf(line: str) -> bytes:
    """A minimal one-page PDF with one line of text, enough for a demo download."""
    stream = f"BT /F1 14 Tf 72 770 Td ({line}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _documents() -> dict:
    Document = get_document_model()
    collection = Collection.get_first_root_node()
    documents = {}
    for key, title, line in content.DOCUMENTS:
        document = Document.objects.filter(title=title).first()
        if document is None:
            document = Document(title=title, collection=collection)
            document.file.save(f"{key}.pdf", ContentFile(_pdf(line)), save=False)
            document.file_size = document.file.size
            document.save()
        documents[key] = document
    return documents


PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: ["add_document", "change_document", "choose_document", "add_image", "choose_image"],
    MODERATORS: [
        "add_document",
        "change_document",
        "delete_document",
        "choose_document",
        "add_image",
        "change_image",
        "choose_image",
    ],
}
MODEL_PERMISSIONS = {
    EDITORS: [("wagtailadmin", "access_admin"), ("simple_translation", "submit_translation")],
    MODERATORS: [
        ("wagtailadmin", "access_admin"),
        ("simple_translation", "submit_translation"),
        ("cms", "change_officesettings"),
    ],
}


def _groups_and_workflow() -> None:
    """Editors write, the Redaktionsleitung approves: one approval task on the whole tree."""
    root = Page.get_first_root_node()
    collection = Collection.get_first_root_node()
    groups = {}
    for name in (EDITORS, MODERATORS):
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        for app_label, codename in MODEL_PERMISSIONS[name]:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        for codename in PAGE_PERMISSIONS[name]:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for codename in COLLECTION_PERMISSIONS[name]:
            app_label = "wagtaildocs" if codename.endswith("document") else "wagtailimages"
            GroupCollectionPermission.objects.get_or_create(
                group=group,
                collection=collection,
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                ),
            )

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(groups[MODERATORS])
    workflow, _ = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


def _users() -> None:
    User = get_user_model()
    for username, first_name, last_name, group_name in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=group_name))
