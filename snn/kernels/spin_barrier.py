"""A spin barrier for persistent threads inside one simulation (``snn/threads.py`` starts them).

K Python threads each call one ``nogil`` kernel that runs the whole time loop over its own neurons; once or twice
a step they meet here. A numba parallel region per step costs more than a 4000-neuron step holds (a few
microseconds), a spin on one shared cache line costs about a hundred nanoseconds.

``sync`` is an int64 array of ``SYNC_SIZE``: the arrival count, the generation (how many times the barrier has
opened) and an abort flag, each on its own 64-byte line. The last thread to arrive resets the count and opens
the barrier by bumping the generation; the others spin on the generation with the x86 ``pause`` hint and, after
``_SPINS_BEFORE_YIELD`` spins, give the core away (``sched_yield``) so that a thread whose core the scheduler took
for another process can reach the barrier (a shared machine). The read-modify-writes are sequentially consistent:
everything a thread wrote before arriving is visible to every thread after the barrier opens.
"""
import platform

import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

from ._config import njit

COUNT, GENERATION, ABORT = 0, 8, 16     # int64 slots, 64 bytes apart
SYNC_SIZE = 24
_SPINS_BEFORE_YIELD = 2000
_X86 = platform.machine().lower() in ("x86_64", "amd64", "i386", "i686")


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


@intrinsic
def _sched_yield(typingctx):
    """libc's ``sched_yield()``: let another runnable thread have this core."""
    sig = types.void()

    def codegen(context, builder, signature, args):
        fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.IntType(32), []), "sched_yield")
        builder.call(fn, [])
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
        return generation + 1
    spins = 0
    while atomic_load(sync, GENERATION) == generation:
        if atomic_load(sync, ABORT) != 0:
            return -1
        spins += 1
        if spins < _SPINS_BEFORE_YIELD:
            _pause()
        else:
            _sched_yield()
    return generation + 1
