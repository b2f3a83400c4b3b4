"""What a peer simulator's run of a ``spec.Network`` hands back (brian2_ref, nest_ref), in the engine's terms."""
from dataclasses import dataclass, field


@dataclass
class PeerResult:
    """Spike times (ms, snn's stamp convention) and neuron indices per population label, spike counts per label,
    the simulation-loop seconds of each repeat, and the build seconds (construction, code generation,
    compilation, connection)."""
    spikes: dict = field(default_factory=dict)
    counts: dict = field(default_factory=dict)
    sim_seconds: list = field(default_factory=list)
    build_seconds: float = 0.0
    synapses: int = 0

    def spike_trains(self, label, size):
        t, i = self.spikes[label]
        return [t[i == k] for k in range(size)]
