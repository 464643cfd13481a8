"""Rules that find each kind of personal data. Each detector yields ``(start, end, type)`` on the raw text.

Regular expressions on the raw text (rather than spaCy tokens) keep offsets exact and need no model:
identifiers such as phone and NHS numbers are about digit patterns, which tokenisers split unevenly.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from importlib import resources

from complaint_insight.privacy.nhs_number import is_valid_nhs_number

Found = tuple[int, int, str]

# -- emails --------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+'-])[\w.+'-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b")


def emails(text: str) -> Iterator[Found]:
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "EMAIL"


# -- phone numbers -------------------------------------------------------------------------------------
# A number starts with +44 / 0044 / 0 (optionally in brackets) and continues in digit groups separated
# by at most one space, dash or dot; groups are taken while the total stays within a UK length.
_PHONE_START = re.compile(r"(?<![\w+])(?:\+\s?44|0044|\(\+44\)|\(0|0)(?=[\d\s()\-.]{8,24})")
_PHONE_GROUP = re.compile(r"(?:\s?\(0\)\s?|[ \-.]?\)?\s?|\s)(\d{1,6})")
_UK_PREFIXES = ("01", "02", "03", "05", "07", "08", "09")


def phones(text: str) -> Iterator[Found]:
    for m in _PHONE_START.finditer(text):
        international = "44" in m.group()
        digits = "0" if international or m.group().endswith("0") else ""
        pos, best = m.end(), None
        while True:
            g = _PHONE_GROUP.match(text, pos)
            if g is None or len(digits) + len(g.group(1)) > 11:
                break
            digits += g.group(1)
            pos = g.end()
            if len(digits) in (10, 11) and digits.startswith(_UK_PREFIXES):
                best = pos
        if best is not None and not (best < len(text) and text[best].isdigit()):
            yield m.start(), best, "PHONE"


# -- NHS numbers and other patient identifiers -----------------------------------------------------------
_TEN_DIGITS = re.compile(r"(?<![\w+])[1-9]\d{2}[ \-]?\d{3}[ \-]?\d{4}(?![\w])|(?<![\w+])(?:[1-9](?:[ \-]?\d){9})(?![\w])")
_NHS_CUE = re.compile(r"\bNHS\s*(?:number|no\b\.?|num\b|#)", re.I)


def nhs_numbers(text: str) -> Iterator[Found]:
    """Ten digits passing modulus 11; after an "NHS number" cue, failing ones are still an identifier."""
    for m in _TEN_DIGITS.finditer(text):
        if is_valid_nhs_number(m.group()):
            yield m.start(), m.end(), "NHS_NUMBER"
        elif _NHS_CUE.search(text, max(0, m.start() - 30), m.start()):
            yield m.start(), m.end(), "HOSPITAL_NUMBER"


_ID_CUE = re.compile(
    r"\b(?:hospital\s+(?:number|no\b\.?|num\b|id\b|#)|hosp\.?\s*(?:number|no\b\.?|#)"
    r"|patient\s+(?:number|no\b\.?|num\b|id\b|identifier|#)|MRN\b|medical\s+record\s+(?:number|no\b\.?)"
    r"|unit\s+(?:number|no\b\.?)|case\s*notes?\s+(?:number|no\b\.?)|(?:NHS|CHI)\s*(?:number|no\b\.?|num\b|#)"
    r"|record\s+number|RXN?\s+number)(?![a-z])",
    re.I,
)
_ID_VALUE = re.compile(
    # A few words may sit between the cue and the value ("hospital number on the letter (RX...)").
    r"[^\d\n.!?;]{0,24}?(?<![A-Za-z])((?=[A-Za-z]{0,4}[\-/]?\d)[A-Za-z]{0,4}[\-/]?\d(?:[ \-/]?\d){3,11}[A-Za-z]?)(?![\w])",
    re.I,
)


def hospital_numbers(text: str) -> Iterator[Found]:
    for cue in _ID_CUE.finditer(text):
        m = _ID_VALUE.match(text, cue.end())
        if m is not None:
            yield m.start(1), m.end(1), "HOSPITAL_NUMBER"


# -- postcodes -----------------------------------------------------------------------------------------
_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? {0,2}\d[A-Z]{2})\b", re.I)


def postcodes(text: str) -> Iterator[Found]:
    for m in _POSTCODE.finditer(text):
        code = m.group()
        # Either all capitals or all lower case: mixed case ("A1 1st") is ordinary text.
        if code.isupper() or code.islower():
            yield m.start(), m.end(), "POSTCODE"


# -- dates of birth ------------------------------------------------------------------------------------
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?!\d)"
    r"|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?:\d{{4}}|'?\d{{2}})(?!\d)"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)
_DOB = re.compile(
    r"\b(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s*date|birthday|born)"
    # Only linking words between the cue and the date: "DOB unknown, appointment 12/12/2024" is no DOB.
    r"(?:[\s:,\-–(#=]|\b(?:is|was|on|the|of|as|given|recorded|listed|shown|should|be|which|it's|its)\b){0,8}"
    rf"\b({_DATE})",
    re.I,
)
_BORN_IN_YEAR = re.compile(r"\bborn\s+in\s+((?:19|20)\d{2})\b", re.I)


def dates_of_birth(text: str) -> Iterator[Found]:
    """Dates after "DOB", "date of birth", "born (on)" only: appointment and incident dates are kept."""
    for m in _DOB.finditer(text):
        yield m.start(1), m.end(1), "DATE_OF_BIRTH"
    for m in _BORN_IN_YEAR.finditer(text):
        yield m.start(1), m.end(1), "DATE_OF_BIRTH"


# -- addresses -----------------------------------------------------------------------------------------
_STREET = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Way|Crescent|Cres|Court|Ct|Place|Pl|Gardens|Gdns"
    r"|Grove|Terrace|Tce|Mews|Row|Square|Sq|Hill|View|Walk|Rise|Green|Parade|Vale|Gate|Park|Fields|Meadows"
    r"|Croft|Way|Wharf|Yard|Villas|Cottages|Cottage|House|Lodge|Heights|Mansions|Tower|Towers|Estate|Farm"
    r"|Boulevard|Bank|Brow|Chase|End|Wynd|Dene|Garth|Mount)"
)
_CAP = r"(?:[A-Z][a-z]+(?:['’][a-z]+|-[A-Z][a-z]+)?|St\.?)"
_FLAT = r"(?:(?:Flat|flat|Apartment|apartment|Apt\.?|Unit|Room)\s+\d{1,4}[A-Za-z]?,?\s+)"
_HOUSE_ADDRESS = re.compile(
    rf"(?<![\w£$.,:/])(?:{_FLAT}?\d{{1,4}}[A-Za-z]?(?:-\d{{1,4}})?,?\s+(?:{_CAP}\s+){{1,3}}{_STREET}\b"
    rf"|{_FLAT}(?:{_CAP}\s+){{1,3}}{_STREET}\b"
    # "3 The Paddocks": a house number and a "The ..." street name
    rf"|\d{{1,4}}[A-Za-z]?,?\s+The\s+[A-Z][a-z]+(?:\s+{_STREET}\b)?)"
)
_LIVES_AT = re.compile(
    r"\b(?:lives?|living|lived|resides?|residing|staying|address\s+is|address:|home\s+address(?:\s+is)?|moved\s+to)"
    r"\s+(?:at\s+|in\s+)?(?=[A-Z0-9])([^.\n;!?()]{3,80})"
)
_BUILDING = re.compile(rf"\b{_STREET}\b")
_CLAUSE_END = re.compile(r",?\s+(?:and|but|with|who|where|which|since|for|so|because|when|on|in)\s")
_NOT_PLACE = {"Home", "The", "My", "Our", "Her", "His", "Their", "A", "An", "Hospital", "NHS", "I"}


def addresses(text: str) -> Iterator[Found]:
    for m in _HOUSE_ADDRESS.finditer(text):
        yield m.start(), m.end(), "ADDRESS"
    for m in _LIVES_AT.finditer(text):
        place = m.group(1)
        first = place.split()[0] if place.split() else ""
        if first in _NOT_PLACE:
            continue
        # The address runs to its last street or building word, before any postcode or new clause;
        # the town after it is not personal data on its own.
        cut = _CLAUSE_END.search(place)
        place = place[: cut.start()] if cut else place
        last = None
        for last in _BUILDING.finditer(place):
            pass
        if last is not None:
            yield m.start(1), m.start(1) + last.end(), "ADDRESS"


# -- names after titles, roles and relations -------------------------------------------------------------
_NAME_TOKEN = r"(?:[A-Z][a-z]*['’][A-Z][a-z]+|(?:Mc|Mac)[A-Z][a-z]+|[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
_INITIAL = r"(?:[A-Z]\.?\s+)"
_PARTICLE = r"(?:van|von|der|den|de|da|di|du|le|la|al|el|bin|ben|ap)"
_NAME = rf"((?:{_INITIAL}{{0,2}})(?:{_PARTICLE}\s+){{0,2}}{_NAME_TOKEN}(?:\s+(?:{_PARTICLE}\s+){{0,2}}{_NAME_TOKEN}){{0,2}})"
_TITLE = r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Revd?|Reverend|Father|Lord|Lady|Cllr|Councillor)\.?"
_ROLE = (
    r"\b(?:(?:[Ss]taff|[Ss]tudent|[Aa]gency|[Cc]harge|[Ss]pecialist|[Dd]istrict|[Cc]ommunity)\s+)?"
    r"(?:[Nn]urse|[Ss]ister|[Mm]atron|[Dd]octor|[Cc]onsultant|[Ss]urgeon|[Mm]idwife|[Pp]aramedic|[Rr]eceptionist"
    r"|[Pp]orter|[Hh]ealth\s+[Vv]isitor|[Ss]ocial\s+[Ww]orker|[Cc]arer|[Tt]herapist|[Pp]hysio(?:therapist)?"
    r"|[Pp]harmacist|[Mm]anager|[Oo]fficer|PC|DC|Sgt|[Ss]ergeant|[Ii]nspector|[Cc]aseworker|[Aa]dvis[eo]r"
    r"|[Ll]andlord|[Ss]upervisor|HCA|[Hh]ealthcare\s+[Aa]ssistant|[Rr]egistrar|[Aa]naesthetist|[Ss]onographer"
    r"|[Rr]adiographer|[Dd]entist|[Oo]ptician|[Hh]ousing\s+[Oo]fficer|[Tt]eacher|[Hh]ead\s*teacher|[Cc]ounsellor"
    r"|[Ww]arden|[Cc]oordinator|[Ss]ecretary|[Cc]linician|[Pp]sychiatrist|[Pp]sychologist|[Pp]ractitioner|GP)"
)
_RELATION = (
    r"\b(?:[Mm]y|[Oo]ur|[Hh]er|[Hh]is|[Tt]heir)\s+(?:(?:late|elderly|little|baby|eldest|youngest|oldest|disabled"
    r"|newborn|teenage|adult|\d{1,3}[- ]year[- ]old|\d{1,2}[- ]month[- ]old)\s+)*"
    r"(?:son|daughter|husband|wife|partner|mum|mother|mom|dad|father|brother|sister|grandson|granddaughter"
    r"|grandmother|grandfather|nan|nana|nanna|gran|granny|grandma|grandad|granddad|aunt|auntie|uncle|niece|nephew"
    r"|child|baby|friend|neighbour|fianc[eé]e?|boyfriend|girlfriend|carer|stepson|stepdaughter|stepdad|stepmum"
    r"|twins?|boy|girl|sons|daughters)\s*[,(]?"
)
_INTRO = (
    r"(?:\b[Mm]y\s+name\s+is|\b[Ii]\s+am\s+called|\b[Nn]amed|\b[Cc]alled|\b[Ss]igned(?:\s+by)?\s*:?|\b[Ss]poke\s+to|\b[Ss]poke\s+with"
    r"|\b[Yy]ours\s+(?:sincerely|faithfully|truly),?|\b(?:[Kk]ind\s+|[Bb]est\s+|[Ww]arm\s+)?[Rr]egards,"
    r"|\b[Mm]any\s+thanks,|\b[Tt]hank\s+you,|\b(?:[Mm]y|[Pp]atient(?:'s)?|[Cc]ontact)\s+(?:details|name)\s*[:\-]"
    r"|\b(?:[Mm]y|[Hh]er|[Hh]is|[Tt]heir)\s+name\s+(?:is|was)|\bI(?:'m|’m|\s+am)(?=\s+[A-Z][a-z]+(?:\s+[A-Z][a-z'’\-]+)?,)"
    r"|\b(?:PC|DC|Sgt|PCSO)\s+\d{2,6}|\bName\s*:|\bPatient\s*:|\b(?:I|me),(?=\s*[A-Z][a-z]+(?:\s+[A-Z][a-z'’\-]+){0,2},))"
)
_NAME_AFTER = re.compile(rf"(?:{_TITLE}|{_ROLE}|{_RELATION}|{_INTRO})[ \t]*\n?[ \t]*{_NAME}")
# "Harold's wife": a capitalised name followed by 's and a relation.
_NAME_BEFORE_RELATION = re.compile(
    rf"\b({_NAME_TOKEN})['’]s\s+(?:wife|husband|partner|mum|mother|dad|father|son|daughter|carer|sister|brother"
    r"|nan|gran|grandma|grandad|grandson|granddaughter|friend|neighbour|girlfriend|boyfriend|baby|children|kids)\b"
)
# A title or role in lower case ("dr patel", "staff nurse kelly"): only a listed name counts after it.
_LOWER_CUE_NAME = re.compile(
    r"\b(?:dr|mr|mrs|ms|miss|prof|nurse|sister|matron|doctor|midwife|consultant|receptionist|paramedic)\.?"
    r"\s+([a-z][a-z'’\-]+)(?:\s+([a-z][a-z'’\-]+))?"
)
# Words after a bare first name that make it a place ("Victoria Ward", "Florence House").
_PLACE_AFTER = re.compile(
    r"\s+(?:[A-Z][a-z]+\s+)?(?i:Ward|Unit|Wing|House|Centre|Center|Hospital|Hospice|Road|Street|Avenue|Lane|Court"
    r"|Building|Suite|Practice|Surgery|Clinic|Station|Theatre|Block|Lodge|Way|Close|Drive|Park|School|College"
    r"|Academy|Trust|Foundation|Infirmary|Memorial|Medical|Health|Care|Home|Nursing|Place|Square|Gardens)\b"
)
_PLACE_BEFORE = re.compile(r"(?:\bSt\.?|\bSaint|\bQueen|\bKing|\bPrince|\bPrincess|\bRoyal|\bLady)\s+$")
_SENIOR_TITLE = re.compile(_TITLE + r"$")

# Capitalised words that follow titles and roles but are not names ("GP Surgery", "Sister Ward").
_NOT_NAMES = {
    "Ward", "Wards", "Surgery", "Practice", "Practitioner", "Unit", "Team", "Station", "Department", "Manager",
    "Managers", "Hospital", "Centre", "Center", "Clinic", "Service", "Services", "Office", "Desk", "Line", "Led",
    "The", "A", "An", "And", "Or", "But", "Who", "Was", "Were", "Said", "Says", "Told", "Tells", "I", "He",
    "She", "They", "We", "You", "It", "This", "That", "These", "Those", "On", "In", "At", "For", "To", "From",
    "When", "Then", "Also", "Is", "Has", "Had", "Did", "Does", "Not", "No", "Yes", "Please", "Thanks",
    "Thank", "NHS", "Appointment", "Appointments", "Specialist", "Consultant", "Nurse", "Nurses", "Doctor",
    "Doctors", "Registrar", "Receptionist", "Sister", "Matron", "Midwife", "Staff", "Assistant", "Led", "Care",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Today", "Yesterday",
    "Tomorrow", "Dear", "Sir", "Madam", "Team", "Who", "Mental", "Health", "Board", "Trust", "Council",
    "Report", "Reports", "Letter", "Notes", "Rota", "Bank", "Agency", "On-call", "Duty", "Night", "Day",
    "Emergency", "General", "Out", "Of", "Hours", "Lead", "Group", "Room", "Area", "Block", "Level", "Bay",
    "Ambulance", "Police", "Housing", "Social", "Services", "Support", "Worker", "Workers", "Visitor",
    "Visitors", "Practice", "Surgeries", "After", "Before", "Again", "Just", "Even", "Still", "Only", "Never",
    "Always", "However", "Because", "If", "So", "As", "By", "With", "Without", "My", "Our", "Your", "His",
    "Her", "Their", "Its", "Mr", "Mrs", "Ms", "Miss", "Dr", "Why", "What", "Where", "How", "All", "Every",
    "Some", "Any", "One", "Two", "Three", "Here", "There", "Now", "Later", "Ok", "OK", "Okay", "Sorry",
    "Christmas", "Easter", "Covid", "Corona", "Covid-19", "English", "British", "Asian", "Polish", "Welsh",
    "Scottish", "Irish", "Will", "Would", "Could", "Should", "Can", "May", "Might", "Must", "Let", "Got",
    "Am", "Are", "Be", "Been", "Being", "Do", "Done", "Get", "Go", "Have", "Having", "Here's", "Hi", "Hello",
    "Came", "Went", "Gave", "Kept", "Made", "Took", "Asked", "Refused", "Explained", "Insisted",
    "Surgeon", "Surgeons", "Paramedic", "Paramedics", "Porter", "Physio", "Physiotherapist", "Therapist",
    "Pharmacist", "Pharmacy", "Officer", "Inspector", "Sergeant", "Caseworker", "Advisor", "Adviser",
    "Landlord", "Supervisor", "Anaesthetist", "Sonographer", "Radiographer", "Dentist", "Optician", "Teacher",
    "Counsellor", "Warden", "Coordinator", "Secretary", "Clinician", "Psychiatrist", "Psychologist", "Carer",
    "Carers", "Midwives", "Matrons", "Sisters", "Registrars", "Receptionists", "Student", "Students",
    "Locum", "Senior", "Junior", "Charge", "District", "Community", "Healthcare", "Auxiliary", "Associate",
    "Physician", "Physicians", "Oncologist", "Cardiologist", "Manager's", "Review", "Outpatients", "Council's",
    "Medical", "Partnership", "Pharmacy's",
}


def names(text: str) -> Iterator[Found]:
    pos = 0
    while (m := _NAME_AFTER.search(text, pos)) is not None:
        # Resume inside this match when it yields nothing: "consultant Mr Jones" must still find "Mr Jones".
        pos = m.start(1)
        start = m.start(1)
        tokens = list(re.finditer(r"\S+", m.group(1)))
        kept_end = None
        organisation = False
        for i, t in enumerate(tokens):
            word = t.group().rstrip(".")
            # A single capital before more words is an initial ("Dr A. Noor"), not the article "A".
            if len(word) == 1 and i + 1 < len(tokens):
                continue
            if word in _NOT_NAMES:
                # "called Parkway Medical": capitals running into an organisation word are no name.
                organisation = i > 0 and word in _ORGANISATION_WORDS
                break
            kept_end = start + t.end()
        if kept_end is None or organisation:
            continue
        # Initials alone ("Dr J.") are not a name we can redact meaningfully without a surname.
        candidate = text[start:kept_end]
        if re.fullmatch(r"(?:[A-Z]\.?\s*)+", candidate):
            continue
        pos = kept_end
        yield start, kept_end, "NAME"


@functools.cache
def _name_lists() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    data = resources.files("complaint_insight.privacy") / "data"

    def read(name: str) -> frozenset[str]:
        text = (data / name).read_text(encoding="utf-8")
        return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())

    return read("first_names.txt"), read("surnames.txt"), read("ambiguous_names.txt")


# Any capitalised word, then an optional surname; the word is checked against the list afterwards
# (one set lookup is much faster than a regex alternation of hundreds of names).
_CAPITALISED = re.compile(rf"\b([A-Z][a-z]+)\b((?:\s+(?!(?:{_STREET})\b){_NAME_TOKEN}))?(?!['’]?[A-Za-z])")


def listed_names(text: str) -> Iterator[Found]:
    """Names found without a title: listed first names (plus a surname) and lower-case names after a cue."""
    first, surnames, ambiguous = _name_lists()
    bare = first - ambiguous
    pos = 0
    while (m := _CAPITALISED.search(text, pos)) is not None:
        if m.group(1) not in bare:
            pos = m.end(1)  # the next word may be the name ("Thanks Kerry")
            continue
        pos = m.end()
        words = m.group().split()
        first_end = m.start() + len(words[0])
        if (
            _PLACE_AFTER.match(text, first_end)
            or _PLACE_AFTER.match(text, m.end())
            or _PLACE_BEFORE.search(text, max(0, m.start() - 12), m.start())
        ):
            continue
        end = m.end()
        if len(words) == 2 and (words[1] in _NOT_NAMES or words[1] in _ORGANISATION_WORDS):
            end = first_end
        yield m.start(), end, "NAME"
    for m in _NAME_BEFORE_RELATION.finditer(text):
        if m.group(1) not in _NOT_NAMES:
            yield m.start(1), m.end(1), "NAME"
    listed = (first | surnames) - ambiguous
    for m in _LOWER_CUE_NAME.finditer(text):
        if m.group(1).title() in listed or m.group(1).title().replace("'", "’") in listed:
            end = m.end(1)
            if m.group(2) and m.group(2).title() in listed:
                end = m.end(2)
            yield m.start(1), end, "NAME"


_ORGANISATION_WORDS = {
    "Surgery", "Practice", "Hospital", "Centre", "Center", "Clinic", "Service", "Services", "Trust", "Council",
    "Board", "Health", "Group", "Pharmacy", "Medical", "Partnership", "Ward", "Unit", "Team", "Department",
}

DETECTORS: tuple[Callable[[str], Iterator[Found]], ...] = (
    emails, nhs_numbers, phones, hospital_numbers, dates_of_birth, postcodes, addresses, names, listed_names,
)
# When spans overlap, the earlier type wins (an email's digits are not a phone number).
PRIORITY = ("EMAIL", "NHS_NUMBER", "PHONE", "HOSPITAL_NUMBER", "DATE_OF_BIRTH", "POSTCODE", "ADDRESS", "NAME")
