"""Values as abstracts write them: found in a sentence and read back into numbers."""

from __future__ import annotations

import pytest

from kg.extract.values import find_values, parse_value, same_number


def _values(sentence: str) -> list[str]:
    return [sentence[a:b] for a, b in find_values(sentence)]


@pytest.mark.parametrize("text, numbers, unit, sign", [
    ("85.1%", (85.1,), "%", ""),
    ("+0.093", (0.093,), "", "+"),
    ("93.7$\\%$", (93.7,), "%", ""),
    ("1.3$\\times$", (1.3,), "x", ""),
    ("2.9$\\times$ to 5.8$\\times$", (2.9, 5.8), "x", ""),
    ("6--15%", (6.0, 15.0), "%", ""),
    ("-0.244 to 0.474", (-0.244, 0.474), "", "-"),
    ("0.79 $\\pm$ 0.03", (0.79, 0.03), "", ""),
    ("1,000 sq km", (1000.0,), "sqkm", ""),
    ("84.0\\,dB", (84.0,), "dB", ""),
    ("3.45 percentage points", (3.45,), "pp", ""),
    ("6.6 points", (6.6,), "points", ""),
])
def test_a_value_is_read_into_numbers_unit_and_sign(text, numbers, unit, sign):
    v = parse_value(text)
    assert v is not None
    assert v.numbers == pytest.approx(numbers)
    assert (v.unit, v.sign) == (unit, sign)


def test_the_matching_rule_ignores_units_and_plus_but_not_the_ends_of_a_range():
    assert same_number("+3.1", "3.1 points")
    assert same_number("93.7$\\%$", "93.7%")
    assert same_number("1.86 \\times", "$1.86 \\times$")
    assert not same_number("16-28%", "16%")
    assert not same_number("0.5", "5")
    assert not same_number("zero", "0")


def test_values_are_found_in_real_sentences_with_from_to_as_two_values():
    # arXiv 2509.10779 (the results dev set)
    s = ("Experiments on VisDrone show a recall increase from 0.685 to 0.778 (+0.093) and a precision "
         "adjustment from 0.801 to 0.595, yielding F1=0.669[cite: 9].")
    assert _values(s)[:6] == ["0.685", "0.778", "+0.093", "0.801", "0.595", "0.669"]
    # a range a verb spans is one value (arXiv 2605.02038)
    s = "the correlation between model size and prompt-perturbation spread ranges from -0.244 to 0.474 across benchmarks."
    assert _values(s) == ["-0.244 to 0.474"]
    # LaTeX units stay with their number (arXiv 2606.31834)
    s = "RT-SFOD yields 1.4 to 3.5\\% mAP gains, 1.3$\\times$ higher throughput, with $\\sim$2$\\times$ fewer parameters"
    assert _values(s) == ["1.4 to 3.5\\%", "1.3$\\times$", "2$\\times$"]


def test_numbers_inside_names_are_not_values():
    assert _values("ResNet-50 and GPT-4 on CIFAR-10 with mAP@0.5") == []


def test_the_numbers_of_a_ratio_are_not_values():
    # arXiv 2605.04885 (the results dev set): "42" is no result of the class ratio
    s = "whose HS label yields a 58:42 class ratio. The split is 8:1:1, rates as high as 2.15:1, and 93.1% recall."
    assert _values(s) == ["93.1%"]
    assert _values("mAP@0.5:0.95 of 41.2 at 10:30") == ["41.2"]
    # no part of a ratio either (the value is matched whole or not at all)
    assert _values("a 1:10,000 scale, a 5-10:1 mix, an 80%:20% split and 2.5x:1") == []
    # a name that ends in a digit is no ratio
    assert _values("with F1:0.66 on the test set") == ["0.66"]


def test_a_number_past_a_floats_range_is_no_value():
    assert parse_value("9" * 400 + "%") is None
    assert parse_value("1" + "0" * 20) is not None
