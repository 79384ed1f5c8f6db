"""Demo chats, friendships and timeline statuses."""
# ruff: noqa: E501 (prose reads better unwrapped)

from __future__ import annotations

# (first, second, lines): the two members take turns, the first one starts.
CHATS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("alice", "kenji", (
        "Hi Kenji! Thanks for your answer about は and が.",
        "You're welcome! Your Japanese is improving fast.",
        "Would you like a weekly exchange? English for Japanese?",
        "Sure. Saturday mornings work for me.",
        "Perfect, Saturday at 10 then!",
    )),
    ("alice", "carol", (
        "Carol, are you still running the Thursday conversation group?",
        "Yes! 7pm, everyone's welcome.",
        "I'll bring a friend who's learning Spanish.",
        "Great, the more the merrier.",
    )),
    ("bob", "tom", (
        "Hello Tom, thank you for the corrections on my notebook.",
        "No problem! \"For\" and \"since\" get everyone.",
        "Can I ask you more questions about the present perfect later?",
        "Any time.",
    )),
    ("wei", "emily", (
        "Hi Emily, my interview went well!",
        "That's wonderful news! Did they ask anything unexpected?",
        "They asked about my weaknesses. I said \"I am too perfectionist\".",
        "Ha, a classic. Next time: \"I'm a bit of a perfectionist\".",
        "Noted, thank you teacher!",
    )),
    ("minji", "camille", (
        "Bonjour Camille ! J'ai fini mes devoirs de français.",
        "Bravo Min-ji ! Envoie-les-moi quand tu veux.",
        "Je les envoie ce soir. 감사합니다!",
        "천만에요 ! Tu vois, j'apprends aussi.",
    )),
    ("lucia", "sofia", (
        "Ciao Sofia! Sto imparando l'italiano.",
        "Brava! Da quanto tempo studi?",
        "Da sei mesi. È difficile ma bellissimo.",
        "Il tuo italiano è già molto buono!",
    )),
    ("jonas", "yuki", (
        "Hi Yuki! Do you want to practise together? I can help with German too.",
        "Yes, please! English mostly, and a little French.",
        "English it is, then. Tuesday evening?",
        "Tuesday is good. よろしくお願いします！",
    )),
    ("marco", "hannah", (
        "Hallo Hannah, danke für die Korrekturen!",
        "Gern geschehen, Marco. Dein Deutsch ist schon gut.",
        "Ich übe jeden Tag zwanzig Minuten.",
        "Das merkt man!",
    )),
    ("ingrid", "mateo", (
        "¡Hola Mateo! Gracias por el consejo sobre el Prado.",
        "¡De nada! ¿Viste Las Meninas?",
        "¡Sí! Es increíble.",
        "Ahora tienes que ir al Reina Sofía para ver el Guernica.",
    )),
    ("olga", "emily", (
        "Emily, what book would you recommend after Harry Potter?",
        "Try \"The Curious Incident of the Dog in the Night-Time\": short and very readable.",
        "Thank you, I'll order it today.",
    )),
    ("dmitri", "jonas", (
        "Привет! Sorry: hallo, Jonas!",
        "Hallo Dmitri! Wie geht's?",
        "Gut, danke! Ich lerne die Artikel.",
        "Viel Erfolg! Das ist der schwierigste Teil.",
    )),
    ("priya", "arjun", (
        "Arjun, are you going to the Japanese meetup on Saturday?",
        "Yes! Want to practise our self-introductions first?",
        "Good idea. はじめまして、プリヤです。",
        "はじめまして、アルジュンです。よろしく！",
    )),
)  # fmt: skip

# Accepted friendships the story relies on; more are drawn at random.
FRIENDS: tuple[tuple[str, str], ...] = (
    ("alice", "kenji"), ("alice", "carol"), ("bob", "tom"), ("wei", "emily"),
    ("lucia", "sofia"), ("marco", "hannah"), ("jonas", "yuki"), ("ingrid", "mateo"),
)  # fmt: skip
# Requests still waiting for an answer (from, to).
PENDING: tuple[tuple[str, str], ...] = (("bob", "alice"), ("minji", "camille"))
RANDOM_FRIENDS = 14
RANDOM_PENDING = 8

STATUSES: tuple[tuple[str, str], ...] = (
    ("alice", "Booked my flights to Osaka for April!"),
    (
        "kenji",
        "Teaching tip: let students make mistakes while they talk, correct them in writing afterwards.",
    ),
    ("bob", "Finished my first novel in English today."),
    ("carol", "Thursday conversation group is back: 7pm, all levels welcome."),
    ("wei", "I got the job! Thank you everyone who corrected my Notebook."),
    ("minji", 'Today I learned the word "serendipity". What a beautiful word.'),
    ("hannah", "Neue Notebook-Einträge? Ich korrigiere heute Abend gern ein paar."),
    ("sofia", 'Parola del giorno: "magari" — maybe, if only, I wish. Good luck translating that.'),
    ("olga", "100 days in a row of reading in English!"),
    ("yuki", "今日は英語で夢を見ました！"),
    ("fatima", "I have new Arabic script worksheets for beginners. Ask me if you want them."),
    (
        "tom",
        'Reminder: "fewer" for things you can count, "less" for things you can\'t. Fewer mistakes, less stress.',
    ),
    ("joao", "Watched a whole film in English without subtitles."),
    ("siti", "Wrote my first diary entry in Japanese. Corrections welcome!"),
    ("pieter", "Op zoek naar iemand die Italiaans spreekt voor een taaluitwisseling."),
    ("emre", "Just joined Haven. Hello everyone!"),
)
# Words that go with a shared post (empty: just the link).
SHARE_TEXTS: tuple[str, ...] = (
    "Great explanation.",
    "Bookmarking this one.",
    "",
    "This helped me a lot.",
    "Good discussion, join in!",
)
SHARED_POSTS = 10
