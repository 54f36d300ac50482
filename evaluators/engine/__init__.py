"""How requests are computed on a model: loading it, batching and packing requests (longest first,
order restored), the forward pass, compiled and distributed runs, and the request cache."""
