"""The demo's data files: complete in every language, and the demo app only where it belongs."""

import json
import os
import subprocess
import sys

from django.conf import settings

from casework import demo as casework_demo
from cms import demo_content


def _block_types(blocks: list) -> list:
    return [block["type"] for block in blocks]


def test_every_page_of_the_tree_has_its_texts_in_all_four_languages():
    """Each language's ``pages.<language>.yaml`` holds every page of the tree with the same
    fields, the same top tasks and the same blocks in the same order as the German one."""
    german = demo_content.CONTENT["de"]
    assert set(german) == {key for key, *_rest in demo_content.TREE}
    for code in ("en", "uk", "ru"):
        texts = demo_content.CONTENT[code]
        assert set(texts) == set(german), code
        for key, text in texts.items():
            assert set(text) == set(german[key]), (code, key)
            assert all(value for value in text.values()), (code, key)
            if "tasks" in text:
                assert set(text["tasks"]) == set(demo_content.TOP_TASKS), (code, key)
            if "body" in text:
                assert _block_types(text["body"]) == _block_types(german[key]["body"]), (code, key)


def test_page_bodies_are_streamfield_data():
    """Bodies are stored as they are: a block type and a value, serialisable as JSON."""
    for texts in demo_content.CONTENT.values():
        for text in texts.values():
            for block in text.get("body", []):
                assert set(block) == {"type", "value"}
            json.dumps(text)


def test_every_case_type_and_document_is_named_in_all_four_languages():
    for code, name, *_rest, documents in casework_demo.CASE_TYPES:
        assert name and all(casework_demo.CASE_TYPE_NAMES[code]), code
        for document, german in documents:
            assert german and all(casework_demo.DOCUMENT_NAMES[document]), document


def test_the_demo_app_is_installed_in_development_and_tests_only():
    """``load_demo`` exists where the demo runs; production settings do not install it."""
    assert "demo" in settings.INSTALLED_APPS
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "abh.example.org",
    }
    script = (
        "import importlib, sys; "
        "print(*['demo' in importlib.import_module(m).INSTALLED_APPS for m in sys.argv[1:]])"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", script, "config.settings.production", "config.settings.dev"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert result.stdout.split() == ["False", "True"]
