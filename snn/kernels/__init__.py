"""Private @njit kernels on flat arrays. User code never calls these; public functions validate first."""
