# Thin wrapper over scripts/ and CMake. `make` alone lists the targets.
.DEFAULT_GOAL := help
.PHONY: help setup demo test test-sanitize fuzz bench plots docs clean

help:
	@echo "nabla make targets:"
	@echo "  make setup   install missing Debian packages (root), fetch MNIST, configure and build build/"
	@echo "  make demo    setup, then train the book's chapter-1 network (nabla-book run 1.1, 30 epochs)"
	@echo "  make test    setup, build, run the whole suite with ctest (the one test command)"
	@echo "  make test-sanitize  the C++ tests and pytest under ASan + UBSan (build-sanitize/, slow)"
	@echo "  make fuzz    libFuzzer targets for every file reader, 60 s each (build-fuzz/, clang-14)"
	@echo "  make bench   time nabla against the numpy and PyTorch reference programs"
	@echo "  make plots   draw the book's figures from results/*.json into results/figures/"
	@echo "  make docs    HTML documentation (Sphinx + Doxygen) into build/docs/ (needs build/python)"
	@echo "  make clean   delete build/ (data/mnist/ is kept)"

setup:
	bash scripts/setup.sh

demo: setup
	./build/nabla-book run 1.1

test:
	bash scripts/test.sh

test-sanitize:
	bash scripts/test_sanitize.sh

fuzz:
	bash scripts/run_fuzz.sh

bench: setup
	cmake --build build --target bench

plots:
	/usr/bin/python3 scripts/plot_book.py results

docs:
	bash scripts/build_docs.sh build/python build/docs

clean:
	rm -rf build
