"""Reference numbers: one source for every channel (inquiries.references), unique per team, counting on
from what a team already has — a sequence per team on PostgreSQL, the team's counter on SQLite."""

import importlib

import pytest
from django.db import connection

from inquiries.references import SEQUENCE_PREFIX, reference_next, references_restart
from tests.factories import InquiryFactory, TeamFactory, inquiry_through_intake, make_team

pytestmark = pytest.mark.django_db
postgres = pytest.mark.postgres


def test_each_team_counts_from_one_on_its_own():
    ads, bio = TeamFactory(slug="ads"), TeamFactory(slug="bio")
    assert [reference_next(team=ads), reference_next(team=ads), reference_next(team=bio)] == [
        (1, "ADS-1"),
        (2, "ADS-2"),
        (1, "BIO-1"),
    ]


def test_the_prefix_is_the_stored_one(team):
    type(team).objects.filter(pk=team.pk).update(reference_prefix="NEW")
    assert reference_next(team=team)[1] == "NEW-1"  # the caller's copy still says the old prefix


def test_after_a_bulk_load_intake_goes_on_past_the_highest_number(on_shift, open_team):
    InquiryFactory(team=open_team, number=41, reference=f"{open_team.reference_prefix}-41")
    references_restart()
    assert inquiry_through_intake(open_team).number == 42


@postgres
def test_a_team_gets_its_sequence_with_it_and_loses_it_with_it():
    team = make_team("seq", name="Sequenced", reference_prefix="SEQ")
    name = f"{SEQUENCE_PREFIX}{team.pk}"
    assert _sequence_exists(name)
    team.delete()
    assert not _sequence_exists(name)


@postgres
def test_the_migration_starts_each_existing_team_past_its_numbers_and_counter():
    ahead_by_rows, ahead_by_counter = TeamFactory(slug="rows"), TeamFactory(slug="counter")
    InquiryFactory(team=ahead_by_rows, number=7, reference="ROWS-7")
    type(ahead_by_counter).objects.filter(pk=ahead_by_counter.pk).update(last_reference_number=12)
    migration = importlib.import_module("inquiries.migrations.0013_reference_sequences")
    with connection.cursor() as cursor:
        cursor.execute(migration.FUNCTIONS[-1])  # the existing teams' sequences
    assert reference_next(team=ahead_by_rows)[0] == 8
    assert reference_next(team=ahead_by_counter)[0] == 13


def _sequence_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s", [name])
        return cursor.fetchone() is not None
