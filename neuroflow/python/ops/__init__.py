"""``tensorflow.python.ops``."""
from . import array_ops, control_flow_ops, init_ops, math_ops, nn, nn_ops, random_ops, state_ops, variable_scope, variables  # noqa: F401,E501
