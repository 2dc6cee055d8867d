"""Texts of the demo office in German, English, Ukrainian and Russian.

Facts come from public pages of real offices; every sentence is written for this demo. Block
helpers build the raw StreamField data (the JSON form Wagtail stores).
"""


def heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text}}


def text(html: str) -> dict:
    return {"type": "text", "value": html}


def checklist(title: str, items: list, footnote: str = "") -> dict:
    rows = [{"text": i[0], "note": i[1]} if isinstance(i, tuple) else {"text": i} for i in items]
    return {
        "type": "checklist",
        "value": {"heading": title, "items": rows, "footnote": footnote},
    }


def fees(title: str, rows: list, footnote: str = "") -> dict:
    return {
        "type": "fees",
        "value": {
            "heading": title,
            "rows": [{"service": s, "amount": a, "note": n} for s, a, n in rows],
            "footnote": footnote,
        },
    }


def notice(level: str, title: str, html: str) -> dict:
    return {"type": "notice", "value": {"level": level, "heading": title, "text": html}}


def procedure(title: str, steps: list) -> dict:
    return {
        "type": "procedure",
        "value": {"heading": title, "steps": [{"title": t, "text": h} for t, h in steps]},
    }


def contact(title: str, body: str = "", *, opening: bool = False) -> dict:
    return {
        "type": "contact",
        "value": {
            "heading": title,
            "text": body,
            "show_phone_hours": True,
            "show_opening_hours": opening,
        },
    }


OFFICE = {
    "office_name": "Ausländerbehörde Kreis Mettmann (Demo)",
    "street": "Musterstraße 1",
    "postcode": "40822",
    "city": "Mettmann",
    "phone": "02104 99 0000",
    "email": "auslaenderbehoerde@example.org",
    "phone_hours": [("wed", "14:00", "15:45"), ("thu", "08:30", "11:00")],
    "opening_hours": [
        ("mon", "08:00", "12:00"),
        ("tue", "08:00", "12:00"),
        ("thu", "08:00", "12:00"),
        ("thu", "14:00", "17:30"),
        ("fri", "08:00", "12:00"),
    ],
    "accepts_girocard": True,
    "accepts_credit_card": False,
    "accepts_cash": False,
    "towns": [
        "Erkrath",
        "Haan",
        "Heiligenhaus",
        "Hilden",
        "Langenfeld",
        "Mettmann",
        "Monheim am Rhein",
        "Ratingen",
        "Velbert",
        "Wülfrath",
    ],
}

# (key, parent key, page type, shown in the main menu). Parents come before their children.
TREE = [
    ("home", None, "HomePage", False),
    ("residence", "home", "TopicPage", True),
    ("settlement", "residence", "TopicPage", False),
    ("eat", "home", "TopicPage", False),
    ("photo", "home", "TopicPage", False),
    ("ukraine", "home", "TopicPage", False),
    ("chancen", "home", "TopicPage", False),
    ("apply", "home", "TopicPage", False),
    ("appointment", "home", "TopicPage", False),
    ("status", "home", "TopicPage", False),
    ("contact", "home", "TopicPage", True),
    ("news", "home", "NewsIndexPage", True),
    ("news-ukraine-2026", "news", "NewsPage", False),
    ("news-photo", "news", "NewsPage", False),
    ("news-ukraine-2027", "news", "NewsPage", False),
    ("news-phone", "news", "NewsPage", False),
    ("downloads", "home", "DownloadsPage", True),
]

NEWS_DATES = {
    "news-ukraine-2026": "2024-11-25",
    "news-photo": "2025-04-14",
    "news-ukraine-2027": "2025-10-27",
    "news-phone": "2026-09-01",
}

# Forms offered for download: (key, title, text printed in the PDF)
DOCUMENTS = [
    (
        "form-residence",
        "Antrag auf Erteilung oder Verlängerung eines Aufenthaltstitels",
        "Antrag auf Erteilung oder Verlaengerung eines Aufenthaltstitels (Demo-Formular)",
    ),
    (
        "form-proxy",
        "Vollmacht zur Abholung des elektronischen Aufenthaltstitels",
        "Vollmacht zur Abholung des eAT (Demo-Formular)",
    ),
    (
        "form-employment",
        "Erklärung zum Beschäftigungsverhältnis",
        "Erklaerung zum Beschaeftigungsverhaeltnis (Demo-Formular)",
    ),
]

TOP_TASKS = ["apply", "appointment", "status", "contact"]
# Top tasks and topic pages leading straight to an online service (cms.constants.Service)
SERVICES = {"apply": "application", "appointment": "appointment", "status": "status"}
# Slugs used by earlier versions of the demo; /de/termin/ now belongs to the booking service.
FORMER_SLUGS = {"appointment": ["termin"]}

DE = {
    "home": {
        "title": "Ausländerbehörde",
        "slug": "start",
        "intro": (
            "<p>Hier finden Sie alles zu Aufenthaltstiteln, zur eAT-Karte und zu Ihrem Antrag. "
            "Die wichtigsten Informationen gibt es auch auf Englisch, Ukrainisch und Russisch.</p>"
        ),
        "tasks": {
            "apply": ("Online beantragen", "Aufenthaltstitel digital beantragen"),
            "appointment": ("Termin vereinbaren", "Für Fingerabdrücke, Foto und Abholung"),
            "status": ("Wo steht mein Antrag?", "Bearbeitungsstand und Fristen"),
            "contact": ("Kontakt", "Telefonzeiten, Anschrift und E-Mail"),
        },
    },
    "residence": {
        "title": "Aufenthaltserlaubnis",
        "slug": "aufenthaltserlaubnis",
        "intro": (
            "Wer nicht Staatsangehörige oder Staatsangehöriger eines EU-Staates ist, braucht für "
            "einen längeren Aufenthalt einen Aufenthaltstitel. So beantragen und verlängern Sie "
            "ihn."
        ),
        "body": [
            text(
                "<p>Eine Aufenthaltserlaubnis ist befristet und wird für einen bestimmten Zweck "
                "erteilt: zum Beispiel für Studium oder Ausbildung, für eine Beschäftigung, aus "
                "familiären oder aus humanitären Gründen. Sie erhalten sie als elektronischen "
                "Aufenthaltstitel (eAT) im Scheckkartenformat.</p>"
            ),
            heading("Allgemeine Voraussetzungen"),
            text(
                "<p>Für jeden Aufenthaltstitel prüfen wir zunächst die allgemeinen "
                "Voraussetzungen. In der Regel müssen Sie</p><ul>"
                "<li>einen gültigen Pass besitzen,</li>"
                "<li>Ihren Lebensunterhalt selbst sichern können,</li>"
                "<li>Ihre Identität und Staatsangehörigkeit nachweisen,</li>"
                "<li>mit dem erforderlichen Visum eingereist sein und</li>"
                "<li>es darf kein Ausweisungsinteresse bestehen.</li></ul>"
            ),
            checklist(
                "Diese Unterlagen brauchen wir",
                [
                    "Vollständig ausgefülltes und unterschriebenes Antragsformular",
                    ("Gültiger Reisepass", "Kopie aller beschrifteten Seiten"),
                    (
                        "Digitales biometrisches Lichtbild",
                        "Am Terminal bei uns oder als QR-Code eines zertifizierten Fotostudios",
                    ),
                    (
                        "Nachweise über Ihren Lebensunterhalt",
                        "z. B. Arbeitsvertrag und die letzten drei Gehaltsabrechnungen",
                    ),
                    "Nachweis über Ihre Krankenversicherung",
                ],
                "Je nach Aufenthaltszweck können weitere Unterlagen nötig sein.",
            ),
            procedure(
                "So läuft das Verfahren ab",
                [
                    (
                        "Antrag stellen",
                        "<p>Online, per Post, per E-Mail als PDF oder beim Bürgerbüro Ihrer "
                        "Stadt. Sie erhalten ein Aktenzeichen.</p>",
                    ),
                    (
                        "Prüfung",
                        "<p>Wir bearbeiten Anträge streng in der Reihenfolge des Eingangs. "
                        "Fehlen Unterlagen, fordern wir sie mit einer Frist an.</p>",
                    ),
                    (
                        "Termin für Biometrie",
                        "<p>Wir nehmen Fingerabdrücke (ab 6 Jahren) und Unterschrift auf, das "
                        "Lichtbild ist digital. Die Gebühren zahlen Sie bei diesem Termin.</p>",
                    ),
                    (
                        "Herstellung der Karte",
                        "<p>Die Bundesdruckerei stellt die Karte her. Das dauert etwa vier "
                        "bis sechs Wochen.</p>",
                    ),
                    (
                        "Abholung",
                        "<p>Sie oder eine bevollmächtigte Person holen die Karte bei uns ab.</p>",
                    ),
                ],
            ),
            notice(
                "warning",
                "Rechtzeitig verlängern",
                "<p>Ein abgelaufener Aufenthaltstitel kann nicht verlängert werden. Stellen Sie "
                "den Verlängerungsantrag, solange Ihr Titel noch gültig ist: Dann gilt Ihr "
                "bisheriger Aufenthalt bis zur Entscheidung fort. Ein verspäteter Antrag kann "
                "zum Verlust der Arbeitserlaubnis führen.</p>",
            ),
            contact("Fragen zu Ihrem Antrag?"),
        ],
    },
    "settlement": {
        "title": "Niederlassungserlaubnis",
        "slug": "niederlassungserlaubnis",
        "intro": (
            "Die Niederlassungserlaubnis ist unbefristet und erlaubt jede Erwerbstätigkeit. "
            "Hier lesen Sie, welche Voraussetzungen Sie in der Regel erfüllen müssen."
        ),
        "body": [
            checklist(
                "Voraussetzungen im Regelfall",
                [
                    "Seit fünf Jahren im Besitz einer Aufenthaltserlaubnis",
                    "Gesicherter Lebensunterhalt",
                    ("Deutschkenntnisse auf Niveau B1", "z. B. Zertifikat Deutsch"),
                    (
                        "Grundkenntnisse der Rechts- und Gesellschaftsordnung",
                        "z. B. Test „Leben in Deutschland“",
                    ),
                    (
                        "Altersvorsorge",
                        "mindestens 60 Monate Beiträge zur Rentenversicherung",
                    ),
                    "Ausreichender Wohnraum für Sie und Ihre Familie",
                ],
                "Für Ehegatten Deutscher, Fachkräfte, Selbstständige und Menschen mit einem "
                "humanitären Titel gelten eigene Regeln.",
            ),
            fees(
                "Gebühren",
                [
                    ("Ausstellung der eAT-Karte", "67.00", "zusätzlich zur Titelgebühr"),
                    ("Digitales Lichtbild am Terminal", "6.00", "nur Kartenzahlung"),
                ],
                "Die Gebühr für die Niederlassungserlaubnis selbst richtet sich nach der "
                "Aufenthaltsverordnung. Ermäßigungen gibt es nur mit einem Bescheid nach "
                "SGB II oder SGB XII.",
            ),
        ],
    },
    "eat": {
        "title": "Elektronischer Aufenthaltstitel (eAT)",
        "slug": "eat-karte",
        "intro": (
            "Der eAT ist eine Karte im Scheckkartenformat mit Chip. Er enthält Ihr Lichtbild, "
            "Ihre Fingerabdrücke und Ihre Unterschrift."
        ),
        "body": [
            text(
                "<p>Aufenthaltstitel werden als elektronische Karte ausgestellt. Eine Karte gilt "
                "höchstens zehn Jahre. Mit der Online-Ausweisfunktion und Ihrer PIN können Sie "
                "sich im Internet sicher ausweisen.</p><p>Eine neue Karte brauchen Sie zum "
                "Beispiel, wenn ein Titel erteilt oder verlängert wird, wenn Sie eine "
                "Niederlassungserlaubnis erhalten oder wenn sich Ihr Pass ändert.</p>"
            ),
            fees(
                "Was kostet die Karte?",
                [
                    ("Neue eAT-Karte", "67.00", "zuzüglich Gebühr für Erteilung oder Verlängerung"),
                    ("Digitales Lichtbild am Terminal", "6.00", ""),
                ],
                "Ermäßigungen nur mit Bescheid nach SGB II oder SGB XII. Bitte zahlen Sie mit "
                "Karte.",
            ),
            notice(
                "info",
                "Bearbeitungszeit",
                "<p>Die Bundesdruckerei braucht für die Herstellung etwa vier bis sechs Wochen. "
                "Wir schreiben Ihnen, sobald Ihre Karte abholbereit ist.</p>",
            ),
            procedure(
                "Abholung der Karte",
                [
                    (
                        "Benachrichtigung abwarten",
                        "<p>Sie erhalten von uns einen Brief mit dem Abholtermin.</p>",
                    ),
                    (
                        "Unterlagen mitbringen",
                        "<p>Bringen Sie Ihren Pass und Ihre bisherige Karte oder "
                        "Bescheinigung mit.</p>",
                    ),
                    (
                        "Karte übernehmen",
                        "<p>Sie prüfen die Daten und erhalten den PIN-Brief. Wer die Karte für "
                        "Sie abholt, braucht eine schriftliche Vollmacht.</p>",
                    ),
                ],
            ),
        ],
    },
    "photo": {
        "title": "Biometrisches Lichtbild",
        "slug": "lichtbild",
        "intro": (
            "Seit dem 1. Mai 2025 nehmen wir für den eAT und für Reiseausweise nur noch "
            "digitale Lichtbilder an. Ausgedruckte Passbilder sind nicht mehr möglich."
        ),
        "body": [
            notice(
                "warning",
                "Keine Papierfotos mehr",
                "<p>Bitte bringen Sie keine ausgedruckten Fotos mit. Sie haben zwei "
                "Möglichkeiten, ein digitales Lichtbild zu liefern.</p>",
            ),
            procedure(
                "Zwei Wege zum digitalen Lichtbild",
                [
                    (
                        "Foto am Terminal bei uns",
                        "<p>Bei Ihrem Biometrie-Termin nehmen wir das Foto an unserem Terminal "
                        "auf. Das kostet 6 Euro und wird vor Ort mit Karte bezahlt. Sie müssen "
                        "vorher nichts tun.</p>",
                    ),
                    (
                        "Foto beim zertifizierten Fotostudio",
                        "<p>Ein zertifiziertes Fotostudio oder eine Drogerie mit Fotoservice "
                        "erstellt das Bild und gibt Ihnen einen QR- oder Data-Matrix-Code. "
                        "Bringen Sie den Code zum Termin mit; wir laden das Bild dann "
                        "herunter. Den Preis legt der Anbieter fest.</p>",
                    ),
                ],
            ),
            checklist(
                "Anforderungen an das Bild",
                [
                    "Nicht älter als sechs Monate",
                    "Gerade Kopfhaltung, Blick in die Kamera",
                    "Neutraler Gesichtsausdruck, Mund geschlossen",
                    "Augen offen und gut sichtbar, auch mit Brille",
                    "Gleichmäßig ausgeleuchtet, einfarbiger heller Hintergrund",
                ],
            ),
        ],
    },
    "ukraine": {
        "title": "Vorübergehender Schutz für Menschen aus der Ukraine (§ 24 AufenthG)",
        "slug": "ukraine",
        "intro": (
            "Aufenthaltserlaubnisse nach § 24 AufenthG gelten durch Verordnungen des Bundes "
            "automatisch weiter. Ein Termin bei uns ist dafür nicht nötig."
        ),
        "body": [
            notice(
                "info",
                "Verlängerung bis 4. März 2027",
                "<p>Aufenthaltserlaubnisse zum vorübergehenden Schutz, die am 1. Februar 2025 "
                "gültig waren, galten zunächst bis zum 4. März 2026 fort. Eine weitere "
                "Verordnung verlängert sie bis zum 4. März 2027.</p><p>Wir schicken allen "
                "Betroffenen eine Bescheinigung per Post. Bitte kommen Sie deshalb nicht "
                "ohne Einladung vorbei.</p>",
            ),
            heading("Was bedeutet das für Sie?"),
            text(
                "<ul><li>Sie brauchen keinen Verlängerungsantrag zu stellen.</li>"
                "<li>Ihre bisherige Karte bleibt zusammen mit der Bescheinigung gültig.</li>"
                "<li>Sie dürfen weiter arbeiten.</li>"
                "<li>Wenn Sie umziehen, teilen Sie uns Ihre neue Anschrift mit; wir geben "
                "Ihre Akte an die zuständige Behörde ab.</li></ul>"
            ),
            checklist(
                "Neu angekommen? Diese Unterlagen brauchen wir",
                [
                    "Online-Antrag für Geflüchtete aus der Ukraine",
                    ("Pass oder ukrainischer Inlandsausweis", "falls vorhanden"),
                    "Meldebescheinigung Ihrer Stadt",
                    "Geburtsurkunden der Kinder",
                ],
            ),
            contact("Fragen zum Schutzstatus"),
        ],
    },
    "chancen": {
        "title": "Chancen-Aufenthaltsrecht (§ 104c AufenthG)",
        "slug": "chancen-aufenthaltsrecht",
        "intro": (
            "Menschen, die seit Jahren geduldet in Deutschland leben, können unter bestimmten "
            "Voraussetzungen eine Aufenthaltserlaubnis auf Probe erhalten."
        ),
        "body": [
            text(
                "<p>Das Chancen-Aufenthaltsrecht gibt Ihnen Zeit, die Voraussetzungen für ein "
                "dauerhaftes Bleiberecht zu erfüllen, zum Beispiel Ihren Lebensunterhalt zu "
                "sichern, Deutsch zu lernen und Ihre Identität zu klären.</p>"
            ),
            procedure(
                "So prüfen wir Ihren Antrag",
                [
                    (
                        "Vorrangige Bleiberechte",
                        "<p>Zuerst prüfen wir, ob Sie schon eine Aufenthaltserlaubnis nach "
                        "§ 25a (gut integrierte junge Menschen) oder § 25b (nachhaltige "
                        "Integration) erhalten können. Diese gehen vor.</p>",
                    ),
                    (
                        "Chancen-Aufenthaltsrecht",
                        "<p>Liegen diese Voraussetzungen nicht vor, prüfen wir § 104c.</p>",
                    ),
                    (
                        "Belehrung bei der Aushändigung",
                        "<p>Mit der Karte erhalten Sie ein Merkblatt in Ihrer Sprache. Es nennt "
                        "die Voraussetzungen, die Sie noch erfüllen müssen.</p>",
                    ),
                ],
            ),
            notice(
                "info",
                "Beratung",
                "<p>Das Kommunale Integrationsmanagement berät Sie kostenlos, auch direkt bei "
                "uns im Haus. Wer zum Personenkreis gehört, wird bei der nächsten Verlängerung "
                "der Duldung von uns informiert.</p>",
            ),
        ],
    },
    "apply": {
        "title": "Online beantragen",
        "slug": "online-antrag",
        "intro": (
            "Viele Anträge können Sie online stellen. Die persönliche Vorsprache für "
            "Fingerabdrücke und Bezahlung ersetzt das aber nicht."
        ),
        "body": [
            text(
                "<p>Online-Anträge gibt es derzeit für Aufenthaltstitel zur Erwerbstätigkeit, "
                "für die Niederlassungserlaubnis und für Geflüchtete aus der Ukraine. Weitere "
                "Antragsarten folgen.</p><p>Alternativ senden Sie Ihren Antrag per Post, per "
                "E-Mail als PDF oder geben ihn beim Bürgerbüro Ihrer Stadt ab.</p>"
            ),
            notice(
                "info",
                "Nach dem Online-Antrag",
                "<p>Biometrie und Gebühren erledigen Sie weiterhin bei uns vor Ort. Wir laden "
                "Sie dazu ein, sobald Ihr Antrag geprüft ist.</p>",
            ),
            contact("Bürgerbüros, die Anträge annehmen"),
        ],
    },
    "appointment": {
        "title": "Termin vereinbaren",
        "slug": "terminvereinbarung",
        "intro": (
            "Für Biometrie, Fotoaufnahme und die Abholung Ihrer Karte brauchen Sie einen Termin."
        ),
        "body": [
            text(
                "<p>Wenn wir Ihren Antrag geprüft haben, laden wir Sie zu einem Termin ein. "
                "Termine sind an einen Antrag gebunden und können nicht weitergegeben "
                "werden.</p>"
            ),
            checklist(
                "Zum Termin mitbringen",
                [
                    "Ihren Pass",
                    "Ihre bisherige Karte oder Bescheinigung",
                    ("QR-Code Ihres Lichtbilds", "falls Sie kein Foto am Terminal machen"),
                    "Eine Bank- oder Girokarte zum Bezahlen",
                ],
            ),
            contact("Termin verschieben", opening=True),
        ],
    },
    "status": {
        "title": "Wo steht mein Antrag?",
        "slug": "sachstand",
        "intro": (
            "Wir bearbeiten Anträge in der Reihenfolge des Eingangs. Hier erfahren Sie, "
            "womit Sie rechnen können."
        ),
        "body": [
            text(
                "<p>Die Bearbeitung kann derzeit bis zu drei Monate dauern. Bitte sehen Sie von "
                "Sachstandsanfragen ab: Jede Anfrage verlängert die Wartezeit für alle. Schreiben "
                "Sie Ihr Aktenzeichen auf alle Unterlagen, die Sie nachreichen.</p>"
            ),
            notice(
                "warning",
                "Ihr Titel läuft bald ab?",
                "<p>Etwa drei Monate vor Ablauf schreiben wir Ihnen. Haben Sie zwei Monate vor "
                "Ablauf noch keinen Brief, stellen Sie den Antrag bitte selbst. Ein "
                "rechtzeitig gestellter Antrag sichert Ihren Aufenthalt bis zur Entscheidung; "
                "Sie erhalten darüber eine Bescheinigung (Fiktionsbescheinigung).</p>",
            ),
        ],
    },
    "contact": {
        "title": "Kontakt",
        "slug": "kontakt",
        "intro": "So erreichen Sie die Ausländerbehörde.",
        "body": [
            contact(
                "Anschrift, Telefon und Öffnungszeiten",
                "Persönliche Vorsprache nur mit Termin.",
                opening=True,
            ),
            text(
                "<p>Bitte geben Sie bei jeder Nachricht Ihr Aktenzeichen, Ihren Namen und Ihr "
                "Geburtsdatum an. Schicken Sie Unterlagen als PDF.</p>"
            ),
        ],
    },
    "news": {
        "title": "Aktuelles",
        "slug": "aktuelles",
        "intro": "Neuigkeiten und Hinweise der Ausländerbehörde.",
    },
    "news-ukraine-2026": {
        "title": "Ukraine: Aufenthaltserlaubnisse gelten bis 4. März 2026",
        "slug": "ukraine-verlaengerung-2026",
        "teaser": (
            "Aufenthaltserlaubnisse nach § 24 AufenthG, die am 1. Februar 2025 gültig waren, "
            "gelten automatisch bis zum 4. März 2026 fort."
        ),
        "body": [
            text(
                "<p>Eine Änderungsverordnung des Bundes ist am 23. November 2024 in Kraft "
                "getreten. Sie müssen keinen Antrag stellen und nicht vorsprechen; eine neue "
                "Karte wird nicht ausgestellt. Wir senden Ihnen eine Bescheinigung per Post.</p>"
            )
        ],
    },
    "news-photo": {
        "title": "Ab 1. Mai 2025 nur noch digitale Lichtbilder",
        "slug": "digitale-lichtbilder",
        "teaser": (
            "Für den eAT nehmen wir ab 1. Mai 2025 nur noch digitale Fotos an: am Terminal bei "
            "uns für 6 Euro oder per QR-Code vom zertifizierten Fotostudio."
        ),
        "body": [
            text(
                "<p>Grund ist ein Bundesgesetz zur Sicherheit im Pass- und Ausweiswesen. "
                "Papierfotos können wir ab diesem Tag nicht mehr annehmen.</p>"
            )
        ],
    },
    "news-ukraine-2027": {
        "title": "Schutz für Menschen aus der Ukraine bis 4. März 2027 verlängert",
        "slug": "ukraine-verlaengerung-2027",
        "teaser": (
            "Eine weitere Verordnung verlängert die Aufenthaltserlaubnisse nach § 24 AufenthG "
            "bis zum 4. März 2027. Ein Termin ist nicht nötig."
        ),
        "body": [
            text(
                "<p>Alle Betroffenen erhalten von uns eine Bescheinigung per Post. Bitte sehen "
                "Sie von Anfragen ab, solange Sie keine Post erhalten haben; die Bescheinigungen "
                "werden nach und nach verschickt.</p>"
            )
        ],
    },
    "news-phone": {
        "title": "Telefonzeiten der Ausländerbehörde",
        "slug": "telefonzeiten",
        "teaser": (
            "Telefonisch erreichen Sie uns mittwochs von 14:00 bis 15:45 Uhr und donnerstags "
            "von 8:30 bis 11:00 Uhr."
        ),
        "body": [
            text(
                "<p>Außerhalb dieser Zeiten schreiben Sie uns bitte eine E-Mail mit Ihrem "
                "Aktenzeichen. Neue Termine geben wir immer montags frei.</p>"
            )
        ],
    },
    "downloads": {
        "title": "Formulare",
        "slug": "formulare",
        "intro": "Formulare zum Ausdrucken. Bitte füllen Sie sie vollständig aus.",
        "downloads": {
            "form-residence": "Für die erste Erteilung und jede Verlängerung.",
            "form-proxy": "Wenn eine andere Person Ihre Karte abholt.",
            "form-employment": "Von Ihrem Arbeitgeber auszufüllen.",
        },
    },
}

EN = {
    "home": {
        "title": "Immigration office",
        "slug": "start-en",
        "intro": (
            "<p>Everything about residence titles, the eAT card and your application. The key "
            "information is available in German, English, Ukrainian and Russian.</p>"
        ),
        "tasks": {
            "apply": ("Apply online", "Apply for a residence title digitally"),
            "appointment": ("Book an appointment", "For fingerprints, photo and collection"),
            "status": ("Check my case", "Processing status and deadlines"),
            "contact": ("Contact", "Phone hours, address and e-mail"),
        },
    },
    "residence": {
        "title": "Residence permit",
        "slug": "residence-permit",
        "intro": (
            "If you are not a citizen of an EU country, you need a residence title for a longer "
            "stay. This is how to apply for it and extend it."
        ),
        "body": [
            text(
                "<p>A residence permit is granted for a limited time and a specific purpose, "
                "such as study or training, employment, family or humanitarian reasons. You "
                "receive it as an electronic residence title (eAT), a card the size of a bank "
                "card.</p>"
            ),
            heading("General requirements"),
            text(
                "<p>For every residence title we first check the general requirements. As a "
                "rule you must</p><ul><li>hold a valid passport,</li>"
                "<li>be able to support yourself,</li>"
                "<li>prove your identity and nationality,</li>"
                "<li>have entered with the required visa, and</li>"
                "<li>there must be no reason for expulsion.</li></ul>"
            ),
            checklist(
                "Documents we need",
                [
                    "Application form, completed and signed",
                    ("Valid passport", "copy of all pages with entries"),
                    (
                        "Digital biometric photo",
                        "taken at our terminal or as a QR code from a certified studio",
                    ),
                    ("Proof of income", "e.g. employment contract and last three payslips"),
                    "Proof of health insurance",
                ],
                "Depending on the purpose of your stay, further documents may be needed.",
            ),
            procedure(
                "How the procedure works",
                [
                    (
                        "Apply",
                        "<p>Online, by post, by e-mail as a PDF or at the Bürgerbüro of your "
                        "town. You receive a file number.</p>",
                    ),
                    (
                        "Review",
                        "<p>We process applications strictly in the order received. If "
                        "documents are missing, we ask for them and set a deadline.</p>",
                    ),
                    (
                        "Biometrics appointment",
                        "<p>We take fingerprints (from age 6) and your signature; the photo is "
                        "digital. You pay the fees at this appointment.</p>",
                    ),
                    (
                        "Card production",
                        "<p>The Bundesdruckerei produces the card. This takes about four to six "
                        "weeks.</p>",
                    ),
                    ("Collection", "<p>You or an authorised person collect the card from us.</p>"),
                ],
            ),
            notice(
                "warning",
                "Extend in good time",
                "<p>An expired residence title cannot be extended. Apply for the extension "
                "while your title is still valid: your current status then continues until the "
                "decision. A late application can cost you your permission to work.</p>",
            ),
            contact("Questions about your application?"),
        ],
    },
    "settlement": {
        "title": "Settlement permit",
        "slug": "settlement-permit",
        "intro": (
            "The settlement permit is unlimited in time and allows any kind of work. These are "
            "the usual requirements."
        ),
        "body": [
            checklist(
                "Usual requirements",
                [
                    "Five years with a residence permit",
                    "Secure means of subsistence",
                    ("German at level B1", "e.g. Zertifikat Deutsch"),
                    (
                        "Basic knowledge of the legal and social order",
                        "e.g. the test 'Leben in Deutschland'",
                    ),
                    ("Old-age provision", "at least 60 months of pension contributions"),
                    "Sufficient living space for you and your family",
                ],
                "Special rules apply to spouses of Germans, skilled workers, the self-employed "
                "and people with a humanitarian title.",
            ),
            fees(
                "Fees",
                [
                    ("Issuing the eAT card", "67.00", "in addition to the fee for the title"),
                    ("Digital photo at our terminal", "6.00", "card payment only"),
                ],
                "The fee for the settlement permit itself is set by the Residence Ordinance. "
                "Reductions only with a notice under SGB II or SGB XII.",
            ),
        ],
    },
    "eat": {
        "title": "Electronic residence title (eAT)",
        "slug": "eat-card",
        "intro": (
            "The eAT is a card with a chip. It holds your photo, your fingerprints and your "
            "signature."
        ),
        "body": [
            text(
                "<p>Residence titles are issued as an electronic card, valid for at most ten "
                "years. With the online ID function and your PIN you can identify yourself "
                "securely on the internet.</p><p>You need a new card, for example, when a title "
                "is granted or extended, when you receive a settlement permit or when your "
                "passport changes.</p>"
            ),
            fees(
                "What does the card cost?",
                [
                    ("New eAT card", "67.00", "plus the fee for granting or extending the title"),
                    ("Digital photo at our terminal", "6.00", ""),
                ],
                "Reductions only with a notice under SGB II or SGB XII. Please pay by card.",
            ),
            notice(
                "info",
                "Processing time",
                "<p>The Bundesdruckerei needs about four to six weeks to produce the card. We "
                "write to you as soon as it is ready for collection.</p>",
            ),
            procedure(
                "Collecting the card",
                [
                    ("Wait for our letter", "<p>We send you a letter with your appointment.</p>"),
                    (
                        "Bring your documents",
                        "<p>Bring your passport and your previous card or certificate.</p>",
                    ),
                    (
                        "Receive the card",
                        "<p>You check the data and receive the PIN letter. Anyone collecting "
                        "the card for you needs a written authorisation.</p>",
                    ),
                ],
            ),
        ],
    },
    "photo": {
        "title": "Biometric photo",
        "slug": "biometric-photo",
        "intro": (
            "Since 1 May 2025 we only accept digital photos for the eAT and for travel "
            "documents. Printed passport photos can no longer be used."
        ),
        "body": [
            notice(
                "warning",
                "No more paper photos",
                "<p>Please do not bring printed photos. There are two ways to provide a digital "
                "photo.</p>",
            ),
            procedure(
                "Two ways to a digital photo",
                [
                    (
                        "Photo at our terminal",
                        "<p>At your biometrics appointment we take the photo at our terminal. "
                        "It costs 6 euros, paid on site by card. You need not do anything "
                        "beforehand.</p>",
                    ),
                    (
                        "Photo from a certified studio",
                        "<p>A certified photo studio or a drugstore with photo service takes "
                        "the picture and gives you a QR or Data Matrix code. Bring the code to "
                        "your appointment and we download the picture. The provider sets the "
                        "price.</p>",
                    ),
                ],
            ),
            checklist(
                "Photo requirements",
                [
                    "Not older than six months",
                    "Head straight, looking into the camera",
                    "Neutral expression, mouth closed",
                    "Eyes open and clearly visible, also with glasses",
                    "Evenly lit, plain light background",
                ],
            ),
        ],
    },
    "ukraine": {
        "title": "Temporary protection for people from Ukraine (section 24)",
        "slug": "ukraine",
        "intro": (
            "Residence permits under section 24 of the Residence Act are continued "
            "automatically by federal ordinances. You do not need an appointment for this."
        ),
        "body": [
            notice(
                "info",
                "Extended until 4 March 2027",
                "<p>Temporary protection permits valid on 1 February 2025 were first continued "
                "until 4 March 2026. A further ordinance continues them until 4 March 2027."
                "</p><p>We post a certificate to everyone concerned. Please do not visit us "
                "without an invitation.</p>",
            ),
            heading("What does this mean for you?"),
            text(
                "<ul><li>You do not need to apply for an extension.</li>"
                "<li>Your card remains valid together with the certificate.</li>"
                "<li>You may continue to work.</li>"
                "<li>If you move, tell us your new address; we pass your file to the "
                "responsible office.</li></ul>"
            ),
            checklist(
                "Newly arrived? Documents we need",
                [
                    "Online application for refugees from Ukraine",
                    ("Passport or Ukrainian domestic ID", "if available"),
                    "Registration certificate from your town",
                    "Birth certificates of your children",
                ],
            ),
            contact("Questions about protection status"),
        ],
    },
    "chancen": {
        "title": "Opportunity residence right (section 104c)",
        "slug": "opportunity-residence",
        "intro": (
            "People who have lived in Germany with a tolerated status for years can, under "
            "certain conditions, receive a residence permit on probation."
        ),
        "body": [
            text(
                "<p>The opportunity residence right gives you time to meet the requirements of "
                "a lasting right to stay, such as supporting yourself, learning German and "
                "clarifying your identity.</p>"
            ),
            procedure(
                "How we review your application",
                [
                    (
                        "Preferential rights first",
                        "<p>We first check whether you can already receive a permit under "
                        "section 25a (well-integrated young people) or section 25b (lasting "
                        "integration). These take precedence.</p>",
                    ),
                    (
                        "Opportunity residence right",
                        "<p>If those requirements are not met, we check section 104c.</p>",
                    ),
                    (
                        "Instruction sheet with your card",
                        "<p>With the card you receive a sheet in your language listing the "
                        "requirements you still have to meet.</p>",
                    ),
                ],
            ),
            notice(
                "info",
                "Advice",
                "<p>The municipal integration management advises you free of charge, also in "
                "our building. If you may be eligible, we inform you at the next extension of "
                "your toleration.</p>",
            ),
        ],
    },
    "apply": {
        "title": "Apply online",
        "slug": "apply-online",
        "intro": (
            "You can file many applications online. You still have to visit us in person for "
            "fingerprints and payment."
        ),
        "body": [
            text(
                "<p>Online applications are currently available for residence titles for "
                "employment, for the settlement permit and for refugees from Ukraine. More will "
                "follow.</p><p>You can also send your application by post, by e-mail as a PDF "
                "or hand it in at the Bürgerbüro of your town.</p>"
            ),
            notice(
                "info",
                "After applying online",
                "<p>Biometrics and fees are still done at our office. We invite you once your "
                "application has been reviewed.</p>",
            ),
            contact("Bürgerbüros accepting applications"),
        ],
    },
    "appointment": {
        "title": "Book an appointment",
        "slug": "appointment",
        "intro": "You need an appointment for biometrics, the photo and collecting your card.",
        "body": [
            text(
                "<p>Once we have reviewed your application, we invite you to an appointment. "
                "Appointments are tied to an application and cannot be passed on.</p>"
            ),
            checklist(
                "Bring to your appointment",
                [
                    "Your passport",
                    "Your previous card or certificate",
                    ("QR code of your photo", "unless you have your photo taken at our terminal"),
                    "A bank card to pay",
                ],
            ),
            contact("Rescheduling an appointment", opening=True),
        ],
    },
    "status": {
        "title": "Check my case",
        "slug": "case-status",
        "intro": ("We process applications in the order received. Here is what you can expect."),
        "body": [
            text(
                "<p>Processing can currently take up to three months. Please avoid status "
                "enquiries: each one makes everyone wait longer. Write your file number on all "
                "documents you send later.</p>"
            ),
            notice(
                "warning",
                "Is your title about to expire?",
                "<p>We write to you about three months before it expires. If you have no letter "
                "two months before expiry, please apply yourself. An application filed in time "
                "keeps your residence status until the decision; you receive a certificate "
                "for it (Fiktionsbescheinigung).</p>",
            ),
        ],
    },
    "contact": {
        "title": "Contact",
        "slug": "contact",
        "intro": "How to reach the immigration office.",
        "body": [
            contact(
                "Address, phone and opening hours",
                "Personal visits only with an appointment.",
                opening=True,
            ),
            text(
                "<p>Please give your file number, name and date of birth in every message. "
                "Send documents as PDF.</p>"
            ),
        ],
    },
    "news": {
        "title": "News",
        "slug": "news",
        "intro": "News and notices from the immigration office.",
    },
    "news-ukraine-2026": {
        "title": "Ukraine: residence permits continue until 4 March 2026",
        "slug": "ukraine-extension-2026",
        "teaser": (
            "Section 24 permits valid on 1 February 2025 automatically continue until 4 March 2026."
        ),
        "body": [
            text(
                "<p>An amending federal ordinance entered into force on 23 November 2024. You do "
                "not need to apply or visit us; no new card is issued. We post you a "
                "certificate.</p>"
            )
        ],
    },
    "news-photo": {
        "title": "Digital photos only from 1 May 2025",
        "slug": "digital-photos",
        "teaser": (
            "From 1 May 2025 we only accept digital photos for the eAT: taken at our terminal "
            "for 6 euros or as a QR code from a certified studio."
        ),
        "body": [
            text(
                "<p>The reason is a federal law on the security of passports and ID documents. "
                "From that day we can no longer accept paper photos.</p>"
            )
        ],
    },
    "news-ukraine-2027": {
        "title": "Protection for people from Ukraine extended until 4 March 2027",
        "slug": "ukraine-extension-2027",
        "teaser": (
            "A further ordinance continues section 24 permits until 4 March 2027. No "
            "appointment is needed."
        ),
        "body": [
            text(
                "<p>Everyone concerned receives a certificate from us by post. Please do not "
                "contact us while you are waiting for it; the certificates are sent out step "
                "by step.</p>"
            )
        ],
    },
    "news-phone": {
        "title": "Phone hours of the immigration office",
        "slug": "phone-hours",
        "teaser": (
            "You can reach us by phone on Wednesdays from 14:00 to 15:45 and on Thursdays from "
            "8:30 to 11:00."
        ),
        "body": [
            text(
                "<p>Outside these hours please write us an e-mail with your file number. New "
                "appointments are released every Monday.</p>"
            )
        ],
    },
    "downloads": {
        "title": "Forms",
        "slug": "forms",
        "intro": "Forms to print. Please fill them in completely; the forms are in German.",
        "downloads": {
            "form-residence": "For the first grant and every extension.",
            "form-proxy": "If someone else collects your card.",
            "form-employment": "To be completed by your employer.",
        },
    },
}

UK = {
    "home": {
        "title": "Відомство у справах іноземців",
        "slug": "start-uk",
        "intro": (
            "<p>Тут ви знайдете все про дозволи на проживання, картку eAT і вашу заяву. "
            "Основна інформація доступна німецькою, англійською, українською та російською "
            "мовами.</p>"
        ),
        "tasks": {
            "apply": ("Подати заяву онлайн", "Цифрова заява на дозвіл на проживання"),
            "appointment": ("Записатися на прийом", "Відбитки пальців, фото та отримання"),
            "status": ("Стан моєї заяви", "Стан розгляду та строки"),
            "contact": ("Контакти", "Години телефонного зв'язку, адреса, e-mail"),
        },
    },
    "residence": {
        "title": "Дозвіл на проживання",
        "slug": "residence-permit",
        "intro": (
            "Якщо ви не є громадянином країни ЄС, для тривалого перебування вам потрібен "
            "дозвіл на проживання. Ось як його отримати та продовжити."
        ),
        "body": [
            text(
                "<p>Дозвіл на проживання видається на певний строк і з певною метою: навчання, "
                "робота, сімейні або гуманітарні причини. Ви отримуєте його як електронний "
                "дозвіл на проживання (eAT) — картку розміром з банківську.</p>"
            ),
            heading("Загальні вимоги"),
            text(
                "<p>Для кожного дозволу ми спочатку перевіряємо загальні вимоги. Як правило, "
                "ви повинні</p><ul><li>мати дійсний паспорт,</li>"
                "<li>самостійно забезпечувати своє утримання,</li>"
                "<li>підтвердити особу та громадянство,</li>"
                "<li>в'їхати з потрібною візою,</li>"
                "<li>і не мати підстав для видворення.</li></ul>"
            ),
            checklist(
                "Потрібні документи",
                [
                    "Заповнена та підписана заява",
                    ("Дійсний паспорт", "копії всіх сторінок із записами"),
                    (
                        "Цифрове біометричне фото",
                        "на нашому терміналі або QR-код від сертифікованого фотоательє",
                    ),
                    ("Підтвердження доходу", "напр. трудовий договір і три останні розрахунки"),
                    "Підтвердження медичного страхування",
                ],
                "Залежно від мети перебування можуть знадобитися інші документи.",
            ),
            procedure(
                "Як проходить процедура",
                [
                    (
                        "Подання заяви",
                        "<p>Онлайн, поштою, електронною поштою у форматі PDF або в Bürgerbüro "
                        "вашого міста. Ви отримаєте номер справи.</p>",
                    ),
                    (
                        "Перевірка",
                        "<p>Ми розглядаємо заяви суворо в порядку надходження. Якщо бракує "
                        "документів, ми запросимо їх із зазначенням строку.</p>",
                    ),
                    (
                        "Прийом для біометрії",
                        "<p>Ми знімаємо відбитки пальців (з 6 років) і підпис; фото — "
                        "цифрове. Збори ви сплачуєте під час цього прийому.</p>",
                    ),
                    (
                        "Виготовлення картки",
                        "<p>Картку виготовляє Bundesdruckerei. Це триває близько чотирьох–шести "
                        "тижнів.</p>",
                    ),
                    (
                        "Отримання",
                        "<p>Ви або уповноважена особа отримуєте картку в нас.</p>",
                    ),
                ],
            ),
            notice(
                "warning",
                "Продовжуйте вчасно",
                "<p>Прострочений дозвіл продовжити неможливо. Подайте заяву, поки ваш дозвіл "
                "ще дійсний: тоді ваш статус зберігається до ухвалення рішення. Запізніла "
                "заява може призвести до втрати права на роботу.</p>",
            ),
            contact("Питання щодо вашої заяви?"),
        ],
    },
    "settlement": {
        "title": "Дозвіл на постійне проживання",
        "slug": "settlement-permit",
        "intro": (
            "Дозвіл на постійне проживання (Niederlassungserlaubnis) безстроковий і дозволяє "
            "будь-яку роботу. Ось звичайні вимоги."
        ),
        "body": [
            checklist(
                "Звичайні вимоги",
                [
                    "П'ять років із дозволом на проживання",
                    "Забезпечене утримання",
                    ("Німецька мова на рівні B1", "напр. Zertifikat Deutsch"),
                    (
                        "Базові знання правового та суспільного устрою",
                        "напр. тест «Leben in Deutschland»",
                    ),
                    ("Пенсійне забезпечення", "щонайменше 60 місяців пенсійних внесків"),
                    "Достатнє житло для вас і вашої сім'ї",
                ],
                "Для подружжя громадян Німеччини, фахівців, самозайнятих і осіб з гуманітарним "
                "дозволом діють окремі правила.",
            ),
            fees(
                "Збори",
                [
                    ("Видача картки eAT", "67.00", "додатково до збору за дозвіл"),
                    ("Цифрове фото на нашому терміналі", "6.00", "лише оплата карткою"),
                ],
                "Збір за сам дозвіл визначає Положення про перебування. Знижки — лише за "
                "рішенням згідно з SGB II або SGB XII.",
            ),
        ],
    },
    "eat": {
        "title": "Електронний дозвіл на проживання (eAT)",
        "slug": "eat-card",
        "intro": "eAT — це картка з чипом. На ній збережено ваше фото, відбитки пальців і підпис.",
        "body": [
            text(
                "<p>Дозволи видаються у вигляді електронної картки, дійсної не більше десяти "
                "років. За допомогою функції онлайн-ідентифікації та PIN-коду ви можете "
                "безпечно підтверджувати свою особу в інтернеті.</p><p>Нова картка потрібна, "
                "наприклад, коли дозвіл видається або продовжується, коли ви отримуєте дозвіл "
                "на постійне проживання або змінюєте паспорт.</p>"
            ),
            fees(
                "Скільки коштує картка?",
                [
                    ("Нова картка eAT", "67.00", "плюс збір за видачу чи продовження дозволу"),
                    ("Цифрове фото на нашому терміналі", "6.00", ""),
                ],
                "Знижки — лише за рішенням згідно з SGB II або SGB XII. Оплата карткою.",
            ),
            notice(
                "info",
                "Строк виготовлення",
                "<p>Bundesdruckerei виготовляє картку приблизно за чотири–шість тижнів. Ми "
                "напишемо вам, щойно її можна буде отримати.</p>",
            ),
            procedure(
                "Отримання картки",
                [
                    ("Дочекайтеся листа", "<p>Ми надішлемо вам лист із датою прийому.</p>"),
                    (
                        "Візьміть документи",
                        "<p>Візьміть паспорт і попередню картку або довідку.</p>",
                    ),
                    (
                        "Отримайте картку",
                        "<p>Ви перевіряєте дані та отримуєте лист із PIN-кодом. Особі, яка "
                        "отримує картку замість вас, потрібна письмова довіреність.</p>",
                    ),
                ],
            ),
        ],
    },
    "photo": {
        "title": "Біометричне фото",
        "slug": "biometric-photo",
        "intro": (
            "З 1 травня 2025 року для eAT і проїзних документів ми приймаємо лише цифрові "
            "фото. Друковані фото більше не приймаються."
        ),
        "body": [
            notice(
                "warning",
                "Паперові фото більше не приймаються",
                "<p>Будь ласка, не приносьте друковані фото. Є два способи надати цифрове "
                "фото.</p>",
            ),
            procedure(
                "Два способи отримати цифрове фото",
                [
                    (
                        "Фото на нашому терміналі",
                        "<p>Під час прийому для біометрії ми зробимо фото на нашому терміналі. "
                        "Це коштує 6 євро, оплата карткою на місці. Заздалегідь нічого робити "
                        "не потрібно.</p>",
                    ),
                    (
                        "Фото в сертифікованому фотоательє",
                        "<p>Сертифіковане фотоательє або магазин із фотосервісом робить "
                        "знімок і видає вам QR-код або код Data Matrix. Принесіть код на "
                        "прийом, і ми завантажимо фото. Ціну встановлює постачальник.</p>",
                    ),
                ],
            ),
            checklist(
                "Вимоги до фото",
                [
                    "Не старше шести місяців",
                    "Рівне положення голови, погляд у камеру",
                    "Нейтральний вираз обличчя, рот закритий",
                    "Очі відкриті та добре видимі, також в окулярах",
                    "Рівномірне освітлення, однотонний світлий фон",
                ],
            ),
        ],
    },
    "ukraine": {
        "title": "Тимчасовий захист для людей з України (§ 24)",
        "slug": "ukraine",
        "intro": (
            "Дозволи на проживання за § 24 Закону про перебування продовжуються автоматично "
            "федеральними постановами. Записуватися на прийом для цього не потрібно."
        ),
        "body": [
            notice(
                "info",
                "Продовжено до 4 березня 2027 року",
                "<p>Дозволи на тимчасовий захист, дійсні на 1 лютого 2025 року, спочатку "
                "продовжили до 4 березня 2026 року. Нова постанова продовжує їх до 4 березня "
                "2027 року.</p><p>Ми надсилаємо всім, кого це стосується, довідку поштою. "
                "Будь ласка, не приходьте без запрошення.</p>",
            ),
            heading("Що це означає для вас?"),
            text(
                "<ul><li>Подавати заяву на продовження не потрібно.</li>"
                "<li>Ваша картка залишається дійсною разом із довідкою.</li>"
                "<li>Ви можете й надалі працювати.</li>"
                "<li>Якщо ви переїжджаєте, повідомте нам нову адресу; ми передамо вашу "
                "справу до відповідного відомства.</li></ul>"
            ),
            checklist(
                "Щойно прибули? Потрібні документи",
                [
                    "Онлайн-заява для біженців з України",
                    ("Закордонний або внутрішній паспорт України", "якщо є"),
                    "Довідка про реєстрацію від вашого міста",
                    "Свідоцтва про народження дітей",
                ],
            ),
            contact("Питання щодо статусу захисту"),
        ],
    },
    "chancen": {
        "title": "Право на перебування «Шанс» (§ 104c)",
        "slug": "opportunity-residence",
        "intro": (
            "Люди, які роками живуть у Німеччині зі статусом толерованого перебування "
            "(Duldung), за певних умов можуть отримати дозвіл на випробувальний строк."
        ),
        "body": [
            text(
                "<p>Це право дає вам час виконати умови для постійного права на перебування: "
                "забезпечити своє утримання, вивчити німецьку мову та підтвердити особу.</p>"
            ),
            procedure(
                "Як ми розглядаємо вашу заяву",
                [
                    (
                        "Спочатку пріоритетні права",
                        "<p>Спершу ми перевіряємо, чи можете ви вже отримати дозвіл за § 25a "
                        "(добре інтегрована молодь) або § 25b (стала інтеграція). Вони мають "
                        "перевагу.</p>",
                    ),
                    (
                        "Право на перебування «Шанс»",
                        "<p>Якщо цих умов немає, ми перевіряємо § 104c.</p>",
                    ),
                    (
                        "Роз'яснення разом із карткою",
                        "<p>Разом із карткою ви отримаєте пам'ятку вашою мовою з переліком "
                        "умов, які ще потрібно виконати.</p>",
                    ),
                ],
            ),
            notice(
                "info",
                "Консультація",
                "<p>Комунальна служба інтеграції консультує безкоштовно, також у нашому "
                "будинку. Якщо ви можете мати це право, ми повідомимо вас під час наступного "
                "продовження Duldung.</p>",
            ),
        ],
    },
    "apply": {
        "title": "Подати заяву онлайн",
        "slug": "apply-online",
        "intro": (
            "Багато заяв можна подати онлайн. Проте особистий візит для відбитків пальців і "
            "оплати залишається обов'язковим."
        ),
        "body": [
            text(
                "<p>Онлайн-заяви наразі доступні для дозволів на роботу, дозволу на постійне "
                "проживання та для біженців з України. Інші незабаром.</p><p>Також можна "
                "надіслати заяву поштою, електронною поштою у форматі PDF або подати в "
                "Bürgerbüro вашого міста.</p>"
            ),
            notice(
                "info",
                "Після онлайн-заяви",
                "<p>Біометрію та оплату зборів ви, як і раніше, проходите в нас. Ми запросимо "
                "вас, щойно перевіримо заяву.</p>",
            ),
            contact("Bürgerbüro, які приймають заяви"),
        ],
    },
    "appointment": {
        "title": "Записатися на прийом",
        "slug": "appointment",
        "intro": "Для біометрії, фото та отримання картки потрібен запис на прийом.",
        "body": [
            text(
                "<p>Після перевірки вашої заяви ми запросимо вас на прийом. Прийом прив'язаний "
                "до заяви і не може бути переданий іншій особі.</p>"
            ),
            checklist(
                "Що взяти на прийом",
                [
                    "Паспорт",
                    "Попередню картку або довідку",
                    ("QR-код вашого фото", "якщо ви не фотографуєтеся на нашому терміналі"),
                    "Банківську картку для оплати",
                ],
            ),
            contact("Перенести прийом", opening=True),
        ],
    },
    "status": {
        "title": "Стан моєї заяви",
        "slug": "case-status",
        "intro": "Ми розглядаємо заяви в порядку надходження. Ось на що можна розраховувати.",
        "body": [
            text(
                "<p>Розгляд зараз може тривати до трьох місяців. Будь ласка, не надсилайте "
                "запитів про стан справи: кожен запит подовжує очікування для всіх. Зазначайте "
                "номер справи на всіх документах, які надсилаєте пізніше.</p>"
            ),
            notice(
                "warning",
                "Строк дії вашого дозволу спливає?",
                "<p>Приблизно за три місяці до закінчення строку ми вам напишемо. Якщо за два "
                "місяці листа немає, подайте заяву самостійно. Вчасно подана заява зберігає "
                "ваш статус до рішення; ви отримаєте про це довідку "
                "(Fiktionsbescheinigung).</p>",
            ),
        ],
    },
    "contact": {
        "title": "Контакти",
        "slug": "contact",
        "intro": "Як зв'язатися з відомством у справах іноземців.",
        "body": [
            contact(
                "Адреса, телефон і години роботи",
                "Особистий візит лише за попереднім записом.",
                opening=True,
            ),
            text(
                "<p>У кожному повідомленні вказуйте номер справи, ім'я та дату народження. "
                "Надсилайте документи у форматі PDF.</p>"
            ),
        ],
    },
    "news": {
        "title": "Новини",
        "slug": "news",
        "intro": "Новини та повідомлення відомства у справах іноземців.",
    },
    "news-ukraine-2026": {
        "title": "Україна: дозволи діють до 4 березня 2026 року",
        "slug": "ukraine-extension-2026",
        "teaser": (
            "Дозволи за § 24, дійсні на 1 лютого 2025 року, автоматично діють до 4 березня "
            "2026 року."
        ),
        "body": [
            text(
                "<p>Федеральна постанова про зміни набула чинності 23 листопада 2024 року. "
                "Подавати заяву чи приходити не потрібно; нова картка не видається. Ми "
                "надішлемо вам довідку поштою.</p>"
            )
        ],
    },
    "news-photo": {
        "title": "З 1 травня 2025 року — лише цифрові фото",
        "slug": "digital-photos",
        "teaser": (
            "З 1 травня 2025 року для eAT ми приймаємо лише цифрові фото: на нашому терміналі "
            "за 6 євро або QR-код із сертифікованого фотоательє."
        ),
        "body": [
            text(
                "<p>Причина — федеральний закон про безпеку паспортних документів. З цього дня "
                "паперові фото не приймаються.</p>"
            )
        ],
    },
    "news-ukraine-2027": {
        "title": "Захист для людей з України продовжено до 4 березня 2027 року",
        "slug": "ukraine-extension-2027",
        "teaser": (
            "Нова постанова продовжує дозволи за § 24 до 4 березня 2027 року. Записуватися "
            "на прийом не потрібно."
        ),
        "body": [
            text(
                "<p>Усі, кого це стосується, отримають від нас довідку поштою. Будь ласка, не "
                "звертайтеся до нас, поки чекаєте; довідки надсилаються поступово.</p>"
            )
        ],
    },
    "news-phone": {
        "title": "Години телефонного зв'язку",
        "slug": "phone-hours",
        "teaser": (
            "Зателефонувати нам можна в середу з 14:00 до 15:45 і в четвер з 8:30 до 11:00."
        ),
        "body": [
            text(
                "<p>В інший час напишіть нам e-mail із номером справи. Нові терміни прийому "
                "ми відкриваємо щопонеділка.</p>"
            )
        ],
    },
    "downloads": {
        "title": "Бланки",
        "slug": "forms",
        "intro": "Бланки для друку (німецькою мовою). Будь ласка, заповнюйте їх повністю.",
        "downloads": {
            "form-residence": "Для першої видачі та кожного продовження.",
            "form-proxy": "Якщо картку отримує інша особа.",
            "form-employment": "Заповнює ваш роботодавець.",
        },
    },
}

RU = {
    "home": {
        "title": "Ведомство по делам иностранцев",
        "slug": "start-ru",
        "intro": (
            "<p>Здесь вы найдёте всё о видах на жительство, карте eAT и вашем заявлении. "
            "Основная информация доступна на немецком, английском, украинском и русском "
            "языках.</p>"
        ),
        "tasks": {
            "apply": ("Подать заявление онлайн", "Цифровое заявление на вид на жительство"),
            "appointment": ("Записаться на приём", "Отпечатки пальцев, фото и получение"),
            "status": ("Статус моего заявления", "Ход рассмотрения и сроки"),
            "contact": ("Контакты", "Часы звонков, адрес и e-mail"),
        },
    },
    "residence": {
        "title": "Разрешение на пребывание",
        "slug": "residence-permit",
        "intro": (
            "Если вы не гражданин страны ЕС, для длительного пребывания вам нужен вид на "
            "жительство. Вот как его получить и продлить."
        ),
        "body": [
            text(
                "<p>Разрешение на пребывание выдаётся на определённый срок и с определённой "
                "целью: учёба, работа, семейные или гуманитарные причины. Вы получаете его как "
                "электронный вид на жительство (eAT) — карту размером с банковскую.</p>"
            ),
            heading("Общие требования"),
            text(
                "<p>Для каждого вида на жительство мы сначала проверяем общие требования. Как "
                "правило, вы должны</p><ul><li>иметь действительный паспорт,</li>"
                "<li>самостоятельно обеспечивать своё содержание,</li>"
                "<li>подтвердить личность и гражданство,</li>"
                "<li>въехать с необходимой визой,</li>"
                "<li>и не иметь оснований для высылки.</li></ul>"
            ),
            checklist(
                "Необходимые документы",
                [
                    "Заполненное и подписанное заявление",
                    ("Действительный паспорт", "копии всех страниц с записями"),
                    (
                        "Цифровое биометрическое фото",
                        "на нашем терминале или QR-код из сертифицированного фотоателье",
                    ),
                    ("Подтверждение дохода", "напр. трудовой договор и три последних расчёта"),
                    "Подтверждение медицинской страховки",
                ],
                "В зависимости от цели пребывания могут понадобиться другие документы.",
            ),
            procedure(
                "Как проходит процедура",
                [
                    (
                        "Подача заявления",
                        "<p>Онлайн, по почте, по e-mail в формате PDF или в Bürgerbüro вашего "
                        "города. Вы получите номер дела.</p>",
                    ),
                    (
                        "Проверка",
                        "<p>Мы рассматриваем заявления строго в порядке поступления. Если не "
                        "хватает документов, мы запросим их с указанием срока.</p>",
                    ),
                    (
                        "Приём для биометрии",
                        "<p>Мы снимаем отпечатки пальцев (с 6 лет) и подпись; фото — "
                        "цифровое. Сборы вы оплачиваете на этом приёме.</p>",
                    ),
                    (
                        "Изготовление карты",
                        "<p>Карту изготавливает Bundesdruckerei. Это занимает около четырёх–"
                        "шести недель.</p>",
                    ),
                    (
                        "Получение",
                        "<p>Вы или уполномоченное лицо получаете карту у нас.</p>",
                    ),
                ],
            ),
            notice(
                "warning",
                "Продлевайте вовремя",
                "<p>Просроченный вид на жительство продлить нельзя. Подайте заявление, пока "
                "ваш документ ещё действителен: тогда ваш статус сохраняется до решения. "
                "Опоздание может стоить вам права на работу.</p>",
            ),
            contact("Вопросы по вашему заявлению?"),
        ],
    },
    "settlement": {
        "title": "Разрешение на поселение",
        "slug": "settlement-permit",
        "intro": (
            "Разрешение на поселение (Niederlassungserlaubnis) бессрочное и разрешает любую "
            "работу. Вот обычные требования."
        ),
        "body": [
            checklist(
                "Обычные требования",
                [
                    "Пять лет с разрешением на пребывание",
                    "Обеспеченное содержание",
                    ("Немецкий язык на уровне B1", "напр. Zertifikat Deutsch"),
                    (
                        "Базовые знания правового и общественного строя",
                        "напр. тест «Leben in Deutschland»",
                    ),
                    ("Пенсионное обеспечение", "не менее 60 месяцев пенсионных взносов"),
                    "Достаточное жильё для вас и вашей семьи",
                ],
                "Для супругов граждан Германии, специалистов, самозанятых и лиц с "
                "гуманитарным статусом действуют особые правила.",
            ),
            fees(
                "Сборы",
                [
                    ("Выдача карты eAT", "67.00", "дополнительно к сбору за разрешение"),
                    ("Цифровое фото на нашем терминале", "6.00", "только оплата картой"),
                ],
                "Сбор за само разрешение определяет Положение о пребывании. Скидки — только "
                "при наличии решения по SGB II или SGB XII.",
            ),
        ],
    },
    "eat": {
        "title": "Электронный вид на жительство (eAT)",
        "slug": "eat-card",
        "intro": "eAT — это карта с чипом. На ней хранятся ваше фото, отпечатки пальцев и подпись.",
        "body": [
            text(
                "<p>Виды на жительство выдаются в виде электронной карты, действительной не "
                "более десяти лет. С функцией онлайн-идентификации и PIN-кодом вы можете "
                "безопасно подтверждать свою личность в интернете.</p><p>Новая карта нужна, "
                "например, при выдаче или продлении разрешения, при получении разрешения на "
                "поселение или при замене паспорта.</p>"
            ),
            fees(
                "Сколько стоит карта?",
                [
                    ("Новая карта eAT", "67.00", "плюс сбор за выдачу или продление"),
                    ("Цифровое фото на нашем терминале", "6.00", ""),
                ],
                "Скидки — только при наличии решения по SGB II или SGB XII. Оплата картой.",
            ),
            notice(
                "info",
                "Срок изготовления",
                "<p>Bundesdruckerei изготавливает карту примерно за четыре–шесть недель. Мы "
                "напишем вам, как только её можно будет получить.</p>",
            ),
            procedure(
                "Получение карты",
                [
                    ("Дождитесь письма", "<p>Мы пришлём вам письмо с датой приёма.</p>"),
                    (
                        "Возьмите документы",
                        "<p>Возьмите паспорт и прежнюю карту или справку.</p>",
                    ),
                    (
                        "Получите карту",
                        "<p>Вы проверяете данные и получаете письмо с PIN-кодом. Тому, кто "
                        "получает карту за вас, нужна письменная доверенность.</p>",
                    ),
                ],
            ),
        ],
    },
    "photo": {
        "title": "Биометрическое фото",
        "slug": "biometric-photo",
        "intro": (
            "С 1 мая 2025 года для eAT и проездных документов мы принимаем только цифровые "
            "фото. Напечатанные фотографии больше не принимаются."
        ),
        "body": [
            notice(
                "warning",
                "Бумажные фото больше не принимаются",
                "<p>Пожалуйста, не приносите напечатанные фото. Есть два способа предоставить "
                "цифровое фото.</p>",
            ),
            procedure(
                "Два способа получить цифровое фото",
                [
                    (
                        "Фото на нашем терминале",
                        "<p>На приёме для биометрии мы сделаем фото на нашем терминале. Это "
                        "стоит 6 евро, оплата картой на месте. Заранее ничего делать не "
                        "нужно.</p>",
                    ),
                    (
                        "Фото в сертифицированном фотоателье",
                        "<p>Сертифицированное фотоателье или магазин с фотоуслугами делает "
                        "снимок и выдаёт вам QR-код или код Data Matrix. Принесите код на "
                        "приём, и мы загрузим фото. Цену устанавливает поставщик.</p>",
                    ),
                ],
            ),
            checklist(
                "Требования к фото",
                [
                    "Не старше шести месяцев",
                    "Прямое положение головы, взгляд в камеру",
                    "Нейтральное выражение лица, рот закрыт",
                    "Глаза открыты и хорошо видны, также в очках",
                    "Равномерное освещение, однотонный светлый фон",
                ],
            ),
        ],
    },
    "ukraine": {
        "title": "Временная защита для людей из Украины (§ 24)",
        "slug": "ukraine",
        "intro": (
            "Разрешения по § 24 Закона о пребывании продлеваются автоматически федеральными "
            "постановлениями. Записываться на приём для этого не нужно."
        ),
        "body": [
            notice(
                "info",
                "Продлено до 4 марта 2027 года",
                "<p>Разрешения на временную защиту, действительные на 1 февраля 2025 года, "
                "сначала продлили до 4 марта 2026 года. Новое постановление продлевает их до "
                "4 марта 2027 года.</p><p>Мы отправляем всем, кого это касается, справку по "
                "почте. Пожалуйста, не приходите без приглашения.</p>",
            ),
            heading("Что это значит для вас?"),
            text(
                "<ul><li>Подавать заявление на продление не нужно.</li>"
                "<li>Ваша карта остаётся действительной вместе со справкой.</li>"
                "<li>Вы можете продолжать работать.</li>"
                "<li>При переезде сообщите нам новый адрес; мы передадим ваше дело в "
                "компетентное ведомство.</li></ul>"
            ),
            checklist(
                "Недавно прибыли? Необходимые документы",
                [
                    "Онлайн-заявление для беженцев из Украины",
                    ("Загранпаспорт или внутренний паспорт Украины", "если есть"),
                    "Справка о регистрации от вашего города",
                    "Свидетельства о рождении детей",
                ],
            ),
            contact("Вопросы о статусе защиты"),
        ],
    },
    "chancen": {
        "title": "Право на пребывание «Шанс» (§ 104c)",
        "slug": "opportunity-residence",
        "intro": (
            "Люди, которые годами живут в Германии со статусом терпимого пребывания "
            "(Duldung), при определённых условиях могут получить разрешение на испытательный "
            "срок."
        ),
        "body": [
            text(
                "<p>Это право даёт вам время выполнить условия для постоянного права на "
                "пребывание: обеспечить своё содержание, выучить немецкий язык и подтвердить "
                "личность.</p>"
            ),
            procedure(
                "Как мы рассматриваем ваше заявление",
                [
                    (
                        "Сначала приоритетные права",
                        "<p>Сначала мы проверяем, можете ли вы уже получить разрешение по "
                        "§ 25a (хорошо интегрированная молодёжь) или § 25b (устойчивая "
                        "интеграция). Они имеют преимущество.</p>",
                    ),
                    (
                        "Право на пребывание «Шанс»",
                        "<p>Если этих условий нет, мы проверяем § 104c.</p>",
                    ),
                    (
                        "Разъяснение вместе с картой",
                        "<p>Вместе с картой вы получите памятку на вашем языке со списком "
                        "условий, которые ещё нужно выполнить.</p>",
                    ),
                ],
            ),
            notice(
                "info",
                "Консультация",
                "<p>Коммунальная служба интеграции консультирует бесплатно, в том числе в "
                "нашем здании. Если вы можете иметь это право, мы сообщим вам при следующем "
                "продлении Duldung.</p>",
            ),
        ],
    },
    "apply": {
        "title": "Подать заявление онлайн",
        "slug": "apply-online",
        "intro": (
            "Многие заявления можно подать онлайн. Однако личный визит для отпечатков пальцев "
            "и оплаты остаётся обязательным."
        ),
        "body": [
            text(
                "<p>Онлайн-заявления сейчас доступны для разрешений на работу, разрешения на "
                "поселение и для беженцев из Украины. Другие появятся позже.</p><p>Также можно "
                "отправить заявление по почте, по e-mail в формате PDF или подать его в "
                "Bürgerbüro вашего города.</p>"
            ),
            notice(
                "info",
                "После онлайн-заявления",
                "<p>Биометрию и оплату сборов вы по-прежнему проходите у нас. Мы пригласим "
                "вас, как только проверим заявление.</p>",
            ),
            contact("Bürgerbüro, принимающие заявления"),
        ],
    },
    "appointment": {
        "title": "Записаться на приём",
        "slug": "appointment",
        "intro": "Для биометрии, фото и получения карты нужна запись на приём.",
        "body": [
            text(
                "<p>После проверки вашего заявления мы пригласим вас на приём. Запись "
                "привязана к заявлению и не может быть передана другому лицу.</p>"
            ),
            checklist(
                "Что взять на приём",
                [
                    "Паспорт",
                    "Прежнюю карту или справку",
                    ("QR-код вашего фото", "если вы не фотографируетесь на нашем терминале"),
                    "Банковскую карту для оплаты",
                ],
            ),
            contact("Перенести приём", opening=True),
        ],
    },
    "status": {
        "title": "Статус моего заявления",
        "slug": "case-status",
        "intro": "Мы рассматриваем заявления в порядке поступления. Вот чего можно ожидать.",
        "body": [
            text(
                "<p>Сейчас рассмотрение может длиться до трёх месяцев. Пожалуйста, не "
                "отправляйте запросы о статусе: каждый запрос удлиняет ожидание для всех. "
                "Указывайте номер дела на всех документах, которые досылаете.</p>"
            ),
            notice(
                "warning",
                "Срок вашего документа скоро истекает?",
                "<p>Примерно за три месяца до окончания срока мы вам напишем. Если за два "
                "месяца письма нет, подайте заявление сами. Своевременно поданное заявление "
                "сохраняет ваш статус до решения; вы получите об этом справку "
                "(Fiktionsbescheinigung).</p>",
            ),
        ],
    },
    "contact": {
        "title": "Контакты",
        "slug": "contact",
        "intro": "Как связаться с ведомством по делам иностранцев.",
        "body": [
            contact(
                "Адрес, телефон и часы работы",
                "Личный визит только по предварительной записи.",
                opening=True,
            ),
            text(
                "<p>В каждом сообщении указывайте номер дела, имя и дату рождения. Отправляйте "
                "документы в формате PDF.</p>"
            ),
        ],
    },
    "news": {
        "title": "Новости",
        "slug": "news",
        "intro": "Новости и сообщения ведомства по делам иностранцев.",
    },
    "news-ukraine-2026": {
        "title": "Украина: разрешения действуют до 4 марта 2026 года",
        "slug": "ukraine-extension-2026",
        "teaser": (
            "Разрешения по § 24, действительные на 1 февраля 2025 года, автоматически "
            "действуют до 4 марта 2026 года."
        ),
        "body": [
            text(
                "<p>Федеральное постановление об изменениях вступило в силу 23 ноября 2024 "
                "года. Подавать заявление или приходить не нужно; новая карта не выдаётся. Мы "
                "отправим вам справку по почте.</p>"
            )
        ],
    },
    "news-photo": {
        "title": "С 1 мая 2025 года — только цифровые фото",
        "slug": "digital-photos",
        "teaser": (
            "С 1 мая 2025 года для eAT мы принимаем только цифровые фото: на нашем терминале "
            "за 6 евро или QR-код из сертифицированного фотоателье."
        ),
        "body": [
            text(
                "<p>Причина — федеральный закон о безопасности паспортных документов. С этого "
                "дня бумажные фото не принимаются.</p>"
            )
        ],
    },
    "news-ukraine-2027": {
        "title": "Защита для людей из Украины продлена до 4 марта 2027 года",
        "slug": "ukraine-extension-2027",
        "teaser": (
            "Новое постановление продлевает разрешения по § 24 до 4 марта 2027 года. "
            "Записываться на приём не нужно."
        ),
        "body": [
            text(
                "<p>Все, кого это касается, получат от нас справку по почте. Пожалуйста, не "
                "обращайтесь к нам, пока ждёте; справки рассылаются постепенно.</p>"
            )
        ],
    },
    "news-phone": {
        "title": "Часы телефонной связи",
        "slug": "phone-hours",
        "teaser": ("Позвонить нам можно в среду с 14:00 до 15:45 и в четверг с 8:30 до 11:00."),
        "body": [
            text(
                "<p>В другое время напишите нам e-mail с номером дела. Новые даты приёма мы "
                "открываем каждый понедельник.</p>"
            )
        ],
    },
    "downloads": {
        "title": "Бланки",
        "slug": "forms",
        "intro": "Бланки для печати (на немецком языке). Пожалуйста, заполняйте их полностью.",
        "downloads": {
            "form-residence": "Для первой выдачи и каждого продления.",
            "form-proxy": "Если карту получает другое лицо.",
            "form-employment": "Заполняет ваш работодатель.",
        },
    },
}

CONTENT = {"de": DE, "en": EN, "uk": UK, "ru": RU}
