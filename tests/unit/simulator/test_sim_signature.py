import hashlib

from cbsim.signature import compute_signature, format_total, signature_text


def test_signature_worked_example_with_comments():
    signature = compute_signature(1234, "SO001234", 1600000000, "USD", 12.5, "Test order")
    assert signature == "cbd9431567a2e94a69d9a3d5c64d3dd9"


def test_signature_worked_example_empty_comments():
    signature = compute_signature(1234, "SO001234", 1600000000, "USD", 12.5, "")
    assert signature == "3cdc43e300f18cb4041dd41734366754"


def test_signature_text_layout():
    text = signature_text(1234, "SO001234", 1600000000, "USD", 12.5, "Test order")
    assert text == "1234SO0012341600000000USD 12.50Test order"


def test_signature_strips_trailing_whitespace():
    text = signature_text(1, "SO000001", 5, "USD", 1.0, "note \t\n")
    assert text == "1SO0000015USD 1.00note"


def test_signature_keeps_order_number_padding():
    text = signature_text(1, "SO000001  ", 5, "USD", 1.0, "x")
    assert text == "1SO000001  5USD 1.00x"


def test_signature_hashes_utf8():
    text = signature_text(7, "SO000007", 5, "EUR", 3.0, "Bestellung für Müller")
    expected = hashlib.md5(text.encode("utf-8")).hexdigest()
    assert compute_signature(7, "SO000007", 5, "EUR", 3.0, "Bestellung für Müller") == expected


def test_total_pads_two_decimals():
    assert format_total(12.5) == "12.50"


def test_total_truncates_extra_decimals():
    assert format_total(12.349) == "12.34"


def test_total_uses_shortest_repr():
    # The binary value of 0.29 is 0.28999..., which must not truncate to 0.28.
    assert format_total(0.29) == "0.29"


def test_total_negative_truncates_toward_zero():
    assert format_total(-12.345) == "-12.34"


def test_total_negative_zero_prints_zero():
    assert format_total(-0.001) == "0.00"


def test_total_has_no_thousands_separator():
    assert format_total(1234567.5) == "1234567.50"


def test_total_precision_zero():
    assert format_total(12.99, precision=0) == "12"


def test_total_precision_three():
    assert format_total(1.5, precision=3) == "1.500"
