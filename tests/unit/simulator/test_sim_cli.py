import pytest

from cbsim.app import Simulator
from cbsim.cli import build_parser, config_from_arguments
from cbsim.orders import default_order, order_signature


def parse(*argv):
    return config_from_arguments(build_parser().parse_args(list(argv)))


def test_cli_defaults():
    config = parse()
    assert config.port == 0
    assert config.orders == 1000
    assert config.provisioning_delay == 2.0
    assert config.list_form == "both"
    assert config.billing_auth is None
    assert config.connect_flap_for == 5.0


def test_cli_billing_auth_password_with_colon():
    assert parse("--billing-auth", "basic:operator:pa:ss").billing_auth == ("basic", "operator", "pa:ss")


@pytest.mark.parametrize("value", ["token:user:pass", "struct:user", "struct::pass", "struct"])
def test_cli_billing_auth_invalid(value, capsys):
    with pytest.raises(SystemExit):
        parse("--billing-auth", value)
    assert "expected struct:USER:PASS or basic:USER:PASS" in capsys.readouterr().err


def test_cli_currency_precision():
    assert parse("--currency-precision", "JPY=0", "--currency-precision", "KWD=3").currency_precision == {
        "JPY": 0, "KWD": 3}


def test_cli_currency_precision_invalid(capsys):
    with pytest.raises(SystemExit):
        parse("--currency-precision", "JPY")
    assert "CURRENCY=DIGITS" in capsys.readouterr().err


def test_cli_order_flow():
    assert parse("--order-flow", "PF=PR,I4").order_flow == {"PF": ("PR", "I4")}


@pytest.mark.parametrize("option,value,message", [
    ("--orders", "-1", "0 or more"),
    ("--orders", "many", "an integer is expected"),
    ("--error-rate", "1.5", "probability"),
    ("--latency-ms", "nan", "a finite number"),
    ("--connect-max-limit", "0", "1 or more"),
    ("--list-form", "seven", "invalid choice"),
])
def test_cli_rejects_bad_values(option, value, message, capsys):
    with pytest.raises(SystemExit):
        parse(option, value)
    assert message in capsys.readouterr().err


def test_order_flow_option_applies():
    simulator = Simulator(parse("--orders", "0", "--order-flow", "PF=I4"))
    order = default_order(1, 1_700_000_000)
    order.status = "PF"
    simulator.store.put([order])
    assert simulator.store.flow.allows("PF", "I4")
    assert not simulator.store.flow.allows("PF", "PR")


def test_currency_precision_option_applies():
    simulator = Simulator(parse("--orders", "0", "--currency-precision", "JPY=0"))
    order = default_order(1, 1_700_000_000)
    order.status = "PF"
    order.currency = "JPY"
    order.total = 1500.75
    simulator.store.put([order])
    assert simulator.store.change_status(1, "PR", order_signature(order, precision=0)) == "PF"
