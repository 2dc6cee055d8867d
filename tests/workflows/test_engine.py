"""The generic engine, on a toy document workflow that knows nothing of cases."""

from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation
from django_fsm import FSMField, can_proceed, has_transition_perm

from workflows import Input, State, Transition, Workflow


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@dataclass
class Doc:
    state: str = "draft"
    title: str = ""
    pages: int = 0
    reviewer_roles: dict = field(default_factory=dict)


@dataclass
class User:
    name: str


def has_title(doc, user, data):
    return [] if doc.title else ["no title yet"]


def long_enough(doc, user, data):
    return [] if doc.pages >= 2 else [f"only {doc.pages} page(s)"]


def approve_input(doc, user, data):
    if data is None:
        return []
    return [] if data.get("stamp") == "ok" else ["stamp must be ok"]


def roles(user, doc):
    return set(doc.reviewer_roles.get(user.name, ()))


def make_workflow(**overrides):
    states = overrides.pop(
        "states",
        [
            State("draft", "Draft", {"author": frozenset({"title", "pages"})}),
            State("review", "In review", {"reviewer": frozenset({"pages"})}),
            State("published", "Published", final=True),
            State("rejected", "Rejected", final=True),
        ],
    )
    transitions = overrides.pop(
        "transitions",
        [
            Transition(
                "submit",
                "Submit",
                ("draft",),
                "review",
                frozenset({"author"}),
                guards=(has_title, long_enough),
            ),
            Transition(
                "publish",
                "Publish",
                ("review",),
                "published",
                frozenset({"reviewer"}),
                guards=(approve_input,),
                inputs=(Input("stamp", "Stamp"),),
            ),
            Transition(
                "reject",
                "Reject",
                ("draft", "review"),
                "rejected",
                lambda user, doc: user.name == "boss",
                needs_comment=True,
            ),
        ],
    )
    return Workflow(
        name="doc",
        title="Document",
        states=states,
        transitions=transitions,
        initial="draft",
        roles=roles,
        **overrides,
    )


def test_available_lists_transitions_from_the_current_state_with_reasons():
    wf = make_workflow()
    doc = Doc(reviewer_roles={"ann": {"author"}})
    options = wf.available(doc, User("ann"))
    assert [o.name for o in options] == ["submit"]
    (submit,) = options
    assert not submit.allowed
    assert submit.reasons == ["no title yet", "only 0 page(s)"]
    assert submit.target == "review"
    assert submit.explain() == "cannot move to In review: no title yet; only 0 page(s)"
    assert submit.explain("review") == "cannot move to review: no title yet; only 0 page(s)"


def test_option_is_allowed_once_the_guards_pass():
    wf = make_workflow()
    doc = Doc(title="T", pages=3, reviewer_roles={"ann": {"author"}})
    (submit,) = wf.available(doc, User("ann"))
    assert submit.allowed and submit.reasons == [] and submit.explain() == ""


def test_forbidden_transitions_are_hidden_unless_asked_for():
    wf = make_workflow()
    doc = Doc(reviewer_roles={"ann": {"author"}})
    names = [o.name for o in wf.available(doc, User("ann"), include_forbidden=True)]
    assert names == ["submit", "reject"]
    reject = wf.available(doc, User("ann"), include_forbidden=True)[1]
    assert not reject.allowed and not reject.permitted


def test_check_reports_wrong_state_permission_inputs_and_comment():
    wf = make_workflow()
    doc = Doc(state="review", reviewer_roles={"rita": {"reviewer"}})
    assert wf.check(doc, User("rita"), "submit") == ["not possible in state “In review”"]
    assert wf.check(doc, User("ann"), "publish", {}) == ["you are not permitted to do this"]
    assert wf.check(doc, User("rita"), "publish", {}) == ["Stamp is required", "stamp must be ok"]
    assert wf.check(doc, User("rita"), "publish", {"stamp": "ok"}) == []
    assert wf.check(doc, User("boss"), "reject", {"comment": "  "}) == ["a comment is required"]
    assert wf.check(doc, User("boss"), "reject", {"comment": "no"}) == []
    assert wf.check(doc, User("rita"), "nope") == ["unknown transition “nope”"]


def test_input_guards_stay_silent_when_only_readiness_is_asked():
    """With data=None the button shows as available; the inputs are checked on firing."""
    wf = make_workflow()
    doc = Doc(state="review", reviewer_roles={"rita": {"reviewer"}})
    (publish,) = wf.available(doc, User("rita"))
    assert publish.allowed and publish.inputs == ("stamp",)


def test_callable_permission_is_asked_with_user_and_object():
    wf = make_workflow()
    assert wf.is_permitted("reject", User("boss"), Doc())
    assert not wf.is_permitted("reject", User("ann"), Doc())


def test_editable_fields_depend_on_state_and_role():
    wf = make_workflow()
    doc = Doc(reviewer_roles={"ann": {"author"}, "rita": {"reviewer"}})
    assert wf.editable_fields(doc, User("ann")) == {"title", "pages"}
    assert wf.editable_fields(doc, User("rita")) == set()
    doc.state = "review"
    assert wf.editable_fields(doc, User("rita")) == {"pages"}
    doc.state = "published"
    assert wf.editable_fields(doc, User("ann")) == set()


def test_fire_on_a_plain_object_sets_the_state():
    wf = make_workflow()
    doc = Doc(title="T", pages=2)
    wf.fire(doc, User("ann"), "submit")
    assert doc.state == "review"


def test_an_input_can_be_required_only_for_some_objects():
    """E.g. a validity date only for titles granted for a limited time: the object decides."""
    spec = Input("pages_note", "Note on pages", required=lambda doc: doc.pages > 10)
    wf = make_workflow(
        transitions=[
            Transition("submit", "Submit", ("draft",), "review", frozenset({"author"}),
                       inputs=(spec,)),
        ]
    )  # fmt: skip
    roles_ = {"ann": {"author"}}
    long_doc, short_doc = Doc(pages=12, reviewer_roles=roles_), Doc(pages=3, reviewer_roles=roles_)
    assert spec.is_required(long_doc) and not spec.is_required(short_doc)
    assert not spec.is_required()  # no object, nothing to decide on: optional
    assert wf.check(long_doc, User("ann"), "submit", {}) == ["Note on pages is required"]
    assert wf.check(long_doc, User("ann"), "submit", {"pages_note": "long"}) == []
    assert wf.check(short_doc, User("ann"), "submit", {}) == []


def test_input_is_its_name_and_carries_form_hints():
    spec = Input("due_on", "Deadline", kind="date")
    assert spec == "due_on" and {spec: 1}["due_on"] == 1
    assert (spec.title, spec.kind, spec.required) == ("Deadline", "date", True)
    assert spec.is_missing({}) and spec.is_missing({"due_on": " "})
    assert not spec.is_missing({"due_on": "2030-01-01"})
    with pytest.raises(ValueError):
        Input("not a name")


TOY_STATES = [
    State("draft", "Draft"),
    State("review", "Review"),
    State("published", "Published", final=True),
]


@pytest.mark.parametrize(
    ("initial", "transitions", "message"),
    [
        ("nowhere", [], "initial state 'nowhere'"),
        ("draft", [Transition("go", "Go", ("draft",), "mars", frozenset())], "unknown target"),
        (
            "draft",
            [Transition("undo", "Undo", ("published",), "draft", frozenset())],
            "leaves final state 'published'",
        ),
        (
            "draft",
            [Transition("class", "X", ("draft",), "review", frozenset())],
            "not an identifier",
        ),
        (
            "draft",
            [
                Transition("a", "A", ("draft",), "review", frozenset()),
                Transition("a", "A", ("draft",), "review", frozenset()),
            ],
            "duplicate transition",
        ),
    ],
)
def test_broken_declarations_are_refused(initial, transitions, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        Workflow(
            name="doc", title="Doc", states=TOY_STATES, transitions=transitions, initial=initial
        )


def test_reachable_states_follow_the_transitions():
    assert make_workflow().reachable_states() == {"draft", "review", "published", "rejected"}


@isolate_apps("workflows")
def test_binding_generates_django_fsm_transition_methods():
    """Bound to an FSMField, each transition is a real django-fsm @transition method."""
    wf = make_workflow()

    class Paper(models.Model):
        state = FSMField(
            default="draft",
            choices=[(s, s) for s in ("draft", "review", "published", "rejected")],
            protected=True,
        )
        title = models.CharField(max_length=20, blank=True)
        pages = models.IntegerField(default=0)
        workflow = wf.bind()

        class Meta:
            app_label = "workflows"

    paper = Paper(title="T", pages=2)
    assert Paper.workflow is wf
    names = {t.name for t in paper.get_all_state_transitions()}
    assert names == {"do_submit", "do_publish", "do_reject"}
    assert can_proceed(paper.do_submit) and not can_proceed(paper.do_publish)
    paper.reviewer_roles = {"ann": {"author"}}
    assert has_transition_perm(paper.do_submit, User("ann"))
    assert not has_transition_perm(paper.do_submit, User("rita"))
    wf.fire(paper, User("ann"), "submit")
    assert paper.state == "review"
    with pytest.raises(AttributeError):
        paper.state = "published"  # protected: only transitions move it


@isolate_apps("workflows")
def test_binding_refuses_choices_that_differ_from_the_states():
    wf = make_workflow()
    with pytest.raises(ImproperlyConfigured, match="do not match"):

        class Paper(models.Model):
            state = FSMField(default="draft", choices=[("draft", "draft")])
            workflow = wf.bind()

            class Meta:
                app_label = "workflows"


@isolate_apps("workflows")
def test_binding_refuses_to_overwrite_an_existing_method():
    wf = make_workflow()
    with pytest.raises(ImproperlyConfigured, match="already exists"):

        class Paper(models.Model):
            state = FSMField(
                default="draft",
                choices=[(s, s) for s in ("draft", "review", "published", "rejected")],
            )

            class Meta:
                app_label = "workflows"

            def do_submit(self):
                return None

            workflow = wf.bind()


def test_reasons_are_translated():
    wf = make_workflow()
    doc = Doc(state="review", reviewer_roles={"rita": {"reviewer"}})
    with translation.override("de"):
        assert wf.check(doc, User("ann"), "publish", {}) == ["dazu fehlt Ihnen die Berechtigung"]
        option = wf.available(Doc(reviewer_roles={"ann": {"author"}}), User("ann"))[0]
        assert option.explain("Prüfung").startswith("Wechsel zu „Prüfung“ nicht möglich: ")


def record_publication(doc, user, data, now):
    doc.published_by = user


def publishing(writes):
    return [
        Transition("submit", "Submit", ("draft",), "review", frozenset({"author"})),
        Transition(
            "publish", "Publish", ("review",), "published", frozenset({"reviewer"}), writes=writes
        ),
    ]


def test_a_transitions_database_effect_is_declared_with_it_and_resolved():
    path = f"{__name__}.record_publication"
    workflow = make_workflow(transitions=publishing(path))
    workflow.resolve()
    assert workflow.writes_of("publish") is record_publication
    assert workflow.writes_of("submit") is None
    # a callable is taken as it is
    assert make_workflow(transitions=publishing(record_publication)).writes_of("publish") is (
        record_publication
    )


@pytest.mark.parametrize(
    ("writes", "roles_path", "message"),
    [
        (f"{__name__}.record_publicaton", None, "transition 'publish' writes: cannot import"),
        ("workflows.nowhere.record", None, "transition 'publish' writes: cannot import"),
        (f"{__name__}.DOC_STATES", None, "is not callable"),
        (f"{__name__}.record_publication", f"{__name__}.rolez", "roles: cannot import"),
    ],
)
def test_a_path_that_names_nothing_stops_the_start(writes, roles_path, message):
    """A typo in a declared effect (or roles=) is an error at start-up, not a silent no-op."""
    workflow = Workflow(
        name="doc",
        title="Document",
        states=[State("draft", "Draft"), State("review", "Review"), State("published", "Done")],
        transitions=publishing(writes),
        initial="draft",
        roles=roles_path or roles,
    )
    with pytest.raises(ImproperlyConfigured, match=message):
        workflow.resolve()


def test_writes_must_be_a_callable_or_a_path():
    with pytest.raises(ImproperlyConfigured, match="writes must be a callable or a path"):
        make_workflow(transitions=publishing(42))


DOC_STATES = ("draft",)
