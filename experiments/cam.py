"""`snn cam`: the CA3 content-addressable memory from the command line.

    snn cam replay FILE.json [--out OUT.json] [--plot FILE.png]
        simulate the input of a recording in the golden schema (cueSize, contSize, simTime_ms, input_spikes);
        write the simulated spikes in the same schema; if the file holds recorded `spikes`, print
        "mismatches: X of Y recorded spikes" (a spike missing or extra in any population, any neuron counts).
    snn cam run OPS.json --cue-size N --content-size M [--out OUT.json] [--plot FILE.png]
        run an operation schedule (a JSON list of {"op": ..., "cue": ..., "content": [...], "time": ...}) and
        print/write the decoded result of every operation, plus the spikes.
"""
from pathlib import Path

from snn.engine import Simulator
from snn.errors import DataError, SpecError
from snn.io import read_json, write_json
from snn.outputs import check_figure, check_file
from snn.models.ca3_cam import INPUT, MEMORY_POPULATIONS, OUTPUT, build_cam
from snn.models.cam_memory import CAM, OPS

POPULATIONS = (*MEMORY_POPULATIONS, OUTPUT)
OP_STYLE = {"learn": ("tab:red", "L"), "recall_cue": ("tab:blue", "C"), "recall_content": ("tab:green", "Q")}


def add_arguments(parser):
    sub = parser.add_subparsers(dest="cam_command", metavar="ACTION", required=True)
    rp = sub.add_parser("replay", help="simulate a recorded input (golden schema) and count mismatching spikes")
    rp.add_argument("file", help="JSON file with cueSize, contSize, simTime_ms, input_spikes (and optional spikes)")
    rp.add_argument("--out", help="write the simulated spikes here (same schema)")
    rp.add_argument("--plot", help="write a raster PNG of all populations here")
    rp.add_argument("--history", type=int, default=None, help="STDP post-spike history length (default 16)")
    rn = sub.add_parser("run", help="run an operation schedule and decode every operation")
    rn.add_argument("file", help='JSON list of operations, e.g. [{"op": "learn", "cue": 0, "content": [0, 1]}]')
    rn.add_argument("--cue-size", type=int, required=True, help="N: number of cues (addresses)")
    rn.add_argument("--content-size", type=int, required=True, help="M: content width in bits")
    rn.add_argument("--out", help="write the decoded results and the spikes here (JSON)")
    rn.add_argument("--plot", help="write a raster PNG with the operations marked here")
    rn.add_argument("--history", type=int, default=None, help="STDP post-spike history length (default 16)")


def main(args):
    if args.cam_command == "replay":
        return replay(args.file, args.out, args.plot, args.history)
    return run_schedule(args.file, args.cue_size, args.content_size, args.out, args.plot, args.history)


# -- files ---------------------------------------------------------------------------------------------------
def parse_recording(data, path):
    """Check the golden schema; returns (cue_size, cont_size, sim_time_ms, input_spikes, recorded or None)."""
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a JSON object with cueSize, contSize, simTime_ms, input_spikes")
    missing = [k for k in ("cueSize", "contSize", "simTime_ms", "input_spikes") if k not in data]
    if missing:
        raise DataError(f"{path}: missing field(s) {missing}; the golden schema has cueSize, contSize, simTime_ms, "
                        f"input_spikes (cue, cont) and optional spikes")
    n, m, sim_time = data["cueSize"], data["contSize"], data["simTime_ms"]
    for name, v in (("cueSize", n), ("contSize", m), ("simTime_ms", sim_time)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise DataError(f"{path}: {name}={v!r} must be a positive integer")
    try:
        build_cam(n, m, data["input_spikes"])     # validates the input lists
    except SpecError as exc:
        raise DataError(f"{path}: {exc}") from None
    recorded = data.get("spikes")
    if recorded is not None:
        sizes = {label: build_cam(n, m).population(label).size for label in POPULATIONS}
        if not isinstance(recorded, dict):
            raise DataError(f"{path}: spikes must be an object mapping population names to per-neuron lists")
        for label, trains in recorded.items():
            if label not in sizes:
                raise DataError(f"{path}: spikes holds unknown population {label!r}; known: {list(POPULATIONS)}")
            if not isinstance(trains, list) or len(trains) != sizes[label] or not all(
                    isinstance(tr, list) and all(isinstance(t, (int, float)) for t in tr) for tr in trains):
                raise DataError(f"{path}: spikes[{label!r}] must be {sizes[label]} lists of spike times (ms)")
    return n, m, sim_time, data["input_spikes"], recorded


def count_mismatches(recorded, simulated):
    """(missing + extra spikes summed over every population and neuron of ``recorded``, recorded spike count)."""
    bad = total = 0
    for label, trains in recorded.items():
        for rec, sim in zip(trains, simulated[label]):
            r, s = {int(round(t)) for t in rec}, {int(round(t)) for t in sim}
            total += len(r)
            bad += len(r ^ s)
    return bad, total


# -- actions -------------------------------------------------------------------------------------------------
def _outputs(out, plot):
    """Check both outputs before any work; returns them with the figure's real name (a bare name gets .png)."""
    return (None if out is None else check_file(out)), (None if plot is None else check_figure(plot))


def replay(file, out=None, plot=None, history=None):
    out, plot = _outputs(out, plot)
    n, m, sim_time, input_spikes, recorded = parse_recording(read_json(file, "a CA3 CAM recording"), file)
    try:
        result = Simulator(build_cam(n, m, input_spikes, history=history)).run(float(sim_time))
    except SpecError as exc:      # e.g. a negative input spike time (one after simTime_ms is not delivered)
        raise DataError(f"{file}: {exc}") from None
    spikes = {label: [[int(round(t)) for t in tr] for tr in result.spike_trains(label)] for label in POPULATIONS}
    if out:
        write_json(out, {"cueSize": n, "contSize": m, "simTime_ms": sim_time, "input_spikes": input_spikes,
                         "spikes": spikes, "source": "snn cam replay"})
        print(f"wrote {out}")
    if plot:
        plot_cam(plot, result, title=f"CA3 CAM replay of {Path(file).name}")
        print(f"wrote {plot}")
    if recorded is not None:
        bad, total = count_mismatches(recorded, spikes)
        print(f"mismatches: {bad} of {total} recorded spikes")
    return 0


def run_schedule(file, cue_size, content_size, out=None, plot=None, history=None):
    out, plot = _outputs(out, plot)
    ops = read_json(file, 'a list of operations such as [{"op": "learn", "cue": 0, "content": [0, 1]}]')
    mem = CAM(cue_size, content_size, history=history)
    try:
        mem.extend(ops)
    except SpecError as exc:
        raise SpecError(f"{file}: {exc}") from None
    run = mem.run()
    for r in run.results:
        if r["op"] == "learn":
            what, value = f"cue {r['cue']} <- {r['content']}", f"echo {r['echo']}"
        elif r["op"] == "recall_cue":
            what, value = f"cue {r['cue']}", f"content {r['content']}"
        else:
            what, value = f"content {r['content']}", f"cues {r['cues']}"
        print(f"t={r['time']:>6} ms  {r['op']:<15} {what:<30} -> {value}")
    if out:
        write_json(out, {**run.to_json(), "source": "snn cam run"})
        print(f"wrote {out}")
    if plot:
        plot_cam(plot, run.result, mem.operations, title=f"CA3 CAM: {len(mem.operations)} operations")
        print(f"wrote {plot}")
    return 0


# -- figure --------------------------------------------------------------------------------------------------
def mark_operations(ax, operations):
    """Vertical lines at each operation's time (colour by kind) with a short tag: L<cue>, C<cue>, Q."""
    for o in operations:
        color, tag = OP_STYLE[o.op]
        ax.axvline(o.time, color=color, linewidth=0.8, alpha=0.6, zorder=0)
        label = f"{tag}{o.cue}" if o.cue is not None else tag
        ax.text(o.time, 1.0, label, transform=ax.get_xaxis_transform(), color=color, fontsize=6, ha="left",
                va="bottom", rotation=90 if len(operations) > 40 else 0)
    for op in OPS:
        color, tag = OP_STYLE[op]
        ax.plot([], [], color=color, label=f"{tag}: {op}")


def draw_cam(ax, result, operations=(), title=None):
    """Raster of every population (input, the 8 memory populations, output) of a CAM run on ``ax``, with the
    operations marked (L = learn, C = recall by cue, Q = recall by content) and a legend of the kinds."""
    from snn.plot import raster
    labels = (INPUT, *MEMORY_POPULATIONS, OUTPUT)
    trains = {label: result.spike_trains(label) for label in labels}
    sizes = {label: result.net.population(label).size for label in labels}
    # every band at least 1/25 of the total height: the names of one-neuron populations stay apart
    raster(ax, trains, sizes=sizes, separators=True, marker_size=4.0, min_band=-(-sum(sizes.values()) // 25))
    mark_operations(ax, operations)
    ax.set_xlim(-1, result.duration)
    if operations:
        ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=6, handles=ax.get_lines()[-len(OPS):])
    if title:
        ax.set_title(title, pad=14)
    return ax


def plot_cam(path, result, operations=(), title=None):
    """``draw_cam`` into a PNG file at ``path``."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(min(40, 8 + result.duration / 60), 6))
    draw_cam(ax, result, operations, title)
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
