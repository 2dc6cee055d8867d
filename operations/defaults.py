"""The letter texts the office starts with (de/en/uk/ru); the office edits them in the admin.

Bodies are letter-template text (see :mod:`operations.letter_context` for the variables each
kind may use); blank lines separate paragraphs.
"""

from .constants import LetterKind

_RECEIPT = {
    "de": (
        "Eingangsbestätigung – Aktenzeichen {{ file_number }}",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "Ihr Antrag ({{ legal_basis }}, {{ case_type }}) ist am "
        '{{ received_on|date:"d.m.Y" }} bei uns eingegangen. Ihr Aktenzeichen lautet '
        "{{ file_number }}. Bitte geben Sie es bei jeder Nachfrage an.\n\n"
        "Wir bearbeiten Anträge in der Reihenfolge ihres Eingangs. Fehlen Unterlagen, "
        "schreiben wir Ihnen.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Receipt of your application – file number {{ file_number }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "We received your application ({{ legal_basis }}) on "
        '{{ received_on|date:"d.m.Y" }}. Your file number is {{ file_number }}. '
        "Please quote it whenever you contact us.\n\n"
        "We process applications in the order in which they arrive. If documents are "
        "missing, we will write to you.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Підтвердження отримання заяви – номер справи {{ file_number }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "Ваша заява ({{ legal_basis }}) надійшла до нас "
        '{{ received_on|date:"d.m.Y" }}. Номер Вашої справи: {{ file_number }}. '
        "Будь ласка, вказуйте його в кожному зверненні.\n\n"
        "Ми розглядаємо заяви в порядку їх надходження. Якщо бракуватиме документів, "
        "ми Вам напишемо.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Подтверждение получения заявления – номер дела {{ file_number }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "Ваше заявление ({{ legal_basis }}) поступило к нам "
        '{{ received_on|date:"d.m.Y" }}. Номер Вашего дела: {{ file_number }}. '
        "Пожалуйста, указывайте его при каждом обращении.\n\n"
        "Мы рассматриваем заявления в порядке их поступления. Если не хватает документов, "
        "мы Вам напишем.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_TITLE_REMINDER = {
    "de": (
        "Ihr Aufenthaltstitel läuft am {{ expires_on|date:'d.m.Y' }} ab",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "Ihr Aufenthaltstitel{% if file_number %} ({{ legal_basis }}){% endif %} "
        "ist bis zum {{ expires_on|date:'d.m.Y' }} gültig. Wenn Sie weiter in Deutschland "
        "bleiben möchten, stellen Sie bitte rechtzeitig vor diesem Tag einen Antrag auf "
        "Verlängerung – am einfachsten online.\n\n"
        "Ein Antrag, der vor dem Ablauf bei uns eingeht, erhält Ihren Aufenthaltsstatus bis "
        "zur Entscheidung. Ein abgelaufener Titel kann nicht mehr verlängert werden.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Your residence title expires on {{ expires_on|date:'d.m.Y' }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "Your residence title{% if file_number %} ({{ legal_basis }}){% endif %} "
        "is valid until {{ expires_on|date:'d.m.Y' }}. If you wish to stay in Germany, "
        "please apply for an extension well before that day – online is easiest.\n\n"
        "An application that reaches us before the expiry keeps your residence status until "
        "we decide. An expired title can no longer be extended.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Термін дії Вашого дозволу на проживання спливає {{ expires_on|date:'d.m.Y' }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "Ваш дозвіл на проживання{% if file_number %} ({{ legal_basis }}){% endif %} "
        "дійсний до {{ expires_on|date:'d.m.Y' }}. Якщо Ви бажаєте й надалі залишатися в "
        "Німеччині, будь ласка, завчасно подайте заяву на продовження – найпростіше онлайн.\n\n"
        "Заява, що надійшла до нас до закінчення терміну дії, зберігає Ваш статус до "
        "ухвалення рішення. Прострочений дозвіл продовжити неможливо.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Срок действия Вашего вида на жительство истекает {{ expires_on|date:'d.m.Y' }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "Ваш вид на жительство{% if file_number %} ({{ legal_basis }}){% endif %} "
        "действителен до {{ expires_on|date:'d.m.Y' }}. Если Вы хотите и дальше оставаться в "
        "Германии, пожалуйста, заблаговременно подайте заявление на продление – проще всего "
        "онлайн.\n\n"
        "Заявление, поступившее к нам до истечения срока, сохраняет Ваш статус до принятия "
        "решения. Просроченный вид на жительство продлить нельзя.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_PASSPORT_REMINDER = {
    "de": (
        "Ihr Pass läuft am {{ expires_on|date:'d.m.Y' }} ab",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "nach unseren Unterlagen ist Ihr Pass ({{ passport_number }}) bis zum "
        "{{ expires_on|date:'d.m.Y' }} gültig. Bitte kümmern Sie sich rechtzeitig bei Ihrer "
        "Auslandsvertretung um einen neuen Pass und legen Sie ihn uns danach vor.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Your passport expires on {{ expires_on|date:'d.m.Y' }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "According to our records your passport ({{ passport_number }}) is valid until "
        "{{ expires_on|date:'d.m.Y' }}. Please apply for a new passport at your embassy or "
        "consulate in good time and show it to us afterwards.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Термін дії Вашого паспорта закінчується {{ expires_on|date:'d.m.Y' }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "За нашими даними Ваш паспорт ({{ passport_number }}) дійсний до "
        "{{ expires_on|date:'d.m.Y' }}. Будь ласка, завчасно оформіть новий паспорт у "
        "консульстві Вашої країни та після цього пред'явіть його нам.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Срок действия Вашего паспорта истекает {{ expires_on|date:'d.m.Y' }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "По нашим данным Ваш паспорт ({{ passport_number }}) действителен до "
        "{{ expires_on|date:'d.m.Y' }}. Пожалуйста, заблаговременно оформите новый паспорт в "
        "консульстве Вашей страны и затем предъявите его нам.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_CERTIFICATE = {
    "de": (
        "Bescheinigung über die Fortgeltung Ihres Aufenthaltstitels",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "hiermit bescheinigen wir: Ihr Aufenthaltstitel nach "
        "{{ ordinance_legal_basis }} "
        "(Aktenzeichen {{ file_number }}), gültig bis "
        "{{ previous_valid_until|date:'d.m.Y' }}, "
        "gilt aufgrund der folgenden Verordnung fort bis zum "
        "{{ new_valid_until|date:'d.m.Y' }}: {{ ordinance_reference }}\n\n"
        "Bitte bewahren Sie diese Bescheinigung zusammen mit Ihrer Karte auf. Sie müssen "
        "dafür keinen Termin vereinbaren.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Certificate: your residence title continues to be valid",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "We hereby certify that your residence title under {{ ordinance_legal_basis }} "
        "(file number {{ file_number }}), valid until "
        "{{ previous_valid_until|date:'d.m.Y' }}, continues to be valid until "
        "{{ new_valid_until|date:'d.m.Y' }} by virtue of this ordinance: "
        "{{ ordinance_reference }}\n\n"
        "Please keep this certificate together with your card. You do not need an "
        "appointment.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Довідка про продовження дії Вашого дозволу на проживання",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "Цим підтверджуємо: Ваш дозвіл на проживання згідно з "
        "{{ ordinance_legal_basis }} (номер справи {{ file_number }}), дійсний до "
        "{{ previous_valid_until|date:'d.m.Y' }}, на підставі такої постанови продовжує діяти до "
        "{{ new_valid_until|date:'d.m.Y' }}: {{ ordinance_reference }}\n\n"
        "Будь ласка, зберігайте цю довідку разом із Вашою карткою. Записуватися на прийом "
        "не потрібно.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Справка о продлении действия Вашего вида на жительство",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "Настоящим подтверждаем: Ваш вид на жительство согласно "
        "{{ ordinance_legal_basis }} (номер дела {{ file_number }}), "
        "действительный до {{ previous_valid_until|date:'d.m.Y' }}, на основании следующего "
        "постановления продолжает действовать до {{ new_valid_until|date:'d.m.Y' }}: "
        "{{ ordinance_reference }}\n\n"
        "Пожалуйста, храните эту справку вместе с Вашей картой. Записываться на приём не "
        "нужно.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_BELEHRUNG = {
    "de": (
        "Belehrung zum Chancen-Aufenthaltsrecht (§ 104c AufenthG)",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "Sie erhalten eine Aufenthaltserlaubnis nach § 104c AufenthG"
        "{% if granted_until %}, gültig bis {{ granted_until|date:'d.m.Y' }}{% endif %}. "
        "Sie ist nicht verlängerbar. In dieser Zeit sollen Sie die Voraussetzungen für ein "
        "Bleiberecht nach § 25a oder § 25b AufenthG erfüllen, insbesondere:\n\n"
        "– Ihren Lebensunterhalt überwiegend durch eigene Arbeit sichern,\n"
        "– Ihre Identität klären und einen gültigen Pass vorlegen,\n"
        "– ausreichende Deutschkenntnisse nachweisen (in der Regel Niveau A2),\n"
        "– Grundkenntnisse der Rechts- und Gesellschaftsordnung nachweisen.\n\n"
        "Erfüllen Sie diese Voraussetzungen bis zum Ablauf nicht, kann die Duldung wieder "
        "aufleben. Beratung erhalten Sie bei uns und beim Kommunalen Integrationszentrum.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Instruction sheet: opportunity residence (§ 104c AufenthG)",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "You receive a residence permit under § 104c AufenthG"
        "{% if granted_until %}, valid until "
        "{{ granted_until|date:'d.m.Y' }}{% endif %}. "
        "It cannot be extended. During this time you should meet the requirements for a "
        "right to stay under § 25a or § 25b AufenthG, in particular:\n\n"
        "– earn most of your living through your own work,\n"
        "– clarify your identity and present a valid passport,\n"
        "– prove sufficient German (usually level A2),\n"
        "– prove basic knowledge of the legal and social order.\n\n"
        "If you do not meet these requirements by the expiry, your toleration (Duldung) may "
        "apply again. We and the municipal integration centre offer advice.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Роз'яснення щодо права на перебування «Chancen-Aufenthaltsrecht» (§ 104c AufenthG)",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "Ви отримуєте дозвіл на проживання згідно з § 104c AufenthG"
        "{% if granted_until %}, дійсний до {{ granted_until|date:'d.m.Y' }}{% endif %}. "
        "Його не можна продовжити. Протягом цього часу Вам слід виконати умови для права на "
        "перебування згідно з § 25a або § 25b AufenthG, зокрема:\n\n"
        "– здебільшого забезпечувати себе власною працею,\n"
        "– встановити свою особу та пред'явити дійсний паспорт,\n"
        "– підтвердити достатнє знання німецької мови (зазвичай рівень A2),\n"
        "– підтвердити базові знання правового та суспільного устрою.\n\n"
        "Якщо до закінчення терміну дії Ви не виконаєте цих умов, може знову діяти "
        "толерування (Duldung). Консультації надаємо ми та комунальний центр інтеграції.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Разъяснение о праве на пребывание «Chancen-Aufenthaltsrecht» (§ 104c AufenthG)",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "Вы получаете вид на жительство согласно § 104c AufenthG"
        "{% if granted_until %}, действительный до {{ granted_until|date:'d.m.Y' }}"
        "{% endif %}. Его нельзя продлить. За это время Вам следует выполнить условия для "
        "права на пребывание согласно § 25a или § 25b AufenthG, в частности:\n\n"
        "– в основном обеспечивать себя собственным трудом,\n"
        "– установить свою личность и предъявить действительный паспорт,\n"
        "– подтвердить достаточное знание немецкого языка (как правило, уровень A2),\n"
        "– подтвердить базовые знания правового и общественного устройства.\n\n"
        "Если до истечения срока Вы не выполните эти условия, может снова действовать "
        "терпимость (Duldung). Консультации предоставляем мы и муниципальный центр "
        "интеграции.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

#: ``{kind: {language: (subject, body)}}``
_DOCUMENT_REQUEST = {
    "de": (
        "Bitte reichen Sie Unterlagen nach – Aktenzeichen {{ file_number }}",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "für Ihren Antrag ({{ legal_basis }}, Aktenzeichen {{ file_number }}) fehlen uns "
        "noch Unterlagen. Bitte reichen Sie bis zum {{ due_on|date:'d.m.Y' }} ein:\n\n"
        "{{ documents }}\n\n"
        "Am einfachsten laden Sie sie auf der Statusseite hoch: {{ status_url }} – mit Ihrem "
        "Aktenzeichen und Ihrem Geburtsdatum. Sie können sie auch per Post an {{ office_name }}, "
        "{{ office_address }} senden oder während der Öffnungszeiten vorbeibringen.\n\n"
        "Fehlen die Unterlagen nach diesem Tag, müssen wir nach Aktenlage entscheiden.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Please send us documents – file number {{ file_number }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "documents are still missing for your application ({{ legal_basis }}, file number "
        "{{ file_number }}). Please send us by {{ due_on|date:'d.m.Y' }}:\n\n"
        "{{ documents }}\n\n"
        "The easiest way is to upload them on the status page: {{ status_url }} – with your "
        "file number and your date of birth. You can also post them to {{ office_name }}, "
        "{{ office_address }}, or bring them to us during opening hours.\n\n"
        "If the documents are still missing after that day, we have to decide on the basis "
        "of the file as it stands.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Будь ласка, надішліть документи – номер справи {{ file_number }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "для розгляду Вашої заяви ({{ legal_basis }}, номер справи {{ file_number }}) нам "
        "ще бракує документів. Будь ласка, подайте до {{ due_on|date:'d.m.Y' }}:\n\n"
        "{{ documents }}\n\n"
        "Найпростіше завантажити їх на сторінці статусу: {{ status_url }} – з номером справи "
        "та датою народження. Ви також можете надіслати їх поштою на адресу {{ office_name }}, "
        "{{ office_address }}, або принести в години прийому.\n\n"
        "Якщо після цієї дати документів не буде, ми будемо змушені ухвалити рішення на "
        "підставі наявних матеріалів.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Пожалуйста, направьте документы – номер дела {{ file_number }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "для рассмотрения Вашего заявления ({{ legal_basis }}, номер дела {{ file_number }}) "
        "нам ещё не хватает документов. Пожалуйста, представьте до "
        "{{ due_on|date:'d.m.Y' }}:\n\n"
        "{{ documents }}\n\n"
        "Проще всего загрузить их на странице статуса: {{ status_url }} – с номером дела и "
        "датой рождения. Вы также можете отправить их по почте по адресу {{ office_name }}, "
        "{{ office_address }}, или принести в часы приёма.\n\n"
        "Если после этой даты документов не будет, мы будем вынуждены принять решение на "
        "основании имеющихся материалов.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_HEARING = {
    "de": (
        "Anhörung vor einer Ablehnung – Aktenzeichen {{ file_number }}",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "wir haben Ihren Antrag ({{ legal_basis }}, Aktenzeichen {{ file_number }}) geprüft "
        "und beabsichtigen, ihn abzulehnen. Bevor wir entscheiden, geben wir Ihnen nach § 28 "
        "des Verwaltungsverfahrensgesetzes Gelegenheit, sich zu äußern.\n\n"
        "Für die Entscheidung sind diese Tatsachen erheblich:\n\n"
        "{{ grounds }}\n\n"
        "Sie können bis zum {{ due_on|date:'d.m.Y' }} Stellung nehmen und Unterlagen "
        "einreichen: auf der Statusseite {{ status_url }} (mit Aktenzeichen und Geburtsdatum), "
        "per Post an {{ office_name }}, {{ office_address }}, oder persönlich während der "
        "Öffnungszeiten. Äußern Sie sich nicht, entscheiden wir nach Ablauf der Frist nach "
        "Aktenlage.\n\n"
        "Dieses Schreiben ist noch keine Entscheidung.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Hearing before a refusal – file number {{ file_number }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "we have examined your application ({{ legal_basis }}, file number {{ file_number }}) "
        "and intend to refuse it. Before we decide, you have the opportunity to comment "
        "(section 28 of the Administrative Procedure Act).\n\n"
        "These facts are decisive for the decision:\n\n"
        "{{ grounds }}\n\n"
        "You may comment and send documents until {{ due_on|date:'d.m.Y' }}: on the status "
        "page {{ status_url }} (with your file number and date of birth), by post to "
        "{{ office_name }}, {{ office_address }}, or in person during opening hours. If we "
        "hear nothing from you, we will decide on the file as it stands after that date.\n\n"
        "This letter is not yet a decision.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Заслуховування перед відмовою – номер справи {{ file_number }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "ми розглянули Вашу заяву ({{ legal_basis }}, номер справи {{ file_number }}) і "
        "маємо намір відмовити в ній. Перш ніж ухвалити рішення, ми надаємо Вам можливість "
        "висловитися (§ 28 Закону про адміністративну процедуру).\n\n"
        "Для рішення вирішальними є такі факти:\n\n"
        "{{ grounds }}\n\n"
        "Ви можете висловитися та подати документи до {{ due_on|date:'d.m.Y' }}: на сторінці "
        "статусу {{ status_url }} (з номером справи та датою народження), поштою на адресу "
        "{{ office_name }}, {{ office_address }}, або особисто в години прийому. Якщо Ви не "
        "відповісте, після цієї дати ми ухвалимо рішення на підставі наявних матеріалів.\n\n"
        "Цей лист ще не є рішенням.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Заслушивание перед отказом – номер дела {{ file_number }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "мы рассмотрели Ваше заявление ({{ legal_basis }}, номер дела {{ file_number }}) и "
        "намерены отказать в нём. Прежде чем принять решение, мы даём Вам возможность "
        "высказаться (§ 28 Закона об административной процедуре).\n\n"
        "Для решения существенны следующие факты:\n\n"
        "{{ grounds }}\n\n"
        "Вы можете высказаться и представить документы до {{ due_on|date:'d.m.Y' }}: на "
        "странице статуса {{ status_url }} (с номером дела и датой рождения), по почте по "
        "адресу {{ office_name }}, {{ office_address }}, или лично в часы приёма. Если Вы не "
        "ответите, после этой даты мы примем решение на основании имеющихся материалов.\n\n"
        "Это письмо ещё не является решением.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_REFUSAL_NOTICE = {
    "de": (
        "Bescheid: Ablehnung Ihres Antrags – Aktenzeichen {{ file_number }}",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "Ihr Antrag vom {{ received_on|date:'d.m.Y' }} auf Erteilung eines Aufenthaltstitels "
        "({{ legal_basis }}) wird abgelehnt.\n\n"
        "Begründung:\n\n"
        "{{ reason }}\n\n"
        "Mit Schreiben vom {{ hearing_on|date:'d.m.Y' }} haben wir Sie zu der beabsichtigten "
        "Entscheidung angehört. {% if answered_on %}Ihre Stellungnahme vom "
        "{{ answered_on|date:'d.m.Y' }} haben wir berücksichtigt.{% else %}Bis zum "
        "{{ due_on|date:'d.m.Y' }} ist keine Stellungnahme eingegangen.{% endif %}\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Notice: your application is refused – file number {{ file_number }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "your application of {{ received_on|date:'d.m.Y' }} for a residence title "
        "({{ legal_basis }}) is refused.\n\n"
        "Reasons:\n\n"
        "{{ reason }}\n\n"
        "In our letter of {{ hearing_on|date:'d.m.Y' }} we gave you the opportunity to comment "
        "on the intended decision. {% if answered_on %}We took your comments of "
        "{{ answered_on|date:'d.m.Y' }} into account.{% else %}We received no comments by "
        "{{ due_on|date:'d.m.Y' }}.{% endif %}\n\n"
        "This translation is for your information; the German notice is binding.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Рішення: у задоволенні Вашої заяви відмовлено – номер справи {{ file_number }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "у задоволенні Вашої заяви від {{ received_on|date:'d.m.Y' }} про видачу дозволу на "
        "проживання ({{ legal_basis }}) відмовлено.\n\n"
        "Обґрунтування:\n\n"
        "{{ reason }}\n\n"
        "Листом від {{ hearing_on|date:'d.m.Y' }} ми надали Вам можливість висловитися щодо "
        "запланованого рішення. {% if answered_on %}Ми врахували Вашу відповідь від "
        "{{ answered_on|date:'d.m.Y' }}.{% else %}До {{ due_on|date:'d.m.Y' }} відповіді не "
        "надійшло.{% endif %}\n\n"
        "Цей переклад надано для інформації; юридичну силу має німецький текст рішення.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Решение: в удовлетворении Вашего заявления отказано – номер дела {{ file_number }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "в удовлетворении Вашего заявления от {{ received_on|date:'d.m.Y' }} о выдаче вида "
        "на жительство ({{ legal_basis }}) отказано.\n\n"
        "Обоснование:\n\n"
        "{{ reason }}\n\n"
        "Письмом от {{ hearing_on|date:'d.m.Y' }} мы предоставили Вам возможность высказаться "
        "о планируемом решении. {% if answered_on %}Мы учли Ваш ответ от "
        "{{ answered_on|date:'d.m.Y' }}.{% else %}До {{ due_on|date:'d.m.Y' }} ответа не "
        "поступило.{% endif %}\n\n"
        "Этот перевод предоставлен для информации; юридическую силу имеет немецкий текст "
        "решения.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_RIGHT_TO_STAY_INFO = {
    "de": (
        "Information: Aufenthaltserlaubnis bei nachhaltiger Integration (§ 25b AufenthG)",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "nach unseren Unterlagen halten Sie sich seit dem "
        "{{ tolerated_since|date:'d.m.Y' }} ohne Unterbrechung mit einer Duldung, Gestattung "
        "oder Aufenthaltserlaubnis in Deutschland auf. Wer seit sechs Jahren – mit einem "
        "minderjährigen ledigen Kind im Haushalt seit vier Jahren – so hier lebt, kann eine "
        "Aufenthaltserlaubnis nach § 25b des Aufenthaltsgesetzes erhalten.\n\n"
        "Dafür kommt es außerdem darauf an, dass Sie Ihren Lebensunterhalt überwiegend durch "
        "Arbeit sichern oder dies zu erwarten ist, mündlich Deutsch auf dem Niveau A2 "
        "sprechen, Grundkenntnisse der Rechts- und Gesellschaftsordnung haben, sich zur "
        "freiheitlichen demokratischen Grundordnung bekennen und Ihre schulpflichtigen Kinder "
        "die Schule besuchen.\n\n"
        "Dieser Brief ist keine Entscheidung. Wenn Sie einen Antrag stellen möchten, sprechen "
        "Sie uns an – spätestens bei der nächsten Verlängerung Ihrer Duldung – und bringen "
        "Sie Nachweise zu Arbeit, Einkommen, Sprachkenntnissen und zum Schulbesuch Ihrer "
        "Kinder mit.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}\n{{ office_phone }} · {{ office_email }}",
    ),
    "en": (
        "Information: residence permit for well integrated persons (section 25b AufenthG)",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "According to our records you have lived in Germany without a break since "
        "{{ tolerated_since|date:'d.m.Y' }}, tolerated (Duldung), permitted to stay for an "
        "asylum procedure or with a residence permit. Anyone who has lived here like this "
        "for six years – four years with a minor unmarried child in the household – may "
        "receive a residence permit under section 25b of the Residence Act.\n\n"
        "It also depends on whether you mainly earn your living by work or can be expected "
        "to, speak German at level A2, have basic knowledge of the legal and social order, "
        "commit to the free democratic basic order and whether your children of school age "
        "attend school.\n\n"
        "This letter is not a decision. If you wish to apply, please contact us – at the "
        "latest when your Duldung is next extended – and bring proof of your work, income, "
        "German skills and your children's school attendance.\n\n"
        "Kind regards\n{{ office_name }}\n{{ office_phone }} · {{ office_email }}",
    ),
    "uk": (
        "Інформація: дозвіл на проживання у разі сталої інтеграції (§ 25b AufenthG)",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "За нашими даними, Ви безперервно перебуваєте в Німеччині з "
        "{{ tolerated_since|date:'d.m.Y' }} з дульдунгом, дозволом на перебування на час "
        "процедури надання притулку або з дозволом на проживання. Той, хто живе тут так "
        "шість років – або чотири роки, якщо в домогосподарстві є неповнолітня неодружена "
        "дитина, – може отримати дозвіл на проживання згідно з § 25b Закону про "
        "перебування.\n\n"
        "Крім того, важливо, щоб Ви переважно забезпечували себе працею або це очікувалося, "
        "розмовляли німецькою на рівні A2, мали базові знання правового та суспільного "
        "устрою, визнавали вільний демократичний лад, а Ваші діти шкільного віку відвідували "
        "школу.\n\n"
        "Цей лист не є рішенням. Якщо Ви бажаєте подати заяву, зверніться до нас – не пізніше "
        "наступного продовження Вашого дульдунгу – і візьміть із собою підтвердження роботи, "
        "доходу, знання мови та відвідування школи Вашими дітьми.\n\n"
        "З повагою\n{{ office_name }}\n{{ office_phone }} · {{ office_email }}",
    ),
    "ru": (
        "Информация: вид на жительство при устойчивой интеграции (§ 25b AufenthG)",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "По нашим данным, Вы непрерывно находитесь в Германии с "
        "{{ tolerated_since|date:'d.m.Y' }} с дульдунгом, разрешением на пребывание на время "
        "процедуры предоставления убежища или с видом на жительство. Тот, кто живёт здесь "
        "так шесть лет – или четыре года, если в семье живёт несовершеннолетний неженатый "
        "ребёнок, – может получить вид на жительство по § 25b Закона о пребывании.\n\n"
        "Кроме того, важно, чтобы Вы в основном обеспечивали себя работой или это "
        "ожидалось, говорили по-немецки на уровне A2, имели базовые знания правового и "
        "общественного устройства, признавали свободный демократический строй, а Ваши дети "
        "школьного возраста посещали школу.\n\n"
        "Это письмо не является решением. Если Вы хотите подать заявление, обратитесь к нам – "
        "не позднее следующего продления Вашего дульдунга – и возьмите с собой подтверждения "
        "работы, дохода, знания языка и посещения школы Вашими детьми.\n\n"
        "С уважением\n{{ office_name }}\n{{ office_phone }} · {{ office_email }}",
    ),
}

_GRANT_NOTICE = {
    "de": (
        "Bescheid: Erteilung Ihres Aufenthaltstitels – Aktenzeichen {{ file_number }}",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "auf Ihren Antrag vom {{ received_on|date:'d.m.Y' }} erteilen wir Ihnen einen "
        "Aufenthaltstitel nach {{ legal_basis }} ({{ case_type }})"
        "{% if granted_until %}, gültig bis zum {{ granted_until|date:'d.m.Y' }}{% endif %}.\n\n"
        "Der Titel wird als elektronischer Aufenthaltstitel (Karte) bei der Bundesdruckerei "
        "bestellt, sobald Ihre Fingerabdrücke, Ihr Lichtbild und Ihre Unterschrift vorliegen "
        "und die Gebühren bezahlt sind. Wir teilen Ihnen mit, wann Sie die Karte abholen "
        "können.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Notice: your residence title is granted – file number {{ file_number }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "on your application of {{ received_on|date:'d.m.Y' }} we grant you a residence title "
        "under {{ legal_basis }} ({{ case_type }})"
        "{% if granted_until %}, valid until {{ granted_until|date:'d.m.Y' }}{% endif %}.\n\n"
        "The title is ordered as an electronic residence permit (card) from the "
        "Bundesdruckerei once your fingerprints, photo and signature have been taken and the "
        "fees are paid. We will tell you when you can collect the card.\n\n"
        "This translation is for your information; the German notice is binding.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Рішення: Вам надано дозвіл на проживання – номер справи {{ file_number }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "за Вашою заявою від {{ received_on|date:'d.m.Y' }} Вам надано дозвіл на проживання "
        "згідно з {{ legal_basis }} ({{ case_type }})"
        "{% if granted_until %}, дійсний до {{ granted_until|date:'d.m.Y' }}{% endif %}.\n\n"
        "Електронний дозвіл на проживання (картку) буде замовлено в Бундесдрукерай, щойно "
        "буде знято Ваші відбитки пальців, зроблено фото, отримано підпис і сплачено збори. "
        "Ми повідомимо Вам, коли можна буде отримати картку.\n\n"
        "Цей переклад надано для інформації; юридичну силу має німецький текст рішення.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Решение: Вам выдан вид на жительство – номер дела {{ file_number }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "по Вашему заявлению от {{ received_on|date:'d.m.Y' }} Вам выдаётся вид на жительство "
        "согласно {{ legal_basis }} ({{ case_type }})"
        "{% if granted_until %}, действительный до {{ granted_until|date:'d.m.Y' }}{% endif %}."
        "\n\n"
        "Электронный вид на жительство (карта) будет заказан в Бундесдрукерай, как только "
        "будут сняты отпечатки пальцев, сделано фото, получена подпись и оплачены сборы. Мы "
        "сообщим Вам, когда можно будет получить карту.\n\n"
        "Этот перевод предоставлен для информации; юридическую силу имеет немецкий текст "
        "решения.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_FIKTION = {
    "de": (
        "Fiktionsbescheinigung nach § 81 Abs. 5 AufenthG – Aktenzeichen {{ file_number }}",
        "{{ given_names }} {{ family_name }}, geboren am {{ birth_date|date:'d.m.Y' }}, hat am "
        "{{ received_on|date:'d.m.Y' }} und damit vor Ablauf des bisherigen Aufenthaltstitels"
        "{% if current_title %} ({{ current_title }}){% endif %} am "
        "{{ title_expires_on|date:'d.m.Y' }} die Verlängerung beantragt.\n\n"
        "Bis zur Entscheidung über den Antrag gilt der bisherige Aufenthaltstitel mit allen "
        "Nebenbestimmungen, auch zur Erwerbstätigkeit, als fortbestehend (§ 81 Abs. 4 "
        "AufenthG).\n\n"
        "Diese Bescheinigung gilt bis zum {{ valid_until|date:'d.m.Y' }} und nur zusammen mit "
        "dem Pass oder Passersatz.\n\n"
        "{{ office_name }}",
    ),
    "en": (
        "Fiktionsbescheinigung (§ 81 (5) AufenthG) – file number {{ file_number }}",
        "{{ given_names }} {{ family_name }}, born on {{ birth_date|date:'d.m.Y' }}, applied on "
        "{{ received_on|date:'d.m.Y' }} for the extension of their residence title"
        "{% if current_title %} ({{ current_title }}){% endif %}, before it expired on "
        "{{ title_expires_on|date:'d.m.Y' }}.\n\n"
        "Until the decision on the application, the previous title continues to apply with "
        "all its conditions, including those on employment (§ 81 (4) AufenthG).\n\n"
        "This certificate is valid until {{ valid_until|date:'d.m.Y' }} and only together with "
        "the passport. This translation is for your information; the German text is "
        "binding.\n\n"
        "{{ office_name }}",
    ),
    "uk": (
        "Fiktionsbescheinigung (§ 81 (5) AufenthG): свідоцтво про продовження дії дозволу – "
        "номер справи {{ file_number }}",
        "{{ given_names }} {{ family_name }}, дата народження {{ birth_date|date:'d.m.Y' }}, "
        "{{ received_on|date:'d.m.Y' }} подав(ла) заяву про продовження дозволу на проживання"
        "{% if current_title %} ({{ current_title }}){% endif %} до закінчення строку його дії "
        "{{ title_expires_on|date:'d.m.Y' }}.\n\n"
        "До ухвалення рішення за заявою попередній дозвіл на проживання діє з усіма умовами, "
        "зокрема щодо права на роботу (§ 81 (4) AufenthG).\n\n"
        "Це свідоцтво дійсне до {{ valid_until|date:'d.m.Y' }} і лише разом із паспортом. "
        "Цей переклад надано для інформації; юридичну силу має німецький текст.\n\n"
        "{{ office_name }}",
    ),
    "ru": (
        "Fiktionsbescheinigung (§ 81 (5) AufenthG): свидетельство о продлении действия "
        "разрешения – номер дела {{ file_number }}",
        "{{ given_names }} {{ family_name }}, дата рождения {{ birth_date|date:'d.m.Y' }}, "
        "{{ received_on|date:'d.m.Y' }} подал(а) заявление о продлении вида на жительство"
        "{% if current_title %} ({{ current_title }}){% endif %} до истечения его срока "
        "{{ title_expires_on|date:'d.m.Y' }}.\n\n"
        "До принятия решения по заявлению прежний вид на жительство действует со всеми "
        "условиями, в том числе о праве на работу (§ 81 (4) AufenthG).\n\n"
        "Это свидетельство действительно до {{ valid_until|date:'d.m.Y' }} и только вместе с "
        "паспортом. Этот перевод предоставлен для информации; юридическую силу имеет "
        "немецкий текст.\n\n"
        "{{ office_name }}",
    ),
}

_FIKTION_REMINDER = {
    "de": (
        "Ihre Fiktionsbescheinigung gilt bis zum {{ expires_on|date:'d.m.Y' }} – Aktenzeichen "
        "{{ file_number }}",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "über Ihren Antrag ({{ legal_basis }}, Aktenzeichen {{ file_number }}) ist noch nicht "
        "entschieden. Bis zur Entscheidung gilt Ihr bisheriger Aufenthaltstitel fort (§ 81 "
        "Abs. 4 AufenthG); Ihre Fiktionsbescheinigung weist das nach, zum Beispiel gegenüber "
        "Ihrem Arbeitgeber. Sie gilt aber nur bis zum {{ expires_on|date:'d.m.Y' }}.\n\n"
        "Bitte melden Sie sich vor diesem Tag bei uns, damit wir sie verlängern: telefonisch "
        "unter {{ office_phone }}, per E-Mail an {{ office_email }} oder während der "
        "Öffnungszeiten am Service Point. Bringen Sie Ihren Pass und die bisherige "
        "Bescheinigung mit.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Your Fiktionsbescheinigung is valid until {{ expires_on|date:'d.m.Y' }} – file number "
        "{{ file_number }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "your application ({{ legal_basis }}, file number {{ file_number }}) has not been "
        "decided yet. Until the decision your previous residence title continues to apply "
        "(§ 81 (4) AufenthG); your Fiktionsbescheinigung proves this, for example to your "
        "employer. It is only valid until {{ expires_on|date:'d.m.Y' }}, though.\n\n"
        "Please contact us before that day so that we can extend it: by phone on "
        "{{ office_phone }}, by e-mail to {{ office_email }} or at the Service Point during "
        "opening hours. Bring your passport and the current certificate.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Ваша Fiktionsbescheinigung дійсна до {{ expires_on|date:'d.m.Y' }} – номер справи "
        "{{ file_number }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "рішення за Вашою заявою ({{ legal_basis }}, номер справи {{ file_number }}) ще не "
        "ухвалено. До ухвалення рішення Ваш попередній дозвіл на проживання продовжує діяти "
        "(§ 81 (4) AufenthG); Ваша Fiktionsbescheinigung це підтверджує, наприклад, перед "
        "роботодавцем. Але вона дійсна лише до {{ expires_on|date:'d.m.Y' }}.\n\n"
        "Будь ласка, зверніться до нас до цієї дати, щоб ми її продовжили: за телефоном "
        "{{ office_phone }}, електронною поштою {{ office_email }} або в Service Point у "
        "години прийому. Візьміть із собою паспорт і чинне свідоцтво.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Ваша Fiktionsbescheinigung действительна до {{ expires_on|date:'d.m.Y' }} – номер "
        "дела {{ file_number }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "решение по Вашему заявлению ({{ legal_basis }}, номер дела {{ file_number }}) ещё не "
        "принято. До принятия решения Ваш прежний вид на жительство продолжает действовать "
        "(§ 81 (4) AufenthG); Ваша Fiktionsbescheinigung это подтверждает, например, перед "
        "работодателем. Но она действительна только до {{ expires_on|date:'d.m.Y' }}.\n\n"
        "Пожалуйста, свяжитесь с нами до этой даты, чтобы мы её продлили: по телефону "
        "{{ office_phone }}, по электронной почте {{ office_email }} или в Service Point в "
        "часы приёма. Возьмите с собой паспорт и действующее свидетельство.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_INVITATION = {
    "de": (
        "Einladung zum Service Point – Aktenzeichen {{ file_number }}",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "wir haben Ihren Antrag ({{ legal_basis }}, Aktenzeichen {{ file_number }}) geprüft. "
        "Für Ihren elektronischen Aufenthaltstitel kommen Sie jetzt bitte persönlich zum "
        "Service Point: Wir nehmen Ihre Fingerabdrücke und Ihre Unterschrift auf, und Sie "
        "zahlen die Gebühren.\n\n"
        "Bitte buchen Sie dafür einen Termin: {{ booking_url }} – mit Ihrem Aktenzeichen und "
        "Ihrem Geburtsdatum. Der Termin gehört zu Ihrem Antrag; dort können Sie ihn auch "
        "absagen.\n\n"
        "Bitte bringen Sie mit: Ihren Pass, Ihren bisherigen Aufenthaltstitel (falls "
        "vorhanden) und ein digitales Lichtbild als QR-Code eines zertifizierten Fotostudios. "
        "Sie können das Foto auch bei uns aufnehmen lassen (6 Euro).\n\n"
        "Wo Ihr Antrag steht, sehen Sie jederzeit auf der Statusseite: {{ status_url }}\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Invitation to the Service Point – file number {{ file_number }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "we have checked your application ({{ legal_basis }}, file number {{ file_number }}). "
        "For your electronic residence permit, please now come to the Service Point in "
        "person: we take your fingerprints and your signature, and you pay the fees.\n\n"
        "Please book an appointment for this: {{ booking_url }} – with your file number and "
        "your date of birth. The appointment belongs to your application; you can also "
        "cancel it there.\n\n"
        "Please bring: your passport, your current residence permit (if you have one) and a "
        "digital photo as a QR code from a certified photo studio. You can also have the "
        "photo taken at our office (6 euros).\n\n"
        "You can see where your application stands at any time on the status page: "
        "{{ status_url }}\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Запрошення до Service Point – номер справи {{ file_number }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "ми перевірили Вашу заяву ({{ legal_basis }}, номер справи {{ file_number }}). Для "
        "оформлення електронного дозволу на проживання, будь ласка, прийдіть особисто до "
        "Service Point: ми знімемо відбитки пальців і зразок підпису, а Ви сплатите "
        "збори.\n\n"
        "Будь ласка, запишіться на прийом: {{ booking_url }} – з номером справи та датою "
        "народження. Запис належить до Вашої заяви; там же його можна скасувати.\n\n"
        "Будь ласка, візьміть із собою: паспорт, чинний дозвіл на проживання (якщо є) та "
        "цифрове фото у вигляді QR-коду від сертифікованої фотостудії. Фото також можна "
        "зробити у нас (6 євро).\n\n"
        "Стан розгляду заяви Ви можете будь-коли переглянути на сторінці статусу: "
        "{{ status_url }}\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Приглашение в Service Point – номер дела {{ file_number }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "мы проверили Ваше заявление ({{ legal_basis }}, номер дела {{ file_number }}). Для "
        "оформления электронного вида на жительство, пожалуйста, придите лично в Service "
        "Point: мы снимем отпечатки пальцев и образец подписи, а Вы оплатите пошлины.\n\n"
        "Пожалуйста, запишитесь на приём: {{ booking_url }} – с номером дела и датой "
        "рождения. Запись относится к Вашему заявлению; там же её можно отменить.\n\n"
        "Пожалуйста, возьмите с собой: паспорт, действующий вид на жительство (если есть) и "
        "цифровую фотографию в виде QR-кода от сертифицированной фотостудии. Фотографию "
        "также можно сделать у нас (6 евро).\n\n"
        "Состояние рассмотрения заявления Вы можете в любое время посмотреть на странице "
        "статуса: {{ status_url }}\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

_CARD_READY = {
    "de": (
        "Ihre Aufenthaltskarte liegt zur Abholung bereit – Aktenzeichen {{ file_number }}",
        "Guten Tag {{ given_names }} {{ family_name }},\n\n"
        "Ihr elektronischer Aufenthaltstitel ({{ legal_basis }}, Aktenzeichen "
        "{{ file_number }}) ist bei uns eingetroffen"
        "{% if granted_until %} und gilt bis zum {{ granted_until|date:'d.m.Y' }}{% endif %}. "
        "Sie können ihn am Service Point abholen.\n\n"
        "Bitte buchen Sie dafür einen Termin: {{ booking_url }} – mit Ihrem Aktenzeichen und "
        "Ihrem Geburtsdatum. Bringen Sie Ihren Pass und Ihre bisherige Karte oder "
        "Bescheinigung mit. Holt eine andere Person die Karte ab, braucht sie Ihre "
        "schriftliche Vollmacht und ihren eigenen Ausweis.\n\n"
        "Den PIN-Brief der Bundesdruckerei erhalten Sie getrennt per Post.\n\n"
        "Mit freundlichen Grüßen\n{{ office_name }}",
    ),
    "en": (
        "Your residence card is ready for collection – file number {{ file_number }}",
        "Dear {{ given_names }} {{ family_name }},\n\n"
        "your electronic residence permit ({{ legal_basis }}, file number {{ file_number }}) "
        "has arrived at our office"
        "{% if granted_until %} and is valid until {{ granted_until|date:'d.m.Y' }}{% endif %}. "
        "You can collect it at the Service Point.\n\n"
        "Please book an appointment for this: {{ booking_url }} – with your file number and "
        "your date of birth. Bring your passport and your previous card or certificate. If "
        "someone else collects the card for you, they need your written authorisation and "
        "their own identity document.\n\n"
        "The PIN letter from the Bundesdruckerei reaches you separately by post.\n\n"
        "Kind regards\n{{ office_name }}",
    ),
    "uk": (
        "Ваша картка дозволу на проживання готова до видачі – номер справи {{ file_number }}",
        "Шановні {{ given_names }} {{ family_name }},\n\n"
        "Ваш електронний дозвіл на проживання ({{ legal_basis }}, номер справи "
        "{{ file_number }}) надійшов до нас"
        "{% if granted_until %} і дійсний до {{ granted_until|date:'d.m.Y' }}{% endif %}. "
        "Ви можете отримати його в Service Point.\n\n"
        "Будь ласка, запишіться на прийом: {{ booking_url }} – з номером справи та датою "
        "народження. Візьміть із собою паспорт і попередню картку або довідку. Якщо картку "
        "отримує інша особа, їй потрібні Ваша письмова довіреність і власний документ, що "
        "посвідчує особу.\n\n"
        "Лист із PIN-кодом від Bundesdruckerei надійде окремо поштою.\n\n"
        "З повагою\n{{ office_name }}",
    ),
    "ru": (
        "Ваша карта вида на жительство готова к выдаче – номер дела {{ file_number }}",
        "Уважаемые {{ given_names }} {{ family_name }},\n\n"
        "Ваш электронный вид на жительство ({{ legal_basis }}, номер дела {{ file_number }}) "
        "поступил к нам"
        "{% if granted_until %} и действителен до {{ granted_until|date:'d.m.Y' }}{% endif %}. "
        "Вы можете получить его в Service Point.\n\n"
        "Пожалуйста, запишитесь на приём: {{ booking_url }} – с номером дела и датой "
        "рождения. Возьмите с собой паспорт и прежнюю карту или справку. Если карту получает "
        "другой человек, ему нужны Ваша письменная доверенность и собственный документ, "
        "удостоверяющий личность.\n\n"
        "Письмо с PIN-кодом от Bundesdruckerei придёт отдельно по почте.\n\n"
        "С уважением\n{{ office_name }}",
    ),
}

DEFAULT_TEMPLATES: dict[str, dict[str, tuple[str, str]]] = {
    LetterKind.RECEIPT: _RECEIPT,
    LetterKind.TITLE_REMINDER: _TITLE_REMINDER,
    LetterKind.PASSPORT_REMINDER: _PASSPORT_REMINDER,
    LetterKind.CONTINUATION_CERTIFICATE: _CERTIFICATE,
    LetterKind.BELEHRUNG_104C: _BELEHRUNG,
    LetterKind.DOCUMENT_REQUEST: _DOCUMENT_REQUEST,
    LetterKind.HEARING: _HEARING,
    LetterKind.REFUSAL_NOTICE: _REFUSAL_NOTICE,
    LetterKind.RIGHT_TO_STAY_INFO: _RIGHT_TO_STAY_INFO,
    LetterKind.GRANT_NOTICE: _GRANT_NOTICE,
    LetterKind.FIKTION_CERTIFICATE: _FIKTION,
    LetterKind.APPOINTMENT_INVITATION: _INVITATION,
    LetterKind.CARD_READY: _CARD_READY,
    LetterKind.FIKTION_REMINDER: _FIKTION_REMINDER,
}
