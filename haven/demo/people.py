"""Who lives in the demo community. The first three are the test personas."""
# ruff: noqa: E501 (one line per person reads better than wrapped cells)

from __future__ import annotations

from typing import NamedTuple

from haven.members.roles import ADMIN, MODERATOR, SUPPORT_AGENT

PASSWORD = "haven-demo-2026"


class Person(NamedTuple):
    username: str
    display_name: str
    kind: str  # "student" or "teacher"
    native: tuple[str, ...]
    learning: tuple[str, ...]
    bio: str


def _parse(table: str) -> tuple[Person, ...]:
    people = []
    for line in table.strip().splitlines():
        username, name, kind, native, learning, bio = (cell.strip() for cell in line.split("|"))
        people.append(
            Person(username, name, kind, tuple(native.split()), tuple(learning.split()), bio)
        )
    return tuple(people)


# username | display name | kind | native | learning | bio
MEMBERS: tuple[Person, ...] = _parse(
    """
alice | Alice Martin | student | en | ja | Learning Japanese for a trip to Kyoto next spring. Happy to help with English!
bob | Bob Leclerc | student | fr | en | Lyon, cycling, bad puns in two languages.
carol | Carol Ortega | teacher | es | en | Spanish teacher from Valencia. I run a Thursday conversation group.
kenji | Kenji Watanabe | teacher | ja | en | Japanese teacher in Osaka. Ask me about keigo, I don't bite.
yuki | Yuki Sato | student | ja | en fr | University student in Sapporo. Coffee, jazz and phrasal verbs.
lucia | Lucía Fernández | student | es | it en | Architecture student. Learning Italian because of the buildings.
mateo | Mateo Rojas | teacher | es | pt | Teacher from Santiago de Chile, learning Portuguese for samba.
sofia | Sofia Rossi | teacher | it | en | Italian tutor in Bologna. Grammar is a recipe: follow it, then improvise.
marco | Marco Bianchi | student | it | de | Engineer moving to Munich next year. Deutsch, ich komme!
hannah | Hannah Becker | teacher | de | es | German teacher, Hamburg. I correct Notebook entries on Sunday evenings.
jonas | Jonas Weber | student | de | ja | Anime got me started, the grammar kept me going.
camille | Camille Dubois | teacher | fr | ko | Professeure de français à Lille, fan de K-dramas.
lea | Léa Moreau | student | fr | es | Preparing a semester abroad in Sevilla.
minji | Kim Min-ji | student | ko | en fr | Seoul. Learning English for work and French for fun.
jihoon | Park Ji-hoon | teacher | ko | ja | Korean tutor. Language exchange: 30 minutes each way.
wei | Wang Wei | student | zh | en | Software developer in Shenzhen, practising for interviews.
lin | Lin Mei | teacher | zh | fr | Mandarin teacher. Tones are music, not maths.
priya | Priya Sharma | student | hi en | de ja | Pune. Learning German for my master's and Japanese for myself.
arjun | Arjun Mehta | teacher | hi | ja | Hindi teacher, Japanese learner, chai enthusiast.
joao | João Silva | student | pt | en | Porto Alegre. Football, podcasts and English films without subtitles.
beatriz | Beatriz Costa | teacher | pt | es | Portuguese teacher from Lisbon.
olga | Olga Ivanova | teacher | ru | en | Teacher of Russian. Reading English novels one chapter a night.
dmitri | Dmitri Volkov | student | ru | de | Student in Kazan, learning German articles the hard way.
fatima | Fatima Al-Sayed | teacher | ar | en | Arabic teacher (MSA and Levantine). Beginners welcome.
omar | Omar Haddad | student | ar | fr | Beirut. Learning French to study in Montréal.
emre | Emre Yılmaz | student | tr | en | Istanbul. New here, be gentle with my English!
anh | Nguyễn Anh | student | vi | en ko | Hanoi. English for work, Korean for the music.
siti | Siti Rahma | student | id | ja | Jakarta. I write a short Japanese diary every day.
pieter | Pieter de Vries | teacher | nl | it | Dutch teacher in Utrecht, looking for Italian partners.
agnieszka | Agnieszka Nowak | student | pl | en | Kraków. Medical English and crime novels.
ingrid | Ingrid Larsson | student | sv | es | Swede in Madrid for a year. Learning by getting lost.
tom | Tom Hughes | teacher | en | es | English teacher from Leeds. Ask me anything about British idioms.
emily | Emily Carter | teacher | en | zh | English teacher in Toronto, learning Mandarin tones slowly.
ploy | Ploy Srisuk | student | th | en | Chiang Mai. Learning English to guide hikers.
oksana | Oksana Kovalenko | teacher | uk | pl en | Ukrainian teacher in Wrocław.
"""
)

# Someone for the staff desk to deal with: harasses alice in chat, posts spam.
# Kept out of the random friendships and timeline.
TROUBLEMAKER = _parse(
    """
rex | Rex Turner | student | en | ja | Here to meet people. DM me.
"""
)[0]

# Members whose behaviour only Haven's automated protection catches, with no member
# reporting: insults in Spanish, a crypto pitch in Portuguese, messages to someone
# who never answers. Kept out of the random friendships and timeline.
NOTICED = _parse(
    """
pablo | Pablo Ruiz | student | es | en | Sevilla. Aquí para practicar inglés.
rafael | Rafael Costa | student | pt | en | Investidor. Quero praticar inglês e fazer amigos.
viktor | Viktor Orlov | student | ru | de | Moscow. Looking for a German partner.
"""
)

# Staff accounts: (person, role). Ada is also a superuser.
_STAFF = _parse(
    """
ada | Ada Okafor | student | en | fr | Haven admin.
mia | Mia Schneider | student | de en | | Haven moderator.
sam | Sam Patel | student | en | es | Haven support. Open a ticket any time.
"""
)
STAFF: tuple[tuple[Person, str], ...] = tuple(
    zip(_STAFF, (ADMIN, MODERATOR, SUPPORT_AGENT), strict=True)
)

# Content exists once this member has posted: a second run skips all content.
MARKER = "alice"
