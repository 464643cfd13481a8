"""The NHS number check digit (modulus 11), used to tell NHS numbers from other 10-digit numbers."""
from __future__ import annotations

import random

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when the remainder gives 10 (no valid number)."""
    if len(first_nine) != 9 or not first_nine.isdigit():
        raise ValueError("expected nine digits")
    total = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    return None if digit == 10 else digit


def is_valid_nhs_number(value: str) -> bool:
    """True when ``value`` (spaces and dashes allowed) is ten digits with a correct modulus-11 check digit."""
    if not isinstance(value, str):
        return False
    digits = value.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    expected = check_digit(digits[:9])
    return expected is not None and expected == int(digits[9])


def make_nhs_number(rng: random.Random, *, valid: bool = True) -> str:
    """A synthetic ten-digit number, valid or deliberately failing the check (for test data).

    Starts with 4-7 like numbers issued in England and Wales, so it never looks like a UK phone number.
    """
    while True:
        nine = str(rng.randint(4, 7)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        expected = check_digit(nine)
        if expected is None:
            continue
        if valid:
            return nine + str(expected)
        return nine + str((expected + rng.randint(1, 9)) % 10)
