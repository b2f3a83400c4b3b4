"""A spin barrier for persistent threads inside one simulation (``snn/threads.py`` starts them).

K Python threads each call one ``nogil`` kernel that runs the whole time loop over its own neurons; once or twice
a step they meet here. A numba parallel region per step costs more than a 4000-neuron step holds (a few
microseconds), a spin on one shared cache line costs about a hundred nanoseconds.

``sync`` is an int64 array of ``SYNC_SIZE``: the arrival count, the generation (how many times the barrier has
opened), an abort flag and the number of sleeping threads, each on its own 64-byte line. The last thread to arrive
resets the count and opens the barrier by bumping the generation; the others spin on the generation with the x86
``pause`` hint and, after ``_SPINS_BEFORE_SLEEP`` spins, sleep on it (Linux futex; elsewhere ``sched_yield``), so
that on a busy machine a waiting thread leaves its core to the one the barrier waits for; the last arrival wakes
the sleepers. The read-modify-writes are sequentially consistent: everything a thread wrote before arriving is
visible to every thread after the barrier opens.
"""
import platform
import sys

import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

from ._config import njit

COUNT, GENERATION, ABORT, SLEEPERS = 0, 8, 16, 24     # int64 slots, 64 bytes apart
SYNC_SIZE = 32
_SPINS_BEFORE_SLEEP = 2000
_WAIT_NS = 1_000_000
_MACHINE = platform.machine().lower()
_X86 = _MACHINE in ("x86_64", "amd64", "i386", "i686")
# Linux's futex: syscall numbers (asm/unistd_64.h on x86-64, asm-generic/unistd.h on arm64) and operations
# (FUTEX_WAIT 0, FUTEX_WAKE 1, | FUTEX_PRIVATE_FLAG 128: linux/futex.h); the 32-bit futex word is the low half of
# the int64 generation, so a little-endian machine only
_FUTEX_SYSCALL = {"x86_64": 202, "amd64": 202, "aarch64": 98, "arm64": 98}
_FUTEX_WAIT_PRIVATE, _FUTEX_WAKE_PRIVATE = 128, 129
_FUTEX = sys.platform.startswith("linux") and _MACHINE in _FUTEX_SYSCALL and sys.byteorder == "little"


def new_sync():
    return np.zeros(SYNC_SIZE, np.int64)


def _slot(context, builder, arr_type, arr, idx):
    ary = context.make_array(arr_type)(context, builder, arr)
    return cgutils.get_item_pointer(context, builder, arr_type, ary, [idx])


@intrinsic
def atomic_add(typingctx, arr, idx, val):
    """``arr[idx] += val`` as one atomic read-modify-write (sequentially consistent); returns the old value."""
    sig = types.int64(types.Array(types.int64, 1, "C"), types.int64, types.int64)

    def codegen(context, builder, signature, args):
        ptr = _slot(context, builder, signature.args[0], args[0], args[1])
        return builder.atomic_rmw("add", ptr, args[2], "seq_cst")
    return sig, codegen


@intrinsic
def atomic_load(typingctx, arr, idx):
    """``arr[idx]`` read atomically (acquire: later reads are not moved before it)."""
    sig = types.int64(types.Array(types.int64, 1, "C"), types.int64)

    def codegen(context, builder, signature, args):
        ptr = _slot(context, builder, signature.args[0], args[0], args[1])
        return builder.load_atomic(ptr, "acquire", 8)
    return sig, codegen


@intrinsic
def _pause(typingctx):
    """The x86 spin-wait hint (saves power and the sibling hyper-thread's cycles); nothing elsewhere."""
    sig = types.void()

    def codegen(context, builder, signature, args):
        if not _X86:
            return context.get_dummy_value()
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), []), "llvm.x86.sse2.pause")
        builder.call(fn, [])
        return context.get_dummy_value()
    return sig, codegen


def _wait_call(context, builder, ptr, expected):
    """futex(FUTEX_WAIT_PRIVATE) on the low 32 bits of ``*ptr`` while they equal ``expected``, for at most
    ``_WAIT_NS`` (then the caller looks at the abort word again); ``sched_yield()`` where there is no futex."""
    i64 = ir.IntType(64)
    if not _FUTEX:
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield")
        builder.call(fn, [])
        return
    timeout = cgutils.alloca_once(builder, ir.ArrayType(i64, 2))      # struct timespec {tv_sec, tv_nsec}
    builder.store(ir.Constant(ir.ArrayType(i64, 2), [0, _WAIT_NS]), timeout)
    _syscall(builder, [ir.Constant(i64, _FUTEX_WAIT_PRIVATE), builder.and_(expected, ir.Constant(i64, 0xFFFFFFFF)),
                       builder.ptrtoint(timeout, i64)], ptr)


def _syscall(builder, args, ptr):
    """libc's ``syscall(SYS_futex, ptr, *args)``, every argument passed as a 64-bit integer."""
    i64 = ir.IntType(64)
    fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(i64, [i64], var_arg=True), "syscall")
    builder.call(fn, [ir.Constant(i64, _FUTEX_SYSCALL[_MACHINE]), builder.ptrtoint(ptr, i64)] + args)


@intrinsic
def _wait_changed(typingctx, arr, idx, expected):
    """Sleep until ``arr[idx]`` may differ from ``expected`` (a wake-up, a change, or ``_WAIT_NS``)."""
    sig = types.void(types.Array(types.int64, 1, "C"), types.int64, types.int64)

    def codegen(context, builder, signature, args):
        _wait_call(context, builder, _slot(context, builder, signature.args[0], args[0], args[1]), args[2])
        return context.get_dummy_value()
    return sig, codegen


@intrinsic
def _wake_all(typingctx, arr, idx):
    """Wake every thread sleeping in ``_wait_changed`` on ``arr[idx]``."""
    sig = types.void(types.Array(types.int64, 1, "C"), types.int64)

    def codegen(context, builder, signature, args):
        if _FUTEX:
            i64 = ir.IntType(64)
            _syscall(builder, [ir.Constant(i64, _FUTEX_WAKE_PRIVATE), ir.Constant(i64, 2 ** 31 - 1)],
                     _slot(context, builder, signature.args[0], args[0], args[1]))
        return context.get_dummy_value()
    return sig, codegen


@njit(inline="always")
def barrier(sync, n_threads, generation):
    """Wait until all ``n_threads`` threads have called ``barrier`` for this generation (each thread counts its own
    calls: pass 0 first, then the value returned). Returns the next generation, or -1 when the run was aborted
    (``sync[ABORT]`` set: a thread failed), in which case the caller stops."""
    if atomic_add(sync, COUNT, 1) == n_threads - 1:
        atomic_add(sync, COUNT, -n_threads)          # reset before opening: no one arrives again until then
        atomic_add(sync, GENERATION, 1)
        if atomic_add(sync, SLEEPERS, 0) > 0:        # a sleeper counts itself before the futex checks the generation
            _wake_all(sync, GENERATION)
        return generation + 1
    spins = 0
    while atomic_load(sync, GENERATION) == generation:
        if atomic_load(sync, ABORT) != 0:
            return -1
        spins += 1
        if spins < _SPINS_BEFORE_SLEEP:
            _pause()
        else:
            atomic_add(sync, SLEEPERS, 1)
            _wait_changed(sync, GENERATION, generation)
            atomic_add(sync, SLEEPERS, -1)
    return generation + 1
