"""The kernel-quality input perturbations (snn/data/noise.py) against direct numpy constructions."""
import numpy as np
import pytest

from snn.data import gaussian_pixel_noise, reflect_steps, shift_frames
from snn.errors import SpecError


def test_pixel_noise_is_gaussian_then_clipped():
    """Mid-grey images (128 of 255), sigma 30: clipping at 0 / 255 is > 4 sigma away, so the noise is N(0, 30)
    to sampling error (50,000 pixels: the sd of the sd estimate is 30 / sqrt(2 * 50,000) ~ 0.1; band 0.5).
    With sigma 125 the values clip to [0, 255] exactly as np.clip of the same draws."""
    x = np.full((50, 1000), 128.0)
    y = gaussian_pixel_noise(x, 30.0, np.random.default_rng(0), vmax=255)
    assert abs((y - x).mean()) < 0.5 and abs((y - x).std() - 30.0) < 0.5
    imgs = np.random.default_rng(1).integers(0, 256, (20, 8, 8)).astype(float)
    imgs[0, 0, 0] = 255.0
    got = gaussian_pixel_noise(imgs, 125.0, np.random.default_rng(2))
    want = np.clip(imgs + np.random.default_rng(2).normal(0.0, 125.0, imgs.shape), 0, 255)
    np.testing.assert_array_equal(got, want)
    assert got.min() == 0.0 and got.max() == 255.0
    with pytest.raises(SpecError, match="sigma=-1.0 must be a finite number >= 0"):
        gaussian_pixel_noise(imgs, -1.0, np.random.default_rng(0))
    with pytest.raises(SpecError, match="must be a numpy Generator"):
        gaussian_pixel_noise(imgs, 1.0, 3)


def test_reflection_against_a_walk():
    """Fold t into [0, T) by walking |t| bins from 0 (backwards for t < 0), turning at the edges."""
    T = 7
    for t in range(-40, 41):
        pos, d = 0, 1 if t >= 0 else -1
        for _ in range(abs(t)):
            if not 0 <= pos + d <= T - 1:
                d = -d
            pos += d
        assert reflect_steps(t, T) == pos, t
    assert reflect_steps(np.array([-3, 0, 6, 7, 13, 14]), T).tolist() == [3, 0, 6, 5, 1, 2]
    assert reflect_steps(np.array([5, -2]), 1).tolist() == [0, 0]


def test_shift_frames_moves_whole_samples():
    rng = np.random.default_rng(3)
    frames = rng.random((3, 5, 20)) < 0.2
    got = shift_frames(frames, np.array([0, 4, -6]))
    np.testing.assert_array_equal(got[0], frames[0])
    for b, d in ((1, 4), (2, -6)):
        want = np.zeros((5, 20), bool)
        for i, t in zip(*np.nonzero(frames[b])):
            u = t + d
            u = -u if u < 0 else (2 * 19 - u if u > 19 else u)
            want[i, u] = True
        np.testing.assert_array_equal(got[b], want)
    with pytest.raises(SpecError, match="shifts B integers"):
        shift_frames(frames, np.array([1.5, 0, 0]))
