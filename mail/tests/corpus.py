"""Replies in the shapes real mail clients write them, each with the new text we expect to keep.

``text`` and ``html`` are the bodies as the client sends them (``html`` alone: an HTML-only mail).
"""

from __future__ import annotations

from dataclasses import dataclass

US = "Supportdesk <support@supportdesk.example>"
QUOTED = "> Hello Alice,\n>\n> Could you send us the id of an order that failed?\n>\n> Sam, Supportdesk"
PLAIN_QUOTED = "Hello Alice,\n\nCould you send us the id of an order that failed?\n\nSam, Supportdesk"


@dataclass(frozen=True)
class Case:
    name: str
    expected: str
    text: str | None = None
    html: str | None = None
    subject: str = "Re: [SD-1001] New reply: Checkout is slow"


CASES = [
    # --- Gmail ---------------------------------------------------------------------------------
    Case(
        "gmail top-posted",
        "Order 4711 failed at 09:58 UTC.",
        text=f"Order 4711 failed at 09:58 UTC.\n\nOn Mon, Dec 1, 2026 at 10:00 AM {US} wrote:\n\n{QUOTED}\n",
    ),
    Case(
        "gmail wrapped header",
        "Order 4711.",
        text="Order 4711.\n\nOn Mon, Dec 1, 2026 at 10:00 AM Supportdesk Support Team <\nsupport@supportdesk.example> wrote:\n\n"
        f"{QUOTED}\n",
    ),
    Case(
        "gmail with html alternative",
        "Here it is: 4711.",
        text=f"Here it is: 4711.\n\nOn Mon, Dec 1, 2026 at 10:00 AM {US} wrote:\n\n{QUOTED}\n",
        html='<div dir="ltr">Here it is: 4711.</div><br><div class="gmail_quote"><div class="gmail_attr">On Mon, Dec 1, '
        '2026 at 10:00 AM Supportdesk wrote:<br></div><blockquote class="gmail_quote">Hello Alice</blockquote></div>',
    ),
    Case(
        "gmail html only",
        "Here it is: 4711.\nAnd 4712 too.",
        html='<div dir="ltr"><div>Here it is: 4711.</div><div>And 4712 too.</div></div><br><div class="gmail_quote">'
        '<div dir="ltr" class="gmail_attr">On Mon, Dec 1, 2026 at 10:00 AM Supportdesk &lt;support@supportdesk.example&gt; '
        'wrote:<br></div><blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex">Hello Alice,<br>Could you '
        "send us the id?</blockquote></div>",
    ),
    Case(
        "gmail spanish",
        "El pedido 4711 falló a las 09:58.",
        text="El pedido 4711 falló a las 09:58.\n\nEl lun, 1 dic 2026 a las 10:00, Supportdesk (<support@supportdesk.example>) "
        f"escribió:\n\n{QUOTED}\n",
    ),
    Case(
        "gmail portuguese",
        "O pedido 4711 falhou às 09:58.",
        text="O pedido 4711 falhou às 09:58.\n\nEm seg., 1 de dez. de 2026 às 10:00, Supportdesk <support@supportdesk.example> "
        f"escreveu:\n\n{QUOTED}\n",
    ),
    Case(
        "gmail signature",
        "Order 4711.",
        text=f"Order 4711.\n\n-- \nAlice Alpha\nHead of Operations, Alpha Shop\n+1 555 0100\n\nOn Mon, Dec 1, 2026 at 10:00 AM "
        f"{US} wrote:\n\n{QUOTED}\n",
    ),
    # --- Outlook desktop -----------------------------------------------------------------------
    Case(
        "outlook desktop",
        "Done, it works again.",
        text="Done, it works again.\n\nFrom: Supportdesk <support@supportdesk.example>\nSent: Monday, December 1, 2026 10:00 AM\n"
        f"To: Alice Alpha <alice@alpha.example>\nSubject: [SD-1001] New reply: Checkout is slow\n\n{PLAIN_QUOTED}\n",
    ),
    Case(
        "outlook desktop original message",
        "Done.",
        text="Done.\n\n-----Original Message-----\nFrom: Supportdesk <support@supportdesk.example>\nSent: Monday, December 1, "
        f"2026 10:00 AM\nTo: Alice Alpha <alice@alpha.example>\nSubject: [SD-1001] New reply\n\n{PLAIN_QUOTED}\n",
    ),
    Case(
        "outlook desktop spanish",
        "Listo, ya funciona.",
        text="Listo, ya funciona.\n\nDe: Supportdesk <support@supportdesk.example>\nEnviado: lunes, 1 de diciembre de 2026 10:00\n"
        f"Para: Alice Alpha <alice@alpha.example>\nAsunto: [SD-1001] Nueva respuesta\n\n{PLAIN_QUOTED}\n",
    ),
    Case(
        "outlook desktop portuguese",
        "Pronto, já funciona.",
        text="Pronto, já funciona.\n\nDe: Supportdesk <support@supportdesk.example>\nEnviado: segunda-feira, 1 de dezembro de 2026 "
        f"10:00\nPara: Alice Alpha <alice@alpha.example>\nAssunto: [SD-1001] Nova resposta\n\n{PLAIN_QUOTED}\n",
    ),
    Case(
        "outlook underscores",
        "Thanks, confirmed.",
        text="Thanks, confirmed.\n\n________________________________\nFrom: Supportdesk <support@supportdesk.example>\n"
        f"Sent: Monday, December 1, 2026 10:00\nTo: Alice Alpha\nSubject: [SD-1001] New reply\n\n{PLAIN_QUOTED}\n",
    ),
    # --- Outlook on the web --------------------------------------------------------------------
    Case(
        "outlook web html only",
        "Confirmed: order 4711.",
        html='<html><body><div style="font-family:Calibri">Confirmed: order 4711.</div><div id="appendonsend"></div>'
        '<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> '
        "Supportdesk &lt;support@supportdesk.example&gt;<br><b>Sent:</b> Monday, December 1, 2026 10:00<br><b>To:</b> "
        "Alice Alpha<br><b>Subject:</b> [SD-1001] New reply</font><div>&nbsp;</div></div><div>Hello Alice, could you "
        "send us the id?</div></body></html>",
    ),
    Case(
        "outlook web get outlook for ios",
        "Yes, go ahead.",
        text="Yes, go ahead.\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n________________________________\nFrom: Supportdesk "
        "<support@supportdesk.example>\nSent: Monday, December 1, 2026 10:00:00 AM\nTo: Alice Alpha\nSubject: Re\n\n"
        f"{PLAIN_QUOTED}\n",
    ),
    # --- Apple Mail ----------------------------------------------------------------------------
    Case(
        "apple mail",
        "Yes, since yesterday evening.",
        text=f"Yes, since yesterday evening.\n\n> On 1 Dec 2026, at 10:00, {US} wrote:\n>\n{QUOTED}\n",
    ),
    Case(
        "apple mail html only",
        "Yes, since yesterday evening.",
        html='<html><body dir="auto"><div>Yes, since yesterday evening.</div><div><br><blockquote type="cite">On 1 Dec 2026, '
        'at 10:00, Supportdesk &lt;support@supportdesk.example&gt; wrote:<br><br></blockquote></div><blockquote type="cite">'
        "<div>Hello Alice, could you send us the id?</div></blockquote></body></html>",
    ),
    # --- iOS Mail ------------------------------------------------------------------------------
    Case(
        "ios sent from my iphone",
        "Fixed, thanks",
        text=f"Fixed, thanks\n\nSent from my iPhone\n\n> On 1 Dec 2026, at 10:00, {US} wrote:\n>\n{QUOTED}\n",
    ),
    Case(
        "ios spanish",
        "Ya está resuelto, gracias.",
        text="Ya está resuelto, gracias.\n\nEnviado desde mi iPhone\n\n> El 1 dic 2026, a las 10:00, Supportdesk "
        f"<support@supportdesk.example> escribió:\n>\n{QUOTED}\n",
    ),
    Case(
        "ios portuguese",
        "Já está resolvido, obrigado.",
        text="Já está resolvido, obrigado.\n\nEnviado do meu iPhone\n\n> Em 1 de dez. de 2026, à(s) 10:00, Supportdesk "
        f"<support@supportdesk.example> escreveu:\n>\n{QUOTED}\n",
    ),
    # --- Thunderbird ---------------------------------------------------------------------------
    Case("thunderbird", "The order id is 4711.", text=f"The order id is 4711.\n\nOn 01/12/2026 10:00, Supportdesk wrote:\n{QUOTED}\n"),
    Case(
        "thunderbird bottom-posted",
        "Order 4711, placed at 09:58.",
        text=f"On 01/12/2026 10:00, Supportdesk wrote:\n{QUOTED}\n\nOrder 4711, placed at 09:58.\n",
    ),
    Case(
        "thunderbird interleaved",
        "4711 and 4712.\n\nNo, only card payments.",
        text="> Could you send us the id of an order that failed?\n\n4711 and 4712.\n\n> Does it happen with PayPal too?\n\n"
        "No, only card payments.\n",
    ),
    Case(
        "thunderbird spanish",
        "Adjunto el registro del pedido.",
        text=f"Adjunto el registro del pedido.\n\nEl 1/12/26 a las 10:00, Supportdesk escribió:\n{QUOTED}\n",
    ),
    # --- Android -------------------------------------------------------------------------------
    Case(
        "android samsung",
        "Yes, still failing.",
        text="Yes, still failing.\n\nSent from my Galaxy\n\n\n-------- Original message --------\nFrom: Supportdesk "
        f"<support@supportdesk.example>\nDate: 12/1/26 10:00 (GMT-06:00)\nTo: Alice Alpha\nSubject: Re\n\n{PLAIN_QUOTED}\n",
    ),
    Case(
        "android gmail portuguese",
        "Sim, continua falhando.",
        text="Sim, continua falhando.\n\nEm seg, 1 de dez de 2026 10:00, Supportdesk <support@supportdesk.example> escreveu:\n\n"
        f"{QUOTED}\n",
    ),
    # --- Forwarded: what is forwarded is the point ---------------------------------------------
    Case(
        "gmail forward",
        "Please look at this one.\n\n---------- Forwarded message ---------\nFrom: Bob Buyer "
        "<bob@alpha.example>\nDate: Mon, Dec 1, 2026 at 9:30 AM\nSubject: Orders failing\nTo: <alice@alpha.example>\n\n"
        "Orders fail since 9.",
        subject="Fwd: Orders failing",
        text="Please look at this one.\n\n---------- Forwarded message ---------\nFrom: Bob Buyer <bob@alpha.example>\n"
        "Date: Mon, Dec 1, 2026 at 9:30 AM\nSubject: Orders failing\nTo: <alice@alpha.example>\n\nOrders fail since 9.\n",
    ),
    Case(
        "outlook forward",
        "FYI, see below.\n\nFrom: Bob Buyer <bob@alpha.example>\nSent: Monday, December 1, 2026 9:30 AM\n"
        "To: Alice Alpha <alice@alpha.example>\nSubject: Orders failing\n\nOrders fail since 9.",
        subject="FW: Orders failing",
        text="FYI, see below.\n\nBest regards,\nAlice\n\nFrom: Bob Buyer <bob@alpha.example>\n"
        "Sent: Monday, December 1, 2026 9:30 AM\n"
        "To: Alice Alpha <alice@alpha.example>\nSubject: Orders failing\n\nOrders fail since 9.\n",
    ),
    # --- Signatures ----------------------------------------------------------------------------
    Case(
        "english sign-off",
        "It works again after the restart.",
        text=f"It works again after the restart.\n\nBest regards,\nAlice Alpha\nAlpha Shop\n\nOn Mon, Dec 1, 2026 at 10:00 AM {US} "
        f"wrote:\n{QUOTED}\n",
    ),
    Case(
        "spanish sign-off",
        "Funciona de nuevo tras el reinicio.",
        text="Funciona de nuevo tras el reinicio.\n\nSaludos,\nMaría García\nTienda Alfa\n",
    ),
    Case(
        "portuguese sign-off",
        "Funciona de novo depois do reinício.",
        text="Funciona de novo depois do reinício.\n\nAtenciosamente,\nJoão Silva\nLoja Alfa\n",
    ),
    Case(
        "a list survives",
        "Two things:\n- order 4711 failed\n- order 4712 too",
        text=f"Two things:\n- order 4711 failed\n- order 4712 too\n\nOn Mon, Dec 1, 2026 at 10:00 AM {US} wrote:\n{QUOTED}\n",
    ),
    Case(
        "no quote at all",
        "Checkout fails for every card.\n\nIt started at 09:00 UTC.",
        text="Checkout fails for every card.\n\nIt started at 09:00 UTC.\n",
    ),
]
