"""Reading a raw RFC 5322 message: who sent it, where it points, what it says. Pure: no Django.

Nothing here trusts the message. Header values are decoded by the standard library's
``policy.default``; HTML goes through nh3 before it becomes text; attachments are only
bytes and a name, judged later by the same rules as the portal's uploads.
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage, Message, MIMEPart
from email.utils import collapse_rfc2231_value, getaddresses, parseaddr

import nh3

MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


@dataclass(frozen=True)
class Part:
    name: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class ParsedMail:
    message_id: str
    from_address: str
    from_name: str
    recipients: list[str]  # To, Cc, Delivered-To and the like: where the sender meant it to go
    subject: str
    in_reply_to: list[str]
    references: list[str]
    text: str  # the body as text: the plain part, or the HTML part made text
    html: str  # the HTML part, if any, unsanitised (the caller sanitises before showing)
    attachments: list[Part] = field(default_factory=list)
    auto_reply: str = ""  # why this looks like an auto-reply; empty when it does not
    bounce: bool = False
    bounced_recipients: list[str] = field(default_factory=list)
    bounce_status: str = ""


def message_parse(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):  # a header the parser cannot decode
        return ""
    return " ".join(str(value or "").split())


def message_ids_in(value: str) -> list[str]:
    return MESSAGE_ID.findall(value or "")


def message_id_of(message: Message, raw: bytes) -> str:
    """The message's own Message-ID, or one made of its bytes: a retried delivery has the same."""
    found = message_ids_in(_header(message, "Message-ID"))
    if found:
        return found[0][:255]
    return f"<{hashlib.sha256(raw).hexdigest()}@no-message-id>"


def _addresses(message: Message, *names: str) -> list[str]:
    values: list[str] = []
    for name in names:
        try:
            values.extend(str(v) for v in message.get_all(name) or [])
        except (ValueError, IndexError, TypeError):
            continue
    return [address.strip().lower() for _name, address in getaddresses(values) if "@" in address]


# RFC 3834 and what the common auto-responders send instead of it.
AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|answer)|autoreply|out of (the )?office|abwesenheit|"
    r"respuesta autom[aá]tica|fuera de (la )?oficina|resposta autom[aá]tica|aus[eê]ncia|fora do escrit[oó]rio|"
    r"auto:)",
    re.IGNORECASE,
)


def auto_reply_reason(message: Message) -> str:
    auto_submitted = _header(message, "Auto-Submitted").lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if _header(message, name):
            return f"{name} header"
    precedence = _header(message, "Precedence").lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if _header(message, "X-Auto-Response-Suppress") and AUTO_SUBJECT.search(_header(message, "Subject")):
        return "out-of-office reply"
    if AUTO_SUBJECT.search(_header(message, "Subject")):
        return "out-of-office subject"
    return ""


def _bounce(message: Message) -> tuple[bool, list[str], str]:
    """A delivery status notification (RFC 3464): the addresses that failed for good, and their status."""
    if message.get_content_type() != "multipart/report":
        return False, [], ""
    if collapse_rfc2231_value(message.get_param("report-type", "")).lower() != "delivery-status":
        return False, [], ""
    failed: list[str] = []
    status = ""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        # A delivery-status part holds header blocks, one per recipient, each parsed as a Message.
        for block in payload if isinstance(payload, list) else []:
            if not isinstance(block, Message):
                continue
            action = str(block.get("Action", "")).strip().lower()
            recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
            block_status = str(block.get("Status", "")).strip()
            if recipient and action == "failed":
                failed.append(recipient.partition(";")[2].strip().strip("<>").lower() or recipient.strip().lower())
                status = status or block_status
    return True, failed, status


LINE_BREAK = re.compile(r"<\s*br\b[^>]*>", re.IGNORECASE)
PARAGRAPH_END = re.compile(r"<\s*/\s*(p|h[1-6]|pre|blockquote|table|ul|ol)\s*>|<\s*hr\b[^>]*>", re.IGNORECASE)
BLOCK_EDGE = re.compile(r"<\s*/?\s*(p|div|li|tr|h[1-6]|pre|blockquote|table|ul|ol)\b[^>]*>", re.IGNORECASE)
EDGE = "\ue000"  # a private-use character: nh3 drops NUL
BREAKS = re.compile(r"[\n\ue000]+")
TEXT_TAGS = {
    "p",
    "br",
    "div",
    "blockquote",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "pre",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "span",
    "b",
    "i",
    "strong",
    "em",
    "a",
    "font",
}


def _breaks(match: re.Match[str]) -> str:
    """Blocks side by side make one line break; a paragraph's end, or two <br>, a blank line."""
    return "\n\n" if match.group().count("\n") >= 2 else "\n"


def html_to_text(markup: str) -> str:
    """HTML sanitised by nh3, then made text: blocks become lines, everything else its words."""
    clean = nh3.clean(
        markup,
        tags=TEXT_TAGS,
        attributes={},
        clean_content_tags={"script", "style", "head", "title"},
        strip_comments=True,
    )
    clean = clean.replace("\r", "").replace("\n", " ")  # source line breaks are only spaces in HTML
    clean = LINE_BREAK.sub("\n", clean)
    clean = PARAGRAPH_END.sub("\n\n", clean)
    clean = BLOCK_EDGE.sub(EDGE, clean)
    text = html_lib.unescape(nh3.clean(clean, tags=set())).replace("\xa0", " ")
    text = BREAKS.sub(_breaks, text)
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _decoded_text(part: MIMEPart) -> str:
    try:
        return str(part.get_content())
    except (LookupError, ValueError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)


def _parts(message: MIMEPart, body_parts: set[int]) -> list[Part]:
    """Attachments and inline images; a forwarded message/rfc822 stays one .eml file."""
    found: list[Part] = []
    stack: list[MIMEPart] = [message]
    while stack:
        part = stack.pop(0)
        content_type = part.get_content_type()
        if content_type.startswith("message/") and content_type != "message/delivery-status":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                found.append(
                    Part(name=part.get_filename() or "forwarded.eml", content_type="message/rfc822", data=inner[0].as_bytes())
                )
            continue
        if part.is_multipart():
            stack[0:0] = list(part.iter_parts())
            continue
        if id(part) in body_parts or content_type == "message/delivery-status":
            continue
        name = part.get_filename() or ""
        disposition = (part.get_content_disposition() or "").lower()
        if not name and content_type in ("text/plain", "text/html") and disposition != "attachment":
            continue
        data = part.get_payload(decode=True) or b""
        if not isinstance(data, bytes):
            continue
        inline = disposition == "inline" or bool(part.get("Content-ID"))
        extension = {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif"}.get(content_type, ".bin")
        found.append(Part(name=name or f"inline{extension}", content_type=content_type, data=data, inline=inline))
    return found


def mail_read(raw: bytes) -> ParsedMail:
    message = message_parse(raw)
    from_name, from_address = parseaddr(_header(message, "From"))
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    body_parts = {id(p) for p in (plain, rich) if p is not None}
    html = _decoded_text(rich) if rich is not None else ""
    text = _decoded_text(plain) if plain is not None else html_to_text(html) if html else ""
    bounce, bounced, status = _bounce(message)
    return ParsedMail(
        message_id=message_id_of(message, raw),
        from_address=from_address.strip().lower(),
        from_name=" ".join(from_name.split())[:150],
        recipients=list(
            dict.fromkeys(
                _addresses(
                    message,
                    "To",
                    "Cc",
                    "Delivered-To",
                    "X-Original-To",
                    "Envelope-To",
                    "Resent-To",
                )
            )
        ),
        subject=_header(message, "Subject")[:255],
        in_reply_to=message_ids_in(_header(message, "In-Reply-To")),
        references=message_ids_in(_header(message, "References")),
        text=text.replace("\r\n", "\n"),
        html=html,
        attachments=_parts(message, body_parts),
        auto_reply="" if bounce else auto_reply_reason(message),
        bounce=bounce,
        bounced_recipients=bounced,
        bounce_status=status,
    )


def mail_headline(raw: bytes) -> tuple[str, str, str]:
    """Message-ID, From address and Subject, read quickly for storing; never raises."""
    try:
        message = message_parse(raw)
        return (
            message_id_of(message, raw),
            parseaddr(_header(message, "From"))[1].strip().lower(),
            _header(message, "Subject")[:255],
        )
    except Exception:  # noqa: BLE001 - a message we cannot read is kept all the same, and refused when processed
        return f"<{hashlib.sha256(raw).hexdigest()}@no-message-id>", "", ""
