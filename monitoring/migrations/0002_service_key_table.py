# The service keys' table takes monitoring's name. Rows, ids, hashes and the foreign
# keys that point at them are untouched, so every key issued before keeps working.
# The content type follows too, so permissions given on service keys stay given.

from django.db import migrations


def content_type_follows(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='monitoring', model='servicekey').exists():
        ContentType.objects.filter(app_label='notices', model='servicekey').update(app_label='monitoring')


def content_type_returns(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    if not ContentType.objects.filter(app_label='notices', model='servicekey').exists():
        ContentType.objects.filter(app_label='monitoring', model='servicekey').update(app_label='notices')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('monitoring', '0001_initial'),
        ('notices', '0004_service_key_leaves_notices'),
    ]

    operations = [
        migrations.AlterModelTable(name='servicekey', table=None),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
