"""Seed 004's severities in Spanish and Brazilian Portuguese (docs/glossary.md).

The English text moves into its own column (name_en, definition_en); a translation an admin has
already written is left alone.
"""

from django.db import migrations
from django.db.models import F

SEVERITIES = {
    1: {
        "es": ("Crítica", "El servicio está completamente caído o inaccesible, con un impacto importante en el negocio."),
        "pt_br": ("Crítica", "Indisponibilidade total: o serviço está completamente fora do ar ou inacessível, com grande impacto no negócio."),
    },
    2: {
        "es": ("Alta", "Una funcionalidad principal está gravemente afectada, aunque no del todo indisponible, y causa cierta interrupción a los usuarios o a los procesos de negocio."),
        "pt_br": ("Alta", "Indisponibilidade parcial e/ou degradação da performance: funcionalidades importantes estão gravemente afetadas, mas não totalmente indisponíveis, causando alguma interrupção aos usuários ou aos processos de negócio."),
    },
    3: {
        "es": ("Media", "Una funcionalidad está parcialmente afectada; puede interferir en un proyecto, pero no tiene impacto actual en el negocio."),
        "pt_br": ("Média", "Funcionalidade parcialmente afetada: pode interferir em um projeto, mas não tem impacto atual no negócio."),
    },
    4: {
        "es": ("Baja", "Una funcionalidad menor está afectada, con una interrupción o molestia mínima para los usuarios."),
        "pt_br": ("Baixa", "Funcionalidade secundária afetada, com interrupção ou inconveniência mínima para os usuários."),
    },
    5: {
        "es": ("Cosmética", "Problemas no críticos de aspectos visuales o estéticos del producto, sin impacto significativo en la funcionalidad ni en la experiencia de usuario."),
        "pt_br": ("Cosmética", "Problemas não críticos relacionados a aspectos visuais ou estéticos do produto, sem impacto significativo na funcionalidade ou na experiência do usuário."),
    },
}


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Severity = apps.get_model("sla", "Severity")
    Severity.objects.filter(name_en__isnull=True).update(name_en=F("name"))
    Severity.objects.filter(definition_en__isnull=True).update(definition_en=F("definition"))
    for severity in Severity.objects.filter(level__in=SEVERITIES):
        changed = []
        for language, (name, definition) in SEVERITIES[severity.level].items():
            for field, text in ((f"name_{language}", name), (f"definition_{language}", definition)):
                if not getattr(severity, field):
                    setattr(severity, field, text)
                    changed.append(field)
        if changed:
            severity.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("sla", "0008_translations")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
