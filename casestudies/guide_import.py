"""Reading a case study written with the LGA guides' headings (The challenge, The solution,
The impact, Lessons learned, How is the approach being sustained?, Contact) into a draft.

The guides vary their headings — "The impact" or "Impact", "How is the approach being
sustained?" or "How the approach is being sustained?" — so a heading is matched by what
it means: a short line whose words, once the filler is dropped, are those of one of the
phrasings each section is known by (HEADINGS), allowing for a typo. Nothing is guessed
beyond that: text under a heading that is not known stays with the section above it, and
what was found is shown to the editor, who checks the draft before saving it.
"""

import difflib
import io
import re
from dataclasses import dataclass, field

#: Each section and the phrasings of its heading, as words (see _words).
HEADINGS = {
    "challenge": [
        "challenge",
        "the challenge",
        "the problem",
        "the issue",
        "background",
        "context",
        "what was the problem",
    ],
    "solution": [
        "solution",
        "the solution",
        "the approach",
        "our approach",
        "what we did",
        "what did they do",
        "the response",
    ],
    "impact": [
        "impact",
        "the impact",
        "impacts",
        "outcomes",
        "results",
        "what difference did it make",
        "what has been the impact",
    ],
    "lessons_learned": [
        "lessons learned",
        "lessons learnt",
        "lessons",
        "learning",
        "key learning",
        "what we learned",
        "what we learnt",
    ],
    "sustainability": [
        "sustainability",
        "how is the approach being sustained",
        "how the approach is being sustained",
        "how is the approach sustained",
        "how the approach is sustained",
        "how is it being sustained",
        "sustaining the approach",
        "sustaining the work",
    ],
    "contact": [
        "contact",
        "contacts",
        "contact details",
        "contact information",
        "for more information",
        "further information",
    ],
}
#: The sections a draft has (the contact is read into its own fields).
SECTIONS = ("challenge", "solution", "impact", "lessons_learned", "sustainability")
#: How alike a line must be to a known phrasing to count as that heading (1 is identical).
SIMILARITY = 0.88
#: A heading is a short line: at most this many words.
HEADING_MAX_WORDS = 9

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?:\+44\s?|0)\d[\d ]{8,12}\d")
LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d+[.)])\s+")


def _words(line):
    """A line as lower-case words, without Markdown marks or punctuation."""
    line = re.sub(r"^\s*#+\s*", "", line)
    line = line.replace("*", "").replace("_", " ")
    return " ".join(re.findall(r"[a-z]+", line.lower()))


def heading_of(line):
    """The section a line heads, or None: it must be short, not a sentence, and mean one of
    the known headings."""
    stripped = line.strip().strip("*#_ ").strip()
    if not stripped or stripped.endswith((".", ",", ";", ":")) and not stripped.endswith("?:"):
        return None
    words = _words(stripped)
    if not words or len(words.split()) > HEADING_MAX_WORDS:
        return None
    best, score = None, 0.0
    for section, phrasings in HEADINGS.items():
        for phrasing in phrasings:
            ratio = difflib.SequenceMatcher(a=words, b=phrasing).ratio()
            if ratio > score:
                best, score = section, ratio
    return best if score >= SIMILARITY else None


@dataclass
class Contact:
    name: str = ""
    role: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""


@dataclass
class Imported:
    """What was read: the title and summary (the text before the first heading), each
    section's text, the contact, and which heading in the text became which section."""

    title: str = ""
    summary: str = ""
    sections: dict = field(default_factory=dict)
    contact: Contact = field(default_factory=Contact)
    headings: list = field(default_factory=list)

    @property
    def found(self):
        return bool(self.headings)


def _paragraphs(lines):
    """Blank-line separated paragraphs, each line of a paragraph joined with a space, but
    list items kept on their own lines."""
    paragraphs, current = [], []
    for line in [*lines, ""]:
        text = line.strip()
        if not text:
            if current:
                paragraphs.append(current)
            current = []
            continue
        current.append(text)
    out = []
    for paragraph in paragraphs:
        joined = []
        for line in paragraph:
            if joined and not LIST_ITEM.match(line) and not LIST_ITEM.match(joined[-1]):
                joined[-1] = f"{joined[-1]} {line}"
            else:
                joined.append(line)
        out.append("\n".join(joined))
    return "\n\n".join(out)


#: Words that open a person's name: "Detective Sergeant Christopher Varrall".
HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "professor",
    "prof",
    "cllr",
    "councillor",
    "detective",
    "sergeant",
    "inspector",
    "chief",
    "superintendent",
    "constable",
    "pc",
    "ds",
    "di",
}
#: Words that show a role: "Stuart Pattison Crime Reduction Manager" is a name and a role.
ROLE_WORDS = re.compile(
    r"\b(manager|officer|director|head|lead|co-?ordinator|consultant|adviser|advisor|"
    r"analyst|commander|worker|specialist|chair|chief executive)\b",
    re.IGNORECASE,
)


def _name_and_role(part):
    """Split "Name Surname Role words" into the name and the role, when it has a role."""
    words = part.split()
    start = 0
    while start < len(words) and words[start].lower().strip(".") in HONORIFICS:
        start += 1
    name, rest = " ".join(words[: start + 2]), " ".join(words[start + 2 :])
    if rest and ROLE_WORDS.search(rest):
        return [name, rest]
    return [part]


def parse_contact(text):
    """The contact's name, role, organisation, e-mail and telephone, as far as the text
    gives them: "Name, Role, Organisation email", or the name on a line and the role and
    organisation (broken over lines, as a PDF does) on the next, then the e-mail."""
    text = re.sub(r"\.\s+(uk|com|org|net)\b", r".\1", text)  # "gov. uk" from a PDF
    email = EMAIL.search(text)
    phone = PHONE.search(text)
    contact = Contact(
        email=email.group(0).rstrip(".") if email else "", phone=phone.group(0) if phone else ""
    )
    # The words before the e-mail address are the person: name, role, organisation.
    before = text[: email.start()] if email else text
    before = re.sub(r"(?i)\b(tel|telephone|phone|email|e-mail)\s*:?", " ", before)
    if phone:
        before = before.replace(phone.group(0), " ")
    lines = [line.strip() for line in before.splitlines() if line.strip(" ,")]
    if not lines:
        return contact
    if "," in lines[0] or len(lines) == 1:
        joined = " ".join(lines)
        parts = [part.strip() for part in joined.split(",") if part.strip()]
        parts = _name_and_role(parts[0]) + parts[1:]
    else:
        rest = " ".join(lines[1:])
        parts = [lines[0]] + [part.strip() for part in rest.split(",") if part.strip()]
    contact.name = parts[0][:200]
    if len(parts) >= 3:
        contact.role = ", ".join(parts[1:-1])[:300]
        contact.organisation = parts[-1][:200]
    elif len(parts) == 2:
        contact.role = parts[1][:300]
    return contact


def read_guide_text(text):
    """Split a case study written with the guide's headings into an Imported."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks = {"": []}
    order = [""]
    current = ""
    headings = []
    for line in lines:
        section = heading_of(line)
        if section and section not in blocks:
            current = section
            blocks[current] = []
            order.append(current)
            headings.append((line.strip().strip("*#_ ").strip(), section))
            continue
        blocks[current].append(line)
    imported = Imported(headings=headings)
    lead = [line for line in blocks[""]]
    while lead and not lead[0].strip():
        lead.pop(0)
    if lead:
        imported.title = re.sub(r"^\s*#+\s*", "", lead.pop(0)).strip().strip("*").strip()
        imported.summary = _paragraphs(lead)
    for section in SECTIONS:
        if section in blocks:
            imported.sections[section] = _paragraphs(blocks[section])
    if "contact" in blocks:
        contact_text = "\n".join(line for line in blocks["contact"] if line.strip())
        imported.contact = parse_contact(contact_text)
    if imported.title.isupper():
        imported.title = imported.title.capitalize()
    return imported


class UnreadableFile(ValueError):
    """An upload that is not text, Markdown or a Word document the portal can read."""


#: What may be uploaded: name endings and the largest size, in bytes.
UPLOAD_TYPES = (".txt", ".md", ".markdown", ".docx")
UPLOAD_MAX_BYTES = 2 * 1024 * 1024


def text_of_upload(name, content):
    """The text of an uploaded file (bytes): UTF-8 text or Markdown, or a .docx document's
    paragraphs, one per line with a blank line between."""
    lower = (name or "").lower()
    if not lower.endswith(UPLOAD_TYPES):
        raise UnreadableFile("The file must be a text file (.txt), Markdown (.md) or Word (.docx)")
    if len(content) > UPLOAD_MAX_BYTES:
        raise UnreadableFile("The file must be smaller than 2 MB")
    if lower.endswith(".docx"):
        import docx  # python-docx; imported here so that only imports pay for it

        try:
            document = docx.Document(io.BytesIO(content))
        except Exception as error:  # a broken or disguised file: python-docx raises many kinds
            raise UnreadableFile("The file is not a Word document the portal can read") from error
        return "\n\n".join(paragraph.text for paragraph in document.paragraphs)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile("The file must be saved as UTF-8 text") from error


def _name_variants(name):
    """How a council's name may be written: "Redcar and Cleveland" also as "Redcar &
    Cleveland", "Southend-on-Sea" also as "Southend", "Bristol, City of" as "Bristol"."""
    base = re.sub(r",\s*(City|County) of$", "", name).strip()
    base = re.sub(r" Combined Authority$", "", base)
    variants = {base, base.replace(" and ", " & ")}
    if "-" in base and base.split("-")[0] not in {"Stockton", "Newcastle", "Kingston"}:
        variants.add(base.split("-")[0])
    return {variant for variant in variants if len(variant) >= 4}


def with_names_cased(title, names):
    """A title from a guide in capitals ("REDCAR & CLEVELAND: TARGETED …") reads
    "Redcar & cleveland: targeted …" once lowered; put the councils' names back as they
    are written."""
    for name in names:
        for variant in _name_variants(name):
            title = re.sub(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", variant, title, flags=re.I)
    return title


def propose_boroughs(title, summary, boroughs):
    """The boroughs named in the title (or, if none, in the summary): ``boroughs`` are
    (key, name) pairs; returns the keys. A name inside a longer one found ("Lincolnshire"
    in "North East Lincolnshire") does not count."""
    for text in (title, summary):
        found = []
        for key, name in boroughs:
            for variant in _name_variants(name):
                for match in re.finditer(rf"(?<![\w-]){re.escape(variant)}(?![\w-])", text, re.I):
                    found.append((match.start(), match.end(), key))
        kept = [
            (start, end, key)
            for start, end, key in found
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in found)
        ]
        keys = list(dict.fromkeys(key for _, _, key in sorted(kept)))
        if keys:
            return keys
    return []
