"""Demo office for casework: departments, case types, one login per role, persons and cases.

Called by :mod:`demo.loader` (``manage.py load_demo``). Idempotent: departments, case types,
groups and users are created or updated; the persons and cases are created once (skipped when
demo cases exist). Cases are moved through the services, so every case has a consistent
history; timestamps are then spread over the past months so that worklists and the overdue
list look like a real office's.
"""

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import services
from .constants import (
    FINAL_STATES,
    OFFICE_ADMIN_GROUP,
    CaseCategory,
    CaseState,
    Channel,
    Language,
    PhotoSource,
    Role,
)
from .exceptions import ConcurrentChange, TransitionNotAllowed
from .models import (
    CardOrder,
    Case,
    CaseDocument,
    CaseHistory,
    CaseType,
    Department,
    HandOver,
    Membership,
    Person,
    RequiredDocument,
)
from .workflow import add_years

__all__ = [
    "CASEWORK_STAFF_GROUP",
    "DEMO_NOTE",
    "PASSWORD",
    "USERS",
    "load",
    "temporary_protection_end",
    "title_valid_until",
]

#: Marks the demo's cases (so a second run skips them).
DEMO_NOTE = "Demo-Datensatz"
PASSWORD = "demo"  # noqa: S105 (local demo logins, documented in README)
CASEWORK_STAFF_GROUP = "Casework staff"
PERSONS = 260
SEED = 20260301

DEPARTMENTS = [
    # code, name, handles cases
    ("aufenthalt", "Aufenthalt/Anerkennung", True),
    ("asyl-eu", "Asyl/EU", True),
    ("service-point", "Service Point", False),
    ("einbuergerung", "Einbürgerung/Staatsangehörigkeit", True),
    ("integration", "Integration", True),
]

_PASSPORT = ("passport", "Gültiger Reisepass")
_REGISTRATION = ("registration", "Meldebescheinigung")
_INSURANCE = ("health-insurance", "Nachweis der Krankenversicherung")
_INCOME = ("income", "Nachweis des Lebensunterhalts (Gehaltsabrechnungen)")
_CONTRACT = ("employment-contract", "Arbeitsvertrag")
_RENT = ("tenancy", "Mietvertrag oder Wohnraumnachweis")
_BAMF = ("bamf-decision", "Bescheid des BAMF")
_MARRIAGE = ("marriage-certificate", "Heiratsurkunde")
_BIRTH = ("birth-certificate", "Geburtsurkunde")
#: § 24: whatever proves identity; a passport is not required.
_IDENTITY = (
    "identity-document",
    "Reisepass oder ukrainische ID-Karte (falls vorhanden), bei Kindern die Geburtsurkunde",
)

# code, name, legal basis, category, department, title fee (cents), card fee (cents),
# requires Belehrung, max validity (years), documents
CASE_TYPES = [
    (
        "16a",
        "Aufenthaltserlaubnis zur Berufsausbildung",
        "§ 16a AufenthG",
        CaseCategory.EDUCATION,
        "aufenthalt",
        10000,
        6700,
        False,
        3,
        [_PASSPORT, ("training-contract", "Ausbildungsvertrag"), _INSURANCE, _REGISTRATION],
    ),
    (
        "16b",
        "Aufenthaltserlaubnis zum Studium",
        "§ 16b AufenthG",
        CaseCategory.EDUCATION,
        "aufenthalt",
        10000,
        6700,
        False,
        2,
        [
            _PASSPORT,
            ("admission", "Zulassung der Hochschule"),
            ("blocked-account", "Finanzierungsnachweis (Sperrkonto)"),
            _INSURANCE,
        ],
    ),
    (
        "16f",
        "Aufenthaltserlaubnis für einen Sprachkurs",
        "§ 16f AufenthG",
        CaseCategory.EDUCATION,
        "aufenthalt",
        10000,
        6700,
        False,
        1,
        [_PASSPORT, ("course-enrolment", "Anmeldung zum Sprachkurs"), _INCOME, _INSURANCE],
    ),
    (
        "18a",
        "Fachkraft mit Berufsausbildung",
        "§ 18a AufenthG",
        CaseCategory.EMPLOYMENT,
        "aufenthalt",
        10000,
        6700,
        False,
        4,
        [_PASSPORT, _CONTRACT, ("recognition", "Anerkennung der Berufsqualifikation"), _INSURANCE],
    ),
    (
        "18b",
        "Fachkraft mit akademischer Ausbildung",
        "§ 18b AufenthG",
        CaseCategory.EMPLOYMENT,
        "aufenthalt",
        10000,
        6700,
        False,
        4,
        [_PASSPORT, _CONTRACT, ("degree", "Hochschulabschluss (anerkannt)"), _INSURANCE],
    ),
    (
        "18g",
        "Blaue Karte EU",
        "§ 18g AufenthG",
        CaseCategory.EMPLOYMENT,
        "aufenthalt",
        10000,
        6700,
        False,
        4,
        [
            _PASSPORT,
            _CONTRACT,
            ("degree", "Hochschulabschluss (anerkannt)"),
            ("salary", "Nachweis des Mindestgehalts"),
        ],
    ),
    (
        "19c",
        "Beschäftigung (sonstige Zwecke)",
        "§ 19c AufenthG",
        CaseCategory.EMPLOYMENT,
        "aufenthalt",
        10000,
        6700,
        False,
        2,
        [_PASSPORT, _CONTRACT, ("ba-approval", "Zustimmung der Bundesagentur für Arbeit")],
    ),
    (
        "21",
        "Selbständige Tätigkeit",
        "§ 21 AufenthG",
        CaseCategory.EMPLOYMENT,
        "aufenthalt",
        10000,
        6700,
        False,
        3,
        [
            _PASSPORT,
            ("business-plan", "Geschäftsplan"),
            ("financing", "Finanzierungsnachweis"),
            _INSURANCE,
        ],
    ),
    (
        "24",
        "Vorübergehender Schutz (Ukraine)",
        "§ 24 AufenthG",
        CaseCategory.HUMANITARIAN,
        "asyl-eu",
        0,
        6700,
        False,
        2,
        [
            _IDENTITY,
            ("ukraine-residence", "Nachweis des Aufenthalts in der Ukraine"),
            _REGISTRATION,
        ],
    ),
    (
        "25-1",
        "Asylberechtigte",
        "§ 25 Abs. 1 AufenthG",
        CaseCategory.HUMANITARIAN,
        "aufenthalt",
        0,
        6700,
        False,
        3,
        [_PASSPORT, _BAMF, _REGISTRATION],
    ),
    (
        "25-2",
        "Flüchtlingseigenschaft / subsidiärer Schutz",
        "§ 25 Abs. 2 AufenthG",
        CaseCategory.HUMANITARIAN,
        "aufenthalt",
        0,
        6700,
        False,
        3,
        [_PASSPORT, _BAMF, _REGISTRATION],
    ),
    (
        "25a",
        "Gut integrierte Jugendliche und junge Volljährige",
        "§ 25a AufenthG",
        CaseCategory.HUMANITARIAN,
        "integration",
        10000,
        6700,
        False,
        3,
        [_PASSPORT, ("school", "Schulbescheinigung oder Ausbildungsnachweis"), _REGISTRATION],
    ),
    (
        "25b",
        "Nachhaltige Integration",
        "§ 25b AufenthG",
        CaseCategory.HUMANITARIAN,
        "integration",
        10000,
        6700,
        False,
        2,
        [
            _PASSPORT,
            ("language-a2", "Sprachnachweis A2"),
            _INCOME,
            ("orientation", "Kenntnisse der Rechts- und Gesellschaftsordnung"),
        ],
    ),
    (
        "28",
        "Familiennachzug zu Deutschen",
        "§ 28 AufenthG",
        CaseCategory.FAMILY,
        "aufenthalt",
        10000,
        6700,
        False,
        3,
        [_PASSPORT, _MARRIAGE, ("german-partner", "Ausweis des deutschen Familienangehörigen")],
    ),
    (
        "30",
        "Ehegattennachzug",
        "§ 30 AufenthG",
        CaseCategory.FAMILY,
        "aufenthalt",
        10000,
        6700,
        False,
        3,
        [_PASSPORT, _MARRIAGE, ("language-a1", "Sprachnachweis A1"), _RENT, _INCOME],
    ),
    (
        "32",
        "Kindernachzug",
        "§ 32 AufenthG",
        CaseCategory.FAMILY,
        "aufenthalt",
        10000,
        6700,
        False,
        3,
        [_PASSPORT, _BIRTH, ("custody", "Sorgerechtsnachweis"), _RENT],
    ),
    (
        "104c",
        "Chancen-Aufenthaltsrecht",
        "§ 104c AufenthG",
        CaseCategory.HUMANITARIAN,
        "asyl-eu",
        10000,
        6700,
        True,
        1,
        [
            _PASSPORT,
            ("toleration", "Duldungsbescheinigung"),
            ("identity", "Nachweis der Identität"),
        ],
    ),
    (
        "9",
        "Niederlassungserlaubnis",
        "§ 9 AufenthG",
        CaseCategory.PERMANENT,
        "einbuergerung",
        11300,
        6700,
        False,
        10,
        [
            _PASSPORT,
            ("pension", "Rentenversicherungsverlauf (60 Monate)"),
            ("language-b1", "Sprachnachweis B1"),
            ("lid-test", "Test „Leben in Deutschland“"),
            _INCOME,
        ],
    ),
    (
        "9a",
        "Erlaubnis zum Daueraufenthalt-EU",
        "§ 9a AufenthG",
        CaseCategory.PERMANENT,
        "einbuergerung",
        10900,
        6700,
        False,
        10,
        [_PASSPORT, ("language-b1", "Sprachnachweis B1"), _INCOME, _INSURANCE],
    ),
    (
        "eu-family",
        "Aufenthaltskarte für Familienangehörige von Unionsbürgern",
        "§ 5 FreizügG/EU",
        CaseCategory.EU,
        "asyl-eu",
        0,
        3750,
        False,
        5,
        [_PASSPORT, _MARRIAGE, ("eu-citizen", "Nachweis der Freizügigkeit des Unionsbürgers")],
    ),
]

# The names of case types (by code) and checklist documents (by code) for applicants:
# (English, Ukrainian, Russian). German is the ``name`` of CASE_TYPES and the documents.
CASE_TYPE_NAMES = {
    "16a": (
        "Residence permit for vocational training",
        "Дозвіл на проживання для професійного навчання",
        "Вид на жительство для профессионального обучения",
    ),
    "16b": (
        "Residence permit for university studies",
        "Дозвіл на проживання для навчання в університеті",
        "Вид на жительство для учёбы в вузе",
    ),
    "16f": (
        "Residence permit for a language course",
        "Дозвіл на проживання для відвідування мовних курсів",
        "Вид на жительство для посещения языковых курсов",
    ),
    "18a": (
        "Skilled worker with vocational training",
        "Кваліфікований фахівець із професійною освітою",
        "Квалифицированный специалист с профессиональным образованием",
    ),
    "18b": (
        "Skilled worker with an academic degree",
        "Кваліфікований фахівець із вищою освітою",
        "Квалифицированный специалист с высшим образованием",
    ),
    "18g": ("EU Blue Card", "Блакитна карта ЄС", "Голубая карта ЕС"),
    "19c": (
        "Employment (other purposes)",
        "Працевлаштування (інші цілі)",
        "Трудоустройство (прочие цели)",
    ),
    "21": (
        "Self-employment",
        "Самостійна підприємницька діяльність",
        "Самостоятельная предпринимательская деятельность",
    ),
    "24": (
        "Temporary protection (Ukraine)",
        "Тимчасовий захист (Україна)",
        "Временная защита (Украина)",
    ),
    "25-1": (
        "Persons entitled to asylum",
        "Особи, які мають право на притулок",
        "Лица, имеющие право на убежище",
    ),
    "25-2": (
        "Refugee status / subsidiary protection",
        "Статус біженця / субсидіарний захист",
        "Статус беженца / субсидиарная защита",
    ),
    "25a": (
        "Well-integrated adolescents and young adults",
        "Добре інтегровані підлітки та молоді повнолітні",
        "Хорошо интегрированные подростки и молодые совершеннолетние",
    ),
    "25b": ("Sustainable integration", "Стала інтеграція", "Устойчивая интеграция"),
    "28": (
        "Family reunification with German nationals",
        "Возз’єднання сім’ї з громадянами Німеччини",
        "Воссоединение семьи с гражданами Германии",
    ),
    "30": (
        "Spousal reunification",
        "Возз’єднання з чоловіком або дружиною",
        "Воссоединение супругов",
    ),
    "32": (
        "Child reunification",
        "Возз’єднання дітей з батьками",
        "Воссоединение детей с родителями",
    ),
    "104c": (
        "Opportunity right of residence (Chancen-Aufenthaltsrecht)",
        "Право на перебування «Шанс» (Chancen-Aufenthaltsrecht)",
        "Право на пребывание «Шанс» (Chancen-Aufenthaltsrecht)",
    ),
    "9": (
        "Settlement permit",
        "Дозвіл на постійне проживання",
        "Бессрочный вид на жительство",
    ),
    "9a": (
        "EU long-term residence permit",
        "Дозвіл на довгострокове проживання в ЄС",
        "Разрешение на долгосрочное пребывание в ЕС",
    ),
    "eu-family": (
        "Residence card for family members of EU citizens",
        "Картка перебування для членів сімей громадян ЄС",
        "Карта пребывания для членов семей граждан ЕС",
    ),
}
DOCUMENT_NAMES = {
    "identity-document": (
        "Passport or Ukrainian ID card (if you have one); for children the birth certificate",
        "Закордонний паспорт або ID-картка громадянина України (якщо є); для дітей — "
        "свідоцтво про народження",
        "Заграничный паспорт или ID-карта гражданина Украины (если есть); для детей — "
        "свидетельство о рождении",
    ),
    "passport": (
        "Valid passport",
        "Дійсний закордонний паспорт",
        "Действительный заграничный паспорт",
    ),
    "registration": (
        "Certificate of registration of address (Meldebescheinigung)",
        "Довідка про реєстрацію місця проживання (Meldebescheinigung)",
        "Справка о регистрации по месту жительства (Meldebescheinigung)",
    ),
    "health-insurance": (
        "Proof of health insurance",
        "Підтвердження медичного страхування",
        "Подтверждение медицинского страхования",
    ),
    "income": (
        "Proof of means of subsistence (payslips)",
        "Підтвердження засобів до існування (розрахункові листи із зарплати)",
        "Подтверждение средств к существованию (расчётные листы по зарплате)",
    ),
    "employment-contract": ("Employment contract", "Трудовий договір", "Трудовой договор"),
    "tenancy": (
        "Tenancy agreement or proof of housing",
        "Договір оренди або підтвердження наявності житла",
        "Договор аренды или подтверждение наличия жилья",
    ),
    "bamf-decision": (
        "Decision of the Federal Office for Migration and Refugees (BAMF)",
        "Рішення Федерального відомства у справах міграції та біженців (BAMF)",
        "Решение Федерального ведомства по делам миграции и беженцев (BAMF)",
    ),
    "marriage-certificate": ("Marriage certificate", "Свідоцтво про шлюб", "Свидетельство о браке"),
    "birth-certificate": (
        "Birth certificate",
        "Свідоцтво про народження",
        "Свидетельство о рождении",
    ),
    "training-contract": (
        "Vocational training contract",
        "Договір про професійне навчання",
        "Договор о профессиональном обучении",
    ),
    "admission": (
        "Letter of admission from the university",
        "Лист про зарахування до університету",
        "Подтверждение о зачислении в вуз",
    ),
    "blocked-account": (
        "Proof of financial resources (blocked account)",
        "Підтвердження фінансового забезпечення (блокований рахунок)",
        "Подтверждение финансового обеспечения (блокированный счёт)",
    ),
    "course-enrolment": (
        "Enrolment in the language course",
        "Підтвердження запису на мовні курси",
        "Подтверждение записи на языковые курсы",
    ),
    "recognition": (
        "Recognition of the professional qualification",
        "Визнання професійної кваліфікації",
        "Признание профессиональной квалификации",
    ),
    "degree": (
        "University degree (recognised)",
        "Диплом про вищу освіту (визнаний)",
        "Диплом о высшем образовании (признанный)",
    ),
    "salary": (
        "Proof of the minimum salary",
        "Підтвердження мінімальної заробітної плати",
        "Подтверждение минимальной заработной платы",
    ),
    "ba-approval": (
        "Approval of the Federal Employment Agency",
        "Згода Федерального агентства з питань праці",
        "Согласие Федерального агентства по труду",
    ),
    "business-plan": ("Business plan", "Бізнес-план", "Бизнес-план"),
    "financing": (
        "Proof of financing",
        "Підтвердження фінансування",
        "Подтверждение финансирования",
    ),
    "ukraine-residence": (
        "Proof of residence in Ukraine",
        "Підтвердження проживання в Україні",
        "Подтверждение проживания в Украине",
    ),
    "school": (
        "School certificate or proof of vocational training",
        "Довідка зі школи або підтвердження професійного навчання",
        "Справка из школы или подтверждение профессионального обучения",
    ),
    "language-a1": (
        "Language certificate (level A1)",
        "Мовний сертифікат (рівень A1)",
        "Языковой сертификат (уровень A1)",
    ),
    "language-a2": (
        "Language certificate (level A2)",
        "Мовний сертифікат (рівень A2)",
        "Языковой сертификат (уровень A2)",
    ),
    "language-b1": (
        "Language certificate (level B1)",
        "Мовний сертифікат (рівень B1)",
        "Языковой сертификат (уровень B1)",
    ),
    "orientation": (
        "Knowledge of the legal and social order",
        "Знання правового та суспільного устрою",
        "Знание правового и общественного строя",
    ),
    "german-partner": (
        "Identity card of the German family member",
        "Посвідчення особи члена сім’ї — громадянина Німеччини",
        "Удостоверение личности члена семьи — гражданина Германии",
    ),
    "custody": (
        "Proof of custody",
        "Підтвердження батьківських прав (опіки)",
        "Подтверждение родительских прав (опеки)",
    ),
    "toleration": (
        "Certificate of suspension of deportation (Duldung)",
        "Довідка про тимчасове зупинення депортації (Duldung)",
        "Справка о временной приостановке депортации (Duldung)",
    ),
    "identity": ("Proof of identity", "Підтвердження особи", "Подтверждение личности"),
    "pension": (
        "Pension insurance record (60 months)",
        "Виписка з пенсійного страхування (60 місяців)",
        "Выписка из пенсионного страхования (60 месяцев)",
    ),
    "lid-test": (
        "“Life in Germany” test",
        "Тест «Життя в Німеччині»",
        "Тест «Жизнь в Германии»",
    ),
    "eu-citizen": (
        "Proof of the EU citizen’s right of free movement",
        "Підтвердження права громадянина ЄС на вільне пересування",
        "Подтверждение права гражданина ЕС на свободное передвижение",
    ),
}


def _translated(names: tuple[str, str, str]) -> dict[str, str]:
    return dict(zip(("name_en", "name_uk", "name_ru"), names, strict=True))


# username, first name, last name, [(department code, role)], groups, superuser
USERS = [
    (
        "sachbearbeitung",
        "Sabine",
        "Krüger",
        [("aufenthalt", Role.CASEWORKER)],
        [CASEWORK_STAFF_GROUP],
        False,
    ),
    (
        "sachbearbeitung2",
        "Murat",
        "Yıldız",
        [("asyl-eu", Role.CASEWORKER)],
        [CASEWORK_STAFF_GROUP],
        False,
    ),
    (
        "einbuergerung",
        "Petra",
        "Lehmann",
        [("einbuergerung", Role.CASEWORKER)],
        [CASEWORK_STAFF_GROUP],
        False,
    ),
    (
        "integration",
        "Jonas",
        "Becker",
        [("integration", Role.CASEWORKER)],
        [CASEWORK_STAFF_GROUP],
        False,
    ),
    (
        "servicepoint",
        "Olena",
        "Schmidt",
        [("service-point", Role.SERVICE_POINT)],
        [CASEWORK_STAFF_GROUP],
        False,
    ),
    (
        "sachgebietsleitung",
        "Thomas",
        "Wagner",
        [("aufenthalt", Role.SUPERVISOR), ("asyl-eu", Role.SUPERVISOR)],
        [CASEWORK_STAFF_GROUP],
        False,
    ),
    ("amtsleitung", "Claudia", "Hoffmann", [], [CASEWORK_STAFF_GROUP, OFFICE_ADMIN_GROUP], False),
    ("admin", "Admin", "", [], [], True),
]

#: Family names, given names (passport spelling), native spelling; by nationality.
NAMES = {
    "UKR": [
        (("SHEVCHENKO", "Шевченко"), ("OLENA", "Олена")),
        (("KOVALENKO", "Коваленко"), ("MYKOLA", "Микола")),
        (("BONDARENKO", "Бондаренко"), ("IRYNA", "Ірина")),
        (("TKACHENKO", "Ткаченко"), ("ANDRIY", "Андрій")),
        (("KRAVCHUK", "Кравчук"), ("OKSANA", "Оксана")),
        (("MELNYK", "Мельник"), ("SERHIY", "Сергій")),
        (("POLISHCHUK", "Поліщук"), ("YULIIA", "Юлія")),
        (("HRYTSENKO", "Гриценко"), ("DMYTRO", "Дмитро")),
        (("SAVCHENKO", "Савченко"), ("KATERYNA", "Катерина")),
        (("ZHURAVEL", "Журавель"), ("VOLODYMYR", "Володимир")),
    ],
    "SYR": [
        (("AL-HASSAN", "الحسن"), ("MOHAMMED", "محمد")),
        (("KHALIL", "خليل"), ("FATIMA", "فاطمة")),
        (("AL-AHMAD", "الأحمد"), ("OMAR", "عمر")),
        (("HADDAD", "حداد"), ("LAYLA", "ليلى")),
        (("SAEED", "سعيد"), ("AHMAD", "أحمد")),
        (("NASSER", "ناصر"), ("RANA", "رنا")),
    ],
    "IRQ": [
        (("AL-JABOURI", "الجبوري"), ("MUHAMMAD", "محمد")),
        (("HUSSEIN", "حسين"), ("ZAINAB", "زينب")),
        (("KAREEM", "كريم"), ("ALI", "علي")),
    ],
    "TUR": [
        (("YILMAZ", "Yılmaz"), ("AYŞE", "Ayşe")),
        (("ÖZTÜRK", "Öztürk"), ("MEHMET", "Mehmet")),
        (("ÇELİK", "Çelik"), ("EMİNE", "Emine")),
        (("ŞAHİN", "Şahin"), ("MUSTAFA", "Mustafa")),
        (("KOÇ", "Koç"), ("GÜLŞEN", "Gülşen")),
        (("DOĞAN", "Doğan"), ("İBRAHİM", "İbrahim")),
    ],
    "POL": [
        (("WIŚNIEWSKA", "Wiśniewska"), ("AGNIESZKA", "Agnieszka")),
        (("WÓJCIK", "Wójcik"), ("PIOTR", "Piotr")),
        (("ZIELIŃSKI", "Zieliński"), ("ŁUKASZ", "Łukasz")),
        (("KOWALCZYK", "Kowalczyk"), ("MAŁGORZATA", "Małgorzata")),
    ],
    "VNM": [
        (("NGUYEN", "Nguyễn"), ("THI HUONG", "Thị Hương")),
        (("TRAN", "Trần"), ("VAN DUC", "Văn Đức")),
        (("PHAM", "Phạm"), ("MINH ANH", "Minh Anh")),
        (("LE", "Lê"), ("QUANG HUY", "Quang Huy")),
    ],
    "AFG": [
        (("AHMADI", "احمدی"), ("FARID", "فرید")),
        (("RAHIMI", "رحیمی"), ("MARYAM", "مریم")),
    ],
    "IND": [
        (("SHARMA", ""), ("PRIYA", "")),
        (("PATEL", ""), ("RAHUL", "")),
        (("IYER", ""), ("ANANYA", "")),
    ],
    "BRA": [
        (("SILVA", ""), ("JOÃO PEDRO", "")),
        (("CONCEIÇÃO", ""), ("MARIA", "")),
    ],
    "NGA": [
        (("OKAFOR", ""), ("CHIDI", "")),
        (("ADEYEMI", ""), ("FOLASADE", "")),
    ],
    "RUS": [
        (("IVANOVA", "Иванова"), ("ANNA", "Анна")),
        (("SMIRNOV", "Смирнов"), ("ALEKSEI", "Алексей")),
    ],
}
#: Which nationalities typically apply for which case types (others: any).
PREFERRED = {
    "24": ["UKR"],
    "25-1": ["SYR", "AFG", "IRQ"],
    "25-2": ["SYR", "AFG", "IRQ"],
    "104c": ["AFG", "IRQ", "SYR", "NGA"],
    "25a": ["AFG", "SYR", "IRQ"],
    "25b": ["AFG", "SYR", "IRQ", "NGA"],
    "18g": ["IND", "BRA", "TUR", "VNM", "RUS"],
    "18b": ["IND", "TUR", "VNM", "BRA"],
    "16b": ["IND", "VNM", "TUR", "NGA"],
}
TOWNS = [
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
]
STREETS = ["Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Lindenallee"]
PREFERRED_LANGUAGE = {
    "UKR": Language.UK,
    "RUS": Language.RU,
    "SYR": Language.AR,
    "IRQ": Language.AR,
    "TUR": Language.TR,
}
#: The mix of states: roughly how an office's open and closed cases spread.
STATE_WEIGHTS = [
    (CaseState.RECEIVED, 22),
    (CaseState.DOCUMENTS_REQUESTED, 12),
    (CaseState.CHECKED, 10),
    (CaseState.BIOMETRICS, 8),
    (CaseState.PRODUCED, 8),
    (CaseState.PRODUCTION_FAILED, 3),
    (CaseState.HANDED_OVER, 20),
    (CaseState.REFUSED, 6),
    (CaseState.WITHDRAWN, 5),
    (CaseState.FORWARDED, 6),
]
#: How long ago cases in each state typically arrived (days).
AGE_DAYS = {
    CaseState.RECEIVED: (1, 50),
    CaseState.DOCUMENTS_REQUESTED: (14, 90),
    CaseState.CHECKED: (10, 80),
    CaseState.BIOMETRICS: (20, 100),
    CaseState.PRODUCED: (30, 120),
    CaseState.PRODUCTION_FAILED: (40, 140),
    CaseState.HANDED_OVER: (50, 240),
    CaseState.REFUSED: (30, 240),
    CaseState.WITHDRAWN: (5, 200),
    CaseState.FORWARDED: (5, 200),
}
OTHER_OFFICES = [
    "Ausländerbehörde Düsseldorf",
    "Ausländerbehörde Köln",
    "Ausländerbehörde Wuppertal",
    "Kreis Mettmann – Ausländeramt Velbert",
]


def _ensure_groups() -> dict[str, Group]:
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    groups = {}
    for name in (CASEWORK_STAFF_GROUP, OFFICE_ADMIN_GROUP):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        groups[name] = group
    # Office management keeps the catalogue (names in four languages, fees, checklists).
    grant_office_admins(CaseType, ("view", "change"))
    grant_office_admins(RequiredDocument, ("view", "add", "change", "delete"))
    return groups


def grant_office_admins(model, actions: tuple[str, ...]) -> None:
    """Give the demo's office management group model permissions (for the admin snippets).

    Other apps' demo loaders use this for their own catalogues (letter templates, services).
    """
    from django.contrib.contenttypes.models import ContentType

    group, _created = Group.objects.get_or_create(name=OFFICE_ADMIN_GROUP)
    content_type = ContentType.objects.get_for_model(model)
    codenames = [f"{action}_{content_type.model}" for action in actions]
    group.permissions.add(
        *Permission.objects.filter(content_type=content_type, codename__in=codenames)
    )


def _ensure_catalogue() -> dict[str, CaseType]:
    departments = {}
    for code, name, handles in DEPARTMENTS:
        departments[code], _created = Department.objects.update_or_create(
            code=code, defaults={"name": name, "handles_cases": handles}
        )
    types = {}
    for (
        code,
        name,
        basis,
        category,
        dept,
        fee_title,
        fee_card,
        belehrung,
        years,
        documents,
    ) in CASE_TYPES:
        case_type, _created = CaseType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                **_translated(CASE_TYPE_NAMES[code]),
                "legal_basis": basis,
                "category": category,
                "department": departments[dept],
                "fee_title_cents": fee_title,
                "fee_card_cents": fee_card,
                "requires_belehrung": belehrung,
                "max_validity_years": years,
                "limited_validity": category != CaseCategory.PERMANENT,
            },
        )
        for order, (doc_code, doc_name) in enumerate(documents):
            RequiredDocument.objects.update_or_create(
                case_type=case_type,
                code=doc_code,
                defaults={
                    "name": doc_name,
                    **_translated(DOCUMENT_NAMES[doc_code]),
                    "sort_order": order,
                },
            )
        # Items the demo's checklist no longer has (e.g. § 24's former "valid passport").
        case_type.required_documents.exclude(code__in=[c for c, _name in documents]).delete()
        types[code] = case_type
    return types


def _ensure_users(groups: dict[str, Group]) -> dict[str, object]:
    user_model = get_user_model()
    users = {}
    password_hash = make_password(PASSWORD)  # hashed once: the hasher is slow by design
    for username, first, last, memberships, group_names, superuser in USERS:
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@abh.example.org",
                "is_staff": True,
                "is_superuser": superuser,
            },
        )
        if created:
            user.password = password_hash
            user.save(update_fields=["password"])
        for code, role in memberships:
            Membership.objects.get_or_create(
                user=user, department=Department.objects.get(code=code), role=role
            )
        for name in group_names:
            user.groups.add(groups[name])
        users[username] = user
    return users


def _person(rng: random.Random, index: int, nationality: str) -> Person:
    # Family and given names drawn separately: more people from a short list.
    (family, family_native), _given = rng.choice(NAMES[nationality])
    _family, (given, given_native) = rng.choice(NAMES[nationality])
    today = timezone.localdate()
    age = rng.randint(6, 68)
    birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
    town = rng.choice(TOWNS)
    return Person(
        family_name=family,
        given_names=given,
        family_name_native=family_native if family_native != family.title() else "",
        given_names_native=given_native,
        birth_date=birth,
        birth_place="",
        nationality=nationality,
        passport_number=f"{nationality[:1]}{index:08d}",
        passport_valid_until=today + dt.timedelta(days=rng.randint(200, 3000)),
        street=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
        postal_code=f"40{rng.randint(100, 999)}",
        town=town,
        email=f"person{index}@example.org",
        preferred_language=PREFERRED_LANGUAGE.get(nationality, Language.EN),
    )


# --- moving a case to its target state through the services --------------------------------

PATHS = {
    CaseState.RECEIVED: [],
    CaseState.DOCUMENTS_REQUESTED: ["request_documents"],
    CaseState.CHECKED: ["check"],
    CaseState.BIOMETRICS: ["check", "take_biometrics"],
    CaseState.PRODUCED: ["check", "take_biometrics", "order_card"],
    CaseState.PRODUCTION_FAILED: ["check", "take_biometrics", "order_card", "production_failed"],
    CaseState.HANDED_OVER: ["check", "take_biometrics", "order_card", "hand_over"],
    CaseState.REFUSED: ["refuse"],
    CaseState.WITHDRAWN: ["withdraw"],
    CaseState.FORWARDED: ["forward"],
}


def temporary_protection_end(today: dt.date) -> dt.date:
    """The end of temporary protection (§ 24) the demo's titles are granted until: the next
    4 March at least a month ahead (4 March 2027 as the EU decided for 2026)."""
    end = dt.date(today.year, 3, 4)
    while end <= today + dt.timedelta(days=30):
        end = end.replace(year=end.year + 1)
    return end


def title_valid_until(case_type: CaseType, today: dt.date, rng: random.Random) -> dt.date | None:
    """The validity a caseworker enters when checking a demo case (none for permanent titles).

    § 24 titles run until the end of temporary protection, so that an ordinance continuing
    them (operations' demo enters one) finds them; others one to the maximum years ahead.
    """
    if not case_type.limited_validity:
        return None
    if case_type.code == "24":
        return temporary_protection_end(today)
    years = rng.randint(1, case_type.max_validity_years)
    return add_years(today, years) - dt.timedelta(days=rng.randint(0, 90))


def _prepare_and_fire(case, name, *, rng, caseworker, counter, today, validity_rng=None):
    """Do what the office does before a step (documents, fees, photo), then fire it."""
    user = caseworker
    data: dict = {}
    note = ""
    if name == "check":
        # The checklist is data entry, not a decision: ticked in one go for the demo.
        case.documents.filter(received=False).update(received=True, received_at=timezone.now())
        if case.case_type.code == "104c":
            data = {"checked_25a": True, "checked_25b": True}
        until = title_valid_until(case.case_type, today, validity_rng or rng)
        if until is not None:
            data["granted_until"] = until
        note = "Allgemeine Erteilungsvoraussetzungen (§ 5 AufenthG) geprüft."
    elif name == "request_documents":
        missing = list(case.documents.values_list("code", flat=True)[:2])
        data = {"due_on": today + dt.timedelta(days=rng.randint(7, 28)), "documents": missing}
        note = "Fehlende Unterlagen angefordert."
    elif name == "take_biometrics":
        user = counter
        qr = rng.random() < 0.6
        services.record_biometrics(
            case=case,
            user=counter,
            photo_source=PhotoSource.QR_CODE if qr else PhotoSource.ON_SITE,
            photo_reference=f"QR-{rng.randint(10**7, 10**8 - 1)}" if qr else "",
            fingerprints_exempt=case.person.birth_date > today - dt.timedelta(days=6 * 365),
        )
    elif name == "order_card":
        open_cents = case.fee_due_cents - case.fee_paid_cents
        if open_cents > 0:
            services.record_fee_payment(case=case, user=counter, amount_cents=open_cents)
    elif name == "production_failed":
        data = {"failure_reason": "Chip-Fehler bei der Personalisierung"}
    elif name == "hand_over":
        services.record_card_delivered(case=case, user=counter)
        user = counter
        person = case.person
        data = {
            "collected_by": f"{person.given_names.title()} {person.family_name.title()}",
            "collected_by_authorised": False,
            "belehrung_handed_over": case.case_type.requires_belehrung,
            "belehrung_language": person.preferred_language
            if case.case_type.requires_belehrung
            else "",
        }
    elif name == "refuse":
        data = {
            "reason": rng.choice(
                [
                    "Lebensunterhalt nicht gesichert (§ 5 Abs. 1 Nr. 1 AufenthG).",
                    "Identität nicht geklärt; Pass nicht vorgelegt.",
                    "Erforderliche Unterlagen trotz Fristsetzung nicht eingereicht.",
                ]
            )
        }
    elif name == "forward":
        data = {"forwarded_to": rng.choice(OTHER_OFFICES)}
        note = "Umzug; Akte abgegeben."
    elif name == "withdraw":
        note = "Antrag schriftlich zurückgenommen."
    return services.fire_transition(case=case, user=user, transition=name, note=note, data=data)


def _backdate(case: Case, received_at: dt.datetime, rng: random.Random, now) -> None:
    """Spread a case's history between its receipt and now, and date what each step wrote
    (checklist, deadlines, biometrics, card order, hand-over) at that step's moment."""
    rows = list(case.history.order_by("id").values_list("id", "transition"))
    if len(rows) <= 1:
        return
    span = max((now - received_at).total_seconds(), 3600)
    moments = [received_at] + sorted(
        received_at + dt.timedelta(seconds=rng.uniform(0, span)) for _ in rows[1:]
    )
    CaseHistory.objects.bulk_update(
        [
            CaseHistory(pk=row_id, at=moment)
            for (row_id, _name), moment in zip(rows, moments, strict=True)
        ],
        ["at"],
    )
    Case.objects.filter(pk=case.pk).update(last_transition_at=moments[-1])
    documents = CaseDocument.objects.filter(case=case)
    for (_row_id, name), moment in zip(rows, moments, strict=True):
        if name == "check":
            documents.filter(received=True).update(received_at=moment - dt.timedelta(hours=2))
        elif name == "request_documents":
            due = timezone.localdate(moment) + dt.timedelta(days=rng.randint(14, 28))
            documents.filter(received=False).update(requested_at=moment, due_on=due)
        elif name == "take_biometrics":
            Case.objects.filter(pk=case.pk).update(biometrics_taken_at=moment)
        elif name in ("order_card", "reorder"):
            CardOrder.objects.filter(case=case).update(
                ordered_at=moment,
                expected_on=timezone.localdate(moment) + dt.timedelta(weeks=6),
            )
        elif name == "hand_over":
            HandOver.objects.filter(case=case).update(handed_over_at=moment)
            CardOrder.objects.filter(case=case, delivered_at__isnull=False).update(
                delivered_at=moment - dt.timedelta(days=2)
            )


def closed_demo_case(
    *,
    person: Person,
    case_type_code: str,
    outcome: str,
    received_at: dt.datetime,
    closed_at: dt.datetime,
    note: str = DEMO_NOTE,
    seed: int = SEED,
) -> Case:
    """A case that ended long ago, for other apps' demos (e.g. files due under retention).

    Created and moved to ``outcome`` (refused, withdrawn, forwarded) through the services by
    the department's demo caseworker, then dated back: its history lies between
    ``received_at`` and ``closed_at``.
    """
    rng = random.Random(seed)
    case_type = CaseType.objects.get(code=case_type_code)
    caseworker = (
        Membership.objects.filter(department=case_type.department, role=Role.CASEWORKER)
        .select_related("user")
        .order_by("user__username")
        .first()
        .user
    )
    counter = get_user_model().objects.get(username="servicepoint")
    if person.pk is None:
        person.save()
    case = services.create_case(
        person=person,
        case_type=case_type,
        channel=Channel.POST,
        received_at=received_at,
        user=caseworker,
        notes=note,
        assigned_to=caseworker,
    )
    for name in PATHS[outcome]:
        case = _prepare_and_fire(
            case,
            name,
            rng=rng,
            caseworker=caseworker,
            counter=counter,
            today=timezone.localdate(closed_at),
        )
    _backdate(case, received_at, rng, closed_at)
    return case


def _create_cases(types, users, stdout, style) -> int:
    rng = random.Random(SEED)
    # Validity dates from a generator of their own: the rest of the demo stays as it was.
    validity_rng = random.Random(SEED + 1)
    now = timezone.now()
    today = timezone.localdate()
    caseworkers = {
        "aufenthalt": users["sachbearbeitung"],
        "asyl-eu": users["sachbearbeitung2"],
        "einbuergerung": users["einbuergerung"],
        "integration": users["integration"],
    }
    counter = users["servicepoint"]
    nationalities = list(NAMES)
    type_codes = list(types)
    states = [s for s, _w in STATE_WEIGHTS]
    weights = [w for _s, w in STATE_WEIGHTS]

    # Every department and every state appears at least once; the rest is weighted.
    # One case type per department, rotated over the states: ten cases cover both.
    covering = ("18b", "24", "9", "25b")
    plan = [(covering[i % len(covering)], state) for i, state in enumerate(states)]
    while len(plan) < PERSONS:
        plan.append((rng.choice(type_codes), rng.choices(states, weights)[0]))
    # Cases further along arrived earlier; file numbers follow the order of receipt.
    received = [
        now - dt.timedelta(days=rng.randint(*AGE_DAYS[state]), minutes=rng.randint(0, 600))
        for _code, state in plan
    ]
    ordered = sorted(zip(received, plan, strict=True), key=lambda item: item[0])

    failures = 0
    for index, (received_at, (code, target)) in enumerate(ordered, start=1):
        case_type = types[code]
        pool = PREFERRED.get(code, nationalities)
        person = _person(rng, index, rng.choice(pool))
        person.save()
        channel = rng.choice(list(Channel))
        is_extension = code not in ("24",) and rng.random() < 0.4
        title_expires_on = None
        if is_extension:
            title_expires_on = timezone.localdate(received_at) + dt.timedelta(
                days=rng.randint(-20, 120)
            )
        caseworker = caseworkers[case_type.department.code]
        channel_town = rng.choice(TOWNS) if channel == Channel.BUERGERBUERO else ""
        assigned = rng.random() < 0.85
        case = services.create_case(
            person=person,
            case_type=case_type,
            channel=channel,
            received_at=received_at,
            # Online applications arrive without anyone in the office (as in real life).
            user=None if channel == Channel.ONLINE else caseworker,
            channel_town=channel_town,
            is_extension=is_extension,
            current_title=case_type.legal_basis if is_extension else "",
            title_expires_on=title_expires_on,
            notes=DEMO_NOTE,
            assigned_to=caseworker if assigned else None,
        )
        try:
            for name in PATHS[target]:
                case = _prepare_and_fire(
                    case,
                    name,
                    rng=rng,
                    caseworker=caseworker,
                    counter=counter,
                    today=today,
                    validity_rng=validity_rng,
                )
        except (TransitionNotAllowed, ConcurrentChange, ValidationError) as exc:
            failures += 1
            stdout.write(style.WARNING(f"  {case.file_number}: stopped before {target}: {exc}"))
        _backdate(case, received_at, rng, now)
    if failures:
        stdout.write(style.WARNING(f"  {failures} case(s) did not reach their planned state."))
    return len(plan)


def load(*, stdout, style) -> None:
    with transaction.atomic():
        groups = _ensure_groups()
        types = _ensure_catalogue()
        users = _ensure_users(groups)
    if Case.objects.filter(notes=DEMO_NOTE).exists():
        stdout.write("  casework: demo cases exist, skipped.")
        return
    with transaction.atomic():
        count = _create_cases(types, users, stdout, style)
    open_count = Case.objects.exclude(state__in=FINAL_STATES).count()
    stdout.write(f"  casework: {count} cases created ({open_count} open).")
