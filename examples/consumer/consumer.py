"""A program that uses an installed nabla only (pip install ./python): builds
a logistic regression graph, takes its gradient, compiles a training step with
updates, trains on two separable blobs and checks the accuracy.

    python3 examples/consumer/consumer.py     # from any directory
"""
import numpy as np

import nabla
import nabla.tensor as T

rng = np.random.default_rng(0)
X = np.concatenate([rng.normal(-1, 0.5, (100, 2)), rng.normal(1, 0.5, (100, 2))]).astype("float32")
Y = np.concatenate([np.zeros(100), np.ones(100)]).astype("float32")

x, y = T.matrix("x"), T.vector("y")
w = nabla.shared(np.zeros(2, dtype="float32"), name="w")
b = nabla.shared(np.float32(0), name="b")
p = T.nnet.sigmoid(T.dot(x, w) + b)
cost = T.nnet.binary_crossentropy(p, y).mean()
gw, gb = nabla.grad(cost, [w, b])
train = nabla.function([x, y], cost, updates=[(w, w - 0.5 * gw), (b, b - 0.5 * gb)])
predict = nabla.function([x], p > 0.5)

first = float(train(X, Y))
for _ in range(100):
    last = float(train(X, Y))
accuracy = float(np.mean(predict(X) == Y))
print(f"consumer.py: nabla {nabla.__version__} from {nabla.__file__}")
print(f"consumer.py: cost {first:.3f} -> {last:.3f}, accuracy {accuracy:.3f}")
assert last < first and accuracy > 0.95
print("consumer.py: ok")
