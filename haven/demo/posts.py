"""Demo posts: questions with answers, Notebook entries with corrections, threads.

Every comment is written by someone who could plausibly write it: answers and
corrections come from native speakers of the language in question.
"""
# ruff: noqa: E501 (prose reads better unwrapped)

from __future__ import annotations

from typing import NamedTuple


class Reply(NamedTuple):
    author: str
    body: str


class Note(NamedTuple):
    """A top-level comment (an answer, a correction) and its replies."""

    author: str
    body: str
    replies: tuple[Reply, ...]


class Thread(NamedTuple):
    author: str
    language: str
    title: str
    body: str
    comments: tuple[Note, ...]


def C(author: str, body: str, *replies: Reply) -> Note:
    return Note(author, body, replies)


R = Reply

ANSWERS: tuple[Thread, ...] = (
    Thread(
        "alice", "ja", "は or が when I introduce myself?",
        "I keep writing 私が学生です when I introduce myself and my tutor changes it to 私は学生です. Is there a simple rule for when to use が?",
        (
            C("kenji", "Think of は as \"as for X\": it marks what the sentence is about. が marks new or important information, often the answer to a question. \"Who is the student?\" → 私が学生です (I'm the one). When you introduce yourself, you are the topic, so は.",
              R("alice", "\"As for me\" — that framing really helps, thank you!")),
            C("yuki", "One more: inside a description you almost always use が. 私が好きな本 = the book I like."),
        ),
    ),
    Thread(
        "bob", "en", "\"Since\" or \"for\" with the present perfect?",
        "I wrote \"I live in Lyon since five years\" and was told it's wrong. Is it \"I have lived here for five years\"?",
        (
            C("tom", "Yes. \"For\" + a length of time (for five years), \"since\" + a starting point (since 2021). English also needs the present perfect here: \"I've lived / I've been living in Lyon for five years.\" French uses the present (j'habite ici depuis…), which is why this one catches so many French speakers.",
              R("bob", "Merci! That is exactly my mistake.")),
            C("emily", "Quick test: if you can ask \"how long?\", use for. If you can ask \"since when?\", use since."),
        ),
    ),
    Thread(
        "jonas", "ja", "How do I say \"I'm looking forward to it\"?",
        "My exchange partner invited me to a festival. What's the natural way to say I'm looking forward to it?",
        (
            C("kenji", "楽しみにしています is the everyday phrase. Among friends, just 楽しみ！ is perfect."),
            C("yuki", "For something specific: お祭りを楽しみにしています (I'm looking forward to the festival).",
              R("jonas", "ありがとう！ I'll use the short one with my friend.")),
        ),
    ),
    Thread(
        "wei", "en", "What is the difference between \"make\" and \"do\"?",
        "I always mix them: make homework? do a mistake? Is there a rule?",
        (
            C("emily", "Roughly: \"do\" for activities and tasks (do homework, do the dishes), \"make\" for creating or producing something (make a cake, make a mistake). Many are fixed phrases you simply learn: make a decision, do someone a favour."),
            C("tom", "Pairs worth memorising together: make money / do business, make an effort / do your best.",
              R("wei", "Pairs are a good idea, I'll make a list. (Make a list! I think that's right.)"),
              R("tom", "Spot on.")),
        ),
    ),
    Thread(
        "lucia", "it", "Is \"prego\" only for \"you're welcome\"?",
        "I heard a shop assistant say \"Prego?\" when I walked in. Did I misunderstand?",
        (
            C("sofia", "No, \"prego\" does a lot of work! You're welcome; please, go ahead (holding a door); come in; and in a shop \"Prego?\" means \"How can I help you?\"."),
            C("marco", "With a puzzled face and a rising tone it can also mean \"Sorry, what did you say?\"."),
        ),
    ),
    Thread(
        "minji", "en", "When do I use \"the\" with place names?",
        "Why is it \"the Han River\" but just \"Seoul\"?",
        (
            C("tom", "Most city and country names take no article (Seoul, Korea), but plural or \"union\" names do: the Netherlands, the United States, the Philippines. Rivers, seas and oceans always take \"the\": the Han River, the Pacific.",
              R("minji", "So \"the Han River\" but \"Seoul\". Got it!")),
        ),
    ),
    Thread(
        "dmitri", "de", "Der, die, das: is there any trick?",
        "Russian has genders too, but German ones seem random. Any rules that actually work?",
        (
            C("hannah", "Some endings are reliable: -ung, -heit, -keit, -schaft are always die; -chen and -lein are always das. For everything else, learn each noun together with its article, as one word."),
            C("jonas", "Compound nouns take the gender of the last part: das Haus → das Krankenhaus, die Tür → die Haustür.",
              R("dmitri", "That is a useful trick, danke!")),
        ),
    ),
    Thread(
        "omar", "fr", "\"Tu\" or \"vous\" with a teacher?",
        "My French tutor is young and very relaxed. Is \"tu\" rude?",
        (
            C("camille", "Use \"vous\" until your teacher suggests \"tu\". Many language teachers switch quickly, but it's their call to make."),
            C("lea", "At university \"vous\" is the norm; in a conversation club \"tu\" is common from the start."),
        ),
    ),
    Thread(
        "ingrid", "es", "Ser or estar for feelings?",
        "Is it \"soy cansada\" or \"estoy cansada\"? My textbook explanation confuses me.",
        (
            C("carol", "Estoy cansada: estar is for states and feelings. Ser is for identity and characteristics: soy sueca. Careful with pairs like ser aburrido (to be boring) and estar aburrido (to be bored).",
              R("ingrid", "Oh no, I think I told my host family I'm boring.")),
            C("mateo", "A classic: soy listo (I'm clever) vs estoy listo (I'm ready)."),
        ),
    ),
    Thread(
        "priya", "de", "Wenn or als?",
        "Both seem to mean \"when\". How do I choose?",
        (
            C("hannah", "Als for one single event in the past: Als ich in Berlin war, … Wenn for the present and future, and for repeated events in the past: Immer wenn ich in Berlin war, …"),
        ),
    ),
)  # fmt: skip

NOTEBOOK: tuple[Thread, ...] = (
    Thread(
        "alice", "ja", "初めての日記",
        "来年、京都に行きたいです。友達と一緒にお寺を見るのが楽しみです。昨日に本屋で日本語の本を買いました。",
        (
            C("kenji", "Very natural! One fix: 昨日に → 昨日. Time words like 昨日, 今日, 来年 don't take に.",
              R("alice", "ありがとうございます！")),
            C("yuki", "お寺を見る is fine, but お寺を回る (go round the temples) sounds more natural for sightseeing."),
        ),
    ),
    Thread(
        "bob", "en", "My weekend in the Alps",
        "Last weekend I have gone to the mountains with my brother. We have walked during five hours and the view was very beautiful. In the evening we eat a fondue, it was delicious!",
        (
            C("tom", "\"I have gone\" → \"I went\" and \"We have walked\" → \"We walked\": \"last weekend\" is finished time, so simple past. \"during five hours\" → \"for five hours\". \"we eat\" → \"we ate\".",
              R("bob", "So many past tenses. Thank you, Tom!")),
            C("emily", "Lovely story! \"The view was stunning\" is a nice alternative to \"very beautiful\"."),
        ),
    ),
    Thread(
        "wei", "en", "Job interview tomorrow",
        "Tomorrow I have a job interview in a international company. I am very nervous because my English is not enough good. I prepared many answers but I afraid I will forget them.",
        (
            C("emily", "\"a international\" → \"an international\"; \"not enough good\" → \"not good enough\"; \"I afraid\" → \"I'm afraid\". Good luck tomorrow!",
              R("wei", "Thank you! I will remember \"good enough\".")),
        ),
    ),
    Thread(
        "marco", "de", "Mein Lieblingsessen",
        "Mein Lieblingsessen ist Pizza, natürlich! Aber ich mag auch der deutsche Kartoffelsalat. Meine Oma macht es jedes Sonntag.",
        (
            C("hannah", "\"der deutsche Kartoffelsalat\" → \"den deutschen Kartoffelsalat\" (Akkusativ after mögen). \"macht es\" → \"macht ihn\" (der Salat). \"jedes Sonntag\" → \"jeden Sonntag\"."),
            C("jonas", "Haha, ich liebe Pizza auch. Sehr gut geschrieben!",
              R("marco", "Danke, Jonas!")),
        ),
    ),
    Thread(
        "jonas", "ja", "日本語の勉強",
        "毎日、日本語を一時間勉強しています。漢字は難しいですけど、面白いです。先週、日本人の友達とラーメンを食べるました。",
        (
            C("kenji", "食べるました → 食べました (the ます form is 食べ + ました). Everything else is perfect!"),
        ),
    ),
    Thread(
        "minji", "en", "My favourite place in Seoul",
        "My favorite place in Seoul is the Han River. In summer many peoples have picnic there and eat fried chicken. I go there every weekends with my friends.",
        (
            C("tom", "\"many peoples\" → \"many people\"; \"have picnic\" → \"have picnics\" or \"have a picnic\"; \"every weekends\" → \"every weekend\". Fried chicken by the river sounds perfect.",
              R("minji", "Thank you so much! You should try it.")),
        ),
    ),
    Thread(
        "ingrid", "es", "Mi primer día en Madrid",
        "Ayer llegué a Madrid. El hotel es muy bonito y la gente es muy simpático. Mañana voy a visitar el Prado. Estoy muy emocionado!",
        (
            C("carol", "\"la gente es muy simpático\" → \"simpática\" (gente is feminine). \"emocionado\" → \"emocionada\", and Spanish opens exclamations too: ¡Estoy muy emocionada!"),
            C("mateo", "¡Disfruta el Prado! No te pierdas Las Meninas.",
              R("ingrid", "¡Gracias! Voy mañana por la mañana.")),
        ),
    ),
    Thread(
        "arjun", "ja", "私の町",
        "私の町はとても静かです。でも、夜はたくさん人がいます。私は毎朝公園に走ります。",
        (
            C("yuki", "公園に走ります → 公園で走ります: で marks where an action happens; に would mean running *to* the park."),
        ),
    ),
    Thread(
        "olga", "en", "Why I learn English",
        "I am teacher of Russian, but I learn English because I want to read books in original. Now I am reading Harry Potter, it is not so easy how I thought.",
        (
            C("emily", "\"I am teacher\" → \"I am a teacher\"; \"in original\" → \"in the original\"; \"not so easy how I thought\" → \"not as easy as I thought\". Reading in the original is the best motivation!",
              R("olga", "Thank you, Emily. Articles are my eternal enemy.")),
        ),
    ),
)  # fmt: skip

DISCUSSIONS: tuple[Thread, ...] = (
    Thread(
        "carol", "", "How do you keep going when you hit a plateau?",
        "Every student of mine reaches a point around B1 where progress feels invisible. What got you through it?",
        (
            C("lucia", "Switching from textbooks to podcasts I actually enjoy.",
              R("carol", "Which ones?"),
              R("lucia", "Coffee Break Italian at the moment!")),
            C("olga", "One graded reader a week. After three months I noticed I was reading faster."),
            C("jonas", "Honestly: a language partner here. Talking every week keeps me honest."),
        ),
    ),
    Thread(
        "kenji", "ja", "Best ways to learn kanji?",
        "Students ask me this every week. What worked for you?",
        (
            C("alice", "Spaced-repetition flashcards, ten new kanji a day and no more.",
              R("kenji", "Ten a day is a good pace: the 2,136 jōyō kanji in well under a year.")),
            C("siti", "Writing them by hand in a notebook helps me remember."),
            C("jonas", "Learning the radicals first made everything click."),
        ),
    ),
    Thread(
        "sofia", "", "What does your language call a bread roll?",
        "In Italy it's a panino, a rosetta or a michetta depending on the city. What about yours?",
        (
            C("hannah", "Brötchen, Semmel, Schrippe, Weckle… Germany can't agree either.",
              R("sofia", "Four words! You win.")),
            C("beatriz", "Pão francês in São Paulo, cacetinho in Porto Alegre."),
            C("tom", "In England: bap, cob, barm or roll, depending on which town you're in."),
        ),
    ),
    Thread(
        "emily", "", "Do you think in your target language yet?",
        "When did it first happen to you?",
        (
            C("wei", "Sometimes when I'm tired, strangely."),
            C("bob", "Only in my dreams, which is very strange!",
              R("emily", "Dreaming in a language is a great sign.")),
        ),
    ),
    Thread(
        "fatima", "ar", "Dialect or Modern Standard Arabic first?",
        "Beginners ask me this all the time. What would you advise?",
        (
            C("omar", "MSA for reading and the news, but learn one dialect for conversation. Egyptian or Levantine are understood widely.",
              R("fatima", "That's what I tell my students too.")),
            C("joao", "I started with Levantine and I don't regret it."),
        ),
    ),
    Thread(
        "jihoon", "", "Language exchange etiquette: how do you split the time?",
        "My partner and I keep drifting into English. How do you keep it fair?",
        (
            C("camille", "Thirty minutes each, with a timer. Fair and simple.",
              R("jihoon", "A timer! Great idea.")),
            C("minji", "We alternate days: Monday Korean, Thursday French."),
            C("pieter", "And correct each other in writing afterwards, not in the middle of a sentence."),
        ),
    ),
)  # fmt: skip
