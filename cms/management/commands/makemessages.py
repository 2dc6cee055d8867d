"""``makemessages`` without fuzzy matching.

Django's command merges new strings into the catalogues with ``msgmerge``, which by default
guesses a translation for each new string from the nearest old one and marks it fuzzy: a
button "running task" arrived in Ukrainian as "Frequently asked questions". A fuzzy entry is
never shown, so the guess only hides that the string is untranslated. Here a new string
starts empty, and ``tests/config/test_catalogues.py`` keeps the catalogues free of fuzzy
entries.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
