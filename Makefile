# Thin wrapper over scripts/ and CMake. `make` alone lists the targets.
.DEFAULT_GOAL := help
.PHONY: help setup demo test bench clean

help:
	@echo "nabla make targets:"
	@echo "  make setup   install missing Debian packages (root), fetch MNIST, configure and build build/"
	@echo "  make demo    setup, then train the book's chapter-1 network (nabla-book run 1.1, 30 epochs)"
	@echo "  make test    setup, build, run the whole suite with ctest (the one test command)"
	@echo "  make bench   build and run the benchmarks (the 'bench' CMake target), if there is one yet"
	@echo "  make clean   delete build/ (data/mnist/ is kept)"

setup:
	bash scripts/setup.sh

demo: setup
	./build/nabla-book run 1.1

test:
	bash scripts/test.sh

bench: setup
	@if cmake --build build --target help 2>/dev/null | grep -Eq '^(\.\.\. )?bench(:| |$$)'; then \
	  cmake --build build --target bench; \
	else \
	  echo "make bench: there is no 'bench' target yet (benchmarks/ has no CMake target); nothing to run."; \
	fi

clean:
	rm -rf build
