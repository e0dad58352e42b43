"""The value parser: what a clinician or a lab export may type, and what it becomes."""

from __future__ import annotations

import pytest

from b12cli.errors import InputError
from b12cli.model import Catalog
from b12cli.rulesets import load_catalog
from b12cli.values import MAX_TEXT, parse_measurement, split_value


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.mark.parametrize(
    ("text", "comparator", "number", "unit"),
    [
        ("<100", "<", 100.0, ""),
        ("< 100 ng/L", "<", 100.0, "ng/L"),
        ("<=180", "<=", 180.0, ""),
        ("=<180", "<=", 180.0, ""),
        ("≤180", "<=", 180.0, ""),
        ("> 2000 pg/mL", ">", 2000.0, "pg/mL"),
        (">=2000", ">=", 2000.0, ""),
        ("=>2000", ">=", 2000.0, ""),
        ("≥ 2000", ">=", 2000.0, ""),
        ("180", None, 180.0, ""),
        ("180ng/L", None, 180.0, "ng/L"),
        ("133pmol/L", None, 133.0, "pmol/L"),
    ],
)
def test_comparator_symbols(text: str, comparator: str | None, number: float, unit: str) -> None:
    assert split_value(text) == (comparator, number, unit)


@pytest.mark.parametrize(
    ("text", "comparator", "number"),
    [
        ("LESS THAN 150", "<", 150.0),
        ("less than or equal to 150", "<=", 150.0),
        ("GREATER THAN 2000", ">", 2000.0),
        ("Greater than or equal to 2000", ">=", 2000.0),
        ("below 100", "<", 100.0),
        ("ABOVE 2000", ">", 2000.0),
    ],
)
def test_comparator_words(text: str, comparator: str, number: float) -> None:
    assert split_value(text) == (comparator, number, "")


def test_two_comparators_are_rejected() -> None:
    with pytest.raises(InputError, match="two comparators"):
        split_value("less than <150")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0,62", 0.62),  # decimal comma, as German and French labs print it
        ("12,5", 12.5),
        ("0,500", 0.5),  # a leading zero cannot be a thousands group
        ("1,234.5", 1234.5),
        ("1.234,5", 1234.5),
        ("1 500", 1500.0),
        ("1'500", 1500.0),
        ("1,234,567", 1234567.0),
        ("1e3", 1000.0),
    ],
)
def test_decimal_marks_and_thousands(text: str, number: float) -> None:
    assert split_value(text)[1] == number


def test_ambiguous_comma_is_rejected_not_guessed() -> None:
    # '1,500' is 1.5 in Germany and 1500 in the UK: a B12 of 1.5 or 1500 ng/L is the
    # difference between confirmed deficiency and a raised level, so never guess.
    with pytest.raises(InputError, match="ambiguous number '1,500'"):
        split_value("1,500 ng/L")


def test_declared_decimal_mark_resolves_the_ambiguity() -> None:
    assert split_value("1,500", decimal=",")[1] == 1.5
    assert split_value("1,500", decimal=".")[1] == 1500.0
    assert split_value("1.234,5", decimal=",")[1] == 1234.5


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("150 L", ""),
        ("150 H", ""),
        ("150 LL", ""),
        ("150 (L)", ""),
        ("150 [H]", ""),
        ("150 low", ""),
        ("150 critical", ""),
        ("150 pg/mL (L)", "pg/mL"),
        ("150 ng/L H*", "ng/L"),
        ("180 ng/L.", "ng/L"),
    ],
)
def test_trailing_flags_and_marks_are_dropped(text: str, unit: str) -> None:
    assert split_value(text) == (None, 150.0 if text.startswith("150") else 180.0, unit)


def test_flagged_censored_value_keeps_comparator() -> None:
    assert split_value(">2000*.") == (">", 2000.0, "")


def test_flag_letters_inside_a_unit_are_kept() -> None:
    # The 'L' of ng/L must not be taken for a low flag.
    assert split_value("150 ng/L")[2] == "ng/L"


@pytest.mark.parametrize("text", ["", "   ", "abc", "<", "nan", "inf", "not done", "<< 5"])
def test_text_that_is_no_value_is_rejected(text: str) -> None:
    with pytest.raises(InputError, match="not a result value"):
        split_value(text)


def test_overflowing_number_is_rejected() -> None:
    with pytest.raises(InputError, match="not a finite number"):
        split_value("1e400")


def test_overlong_text_is_rejected() -> None:
    with pytest.raises(InputError, match=f"longer than {MAX_TEXT}"):
        split_value("180 " + "n" * MAX_TEXT)


@pytest.mark.parametrize(
    ("analyte", "text", "unit", "canonical"),
    [
        ("mma", "0.62 µmol/L", "umol/L", 0.62),  # micro sign U+00B5
        ("mma", "0.62 μmol/L", "umol/L", 0.62),  # Greek mu U+03BC
        ("mma", "0.62 mcmol/L", "umol/L", 0.62),
        ("mma", "0.62 nmol/mL", "umol/L", 0.62),
        ("mma", "620 nmol/L", "nmol/L", 0.62),
        ("mma", "48 mcg/L", "ug/L", 0.4064736),
        ("hcy", "2 mcg/mL", "mg/L", 14.794),
        ("hcy", "16 µmol/L", "umol/L", 16.0),
        ("folate", "4.5 µg/L", "ng/mL", 10.197),
        ("b12", "250 pg/ml", "ng/L", 250.0),
        ("b12", "133 pmol/L", "pmol/L", 180.26421),
        ("egfr", "45 ml/min/1.73m²", "mL/min/1.73m2", 45.0),
    ],
)
def test_unit_spellings(
    catalog: Catalog, analyte: str, text: str, unit: str, canonical: float
) -> None:
    m = parse_measurement(catalog, analyte, text)
    assert (m.unit, m.unit_source) == (unit, "given")
    assert m.canonical_value == pytest.approx(canonical, rel=1e-9)


@pytest.mark.parametrize(("text", "canonical"), [("350 nmol/L", 0.35), ("470 nmol/L", 0.47)])
def test_conversion_lands_exactly_on_a_threshold(
    catalog: Catalog, text: str, canonical: float
) -> None:
    # 350 x 0.001 is 0.35000000000000003 in binary floating point: a result entered at a
    # threshold in nmol/L must compare equal to the same threshold in umol/L.
    assert parse_measurement(catalog, "mma", text).canonical_value == canonical


def test_bare_number_takes_default_unit_and_says_so(catalog: Catalog) -> None:
    m = parse_measurement(catalog, "b12", " 250 ")
    assert (m.input, m.value, m.unit, m.unit_source, m.comparator) == (
        "250",
        250.0,
        "ng/L",
        "default",
        None,
    )


def test_unit_from_a_header_applies_only_without_a_unit_in_the_text(catalog: Catalog) -> None:
    from_header = parse_measurement(catalog, "b12", "185", unit="pmol/L", unit_source="header")
    in_text = parse_measurement(catalog, "b12", "185 ng/L", unit="pmol/L", unit_source="header")
    assert (from_header.unit, from_header.unit_source) == ("pmol/L", "header")
    assert (in_text.unit, in_text.unit_source) == ("ng/L", "given")


def test_censored_value_keeps_comparator_bound_and_text(catalog: Catalog) -> None:
    m = parse_measurement(catalog, "b12", "GREATER THAN 2000")
    assert (m.comparator, m.value, m.canonical_value, m.input) == (
        ">",
        2000.0,
        2000.0,
        "GREATER THAN 2000",
    )


def test_unknown_unit_lists_accepted_units(catalog: Catalog) -> None:
    with pytest.raises(InputError) as caught:
        parse_measurement(catalog, "b12", "250 mmol/L")
    assert str(caught.value) == "b12: unknown unit 'mmol/L'; accepted units: ng/L, pmol/L"


def test_holotc_in_a_mass_unit_is_unknown(catalog: Catalog) -> None:
    with pytest.raises(InputError, match=r"accepted units: pmol/L$"):
        parse_measurement(catalog, "holotc", "40 pg/mL")


@pytest.mark.parametrize(
    ("analyte", "text", "suggestion"),
    [
        ("mma", "250 umol/L", "did you mean nmol/L or ug/L?"),
        ("hcy", "150 mg/L", "did you mean umol/L?"),
    ],
)
def test_implausible_value_suggests_the_unit(
    catalog: Catalog, analyte: str, text: str, suggestion: str
) -> None:
    with pytest.raises(InputError) as caught:
        parse_measurement(catalog, analyte, text)
    assert "outside the plausible range" in str(caught.value)
    assert str(caught.value).endswith(suggestion)


def test_implausible_value_without_a_plausible_unit_suggests_none(catalog: Catalog) -> None:
    with pytest.raises(InputError) as caught:
        parse_measurement(catalog, "b12", "200000 ng/L")
    assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize("text", ["-5", "-5 ng/L", ">-5"])
def test_negative_concentration_is_rejected(catalog: Catalog, text: str) -> None:
    with pytest.raises(InputError, match="cannot be negative"):
        parse_measurement(catalog, "b12", text)
