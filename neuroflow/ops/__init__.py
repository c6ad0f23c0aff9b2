"""neuroflow's ops: one class per op (forward on arrays, backward in ops) and its TF wrapper."""
