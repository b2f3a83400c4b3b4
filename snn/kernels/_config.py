"""The one place where numba flags are set for every kernel."""
import numba

NUMBA_FLAGS = dict(cache=True, nogil=True, fastmath=False)


def njit(*args, **overrides):
    """``numba.njit`` with the project's flags; ``@njit`` or ``@njit(parallel=True)``."""
    flags = {**NUMBA_FLAGS, **overrides}
    if args and callable(args[0]):
        return numba.njit(**flags)(args[0])
    return numba.njit(*args, **flags)
