"""The shipped ticket types and their fields in Spanish and Brazilian Portuguese (docs/glossary.md).

Seed 003's Portuguese words for the incident form are used as written. The English text moves into
its own column (name_en, label_en…); a choice list keeps its English values, which tickets store,
and gets translated labels in the same order. A translation an admin has already written is left alone.
"""

from django.db import migrations
from django.db.models import F

# slug: (es name, es description, pt name, pt description)
TYPES = {
    "production-issue": ("Problema en producción", "Problemas relacionados con el entorno de producción.",
                         "Problema em produção", "Problemas relacionados ao ambiente de produção."),
    "sandbox-issue": ("Problema en sandbox", "Problemas relacionados con el entorno sandbox.",
                      "Problema no sandbox", "Problemas relacionados ao ambiente de sandbox."),
    "incident": ("Incidente", "Un pipeline o una integración que falla en cualquier entorno.",
                 "Incidente", "Um pipeline ou uma integração falhando em qualquer ambiente."),
    "development-question": ("Pregunta de desarrollo", "Cómo construir o usar algo en la plataforma.",
                             "Dúvida de desenvolvimento", "Como construir ou usar algo na Plataforma."),
    "new-support-user": ("Solicitar un nuevo usuario de soporte", "Dar a un colega acceso al portal de soporte.",
                         "Solicitar novo usuário de suporte", "Dar a um colega acesso ao portal de suporte."),
    "information-security": ("Solicitud de seguridad de la información",
                             "Pedir la revisión de documentos o procesos de seguridad de la información.",
                             "Solicitação de segurança da informação",
                             "Pedir a revisão de documentos ou processos de segurança da informação."),
    "data-privacy": ("Solicitud de privacidad de datos", "Una solicitud de privacidad de datos que hay que atender.",
                     "Solicitação de privacidade de dados", "Uma solicitação de privacidade de dados a ser atendida."),
    "proactive-alert": ("Alerta proactiva", "Detectamos un problema que afecta a tu integración; se requiere una acción.",
                        "Alerta proativo", "Identificamos um problema que afeta a sua integração; é necessária uma ação."),
    "proactive-warning": ("Advertencia proactiva", "Detectamos algo que conviene atender, aunque todavía no causa interrupciones.",
                          "Aviso proativo", "Identificamos algo que deve ser tratado, mas que ainda não causa interrupções."),
}

ISSUE_TYPES_ES = ["Integración", "ServicePoint", "Console", "Fulfillment", "API", "UX Framework", "Otro"]
ISSUE_TYPES_PT = ["Integração", "ServicePoint", "Console", "Fulfillment", "API", "UX Framework", "Outro"]

# key: ((es label, es help, es choices), (pt label, pt help, pt choices))
ISSUE_FIELDS = {
    "retailer_ids": (
        ("ID de cuenta / IDs de retailer", "El ID de cuenta, o todos los IDs de retailer afectados por este problema, separados por comas.", []),
        ("ID da conta / IDs de varejista", "O ID da conta, ou todos os IDs de varejista afetados por este problema, separados por vírgulas.", []),
    ),
    "issue_type": (
        ("Tipo de problema", "Integración: sistemas externos · ServicePoint: la app de la tienda · Console: pedidos y preparación de pedidos en la consola · Fulfillment: problemas de pedidos y de su preparación · API: REST/GraphQL · UX Framework · Otro.", ISSUE_TYPES_ES),
        ("Tipo de problema", "Integração: sistemas externos · ServicePoint: o app da loja · Console: pedidos e atendimento de pedidos no console · Fulfillment: problemas de pedidos e de atendimento · API: REST/GraphQL · UX Framework · Outro.", ISSUE_TYPES_PT),
    ),
    "issue_start": (
        ("Inicio del problema (UTC)", "Fecha y hora en que empezó el problema, en UTC.", []),
        ("Início do problema (UTC)", "Data e hora em que o problema começou, em UTC.", []),
    ),
    "issue_end": (
        ("Fin del problema (UTC)", "Cuándo terminó el problema, en UTC; déjalo vacío si continúa.", []),
        ("Fim do problema (UTC)", "Quando o problema terminou, em UTC; deixe vazio se ele continua.", []),
    ),
    "business_impact": (
        ("Impacto en el negocio", "Cómo afecta este problema a las operaciones del negocio: qué procesos se ven afectados y el impacto en tus clientes.", []),
        ("Impacto no negócio", "Como este problema afeta as operações do negócio: quais processos são afetados e o impacto nos seus clientes.", []),
    ),
    "impacted_orders": (
        ("Pedidos afectados", "IDs de Fluent o tus referencias (por ejemplo la referencia del pedido del cliente), uno por línea o separados por comas. Si solo das ejemplos, estima también el total de pedidos afectados.", []),
        ("Pedidos afetados", "IDs do Fluent ou as suas referências (por exemplo a referência do pedido do cliente), um por linha ou separados por vírgulas. Se você informar apenas exemplos, estime também o total de pedidos afetados.", []),
    ),
    "platform_justification": (
        ("Justificación de que es un problema de la plataforma", "Las investigaciones que hiciste hasta ahora y por qué crees que es un problema de la plataforma y no de una regla o un flujo de trabajo. Sin ella, la solicitud vuelve a ti para completarla; también se usa para revisar la severidad.", []),
        ("Justificativa de problema da Plataforma", "As investigações feitas até agora e por que você acredita que este é um problema da Plataforma e não de uma regra ou de um fluxo de trabalho. Sem ela, o chamado volta para você preencher; ela também é usada para revisar a severidade.", []),
    ),
    "steps_to_reproduce": (
        ("Pasos para reproducirlo", "Pasos técnicos o de negocio que reproducen el problema.", []),
        ("Passos para reproduzir", "Passos técnicos ou de negócio que reproduzem o problema.", []),
    ),
    "expected_result": (
        ("Resultado esperado", "Lo que debería ocurrir.", []),
        ("Resultado esperado", "O que deveria acontecer.", []),
    ),
    "actual_result": (
        ("Resultado real", "Lo que ocurre en su lugar.", []),
        ("Resultado real", "O que acontece em vez disso.", []),
    ),
    "exception_events": (
        ("ID del evento de excepción / evento de auditoría (ejemplos)", "Pega los detalles relevantes de la excepción; los más grandes puedes adjuntarlos como archivos.", []),
        ("ID do evento de exceção / evento de auditoria (exemplos)", "Cole os detalhes relevantes da exceção; os maiores podem ser anexados como arquivos.", []),
    ),
    "other_information": (
        ("Otra información", "Cualquier otra cosa que nos ayude a entender, clasificar y resolver el problema.", []),
        ("Outras informações", "Qualquer outra informação que nos ajude a entender, classificar e resolver o problema.", []),
    ),
}

FIELDS = {
    "production-issue": ISSUE_FIELDS,
    "sandbox-issue": ISSUE_FIELDS,
    "incident": {
        "pipeline_name": (("Nombre del pipeline", "", []), ("Nome do pipeline", "", [])),
        "project_name": (("Nombre del proyecto", "Si lo hay.", []), ("Nome do projeto", "Se disponível.", [])),
        "pipeline_key": (("Pipeline key", "La key del pipeline que falla.", []), ("Pipeline key", "A key do pipeline com falha.", [])),
        "error_message": (("Mensaje de error", "El mensaje de error, exactamente como aparece.", []),
                          ("Mensagem de erro", "A mensagem de erro, exatamente como aparece.", [])),
        "error_at": (("Fecha y hora del error (UTC)", "Cuándo ocurrió el error, en UTC.", []),
                     ("Data e hora do erro (UTC)", "Quando o erro aconteceu, em UTC.", [])),
        "expected_behaviour": (("Comportamiento esperado", "Lo que debería haber ocurrido.", []),
                               ("Comportamento esperado", "O que deveria ter acontecido.", [])),
        "actual_behaviour": (("Comportamiento real", "Lo que ocurrió en su lugar.", []),
                             ("Comportamento real", "O que realmente ocorreu.", [])),
        "previous_analyses": (("Análisis previos", "Lo que ya analizaste o probaste, con evidencias.", []),
                              ("Análises anteriores", "Análises anteriores realizadas com evidências dos testes.", [])),
        "other_information": (("Otra información", "Cualquier otra cosa que ayude a identificar y analizar el incidente.", []),
                              ("Outras informações", "Quaisquer outras informações pertinentes que ajudem na identificação e análise do incidente.", [])),
    },
    "development-question": {
        "integration_logic": (("Lógica y objetivo de la integración", "La lógica de la integración y lo que intentas lograr.", []),
                              ("Lógica e objetivo da integração", "A lógica da integração e o que você está tentando alcançar.", [])),
        "pipeline_name": (("Nombre del pipeline", "", []), ("Nome do pipeline", "", [])),
    },
    "new-support-user": {
        "user_name": (("Nombre completo del nuevo usuario", "", []), ("Nome completo do novo usuário", "", [])),
        "user_email": (("Dirección de correo del nuevo usuario", "La dirección con la que iniciará sesión y recibirá los correos de las solicitudes.", []),
                       ("Endereço de e-mail do novo usuário", "O endereço com o qual ele vai entrar e receber os e-mails dos chamados.", [])),
        "user_role": (("Cargo o rol", "", []), ("Cargo ou função", "", [])),
        "user_is_admin": (("¿Debe ser administrador de la organización?", "Los administradores ven todas las solicitudes de la organización, gestionan los contactos y conceden acceso.", []),
                          ("Ele deve ser administrador da organização?", "Administradores veem todas as solicitações da organização, gerenciam os contatos e concedem acesso.", [])),
    },
    "information-security": {
        "request_kind": (
            ("¿Qué necesitas?", "", ["Cuestionario de seguridad", "Certificación o informe de auditoría", "Aviso de prueba de penetración", "Revisión de políticas o procesos", "Otro"]),
            ("Do que você precisa?", "", ["Questionário de segurança", "Certificação ou relatório de auditoria", "Aviso de teste de invasão", "Revisão de políticas ou processos", "Outro"]),
        ),
        "documents": (("Documentos o procesos en cuestión", "", []), ("Documentos ou processos envolvidos", "", [])),
        "needed_by": (("Lo necesitas para", "Una fecha, si hay un plazo.", []), ("Prazo", "Uma data, se houver prazo.", [])),
    },
    "data-privacy": {
        "request_kind": (
            ("Tipo de solicitud", "", ["Acceso a datos personales", "Supresión", "Rectificación", "Limitación u oposición", "Otro"]),
            ("Tipo de solicitação", "", ["Acesso a dados pessoais", "Eliminação", "Correção", "Restrição ou oposição", "Outro"]),
        ),
        "data_subject": (("Referencia del titular de los datos", "Tu referencia de cliente para la persona en cuestión. No pegues más datos personales de los necesarios.", []),
                         ("Referência do titular dos dados", "A sua referência de cliente para a pessoa em questão. Não cole mais dados pessoais do que o necessário.", [])),
        "regulation": (("Normativa", "", ["RGPD", "LGPD", "CCPA / CPRA", "Otra"]), ("Regulamentação", "", ["GDPR", "LGPD", "CCPA / CPRA", "Outra"])),
        "legal_deadline": (("Plazo legal", "La fecha en la que se debe responder la solicitud.", []),
                           ("Prazo legal", "A data até a qual a solicitação deve ser respondida.", [])),
    },
}


def _fill(row, texts: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    changed = [field for field, text in texts.items() if text and not getattr(row, field)]
    for field in changed:
        setattr(row, field, texts[field])
    if changed:
        row.save(update_fields=changed)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    TicketType = apps.get_model("tickets", "TicketType")
    TicketField = apps.get_model("tickets", "TicketField")
    TicketType.objects.filter(name_en__isnull=True).update(name_en=F("name"))
    TicketType.objects.filter(description_en__isnull=True).update(description_en=F("description"))
    TicketField.objects.filter(label_en__isnull=True).update(label_en=F("label"))
    TicketField.objects.filter(help_text_en__isnull=True).update(help_text_en=F("help_text"))
    for field in TicketField.objects.all():
        if not field.choices_en and field.choices:  # the new column starts as an empty list, not NULL
            field.choices_en = field.choices
            field.save(update_fields=["choices_en"])
    for ticket_type in TicketType.objects.filter(slug__in=TYPES):
        name_es, description_es, name_pt, description_pt = TYPES[ticket_type.slug]
        _fill(ticket_type, {"name_es": name_es, "description_es": description_es,
                            "name_pt_br": name_pt, "description_pt_br": description_pt})
    for slug, fields in FIELDS.items():
        for field in TicketField.objects.filter(ticket_type__slug=slug, key__in=fields):
            (label_es, help_es, choices_es), (label_pt, help_pt, choices_pt) = fields[field.key]
            if choices_es and len(choices_es) != len(field.choices_en or []):
                choices_es = choices_pt = []  # an admin changed the list: its translation is theirs to write
            _fill(field, {"label_es": label_es, "help_text_es": help_es, "choices_es": choices_es,
                          "label_pt_br": label_pt, "help_text_pt_br": help_pt, "choices_pt_br": choices_pt})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0010_translations")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
