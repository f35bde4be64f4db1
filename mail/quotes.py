"""The new text of a reply: quoted history and signatures taken off.

quotequail finds where the quoted history starts: it knows the reply headers of the
common clients in many languages ("On … wrote:", "El … escribió:", "Em … escreveu:",
Outlook's "From: / Sent:" block and "-----Original Message-----"), in text and HTML.
mail-parser-reply then takes the signature off ("-- ", "Best regards", "Sent from my
iPhone", "Enviado desde mi…"). We chose quotequail for the boundary because it reads
HTML structure (Gmail's and Outlook's quote containers, blockquotes) where mail-parser-reply
only reads text, and its Spanish and Portuguese headers match what the clients write;
mail-parser-reply for the signatures because quotequail leaves them. Portuguese is
registered with mail-parser-reply below, the way its own languages are written, since
the library has none yet.
"""

from __future__ import annotations

import re

import quotequail
from mailparser_reply import constants as reply_constants
from mailparser_reply.parser import EmailMessage as ReplyText

from mail.parsing import html_to_text

reply_constants.MAIL_LANGUAGES.setdefault(
    "pt",
    {
        "wrote_header": r"^(" + reply_constants.QUOTED_MATCH_INCLUDE + r"Em\s.+\sescreveu:)$",
        "from_header": r"((?:(?:^|\n|\n"
        + reply_constants.QUOTED_MATCH_INCLUDE
        + r")[* ]*(?:De|Enviado|Enviada|Para|Assunto|Data|Cc):[ *]*(?:\s{,2}).*){2,}(?:\n.*){,1})",
        "disclaimers": ["Aviso de confidencialidade:", "Confidencial:"],
        "signatures": ["Atenciosamente,", "Abraços,", "Abs,", "Obrigad[oa],", "Cumprimentos,", "Att,"],
        "sent_from": r"Enviado do meu.*|Enviado de meu.*|Enviado do Outlook.*",
    },
)
LANGUAGES = ["en", "es", "pt", "de", "fr"]

FORWARD = re.compile(
    r"^\s*(-{2,}\s*(Forwarded message|Original Message|Mensaje reenviado|Mensagem encaminhada|Mensaje original|"
    r"Mensagem original)\s*-{2,}|Begin forwarded message:|Inicio del mensaje reenviado:|"
    r"In[ií]cio da mensagem reencaminhada:)",
    re.IGNORECASE | re.MULTILINE,
)
FORWARD_SUBJECT = re.compile(r"^\s*(fwd?|rv|enc|tr)\s*:", re.IGNORECASE)


REPLY_HEADER = re.compile(
    r"^\s*(On|El|Em|Am|Le)\b.*(wrote|escribió|escreveu|schrieb|a écrit)\s*:\s*$",
    re.IGNORECASE | re.DOTALL,
)


def _strip_reply_header(shown: str) -> str:
    """quotequail keeps the "On … wrote:" line with the new text; a long one wraps over up to three lines."""
    lines = shown.rstrip().splitlines()
    for size in (1, 2, 3):
        if len(lines) >= size and REPLY_HEADER.match(" ".join(line.lstrip("> ") for line in lines[-size:])):
            return "\n".join(lines[:-size])
    return shown


def _unquoted(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(">"))


def _without_history(text: str) -> str:
    """Everything above the first reply header, else what follows the quote (bottom-posting); ``>`` lines left out."""
    parts = quotequail.quote(text)
    shown = parts[0][1] if parts and parts[0][0] else text
    if len(parts) > 1:
        shown = _strip_reply_header(shown)
        if not _unquoted(shown).strip():  # nothing above the quote: the answer is below it
            shown = "\n".join(part for _visible, part in parts[1:])
    shown = FORWARD.split(shown, maxsplit=1)[0] if FORWARD.search(shown) else shown
    return _unquoted(shown)


def _without_signature(text: str) -> str:
    reply = ReplyText(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    if not reply.replies:
        return text
    body: str = reply.replies[0].body
    return body


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def reply_new_text(*, text: str, html: str = "", subject: str = "") -> str:
    """What the sender wrote this time. A forward keeps what it forwards: that is the request."""
    if FORWARD_SUBJECT.match(subject or ""):
        source = text or html_to_text(html)
        return _tidy(_without_signature_above_forward(source))
    if not text and html:
        shown = "".join(part for visible, part in quotequail.quote_html(html) if visible)
        text = html_to_text(shown)
    new = _tidy(_without_signature(_without_history(_tidy(text))))
    return new or _tidy(text)


FORWARD_BLOCK = re.compile(
    r"^\s*\**(From|De|Von)\**:.*\n\s*\**(Sent|Date|Enviado|Enviada|Fecha|Data|Gesendet)\**:",
    re.IGNORECASE | re.MULTILINE,
)


def _without_signature_above_forward(text: str) -> str:
    """The forwarder's note without its signature, then the forwarded message as it stands."""
    starts = [match.start() for match in (FORWARD.search(text), FORWARD_BLOCK.search(text)) if match]
    if not starts:
        return text
    start = min(starts)
    note = _tidy(_without_signature(text[:start]))
    return f"{note}\n\n{text[start:].strip()}" if note else text[start:].strip()
