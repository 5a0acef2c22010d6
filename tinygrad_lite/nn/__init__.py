"""Neural-network building blocks (`tl.nn`, like `torch.nn`)."""

from . import functional, init
from .layers import (
    GELU,
    MLP,
    BatchNorm1d,
    Dropout,
    Flatten,
    Identity,
    Layer,
    LayerNorm,
    LeakyReLU,
    Linear,
    LogSoftmax,
    Neuron,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from .module import Module, Parameter, Sequential

__all__ = [
    "GELU", "MLP", "BatchNorm1d", "Dropout", "Flatten", "Identity", "Layer", "LayerNorm",
    "LeakyReLU", "Linear", "LogSoftmax", "Module", "Neuron", "Parameter", "ReLU", "Sequential",
    "Sigmoid", "Softmax", "Tanh", "functional", "init",
]
