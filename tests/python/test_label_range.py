"""Class labels out of range: a label -1 or >= the number of classes is an
IndexError naming the op, the label and its position, in every compile mode and
whichever spelling built the cost; numpy-style x[arange(n), y] keeps numpy's
negative indices but refuses y past the end."""

import numpy as np
import pytest

import nabla
import nabla.tensor as T
from nabla import nn

MODES = ["FAST_RUN", "FAST_COMPILE"]


def logits():
    return np.random.default_rng(0).standard_normal((4, 3)).astype("float32")


def call(cost, labels, mode):
    z, y = cost.inputs
    f = nabla.function([z, y], cost.out, mode=mode)
    return f(logits(), np.array(labels, dtype="int32"))


class Cost:
    def __init__(self, build):
        z, y = T.matrix("z"), T.ivector("y")
        self.inputs, self.out = (z, y), build(z, y)


SPELLINGS = {
    "categorical_crossentropy": lambda z, y: T.mean(T.nnet.categorical_crossentropy(T.nnet.softmax(z), y)),
    "softmax_xent": lambda z, y: T.mean(T.nnet.softmax_cross_entropy(z, y)),
    "log_likelihood_cost": lambda z, y: nn.log_likelihood_cost(T.nnet.softmax(z), y),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
@pytest.mark.parametrize("bad", [-1, 3, 7])
def test_a_label_out_of_range_is_an_index_error_naming_op_label_and_position(spelling, mode, bad):
    with pytest.raises(IndexError) as err:
        call(Cost(SPELLINGS[spelling]), [0, 2, bad, 1], mode)
    assert isinstance(err.value, nabla.NablaError)
    msg = str(err.value)
    assert spelling in msg
    assert f"label {bad} at position 2" in msg
    assert "3 classes" in msg
    assert "test_label_range.py" in msg  # the user's line


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_labels_in_range_give_numpys_cross_entropy(spelling, mode):
    z, labels = logits(), np.array([0, 2, 1, 1])
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    want = -np.log(p[np.arange(4), labels]).mean()
    assert call(Cost(SPELLINGS[spelling]), labels, mode) == pytest.approx(want, rel=1e-5)


@pytest.mark.parametrize("mode", MODES)
def test_numpy_style_indexing_keeps_negative_indices_and_refuses_past_the_end(mode):
    naive = Cost(lambda z, y: -T.mean(T.log(T.nnet.softmax(z))[T.arange(y.shape[0]), y]))
    z = logits()
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    want = -np.log(p[np.arange(4), [0, -1, 1, 1]]).mean()
    assert call(naive, [0, -1, 1, 1], mode) == pytest.approx(want, rel=1e-5)
    # take2d's message, or the fused op's when the rewrite put it in (FAST_RUN).
    with pytest.raises(IndexError, match=r"(column index|label) 3 .*\[1\]\) is out of range"):
        call(naive, [0, 3, 1, 1], mode)


def test_the_gradient_of_a_checked_cost_still_fuses_and_checks():
    z, y = T.matrix("z"), T.ivector("y")
    cost = T.mean(T.nnet.categorical_crossentropy(T.nnet.softmax(z), y))
    f = nabla.function([z, y], T.grad(cost, z))
    assert any(name == "softmax_xent" for name, _ in f.rewrites_applied())
    with pytest.raises(IndexError, match="label -1 at position 0"):
        f(logits(), np.array([-1, 0, 0, 0], dtype="int32"))
