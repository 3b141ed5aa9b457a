"""Optimizers as symbolic updates (optim/optimizers.hpp) and the book's
training rules (optim/training.hpp).

    opt = nabla.nn.Adam(1e-3)
    step = nabla.function([x, y], cost, updates=opt.updates(params, nabla.grad(cost, params)))

updates() also updates the optimizer's state (velocities, moments, step
count): call it once per compiled function. opt.learning_rate can be changed
between calls without recompiling (it is a shared scalar)."""

from .. import _nabla

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "Adagrad", "RMSProp", "Adam", "make_optimizer",
           "EarlyStopping", "PlateauSchedule"]

Optimizer = _nabla.optim.Optimizer
SGD = _nabla.optim.SGD
Momentum = _nabla.optim.Momentum
Nesterov = _nabla.optim.Nesterov
Adagrad = _nabla.optim.Adagrad
RMSProp = _nabla.optim.RMSProp
Adam = _nabla.optim.Adam
make_optimizer = _nabla.optim.make_optimizer
EarlyStopping = _nabla.optim.EarlyStopping
PlateauSchedule = _nabla.optim.PlateauSchedule
