"""Referral cards: one pathway on one short page a frontline worker can
print, keep in a pocket or open on a phone.

``Card`` is plain data (built by ``card_service.card_for``); this module
writes it as typst source and compiles it to PDF with the ``typst`` package
and its embedded fonts (``ignore_system_fonts``: the same PDF on every
machine, nothing fetched). Every text of the card goes into the typst source
as a string literal (``typst_string``), never as markup, so a service named
``*Shelter* #set page(...)`` prints as written and cannot change the layout.
The HTML card is the template ``protection/card.html``, fed the same
``Card``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A5-ish width, auto height: one page that prints and reads on a phone.
PAGE_WIDTH_MM = 105
MAX_SERVICES_PER_STEP = 4  # a card is short; the directory has the rest


@dataclass(frozen=True)
class CardService:
    name: str
    provider: str = ""
    phone: str = ""
    email: str = ""
    hours: str = ""
    place: str = ""  # first location: address, administrative area
    languages: str = ""  # "en, sw"
    stale: bool = False


@dataclass(frozen=True)
class CardStep:
    order: int
    kind: str  # first_contact | specialised | follow_up
    kind_label: str
    description: str
    services: tuple[CardService, ...] = ()
    more: int = 0  # services left off the card


@dataclass(frozen=True)
class Card:
    language: str
    title: str
    situation: str
    country: str
    steps: tuple[CardStep, ...]
    notes: str = ""
    is_demo: bool = False
    url: str = ""
    as_of: str = ""  # date the card was produced (ISO)
    # Labels in the card's language (filled by the service, which translates).
    labels: dict = field(default_factory=dict)


def typst_string(text: str) -> str:
    """``text`` as a typst string literal (code mode): backslash, quote and
    control characters escaped, so nothing in it is read as markup or code.

    >>> typst_string('a "b" \\\\ #c')
    '"a \\\\"b\\\\" \\\\\\\\ #c"'
    """
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 32 or char in "\u2028\u2029":
            out.append(f"\\u{{{ord(char):x}}}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _t(text: str) -> str:
    """A text as typst content: ``#("...")`` in markup."""
    return f"#({typst_string(text)})"


def card_typst(card: Card) -> str:
    """The card as typst source."""
    label = card.labels.get
    lines = [
        f"#set document(title: {typst_string(card.title)})",
        f"#set page(width: {PAGE_WIDTH_MM}mm, height: auto, margin: (x: 7mm, y: 7mm))",
        f'#set text(font: "Libertinus Serif", size: 9.5pt, lang: {typst_string(card.language)})',
        "#set par(justify: false, leading: 0.5em)",
        "#show heading: set block(above: 0.8em, below: 0.4em)",
        "",
    ]
    if card.is_demo:
        lines.append(
            "#block(fill: rgb(\"#fff3cd\"), inset: 4pt, radius: 2pt, width: 100%)"
            f"[#strong({typst_string(label('demo', 'Demo data'))})]"
        )
    lines += [
        f"#text(size: 8pt)[{_t(card.country)} · {_t(label('card', 'Referral card'))}]",
        f"= {_t(card.title)}",
        f"#text(style: \"italic\")[{_t(card.situation)}]",
        "",
    ]
    for step in card.steps:
        lines.append(f"== {_t(f'{step.order}. {step.kind_label}')}")
        if step.description:
            lines.append(f"{_t(step.description)}")
            lines.append("")
        for service in step.services:
            parts = [f"#strong({typst_string(service.name)})"]
            if service.stale:
                parts.append(f"#text(fill: rgb(\"#8a4b00\"))[ ({_t(label('stale', 'not verified recently'))})]")
            details = []
            if service.phone:
                details.append(f"{label('phone', 'Phone')}: {service.phone}")
            if service.email:
                details.append(service.email)
            if service.hours:
                details.append(service.hours)
            if service.place:
                details.append(service.place)
            if service.languages:
                details.append(f"{label('languages', 'Languages')}: {service.languages}")
            body = "".join(parts)
            if details:
                body += " \\\n" + " · ".join(_t(detail) for detail in details)
            lines.append(f"- {body}")
        if step.more:
            lines.append(f"- #emph({typst_string(label('more', '…') % {'count': step.more})})")
        lines.append("")
    if card.notes:
        lines.append(f"#block(stroke: 0.5pt, inset: 4pt, width: 100%)[{_t(card.notes)}]")
    footer = [label("privacy", ""), label("as_of", "")]
    if card.url:
        footer.append(card.url)
    lines.append(f"#text(size: 7pt)[{' · '.join(_t(part) for part in footer if part)}]")
    return "\n".join(lines) + "\n"


def render_card_pdf(card: Card) -> bytes:
    """The card as a PDF (typst, embedded fonts only)."""
    import typst

    return typst.compile(card_typst(card).encode("utf-8"), ignore_system_fonts=True)
