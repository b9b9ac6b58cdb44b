from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("traitement", "0003_routing_revision"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["updated_at"], name="case_updated_idx"),
        ),
    ]
