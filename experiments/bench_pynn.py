"""`snn bench pynn --against nest`: PyNN's VA benchmarks (CUBA and COBA: benchmarks 1 and 2 of Brette et al.
2007, Vogels & Abbott 2005) written in the PyNN API, built and run on snn.pynn and on pyNN.nest.

``va_benchmark(sim, name)`` builds the network as PyNN 0.13's examples/VAbenchmarks.py does (its constants,
named below; the default path without views, assemblies or CSA) and times the build (setup to the last
Projection) and the simulation (``sim.run``). snn runs in this process after a warm-up (the numba kernels load
from their cache; the engine lowers the network inside the first ``run``, which the simulation time includes);
NEST runs in a subprocess, single-threaded. Prints per simulator build_seconds, sim_seconds, spikes, and the
ratios ``sim_speedup`` = NEST sim_seconds / snn sim_seconds, ``build_ratio`` = snn / NEST build_seconds.
"""
import time

from snn.errors import SpecError
from snn.experiments.child import run_json

# examples/VAbenchmarks.py (PyNN 0.13.0)
N, R_EI, PCONN, STIM_DUR, RATE, DT, DELAY, TSTOP = 4000, 4.0, 0.02, 50.0, 100.0, 0.1, 0.2, 1000.0
AREA, TAU_M, CM_PER_AREA, G_LEAK = 20000.0e-8, 20.0, 1.0, 5e-5
V_THRESH, V_RESET, T_REFRAC, V_MEAN, TAU_EXC, TAU_INH, E_EXC, E_INH = -50.0, -60.0, 5.0, -60.0, 5.0, 10.0, 0.0, -80.0
E_LEAK = {"COBA": -60.0, "CUBA": -49.0}
G_EXC = {"COBA": 4.0, "CUBA": 0.27}    # nS
G_INH = {"COBA": 51.0, "CUBA": 4.5}
RNG_SEED = 98765


def va_benchmark(sim, name, duration=TSTOP, **setup_extra):
    """Build and run one VA benchmark on ``sim``; returns {build_seconds, sim_seconds, spikes, synapses}."""
    t0 = time.perf_counter()
    cm = CM_PER_AREA * AREA * 1000.0                        # nF
    n_exc = int(round(N * R_EI / (1 + R_EI)))
    if name == "COBA":
        celltype, w_exc, w_inh = sim.IF_cond_exp, G_EXC[name] * 1e-3, G_INH[name] * 1e-3
    else:
        celltype = sim.IF_curr_exp
        w_exc, w_inh = 1e-3 * G_EXC[name] * (E_EXC - V_MEAN), 1e-3 * G_INH[name] * (E_INH - V_MEAN)
    sim.setup(timestep=DT, min_delay=DELAY, max_delay=1.0, **setup_extra)
    params = dict(tau_m=TAU_M, tau_syn_E=TAU_EXC, tau_syn_I=TAU_INH, v_rest=E_LEAK[name], v_reset=V_RESET,
                  v_thresh=V_THRESH, cm=cm, tau_refrac=T_REFRAC)
    if name == "COBA":
        params.update(e_rev_E=E_EXC, e_rev_I=E_INH)
    exc = sim.Population(n_exc, celltype(**params), label="Excitatory_Cells")
    inh = sim.Population(N - n_exc, celltype(**params), label="Inhibitory_Cells")
    rng = sim.NumpyRNG(seed=RNG_SEED, parallel_safe=True)
    exc.initialize(v=sim.RandomDistribution("uniform", low=V_RESET, high=V_THRESH, rng=rng))
    inh.initialize(v=sim.RandomDistribution("uniform", low=V_RESET, high=V_THRESH, rng=rng))
    conn = sim.FixedProbabilityConnector(PCONN, rng=rng)
    exc_syn, inh_syn = sim.StaticSynapse(weight=w_exc, delay=DELAY), sim.StaticSynapse(weight=w_inh, delay=DELAY)
    prjs = [sim.Projection(exc, exc, conn, exc_syn, receptor_type="excitatory"),
            sim.Projection(exc, inh, conn, exc_syn, receptor_type="excitatory"),
            sim.Projection(inh, exc, conn, inh_syn, receptor_type="inhibitory"),
            sim.Projection(inh, inh, conn, inh_syn, receptor_type="inhibitory")]
    if name == "COBA":
        ext = sim.Population(20, sim.SpikeSourcePoisson(rate=RATE, duration=STIM_DUR), label="expoisson")
        ext_conn, ext_syn = sim.FixedProbabilityConnector(0.01, rng=rng), sim.StaticSynapse(weight=0.1)
        prjs += [sim.Projection(ext, exc, ext_conn, ext_syn, receptor_type="excitatory"),
                 sim.Projection(ext, inh, ext_conn, ext_syn, receptor_type="excitatory")]
    exc.record("spikes")
    inh.record("spikes")
    t1 = time.perf_counter()
    sim.run(duration)
    t2 = time.perf_counter()
    spikes = sum(exc.get_spike_counts().values()) + sum(inh.get_spike_counts().values())
    out = dict(build_seconds=t1 - t0, sim_seconds=t2 - t1, spikes=int(spikes),
               synapses=int(sum(len(p) for p in prjs)))
    sim.end()
    return out


def _nest(name, duration):
    code = ("import sys; sys.argv = ['x']; import pyNN.nest as sim; "
            "from snn.experiments.bench_pynn import va_benchmark; "
            f"answer(va_benchmark(sim, {name!r}, {duration!r}, spike_precision='on_grid', threads=1))")
    return run_json(code, "pyNN.nest benchmark")


def bench_pynn(duration_s=1.0, against=(), benchmarks=("CUBA", "COBA")):
    import snn.pynn as sim
    bad = [p for p in against if p != "nest"]
    if bad:
        raise SpecError(f"snn bench pynn --against {','.join(against)}: the PyNN benchmark runs against nest only")
    duration = float(duration_s) * 1000.0
    va_benchmark(sim, "CUBA", 10.0)          # warm-up: the kernels load from numba's cache
    out = {"duration_s": duration_s, "dt_ms": DT}
    for name in benchmarks:
        res = {"snn": va_benchmark(sim, name, duration)}
        if "nest" in against:
            res["nest"] = _nest(name, duration)
            res["sim_speedup"] = res["nest"]["sim_seconds"] / res["snn"]["sim_seconds"]
            res["build_ratio"] = res["snn"]["build_seconds"] / res["nest"]["build_seconds"]
        out[name] = res
    return out


def summary(out):
    lines = [f"VA benchmarks through PyNN: {out['duration_s']} s biological, dt {out['dt_ms']} ms"]
    for name in ("CUBA", "COBA"):
        if name not in out:
            continue
        for sim_name in ("snn", "nest"):
            if sim_name in out[name]:
                r = out[name][sim_name]
                lines.append(f"  {name} {sim_name:4s} build {r['build_seconds']:.2f} s  sim {r['sim_seconds']:.3f} s  "
                             f"spikes {r['spikes']}  synapses {r['synapses']}")
        if "sim_speedup" in out[name]:
            lines.append(f"  {name} simulation: NEST / snn = {out[name]['sim_speedup']:.1f}x; "
                         f"build: snn / NEST = {out[name]['build_ratio']:.2f}")
    return "\n".join(lines)
