"""rosettagrad: micrograd's scalar autograd engine, the reference port.

from rosettagrad import Value, MLP, SGD, mse_loss
"""

from .dot import to_dot
from .engine import Value
from .losses import hinge_loss, l2_penalty, mse_loss, sse_loss
from .nn import MLP, Layer, Module, Neuron
from .optim import SGD, Adam
from .rng import SplitMix64

__version__ = "0.1.0"

__all__ = [
    "MLP",
    "SGD",
    "Adam",
    "Layer",
    "Module",
    "Neuron",
    "SplitMix64",
    "Value",
    "__version__",
    "hinge_loss",
    "l2_penalty",
    "mse_loss",
    "sse_loss",
    "to_dot",
]
