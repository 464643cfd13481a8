"""Fixtures for the taxonomy tests: a small custom taxonomy file and labelled rows for it."""
from __future__ import annotations

import textwrap

import pytest

CUSTOM_TAXONOMY = textwrap.dedent(
    """\
    id: clinic
    name: Clinic feedback
    categories:
      - id: parking
        name: Parking
        description: Car parking spaces, parking charges and parking permits at the clinic.
        examples:
          - "There were no parking spaces left so I was late."
          - "The car park charges are far too high."
      - id: food
        name: Food and drink
        description: Meals, snacks, drinks and the cafe.
        examples:
          - "The sandwiches in the cafe were stale."
          - "No hot drinks were available all afternoon."
      - id: staff
        name: Staff attitude
        description: How staff behave towards patients - rudeness, kindness, respect.
        examples:
          - "The receptionist was rude to me."
          - "The nurse was kind and patient."
    """
)


@pytest.fixture
def custom_taxonomy_file(tmp_path):
    path = tmp_path / "clinic.yaml"
    path.write_text(CUSTOM_TAXONOMY, encoding="utf-8")
    return path


# Two categories whose descriptions say nothing: only labelled rows can tell them apart.
OPAQUE_TAXONOMY = textwrap.dedent(
    """\
    id: opaque
    name: Opaque
    categories:
      - id: alpha
        description: The first kind of comment.
      - id: beta
        description: The second kind of comment.
    """
)

ALPHA = [
    "The bus was late again this morning", "The train was cancelled and no replacement came",
    "My bus never turned up", "The tram broke down halfway", "Trains are always delayed on this line",
    "The bus driver skipped my stop", "Another cancelled train today", "The bus timetable is wrong",
    "The last bus left early", "Train delays every single day", "The bus was so full it drove past",
    "The train had no working toilets", "The bus route was changed without notice", "Tram services stopped early",
]
BETA = [
    "My bin was not emptied this week", "The recycling collection was missed", "Rubbish is piling up in the street",
    "The bin lorry skipped our road", "Garden waste was left behind", "My recycling box was never returned",
    "Bins missed for the third week", "The bulky waste pickup did not happen", "Litter everywhere after collection",
    "Food waste caddy not emptied", "The refuse crew spilled rubbish everywhere", "My bin was taken and not returned",
    "Recycling left on the pavement", "The waste collection was a day late",
]


@pytest.fixture
def opaque_taxonomy_file(tmp_path):
    path = tmp_path / "opaque.yaml"
    path.write_text(OPAQUE_TAXONOMY, encoding="utf-8")
    return path


@pytest.fixture
def opaque_rows():
    """(train texts, train labels, test texts, test labels)."""
    train = ALPHA[:10] + BETA[:10]
    labels = [["alpha"]] * 10 + [["beta"]] * 10
    test = ALPHA[10:] + BETA[10:]
    test_labels = [["alpha"]] * 4 + [["beta"]] * 4
    return train, labels, test, test_labels
