# Development commands for the cloudblue.commerce collection.
# docs/development.md explains each target, the version matrix and timings.
#
# The versions live in tools/matrix.sh; override them on the command line, for
# example: make pytest PYTEST_MATRIX="2.21.5:3.13" PYTEST_ARGS="-k signature"

SHELL := /bin/bash

.PHONY: help test lint package sanity pytest demo bench clean

help:  ## List the targets.
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## /  make \1\t/'

test:  ## Everything CI runs: lint, package, sanity, pytest and demo, on the whole matrix.
	tools/test.sh

lint:  ## ansible-lint (production profile), antsibull-docs and antsibull-changelog lint.
	tools/test.sh lint

package:  ## Build the tarball, install it with the oldest and newest ansible-core, ansible-builder introspect.
	tools/test.sh package

sanity:  ## ansible-test sanity with the oldest and the newest ansible-core.
	tools/test.sh sanity

pytest:  ## Unit and integration tests on every ansible-core:Python pair of the matrix.
	tools/test.sh pytest

demo:  ## Install the collection and run the post-maintenance playbook against the simulator.
	tools/demo.sh

bench:  ## Run tools/bench.py with the newest ansible-core:Python pair (BENCH_ARGS=--quick for a short run).
	tools/bench.sh $(BENCH_ARGS)

clean:  ## Delete the virtual environments and .build (ansible-test caches included).
	rm -rf .build .venv .venv-*
