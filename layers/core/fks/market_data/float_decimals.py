"""The fast path from float64 to exact decimals, in numpy arithmetic instead of text.

For a float ``x`` and ``k`` decimals, while ``|x * 10**k| < 2**50`` the decimals that round to
``x`` span less than a quarter of ``10**-k``, so ``N = rint(x * 10**k)`` is the only integer
that can make ``N / 10**k`` round to ``x``, and IEEE division being correctly rounded,
``N / 10**k == x`` proves it does. When the shortest decimal of ``x`` (the value Python's
``repr`` prints) has ``k`` decimals, at any ``K >= k`` within the bound that integer is that
decimal times ``10**K``. So one scale ``K`` for the whole column, the smallest at which every
float reads back, gives every value exactly with one multiplication, and Arrow rescales the
integers to the stored scale. Floats that cannot be settled this way (NaN, infinities, 16 or
more significant digits, more decimals than the stored scale) are left for the text path.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa

_UNIQUE_LIMIT = 2.0**50
_POW10 = 10.0 ** np.arange(23)  # exact doubles: every power of ten up to 1e22 is one


def common_scale_decimals(
    floats: npt.NDArray[np.float64], decimal_type: pa.Decimal128Type
) -> tuple[pa.Array, npt.NDArray[np.bool_]]:
    """Each float as its shortest decimal in ``decimal_type``, null where it is not settled.

    Returns the array and the mask of settled values.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        scale = _common_scale(floats, decimal_type.scale)
        scaled = np.rint(floats * _POW10[scale])
        settled = (np.abs(scaled) < _UNIQUE_LIMIT) & (scaled / _POW10[scale] == floats)
    units = np.where(settled, scaled, 0.0).astype(np.int64)
    words = np.empty(2 * len(units), dtype=np.int64)
    words[0::2] = units  # a decimal128 is a little-endian 128-bit two's complement integer
    words[1::2] = units >> 63  # its high word extends the sign
    null_count = int(len(settled) - np.count_nonzero(settled))
    validity = pa.array(settled, type=pa.bool_()).buffers()[1] if null_count else None
    at_scale = pa.Array.from_buffers(
        pa.decimal128(decimal_type.precision, scale),
        len(units),
        [validity, pa.py_buffer(words)],
        null_count=null_count,
    )
    return at_scale.cast(decimal_type), settled


def _common_scale(floats: npt.NDArray[np.float64], max_scale: int) -> int:
    """The fewest decimals at which every float that can be settled reads back."""
    pending = floats[np.isfinite(floats)]
    for scale in range(max_scale + 1):
        scaled = np.rint(pending * _POW10[scale])
        in_range = np.abs(scaled) < _UNIQUE_LIMIT
        # Past the bound a float stays past it at every larger scale: it is left to the text path.
        pending = pending[in_range & (scaled / _POW10[scale] != pending)]
        if pending.size == 0:
            return scale
    return max_scale
