"""Dataset readers (IDX, N-MNIST events, scikit-learn digits) and encoders. Nothing is downloaded."""
from .idx import find_idx_file, parse_idx, read_idx, read_idx_pair
from .datasets import (
    FASHION_CLASSES, DatasetSplits, Split, load_digits, load_fashion_mnist, load_mnist, resolve_dataset_dir,
)
from .nmnist import (
    EVENT_DTYPE, N_INPUTS, NmnistSample, NmnistSplits, decode_events, events_to_frames, list_nmnist,
    nmnist_splits, read_nmnist_file, time_bins,
)
from .permuted import permute_images, split_task_classes, split_task_indices, task_permutation, task_permutations
from .encoders import bernoulli_spikes, events_to_spikes, rate_probabilities
from .noise import gaussian_pixel_noise, reflect_steps, shift_frames

__all__ = [
    "find_idx_file", "parse_idx", "read_idx", "read_idx_pair",
    "FASHION_CLASSES", "DatasetSplits", "Split", "load_digits", "load_fashion_mnist", "load_mnist",
    "resolve_dataset_dir",
    "EVENT_DTYPE", "N_INPUTS", "NmnistSample", "NmnistSplits", "decode_events", "events_to_frames",
    "list_nmnist", "nmnist_splits", "read_nmnist_file", "time_bins",
    "permute_images", "split_task_classes", "split_task_indices", "task_permutation", "task_permutations",
    "bernoulli_spikes", "events_to_spikes", "rate_probabilities",
    "gaussian_pixel_noise", "reflect_steps", "shift_frames",
]
