"""Programs the benchmarks run as child processes beside the toolkit: floors and peers."""
