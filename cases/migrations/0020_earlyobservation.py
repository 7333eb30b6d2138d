# Tidlig opsporing (issue 25): early-detection observations on a child.

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import datetime


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0019_case_kle'),
        ('meetings', '0008_trio_colour_is_a_rating'),
        ('organisation', '0002_municipality_ppr_contact'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='EarlyObservation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('observed_on', models.DateField(default=datetime.date.today, verbose_name='dato')),
                ('kind', models.CharField(choices=[('screening', 'Sundhedsplejens screening'), ('sprogvurdering', 'Sprogvurdering'), ('btu', 'BTU-skema (barnets trivsel og udvikling)'), ('trivsel', 'Trivselsvurdering')], max_length=20, verbose_name='type')),
                ('finding', models.CharField(choices=[('ingen', 'Ingen bekymring'), ('opmaerksomhed', 'Opmærksomhed'), ('bekymring', 'Bekymring')], max_length=20, verbose_name='resultat')),
                ('text', models.TextField(max_length=5000, validators=[django.core.validators.MaxLengthValidator(5000)], verbose_name='fund og beskrivelse')),
                ('profession', models.CharField(choices=[('psykolog', 'PPR-psykolog'), ('talepaedagog', 'Talepædagog'), ('ppr_konsulent', 'PPR-konsulent'), ('ppr_leder', 'PPR-leder'), ('socialraadgiver', 'Socialrådgiver'), ('sundhedsplejerske', 'Sundhedsplejerske'), ('institutionsleder', 'Institutionsleder'), ('medarbejder', 'Pædagogisk personale / lærer'), ('anden', 'Anden')], default='anden', help_text='Den registrerendes faggruppe, da observationen blev registreret.', max_length=20, verbose_name='faggruppe')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('client_token', models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='cases.child', verbose_name='barn')),
                ('forum_referral', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='observations', to='meetings.forumreferral', verbose_name='henvisning')),
                ('institution', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisation.institution', verbose_name='institution')),
                ('rating', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='observations', to='cases.rulerrating', verbose_name='Børnelineal-vurdering')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registreret af')),
                ('referral', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='observations', to='cases.referral', verbose_name='indstilling')),
            ],
            options={
                'verbose_name': 'observation (tidlig opsporing)',
                'verbose_name_plural': 'observationer (tidlig opsporing)',
                'ordering': ['-observed_on', '-created_at'],
                'indexes': [models.Index(fields=['child', '-observed_on'], name='observation_child_idx'), models.Index(fields=['institution', 'finding', '-observed_on'], name='observation_inst_idx')],
            },
        ),
    ]
