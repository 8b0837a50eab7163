"""Order signature that OrderStatusChange_API checks.

The signature is the lowercase hex MD5 of the UTF-8 string
``f"{OrderID}{OrderNumber}{CreationTime}{CurrencyID} {Total}{Comments}"`` with trailing whitespace
stripped. The public sources leave some formatting points open, and this simulator settles them
as follows, and a client must make the same choices to be accepted:

- OrderNumber and Comments are used exactly as stored, without trimming. Only the whole string
  loses its trailing whitespace, so trailing blanks in Comments never count.
- Total is printed with the currency's precision (2 unless overridden), truncated toward zero
  rather than rounded, without thousands separators, with a leading ``-`` when negative.
- The float is converted through its shortest ``repr`` first, so 0.29 prints as ``0.29``, not as
  the ``0.28`` that truncating its binary value would give.
"""

import hashlib
from decimal import ROUND_DOWN, Decimal

DEFAULT_PRECISION = 2


def format_total(total, precision=DEFAULT_PRECISION):
    """Format an order total for the signature: fixed precision, truncated toward zero."""
    exponent = Decimal(1).scaleb(-precision)
    value = Decimal(repr(float(total))).quantize(exponent, rounding=ROUND_DOWN)
    if value == 0:
        # Truncating -0.001 gives -0.00, which prints as 0.00.
        value = abs(value)
    return f"{value:f}"


def signature_text(order_id, order_number, creation_time, currency, total, comments,
                   precision=DEFAULT_PRECISION):
    """Build the text whose MD5 is the signature."""
    text = f"{order_id}{order_number}{creation_time}{currency} {format_total(total, precision)}{comments}"
    return text.rstrip()


def compute_signature(order_id, order_number, creation_time, currency, total, comments,
                      precision=DEFAULT_PRECISION):
    """Return the lowercase hex MD5 signature of one order."""
    text = signature_text(order_id, order_number, creation_time, currency, total, comments, precision)
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest()
