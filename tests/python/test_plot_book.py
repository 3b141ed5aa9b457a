"""scripts/plot_book.py on synthetic result files: every figure it knows is
written as a non-empty PNG, shortened runs work, missing files are skipped."""
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
    return results


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
        "3.25_multiple_eta.png"])
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
