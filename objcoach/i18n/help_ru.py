"""Russian --help: each command's and option's English help text (a docstring or an option's help=) and its
Russian. Keyed by the English text, as gettext keys a catalog by its msgid: when the English changes, the
Russian is missing until it is written again (tests/test_help_language.py says which), never silently stale."""

HELP: dict[str, str] = {
    'Practise answering client objections, score replies, and keep the catalog in shape.\n\nExamples:\n\n  objcoach drill                     (five objections with coaching)\n\n  objcoach exam --time-limit 60      (a self-quiz before a shift)\n\n  objcoach score bank-already-chosen "Понимаю вас... Давайте пришлю условия?"\n\n  objcoach suggest "уже выбрал банк"\n\n  objcoach grade replies.jsonl --output scored.jsonl':
        'Тренируйте ответы на возражения клиентов, оценивайте ответы и держите каталог в порядке.\n\nПримеры:\n\n  objcoach drill                     (пять возражений с подсказками)\n\n  objcoach exam --time-limit 60      (самопроверка перед сменой)\n\n  objcoach score bank-already-chosen "Понимаю вас... Давайте пришлю условия?"\n\n  objcoach suggest "уже выбрал банк"\n\n  objcoach grade replies.jsonl --output scored.jsonl',
    'Print the version and exit.':
        'Показать версию и выйти.',
    'Install completion for the current shell.':
        'Установить автодополнение для текущей оболочки.',
    'Show completion for the current shell, to copy it or customize the installation.':
        'Показать автодополнение для текущей оболочки, чтобы скопировать его или настроить установку.',
    'Score one reply to one objection, with coaching feedback.\n\nExamples:\n\n  objcoach score bank-already-chosen "Понимаю вас, выбор за вами. Что для вас было важно?"\n\n  echo "I understand, it\'s your choice..." | objcoach score "You\'re too late, I\'ve already chosen a bank"':
        'Оценить один ответ на одно возражение, с разбором.\n\nПримеры:\n\n  objcoach score bank-already-chosen "Понимаю вас, выбор за вами. Что для вас было важно?"\n\n  echo "Понимаю вас, это ваш выбор..." | objcoach score "Вы опоздали, я уже выбрал банк"',
    "An objection id or the client's words, in either language.":
        'Id возражения или слова клиента, на любом из двух языков.',
    "The reply to score; '-' or nothing reads stdin.":
        'Ответ для оценки; «-» или ничего — читать из stdin.',
    'Language of the objections and replies: ru or en.':
        'Язык возражений и ответов: ru или en.',
    'Print JSON instead of a table or panel.':
        'Вывести JSON вместо таблицы или панели.',
    'Another catalog YAML to load with the bundled one (repeatable; also OBJCOACH_CATALOG).':
        'Ещё один YAML-каталог, загружаемый вместе со встроенным (можно несколько раз; также OBJCOACH_CATALOG).',
    "Score every row of a file of replies; one output row per input row, in order.\n\nRows that cannot be graded get an 'error' field; the exit code is then 1.\n\nExamples:\n\n  objcoach grade replies.jsonl > scored.jsonl\n\n  objcoach grade replies.csv --format csv --output scored.csv":
        'Оценить каждую строку файла с ответами; по одной строке на выходе на каждую строку на входе, в том же порядке.\n\nСтроки, которые нельзя оценить, получают поле «error»; тогда код выхода 1.\n\nПримеры:\n\n  objcoach grade replies.jsonl > scored.jsonl\n\n  objcoach grade replies.csv --format csv --output scored.csv',
    "JSONL or CSV rows with 'objection' and 'reply'; '-' for stdin.":
        'Строки JSONL или CSV с полями «objection» и «reply»; «-» — stdin.',
    'Write here instead of stdout.':
        'Записать сюда, а не в stdout.',
    'Output format.':
        'Формат вывода.',
    'Worker processes to score in (default: one per core).':
        'Сколько процессов оценивают ответы (по умолчанию по одному на ядро).',
    'Find which scripted objection the client\'s words are, with its best answer.\n\nThe first row is marked as a match only when the lookup is confident; words that fit no objection well\nget "no good match" and the closest ones as "maybe".\n\nExamples:\n\n  objcoach suggest уже выбрал банк\n\n  objcoach suggest "too expensive" --limit 5 --json':
        'Узнать, какое возражение из скрипта звучит в словах клиента, и показать лучший ответ на него.\n\nПервая строка отмечена как совпадение, только когда поиск уверен; если слова не подходят ни к одному\nвозражению, выводится «ничего не подходит», а ближайшие — как «возможно».\n\nПримеры:\n\n  objcoach suggest уже выбрал банк\n\n  objcoach suggest "слишком дорого" --limit 5 --json',
    'What the client said (a few words are enough).':
        'Что сказал клиент (достаточно нескольких слов).',
    'How many objections to show.':
        'Сколько возражений показать.',
    "Check the scorer against a mentor's grades: Spearman ρ, pair order, confusion, worst rows.\n\nWith --fit, learn how the scorer weighs what it finds from the team's grades: prints the agreement\nbefore and after (cross-validated by objection) and writes the model; a catalog then uses it with\n`scoring: {model: team-model.json}`.\n\nExamples:\n\n  objcoach calibrate tests/data/graded.jsonl\n\n  objcoach calibrate graded.jsonl --fit --output team-model.json":
        'Сверить оценщик с оценками наставника: ρ Спирмена, порядок пар, матрица ошибок, худшие строки.\n\nС --fit подобрать по оценкам команды, как оценщик взвешивает найденное: выводит согласие до и после\n(перекрёстная проверка по возражениям) и записывает модель; каталог затем использует её строкой\n`scoring: {model: team-model.json}`.\n\nПримеры:\n\n  objcoach calibrate tests/data/graded.jsonl\n\n  objcoach calibrate graded.jsonl --fit --output team-model.json',
    "JSONL or CSV rows with 'objection', 'reply' and a human 'grade' (0–3 or 0–100); '-' for stdin.":
        'Строки JSONL или CSV с полями «objection», «reply» и оценкой человека «grade» (0–3 или 0–100); «-» — stdin.',
    "Learn the grader's weights from these grades (and the replies accepted in review); needs --output.":
        'Подобрать веса оценщика по этим оценкам (и по ответам, принятым при разборе); нужен --output.',
    "With --fit: where to write the team's model (JSON).":
        'С --fit: куда записать модель команды (JSON).',
    'With --fit: also learn from the replies graded in review (accepted ones as grade 3).':
        'С --fit: учиться и на ответах, оценённых в review (принятые считаются оценкой 3).',
    'History database: a SQLite file or postgresql://... (default: history.sqlite3 in OBJCOACH_HOME).':
        'База истории: файл SQLite или postgresql://... (по умолчанию history.sqlite3 в OBJCOACH_HOME).',
    "List the catalog's objections.\n\nExample:\n\n  objcoach list --domain bank --lang ru":
        'Список возражений каталога.\n\nПример:\n\n  objcoach list --domain bank --lang ru',
    'Only this domain (bank, telecom, ...).':
        'Только эта сфера (bank, telecom, ...).',
    'Only objections with this tag.':
        'Только возражения с этим тегом.',
    'Only this difficulty (1–3).':
        'Только эта сложность (1–3).',
    'Show one objection: context, steps, key points, model answers and tips.\n\nExample:\n\n  objcoach show bank-already-chosen --lang en':
        'Показать одно возражение: ситуацию, шаги, что упомянуть, образцовые ответы и совет.\n\nПример:\n\n  objcoach show bank-already-chosen --lang en',
    "An objection id or the client's words.":
        'Id возражения или слова клиента.',
    'List the techniques the checklists use, with why they work and example phrases.\n\nExample:\n\n  objcoach techniques --lang ru':
        'Техники, которые используют чек-листы: почему они работают и примеры фраз.\n\nПример:\n\n  objcoach techniques --lang ru',
    'Language: ru or en.':
        'Язык: ru или en.',
    'Check catalogs: YAML, fields, languages, technique ids, duplicate ids, and a self-test.\n\nExit 0 when clean, 1 when there are problems (one line each, with file:line:col).\n\nExamples:\n\n  objcoach validate\n\n  objcoach validate team.yaml':
        'Проверить каталоги: YAML, поля, языки, id техник, повторы id и самопроверку.\n\nКод выхода 0, если всё в порядке, 1, если есть проблемы (по строке на каждую, с файл:строка:столбец).\n\nПримеры:\n\n  objcoach validate\n\n  objcoach validate team.yaml',
    'Catalog files to check (default: the bundled one and OBJCOACH_CATALOG).':
        'Файлы каталогов для проверки (по умолчанию встроенный и OBJCOACH_CATALOG).',
    'Score each model answer with itself left out.':
        'Оценить каждый образцовый ответ, не учитывая его самого.',
    "Practise objections with coaching: hints, retries and model answers.\n\nDue objections come first, then new ones, then the weakest. At the prompt: /hint, /skip,\n/answer, /dispute [why], /quit, /help. From a pipe, each line is one reply.\n\nExamples:\n\n  objcoach drill\n\n  objcoach drill --count 3 --domain bank --lang ru\n\n  printf 'reply one\\nreply two\\n' | objcoach drill --count 2 --seed 1":
        "Тренировка с подсказками: подсказки, повторные попытки и образцовые ответы.\n\nСначала возражения, которые пора повторить, затем новые, затем самые слабые. В поле ответа: /hint,\n/skip, /answer, /dispute [почему], /quit, /help (или /подсказка, /пропустить, /ответ, /оспорить,\n/выход, /помощь). Из канала каждая строка — один ответ.\n\nПримеры:\n\n  objcoach drill\n\n  objcoach drill --count 3 --domain bank --lang ru\n\n  printf 'первый ответ\\nвторой ответ\\n' | objcoach drill --count 2 --seed 1",
    'How many objections.':
        'Сколько возражений.',
    'Only this domain (bank, telecom, ecommerce, travel, service, proactive).':
        'Только эта сфера (bank, telecom, ecommerce, travel, service, proactive).',
    'Practise this objection (repeatable).':
        'Тренировать это возражение (можно несколько раз).',
    'Extra tries after a partial or weak reply (default 1 at a terminal, 0 when replies come from a pipe).':
        'Дополнительные попытки после частичного или слабого ответа (по умолчанию 1 в терминале, 0 при ответах из канала).',
    'Whose practice this is (default: the config file, then the OS user).':
        'Чья это тренировка (по умолчанию из файла настроек, затем пользователь ОС).',
    'Seed for a reproducible order.':
        'Начальное значение для воспроизводимого порядка.',
    'A timed self-quiz before a shift: no hints, retries or model answers until the end.\n\nExit 0 when the average reaches the pass mark, 1 when it does not (130 when interrupted),\nso a shift script can use it.\n\nExamples:\n\n  objcoach exam\n\n  objcoach exam --count 5 --pass-mark 75 --time-limit 60':
        'Самопроверка на время перед сменой: без подсказок, повторных попыток и образцовых ответов до конца.\n\nКод выхода 0, если средний балл достиг проходного, 1, если нет (130, если прервано), так что его\nможет использовать скрипт смены.\n\nПримеры:\n\n  objcoach exam\n\n  objcoach exam --count 5 --pass-mark 75 --time-limit 60',
    'How many questions.':
        'Сколько вопросов.',
    'Average score needed to pass.':
        'Средний балл, нужный для сдачи.',
    'Seconds per reply; a late reply loses 10 points plus 1 per 5 s over, at most 30.':
        'Секунд на ответ; опоздавший ответ теряет 10 баллов и ещё 1 за каждые 5 с сверх лимита, не больше 30.',
    'Your practice in figures: attempts, streak, average and its trend, mastery, missed steps, exams.\n\nWith --team: one line per operator (on PostgreSQL, those the database lets you see).\n\nExamples:\n\n  objcoach stats\n\n  objcoach stats --since 7d --json':
        'Ваша тренировка в цифрах: попытки, дни подряд, средний балл и его динамика, освоение, пропущенные шаги, самопроверки.\n\nС --team: по строке на оператора (в PostgreSQL — тех, кого база разрешает вам видеть).\n\nПримеры:\n\n  objcoach stats\n\n  objcoach stats --since 7d --json',
    'Every operator in this history.':
        'Все операторы в этой истории.',
    'One line per operator: practice and average.':
        'По строке на оператора: тренировки и средний балл.',
    'Only since: 7d, 12h, 2w or a date like 2026-11-01.':
        'Только начиная с: 7d, 12h, 2w или даты вида 2026-11-01.',
    'Recent attempts with the reply and its score, newest first.\n\nExamples:\n\n  objcoach history --limit 5\n\n  objcoach history --json':
        'Последние попытки с ответом и баллом, новые сверху.\n\nПримеры:\n\n  objcoach history --limit 5\n\n  objcoach history --json',
    'How many attempts.':
        'Сколько попыток.',
    'Who practised most, or scored best, in a period. Every stored score is checked by scoring its\nreply again; an attempt whose score the grader does not give is left out and named.\n\nExamples:\n\n  objcoach leaderboard --since 7d\n\n  objcoach leaderboard --by score --since 2026-11-01 --json':
        'Кто больше тренировался или лучше отвечал за период. Каждый сохранённый балл проверяется новой\nоценкой ответа; попытка, балл которой оценщик не даёт, не учитывается и называется.\n\nПримеры:\n\n  objcoach leaderboard --since 7d\n\n  objcoach leaderboard --by score --since 2026-11-01 --json',
    'Rank by practice (attempts and active days) or by average score.':
        'Порядок по тренировкам (попытки и дни занятий) или по среднему баллу.',
    'Write a commented starter catalog for a team, using the bundled techniques.\n\nExample:\n\n  objcoach new-catalog team.yaml && objcoach validate team.yaml':
        'Записать стартовый каталог команды с комментариями, на встроенных техниках.\n\nПример:\n\n  objcoach new-catalog team.yaml && objcoach validate team.yaml',
    'Where to write the starter catalog (must not exist).':
        'Куда записать стартовый каталог (файла ещё не должно быть).',
    "Add a new objection to a catalog: a wizard asks for whatever the options don't give.\n\nThe entry is validated and self-tested before anything is written; the catalog file keeps every\nbyte it had (comments and order included) and gets the new entry at the end of its objections.\n\nExamples:\n\n  objcoach add --to team.yaml\n\n  objcoach add --to team.yaml --from entry.yaml --yes":
        'Добавить новое возражение в каталог: мастер спросит всё, чего нет в параметрах.\n\nЗапись проверяется и проходит самопроверку до записи в файл; файл каталога сохраняет каждый свой\nбайт (комментарии и порядок тоже) и получает новую запись в конце списка возражений.\n\nПримеры:\n\n  objcoach add --to team.yaml\n\n  objcoach add --to team.yaml --from entry.yaml --yes',
    'The catalog file to add to (created when missing; default: the first OBJCOACH_CATALOG file).':
        'Файл каталога, в который добавить (создаётся, если его нет; по умолчанию первый файл из OBJCOACH_CATALOG).',
    'Read the entry from this YAML file (one objection mapping).':
        'Прочитать запись из этого YAML-файла (одно возражение).',
    "The new id (default: from the client's words).":
        'Id нового возражения (по умолчанию из слов клиента).',
    "The client's words in Russian.":
        'Слова клиента на русском.',
    "The client's words in English.":
        'Слова клиента на английском.',
    'A tag (repeatable).':
        'Тег (можно несколько раз).',
    'Technique ids, comma-separated.':
        'Id техник через запятую.',
    'Required technique ids, comma-separated.':
        'Id обязательных техник через запятую.',
    'A model answer in Russian (repeatable).':
        'Образцовый ответ на русском (можно несколько раз).',
    'A model answer in English (repeatable).':
        'Образцовый ответ на английском (можно несколько раз).',
    "A key point in Russian; alternatives separated by ' | ' (repeatable).":
        'Что упомянуть, на русском; варианты через « | » (можно несколько раз).',
    'Write without asking for confirmation.':
        'Записать, не спрашивая подтверждения.',
    'Check and preview only.':
        'Только проверить и показать.',
    'Go through disputed attempts and the weakest recent ones (of everyone, or --operator): accept,\ngrade, dismiss or comment.\n\nAccepting adds the reply as a model answer, after the same checks as `add`: to the catalog file that\nholds its objection, or, for an objection of the bundled catalog, to the team catalog in objcoach\'s data\nfolder (the installed package is never changed). A grade (0–3) says the score was too low or too high;\nit teaches `calibrate --fit`. Decisions are shown to the operator in `history` and after their next\ndrill, and travel with `export` and `import`.\n\nExamples:\n\n  objcoach review --since 7d\n\n  objcoach review --json\n\n  objcoach review --accept 3f9c2a --comment 77d1e0="Хорошо, добавьте вопрос в конце"\n\n  objcoach review --grade 3f9c2a=1 --comment 3f9c2a="Нет следующего шага"':
        'Разобрать оспоренные попытки и самые слабые из последних (всех операторов или --operator): принять,\nоценить, отклонить или прокомментировать.\n\nПринятый ответ добавляется образцовым после тех же проверок, что и в `add`: в файл каталога, где лежит\nего возражение, а для возражения из встроенного каталога — в каталог команды в папке данных objcoach\n(установленный пакет не меняется). Оценка (0–3) говорит, что балл занижен или завышен; на ней учится\n`calibrate --fit`. Решения оператор видит в `history` и после следующей тренировки, они переносятся\nчерез `export` и `import`.\n\nПримеры:\n\n  objcoach review --since 7d\n\n  objcoach review --json\n\n  objcoach review --accept 3f9c2a --comment 77d1e0="Хорошо, добавьте вопрос в конце"\n\n  objcoach review --grade 3f9c2a=1 --comment 3f9c2a="Нет следующего шага"',
    'Also this many lowest-scoring recent attempts.':
        'Ещё столько последних попыток с самыми низкими баллами.',
    "Accept this attempt's reply as a model answer (id or unique prefix; repeatable).":
        'Принять ответ этой попытки как образцовый (id или однозначное начало id; можно несколько раз).',
    'Dismiss this attempt (repeatable).':
        'Отклонить эту попытку (можно несколько раз).',
    'The score was too low or too high: your grade, ID=0..3 (0 harmful … 3 a model answer; repeatable).':
        'Балл занижен или завышен: ваша оценка, ID=0..3 (0 — вредный … 3 — образцовый; можно несколько раз).',
    'Leave a comment: ID=text (repeatable; with the ID of an --accept, --grade or --dismiss, it goes with that decision).':
        'Оставить комментарий: ID=текст (можно несколько раз; с ID из --accept, --grade или --dismiss он идёт вместе с этим решением).',
    "Who decides (default: the config's operator, then the OS user).":
        'Кто решает (по умолчанию оператор из настроек, затем пользователь ОС).',
    'A report per operator: figures, then feedback as observation → impact → correction → agreement.\n\nHTML is one self-contained file with a chart; CSV is safe to open in a spreadsheet.\n\nExamples:\n\n  objcoach report --since 7d --format html --output week.html\n\n  objcoach report --operator anna --format md':
        'Отчёт по каждому оператору: показатели, затем обратная связь — наблюдение → влияние → что улучшить → договорённости.\n\nHTML — один самодостаточный файл с графиком; CSV безопасно открывать в электронной таблице.\n\nПримеры:\n\n  objcoach report --since 7d --format html --output week.html\n\n  objcoach report --operator anna --format md',
    'Only this operator (repeatable; default: everyone).':
        'Только этот оператор (можно несколько раз; по умолчанию все).',
    'Report format.':
        'Формат отчёта.',
    'Write here instead of stdout (the file is replaced only when everything was written).':
        'Записать сюда, а не в stdout (файл заменяется, только когда записано всё).',
    "Find the scripted objections in real chats and score how the operator answered each.\n\nEach client turn that is confidently a catalog objection is scored against it with the operator's next\nturn. Prints a summary per operator: objections met, average score, steps missed most, weakest replies.\n\nExamples:\n\n  objcoach audit --sample\n\n  objcoach audit chats.jsonl\n\n  objcoach audit chats.csv --output findings.csv --format csv --report audit.html\n\n  objcoach audit chats.jsonl --save":
        'Найти возражения из скрипта в настоящих чатах и оценить, как оператор ответил на каждое.\n\nКаждая реплика клиента, в которой уверенно узнаётся возражение каталога, оценивается по нему вместе со\nследующей репликой оператора. Выводит сводку по операторам: встреченные возражения, средний балл,\nчаще всего пропущенные шаги, самые слабые ответы.\n\nПримеры:\n\n  objcoach audit --sample\n\n  objcoach audit chats.jsonl\n\n  objcoach audit chats.csv --output findings.csv --format csv --report audit.html\n\n  objcoach audit chats.jsonl --save',
    "Dialogues: JSONL, one a line ({chat_id, operator, started_at, turns: [{role, text}]}), or CSV, one turn a row (chat_id, operator, role, text); '-' for stdin.":
        'Диалоги: JSONL, по одному в строке ({chat_id, operator, started_at, turns: [{role, text}]}), или CSV, по реплике в строке (chat_id, operator, role, text); «-» — stdin.',
    'Audit the sample of dialogues that comes with objcoach (to try it out).':
        'Проверить примеры диалогов, которые идут с objcoach (чтобы попробовать).',
    'Write one row per objection found here (its score as `score --json` gives it).':
        'Записать сюда по строке на каждое найденное возражение (балл — как даёт `score --json`).',
    'Format of --output.':
        'Формат --output.',
    'Also write the summary as an HTML report.':
        'Также записать сводку HTML-отчётом.',
    "Keep the scored replies in the history as attempts of kind 'audit' (stats, report and the drill's schedule see them).":
        'Сохранить оценённые ответы в историю как попытки вида «audit» (их видят stats, report и расписание тренировок).',
    'Export attempts, each with a stable id, to send to a mentor (JSONL) or open in a spreadsheet (CSV).\n\nExamples:\n\n  objcoach export --output my-practice.jsonl\n\n  objcoach export --all --format csv --output team.csv':
        'Выгрузить попытки, каждую с постоянным id, чтобы отправить наставнику (JSONL) или открыть в электронной таблице (CSV).\n\nПримеры:\n\n  objcoach export --output my-practice.jsonl\n\n  objcoach export --all --format csv --output team.csv',
    'jsonl (for import) or csv.':
        'jsonl (для import) или csv.',
    'Import attempts exported on another machine. Importing the same file twice adds nothing.\n\nA malformed line is reported with its number and the rest is imported (exit 1 then).\n\nExample:\n\n  objcoach import trainee.jsonl':
        'Загрузить попытки, выгруженные на другом компьютере. Повторная загрузка того же файла ничего не добавляет.\n\nО строке с ошибкой сообщается с её номером, остальное загружается (тогда код выхода 1).\n\nПример:\n\n  objcoach import trainee.jsonl',
    "A JSONL export; '-' for stdin.":
        'Выгрузка JSONL; «-» — stdin.',
    'Assign objections or roleplay scenarios to an operator; their drills take assigned objections first.\n\nExamples:\n\n  objcoach assign --operator anna --tag price --due 2026-12-01\n\n  objcoach assign --operator anna --id too-expensive --id need-to-think --due 7d\n\n  objcoach assign --operator anna --scenario mortgage-rate-raised --due 7d':
        'Назначить оператору возражения или сценарии звонков; на тренировке он получает назначенные возражения первыми.\n\nПримеры:\n\n  objcoach assign --operator anna --tag price --due 2026-12-01\n\n  objcoach assign --operator anna --id too-expensive --id need-to-think --due 7d\n\n  objcoach assign --operator anna --scenario mortgage-rate-raised --due 7d',
    "A roleplay scenario's id (repeatable): done when a call of it ends resolved.":
        'Id сценария звонка (можно несколько раз): задание сделано, когда звонок по нему закончится решением.',
    'Who gets the assignment.':
        'Кому назначить.',
    'The day it should be done by: 2026-12-01, or 7d from today.':
        'Срок: 2026-12-01 или 7d от сегодня.',
    'An objection id (repeatable).':
        'Id возражения (можно несколько раз).',
    'Every objection with this tag.':
        'Все возражения с этим тегом.',
    'Every objection of this domain.':
        'Все возражения этой сферы.',
    "Who assigns (default: the connected role on PostgreSQL, else the config's operator or the OS user).":
        'Кто назначает (по умолчанию роль подключения в PostgreSQL, иначе оператор из настроек или пользователь ОС).',
    "Who has done what of their assignments, what is overdue, and each operator's average on them.\n\nExample:\n\n  objcoach assignments --json":
        'Кто что сделал из назначенного, что просрочено, и средний балл каждого оператора по назначенному.\n\nПример:\n\n  objcoach assignments --json',
    "Set up and manage a team's PostgreSQL database.":
        'Создать базу PostgreSQL команды и управлять ею.',
    'Create the schema, the objcoach_operator and objcoach_mentor roles, and row-level security.\n\nRun once by an administrator, who then grants people a role with `objcoach db grant`.\nPasswords stay with PostgreSQL: PGPASSWORD, ~/.pgpass or a service file.\n\nExample:\n\n  objcoach db setup --db postgresql://admin@db.example/objcoach':
        'Создать схему, роли objcoach_operator и objcoach_mentor и защиту на уровне строк.\n\nЗапускается один раз администратором, который затем выдаёт людям роли командой `objcoach db grant`.\nПароли остаются у PostgreSQL: PGPASSWORD, ~/.pgpass или файл службы.\n\nПример:\n\n  objcoach db setup --db postgresql://admin@db.example/objcoach',
    'postgresql://admin@host/db.':
        'postgresql://admin@host/db.',
    "Grant a person the operator or mentor role (and a place in a mentor's team).\n\nExample:\n\n  objcoach db grant anna --role operator --mentor boris":
        'Выдать человеку роль оператора или наставника (и место в команде наставника).\n\nПример:\n\n  objcoach db grant anna --role operator --mentor boris',
    'A PostgreSQL login role (a person).':
        'Роль входа PostgreSQL (человек).',
    'The role to grant.':
        'Какую роль выдать.',
    "Put this operator in that mentor's team.":
        'Включить этого оператора в команду этого наставника.',
    'Show or change your settings (operator, lang) in config.yaml.':
        'Показать или изменить настройки (operator, lang) в config.yaml.',
    'Print the settings and where the file is.\n\nExample:\n\n  objcoach config show':
        'Показать настройки и где лежит файл.\n\nПример:\n\n  objcoach config show',
    'Change one setting; the others stay as they are.\n\nExamples:\n\n  objcoach config set lang ru\n\n  objcoach config set operator anna':
        'Изменить одну настройку; остальные не меняются.\n\nПримеры:\n\n  objcoach config set lang ru\n\n  objcoach config set operator anna',
    'lang (ru or en) or operator (your name in the history).':
        'lang (ru или en) или operator (ваше имя в истории).',
    'The new value.':
        'Новое значение.',
    'Remove one setting (objcoach then falls back to its default).\n\nExample:\n\n  objcoach config unset lang':
        'Удалить одну настройку (тогда objcoach берёт значение по умолчанию).\n\nПример:\n\n  objcoach config unset lang',
    'lang or operator.':
        'lang или operator.',
    "Play a whole call: the client's line, your reply, the client's next line chosen by how the reply\nwent, until the call is resolved, escalated or lost; then a scorecard.\n\nEach reply is scored and coached as in a drill, with one more try when it is below good (not with\n--exam). At the prompt: /hint, /skip, /answer, /dispute [why], /quit, /help. From a pipe, each line\nis one reply.\n\nExamples:\n\n  objcoach roleplay --list\n\n  objcoach roleplay --list --json\n\n  objcoach roleplay mortgage-rate-raised --lang ru\n\n  objcoach roleplay double-charge --catalog team-calls.yaml\n\n  printf 'Sorry, I will check it\\nIt is a hold\\n' | objcoach roleplay double-charge-business -l en --exam":
        "Сыграть звонок целиком: реплика клиента, ваш ответ, следующая реплика клиента — в зависимости от того,\nкак прошёл ответ, — пока звонок не решён, не ушёл к руководителю или клиент не потерян; затем итоги звонка.\n\nКаждый ответ оценивается и разбирается, как в тренировке, с ещё одной попыткой, если он ниже «хорошо»\n(не с --exam). В поле ответа: /hint, /skip, /answer, /dispute [почему], /quit, /help (или /подсказка,\n/пропустить, /ответ, /оспорить, /выход, /помощь). Из канала каждая строка — один ответ.\n\nПримеры:\n\n  objcoach roleplay --list\n\n  objcoach roleplay --list --json\n\n  objcoach roleplay mortgage-rate-raised --lang ru\n\n  objcoach roleplay double-charge --catalog team-calls.yaml\n\n  printf 'Простите, сейчас проверю\\nЭто удержание\\n' | objcoach roleplay double-charge-business -l ru --exam",
    'The scenario to play (default: an assigned one, then one due, then one played weakly, then a new one).':
        'Какой сценарий сыграть (по умолчанию: назначенный, затем тот, что пора повторить, затем сыгранный слабо, затем новый).',
    'List the scenarios instead of playing one.':
        'Показать список сценариев, а не играть.',
    'No hints, no retries, no feedback until the scorecard.':
        'Без подсказок, повторных попыток и разбора до итогов звонка.',
    'Tries again at a turn whose reply is below good (default 1 at a terminal, 0 when replies come from a pipe).':
        'Сколько ещё попыток на реплике, где ответ ниже «хорошо» (по умолчанию 1 в терминале, 0, когда ответы идут из канала).',
    'Seed: the client says a random variant of each line (without one, the main line).':
        'Зерно: клиент говорит случайный вариант каждой реплики (без него — основной).',
}

# The words the help formatter itself writes (click's and Typer's), in Russian.
LABELS: dict[str, str] = {
    "Usage: ": "Использование: ",
    "Arguments": "Аргументы",
    "Options": "Параметры",
    "Commands": "Команды",
    "Show this message and exit.": "Показать эту справку и выйти.",
    "default": "по умолчанию",
    "required": "обязательно",
    "env var": "переменная окружения",
    "[OPTIONS]": "[ПАРАМЕТРЫ]",
    "Try": "Справка: {command}",
    "Error": "Ошибка",
    "COMMAND [ARGS]...": "КОМАНДА [АРГУМЕНТЫ]...",
}
USAGE_WORDS = ("[OPTIONS]", "COMMAND [ARGS]...")

# Arguments are shown by their names (objcoach score [ПАРАМЕТРЫ] {возражение} [ответ]).
ARGUMENTS: dict[str, str] = {
    "chats": "чаты",
    "file": "файл",
    "key": "настройка",
    "name": "имя",
    "objection": "возражение",
    "path": "путь",
    "paths": "файлы",
    "reply": "ответ",
    "scenario_id": "сценарий",
    "value": "значение",
    "words": "слова",
}

# click's usage errors (a mistyped option, a missing argument, a bad value), phrase by phrase.
USAGE_ERRORS: tuple[tuple[str, str], ...] = (
    (r"^No such option: (\S+)", r"нет такого параметра: \1"),
    (r"Did you mean (.+)\?$", r"Может быть, \1?"),
    (r"\(Possible options: (.+)\)", r"(возможно: \1)"),
    (r"^Missing argument '(.+)'\.", r"не хватает аргумента «\1»."),
    (r"^Missing option '(.+)'\.", r"не хватает параметра «\1»."),
    (r" \(env var: (.+?)\)", r" (переменная окружения: \1)"),
    (r"^Invalid value for (.+?): ", r"неверное значение \1: "),
    (r"'([^']*)' is not a valid (?:integer|int|int range|integer range)\.$", r"«\1» — не целое число."),
    (r"'([^']*)' is not a valid (?:float|float range)\.$", r"«\1» — не число."),
    (r"'([^']*)' is not one of (.+)\.$", r"«\1» — не одно из: \2."),
    (r"(\S+) is not in the range (.+)\.$", r"\1 — вне диапазона \2."),
    (r"^Got unexpected extra arguments?(?:\(s\))? \((.*)\)", r"лишние аргументы: \1"),
    (r"^Option '(.+)' requires an argument\.", r"параметру «\1» нужно значение."),
    (r"^Option '(.+)' requires (\d+) arguments\.", r"параметру «\1» нужно значений: \2."),
    (r"^No such command '(.+)'\.", r"нет такой команды: «\1»."),
    (r"^Missing command\.", "не указана команда."),
)
