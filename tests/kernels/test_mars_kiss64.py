"""The board's generator (snn/kernels/mars_kiss64.py) against a naive transcription of spinn_common's random.c
in plain Python integers (below, written from the C), and the host's seeding against the installed sPyNNaker's
own ``create_mars_kiss_seeds`` where it is installed. Tolerance: none for the integers; the distribution checks
allow 4 standard errors (20,000 draws)."""
import numpy as np
import pytest

from snn.kernels.mars_kiss64 import exponential_variate, host_seed, kiss64_next, poisson_variate, validate_seed


def naive_kiss64(x, y, z, c):
    """mars_kiss64_seed, line by line: uint32 wraps written out as & 0xFFFFFFFF."""
    while True:
        x = (314527869 * x + 1234567) & 0xFFFFFFFF
        y ^= (y << 5) & 0xFFFFFFFF
        y ^= y >> 7
        y ^= (y << 22) & 0xFFFFFFFF
        t = 4294584393 * z + c
        c = t >> 32
        z = t & 0xFFFFFFFF
        yield (x + y + z) & 0xFFFFFFFF


@pytest.mark.parametrize("words", [(123456789, 987654321, 43219876, 6543217),     # random.c's static seed
                                   (0xFFFFFFFF, 1, 0xFFFFFFFF, 698769068), (7, 13031301, 0, 1)])
def test_generator_is_the_c_generator(words):
    seed = np.array(words, np.uint64)
    ref = naive_kiss64(*words)
    got = [int(kiss64_next(seed)) for _ in range(2000)]
    assert got == [next(ref) for _ in range(2000)]
    assert all(0 <= int(w) <= 0xFFFFFFFF for w in seed)


def test_seed_validation_and_host_seeding():
    assert validate_seed([5, 0, 9, 698769068]).tolist() == [5, 13031301, 9, 1]
    assert validate_seed([5, 6, 9, 0]).tolist() == [5, 6, 9, 1]
    with pytest.raises(ValueError, match="4 words"):
        validate_seed([1, 2, 3])
    utility = pytest.importorskip("spynnaker.pyNN.utilities.utility_calls")
    for s in (0, 1, 12345):
        assert host_seed(np.random.RandomState(s)).tolist() == list(
            utility.create_mars_kiss_seeds(np.random.RandomState(s)))


def test_exponential_variate_is_von_neumanns_method_on_the_stream():
    """Von Neumann (random.c): U0 = U; draw U* until U >= U* fails ... written out on the naive stream."""
    words = (11, 22, 33, 44)
    seed = np.array(words, np.uint64)
    ref = naive_kiss64(*words)

    def naive():
        """The same method read as a stream: U0, then pairs (U*, U) until U < U* accepts (the fraction is U0's)
        or U >= U* rejects the round (one more whole unit)."""
        a, u0, prev, ustar = 0, None, None, None
        for x in ref:
            if u0 is None:
                u0 = prev = x
            elif ustar is None:
                if prev < x:
                    return a + (u0 >> 17)
                ustar = x
            elif x >= ustar:
                a, u0, ustar = a + 2 ** 15, None, None
            else:
                prev, ustar = x, None
    got = [int(exponential_variate(seed)) for _ in range(20000)]
    assert got[:500] == [naive() for _ in range(500)]
    mean = np.mean(got) / 2 ** 15
    assert abs(mean - 1.0) < 4 / np.sqrt(20000)          # Exp(1): mean 1, SD 1


def test_poisson_variate_counts_products_above_exp_minus_lambda():
    lam = 2.5
    e = int(round(np.exp(-lam) * 2 ** 32))
    seed = np.array((1, 2, 3, 4), np.uint64)
    ref = naive_kiss64(1, 2, 3, 4)
    k = []
    for _ in range(300):
        p, n = 0xFFFFFFFF, 0
        while True:
            n += 1
            p = (p * next(ref)) >> 32
            if p <= e:
                break
        k.append(n - 1)
    assert [int(poisson_variate(seed, np.uint64(e))) for _ in range(300)] == k
    draws = np.array([poisson_variate(seed, np.uint64(e)) for _ in range(20000)])
    assert abs(draws.mean() - lam) < 4 * np.sqrt(lam / 20000)
