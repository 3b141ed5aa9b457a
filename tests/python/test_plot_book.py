"""scripts/plot_book.py on synthetic result files: every figure it knows is
written as a non-empty PNG, shortened runs work, missing files are skipped, and
the chapter 4-5 figures drawn from an experiment's "extra" data need no runs."""
import importlib.util
import json
import pathlib

import pytest

SCRIPT = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "plot_book.py"


@pytest.fixture(scope="module")
def plot_book():
    spec = importlib.util.spec_from_file_location("plot_book", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_run(label, epochs, train_size=1000, **settings):
    """A run shaped like nabla-book's, with smooth made-up curves."""
    return {
        "label": label,
        "settings": dict(settings, train_size=train_size, epochs=epochs),
        "evaluation_accuracy": [min(9000, 7000 + 50 * e) for e in range(epochs)],
        "evaluation_cost": [1.0 + 0.01 * e for e in range(epochs)],
        "training_cost": [1.0 / (1 + e) for e in range(epochs)],
        "training_accuracy": [min(train_size, train_size // 2 + 40 * e) for e in range(epochs)],
        "evaluation_size": 10000,
        "training_size": train_size,
        "epoch_seconds": [0.01] * epochs,
    }


def fake_result(experiment_id, runs):
    return {
        "experiment": experiment_id,
        "title": "synthetic " + experiment_id,
        "book": "a number",
        "settings": {"sizes": [784, 30, 10], "eta": 0.5, "seed": 12345678},
        "runs": runs,
        "result": {"accuracy": 0.9, "best_accuracy": 0.9, "best_epoch": 3},
        "seconds_per_epoch": 0.01,
        "peak_rss_mb": 100.0,
    }


def write_results(directory, epochs):
    results = {
        "3.6": [fake_run("", epochs)],
        "3.7": [fake_run("", epochs, train_size=50000)],
        "3.8": [fake_run("", epochs, lmbda=0.1)],
        "3.9": [fake_run("", epochs, train_size=50000, lmbda=5.0)],
        "3.14": [fake_run(f"N={n}", 3, train_size=n) for n in (100, 1000, 50000)],
        "3.18": [fake_run("large", epochs), fake_run("default", epochs)],
        "3.19": [fake_run("large", epochs), fake_run("default", epochs)],
        "3.25": [fake_run(f"eta={eta}", epochs, eta=eta) for eta in (0.025, 0.25, 2.5)],
    }
    for experiment_id, runs in results.items():
        (directory / f"{experiment_id}.json").write_text(json.dumps(fake_result(experiment_id, runs)))
    for experiment_id, (runs, data) in fake_constructions(epochs).items():
        result = fake_result(experiment_id, runs)
        result["extra"] = data
        (directory / f"{experiment_id}.json").write_text(json.dumps(result))
    return results


def toy_run(label, epochs):
    """A run of the one-neuron example: only its cost per epoch."""
    return {"label": label, "training_cost": [0.5 / (1 + 0.01 * e) for e in range(epochs)], "training_size": 1}


def fake_constructions(epochs):
    """(runs, extra) of the experiments whose figures read "extra", shaped like nabla-book's."""
    xs = [i / 100 for i in range(100)]
    line = [0.2 + 0.5 * x for x in xs]
    toy = {"output": {label: [0.8 - 0.001 * e for e in range(epochs)] for label in ("a", "b")}}
    return {
        "3.1": ([toy_run("a", epochs)], toy),
        "3.2": ([toy_run("a", epochs)], toy),
        "3.3": ([toy_run("a", epochs), toy_run("b", epochs)], toy),
        "4.1": ([], {"curves": {"x": xs, "w=20": line, "w=999": [float(x > 0.3) for x in xs]}}),
        "4.4": ([], {"curves": {"x": xs, "f": line, "output N=5": line, "trained [1,20,1]": line},
                     "bumps": [{"N": 5, "mean_deviation": 0.07}, {"N": 50, "mean_deviation": 0.008}]}),
        "4.7": ([], {"tower_h10": {"n": 4, "z": [0.0] * 5 + [1.0, 1.0] + [0.0] * 9}}),
        "4.12": ([], {"curves": {"x": xs, "logit f": line, "M=1": line, "M=2": line}}),
        "5.5": ([], {"top6": [[0.01, -0.02, 0.005, 0.0, 0.03, -0.01], [0.05, 0.02, -0.06, 0.01, 0.04, 0.02]]}),
        "5.7": ([], {"norms": {str(k): [[10.0 ** -(k - layer) / (1 + e) for e in range(epochs)] for layer in range(k)]
                              for k in (2, 3, 4)}}),
    }


CONSTRUCTION_PNGS = [
    "3.1_toy_neuron_quadratic.png", "3.2_toy_neuron_quadratic_saturated.png", "3.3_toy_neuron_cross_entropy.png",
    "4.1_step_neuron.png", "4.4_goal_function.png", "4.7_tower.png", "4.12_windows_of_failure.png",
    "5.5_initial_gradient.png", "5.7_speed_of_learning_2_layers.png", "5.7_speed_of_learning_3_layers.png",
    "5.7_speed_of_learning_4_layers.png"]


def pngs(directory):
    return sorted(p.name for p in directory.glob("*.png"))


@pytest.mark.parametrize("epochs", [400, 5])  # the book's length and a run shortened with --epochs
def test_every_figure_is_written(plot_book, tmp_path, epochs):
    write_results(tmp_path, epochs)
    out = tmp_path / "figures"
    assert plot_book.main([str(tmp_path), "--out", str(out)]) == 0
    assert pngs(out) == sorted([
        "3.6_overfitting.png", "3.7_overfitting_full.png", "3.8_regularized.png", "3.9_regularized_full.png",
        "3.14_more_data.png", "3.18_weight_initialization_30.png", "3.19_weight_initialization_100.png",
        "3.25_multiple_eta.png"] + CONSTRUCTION_PNGS)
    for png in out.glob("*.png"):
        assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 1000


def test_missing_results_are_skipped_with_a_message(plot_book, tmp_path, capsys):
    (tmp_path / "3.6.json").write_text(json.dumps(fake_result("3.6", [fake_run("", 4)])))
    out = tmp_path / "figures"
    assert plot_book.main([str(tmp_path), "--out", str(out)]) == 0
    assert pngs(out) == ["3.6_overfitting.png"]
    assert "skip 3.25" in capsys.readouterr().out


def test_no_results_at_all_is_a_failure(plot_book, tmp_path):
    assert plot_book.main([str(tmp_path), "--out", str(tmp_path / "figures")]) == 1


def test_an_unmonitored_series_leaves_a_note_not_an_error(plot_book, tmp_path):
    run = fake_run("", 4)
    run["evaluation_cost"] = []
    run["training_accuracy"] = []
    (tmp_path / "3.6.json").write_text(json.dumps(fake_result("3.6", [run])))
    assert plot_book.main([str(tmp_path), "--out", str(tmp_path / "figures")]) == 0
    assert (tmp_path / "figures" / "3.6_overfitting.png").stat().st_size > 1000


def test_last_half_is_the_books_200_to_399(plot_book):
    epochs, values = plot_book.last_half(list(range(400)))
    assert epochs[0] == 200 and epochs[-1] == 399 and values == epochs
    assert plot_book.last_half([1.0, 2.0, 3.0]) == ([1, 2], [2.0, 3.0])


def test_run_size_prefers_settings_then_record_then_label(plot_book):
    assert plot_book.run_size({"settings": {"train_size": 500}, "training_size": 7, "label": "N=9"}) == 500
    assert plot_book.run_size({"settings": {}, "training_size": 7}) == 7
    assert plot_book.run_size({"label": "N=2000"}) == 2000


def test_figures_from_extra_need_no_runs(plot_book, tmp_path):
    runs, data = fake_constructions(5)["4.4"]
    result = fake_result("4.4", runs)
    result["extra"] = data
    (tmp_path / "4.4.json").write_text(json.dumps(result))
    assert plot_book.main([str(tmp_path), "--out", str(tmp_path / "figures")]) == 0
    assert pngs(tmp_path / "figures") == ["4.4_goal_function.png"]


def test_a_file_with_neither_runs_nor_extra_is_skipped(plot_book, tmp_path, capsys):
    (tmp_path / "5.7.json").write_text(json.dumps(fake_result("5.7", [])))
    (tmp_path / "3.6.json").write_text(json.dumps(fake_result("3.6", [fake_run("", 4)])))
    assert plot_book.main([str(tmp_path), "--out", str(tmp_path / "figures")]) == 0
    assert pngs(tmp_path / "figures") == ["3.6_overfitting.png"]
    assert "skip 5.7" in capsys.readouterr().out


def test_missing_extra_data_is_reported_as_malformed(plot_book, tmp_path, capsys):
    result = fake_result("5.5", [])
    result["extra"] = {"something_else": 1}
    (tmp_path / "5.5.json").write_text(json.dumps(result))
    assert plot_book.main([str(tmp_path), "--out", str(tmp_path / "figures")]) == 1
    assert "failed 5.5" in capsys.readouterr().out
