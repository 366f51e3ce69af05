"""Uses tanh's gain 5/3 for relu instead of sqrt(2): activations grow layer after layer."""

from solution import *


def gain(nonlinearity, negative_slope=0.01):
    if nonlinearity in ("linear", "sigmoid"):
        return 1.0
    if nonlinearity in ("tanh", "relu"):
        return 5.0 / 3
    if nonlinearity == "leaky_relu":
        return math.sqrt(2.0 / (1 + negative_slope**2))
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}")


def kaiming_normal_(weight, mode="fan_in", nonlinearity="relu", generator=None):
    fan_in, fan_out = fan_in_and_fan_out(weight)
    fan = {"fan_in": fan_in, "fan_out": fan_out}[mode]
    std = gain(nonlinearity) / math.sqrt(fan)
    with torch.no_grad():
        return weight.normal_(0.0, std, generator=generator)


def init_relu_network_(model, generator=None):
    for module in model.modules():
        if isinstance(module, nn.Linear):
            kaiming_normal_(module.weight, generator=generator)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return model
