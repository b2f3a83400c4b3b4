"""pyNN.common's connectors, with one repair: PyNN 0.13's OneToOneConnector fails under numpy 2 when the
populations have one cell each (its i == j map yields a 0-d column mask and ``nonzero`` refuses it), so a
one-cell OneToOne connects through the all-true map, which is the same single connection, and a one-cell
population on either side through the explicit i == j map (sPyNNaker's scripts connect 1 -> n this way)."""
import numpy as np
from pyNN import connectors
from pyNN.connectors import *             # noqa: F401,F403
from pyNN.parameters import LazyArray


class OneToOneConnector(connectors.OneToOneConnector):
    __doc__ = connectors.OneToOneConnector.__doc__

    def connect(self, projection):
        if projection.shape == (1, 1):
            return self._connect_with_map(projection, LazyArray(True, shape=projection.shape))
        if 1 in projection.shape:
            n_pre, n_post = projection.shape
            same = np.arange(n_pre)[:, None] == np.arange(n_post)[None, :]
            return self._connect_with_map(projection, LazyArray(same, shape=projection.shape))
        return super().connect(projection)
